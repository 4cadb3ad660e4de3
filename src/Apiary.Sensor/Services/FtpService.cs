using System.Globalization;
using System.Net;
using System.Text;
using Apiary.Core;
using Apiary.Sensor.Stack;

namespace Apiary.Sensor.Services;

/// <summary>An FTP session that hands out passive data connections.</summary>
public interface IFtpDataOwner
{
    /// <summary>Creates the service for the data connection that arrived on <paramref name="port"/>.</summary>
    ITcpService CreateDataService(ushort port);
}

/// <summary>
/// Emulated FTP control connection: anonymous login, SYST, PWD, CWD, LIST/NLST of the configured fake tree, RETR of
/// its small files, STOR accepted and discarded, PASV/EPSV data connections, and PORT/EPRT (active mode) only back to
/// the control connection's own address on an unprivileged port (an FTP bounce is refused and logged as
/// <c>bounce_refused</c>). Nothing a client sends is executed or stored beyond the service log.
/// </summary>
public sealed class FtpService(VirtualHostRuntime host, Responder responder) : ITcpService, IFtpDataOwner
{
    /// <summary>Commands per session before the server hangs up (bounds a scripted brute force per connection).</summary>
    private const int MaxCommands = 500;

    private readonly LineBuffer _lines = new();
    private ITcpSession? _control;
    private string? _user;
    private bool _loggedIn;
    private string _cwd = "/";
    private int _commands;
    private FtpDataService? _data;
    private bool _passiveReady;
    private (IpAddress128 Address, ushort Port)? _activeTarget;
    private Transfer? _pending;

    private sealed record Transfer(byte[]? Download, string What);

    public string Name => "ftp";

    public void OnOpen(ITcpSession session)
    {
        _control = session;
        session.Log("connect");
        session.Send(host.P.FtpBanner + "\r\n");
    }

    public void OnData(ITcpSession session, ReadOnlySpan<byte> data)
    {
        foreach (var line in _lines.Feed(data))
        {
            if (++_commands > MaxCommands) { session.Send("421 Too many commands.\r\n"); session.Close(); return; }
            var sp = line.IndexOf(' ');
            var cmd = (sp < 0 ? line : line[..sp]).ToUpperInvariant();
            var arg = sp < 0 ? "" : line[(sp + 1)..].Trim();
            session.Log("command", line);
            Handle(session, cmd, arg);
        }
    }

    public void OnClosed(ITcpSession session)
    {
        _data?.Abandon();
        _data = null;
    }

    private void Reply(string text) => _control!.Send(text + "\r\n");

