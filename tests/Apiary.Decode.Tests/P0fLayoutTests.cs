using Apiary.Core;
using Apiary.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Apiary.Decode.Tests;

/// <summary>
/// Our TCP option layout against the olayout field of the raw_sig lines that Debian's p0f prints for the
/// same packets (p0f -r FILE): every SYN and SYN+ACK p0f reports must carry the layout p0f wrote.
/// </summary>
public class P0fLayoutTests(ITestOutputHelper output)
{
    public static TheoryData<string> Captures() => new()
    {
        "lab/lab_c_ether_nsec.pcap",
        "lab/lab_b_any_sll2.pcap",
        "lab/lab_e_ipv6only.pcap",
        "cs_activeosfingerprinting.pcapng",
        "evilfingers_xprobe_tcp_scan_filter.pcap",
        "cs_synscan.pcapng",
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void Option_layout_equals_p0f_olayout(string capture)
    {
        if (!SharedData.RequireShared() || !ExternalTool.Require("p0f")) return;
        var path = SharedData.Capture(capture);

        // Our layouts per (source, destination, SYN or SYN+ACK); retransmissions may repeat a key.
        var ours = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        SharedCaptureDecoding.DecodeAll(path, p =>
        {
            if (p.TcpFlags < 0 || (p.TcpFlags & TcpFlagBits.Syn) == 0) return;
            // p0f names both directions client first: a SYN+ACK is keyed by its destination.
            var key = (p.TcpFlags & TcpFlagBits.Ack) != 0
                ? $"{p.Destination}/{p.DestinationPort} -> {p.Source}/{p.SourcePort} (syn+ack)"
                : $"{p.Source}/{p.SourcePort} -> {p.Destination}/{p.DestinationPort} (syn)";
            if (!ours.TryGetValue(key, out var set)) ours[key] = set = [];
            set.Add(p.TcpOptionLayout ?? "");
        });

        var result = ExternalTool.Run("p0f", ["-r", path], TimeSpan.FromMinutes(2));
        Assert.Equal(0, result.ExitCode);
        string? header = null;
        var compared = 0;
        var failures = new List<string>();
        foreach (var raw in result.StdOut.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith(".-[ ", StringComparison.Ordinal)) header = Normalise(line[4..line.LastIndexOf(" ]-", StringComparison.Ordinal)]);
            if (header == null || !line.StartsWith("| raw_sig", StringComparison.Ordinal)) continue;
            if (!header.EndsWith("(syn)", StringComparison.Ordinal) && !header.EndsWith("(syn+ack)", StringComparison.Ordinal)) continue;
            var sig = line[(line.IndexOf('=', StringComparison.Ordinal) + 2)..];
            var olayout = sig.Split(':')[5]; // ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass
            compared++;
            if (!ours.TryGetValue(header, out var layouts)) failures.Add($"{header}: p0f '{olayout}', we saw no such packet");
            else if (!layouts.Contains(olayout)) failures.Add($"{header}: p0f '{olayout}', ours '{string.Join("' / '", layouts)}'");
        }
        output.WriteLine($"{capture}: {compared} p0f signatures compared, {failures.Count} differ");
        Assert.True(compared > 0, "p0f printed no SYN or SYN+ACK signature");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    /// <summary>"A/P -> B/Q (kind)" with p0f's uncompressed IPv6 text rewritten as we print addresses.</summary>
    private static string Normalise(string header)
    {
        var arrow = header.IndexOf(" -> ", StringComparison.Ordinal);
        var paren = header.LastIndexOf(" (", StringComparison.Ordinal);
        if (arrow < 0 || paren < arrow) return header;
        return $"{Endpoint(header[..arrow])} -> {Endpoint(header[(arrow + 4)..paren])}{header[paren..]}";
    }

    private static string Endpoint(string text)
    {
        var slash = text.LastIndexOf('/');
        return IpAddress128.TryParse(text[..slash], out var address) ? $"{address}{text[slash..]}" : text;
    }
}
