using System.Diagnostics;
using System.Text.Json;
using Apiary.Sensor.Tests.Lab;
using Apiary.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Apiary.Sensor.Tests;

/// <summary>
/// A bounded SYN flood (hping3, 200,000 packets) with spoofed sources taken only from 198.51.100.0/24, the block
/// the test assigns to its own client namespace: the sensor stays up with bounded memory, keeps serving a normal
/// client, keeps its egress under the configured limits, and its capture holds what a tcpdump beside it holds.
/// </summary>
public sealed class FloodLabTests(ITestOutputHelper output)
{
    private const int Sources = 4;
    private const int PacketsPerSource = 50_000;      // 200,000 in all
    private const int GlobalLimit = 2000;             // egress packets/s overall
    private const int PerRemoteLimit = 300;           // egress packets/s per remote (4 spoofed sources: 1200 < 2000)
    private const int MaxConnections = 1024;
    private const long MemoryBoundBytes = 400L << 20; // the sensor's resident set must stay below this

    [Fact]
    public void Spoofed_syn_flood_is_absorbed_with_bounded_memory_egress_and_a_complete_capture()
    {
        if (!SensorLab.Available(out var why)) { output.WriteLine("skipped: " + why); return; }
        if (!ExternalTool.Require("hping3") || !ExternalTool.Require("tcpdump") || !ExternalTool.Require("curl")) return;
        using var lab = new SensorLab("f");
        lab.StartSensor(lab.PaperConfig(limits: $"""
            max_connections = {MaxConnections}
            max_half_open = 256
            idle_timeout_seconds = 30
            egress_packets_per_second = {GlobalLimit}
            egress_packets_per_second_per_remote = {PerRemoteLimit}
            """));
        var beside = Path.Combine(lab.Dir, "beside.pcap");
        var tcpdumpErr = new System.Text.StringBuilder();
        var tcpdump = lab.Background(lab.SensorNs, "tcpdump", tcpdumpErr, "-i", "eth0", "-s", "0", "-B", "65536", "-w", beside,
            "arp or (ip and (host 192.0.2.10 or host 192.0.2.11 or host 192.0.2.12))");
        Thread.Sleep(1500);
        var floods = new List<Process>();
        long peakRss = 0;
        var duringOk = 0;
        var sw = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < Sources; i++)
                floods.Add(lab.Background(lab.ClientNs, "timeout", "120", "hping3", "-q", "-S", "-p", "80", "-i", "u1",
                    "-c", PacketsPerSource.ToString(), "-a", $"198.51.100.{11 + i}", "192.0.2.11"));
            // A normal client during the flood (bounded tries), and memory sampled meanwhile.
            while (floods.Any(f => !f.HasExited) && sw.Elapsed < TimeSpan.FromSeconds(130))
            {
                peakRss = Math.Max(peakRss, Rss(lab.SensorPid));
                var r = lab.Client("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "5", "http://192.0.2.11/"], 10);
                if (r.StdOut == "200") duringOk++;
                Thread.Sleep(200);
            }
            foreach (var f in floods) f.WaitForExit(10000);
            output.WriteLine($"flood finished in {sw.Elapsed.TotalSeconds:F1} s");
            Assert.True(lab.SensorRunning, "the sensor died during the flood:\n" + lab.SensorOutput);
            var after = lab.Client("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", "http://192.0.2.11/"], 15);
            Assert.Equal("200", after.StdOut);
            Assert.True(duringOk > 0, "no normal request succeeded during the flood");
            Thread.Sleep(2500); // status.json is rewritten every 2 s
            var status = JsonDocument.Parse(File.ReadAllText(Path.Combine(lab.CaptureDir, "status.json"))).RootElement;
            output.WriteLine(status.ToString());
            Assert.True(status.GetProperty("connections_peak").GetInt32() <= MaxConnections);
            Assert.True(status.GetProperty("egress_denied").GetInt64() > 0, "the egress limit never engaged: was the flood too slow?");
            Assert.Equal(0, status.GetProperty("kernel_drops").GetInt64());
        }
        finally
        {
            foreach (var f in floods) if (!f.HasExited) f.Kill(entireProcessTree: true);
            Thread.Sleep(1000);
            // The sensor stops first: it keeps retransmitting SYN-ACKs held back by its egress limit, and those
            // must not fall after tcpdump has already closed its file.
            lab.StopSensor();
            Thread.Sleep(500);
            SensorLab.Interrupt(tcpdump, 30000);
        }
        output.WriteLine($"peak RSS {peakRss >> 20} MiB; {duringOk} normal requests answered during the flood");
        output.WriteLine(lab.SensorOutput.Split('\n').LastOrDefault(l => l.Contains("stopped", StringComparison.Ordinal)));
        Assert.True(peakRss < MemoryBoundBytes, $"peak RSS {peakRss >> 20} MiB");

        var ours = PcapFrames.Read(Directory.GetFiles(lab.CaptureDir, "*.pcap"));
        var theirs = PcapFrames.Read([beside]);
        output.WriteLine($"sensor capture {ours.Count} frames, tcpdump beside it {theirs.Count}");
        Assert.True(ours.Count > 150_000, $"sensor captured only {ours.Count} frames of a 200,000-packet flood");
        // Everything tcpdump saw while the sensor was capturing must be in the sensor's files. The last half second
        // is left out: frames in flight when the sensor closed its file may reach tcpdump only.
        var sensorEnd = ours.Max(f => f.TimestampNs) - 500_000_000;
        var missing = PcapFrames.Difference(theirs.Where(f => f.TimestampNs <= sensorEnd), ours).Where(kv => kv.Value > 0).Sum(kv => kv.Value);
        Assert.True(missing == 0, $"{missing} frames seen by tcpdump are missing from the sensor's capture");
        // And the sensor recorded nothing that was not on the wire, except what tcpdump itself says it dropped.
        lock (tcpdumpErr) output.WriteLine("tcpdump: " + tcpdumpErr.ToString().Replace('\n', ' '));
        var dropped = System.Text.RegularExpressions.Regex.Match(tcpdumpErr.ToString(), @"(\d+) packets? dropped by kernel");
        var tcpdumpDrops = dropped.Success ? long.Parse(dropped.Groups[1].Value) : 0;
        var extra = PcapFrames.Difference(ours, theirs).Where(kv => kv.Value > 0).Sum(kv => kv.Value);
        Assert.True(extra <= tcpdumpDrops, $"{extra} frames in the sensor's capture are not in tcpdump's ({tcpdumpDrops} dropped by tcpdump)");

        // Egress, judged on tcpdump's copy: frames from the virtual hosts per one-second window.
        var virtualMacs = new[] { "0200c000020a", "0200c000020b", "0200c000020c" };
        var outbound = theirs.Where(f => virtualMacs.Contains(Convert.ToHexStringLower(f.Data.AsSpan(6, 6)))).ToList();
        var worst = outbound.GroupBy(f => f.TimestampNs / 1_000_000_000).Max(g => g.Count());
        output.WriteLine($"egress: {outbound.Count} frames, worst second {worst} (limit {GlobalLimit}/s, burst {GlobalLimit / 4})");
        Assert.True(worst <= GlobalLimit + GlobalLimit / 4, $"egress peaked at {worst} frames in one second");
        // Every answer went to the lab's own addresses only.
        foreach (var f in outbound.Where(f => f.Data.Length >= 34 && f.Data[12] == 0x08 && f.Data[13] == 0x00))
        {
            var dst = f.Data.AsSpan(30, 4);
            var inLab = (dst[0] == 192 && dst[1] == 0 && dst[2] == 2) || (dst[0] == 198 && dst[1] == 51 && dst[2] == 100);
            Assert.True(inLab, $"reply aimed outside the lab: {dst[0]}.{dst[1]}.{dst[2]}.{dst[3]}");
        }
    }

    private static long Rss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line == null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
