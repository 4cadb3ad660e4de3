using System.Security.Cryptography;
using System.Text.Json;
using Apiary.Sensor.Tests.Lab;
using Apiary.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Apiary.Sensor.Tests;

/// <summary>The sensor's own capture: complete (same frames as a tcpdump beside it), listed with sha256, judged by p0f.</summary>
public sealed class CaptureLabTests(ITestOutputHelper output)
{
    private const string XpHost = """
        [[host]]
        name = "xp"
        address = "192.0.2.13"
        personality = "windows-2000-xp"
        tcp = { 80 = "http", 139 = "netbios-ssn", 445 = "smb" }
        http_root = "/nonexistent-replaced"
        """;

    [Fact]
    public void Capture_matches_tcpdump_is_listed_with_sha256_and_p0f_labels_the_synacks()
    {
        if (!SensorLab.Available(out var why)) { output.WriteLine("skipped: " + why); return; }
        if (!ExternalTool.Require("tcpdump") || !ExternalTool.Require("p0f") || !ExternalTool.Require("nmap")) return;
        using var lab = new SensorLab("c");
        var www = Path.Combine(SharedData.RepoRoot, "examples", "sensor-paper", "www");
        lab.StartSensor(lab.PaperConfig(extraHosts: XpHost.Replace("/nonexistent-replaced", www, StringComparison.Ordinal)));
        var beside = Path.Combine(lab.Dir, "beside.pcap");
        var filter = "arp or (ip and (host 192.0.2.10 or host 192.0.2.11 or host 192.0.2.12 or host 192.0.2.13))";
        var tcpdump = lab.Tcpdump(lab.SensorNs, beside, "-B", "32768", filter);
        try
        {
            lab.Client("nmap", ["-sS", "-n", "-Pn", "-p", "1-200,445", "192.0.2.10", "192.0.2.11", "192.0.2.12"], 120);
            lab.Client("curl", ["-s", "-m", "10", "http://192.0.2.13/"], 20);
            lab.Client("nc", ["-w", "2", "192.0.2.12", "22"], 10, stdin: "");
            lab.Client("lftp", ["-c", "set net:timeout 5; set net:max-retries 2; open -u anonymous,x@y 192.0.2.11; ls; quit"], 30);
            Thread.Sleep(1500); // let the last retransmissions and FINs settle before both captures stop
        }
        finally
        {
            SensorLab.Interrupt(tcpdump);
            lab.StopSensor();
        }
        output.WriteLine(lab.SensorOutput);

        // Every closed file is in the manifest with the right sha256.
        var pcaps = Directory.GetFiles(lab.CaptureDir, "*.pcap").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(pcaps);
        Assert.Empty(Directory.GetFiles(lab.CaptureDir, "*.part"));
        var manifest = File.ReadAllLines(Path.Combine(lab.CaptureDir, "manifest.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("file").GetString()!, e => e.GetProperty("sha256").GetString()!);
        foreach (var p in pcaps)
        {
            using var s = File.OpenRead(p);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(s)), manifest[Path.GetFileName(p)]);
        }

        // Same frames as tcpdump beside it (order and timestamps aside).
        var ours = PcapFrames.Read(pcaps);
        var theirs = PcapFrames.Read([beside]);
        output.WriteLine($"sensor capture: {ours.Count} frames, tcpdump beside it: {theirs.Count} frames");
        Assert.True(ours.Count > 500, $"only {ours.Count} frames captured");
        var diff = PcapFrames.Difference(ours, theirs);
        Assert.True(diff.Count == 0, $"{diff.Count} frame digests differ (+ = only in the sensor's capture): " +
                                     string.Join(", ", diff.Take(10).Select(kv => $"{kv.Key[..12]}:{kv.Value:+#;-#}")));

        // p0f (Debian) on the sensor's own capture names the configured OS where it has a SYN+ACK signature.
        var p0f = ExternalTool.Run("p0f", ["-r", pcaps[^1]], TimeSpan.FromSeconds(60)).StdOut
                  + string.Concat(pcaps.SkipLast(1).Select(p => ExternalTool.Run("p0f", ["-r", p], TimeSpan.FromSeconds(60)).StdOut));
        string SynAckLabel(string addr)
        {
            // p0f blocks: ".-[ client/port -> server/port (syn+ack) ]-" then "| os = ..." for the server.
            var lines = p0f.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].Contains($"-> {addr}/", StringComparison.Ordinal) || !lines[i].Contains("(syn+ack)", StringComparison.Ordinal)) continue;
                return lines.Skip(i + 1).Take(6).FirstOrDefault(l => l.StartsWith("| os", StringComparison.Ordinal)) ?? "";
            }
            return "";
        }
        output.WriteLine("p0f 192.0.2.12 (linux-2.4): " + SynAckLabel("192.0.2.12"));
        output.WriteLine("p0f 192.0.2.13 (windows-2000-xp): " + SynAckLabel("192.0.2.13"));
        Assert.Contains("Linux 2.4", SynAckLabel("192.0.2.12"), StringComparison.Ordinal);
        Assert.Contains("Windows XP", SynAckLabel("192.0.2.13"), StringComparison.Ordinal);

        // The rotated captures ingest with `apiary ingest`, and the store shows the scan the test ran (201 ports on mach0).
        var db = Path.Combine(lab.Dir, "store.duckdb");
        var ingest = ExternalTool.Run("dotnet", [SensorLab.CliDll(), "ingest", lab.CaptureDir, "--db", db, "--sensor", "lab"], TimeSpan.FromMinutes(2));
        output.WriteLine(ingest.StdOut + ingest.StdErr);
        Assert.Equal(0, ingest.ExitCode);
        var q = ExternalTool.Run("dotnet", [SensorLab.CliDll(), "query", "--db", db, "--format", "Csv",
            "select count(distinct dport) from packets where dst = '192.0.2.10' and src = '192.0.2.100' and tcp_flags = 2"], TimeSpan.FromMinutes(1));
        output.WriteLine(q.StdOut + q.StdErr);
        Assert.Equal(0, q.ExitCode);
        Assert.Equal("201", q.StdOut.Trim().Split('\n')[^1].Trim());
        // And the paper's scan analysis (5.3) on that store finds the nmap scan: one source, 201+ ports on one target.
        var scans = ExternalTool.Run("dotnet", [SensorLab.CliDll(), "analyze", "scans", "--db", db], TimeSpan.FromMinutes(2));
        output.WriteLine(scans.StdOut + scans.StdErr);
        Assert.Equal(0, scans.ExitCode);
        var largest = System.Text.RegularExpressions.Regex.Match(scans.StdOut, @"Largest scan: most ports probed on one target\s+(\d+) ports");
        Assert.True(largest.Success && int.Parse(largest.Groups[1].Value) >= 201, "the scans analysis does not show the nmap scan");
        Assert.Matches(@"Scanning sources\s+1 sources", scans.StdOut);

        // The service log recorded the FTP commands and the banner connections.
        var log = File.ReadAllText(Path.Combine(lab.CaptureDir, "services.jsonl"));
        Assert.Contains("\"service\":\"ftp\"", log, StringComparison.Ordinal);
        Assert.Contains("\"service\":\"ssh\"", log, StringComparison.Ordinal);
    }

    private const string V6Host = """
        [[host]]
        name = "linux5"
        address = "192.0.2.15"
        address6 = "2001:db8::15"
        personality = "linux-5"
        tcp = { 22 = "ssh", 80 = "http", 7 = "echo" }
        udp = { 7 = "echo" }
        http_root = "/nonexistent-replaced"
        """;

    [Fact]
    public void Ipv6_capture_matches_tcpdump_and_ingests()
    {
        if (!SensorLab.Available(out var why)) { output.WriteLine("skipped: " + why); return; }
        if (!ExternalTool.Require("tcpdump") || !ExternalTool.Require("curl") || !ExternalTool.Require("nc") || !ExternalTool.Require("ping")) return;
        using var lab = new SensorLab("6");
        var www = Path.Combine(SharedData.RepoRoot, "examples", "sensor-paper", "www");
        lab.StartSensor(lab.PaperConfig(extraHosts: V6Host.Replace("/nonexistent-replaced", www, StringComparison.Ordinal)));
        Assert.Contains("kernel IPv6: disabled on eth0", lab.SensorOutput, StringComparison.Ordinal);
        var beside = Path.Combine(lab.Dir, "beside6.pcap");
        // Everything to or from the virtual IPv6 address, and neighbour solicitations whose target is it.
        var filter = "ip6 host 2001:db8::15 or (icmp6 and ip6[40] == 135 and ip6[48:4] == 0x20010db8 and ip6[52:4] == 0 and ip6[56:4] == 0 and ip6[60:4] == 0x15)";
        var tcpdump = lab.Tcpdump(lab.SensorNs, beside, "-B", "32768", filter);
        // And on the far side, everything: no frame may come from the sensor interface's own MAC (management silence).
        var farSide = Path.Combine(lab.Dir, "far6.pcap");
        var far = lab.Tcpdump(lab.ClientNs, farSide);
        var sensorMac = ExternalTool.Run("ip", ["netns", "exec", lab.SensorNs, "cat", "/sys/class/net/eth0/address"]).StdOut.Trim().Replace(":", "", StringComparison.Ordinal);
        try
        {
            Assert.Equal(0, lab.Client("ping", ["-6", "-c", "3", "-i", "0.2", "-W", "2", "2001:db8::15"], 15).ExitCode);
            Assert.Contains("Welcome", lab.Client("curl", ["-6", "-g", "-s", "-m", "10", "http://[2001:db8::15]/"], 20).StdOut, StringComparison.Ordinal);
            Assert.StartsWith("SSH-2.0-", lab.Client("nc", ["-6", "-w", "2", "2001:db8::15", "22"], 10, stdin: "").StdOut, StringComparison.Ordinal);
            Assert.Equal("v6 datagram\n", lab.Client("nc", ["-6", "-u", "-w", "2", "2001:db8::15", "7"], 10, stdin: "v6 datagram\n").StdOut);
            lab.Client("nc", ["-6", "-u", "-w", "1", "2001:db8::15", "500"], 10, stdin: "closed port\n"); // ICMPv6 unreachable
            if (ExternalTool.Require("nmap")) lab.Client("nmap", ["-6", "-sS", "-n", "-Pn", "-p", "1-300", "2001:db8::15"], 60);
            Thread.Sleep(1500);
        }
        finally
        {
            lab.StopSensor();
            Thread.Sleep(500);
            SensorLab.Interrupt(tcpdump);
            SensorLab.Interrupt(far);
        }
        output.WriteLine(lab.SensorOutput);
        var farFrames = PcapFrames.Read([farSide]);
        Assert.True(farFrames.Count > 600);
        Assert.DoesNotContain(farFrames, f => Convert.ToHexStringLower(f.Data.AsSpan(6, 6)) == sensorMac);
        var pcaps = Directory.GetFiles(lab.CaptureDir, "*.pcap");
        var ours = PcapFrames.Read(pcaps).Where(f => f.Data.Length > 13 && f.Data[12] == 0x86 && f.Data[13] == 0xDD).ToList();
        var theirs = PcapFrames.Read([beside]);
        output.WriteLine($"IPv6 frames: sensor capture {ours.Count}, tcpdump beside it {theirs.Count}");
        Assert.True(ours.Count > 600, $"only {ours.Count} IPv6 frames captured");
        var diff = PcapFrames.Difference(ours, theirs);
        Assert.True(diff.Count == 0, $"{diff.Count} frame digests differ (+ = only in the sensor's capture): " +
                                     string.Join(", ", diff.Take(10).Select(kv => $"{kv.Key[..12]}:{kv.Value:+#;-#}")));
        // The sensor's own answers are in it: a neighbour advertisement, echo replies, SYN+ACKs, an ICMPv6 port unreachable.
        Assert.Contains(ours, f => f.Data[20] == 58 && f.Data[54] == 136);
        Assert.Contains(ours, f => f.Data[20] == 58 && f.Data[54] == 129);
        Assert.Contains(ours, f => f.Data[20] == 58 && f.Data[54] == 1 && f.Data[55] == 4);
        Assert.Contains(ours, f => f.Data[20] == 6 && f.Data.Length >= 74 && (f.Data[54 + 13] & 0x12) == 0x12);

        var db = Path.Combine(lab.Dir, "store6.duckdb");
        var ingest = ExternalTool.Run("dotnet", [SensorLab.CliDll(), "ingest", lab.CaptureDir, "--db", db, "--sensor", "lab6"], TimeSpan.FromMinutes(2));
        Assert.Equal(0, ingest.ExitCode);
        var q = ExternalTool.Run("dotnet", [SensorLab.CliDll(), "query", "--db", db, "--format", "Csv",
            "select count(distinct dport) from packets where ip_ver = 6 and dst = '2001:db8::15' and tcp_flags = 2"], TimeSpan.FromMinutes(1));
        output.WriteLine(q.StdOut + q.StdErr);
        Assert.True(int.Parse(q.StdOut.Trim().Split('\n')[^1].Trim()) >= 300, "the IPv6 scan is not in the store");
    }
}
