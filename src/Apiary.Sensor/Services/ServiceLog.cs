using System.Text.Json;

namespace Apiary.Sensor.Services;

/// <summary>
/// The service log: one JSON object per line (time, host, peer, service, event, command), beside the captures.
/// Commands are logged truncated to 200 characters: what an attacker sends is recorded, never executed.
/// </summary>
public sealed class ServiceLog : IDisposable
{
    private const int MaxCommandChars = 200; // a log line per command must stay small even under abuse
    private readonly StreamWriter? _writer;

    public ServiceLog(string? path)
    {
        if (path == null) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public long Lines { get; private set; }

    public void Write(string host, string peer, string service, string evt, string? command = null)
    {
        if (_writer == null) return;
        var cmd = command == null ? null : command.Length > MaxCommandChars ? command[..MaxCommandChars] : command;
        var line = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["time"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
            ["host"] = host,
            ["peer"] = peer,
            ["service"] = service,
            ["event"] = evt,
            ["command"] = cmd,
        });
        _writer.WriteLine(line);
        Lines++;
    }

    public void Dispose() => _writer?.Dispose();
}
