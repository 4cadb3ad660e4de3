using Apiary.Core;

namespace Apiary.Simulator;

/// <summary>
/// Builds the frames of one source's whole activity (its packets and the honeypots' replies) into a
/// <see cref="SourceBatch"/>. The honeypots answer as real hosts: SYN+ACK from open TCP ports, RST+ACK from closed
/// ones, ICMP port unreachable for closed UDP ports, echo replies, RST to unsolicited SYN+ACKs, and the
/// application dialogs of <see cref="ServicePayloads"/> on open ports.
/// </summary>
public sealed class SourceScript
{
    /// <summary>The upstream router's MAC: every inbound frame comes from it.</summary>
    private static readonly byte[] RouterMac = [0x00, 0x0D, 0xBC, 0x4A, 0x20, 0x01];

    private const int Mss = 1460;
    private const long Ms = 1_000_000;
    private const long Us = 1_000;

    private readonly PortCatalogue _ports;
    private readonly IReadOnlyList<TargetStack> _targets;
    private readonly SimulationModel _model;
    private readonly byte[] _options = new byte[40];

    private SourceBatch _batch = null!;
    private SimRandom _rng = null!;
    private AttackerStack _stack = null!;
    private uint _address;
    private byte _ttl;
    private ushort _ipId;
    private ushort _nextPort;
    private long _rttNs;
    private uint _tsVal;
    private long _endNs;
    private bool _targeted;

    public SourceScript(SimulationModel model, PortCatalogue ports, IReadOnlyList<TargetStack> targets)
    {
        _model = model;
        _ports = ports;
        _targets = targets;
    }

    /// <summary>Generates the activity of one source starting at <paramref name="startNs"/>; frames after <paramref name="endNs"/> (capture end) are dropped.</summary>
    public void Run(SourceBatch batch, SimRandom rng, SourceKind kind, AttackerStack stack, uint address, long startNs, long endNs)
    {
        _batch = batch;
        _rng = rng;
        _stack = stack;
        _address = address;
        _endNs = Math.Min(endNs, startNs + _model.MaxSourceDuration.Ticks * 100);
        // 6 to 25 router hops between attacker and honeypot.
        _ttl = (byte)(stack.InitialTtl - rng.Next(6, 26));
        _ipId = (ushort)rng.Next(1, 60000);
        _nextPort = (ushort)rng.Next(stack.EphemeralLow, stack.EphemeralHigh);
        // Round trip between attacker and honeypot: broadband and modem users of 2003, 40 to 600 ms.
        _rttNs = (long)(40 * Ms + rng.Exponential(120 * Ms));
        _tsVal = rng.NextUInt32() >> 4;
        _targeted = kind == SourceKind.SingleTargetAttack;

        switch (kind)
        {
            case SourceKind.ThreeTargetScan: Scan([0, 1, 2], startNs); break;
            case SourceKind.TwoTargetScan: Scan(PickTwo(), startNs); break;
            case SourceKind.MessengerSpam: UdpSweep([1026, 1027], ServicePayloads.MessengerSpam, startNs); break;
            case SourceKind.Slammer: UdpSweep([1434], ServicePayloads.SlammerPayload, startNs); break;
            case SourceKind.SingleTargetAttack: SingleTarget(startNs); break;
            case SourceKind.Backscatter: Backscatter(startNs); break;
        }
        batch.Sort();
    }

    private int[] PickTwo()
    {
        var n = _targets.Count;
        var a = _rng.Next(0, n);
        var b = _rng.Next(0, n - 1);
        if (b >= a) b++;
        return a < b ? [a, b] : [b, a];
    }

    // ----- processes -----

    private void Scan(int[] targetIndexes, long t)
    {
        var k = 1 + _rng.PickCumulative(CumulativePortsPerScan());
        var ping = _rng.Chance(_model.PingBeforeScanShare);
        var nbstat = _rng.Chance(_model.NetbiosNameQueryShare);
        // §5.3: "The largest scan we have observed has probed only 9 different ports on each machine": the NetBIOS
        // name query (UDP 137) counts as one of them.
        var ports = _ports.PickDistinct(Math.Min(k, _model.MaxPortsPerScan - (nbstat ? 1 : 0)), _rng);
        foreach (var ti in targetIndexes)
        {
            if (ti >= _targets.Count) continue;
            var target = _targets[ti];
            var tt = t;
            if (ping) tt = Ping(target, tt) + _rttNs;
            if (nbstat) tt = UdpRequest(target, 137, (ushort)137, ServicePayloads.NbnsNodeStatusRequest, tt) + 5 * Ms;
            // SYNs to the port list go out back to back; each connection then runs on its own.
            foreach (var port in ports)
            {
                TcpProbe(target, port, tt, runDialog: true);
                tt += (long)(1 * Ms + _rng.Exponential(15 * Ms));
            }
            t = tt + (long)(300 * Ms + _rng.Exponential(_model.MeanSecondsBetweenTargets * 1000 * Ms));
        }
    }

