using Apiary.Sensor.Config;
using Apiary.Sensor.Stack;

namespace Apiary.Sensor.Services;

/// <summary>Creates the service object for a new connection from the port's action.</summary>
public static class TcpServices
{
    public static ITcpService Create(PortAction action, VirtualHostRuntime host, Responder responder)
    {
        if (action.Kind != PortKind.Service) return new OpenPortService();
        var p = host.P;
        return action.Service switch
        {
            "ftp" => new FtpService(host, responder),
            "http" => new HttpService(host),
            "telnet" => new BannerService("telnet", p.TelnetBanner),
            "ssh" => new BannerService("ssh", p.SshBanner + "\r\n"),
            "echo" => new EchoService(),
            "netbios-ssn" => new NetBiosSessionService(),
            "smb" => new SmbNegotiateService(host),
            _ => new OpenPortService(),
        };
    }
}

/// <summary>An open port with nothing behind it: completes the handshake, reads and discards, closes when the peer does.</summary>
public sealed class OpenPortService : ITcpService
{
    public string Name => "open";

    public void OnOpen(ITcpSession session) { }

    public void OnData(ITcpSession session, ReadOnlySpan<byte> data) { }
}

/// <summary>Sends a banner, then logs each line the client sends and answers nothing (no shell behind it).</summary>
public sealed class BannerService(string name, string banner) : ITcpService
{
    private readonly LineBuffer _lines = new();
    private int _lineCount;

    public string Name => name;

    public void OnOpen(ITcpSession session)
    {
        session.Log("connect");
        session.Send(banner);
    }

    public void OnData(ITcpSession session, ReadOnlySpan<byte> data)
    {
        foreach (var line in _lines.Feed(data))
        {
            session.Log("input", line);
            // After a few lines a real login prompt would give up too.
            if (++_lineCount >= 3) { session.Close(); return; }
            if (name == "telnet") session.Send(_lineCount == 1 ? "Password: " : "\r\nLogin incorrect\r\nlogin: ");
        }
    }
}

/// <summary>RFC 862 echo (bounded by the send buffer).</summary>
public sealed class EchoService : ITcpService
{
    public string Name => "echo";

    public void OnOpen(ITcpSession session) => session.Log("connect");

    public void OnData(ITcpSession session, ReadOnlySpan<byte> data) => session.Send(data);
}

/// <summary>NetBIOS session service (TCP 139): answers a session request with a positive response, logs the names.</summary>
public sealed class NetBiosSessionService : ITcpService
{
    public string Name => "netbios-ssn";

    public void OnOpen(ITcpSession session) => session.Log("connect");

    public void OnData(ITcpSession session, ReadOnlySpan<byte> data)
    {
        if (data.Length >= 4 && data[0] == 0x81)
        {
            session.Log("session_request", Convert.ToHexString(data[..Math.Min(data.Length, 72)]));
            session.Send([0x82, 0, 0, 0]); // positive session response
            return;
        }
        if (data.Length >= 8 && data[0] == 0x00 && (data[4] == 0xFF || data[4] == 0xFE) && data[5] == (byte)'S')
        {
            // SMB over the session: answer the negotiate like port 445 does.
            SmbNegotiateService.Answer(session, data, "WORKGROUP");
            return;
        }
        session.Log("data", Convert.ToHexString(data[..Math.Min(data.Length, 64)]));
    }
}
