using System.Buffers.Binary;
using System.Diagnostics;
using Apiary.Core;
using Apiary.Sensor.Capture;
using Apiary.Sensor.Config;
using Apiary.Sensor.Link;
using Apiary.Sensor.Net;
using Apiary.Sensor.Personalities;
using Apiary.Sensor.Safety;
using Apiary.Sensor.Services;

namespace Apiary.Sensor.Stack;

/// <summary>Counters the sensor reports (start-up summary, periodic status line, tests).</summary>
public sealed class SensorStats
{
    public long FramesIn, FramesCaptured, FramesOut, EgressDenied, ArpAnswered, ConnectionsOpened, ConnectionsEvicted, ConnectionsRefused, KernelDrops;
    /// <summary>FTP active-mode data connections the sensor opened (the only connections it ever initiates).</summary>
    public long DataConnectionsInitiated;
    public int PeakConnections;
}

/// <summary>
/// The user-space TCP/IP responder: answers ARP/ND for the virtual addresses, ICMP echo, TCP and UDP per port action
/// and personality, owns the bounded connection table, and records every frame to and from the virtual hosts.
/// Single-threaded: the run loop calls <see cref="HandleFrame"/> and <see cref="OnTimer"/>; nothing here locks.
/// </summary>
public sealed class Responder
{
    public const byte FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80;

    private readonly SensorConfig _config;
    private readonly IFrameLink _link;
    private readonly ICaptureSink? _capture;
    private readonly EgressLimiter _limiter;
    // Every virtual address (IPv4 in mapped form, and IPv6) -> its host.
    private readonly Dictionary<IpAddress128, VirtualHostRuntime> _hosts = new();
    private readonly List<VirtualHostRuntime> _hostList = new();
    private readonly Dictionary<ConnectionKey, TcpConnection> _connections = new();
    private readonly LinkedList<TcpConnection> _halfOpen = new();
    private readonly Dictionary<TcpConnection, LinkedListNode<TcpConnection>> _halfOpenNodes = new();
    private readonly byte[] _out = new byte[2048];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _wallStartNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    public SensorStats Stats { get; } = new();
    public ServiceLog ServiceLog { get; }
    public IReadOnlyCollection<VirtualHostRuntime> Hosts => _hostList;
    public int ConnectionCount => _connections.Count;
    public EgressLimiter Limiter => _limiter;

    public Responder(SensorConfig config, IFrameLink link, ICaptureSink? capture, ServiceLog serviceLog)
    {
        _config = config;
        _link = link;
        _capture = capture;
        ServiceLog = serviceLog;
        _limiter = new EgressLimiter(config.EgressPacketsPerSecond, config.EgressPacketsPerSecondPerRemote, config.MaxTrackedRemotes);
        foreach (var h in config.Hosts)
        {
            var rt = new VirtualHostRuntime(h);
            _hostList.Add(rt);
            _hosts[rt.Address128] = rt;
            if (rt.Address6As128 is { } a6) _hosts[a6] = rt;
        }
    }

    /// <summary>FTP PORT/EPRT is enabled (<c>ftp_port_mode = "client_only"</c>).</summary>
    public bool FtpPortAllowed => _config.FtpAllowPort;

    /// <summary>Monotonic time in .NET ticks (100 ns).</summary>
    public long NowTicks => _clock.Elapsed.Ticks;

    /// <summary>Wall-clock time in ns since the epoch, for capture records.</summary>
    public long NowNs => _wallStartNs + _clock.Elapsed.Ticks * 100;