    private double[]? _portsPerScanCumulative;

    private double[] CumulativePortsPerScan()
    {
        if (_portsPerScanCumulative != null) return _portsPerScanCumulative;
        var w = _model.PortsPerScanWeights;
        var c = new double[w.Count];
        var s = 0.0;
        for (var i = 0; i < w.Count; i++) { s += w[i]; c[i] = s; }
        return _portsPerScanCumulative = c;
    }

    private void UdpSweep(int[] ports, byte[] payload, long t)
    {
        var sport = NextEphemeral();
        foreach (var target in _targets)
        {
            foreach (var port in ports) { UdpRequest(target, port, sport, payload, t); t += (long)(0.2 * Ms + _rng.Exponential(2 * Ms)); }
            t += (long)(5 * Ms + _rng.Exponential(_model.MeanSecondsBetweenTargets * 300 * Ms));
        }
    }

    private void SingleTarget(long t)
    {
        var target = _targets[_rng.Next(0, _targets.Count)];
        var open = _ports.Entries.Where(e => target.IsOpen(IpProtocols.Tcp, e.Port, NsToUtc(t))).ToArray();
        if (open.Length == 0) return;
        var cumulative = new double[open.Length];
        var s = 0.0;
        for (var i = 0; i < open.Length; i++) { s += open[i].Weight; cumulative[i] = s; }
        var connections = _rng.Chance(0.2) ? 2 : 1;
        // §5.4: "Whenever an attacking machine discovers that this port is open, it sends a large number of requests":
        // a share of the attackers of an open NetBIOS share come for it (SimulationModel.TargetedNetbiosPreference).
        var forShare = target.IsOpen(IpProtocols.Tcp, 139, NsToUtc(t)) && _rng.Chance(_model.TargetedNetbiosPreference);
        for (var c = 0; c < connections; c++)
        {
            var port = forShare && c == 0 ? 139 : open[_rng.PickCumulative(cumulative)].Port;
            t = TcpProbe(target, port, t, runDialog: true) + (long)(_rng.Exponential(5000 * Ms));
        }
    }

    /// <summary>Service ports that DoS victims of 2003 typically had attacked (their replies carry them as source port).</summary>
    private static readonly ushort[] VictimPorts = [80, 80, 80, 6667, 6667, 53, 25, 21, 22, 443, 7000, 27015];

    private void Backscatter(long t)
    {
        var target = _targets[_rng.Next(0, _targets.Count)];
        var victimPort = VictimPorts[_rng.Next(0, VictimPorts.Length)];
        // The spoofed packets used few source ports; they are the honeypot ports that the replies reach.
        var spoofedPorts = new[] { (ushort)_ports.Tail[_rng.Next(0, _ports.Tail.Length)], (ushort)_ports.Tail[_rng.Next(0, _ports.Tail.Length)] };
        var count = _rng.Geometric(_model.MeanBackscatterPackets);
        var style = _rng.NextDouble();
        Span<byte> quoted = stackalloc byte[28];
        for (var i = 0; i < count && t < _endNs; i++)
        {
            var dport = spoofedPorts[_rng.Next(0, 2)];
            var seq = _rng.NextUInt32();
            var ack = _rng.NextUInt32();
            if (style < 0.45)
            {
                Tcp(target, inbound: true, victimPort, dport, seq, ack, FrameBuilder.Syn | FrameBuilder.Ack, 8760, [], [], t);
                // A real host resets a SYN+ACK it never asked for.
                Tcp(target, inbound: false, dport, victimPort, ack, 0, FrameBuilder.Rst, 0, [], [], t + TargetDelay(target));
            }
            else if (style < 0.70) Tcp(target, inbound: true, victimPort, dport, 0, ack, FrameBuilder.Rst | FrameBuilder.Ack, 0, [], [], t);
            else if (style < 0.85) Tcp(target, inbound: true, victimPort, dport, seq, 0, FrameBuilder.Rst, 0, [], [], t);
            else
            {
                // Host unreachable from the victim's side, quoting the spoofed SYN (honeypot -> victim).
                var inner = new FrameBuilder.IpFields(target.Address, _address, (byte)_rng.Next(40, 120), (ushort)_rng.Next(1, 65535), false);
                FrameBuilder.WriteIpv4(quoted, inner, 6, 20);
                quoted[2] = 0; quoted[3] = 40; // inner total length: a bare 40-byte SYN
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(quoted[20..], dport);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(quoted[22..], victimPort);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(quoted[24..], seq);
                Icmp(target, inbound: true, 3, 1, 0, quoted, t);
            }
            t += (long)(_rng.Exponential(2_000 * Ms)) + Ms; // a victim answers a flood: seconds apart
        }
    }

