using System.Text;
using Apiary.Sensor.Stack;

namespace Apiary.Sensor.Services;

/// <summary>A static web server over the configured folder: GET and HEAD, 404 otherwise, Server header per personality.</summary>
public sealed class HttpService(VirtualHostRuntime host) : ITcpService
{
    private readonly LineBuffer _lines = new();
    private string? _requestLine;
    private int _headerLines;

    public string Name => "http";

    public void OnOpen(ITcpSession session) { }

    public void OnData(ITcpSession session, ReadOnlySpan<byte> data)
    {
        foreach (var line in _lines.Feed(data))
        {
            if (_requestLine == null)
            {
                if (line.Length == 0) continue;
                _requestLine = line;
                session.Log("request", line);
                continue;
            }
            // Headers are read and dropped; a blank line ends the request. Bounded header count.
            if (line.Length > 0 && ++_headerLines < 100) continue;
            Respond(session, _requestLine);
            _requestLine = null;
            _headerLines = 0;
            return;
        }
    }

    private void Respond(ITcpSession session, string requestLine)
    {
        var parts = requestLine.Split(' ');
        var method = parts[0];
        var target = parts.Length > 1 ? parts[1] : "/";
        var q = target.IndexOfAny(['?', '#']);
        if (q >= 0) target = target[..q];
        var path = FakeFiles.Resolve("/", Uri.UnescapeDataString(target));
        var files = host.WebFiles;
        byte[]? body = null;
        if (files != null && method is "GET" or "HEAD")
        {
            body = files.File(path);
            if (body == null && files.IsDirectory(path))
            {
                path = path.TrimEnd('/') + "/index.html";
                body = files.File(path);
            }
        }
        string status;
        if (method is not ("GET" or "HEAD")) status = "501 Not Implemented";
        else if (body == null) status = "404 Not Found";
        else status = "200 OK";
        var type = body == null || path.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".htm", StringComparison.OrdinalIgnoreCase)
            ? "text/html" : ContentType(path);
        body ??= Encoding.ASCII.GetBytes($"<html><head><title>{status}</title></head><body><h1>{status[4..]}</h1></body></html>\n");
        var head = $"HTTP/1.1 {status}\r\nDate: {DateTime.UtcNow:R}\r\nServer: {host.P.HttpServer}\r\n" +
                   $"Content-Length: {body.Length}\r\nContent-Type: {type}\r\nConnection: close\r\n\r\n";
        session.Send(head);
        if (method != "HEAD") session.Send(body);
        session.Close();
    }

    private static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".txt" => "text/plain",
        ".css" => "text/css",
        ".js" => "application/javascript",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        _ => "application/octet-stream",
    };
}
