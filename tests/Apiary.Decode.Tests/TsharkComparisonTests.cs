using System.Globalization;
using Apiary.Core;
using Apiary.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Apiary.Decode.Tests;

/// <summary>
/// Every frame of every shared capture, decoded by us and by Debian's tshark, field by field.
///
/// tshark runs with IP reassembly off (-o ip.defragment:FALSE, ipv6.defragment:FALSE) because the decoder
/// is per packet: with reassembly on, tshark would show a fragmented datagram's ports on its last fragment.
/// Multi-valued tshark fields (-E occurrence=a): the first value is the outer header; for ICMP errors the
/// second value of ip.src/ip.dst/ip.proto is the quoted header, while tcp/udp ports appear once (only the quoted
/// transport header exists), so they are compared with our Inner*Port fields. The final IPv6 protocol is
/// followed through ipv6.nxt and the extension headers' nxt fields.
/// </summary>
public class TsharkComparisonTests(ITestOutputHelper output)
{
    private static readonly string[] Fields =
    [
        "frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.proto", "ipv6.nxt",
        "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.fraghdr.nxt", "ipv6.dstopts.nxt",
        "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "sctp.srcport", "sctp.dstport",
        "tcp.flags", "ip.ttl", "ipv6.hlim", "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
    ];

    /// <summary>One frame in the terms both sides can state ("" / -1 when absent).</summary>
    private sealed record FrameFacts(
        string Src, string Dst, int Protocol, int Ttl, int SrcPort, int DstPort, int TcpFlags,
        int IcmpType, int IcmpCode, string InnerSrc, string InnerDst, int InnerProtocol);

