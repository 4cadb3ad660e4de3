using System.Security.Cryptography;
using System.Text.Json;
using Apiary.Sensor.Tests.Lab;
using Apiary.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Apiary.Sensor.Tests;

/// <summary>
/// The paper's first environment: a sensor with no port open that only captures. It must send nothing at all
/// (a tcpdump on the far side sees no frame from it), capture every frame on the link (the same frames as a tcpdump
/// beside it), rotate its files by size, and its files must ingest cleanly.
/// </summary>
public sealed class PassiveLabTests(ITestOutputHelper output)
{
    private const string PassiveConfig = """
        [sensor]
        interface = "eth0"
        mode = "passive"
        capture_dir = "CAPTURE_DIR"
        rotate_max_bytes = 65536
        """;

    [Fact]
    public void Passive_sensor_sends_nothing_captures_everything_rotates_and_ingests()
    {
        if (!SensorLab.Available(out var why)) { output.WriteLine("skipped: " + why); return; }
        if (!ExternalTool.Require("tcpdump") || !ExternalTool.Require("hping3") || !ExternalTool.Require("ping")) return;
        using var lab = new SensorLab("p");
        lab.StartSensor(PassiveConfig.Replace("CAPTURE_DIR", lab.CaptureDir, StringComparison.Ordinal));
        output.WriteLine(lab.SensorOutput);
        Assert.Contains("PASSIVE", lab.SensorOutput, StringComparison.Ordinal);
        var clientMac = lab.Client("cat", ["/sys/class/net/eth0/address"]).StdOut.Trim();
        // The far side: every frame on the wire, to find any frame that does not come from the client itself.
        var farSide = Path.Combine(lab.Dir, "far-side.pcap");
        var far = lab.Tcpdump(lab.ClientNs, farSide);
        var beside = Path.Combine(lab.Dir, "beside.pcap");
        var near = lab.Tcpdump(lab.SensorNs, beside);
        var windowStart = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        long windowEnd;
        try
        {
            // Traffic for addresses nobody answers: ARP requests, then (with a static neighbour entry, as a router
            // routing a dark block to the link would do) a SYN scan, pings and IPv6 packets.
            lab.Client("ip", ["neigh", "replace", "192.0.2.10", "lladdr", "02:00:c0:00:02:0a", "dev", "eth0"]);
            lab.Client("ip", ["-6", "neigh", "replace", "2001:db8::10", "lladdr", "02:00:c0:00:02:0a", "dev", "eth0"]);
            lab.Client("ping", ["-c", "3", "-i", "0.2", "-W", "1", "192.0.2.20"], 15);          // ARP only: no neighbour
            lab.Client("hping3", ["-q", "-S", "-p", "++1", "-i", "u500", "-c", "3000", "192.0.2.10"], 60);
            lab.Client("ping", ["-c", "3", "-i", "0.2", "-W", "1", "192.0.2.10"], 15);
            lab.Client("ping", ["-6", "-c", "3", "-i", "0.2", "-W", "1", "2001:db8::10"], 15);
            lab.Client("nc", ["-6", "-w", "1", "-z", "2001:db8::10", "22"], 10);
            Thread.Sleep(1500);
            windowEnd = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
            Thread.Sleep(500);
        }
        finally
        {
            lab.StopSensor();
            Thread.Sleep(500);
            SensorLab.Interrupt(near);
            SensorLab.Interrupt(far);
        }
        output.WriteLine(lab.SensorOutput);
        Assert.Contains(" 0 out,", lab.SensorOutput, StringComparison.Ordinal);

        // Nothing from the sensor's side of the link reached the far side: every frame there is the client's own.
        var farFrames = PcapFrames.Read([farSide]);
        var notClient = farFrames.Where(f => Convert.ToHexStringLower(f.Data.AsSpan(6, 6)) != clientMac.Replace(":", "", StringComparison.Ordinal)).ToList();
        output.WriteLine($"far side: {farFrames.Count} frames, {notClient.Count} not from the client");
        Assert.True(farFrames.Count > 3000, $"only {farFrames.Count} frames on the wire");
        Assert.Empty(notClient);

        // Rotated by size, every file closed and listed with its sha256.
        var pcaps = Directory.GetFiles(lab.CaptureDir, "*.pcap").Order(StringComparer.Ordinal).ToList();
        Assert.True(pcaps.Count >= 3, $"expected several 64 KiB files, got {pcaps.Count}");
        Assert.Empty(Directory.GetFiles(lab.CaptureDir, "*.part"));
        var manifest = File.ReadAllLines(Path.Combine(lab.CaptureDir, "manifest.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("file").GetString()!, e => e.GetProperty("sha256").GetString()!);
        foreach (var p in pcaps)
        {
            using var s = File.OpenRead(p);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(s)), manifest[Path.GetFileName(p)]);
            Assert.True(new FileInfo(p).Length <= 65536 + 2048, $"{p} exceeds the rotation size");
        }

        // Everything on the link in the window is in the sensor's files, and nothing else.
        var ours = PcapFrames.Read(pcaps);
        var theirs = PcapFrames.Read([beside]);
        bool InWindow(PcapFrames.Frame f) => f.TimestampNs >= windowStart && f.TimestampNs <= windowEnd;
        var diff = PcapFrames.Difference(ours.Where(InWindow), theirs.Where(InWindow));
        output.WriteLine($"sensor capture {ours.Count} frames, tcpdump beside it {theirs.Count}; in the window {ours.Count(InWindow)} / {theirs.Count(InWindow)}");
        Assert.True(diff.Count == 0, $"{diff.Count} frame digests differ (+ = only in the sensor's capture): " +
                                     string.Join(", ", diff.Take(10).Select(kv => $"{kv.Key[..12]}:{kv.Value:+#;-#}")));
        Assert.Contains(ours, f => f.Data.Length > 13 && f.Data[12] == 0x86 && f.Data[13] == 0xDD); // IPv6 too
        Assert.Contains(ours, f => f.Data.Length > 13 && f.Data[12] == 0x08 && f.Data[13] == 0x06); // and ARP

        // The files ingest cleanly: every frame becomes a packet row, no anomaly.
        var db = Path.Combine(lab.Dir, "store.duckdb");
        var ingest = ExternalTool.Run("dotnet", [SensorLab.CliDll(), "ingest", lab.CaptureDir, "--db", db, "--sensor", "passive"], TimeSpan.FromMinutes(2));
        output.WriteLine(ingest.StdOut + ingest.StdErr);
        Assert.Equal(0, ingest.ExitCode);
        string Query(string sql)
        {
            var q = ExternalTool.Run("dotnet", [SensorLab.CliDll(), "query", "--db", db, "--format", "Csv", sql], TimeSpan.FromMinutes(1));
            Assert.True(q.ExitCode == 0, q.StdErr);
            return q.StdOut.Trim().Split('\n')[^1].Trim();
        }
        Assert.Equal(ours.Count.ToString(), Query("select count(*) from packets"));
        Assert.Equal(pcaps.Count.ToString(), Query("select count(*) from capture_files"));
        Assert.Equal("0", Query("select coalesce(sum(anomalies), 0) from capture_files"));
        Assert.Equal("3000", Query("select count(*) from packets where dst = '192.0.2.10' and tcp_flags = 2"));
    }
}
