using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Apiary.Capture;
using Apiary.Sensor.Config;

namespace Apiary.Sensor.Capture;

/// <summary>
/// Writes the sensor's capture as classic pcap files (through Apiary.Capture's <see cref="PcapWriter"/>), rotated at UTC midnight and at a size limit. A file is written
/// as NAME.pcap.part and renamed to NAME.pcap when closed; each closed file is appended to manifest.jsonl (with its
/// sha256, size, packet count and time span) and to MANIFEST.sha256 (`sha256sum -c` format). A disk budget bounds the
/// folder; when it is reached the configured policy applies and a warning is written once per episode.
/// A collector marks a file collected by creating NAME.pcap.collected beside it.
/// </summary>
public sealed class RotatingCaptureWriter : ICaptureSink, IDisposable
{
    private const int SnapLength = 262144;
    private readonly string _dir;
    private readonly long _maxBytes;
    private readonly long _budget;
    private readonly DiskFullPolicy _policy;
    private readonly TextWriter _warnings;
    private PcapWriter? _file;
    private string? _partPath, _finalPath;
    private long _fileBytes, _packets, _firstNs, _lastNs;
    private DateOnly _fileDay;
    private int _sequence;
    private long _closedBytes;
    private bool _stopped;
    private long _lastFlushNs;

    public long PacketsWritten { get; private set; }
    public long PacketsDropped { get; private set; }
    public int FilesClosed { get; private set; }
    public bool Stopped => _stopped;

    public RotatingCaptureWriter(string dir, long maxBytes, long budgetBytes, DiskFullPolicy policy, TextWriter warnings)
    {
        _dir = dir;
        _maxBytes = maxBytes;
        _budget = budgetBytes;
        _policy = policy;
        _warnings = warnings;
        Directory.CreateDirectory(dir);
        RecoverPartFiles();
        _closedBytes = ClosedFiles().Sum(f => f.Length);
    }

    /// <summary>A .part file left by a crash is closed properly at start-up so nothing captured is lost from the manifest.</summary>
    private void RecoverPartFiles()
    {
        foreach (var part in Directory.GetFiles(_dir, "*.pcap.part").Order(StringComparer.Ordinal))
        {
            var final = part[..^5];
            File.Move(part, final, overwrite: false);
            AppendManifest(final, -1, 0, 0);
        }
    }

    private List<FileInfo> ClosedFiles() =>
        new DirectoryInfo(_dir).GetFiles("*.pcap").OrderBy(f => f.Name, StringComparer.Ordinal).ToList();

    public void Write(long timestampNs, ReadOnlySpan<byte> frame)
    {
        var day = DateOnly.FromDateTime(DateTime.UnixEpoch.AddTicks(timestampNs / 100));
        var recordLen = 16 + Math.Min(frame.Length, SnapLength);
        if (_file != null && (day != _fileDay || _fileBytes + recordLen > _maxBytes)) CloseCurrent();
        if (_file == null && !Open(timestampNs, day)) { PacketsDropped++; return; }
        if (_closedBytes + _fileBytes + recordLen > _budget && !MakeRoom(recordLen))
        {
            PacketsDropped++;
            return;
        }
        var incl = Math.Min(frame.Length, SnapLength);
        _file!.WritePacket(timestampNs, frame[..incl], frame.Length);
        _fileBytes += recordLen;
        _packets++;
        PacketsWritten++;
        if (_firstNs == 0) _firstNs = timestampNs;
        _lastNs = timestampNs;
        // Flush about once a second so a collector or a test sees recent packets without a syscall per frame.
        if (timestampNs - _lastFlushNs > 1_000_000_000) { _file.Flush(); _lastFlushNs = timestampNs; }
    }

    /// <summary>Pushes buffered records to the file (the run loop calls this when idle).</summary>
    public void Flush() => _file?.Flush();

    private bool Open(long timestampNs, DateOnly day)
    {
        if (_stopped && !MakeRoom(24)) return false;
        var t = DateTime.UnixEpoch.AddTicks(timestampNs / 100);
        string name;
        do
        {
            name = $"apiary-{t:yyyyMMdd-HHmmss}-{_sequence++:D4}.pcap";
        } while (File.Exists(Path.Combine(_dir, name)) || File.Exists(Path.Combine(_dir, name + ".part")));
        _finalPath = Path.Combine(_dir, name);
        _partPath = _finalPath + ".part";
        // Apiary.Capture's writer: classic pcap, microsecond timestamps, Ethernet link type.
        var stream = new FileStream(_partPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1);
        _file = new PcapWriter(stream, 1, SnapLength);
        _fileBytes = 24;
        _packets = 0;
        _firstNs = _lastNs = 0;
        _fileDay = day;
        return true;
    }

    /// <summary>Frees space according to the policy; false when the record must be dropped.</summary>
    private bool MakeRoom(long needed)
    {
        while (_closedBytes + _fileBytes + needed > _budget)
        {
            FileInfo? victim = null;
            if (_policy == DiskFullPolicy.DeleteCollected)
                victim = ClosedFiles().FirstOrDefault(f => File.Exists(f.FullName + ".collected"));
            else if (_policy == DiskFullPolicy.DeleteOldest)
                victim = ClosedFiles().FirstOrDefault();
            if (victim == null)
            {
                if (!_stopped)
                {
                    _stopped = true;
                    _warnings.WriteLine($"WARNING: capture disk budget of {_budget} bytes reached in {_dir} (policy {_policy}): " +
                                        "capture is paused until files are collected or removed; the sensor keeps answering.");
                }
                return false;
            }
            _closedBytes -= victim.Length;
            victim.Delete();
            File.Delete(victim.FullName + ".collected");
            _warnings.WriteLine($"WARNING: capture disk budget reached: deleted {victim.Name} (policy {_policy})");
        }
        if (_stopped) _warnings.WriteLine("capture resumed: disk budget has room again");
        _stopped = false;
        return true;
    }

    private void CloseCurrent()
    {
        if (_file == null) return;
        _file.Flush();
        _file.Dispose();
        _file = null;
        File.Move(_partPath!, _finalPath!);
        _closedBytes += _fileBytes;
        AppendManifest(_finalPath!, _packets, _firstNs, _lastNs);
        FilesClosed++;
    }

    private void AppendManifest(string path, long packets, long firstNs, long lastNs)
    {
        string hash;
        using (var s = File.OpenRead(path)) hash = Convert.ToHexStringLower(SHA256.HashData(s));
        var name = Path.GetFileName(path);
        var entry = new Dictionary<string, object?>
        {
            ["file"] = name,
            ["sha256"] = hash,
            ["bytes"] = new FileInfo(path).Length,
            ["packets"] = packets < 0 ? null : packets,
            ["first"] = firstNs == 0 ? null : Iso(firstNs),
            ["last"] = lastNs == 0 ? null : Iso(lastNs),
            ["closed"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        };
        File.AppendAllText(Path.Combine(_dir, "manifest.jsonl"), JsonSerializer.Serialize(entry) + "\n");
        File.AppendAllText(Path.Combine(_dir, "MANIFEST.sha256"), $"{hash}  {name}\n");
    }

    private static string Iso(long ns) => DateTime.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    public void Dispose() => CloseCurrent();
}