    // ----- building blocks -----

    /// <summary>Opens a TCP connection to <paramref name="port"/>; on an open port runs the service dialog. Returns when the source's next action may start.</summary>
    private long TcpProbe(TargetStack target, int port, long t, bool runDialog)
    {
        var sport = NextEphemeral();
        var dport = (ushort)port;
        var iss = _rng.NextUInt32();
        var open = target.IsOpen(IpProtocols.Tcp, port, NsToUtc(t));
        if (!open)
        {
            // Worms (SMB, HTTP, RPC, FTP ports) move on after a refused connect(); brute-force and proxy-checking tools
            // open a connection per guess and keep trying (SimulationModel.ClosedPortAttempts, Figure 3). Each
            // connect() is one SYN, or three from Windows. Bound: 100 attempts keeps a source within minutes.
            var connects = _ports.RetriesWhenRefused(port) ? Math.Min(_rng.Geometric(_model.ClosedPortAttempts), 100) : 1;
            for (var c = 0; c < connects && t < _endNs; c++)
            {
                for (var a = 0; a < _stack.SynAttemptsOnReset; a++)
                {
                    Syn(target, sport, dport, iss, t);
                    Tcp(target, inbound: false, dport, sport, 0, iss + 1, FrameBuilder.Rst | FrameBuilder.Ack, 0, [], [], t + TargetDelay(target));
                    t += 500 * Ms + (long)_rng.Exponential(20 * Ms);
                }
                sport = NextEphemeral();
                iss = _rng.NextUInt32();
                t += (long)_rng.Exponential(1000 * Ms);
            }
            return t;
        }

        var irs = _rng.NextUInt32();
        Syn(target, sport, dport, iss, t);
        t += TargetDelay(target);
        ReadOnlySpan<byte> synAckOptions = target.IsWindows && _stack.Os == AttackerOs.Windows ? [2, 4, 0x05, 0xB4, 1, 1, 4, 2] : [2, 4, 0x05, 0xB4];
        Tcp(target, inbound: false, dport, sport, irs, iss + 1, FrameBuilder.Syn | FrameBuilder.Ack, target.SynAckWindow, synAckOptions, [], t);
        t += _rttNs;
        var flow = new Flow(target, sport, dport, iss + 1, irs + 1);
        if (_stack.Os == AttackerOs.Unrecognised && _rng.Chance(0.5))
        {
            // Half-open (SYN) scanners reset instead of completing the handshake.
            Tcp(target, inbound: true, sport, dport, flow.ASeq, 0, FrameBuilder.Rst, 0, [], [], t);
            return t;
        }
        Tcp(target, inbound: true, sport, dport, flow.ASeq, flow.TSeq, FrameBuilder.Ack, _stack.DataWindow, [], [], t);
        var dialog = runDialog ? _ports.DialogOf(port) : ServiceDialog.None;
        t = Dialog(flow, dialog, t + Ms);
        return Close(flow, t);
    }

    private sealed class Flow(TargetStack target, ushort sport, ushort dport, uint aSeq, uint tSeq)
    {
        public TargetStack Target { get; } = target;
        public ushort SPort { get; } = sport;
        public ushort DPort { get; } = dport;
        public uint ASeq { get; set; } = aSeq;
        public uint TSeq { get; set; } = tSeq;
    }

