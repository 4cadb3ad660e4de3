using System.Security.Cryptography;
using System.Text.Json;
using Apiary.Sensor.Capture;
using Apiary.Sensor.Config;
using Apiary.Sensor.Tests.Lab;
using Xunit;

namespace Apiary.Sensor.Tests;

public sealed class CaptureRotationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "apiary-rotation-" + Guid.NewGuid().ToString("N"));
    private static readonly long Day0 = new DateTimeOffset(2026, 3, 1, 23, 59, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static byte[] Frame(int i)
    {
        var f = new byte[200];
        BitConverter.TryWriteBytes(f.AsSpan(20), i);
        return f;
    }

    [Fact]
    public void Rotates_by_size_and_at_utc_midnight_and_lists_each_file_with_its_sha256()
    {
        var warnings = new StringWriter();
        using (var w = new RotatingCaptureWriter(_dir, maxBytes: 10_000, budgetBytes: 1 << 30, DiskFullPolicy.StopCapture, warnings))
        {
            for (var i = 0; i < 300; i++) w.Write(Day0 + i * 1_000_000_000L, Frame(i)); // 5 minutes across midnight
        }
        var files = Directory.GetFiles(_dir, "*.pcap").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 7, $"{files.Count} files"); // 300 * 216 B / 10 kB, plus the day change
        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("apiary-20260302-000000", StringComparison.Ordinal));
        var manifest = File.ReadAllLines(Path.Combine(_dir, "manifest.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(files.Count, manifest.Count);
        foreach (var f in files)
        {
            var entry = manifest.Single(m => m.GetProperty("file").GetString() == Path.GetFileName(f));
            using var s = File.OpenRead(f);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(s)), entry.GetProperty("sha256").GetString());
            Assert.True(new FileInfo(f).Length <= 10_000);
        }
        // Every frame is in exactly one file, in order, readable by Apiary.Capture's reader.
        var frames = PcapFrames.Read(files);
        Assert.Equal(300, frames.Count);
        Assert.Equal(Enumerable.Range(0, 300), frames.Select(f => BitConverter.ToInt32(f.Data, 20)));
        Assert.Equal(File.ReadAllLines(Path.Combine(_dir, "MANIFEST.sha256")).Length, files.Count);
    }

    [Fact]
    public void Reaching_the_disk_budget_pauses_capture_with_a_warning_under_stop_capture()
    {
        var warnings = new StringWriter();
        using var w = new RotatingCaptureWriter(_dir, maxBytes: 4_000, budgetBytes: 12_000, DiskFullPolicy.StopCapture, warnings);
        for (var i = 0; i < 200; i++) w.Write(Day0 + i * 1000L, Frame(i));
        Assert.True(w.Stopped);
        Assert.True(w.PacketsDropped > 0);
        Assert.Contains("disk budget", warnings.ToString(), StringComparison.Ordinal);
        Assert.True(Directory.GetFiles(_dir).Where(f => f.Contains(".pcap", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length) <= 12_000);
    }

    [Fact]
    public void Delete_collected_removes_only_files_a_collector_has_marked()
    {
        var warnings = new StringWriter();
        using (var w = new RotatingCaptureWriter(_dir, maxBytes: 4_000, budgetBytes: 1 << 30, DiskFullPolicy.DeleteCollected, warnings))
            for (var i = 0; i < 60; i++) w.Write(Day0 + i * 1000L, Frame(i));
        var first = Directory.GetFiles(_dir, "*.pcap").Order(StringComparer.Ordinal).ToList();
        File.WriteAllText(first[0] + ".collected", "");
        var total = first.Sum(f => new FileInfo(f).Length);
        using (var w = new RotatingCaptureWriter(_dir, maxBytes: 4_000, budgetBytes: total + 2_000, DiskFullPolicy.DeleteCollected, warnings))
            for (var i = 0; i < 40; i++) w.Write(Day0 + 10_000_000L + i * 1000L, Frame(i));
        Assert.False(File.Exists(first[0]));                 // the collected one made room
        Assert.All(first.Skip(1), f => Assert.True(File.Exists(f))); // uncollected captures are kept
        Assert.Contains("deleted", warnings.ToString(), StringComparison.Ordinal);
    }
}