    private void Handle(ITcpSession s, string cmd, string arg)
    {
        switch (cmd)
        {
            case "USER":
                _user = arg;
                _loggedIn = false;
                Reply(arg is "anonymous" or "ftp" ? "331 Please specify the password." : "331 Password required for " + arg + ".");
                return;
            case "PASS":
                if (_user is "anonymous" or "ftp") { _loggedIn = true; Reply("230 Login successful."); }
                else Reply("530 Login incorrect.");
                return;
            case "QUIT":
                Reply("221 Goodbye.");
                s.Close();
                return;
            case "SYST": Reply(host.P.FtpSyst); return;
            case "FEAT": Reply("211-Features:\r\n EPRT\r\n EPSV\r\n PASV\r\n SIZE\r\n211 End"); return;
            case "NOOP": Reply("200 NOOP ok."); return;
            case "HELP": Reply("214 Help OK."); return;
            case "OPTS": Reply("200 OK."); return;
        }
        if (!_loggedIn) { Reply("530 Please login with USER and PASS."); return; }
        switch (cmd)
        {
            case "PWD" or "XPWD": Reply($"257 \"{_cwd}\" is the current directory"); return;
            case "CWD" or "XCWD":
                {
                    var target = FakeFiles.Resolve(_cwd, arg);
                    if (host.FtpFiles?.IsDirectory(target) == true) { _cwd = target; Reply("250 Directory successfully changed."); }
                    else Reply("550 Failed to change directory.");
                    return;
                }
            case "CDUP": _cwd = FakeFiles.Resolve(_cwd, ".."); Reply("250 Directory successfully changed."); return;
            case "TYPE": Reply(arg.StartsWith('A') ? "200 Switching to ASCII mode." : "200 Switching to Binary mode."); return;
            case "MODE" or "STRU" or "ALLO": Reply("200 OK."); return;
            case "REST": Reply("350 Restart position accepted (0)."); return;
            case "SIZE":
                {
                    var f = host.FtpFiles?.File(FakeFiles.Resolve(_cwd, arg));
                    Reply(f == null ? "550 Could not get file size." : $"213 {f.Length}");
                    return;
                }
            case "MDTM": Reply("213 20040101120000"); return;
            case "PASV" or "EPSV":
                {
                    _data?.Abandon();
                    _data = null;
                    _activeTarget = null;
                    if (cmd == "PASV" && !s.LocalAddress.IsV4) { Reply("425 Use EPSV over IPv6."); return; }
                    var port = host.ReservePassivePort(s.RemoteAddress, this, responder.NowTicks);
                    if (port == null) { Reply("425 Cannot open passive connection."); return; }
                    _passiveReady = true;
                    var a = s.LocalAddress.V4;
                    Reply(cmd == "EPSV"
                        ? $"229 Entering Extended Passive Mode (|||{port}|)"
                        : $"227 Entering Passive Mode ({a >> 24},{(a >> 16) & 255},{(a >> 8) & 255},{a & 255},{port >> 8},{port & 255}).");
                    return;
                }
            case "PORT" or "EPRT":
                ActiveMode(s, cmd, arg);
                return;
            case "LIST" or "NLST":
                {
                    var dir = arg.Length == 0 || arg.StartsWith('-') ? _cwd : FakeFiles.Resolve(_cwd, arg);
                    var listing = Listing(dir, cmd == "NLST");
                    StartTransfer(new Transfer(Encoding.ASCII.GetBytes(listing), "listing"), "150 Here comes the directory listing.");
                    return;
                }
            case "RETR":
                {
                    var path = FakeFiles.Resolve(_cwd, arg);
                    var f = host.FtpFiles?.File(path);
                    if (f == null) { Reply("550 Failed to open file."); return; }
                    StartTransfer(new Transfer(f, path), $"150 Opening BINARY mode data connection for {path} ({f.Length} bytes).");
                    return;
                }
            case "STOR" or "APPE" or "STOU":
                StartTransfer(new Transfer(null, FakeFiles.Resolve(_cwd, arg)), "150 Ok to send data.");
                return;
            case "DELE" or "RMD" or "MKD" or "XMKD" or "RNFR" or "RNTO" or "SITE" or "CHMOD":
                Reply("550 Permission denied.");
                return;
            case "ABOR": Reply("226 ABOR successful."); return;
            default:
                Reply("500 Unknown command.");
                return;
        }
    }

    /// <summary>
    /// PORT h1,h2,h3,h4,p1,p2 / EPRT |af|address|port|. The data connection may only go back to the client that sent
    /// the command, to a port above 1023: anything else is the FTP bounce attack (RFC 2577), refused and logged.
    /// </summary>
    private void ActiveMode(ITcpSession s, string cmd, string arg)
    {
        if (!responder.FtpPortAllowed) { Reply("500 Illegal PORT command. Use PASV."); return; }
        var parsed = cmd == "PORT" ? ParsePort(arg) : ParseEprt(arg);
        if (parsed == null) { Reply("501 Syntax error in parameters or arguments."); return; }
        var (address, port) = parsed.Value;
        if (address != s.RemoteAddress || port < 1024)
        {
            s.Log("bounce_refused", $"{cmd} {arg} (control peer {s.Peer})");
            Reply("500 Illegal PORT command.");
            return;
        }
        _data?.Abandon();
        _data = null;
        _passiveReady = false;
        _activeTarget = (address, port);
        Reply(cmd == "PORT" ? "200 PORT command successful. Consider using PASV." : "200 EPRT command successful. Consider using EPSV.");
    }