    private long Dialog(Flow f, ServiceDialog dialog, long t)
    {
        var target = f.Target;
        switch (dialog)
        {
            case ServiceDialog.NetbiosSession:
                t = Exchange(f, ServicePayloads.NbssSessionRequest, ServicePayloads.NbssPositiveResponse, t);
                return SmbSession(f, t, _targeted ? _model.TargetedNetbiosGuesses : _model.MeanNetbiosGuesses, enumerate: true);
            case ServiceDialog.SmbDirect:
                return SmbSession(f, t, _model.MeanSmbDirectGuesses, enumerate: _rng.Chance(0.3));
            case ServiceDialog.Http:
                return Http(f, t);
            case ServiceDialog.Ftp:
                t = Send(f, fromAttacker: false, target.IsWindows ? ServicePayloads.FtpBannerWindows : ServicePayloads.FtpBannerLinux, t);
                t += _rttNs;
                t = Exchange(f, ServicePayloads.FtpUserAnonymous, ServicePayloads.FtpPasswordPrompt, t);
                t = Exchange(f, ServicePayloads.FtpPass, ServicePayloads.FtpLoggedIn, t);
                if (_rng.Chance(0.5)) t = Exchange(f, ServicePayloads.FtpMkd, ServicePayloads.FtpDenied, t);
                if (_targeted)
                {
                    // Single-target attackers then guess the administrator's password (SimulationModel.TargetedFtpGuesses).
                    // Bound: a password list of at most 3,000 words (dictionary attacks).
                    var guesses = Math.Min(PasswordListLength(_model.TargetedFtpGuesses), 3000);
                    for (var g = 0; g < guesses && t < _endNs; g++)
                    {
                        t = Exchange(f, ServicePayloads.FtpUserAdministrator, ServicePayloads.FtpPasswordRequired, t);
                        t = Exchange(f, ServicePayloads.FtpPassGuess(g), ServicePayloads.FtpLoginIncorrect, t);
                    }
                }
                return Exchange(f, ServicePayloads.FtpQuit, ServicePayloads.FtpBye, t);
            case ServiceDialog.DceRpc:
                t = Exchange(f, ServicePayloads.RpcBindEpm, ServicePayloads.RpcBindAckEpm, t);
                return Exchange(f, ServicePayloads.RpcRequestLarge, ServicePayloads.RpcFault, t);
            case ServiceDialog.Banner:
                var banner = f.DPort == 22 ? ServicePayloads.SshBanner : ServicePayloads.SmtpBanner;
                t = Send(f, fromAttacker: false, banner, t);
                t += _rttNs;
                return Send(f, fromAttacker: true, f.DPort == 22 ? ServicePayloads.SshClientBanner : ServicePayloads.SmtpHelo, t) + TargetDelay(target);
            case ServiceDialog.Probe:
                if (_rng.Chance(0.5)) return t;
                t = Send(f, fromAttacker: true, ServicePayloads.GenericProbe, t);
                t += 150 * Ms;
                Ack(f, fromAttacker: false, t);
                return t + _rttNs;
            default:
                return t;
        }
    }

    private long SmbSession(Flow f, long t, double meanGuesses, bool enumerate)
    {
        var target = f.Target;
        var negotiate = target.Personality switch
        {
            TargetPersonality.Windows98 => ServicePayloads.SmbNegotiateResponse98,
            TargetPersonality.WindowsNt => ServicePayloads.SmbNegotiateResponseNt,
            _ => ServicePayloads.SmbNegotiateResponseSamba,
        };
        t = Exchange(f, ServicePayloads.SmbNegotiateRequest, negotiate, t);
        // The null session first: Windows of that time accepted it and listed shares to anyone.
        t = Exchange(f, ServicePayloads.SmbSessionSetupRequest(0),
            target.Personality == TargetPersonality.Windows98 ? ServicePayloads.SmbSessionSetupSuccess98 : ServicePayloads.SmbSessionSetupSuccessNt, t);
        if (enumerate)
        {
            t = Exchange(f, ServicePayloads.SmbTreeConnectIpc, ServicePayloads.SmbTreeConnectResponse, t);
            t = Exchange(f, ServicePayloads.SmbNtCreateSrvsvc, ServicePayloads.SmbNtCreateResponse, t);
            t = Exchange(f, ServicePayloads.SmbRpcBind, ServicePayloads.SmbRpcBindAck, t);
            t = Exchange(f, ServicePayloads.SmbNetShareEnumRequest,
                target.Personality == TargetPersonality.Windows98 ? ServicePayloads.SmbNetShareEnumResponse98 : ServicePayloads.SmbNetShareEnumResponseNt, t);
        }
        var mean = target.Personality == TargetPersonality.Windows98 ? meanGuesses * _model.Win98GuessFactor : meanGuesses;
        // Bound: a password list of at most 3,000 words (dictionary attacks); also keeps a source within an hour.
        var guesses = Math.Min(PasswordListLength(mean), 3000);
        for (var g = 1; g <= guesses && t < _endNs; g++)
            t = Exchange(f, ServicePayloads.SmbSessionSetupRequest(g), ServicePayloads.SmbLogonFailure, t);
        return t;
    }