    public static string FormatIp(uint ip) => $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}";

    /// <summary>"a.b.c.d:port" or "[v6]:port".</summary>
    public static string FormatEndpoint(IpAddress128 ip, ushort port) => ip.IsV4 ? $"{FormatIp(ip.V4)}:{port}" : $"[{ip}]:{port}";

    // ------------------------------------------------------------------ inbound

    public void HandleFrame(InboundFrame f)
    {
        Stats.FramesIn++;
        var now = NowTicks;
        var relevant = IsRelevant(f, out var host);
        if (relevant || (_hosts.Count == 0)) Capture(f.Span);
        if (_config.Passive) return; // passive: capture only, never answer (not even ARP or neighbour solicitations)
        switch (f.Kind)
        {
            case FrameKind.Arp when f.ArpOp == 1 && _hosts.TryGetValue(IpAddress128.FromV4(f.ArpTargetIp), out var arpHost) && f.ArpSenderIp != f.ArpTargetIp:
                // Answer ARP requests for a virtual address with the host's own MAC (never for gratuitous ARPs).
                var n = FrameBuilder.ArpReply(_out, arpHost.Mac, arpHost.Address, f.SrcMac, f.ArpSenderIp);
                if (Emit(_out.AsSpan(0, n), IpAddress128.FromV4(f.ArpSenderIp), now)) Stats.ArpAnswered++;
                return;
            case FrameKind.Icmpv6:
                HandleIcmpv6(f, now);
                return;
        }
        if (host == null) return; // traffic *from* a virtual address: captured, not answered
        switch (f.Kind)
        {
            case FrameKind.Tcp: HandleTcp(host, f, now); break;
            case FrameKind.Udp: HandleUdp(host, f, now); break;
            case FrameKind.Icmp: HandleIcmp(host, f, now); break;
        }
    }

    private bool IsRelevant(InboundFrame f, out VirtualHostRuntime? host)
    {
        host = null;
        switch (f.Kind)
        {
            case FrameKind.Arp:
                return _hosts.ContainsKey(IpAddress128.FromV4(f.ArpTargetIp)) || _hosts.ContainsKey(IpAddress128.FromV4(f.ArpSenderIp));
            case FrameKind.Tcp or FrameKind.Udp or FrameKind.Icmp or FrameKind.Ipv4Other or FrameKind.Ipv6Other:
                if (_hosts.TryGetValue(f.Destination, out host)) return true;
                return _hosts.ContainsKey(f.Source);
            case FrameKind.Icmpv6:
                return Ipv6Relevant(f);
            default:
                return false;
        }
    }

    private bool Ipv6Relevant(InboundFrame f)
    {
        var s = f.Span;
        foreach (var h in _hostList)
        {
            if (h.Address6 == null) continue;
            if (s.Slice(22, 16).SequenceEqual(h.Address6) || s.Slice(38, 16).SequenceEqual(h.Address6)) return true;
            // Neighbour solicitations go to the solicited-node multicast group; the target is inside.
            if (f.Kind == FrameKind.Icmpv6 && f.IcmpType == 135 && s.Length >= 78 && s.Slice(62, 16).SequenceEqual(h.Address6)) return true;
        }
        return false;
    }

    private void HandleIcmpv6(InboundFrame f, long now)
    {
        var s = f.Span;
        foreach (var h in _hostList)
        {
            if (h.Address6 == null) continue;
            var src = s.Slice(22, 16);
            if (f.IcmpType == 135 && s.Length >= 78 && s.Slice(62, 16).SequenceEqual(h.Address6))
            {
                // Neighbour advertisement: solicited + override, target = our address, option: target link-layer address.
                Span<byte> body = stackalloc byte[24];
                h.Address6.CopyTo(body);
                body[16] = 2; body[17] = 1;
                h.Mac.CopyTo(body[18..]);
                var unspecified = src.IndexOfAnyExcept((byte)0) < 0;
                Span<byte> dst = stackalloc byte[16];
                if (unspecified) { dst.Clear(); dst[0] = 0xff; dst[1] = 0x02; dst[15] = 1; } else src.CopyTo(dst);
                var rest = unspecified ? 0x20000000u : 0x60000000u;
                var n = FrameBuilder.Icmpv6(_out, h.Mac, unspecified ? stackalloc byte[] { 0x33, 0x33, 0, 0, 0, 1 } : f.SrcMac,
                    h.Address6, dst, 255, 136, 0, rest, body);
                Emit(_out.AsSpan(0, n), f.Source, now);
                return;
            }
            if (f.IcmpType == 128 && s.Slice(38, 16).SequenceEqual(h.Address6) && h.P.AnswersEcho)
            {
                var rest = BinaryPrimitives.ReadUInt32BigEndian(s[58..]);
                var body = s.Slice(62, Math.Max(0, f.Ip6PayloadLength - 8));
                if (body.Length > 1400) return;
                var n = FrameBuilder.Icmpv6(_out, h.Mac, f.SrcMac, h.Address6, src, h.P.Ttl, 129, 0, rest, body);
                Emit(_out.AsSpan(0, n), f.Source, now);
                return;
            }
        }
    }

    private void HandleIcmp(VirtualHostRuntime h, InboundFrame f, long now)
    {
        var p = h.P;
        if (f.IcmpType != 8 || !p.AnswersEcho) return; // only echo requests are answered
        var m = f.Buffer.AsSpan(f.IcmpOffset, f.IcmpLength);
        var rest = BinaryPrimitives.ReadUInt32BigEndian(m[4..]);
        var body = m[8..];
        if (body.Length > 1400) return; // no reassembly: large pings are captured, not answered
        var code = p.IcmpEchoCopiesCode ? f.IcmpCode : (byte)0;
        var n = FrameBuilder.Icmp(_out, h.Mac, f.SrcMac, h.Address, f.Src, h.NextIpId(p.IpIdIcmp), p.Ttl, p.IcmpEchoDontFragment || (p.IcmpEchoCopiesDf && f.Df),
            0, code, rest, body, f.Tos);
        Emit(_out.AsSpan(0, n), f.Source, now);
    }

    private void HandleUdp(VirtualHostRuntime h, InboundFrame f, long now)
    {
        var action = h.Config.UdpAction(f.DstPort);
        switch (action.Kind)
        {
            case PortKind.Closed:
                if (h.P.UdpClosedUnreachable) SendIcmpError(h, f, 3, 3, now);
                return;
            case PortKind.Service:
                var reply = UdpServices.Answer(action.Service!, h, f.Payload);
                if (reply != null)
                {
                    ServiceLog.Write(h.Config.Name, FormatEndpoint(f.Source, f.SrcPort), action.Service!, "datagram", UdpServices.Describe(f.Payload));
                    var n = FrameBuilder.Udp(_out, h.Mac, f.SrcMac, f.Destination, f.Source, h.NextIpId(h.P.IpIdIcmp), h.P.Ttl, false,
                        f.DstPort, f.SrcPort, reply);
                    Emit(_out.AsSpan(0, n), f.Source, now);
                }
                return;
            default:
                return; // open without a service, or filtered: silence
        }
    }

    private void SendIcmpError(VirtualHostRuntime h, InboundFrame f, byte type, byte code, long now)
    {
        var p = h.P;
        var dgram = f.IpDatagram;
        if (f.IsV6)
        {
            // ICMPv6 destination unreachable (type 1; code 4 = port unreachable): quote as much as fits in the
            // IPv6 minimum MTU (RFC 4443 2.4(c)).
            var quote6 = Math.Min(dgram.Length, 1280 - 48);
            Span<byte> src6 = stackalloc byte[16], dst6 = stackalloc byte[16];
            FrameBuilder.WriteAddress(src6, f.Destination);
            FrameBuilder.WriteAddress(dst6, f.Source);
            var n6 = FrameBuilder.Icmpv6(_out, h.Mac, f.SrcMac, src6, dst6, p.Ttl, 1, 4, 0, dgram[..quote6]);
            Emit(_out.AsSpan(0, n6), f.Source, now);
            return;
        }
        // RFC 792 quotes the IP header + 8 bytes; RFC 1812 stacks quote as much as fits in 576 bytes.
        var quote = p.IcmpQuoteBytes < 0 ? Math.Min(dgram.Length, 576 - 28) : Math.Min(dgram.Length, f.IpHeaderLength + p.IcmpQuoteBytes);
        var n = FrameBuilder.Icmp(_out, h.Mac, f.SrcMac, h.Address, f.Src, h.NextIpId(p.IpIdIcmp), p.Ttl, p.IcmpErrorDontFragment,
            type, code, 0, dgram[..quote]);
        Emit(_out.AsSpan(0, n), f.Source, now);
    }

    private void HandleTcp(VirtualHostRuntime h, InboundFrame f, long now)
    {
        var key = new ConnectionKey(f.Destination, f.DstPort, f.Source, f.SrcPort);
        if (_connections.TryGetValue(key, out var conn))
        {
            conn.RemoteMac = f.SrcMac.ToArray();
            conn.OnSegment(f, now);
            return;
        }
        var flags = f.Flags;
        if ((flags & RST) != 0) return; // never answer a reset
        var p = h.P;
        PortAction action;
        ITcpService? passiveService = null;
        if (h.PassiveSlots.TryGetValue(f.DstPort, out var slot) && slot.Remote == f.Source && (flags & (SYN | ACK)) == SYN)
        {
            action = new PortAction(PortKind.Service, "ftp-data");
            passiveService = slot.Owner.CreateDataService(f.DstPort);
            h.PassiveSlots.Remove(f.DstPort);
        }
        else action = h.Config.TcpAction(f.DstPort);

        if (action.Kind == PortKind.Filtered) return;
        var syn = (flags & SYN) != 0;
        var ack = (flags & ACK) != 0;
        var fin = (flags & FIN) != 0;
        var segLen = (uint)f.PayloadLength + (syn ? 1u : 0) + (fin ? 1u : 0);
        if (action.Kind == PortKind.Closed)
        {
            if (ack) SendResetTo(h, f, f.Ack, 0, RST, p.IpIdClosed, now);
            else if (syn ? p.ClosedSyn == OddReply.Reset : p.StrayToClosed == OddReply.Reset)
                SendResetTo(h, f, 0, f.Seq + segLen, RST | ACK, p.IpIdClosed, now);
            return;
        }
        // Open port or service.
        if (ack)
        {
            SendResetTo(h, f, f.Ack, 0, RST, p.IpIdTcp, now); // no such connection (RFC 793)
            return;
        }
        if (!syn)
        {
            if (p.StrayToOpen == OddReply.Reset) SendResetTo(h, f, 0, f.Seq + segLen, RST | ACK, p.IpIdTcp, now);
            return;
        }
        if (fin)
        {
            if (p.SynFinToOpen == OddReply.Reset) { SendResetTo(h, f, 0, f.Seq + segLen, RST | ACK, p.IpIdTcp, now); return; }
            if (p.SynFinToOpen == OddReply.None) return;
        }
        Accept(h, f, key, action, passiveService, now);
    }

    private void Accept(VirtualHostRuntime h, InboundFrame f, ConnectionKey key, PortAction action, ITcpService? service, long now)
    {
        if (_halfOpen.Count >= _config.MaxHalfOpen)
        {
            // SYN flood defence: the oldest half-open connection makes room (its SYN+ACK is simply never retried).
            var oldest = _halfOpen.First!.Value;
            Stats.ConnectionsEvicted++;
            oldest.Abort(sendReset: false);
        }
        if (_connections.Count >= _config.MaxConnections)
        {
            Stats.ConnectionsRefused++;
            return; // table full of established sessions: drop the SYN, the peer retries
        }
        service ??= TcpServices.Create(action, h, this);
        var conn = new TcpConnection(this, h, key, service, f.Seq, f.Mss, f.WindowScale, f.SackOk, f.TsPresent, f.TsVal, f.Window, now)
        {
            RemoteMac = f.SrcMac.ToArray(),
            EcnRequested = (f.Flags & (ECE | CWR)) == (ECE | CWR),
        };
        _connections[key] = conn;
        _halfOpenNodes[conn] = _halfOpen.AddLast(conn);
        Stats.ConnectionsOpened++;
        Stats.PeakConnections = Math.Max(Stats.PeakConnections, _connections.Count);
        conn.SendSynAck(now);
    }

    /// <summary>Called by a connection when it leaves SYN_RECEIVED.</summary>
    internal void Established(TcpConnection c)
    {
        if (_halfOpenNodes.Remove(c, out var node)) _halfOpen.Remove(node);
    }

    internal void Remove(TcpConnection c)
    {
        if (_halfOpenNodes.Remove(c, out var node)) _halfOpen.Remove(node);
        if (_connections.TryGetValue(c.Key, out var existing) && ReferenceEquals(existing, c)) _connections.Remove(c.Key);
    }

    /// <summary>
    /// FTP active mode (PORT/EPRT): opens a data connection from the virtual host's port 20 to the control
    /// connection's own peer. This is the only connection the sensor ever initiates, and it is refused (null, with a
    /// reason) unless: PORT is enabled, the target address is exactly the control connection's remote address (no
    /// FTP bounce), the connection table has room and the key is free. The SYN goes through the egress limits like
    /// every other frame, to the MAC the control connection's frames came from.
    /// </summary>
    internal TcpConnection? ConnectData(ITcpSession control, IpAddress128 remote, ushort port, ITcpService service, out string refusal)
    {
        refusal = "";
        if (!_config.FtpAllowPort) { refusal = "ftp_port_mode is refuse"; return null; }
        if (control is not TcpConnection c || c.State == TcpState.Closed || c.RemoteMac == null) { refusal = "no control connection"; return null; }
        if (remote != c.Key.Remote) { refusal = "target is not the control connection's peer"; return null; }
        if (_connections.Count >= _config.MaxConnections) { Stats.ConnectionsRefused++; refusal = "connection table full"; return null; }
        var key = new ConnectionKey(c.Key.Local, 20, remote, port);
        if (_connections.ContainsKey(key)) { refusal = "data connection key in use"; return null; }
        var now = NowTicks;
        var conn = TcpConnection.Connect(this, c.Host, key, service, now);
        conn.RemoteMac = c.RemoteMac;
        _connections[key] = conn;
        Stats.DataConnectionsInitiated++;
        Stats.PeakConnections = Math.Max(Stats.PeakConnections, _connections.Count);
        conn.SendSyn(now);
        return conn;
    }

    public void OnTimer()
    {
        var now = NowTicks;
        var idle = _config.IdleTimeoutSeconds * TimeSpan.TicksPerSecond;
        foreach (var c in _connections.Values.ToList()) c.OnTimer(now, idle);
    }

    // ------------------------------------------------------------------ outbound

    private void SendResetTo(VirtualHostRuntime h, InboundFrame f, uint seq, uint ack, byte flags, IpIdMode idMode, long now)
    {
        var p = h.P;
        var n = FrameBuilder.Tcp(_out, h.Mac, f.SrcMac, f.Destination, f.Source, h.NextIpId(idMode), p.Ttl, p.ResetDontFragment,
            f.DstPort, f.SrcPort, seq, ack, flags, p.ResetWindow, [], []);
        Emit(_out.AsSpan(0, n), f.Source, now);
    }

    internal void SendReset(VirtualHostRuntime h, ConnectionKey key, uint seq, uint ack, byte flags, IpIdMode idMode)
    {
        var mac = _connections.TryGetValue(key, out var c) ? c.RemoteMac : null;
        if (mac == null) return;
        var n = FrameBuilder.Tcp(_out, h.Mac, mac, key.Local, key.Remote, h.NextIpId(idMode), h.P.Ttl, h.P.ResetDontFragment,
            key.LocalPort, key.RemotePort, seq, ack, flags, h.P.ResetWindow, [], []);
        Emit(_out.AsSpan(0, n), key.Remote, NowTicks);
    }

    internal void SendTcp(VirtualHostRuntime h, ConnectionKey key, uint seq, uint ack, byte flags, ushort window,
        ReadOnlySpan<byte> options, ReadOnlySpan<byte> payload, IpIdMode idMode, bool df)
    {
        if (!_connections.TryGetValue(key, out var c) || c.RemoteMac == null) return;
        if ((flags & SYN) != 0 && c.EcnRequested && h.P.Ecn) flags |= ECE;
        var n = FrameBuilder.Tcp(_out, h.Mac, c.RemoteMac, key.Local, key.Remote, h.NextIpId(idMode), h.P.Ttl, df,
            key.LocalPort, key.RemotePort, seq, ack, flags, window, options, payload);
        Emit(_out.AsSpan(0, n), key.Remote, NowTicks);
    }

    /// <summary>Every frame leaves through here: the egress limits, then the wire, then the capture.</summary>
    private bool Emit(ReadOnlySpan<byte> frame, IpAddress128 remote, long now)
    {
        if (!_limiter.TryTake(remote, now))
        {
            Stats.EgressDenied++;
            return false;
        }
        _link.Send(frame);
        Stats.FramesOut++;
        Capture(frame);
        return true;
    }

    private void Capture(ReadOnlySpan<byte> frame)
    {
        if (_capture == null) return;
        _capture.Write(NowNs, frame);
        Stats.FramesCaptured++;
    }
}
