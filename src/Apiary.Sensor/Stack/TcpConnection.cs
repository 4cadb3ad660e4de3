using Apiary.Core;
using Apiary.Sensor.Services;

namespace Apiary.Sensor.Stack;

/// <summary>Identifies a TCP connection of a virtual host.</summary>
public readonly record struct ConnectionKey(IpAddress128 Local, ushort LocalPort, IpAddress128 Remote, ushort RemotePort);

/// <summary>TCP connection states the user-space stack uses (a subset of RFC 793: no simultaneous open, no TIME_WAIT).</summary>
public enum TcpState
{
    /// <summary>Our SYN is out (only FTP active-mode data connections, see <see cref="TcpConnection.Connect"/>).</summary>
    SynSent,
    SynReceived,
    Established,
    /// <summary>The peer has sent FIN; our FIN follows when the service closes.</summary>
    CloseWait,
    Closed,
}

/// <summary>
/// One TCP connection of a virtual host: handshake, in-order data delivery to the service, a bounded send buffer with
/// retransmission (go-back-N from the first unacknowledged byte), FIN exchange, idle timeout.
/// </summary>
public sealed class TcpConnection : ITcpSession
{
    /// <summary>Send queue bound per connection: the largest configured file or page plus headers fits well below this.</summary>
    public const int MaxSendBuffer = 4 << 20;
    /// <summary>Retransmissions before the connection is aborted (RFC 1122 suggests at least ~100 s; a honeypot gives up sooner).</summary>
    public const int MaxRetries = 5;
    /// <summary>SYN+ACK retransmissions for a half-open connection (Linux uses 5; fewer bounds a flood's echo).</summary>
    public const int MaxSynAckRetries = 2;

    private readonly Responder _r;
    private readonly List<byte> _sendBuffer = new(); // bytes from SndUna onwards (sent-unacked, then unsent)

    public ConnectionKey Key { get; }
    public VirtualHostRuntime Host { get; }
    public ITcpService Service { get; }
    public TcpState State { get; private set; } = TcpState.SynReceived;
    public long CreatedTicks { get; }
    public long LastActivityTicks { get; private set; }

    public uint Iss { get; }
    /// <summary>The peer's MAC address (answers go back to the frame's sender, as a router's or host's would).</summary>
    public byte[]? RemoteMac { get; set; }
    /// <summary>The SYN asked for ECN (ECE+CWR).</summary>
    public bool EcnRequested { get; init; }
    private uint _sndUna, _sndNxt, _rcvNxt;
    private int _peerWindow; // bytes
    // Set from the peer's SYN (passive open) or SYN+ACK (active open).
    private int _peerWs, _ourWs, _sendMss;
    private bool _ts;
    private uint _tsRecent;
    private bool _peerSack, _peerTsOffered, _peerWsOffered;
    private bool _finQueued, _finSent, _finAcked, _peerFin;
    private long _rtoDeadline;
    private int _retries;
    private long _rtoTicks = TimeSpan.TicksPerSecond;
    private bool _opened;
    private readonly uint _tsOffset;