    /// <summary>
    /// How many passwords a guesser tries: its list's length, uniform between half and one and a half times the mean
    /// (a tool runs through a fixed list; a memoryless count would let a few sources swing a month's port shares,
    /// which the paper saw stable, §5.3-5.4).
    /// </summary>
    private int PasswordListLength(double mean) => Math.Max(1, (int)Math.Round(mean * (0.5 + _rng.NextDouble())));

    private long Http(Flow f, long t)
    {
        var target = f.Target;
        var notFound = target.IsWindows ? ServicePayloads.HttpNotFoundIis : ServicePayloads.HttpNotFoundApache;
        var style = _rng.NextDouble();
        if (style < 0.55)
        {
            // Code Red II: one large request, the server answers (or not) and the worm closes.
            return Exchange(f, ServicePayloads.CodeRedRequest, notFound, t);
        }
        if (style < 0.85) return Exchange(f, ServicePayloads.HttpGetRoot, target.IsWindows ? ServicePayloads.HttpOkPage : notFound, t);
        // Nimda: its traversal probes, one per connection; this connection carries the first.
        var probes = _rng.Next(4, ServicePayloads.NimdaRequests.Length + 1);
        t = Exchange(f, ServicePayloads.NimdaRequests[0], notFound, t);
        for (var i = 1; i < probes && t < _endNs; i++)
        {
            var next = new Flow(target, NextEphemeral(), f.DPort, _rng.NextUInt32(), _rng.NextUInt32());
            t = Handshake(next, t + 20 * Ms);
            t = Exchange(next, ServicePayloads.NimdaRequests[i], notFound, t);
            t = Close(next, t);
        }
        return t;
    }

    private long Handshake(Flow f, long t)
    {
        var iss = f.ASeq - 1;
        Syn(f.Target, f.SPort, f.DPort, iss, t);
        t += TargetDelay(f.Target);
        Tcp(f.Target, inbound: false, f.DPort, f.SPort, f.TSeq - 1, f.ASeq, FrameBuilder.Syn | FrameBuilder.Ack, f.Target.SynAckWindow, [2, 4, 0x05, 0xB4], [], t);
        t += _rttNs;
        Tcp(f.Target, inbound: true, f.SPort, f.DPort, f.ASeq, f.TSeq, FrameBuilder.Ack, _stack.DataWindow, [], [], t);
        return t + Ms;
    }

    /// <summary>Attacker request, honeypot answer (which acknowledges the request). Returns when the attacker may continue.</summary>
    private long Exchange(Flow f, ReadOnlySpan<byte> request, ReadOnlySpan<byte> response, long t)
    {
        if (t >= _endNs) return t;
        t = Send(f, fromAttacker: true, request, t);
        t += TargetDelay(f.Target);
        t = Send(f, fromAttacker: false, response, t);
        // The attacker's next request comes one round trip later and acknowledges the answer.
        return t + _rttNs + (long)_rng.Exponential(5 * Ms);
    }

