using Apiary.Testbed;

namespace Apiary.Simulator;

/// <summary>Reply behaviour of a honeypot, chosen from the inventory's free-text OS.</summary>
public enum TargetPersonality
{
    Windows98,
    WindowsNt,
    Linux,
}

/// <summary>
/// A honeypot as the simulator answers for it: address, MAC, how its stack replies (TTL, SYN+ACK window and
/// options, ICMP quoting) and which ports are open (from the testbed inventory, at the time of each probe).
/// </summary>
public sealed class TargetStack
{
    public TargetStack(int index, Target target)
    {
        Index = index;
        Target = target;
        Address = target.Address.V4;
        Mac = [0x00, 0x0C, 0x29, 0x5A, (byte)(index >> 8), (byte)(0x10 + index)];
        var os = target.Os.ToUpperInvariant();
        Personality = os.Contains("98", StringComparison.Ordinal) || os.Contains("95", StringComparison.Ordinal) ? TargetPersonality.Windows98
            : os.Contains("WIN", StringComparison.Ordinal) || os.Contains("NT", StringComparison.Ordinal) ? TargetPersonality.WindowsNt
            : TargetPersonality.Linux;
    }

    public int Index { get; }
    public Target Target { get; }
    public uint Address { get; }
    public byte[] Mac { get; }
    public TargetPersonality Personality { get; }

    public bool IsWindows => Personality != TargetPersonality.Linux;

    public byte Ttl => IsWindows ? (byte)128 : (byte)64;

    /// <summary>SYN+ACK window: Windows 98 and NT 4 advertise 8760 (6 x 1460), Linux 2.4 5792.</summary>
    public ushort SynAckWindow => Personality switch
    {
        TargetPersonality.Windows98 => 8760,
        TargetPersonality.WindowsNt => 8760,
        _ => 5792,
    };

    public ushort DataWindow => IsWindows ? (ushort)17520 : (ushort)6432;

    /// <summary>How many bytes of the offending datagram an ICMP error quotes: Windows 8, Linux as much as fits in 576.</summary>
    public int IcmpQuoteBytes(int datagramLength) => IsWindows ? Math.Min(datagramLength, 28) : Math.Min(datagramLength, 576 - 28);

    public bool IsOpen(int protocol, int port, DateTime utc) => Target.IsOpen(protocol, port, utc);
}