    private static (IpAddress128, ushort)? ParsePort(string arg)
    {
        var parts = arg.Split(',');
        if (parts.Length != 6) return null;
        var n = new byte[6];
        for (var i = 0; i < 6; i++)
            if (!byte.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out n[i])) return null;
        return (IpAddress128.FromV4Bytes(n), (ushort)(n[4] << 8 | n[5]));
    }

    private static (IpAddress128, ushort)? ParseEprt(string arg)
    {
        // RFC 2428: <d>af<d>address<d>port<d>, the delimiter being the first character.
        if (arg.Length < 7) return null;
        var parts = arg.Split(arg[0]);
        if (parts.Length != 5 || parts[0].Length != 0 || parts[4].Length != 0) return null;
        if (!ushort.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port)) return null;
        if (!IPAddress.TryParse(parts[2], out var ip)) return null;
        var family = parts[1] switch { "1" => System.Net.Sockets.AddressFamily.InterNetwork, "2" => System.Net.Sockets.AddressFamily.InterNetworkV6, _ => (System.Net.Sockets.AddressFamily?)null };
        if (family != ip.AddressFamily) return null;
        return (IpAddress128.FromIPAddress(ip), port);
    }

    private void StartTransfer(Transfer t, string preliminary)
    {
        if (_activeTarget is { } target)
        {
            _activeTarget = null; // one transfer per PORT, as servers do
            Reply(preliminary);
            _pending = t;
            _data = new FtpDataService(this);
            _data.Connecting = responder.ConnectData(_control!, target.Address, target.Port, _data, out var why);
            if (_data.Connecting == null)
            {
                _control!.Log("data_connection_refused", why);
                _data = null;
                _pending = null;
                Reply("425 Failed to establish connection.");
            }
            return;
        }
        if (!_passiveReady) { Reply("425 Use PORT or PASV first."); return; }
        Reply(preliminary);
        _pending = t;
        _passiveReady = false;
        if (_data is { IsOpen: true }) RunPending();
    }

    private void RunPending()
    {
        if (_pending == null || _data == null) return;
        var t = _pending;
        _pending = null;
        _data.Start(t.Download, t.What);
    }

    public ITcpService CreateDataService(ushort port)
    {
        _data?.Abandon();
        _data = new FtpDataService(this);
        return _data;
    }

    internal void DataOpened(FtpDataService d)
    {
        if (!ReferenceEquals(d, _data)) return;
        RunPending();
    }

    internal void DataFinished(FtpDataService d, string what, long received)
    {
        if (!ReferenceEquals(d, _data)) return;
        _data = null;
        if (d.Uploading) _control?.Log("upload_discarded", $"{what} ({received} bytes)");
        if (d.Started) Reply("226 Transfer complete.");
        else if (_pending != null)
        {
            // The data connection failed before the transfer began (active mode: refused or timed out).
            _pending = null;
            Reply("425 Failed to establish connection.");
        }
    }

    private string Listing(string dir, bool namesOnly)
    {
        var sb = new StringBuilder();
        if (host.FtpFiles == null || !host.FtpFiles.IsDirectory(dir)) return "";
        var windows = host.P.Family == "windows";
        foreach (var (name, isDir, size) in host.FtpFiles.List(dir))
        {
            if (namesOnly) sb.Append(name).Append("\r\n");
            else if (windows) sb.Append(isDir ? $"01-01-04  12:00PM       <DIR>          {name}\r\n" : $"01-01-04  12:00PM {size,20} {name}\r\n");
            else sb.Append(isDir ? $"drwxr-xr-x    2 0        0            4096 Jan 01  2004 {name}\r\n"
                                 : $"-rw-r--r--    1 0        0        {size,8} Jan 01  2004 {name}\r\n");
        }
        return sb.ToString();
    }
}

/// <summary>An FTP data connection: sends one listing or file, or receives and discards an upload.</summary>
public sealed class FtpDataService(FtpService owner) : ITcpService
{
    private ITcpSession? _session;
    private string _what = "";
    private long _received;

    public string Name => "ftp-data";
    public bool IsOpen => _session != null;
    /// <summary>Active mode: the connection the sensor is opening, until it opens (aborted if abandoned before).</summary>
    internal TcpConnection? Connecting { get; set; }
    public bool Started { get; private set; }
    public bool Uploading { get; private set; }

    public void OnOpen(ITcpSession session)
    {
        _session = session;
        owner.DataOpened(this);
    }

    public void Start(byte[]? download, string what)
    {
        Started = true;
        _what = what;
        if (download == null) { Uploading = true; return; }
        _session!.Send(download);
        _session.Close();
    }

    public void OnData(ITcpSession session, ReadOnlySpan<byte> data) => _received += data.Length; // uploads are discarded

    public void OnClosed(ITcpSession session) => owner.DataFinished(this, _what, _received);

    public void Abandon()
    {
        if (_session != null) _session.Close();
        else Connecting?.Abort(sendReset: false);
    }
}