    /// <summary>Sends a message in MSS-sized segments; returns the time of the last segment.</summary>
    private long Send(Flow f, bool fromAttacker, ReadOnlySpan<byte> payload, long t)
    {
        var offset = 0;
        while (offset < payload.Length)
        {
            var n = Math.Min(Mss, payload.Length - offset);
            var last = offset + n == payload.Length;
            var flags = (byte)(FrameBuilder.Ack | (last ? FrameBuilder.Psh : 0));
            if (fromAttacker)
            {
                Tcp(f.Target, inbound: true, f.SPort, f.DPort, f.ASeq, f.TSeq, flags, _stack.DataWindow, [], payload.Slice(offset, n), t);
                f.ASeq += (uint)n;
            }
            else
            {
                Tcp(f.Target, inbound: false, f.DPort, f.SPort, f.TSeq, f.ASeq, flags, f.Target.DataWindow, [], payload.Slice(offset, n), t);
                f.TSeq += (uint)n;
            }
            offset += n;
            if (!last) t += fromAttacker ? 200 * Us : 60 * Us;
        }
        return t;
    }

    private void Ack(Flow f, bool fromAttacker, long t)
    {
        if (fromAttacker) Tcp(f.Target, inbound: true, f.SPort, f.DPort, f.ASeq, f.TSeq, FrameBuilder.Ack, _stack.DataWindow, [], [], t);
        else Tcp(f.Target, inbound: false, f.DPort, f.SPort, f.TSeq, f.ASeq, FrameBuilder.Ack, f.Target.DataWindow, [], [], t);
    }

    /// <summary>Closes the connection: a FIN handshake, or a reset (worms in a hurry, crafted scanners).</summary>
    private long Close(Flow f, long t)
    {
        if (t >= _endNs) return t;
        if (_stack.Os != AttackerOs.Windows || _rng.Chance(0.25))
        {
            Tcp(f.Target, inbound: true, f.SPort, f.DPort, f.ASeq, f.TSeq, FrameBuilder.Rst | FrameBuilder.Ack, 0, [], [], t);
            return t;
        }
        Tcp(f.Target, inbound: true, f.SPort, f.DPort, f.ASeq, f.TSeq, FrameBuilder.Fin | FrameBuilder.Ack, _stack.DataWindow, [], [], t);
        f.ASeq++;
        t += TargetDelay(f.Target);
        Tcp(f.Target, inbound: false, f.DPort, f.SPort, f.TSeq, f.ASeq, FrameBuilder.Fin | FrameBuilder.Ack, f.Target.DataWindow, [], [], t);
        f.TSeq++;
        t += _rttNs;
        Tcp(f.Target, inbound: true, f.SPort, f.DPort, f.ASeq, f.TSeq, FrameBuilder.Ack, _stack.DataWindow, [], [], t);
        return t;
    }

    private void Syn(TargetStack target, ushort sport, ushort dport, uint iss, long t)
    {
        var options = _options.AsSpan(0, _stack.SynOptions.Length);
        _stack.SynOptions.CopyTo(options);
        if (_stack.TimestampOffset >= 0)
        {
            // TSval: the attacker's uptime clock (100 Hz in Linux 2.4); TSecr stays 0 in a SYN.
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(options[_stack.TimestampOffset..], _tsVal + (uint)(t / (10 * Ms)));
        }
        Tcp(target, inbound: true, sport, dport, iss, 0, FrameBuilder.Syn, _stack.SynWindow, options, [], t);
    }

