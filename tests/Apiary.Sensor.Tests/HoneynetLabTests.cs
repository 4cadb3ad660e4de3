using System.Text.RegularExpressions;
using Apiary.Sensor.Tests.Lab;
using Apiary.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Apiary.Sensor.Tests;

/// <summary>Real clients and nmap against the running sensor in a namespace lab (root only; CI runs as root).</summary>
public sealed partial class HoneynetLabTests(HoneynetFixture fx, ITestOutputHelper output) : IClassFixture<HoneynetFixture>
{
    private SensorLab? Lab()
    {
        if (fx.Lab == null) output.WriteLine("skipped: " + fx.SkipReason);
        return fx.Lab;
    }

    [Fact]
    public void Nmap_syn_scan_finds_exactly_the_configured_open_closed_and_filtered_ports()
    {
        var lab = Lab();
        if (lab == null || !ExternalTool.Require("nmap")) return;
        var targets = HoneynetFixture.Hosts.Keys.ToArray();
        var r = lab.Client("nmap", new[] { "-sS", "-n", "-Pn", "-p", "1-1024,3389", "-oG", "-" }.Concat(targets), 180);
        output.WriteLine(r.StdOut);
        Assert.Equal(0, r.ExitCode);
        foreach (var (addr, (_, open, filtered)) in HoneynetFixture.Hosts)
        {
            var line = r.StdOut.Split('\n').Single(l => l.StartsWith($"Host: {addr} ", StringComparison.Ordinal) && l.Contains("Ports:", StringComparison.Ordinal));
            var ports = Regex.Matches(line, @"(\d+)/(open|closed|filtered)/tcp").ToDictionary(m => int.Parse(m.Groups[1].Value), m => m.Groups[2].Value);
            Assert.Equal(open.Order(), ports.Where(kv => kv.Value == "open").Select(kv => kv.Key).Order());
            Assert.Equal(filtered.Order(), ports.Where(kv => kv.Value == "filtered").Select(kv => kv.Key).Order());
            // Every other port was answered as closed (nmap folds them into "Ignored State: closed (N)").
            Assert.Matches(@"Ignored State: closed \(\d+\)", line);
            var ignored = int.Parse(Regex.Match(line, @"Ignored State: closed \((\d+)\)").Groups[1].Value);
            Assert.Equal(1025 - open.Length - filtered.Length, ignored + ports.Count(kv => kv.Value == "closed"));
        }
    }

    [Fact]
    public void Nmap_udp_scan_sees_services_as_open_closed_ports_as_closed_and_silent_ports_as_open_filtered()
    {
        var lab = Lab();
        if (lab == null || !ExternalTool.Require("nmap")) return;
        var targets = HoneynetFixture.Udp.Keys.ToArray();
        var r = lab.Client("nmap", new[] { "-sU", "-n", "-Pn", "-p", "7,137,161,500", "--max-retries", "1", "-oG", "-" }.Concat(targets), 180);
        output.WriteLine(r.StdOut);
        Assert.Equal(0, r.ExitCode);
        foreach (var (addr, (open, silent)) in HoneynetFixture.Udp)
        {
            var line = r.StdOut.Split('\n').Single(l => l.StartsWith($"Host: {addr} ", StringComparison.Ordinal) && l.Contains("Ports:", StringComparison.Ordinal)) + ",";
            // A port not listed was folded into "Ignored State: <state> (n)".
            string State(int port) => Regex.Match(line, $@"\b{port}/([a-z|]+)/udp").Groups[1].Value is { Length: > 0 } s ? s
                : Regex.Match(line, @"Ignored State: ([a-z|]+)").Groups[1].Value;
            foreach (var port in new[] { 7, 137, 161, 500 })
            {
                var expected = open.Contains(port) ? "open" : silent.Contains(port) ? "open|filtered" : "closed";
                Assert.True(expected == State(port), $"{addr} udp/{port}: nmap says {State(port)}, configured {expected}");
            }
        }
    }

    [Fact]
    public void Nmap_os_detection_names_each_configured_family_and_generation()
    {
        var lab = Lab();
        if (lab == null || !ExternalTool.Require("nmap")) return;
        var targets = HoneynetFixture.Hosts.Keys.ToArray();
        var r = lab.Client("nmap", new[] { "-O", "--osscan-guess", "-n", "-Pn", "-p", "1,21,22,80,139,445" }.Concat(targets), 300);
        var version = lab.Client("nmap", ["--version"]).StdOut.Split('\n')[0];
        output.WriteLine(version);
        var failures = new List<string>();
        foreach (var (addr, (personality, _, _)) in HoneynetFixture.Hosts)
        {
            var block = r.StdOut[r.StdOut.IndexOf($"Nmap scan report for {addr}\n", StringComparison.Ordinal)..];
            var next = block.IndexOf("Nmap scan report for", 10, StringComparison.Ordinal);
            if (next > 0) block = block[..next];
            var guess = Regex.Match(block, @"(?:OS details|Aggressive OS guesses): ([^,(\n]+)").Groups[1].Value.Trim();
            output.WriteLine($"{addr} {personality}: nmap's best guess: {guess}");
            var expected = personality switch
            {
                "windows-98" => @"Windows 98",
                "windows-nt4" => @"Windows NT",
                "windows-2000-xp" => @"Windows (2000|XP)",
                "windows-10" => @"Windows 10",
                "linux-2.4" => @"Linux 2\.4",
                "linux-5" => @"Linux [4-6]\.",
                "freebsd" => @"FreeBSD",
                _ => "?",
            };
            if (!Regex.IsMatch(guess, expected)) failures.Add($"{addr} ({personality}): guessed '{guess}', expected /{expected}/");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + r.StdOut);
    }