    public TcpConnection(Responder r, VirtualHostRuntime host, ConnectionKey key, ITcpService service, uint peerIsn,
        int peerMss, int peerWs, bool peerSack, bool peerTs, uint peerTsVal, ushort peerWindow, long nowTicks)
    {
        _r = r;
        Host = host;
        Key = key;
        Service = service;
        CreatedTicks = LastActivityTicks = nowTicks;
        Iss = host.NextIsn();
        _sndUna = Iss;
        _sndNxt = Iss + 1;
        _rcvNxt = peerIsn + 1;
        var p = host.P;
        _peerWsOffered = peerWs >= 0;
        _peerWs = peerWs >= 0 && p.WindowScale >= 0 ? Math.Min(peerWs, 14) : 0;
        _ourWs = peerWs >= 0 && p.WindowScale >= 0 ? p.WindowScale : 0;
        _peerWindow = peerWindow; // the window in a SYN is never scaled
        _sendMss = Math.Min(peerMss > 0 ? peerMss : 536, MssCap);
        _peerSack = peerSack;
        _peerTsOffered = peerTs;
        _ts = peerTs && p.Timestamps;
        _tsRecent = peerTsVal;
        _tsOffset = p.TimestampRandomOffset ? (uint)System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue) : 0;
    }

    /// <summary>Active open: a connection from the virtual host to <paramref name="key"/>'s remote (state SYN_SENT).</summary>
    private TcpConnection(Responder r, VirtualHostRuntime host, ConnectionKey key, ITcpService service, long nowTicks)
    {
        _r = r;
        Host = host;
        Key = key;
        Service = service;
        State = TcpState.SynSent;
        CreatedTicks = LastActivityTicks = nowTicks;
        Iss = host.NextIsn();
        _sndUna = Iss;
        _sndNxt = Iss + 1;
        _sendMss = 536;
        _tsOffset = host.P.TimestampRandomOffset ? (uint)System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue) : 0;
    }

    /// <summary>
    /// Creates an outgoing connection (the caller registers it, then calls <see cref="SendSyn"/>). Only the FTP
    /// service uses this, for PORT/EPRT data connections to the control connection's own peer.
    /// </summary>
    public static TcpConnection Connect(Responder r, VirtualHostRuntime host, ConnectionKey key, ITcpService service, long nowTicks) =>
        new(r, host, key, service, nowTicks);

    /// <summary>The MSS this host can carry: the personality's (IPv4) MSS, 20 bytes less over IPv6's larger header.</summary>
    private int MssCap => Host.P.Mss - (Key.Local.IsV4 ? 0 : 20);

    private uint TsNow() => Host.TimestampNow() + _tsOffset;

    public string HostName => Host.Config.Name;
    public string Peer => Responder.FormatEndpoint(Key.Remote, Key.RemotePort);
    public IpAddress128 RemoteAddress => Key.Remote;
    public IpAddress128 LocalAddress => Key.Local;
    public ushort LocalPort => Key.LocalPort;
    public bool IsHalfOpen => State == TcpState.SynReceived;
    public bool IsFinished => State == TcpState.Closed;

    /// <summary>Sends (or resends) the SYN+ACK.</summary>
    public void SendSynAck(long nowTicks)
    {
        Span<byte> opts = stackalloc byte[40];
        var p = Host.P;
        var n = TcpOptions.SynAck(opts, p, _peerWsOffered, _peerSack, _peerTsOffered, TsNow(), _tsRecent, (ushort)MssCap);
        var window = _peerTsOffered && p.Timestamps ? p.Window : p.WindowNoTimestamps;
        _r.SendTcp(Host, Key, Iss, _rcvNxt, Responder.SYN | Responder.ACK, window, opts[..n], [], p.IpIdTcp, p.DontFragment);
        _rtoDeadline = nowTicks + _rtoTicks;
    }

    /// <summary>Sends (or resends) our SYN: the personality's full option layout, as its stack would open a connection.</summary>
    public void SendSyn(long nowTicks)
    {
        Span<byte> opts = stackalloc byte[40];
        var p = Host.P;
        var n = TcpOptions.SynAck(opts, p, peerWs: true, peerSack: true, peerTs: true, TsNow(), 0, (ushort)MssCap);
        _r.SendTcp(Host, Key, Iss, 0, Responder.SYN, p.Window, opts[..n], [], p.IpIdTcp, p.DontFragment);
        _rtoDeadline = nowTicks + _rtoTicks;
    }

    /// <summary>SYN_SENT: a SYN+ACK for our SYN synchronises the connection; a RST for it means refused.</summary>
    private void OnSegmentSynSent(Net.InboundFrame f, long nowTicks)
    {
        var flags = f.Flags;
        var ackOk = (flags & Responder.ACK) != 0 && f.Ack == Iss + 1;
        if ((flags & Responder.RST) != 0)
        {
            if (ackOk) { Log("data_connection_refused"); Abort(sendReset: false); }
            return;
        }
        if ((flags & Responder.ACK) != 0 && !ackOk)
        {
            _r.SendReset(Host, Key, f.Ack, 0, Responder.RST, Host.P.IpIdClosed);
            return;
        }
        if ((flags & Responder.SYN) == 0 || !ackOk) return;
        var p = Host.P;
        _rcvNxt = f.Seq + 1;
        _peerWsOffered = f.WindowScale >= 0;
        _peerWs = f.WindowScale >= 0 && p.WindowScale >= 0 ? Math.Min(f.WindowScale, 14) : 0;
        _ourWs = f.WindowScale >= 0 && p.WindowScale >= 0 ? p.WindowScale : 0;
        _peerWindow = f.Window; // never scaled in a SYN
        _sendMss = Math.Min(f.Mss > 0 ? f.Mss : 536, MssCap);
        _peerSack = f.SackOk;
        _peerTsOffered = f.TsPresent;
        _ts = f.TsPresent && p.Timestamps;
        _tsRecent = f.TsVal;
        _sndUna = f.Ack;
        State = TcpState.Established;
        _retries = 0;
        _rtoTicks = TimeSpan.TicksPerSecond;
        _rtoDeadline = 0;
        SendAck();
        Open();
        Pump(nowTicks);
    }

    /// <summary>Handles one segment for this connection.</summary>
    public void OnSegment(Net.InboundFrame f, long nowTicks)
    {
        LastActivityTicks = nowTicks;
        if (State == TcpState.SynSent) { OnSegmentSynSent(f, nowTicks); return; }
        var flags = f.Flags;
        if ((flags & Responder.RST) != 0)
        {
            // Accept a reset only inside the receive window (RFC 5961 would demand an exact match).
            if (unchecked((int)(f.Seq - _rcvNxt)) >= 0 && unchecked((int)(f.Seq - _rcvNxt)) < 65535 * 4) Abort(sendReset: false);
            return;
        }
        if ((flags & Responder.SYN) != 0)
        {
            if (State == TcpState.SynReceived && f.Seq + 1 == _rcvNxt) SendSynAck(nowTicks); // retransmitted SYN
            else SendAck();
            return;
        }
        if (f.TsPresent && _ts) _tsRecent = f.TsVal;
        if ((flags & Responder.ACK) != 0)
        {
            var ack = f.Ack;
            if (State == TcpState.SynReceived)
            {
                if (ack != Iss + 1)
                {
                    _r.SendReset(Host, Key, ack, 0, Responder.RST, Host.P.IpIdClosed);
                    return;
                }
                _sndUna = ack;
                State = TcpState.Established;
                _r.Established(this);
                _retries = 0;
                _rtoTicks = TimeSpan.TicksPerSecond;
                _rtoDeadline = 0;
            }
            else if (unchecked((int)(ack - _sndUna)) > 0 && unchecked((int)(ack - _sndNxt)) <= 0)
            {
                var acked = (int)(ack - _sndUna);
                var dataAcked = Math.Min(acked, _sendBuffer.Count);
                _sendBuffer.RemoveRange(0, dataAcked);
                _sndUna = ack;
                if (_finSent && ack == _sndNxt) _finAcked = true;
                _retries = 0;
                _rtoTicks = TimeSpan.TicksPerSecond;
                _rtoDeadline = _sndUna == _sndNxt ? 0 : nowTicks + _rtoTicks;
            }
            _peerWindow = f.Window << _peerWs;
        }
        else
        {
            return; // no ACK on a synchronised connection: drop (RFC 793)
        }

        var needAck = false;
        if (f.PayloadLength > 0 || (flags & Responder.FIN) != 0)
        {
            if (f.Seq == _rcvNxt)
            {
                if (f.PayloadLength > 0 && !_peerFin)
                {
                    _rcvNxt += (uint)f.PayloadLength;
                    if (!_opened) Open();
                    Service.OnData(this, f.Payload);
                }
                if ((flags & Responder.FIN) != 0 && !_peerFin)
                {
                    _rcvNxt++;
                    _peerFin = true;
                    if (State == TcpState.Established) State = TcpState.CloseWait;
                    Service.OnPeerClosed(this);
                }
                needAck = true;
            }
            else
            {
                needAck = true; // out of order or duplicate: re-announce what we expect
            }
        }
        if (!_opened && State != TcpState.SynReceived) Open();
        var sent = Pump(nowTicks);
        if (needAck && !sent) SendAck();
        if (_finAcked && _peerFin) Finish();
    }

    private void Open()
    {
        _opened = true;
        Service.OnOpen(this);
    }

    /// <summary>Timer work: retransmission and idle timeout. Returns false when the connection is gone.</summary>
    public void OnTimer(long nowTicks, long idleTicks)
    {
        if (State == TcpState.Closed) return;
        if (nowTicks - LastActivityTicks > idleTicks)
        {
            Log("idle_timeout");
            Abort(sendReset: State != TcpState.SynReceived);
            return;
        }
        if (_rtoDeadline == 0 || nowTicks < _rtoDeadline) return;
        _retries++;
        if (State == TcpState.SynSent)
        {
            if (_retries > MaxSynAckRetries) { Log("data_connection_timeout"); Abort(sendReset: false); return; }
            _rtoTicks *= 2;
            SendSyn(nowTicks);
            return;
        }
        if (State == TcpState.SynReceived)
        {
            if (_retries > MaxSynAckRetries) { Abort(sendReset: false); return; }
            _rtoTicks *= 2;
            SendSynAck(nowTicks);
            return;
        }
        if (_retries > MaxRetries) { Log("retransmission_limit"); Abort(sendReset: true); return; }
        _rtoTicks = Math.Min(_rtoTicks * 2, 30 * TimeSpan.TicksPerSecond);
        // Go back to the first unacknowledged byte and send again.
        _sndNxt = _sndUna;
        if (_finSent && _sendBuffer.Count == 0) { _finSent = false; }
        else if (_finSent) _finSent = false;
        Pump(nowTicks, force: true);
    }

    /// <summary>Sends what the peer's window allows; true when at least one segment went out.</summary>
    private bool Pump(long nowTicks, bool force = false)
    {
        if (State is TcpState.SynReceived or TcpState.SynSent or TcpState.Closed) return false;
        var sent = false;
        var window = Math.Max(_peerWindow, force ? _sendMss : 0);
        while (true)
        {
            var inFlight = (int)(_sndNxt - _sndUna);
            var unsent = _sendBuffer.Count - inFlight;
            if (unsent <= 0) break;
            var room = window - inFlight;
            if (room <= 0) break;
            var len = Math.Min(Math.Min(unsent, room), _sendMss);
            var chunk = new byte[len];
            _sendBuffer.CopyTo(inFlight, chunk, 0, len);
            var isLast = len == unsent;
            SendData(_sndNxt, chunk, (byte)(Responder.ACK | (isLast ? Responder.PSH : 0)));
            _sndNxt += (uint)len;
            sent = true;
        }
        if (_finQueued && !_finSent && (int)(_sndNxt - _sndUna) == _sendBuffer.Count)
        {
            SendData(_sndNxt, [], Responder.FIN | Responder.ACK);
            _sndNxt++;
            _finSent = true;
            sent = true;
        }
        if (sent && _rtoDeadline == 0) _rtoDeadline = nowTicks + _rtoTicks;
        return sent;
    }

    private void SendData(uint seq, byte[] payload, byte flags)
    {
        Span<byte> opts = stackalloc byte[12];
        var n = TcpOptions.Established(opts, _ts, TsNow(), _tsRecent);
        var win = (ushort)Math.Min(65535, Host.P.EstablishedWindow >> _ourWs);
        _r.SendTcp(Host, Key, seq, _rcvNxt, flags, win, opts[..n], payload, Host.P.IpIdTcp, Host.P.DontFragment);
    }

    private void SendAck() => SendData(_sndNxt, [], Responder.ACK);

    public void Send(ReadOnlySpan<byte> data)
    {
        if (State == TcpState.Closed || _finQueued) return;
        if (_sendBuffer.Count + data.Length > MaxSendBuffer)
        {
            Log("send_buffer_full");
            Abort(sendReset: true);
            return;
        }
        foreach (var b in data) _sendBuffer.Add(b);
        Pump(_r.NowTicks);
    }

    public void Send(string text) => Send(System.Text.Encoding.Latin1.GetBytes(text));

    public void Close()
    {
        if (_finQueued || State == TcpState.Closed) return;
        _finQueued = true;
        Pump(_r.NowTicks);
    }

    public void Log(string evt, string? command = null) => _r.ServiceLog.Write(HostName, Peer, Service.Name, evt, command);

    /// <summary>Ends the connection now, optionally with a RST to the peer.</summary>
    public void Abort(bool sendReset)
    {
        if (State == TcpState.Closed) return;
        if (sendReset && State != TcpState.SynSent) _r.SendReset(Host, Key, _sndNxt, _rcvNxt, Responder.RST | Responder.ACK, Host.P.IpIdTcp);
        Finish();
    }

    private void Finish()
    {
        if (State == TcpState.Closed) return;
        // A service hears of the end if it was opened, or if it asked for this connection (active open that failed).
        var tell = _opened || State == TcpState.SynSent;
        State = TcpState.Closed;
        if (tell) Service.OnClosed(this);
        _r.Remove(this);
    }
}