    public static TheoryData<string> Captures() => SharedData.CaptureNames();

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_frame_agrees_with_tshark(string capture)
    {
        if (!SharedData.RequireShared() || !ExternalTool.Require("tshark")) return;
        var path = SharedData.Capture(capture);

        var ours = new List<FrameFacts>();
        var anomalies = SharedCaptureDecoding.DecodeAll(path, p => ours.Add(Ours(p)));
        var theirs = Tshark(path, ours);

        Assert.Equal(theirs.Count, ours.Count);
        var mismatches = new List<string>();
        for (var i = 0; i < ours.Count; i++)
        {
            if (ours[i] != theirs[i]) mismatches.Add($"frame {i + 1}:\n  ours   {ours[i]}\n  tshark {theirs[i]}");
        }
        output.WriteLine($"{capture}: {ours.Count} frames, {mismatches.Count} differ; anomalies: " +
            string.Join(", ", anomalies.Counts.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {ours.Count} frames differ:\n" + string.Join("\n", mismatches.Take(10)));

        // The aggregates the analyses use, stated separately so a failure says which one moved.
        Assert.Equal(Count(theirs, f => f.Protocol), Count(ours, f => f.Protocol));
        Assert.Equal(theirs.Select(f => f.Src).Distinct().Count(), ours.Select(f => f.Src).Distinct().Count());
        Assert.Equal(theirs.Select(f => f.Dst).Distinct().Count(), ours.Select(f => f.Dst).Distinct().Count());
        Assert.Equal(Count(theirs.Where(f => f.Protocol is 6 or 17), f => (f.Protocol, f.DstPort)),
                     Count(ours.Where(f => f.Protocol is 6 or 17), f => (f.Protocol, f.DstPort)));
    }

    private static SortedDictionary<T, int> Count<T>(IEnumerable<FrameFacts> frames, Func<FrameFacts, T> key) where T : notnull =>
        new(frames.GroupBy(key).ToDictionary(g => g.Key, g => g.Count()));

    private static FrameFacts Ours(in DecodedPacket p)
    {
        var hasIp = p.IpVersion != 0;
        // Ports as tshark shows them: the quoted transport header's for ICMP errors, the packet's own otherwise.
        var (srcPort, dstPort) = p.HasInner ? (p.InnerSourcePort, p.InnerDestinationPort) : (p.SourcePort, p.DestinationPort);
        return new FrameFacts(
            hasIp ? p.Source.ToString() : "",
            hasIp ? p.Destination.ToString() : "",
            p.Protocol,
            hasIp ? p.Ttl : -1,
            srcPort, dstPort,
            p.TcpFlags,
            p.IcmpType, p.IcmpCode,
            p.HasInner ? p.InnerSource.ToString() : "",
            p.HasInner ? p.InnerDestination.ToString() : "",
            p.HasInner ? p.InnerProtocol : -1);
    }

    private static List<FrameFacts> Tshark(string path, List<FrameFacts> ours)
    {
        var args = new List<string> { "-n", "-r", path, "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
            "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|", "-E", "separator=/t" };
        foreach (var f in Fields) { args.Add("-e"); args.Add(f); }
        var result = ExternalTool.Run("tshark", args, TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, result.StdErr);

        var facts = new List<FrameFacts>();
        foreach (var line in result.StdOut.Split('\n'))
        {
            if (line.Length == 0) continue;
            var c = line.Split('\t');
            string[] V(string field) { var s = c[Array.IndexOf(Fields, field)]; return s.Length == 0 ? [] : s.Split('|'); }
            var index = facts.Count;
            // Which family is "outer" when a frame holds both (tunnels): the one we decoded; tshark alone: IPv4 first.
            var oursV6 = index < ours.Count && ours[index].Src.Contains(':', StringComparison.Ordinal);
            var v4 = V("ip.src").Length > 0 && !(oursV6 && V("ipv6.src").Length > 0);
            var src = v4 ? V("ip.src") : V("ipv6.src");
            var dst = v4 ? V("ip.dst") : V("ipv6.dst");
            var protocol = src.Length == 0 ? -1 : v4 ? Int(V("ip.proto"), 0) : FinalIpv6Protocol(V);
            var ttl = src.Length == 0 ? -1 : Int(v4 ? V("ip.ttl") : V("ipv6.hlim"), 0);

            var icmpError = protocol switch
            {
                1 => Int(V("icmp.type"), 0) is 3 or 4 or 5 or 11 or 12,
                58 => Int(V("icmpv6.type"), 0) is 1 or 2 or 3 or 4,
                _ => false,
            };
            var innerSrc = icmpError && src.Length > 1 ? src[1] : "";
            var innerDst = icmpError && dst.Length > 1 ? dst[1] : "";
            var innerProtocol = !icmpError || src.Length < 2 ? -1 : v4 ? Int(V("ip.proto"), 1) : Int(V("ipv6.nxt"), 1);

            var portProtocol = icmpError ? innerProtocol : protocol;
            var portPrefix = portProtocol switch { 6 => "tcp", 17 => "udp", 132 => "sctp", _ => null };
            var srcPort = portPrefix == null ? -1 : Int(V(portPrefix + ".srcport"), 0);
            var dstPort = portPrefix == null ? -1 : Int(V(portPrefix + ".dstport"), 0);
            var flags = protocol == 6 && V("tcp.flags").Length > 0 ? Convert.ToInt32(V("tcp.flags")[0], 16) & 0xFF : -1;
            var (icmpType, icmpCode) = protocol switch
            {
                1 => (Int(V("icmp.type"), 0), Int(V("icmp.code"), 0)),
                58 => (Int(V("icmpv6.type"), 0), Int(V("icmpv6.code"), 0)),
                _ => (-1, -1),
            };
            facts.Add(new FrameFacts(src.Length > 0 ? src[0] : "", dst.Length > 0 ? dst[0] : "", protocol, ttl,
                srcPort, dstPort, flags, icmpType, icmpCode, innerSrc, innerDst, innerProtocol));
        }
        return facts;
    }

    /// <summary>Follows ipv6.nxt through the extension headers' own nxt fields to the upper-layer protocol.</summary>
    private static int FinalIpv6Protocol(Func<string, string[]> values)
    {
        var next = Int(values("ipv6.nxt"), 0);
        for (var guard = 0; guard < 10; guard++)
        {
            var field = next switch { 0 => "ipv6.hopopts.nxt", 43 => "ipv6.routing.nxt", 44 => "ipv6.fraghdr.nxt", 60 => "ipv6.dstopts.nxt", _ => null };
            if (field == null || values(field).Length == 0) return next;
            next = Int(values(field), 0);
        }
        return next;
    }

    private static int Int(string[] values, int index) =>
        index < values.Length ? int.Parse(values[index], NumberStyles.Integer, CultureInfo.InvariantCulture) : -1;
}