    [Fact]
    public void Curl_gets_the_static_page_with_the_personality_server_header_and_404s()
    {
        var lab = Lab();
        if (lab == null || !ExternalTool.Require("curl")) return;
        var r = lab.Client("curl", ["-s", "-i", "-m", "10", "http://192.0.2.11/"], 20);
        Assert.Contains("HTTP/1.1 200 OK", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("Server: Microsoft-IIS/4.0", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("Welcome to MACH1", r.StdOut, StringComparison.Ordinal);
        var missing = lab.Client("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", "http://192.0.2.11/nothing-here"], 20);
        Assert.Equal("404", missing.StdOut);
        var linux = lab.Client("curl", ["-s", "-I", "-m", "10", "http://192.0.2.15/"], 20);
        Assert.Contains("Server: Apache/2.4.57 (Debian)", linux.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Lftp_logs_in_anonymously_lists_downloads_and_uploads_are_discarded()
    {
        var lab = Lab();
        if (lab == null || !ExternalTool.Require("lftp")) return;
        var local = Path.Combine(lab.Dir, "notes-downloaded.txt");
        var upload = Path.Combine(lab.Dir, "upload.txt");
        File.WriteAllText(upload, "attacker upload\n");
        foreach (var host in new[] { "192.0.2.11", "192.0.2.12" })
        {
            File.Delete(local);
            var script = $"set net:timeout 5; set net:max-retries 2; set ftp:passive-mode on; open -u anonymous,probe@example.org {host}; " +
                         $"ls; cd pub; ls; get notes.txt -o {local}; put {upload} -o dropped.txt; quit";
            var r = lab.Client("lftp", ["-c", script], 60);
            output.WriteLine(r.StdOut + r.StdErr);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("README.txt", r.StdOut, StringComparison.Ordinal);
            Assert.Contains("notes.txt", r.StdOut, StringComparison.Ordinal);
            Assert.Equal(File.ReadAllText(Path.Combine(SharedData.RepoRoot, "examples", "sensor-paper", "ftp", "pub", "notes.txt")), File.ReadAllText(local));
        }
        // The upload went nowhere: the fake tree is unchanged and the service log recorded it as discarded.
        Assert.False(File.Exists(Path.Combine(SharedData.RepoRoot, "examples", "sensor-paper", "ftp", "pub", "dropped.txt")));
        var log = File.ReadAllText(Path.Combine(lab.CaptureDir, "services.jsonl"));
        Assert.Contains("\"upload_discarded\"", log, StringComparison.Ordinal);
        Assert.Contains("USER anonymous", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Banners_echo_smb_negotiate_and_netbios_answer_real_clients()
    {
        var lab = Lab();
        if (lab == null || !ExternalTool.Require("nc")) return;
        var ssh = lab.Client("nc", ["-w", "2", "192.0.2.12", "22"], 10, stdin: "");
        Assert.StartsWith("SSH-1.99-OpenSSH_3.1p1", ssh.StdOut, StringComparison.Ordinal);
        var telnet = lab.Client("nc", ["-w", "2", "192.0.2.12", "23"], 10, stdin: "");
        Assert.Contains("Red Hat Linux release 7.3", telnet.StdOut, StringComparison.Ordinal);
        var echo = lab.Client("nc", ["-w", "2", "192.0.2.15", "7"], 10, stdin: "hello honeynet\n");
        Assert.Equal("hello honeynet\n", echo.StdOut);
        var ftp = lab.Client("nc", ["-w", "2", "192.0.2.11", "21"], 10, stdin: "");
        Assert.StartsWith("220 ntserver Microsoft FTP Service", ftp.StdOut, StringComparison.Ordinal);

        if (ExternalTool.Require("smbclient"))
        {
            var smb = lab.Client("smbclient", ["-L", "//192.0.2.13", "-N", "-d", "5"], 30);
            var all = smb.StdOut + smb.StdErr;
            output.WriteLine(all);
            // The negotiate is answered (dialect SMB 2.0.2), then the sensor closes before any session setup.
            Assert.Contains("SMB2_02", all, StringComparison.Ordinal);
        }
        if (ExternalTool.Require("nmblookup"))
        {
            var nb = lab.Client("nmblookup", ["-A", "192.0.2.10"], 30);
            output.WriteLine(nb.StdOut + nb.StdErr);
            Assert.Contains("MACH0", nb.StdOut, StringComparison.Ordinal);
            Assert.Contains("WORKGROUP", nb.StdOut, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ipv6_neighbour_solicitation_and_echo_are_answered_for_the_virtual_address()
    {
        var lab = Lab();
        if (lab == null) return;
        var r = lab.Client("ping", ["-6", "-c", "2", "-W", "2", "2001:db8::15"], 15);
        if (r.ExitCode == 127 || r.StdErr.Contains("No such file", StringComparison.Ordinal))
        {
            // No ping binary: ND alone can still be judged by the neighbour table after a connection attempt.
            lab.Client("nc", ["-6", "-w", "2", "-z", "2001:db8::15", "22"], 10);
        }
        var neigh = lab.Client("ip", ["-6", "neigh", "show", "2001:db8::15"], 10);
        output.WriteLine(neigh.StdOut);
        Assert.Contains("02:00:c0:00:02:0f", neigh.StdOut, StringComparison.Ordinal);
    }
}
