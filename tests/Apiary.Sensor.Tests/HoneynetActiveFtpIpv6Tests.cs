using System.Text.RegularExpressions;
using Apiary.Sensor.Tests.Lab;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Sensor.Tests;

/// <summary>FTP active mode (PORT/EPRT, and the bounce it must refuse) and the IPv6 virtual host, against the shared lab sensor.</summary>
public sealed partial class HoneynetLabTests
{
    private static readonly string NotesTxt = Path.Combine(SharedData.RepoRoot, "examples", "sensor-paper", "ftp", "pub", "notes.txt");

    [Fact]
    public void Lftp_active_mode_lists_downloads_and_uploads_over_data_connections_from_port_20()
    {
        var lab = Lab();
        if (lab == null || !ExternalTool.Require("lftp")) return;
        var local = Path.Combine(lab.Dir, "notes-active.txt");
        var upload = Path.Combine(lab.Dir, "upload-active.txt");
        File.WriteAllText(upload, "attacker upload over active mode\n");
        foreach (var host in new[] { "192.0.2.11", "192.0.2.12" })
        {
            File.Delete(local);
            var script = $"set net:timeout 5; set net:max-retries 2; set ftp:passive-mode off; open -u anonymous,probe@example.org {host}; " +
                         $"ls; cd pub; ls; get notes.txt -o {local}; put {upload} -o dropped-active.txt; quit";
            var r = lab.Client("lftp", ["-d", "-c", script], 60);
            output.WriteLine(r.StdOut + r.StdErr);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("README.txt", r.StdOut, StringComparison.Ordinal);
            Assert.Contains("---> PORT 192,0,2,100,", r.StdErr, StringComparison.Ordinal); // lftp really used active mode
            Assert.Equal(File.ReadAllText(NotesTxt), File.ReadAllText(local));
            // Four data connections (ls, ls, get, put), each accepted by lftp from the virtual host's port 20.
            Assert.Equal(4, Regex.Matches(r.StdErr, $@"Accepted data connection from \({Regex.Escape(host)}\) port 20\b").Count);
        }
        var log = File.ReadAllText(Path.Combine(lab.CaptureDir, "services.jsonl"));
        Assert.Contains("PORT 192,0,2,100,", log, StringComparison.Ordinal);
        Assert.Contains("\"upload_discarded\"", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Ftp_bounce_PORT_or_EPRT_to_another_address_is_refused_logged_and_never_connected()
    {
        var lab = Lab();
        if (lab == null || !ExternalTool.Require("nc") || !ExternalTool.Require("tcpdump")) return;
        // The third party the attacker wants to reach: another address in the lab, with a real listener.
        var listener = lab.Background(lab.ClientNs, "timeout", "30", "nc", "-l", "198.51.100.1", "2121");
        var pcap = Path.Combine(lab.Dir, "bounce.pcap");
        var tcpdump = lab.Tcpdump(lab.ClientNs, pcap, "tcp and src host 192.0.2.12 and (dst host 198.51.100.1 or src port 20)");
        ExternalTool.Result r;
        try
        {
            var session = "USER anonymous\r\nPASS probe@example.org\r\n" +
                          "PORT 198,51,100,1,8,73\r\nLIST\r\n" +         // bounce to another address
                          "EPRT |1|198.51.100.1|2121|\r\nLIST\r\n" +    // the same with EPRT
                          "PORT 192,0,2,100,0,25\r\n" +                 // the client itself, but a privileged port
                          "EPRT |2|2001:db8::100|2121|\r\n" +           // the client's other family: not the control peer
                          "PORT 1,2,3\r\nQUIT\r\n";
            r = lab.Client("nc", ["-w", "3", "192.0.2.12", "21"], 15, stdin: session);
            Thread.Sleep(1000);
        }
        finally
        {
            SensorLab.Interrupt(tcpdump);
            SensorLab.Interrupt(listener);
        }
        output.WriteLine(r.StdOut);
        Assert.Equal(4, Regex.Matches(r.StdOut, "^500 Illegal PORT command\\.", RegexOptions.Multiline).Count);
        Assert.Equal(2, Regex.Matches(r.StdOut, "^425 ", RegexOptions.Multiline).Count);
        Assert.Contains("501 Syntax error", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("150 ", r.StdOut, StringComparison.Ordinal);
        Assert.Empty(PcapFrames.Read([pcap])); // not a single frame towards the third party, nor from port 20
        var log = File.ReadAllText(Path.Combine(lab.CaptureDir, "services.jsonl"));
        Assert.Contains("\"bounce_refused\"", log, StringComparison.Ordinal);
        Assert.Contains("PORT 198,51,100,1,8,73 (control peer 192.0.2.100:", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Active_data_connection_to_a_client_port_nobody_listens_on_ends_with_425_and_the_session_goes_on()
    {
        var lab = Lab();
        if (lab == null || !ExternalTool.Require("nc")) return;
        // Port 9999 on the client: nothing listens, the client's kernel answers the sensor's SYN with a RST.
        var session = "USER anonymous\r\nPASS probe@example.org\r\nPORT 192,0,2,100,39,15\r\nLIST\r\nPWD\r\n";
        var r = lab.Client("nc", ["-w", "3", "192.0.2.12", "21"], 15, stdin: session);
        output.WriteLine(r.StdOut);
        Assert.Contains("200 PORT command successful", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("425 Failed to establish connection.", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("257 \"/\"", r.StdOut, StringComparison.Ordinal);
        var log = File.ReadAllText(Path.Combine(lab.CaptureDir, "services.jsonl"));
        Assert.Contains("\"data_connection_refused\"", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6_host_answers_tcp_udp_and_echo_with_its_personality_rules()
    {
        var lab = Lab();
        if (lab == null || !ExternalTool.Require("curl") || !ExternalTool.Require("nc") || !ExternalTool.Require("ping")) return;
        const string v6 = "2001:db8::15";
        var ping = lab.Client("ping", ["-6", "-c", "2", "-W", "2", v6], 15);
        output.WriteLine(ping.StdOut);
        Assert.Contains(" 2 received", ping.StdOut, StringComparison.Ordinal);
        var curl = lab.Client("curl", ["-6", "-g", "-s", "-i", "-m", "10", $"http://[{v6}]/"], 20);
        Assert.Contains("HTTP/1.1 200 OK", curl.StdOut, StringComparison.Ordinal);
        Assert.Contains("Server: Apache/2.4.57 (Debian)", curl.StdOut, StringComparison.Ordinal);
        var missing = lab.Client("curl", ["-6", "-g", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", $"http://[{v6}]/nothing-here"], 20);
        Assert.Equal("404", missing.StdOut);
        var ssh = lab.Client("nc", ["-6", "-w", "2", v6, "22"], 10, stdin: "");
        Assert.StartsWith("SSH-2.0-", ssh.StdOut, StringComparison.Ordinal);
        var echo = lab.Client("nc", ["-6", "-u", "-w", "2", v6, "7"], 10, stdin: "hello over ipv6\n");
        Assert.Equal("hello over ipv6\n", echo.StdOut);

        // FTP over IPv6: EPSV (passive) and EPRT (active) data connections.
        if (ExternalTool.Require("lftp"))
        {
            foreach (var passive in new[] { "on", "off" })
            {
                var local = Path.Combine(lab.Dir, $"notes-v6-{passive}.txt");
                var r = lab.Client("lftp", ["-d", "-c", $"set net:timeout 5; set net:max-retries 2; set ftp:passive-mode {passive}; " +
                                                   $"open -u anonymous,probe@example.org ftp://[{v6}]; cd pub; ls; get notes.txt -o {local}; quit"], 60);
                output.WriteLine(r.StdOut + r.StdErr);
                Assert.Equal(0, r.ExitCode);
                Assert.Contains(passive == "on" ? "---> EPSV" : "---> EPRT |2|2001:db8::100|", r.StdErr, StringComparison.Ordinal);
                Assert.Equal(File.ReadAllText(NotesTxt), File.ReadAllText(local));
            }
        }

        if (!ExternalTool.Require("nmap")) return;
        var syn = lab.Client("nmap", ["-6", "-sS", "-n", "-Pn", "-p", "1-1024", "-oG", "-", v6], 120);
        output.WriteLine(syn.StdOut);
        var line = syn.StdOut.Split('\n').Single(l => l.Contains("Ports:", StringComparison.Ordinal));
        var ports = Regex.Matches(line, @"(\d+)/(open|closed|filtered)/tcp").ToDictionary(m => int.Parse(m.Groups[1].Value), m => m.Groups[2].Value);
        Assert.Equal([7, 21, 22, 80], ports.Where(kv => kv.Value == "open").Select(kv => kv.Key).Order());
        var ignored = int.Parse(Regex.Match(line, @"Ignored State: closed \((\d+)\)").Groups[1].Value);
        Assert.Equal(1024 - 4, ignored + ports.Count(kv => kv.Value == "closed"));
        var udp = lab.Client("nmap", ["-6", "-sU", "-n", "-Pn", "-p", "7,500", "--max-retries", "1", "-oG", "-", v6], 60);
        output.WriteLine(udp.StdOut);
        Assert.Matches(@"7/open/udp", udp.StdOut);
        Assert.Matches(@"500/closed/udp", udp.StdOut); // ICMPv6 port unreachable, as the personality answers closed UDP
    }
}