    private long Ping(TargetStack target, long t)
    {
        ReadOnlySpan<byte> body = "abcdefghijklmnopqrstuvwabcdefghi"u8; // Windows ping's 32-byte pattern
        // One echo request (worms) up to Windows ping's four, a second apart.
        var count = _rng.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            var idSeq = (uint)(0x0200 << 16 | _rng.Next(1, 0x7FFF));
            Icmp(target, inbound: true, 8, 0, idSeq, body, t);
            Icmp(target, inbound: false, 0, 0, idSeq, body, t + TargetDelay(target));
            if (i + 1 < count) t += 1000 * Ms;
        }
        return t;
    }

    private long UdpRequest(TargetStack target, int port, ushort sport, ReadOnlySpan<byte> payload, long t)
    {
        var dport = (ushort)port;
        Udp(target, inbound: true, sport, dport, payload, t);
        var reply = t + TargetDelay(target);
        if (target.IsOpen(IpProtocols.Udp, port, NsToUtc(t)))
        {
            if (port == 137) Udp(target, inbound: false, dport, sport, ServicePayloads.NbnsNodeStatusResponse, reply);
        }
        else
        {
            // Port unreachable quoting the datagram's IP header and (part of) its payload.
            var datagramLength = FrameBuilder.Ipv4Header + FrameBuilder.UdpHeader + payload.Length;
            var quoteLength = target.IcmpQuoteBytes(datagramLength);
            Span<byte> quoted = stackalloc byte[quoteLength];
            Span<byte> datagram = stackalloc byte[datagramLength + FrameBuilder.EthernetHeader];
            var ip = new FrameBuilder.IpFields(_address, target.Address, _ttl, _ipId, _stack.DontFragment);
            FrameBuilder.WriteUdp(datagram, target.Mac, RouterMac, ip, sport, dport, payload);
            datagram.Slice(FrameBuilder.EthernetHeader, quoteLength).CopyTo(quoted);
            Icmp(target, inbound: false, 3, 3, 0, quoted, reply);
        }
        return t;
    }

    // ----- frame emission -----

    private void Tcp(TargetStack target, bool inbound, ushort sport, ushort dport, uint seq, uint ack, byte flags, ushort window,
        ReadOnlySpan<byte> options, ReadOnlySpan<byte> payload, long t)
    {
        if (t >= _endNs) return;
        var span = _batch.Reserve();
        var ip = inbound
            ? new FrameBuilder.IpFields(_address, target.Address, _ttl, NextIpId(), _stack.DontFragment)
            : new FrameBuilder.IpFields(target.Address, _address, target.Ttl, TargetIpId(target), true);
        var len = inbound
            ? FrameBuilder.WriteTcp(span, target.Mac, RouterMac, ip, sport, dport, seq, ack, flags, window, options, payload)
            : FrameBuilder.WriteTcp(span, RouterMac, target.Mac, ip, sport, dport, seq, ack, flags, window, options, payload);
        _batch.Commit(t, len, inbound, IpProtocols.Tcp, dport, target.Index);
    }

    private void Udp(TargetStack target, bool inbound, ushort sport, ushort dport, ReadOnlySpan<byte> payload, long t)
    {
        if (t >= _endNs) return;
        var span = _batch.Reserve();
        var ip = inbound
            ? new FrameBuilder.IpFields(_address, target.Address, _ttl, NextIpId(), _stack.DontFragment)
            : new FrameBuilder.IpFields(target.Address, _address, target.Ttl, TargetIpId(target), false);
        var len = inbound
            ? FrameBuilder.WriteUdp(span, target.Mac, RouterMac, ip, sport, dport, payload)
            : FrameBuilder.WriteUdp(span, RouterMac, target.Mac, ip, sport, dport, payload);
        _batch.Commit(t, len, inbound, IpProtocols.Udp, dport, target.Index);
    }

    private void Icmp(TargetStack target, bool inbound, byte type, byte code, uint rest, ReadOnlySpan<byte> body, long t)
    {
        if (t >= _endNs) return;
        var span = _batch.Reserve();
        var ip = inbound
            ? new FrameBuilder.IpFields(_address, target.Address, _ttl, NextIpId(), false)
            : new FrameBuilder.IpFields(target.Address, _address, target.Ttl, TargetIpId(target), false);
        var len = inbound
            ? FrameBuilder.WriteIcmp(span, target.Mac, RouterMac, ip, type, code, rest, body)
            : FrameBuilder.WriteIcmp(span, RouterMac, target.Mac, ip, type, code, rest, body);
        _batch.Commit(t, len, inbound, IpProtocols.Icmp, 0, target.Index);
    }

    private ushort NextIpId()
    {
        if (_stack.Os is AttackerOs.Unrecognised or AttackerOs.NoSyn) return (ushort)_rng.Next(1, 65535);
        _ipId = (ushort)(_ipId == ushort.MaxValue ? 1 : _ipId + 1);
        return _ipId;
    }

    // Honeypot IP IDs: a per-source-random start is enough (nobody correlates them across sources).
    private ushort TargetIpId(TargetStack target) => (ushort)(1 + ((_ipId * 7 + target.Index * 4099) & 0x7FFF));

    private ushort NextEphemeral()
    {
        var p = _nextPort;
        _nextPort = (ushort)(_nextPort + 1 >= _stack.EphemeralHigh ? _stack.EphemeralLow : _nextPort + 1);
        return p;
    }

    private long TargetDelay(TargetStack target) =>
        (target.Personality == TargetPersonality.Windows98 ? 400 * Us : 150 * Us) + (long)_rng.Exponential(200 * Us);

    private static DateTime NsToUtc(long ns) => DateTime.UnixEpoch.AddTicks(ns / 100);
}
