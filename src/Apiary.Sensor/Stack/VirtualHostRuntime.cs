using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using Apiary.Core;
using Apiary.Sensor.Config;
using Apiary.Sensor.Personalities;

namespace Apiary.Sensor.Stack;

/// <summary>The live state of one virtual host: its counters (IP ID, ISN, timestamp clock) and FTP passive slots.</summary>
public sealed class VirtualHostRuntime
{
    public VirtualHostConfig Config { get; }
    public Personality P => Config.Personality;
    public uint Address { get; }
    public byte[] Mac => Config.Mac;
    public byte[]? Address6 { get; }
    /// <summary>The IPv4 address in the 128-bit form connection keys use.</summary>
    public IpAddress128 Address128 { get; }
    /// <summary>The IPv6 address, when configured.</summary>
    public IpAddress128? Address6As128 { get; }
    public Services.FakeFiles? FtpFiles { get; }
    public Services.FakeFiles? WebFiles { get; }

    /// <summary>FTP passive-mode data ports waiting for their connection, by port (bounded, see <see cref="MaxPassiveSlots"/>).</summary>
    public Dictionary<ushort, PassiveSlot> PassiveSlots { get; } = new();

    /// <summary>At most this many passive data ports may wait per host: one per FTP session is plenty.</summary>
    public const int MaxPassiveSlots = 64;

    private ushort _ipId;
    private uint _isn;
    private readonly uint _tsOffset;
    private ushort _nextPassivePort = 40000;

    public VirtualHostRuntime(VirtualHostConfig config)
    {
        Config = config;
        Address = BinaryPrimitives.ReadUInt32BigEndian(config.Address.GetAddressBytes());
        Address6 = config.Address6?.GetAddressBytes();
        Address128 = IpAddress128.FromV4(Address);
        if (config.Address6 != null) Address6As128 = IpAddress128.FromIPAddress(config.Address6);
        _ipId = (ushort)RandomNumberGenerator.GetInt32(1, 60000);
        _isn = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        _tsOffset = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        if (config.FtpRoot != null) FtpFiles = Services.FakeFiles.Load(config.FtpRoot);
        if (config.HttpRoot != null) WebFiles = Services.FakeFiles.Load(config.HttpRoot);
    }

    public ushort NextIpId(IpIdMode mode)
    {
        switch (mode)
        {
            case IpIdMode.Zero: return 0;
            case IpIdMode.Random: return (ushort)RandomNumberGenerator.GetInt32(1, 65536);
            case IpIdMode.BrokenIncremental:
                _ipId++;
                return (ushort)((_ipId << 8) | (_ipId >> 8));
            default:
                return ++_ipId;
        }
    }

    public uint NextIsn()
    {
        if (P.Isn == IsnMode.Random) return (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
        // Old Windows: a global counter advanced per connection and by the clock.
        _isn += P.IsnStep + (uint)(Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1000) % 1000);
        return _isn;
    }

    /// <summary>Timestamp clock value (0 when the personality advertises zero timestamps).</summary>
    public uint TimestampNow()
    {
        if (P.TimestampHz == 0) return 0;
        var ticks = Stopwatch.GetTimestamp();
        return _tsOffset + (uint)(ticks / (Stopwatch.Frequency / P.TimestampHz));
    }

    /// <summary>Reserves a passive data port for an FTP session; null when every slot is taken.</summary>
    public ushort? ReservePassivePort(IpAddress128 remote, Services.IFtpDataOwner owner, long nowTicks)
    {
        foreach (var (port, slot) in PassiveSlots.Where(kv => nowTicks > kv.Value.ExpiresTicks).ToList())
            PassiveSlots.Remove(port);
        if (PassiveSlots.Count >= MaxPassiveSlots) return null;
        for (var i = 0; i < 1000; i++)
        {
            var port = _nextPassivePort++;
            if (_nextPassivePort > 40999) _nextPassivePort = 40000;
            if (PassiveSlots.ContainsKey(port) || Config.Tcp.ContainsKey(port)) continue;
            // A passive port waits 60 s for its data connection, as FTP servers commonly do.
            PassiveSlots[port] = new PassiveSlot(remote, owner, nowTicks + 60 * TimeSpan.TicksPerSecond);
            return port;
        }
        return null;
    }
}

/// <summary>An FTP data port waiting for the client that asked for it.</summary>
public sealed record PassiveSlot(IpAddress128 Remote, Services.IFtpDataOwner Owner, long ExpiresTicks);
