using Apiary.Core;

namespace Apiary.Sensor.Services;

/// <summary>What a service sees of its TCP connection.</summary>
public interface ITcpSession
{
    string HostName { get; }
    /// <summary>"address:port" of the remote peer.</summary>
    string Peer { get; }
    IpAddress128 RemoteAddress { get; }
    /// <summary>The virtual host's address the peer reached (IPv4 or IPv6).</summary>
    IpAddress128 LocalAddress { get; }
    ushort LocalPort { get; }

    /// <summary>Queues bytes to send (bounded: excess is dropped and the connection reset).</summary>
    void Send(ReadOnlySpan<byte> data);

    void Send(string text);

    /// <summary>Sends FIN once the queued data is out.</summary>
    void Close();

    /// <summary>Writes a line to the service log.</summary>
    void Log(string evt, string? command = null);
}

/// <summary>An emulated service on one TCP connection (one instance per connection).</summary>
public interface ITcpService
{
    string Name { get; }

    void OnOpen(ITcpSession session);

    void OnData(ITcpSession session, ReadOnlySpan<byte> data);

    /// <summary>The peer sent FIN; the default closes our side too.</summary>
    void OnPeerClosed(ITcpSession session) => session.Close();

    /// <summary>The connection is gone (closed, reset or timed out).</summary>
    void OnClosed(ITcpSession session) { }
}

/// <summary>Splits a byte stream into text lines (CR LF or LF), bounded so a line flood cannot grow memory.</summary>
public sealed class LineBuffer
{
    private const int MaxLine = 4096; // longer than any legitimate FTP/HTTP line; the rest is discarded
    private readonly System.Text.StringBuilder _sb = new();

    public IEnumerable<string> Feed(ReadOnlySpan<byte> data)
    {
        var lines = new List<string>();
        foreach (var b in data)
        {
            if (b == (byte)'\n')
            {
                var s = _sb.ToString().TrimEnd('\r');
                _sb.Clear();
                lines.Add(s);
            }
            else if (_sb.Length < MaxLine) _sb.Append((char)b);
        }
        return lines;
    }
}
