using System.Collections.Concurrent;
using System.Globalization;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Ingest.Tests;

/// <summary>
/// What Debian's tshark counts in a capture: packets, packets per IP protocol, distinct source and destination
/// addresses, packets per (protocol, destination port) for TCP and UDP. Always the outer header: the first
/// value of multi-valued fields (ICMP errors and tunnels carry inner headers), the outer family chosen by the
/// order in frame.protocols. IPv6's protocol is followed through the extension headers; IP reassembly is off
/// because a packet row describes one frame.
/// </summary>
public sealed record TsharkCounts(
    long Packets,
    SortedDictionary<int, long> PerProtocol,
    long DistinctSources,
    long DistinctDestinations,
    SortedDictionary<(int Protocol, int Port), long> PerDestinationPort)
{
    private static readonly string[] Fields =
    [
        "frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.proto", "ipv6.nxt",
        "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.fraghdr.nxt", "ipv6.dstopts.nxt", "tcp.dstport", "udp.dstport",
    ];

    private static readonly ConcurrentDictionary<string, TsharkCounts> Cache = new(StringComparer.Ordinal);

    /// <summary>Runs tshark once per capture per test run.</summary>
    public static TsharkCounts Of(string path) => Cache.GetOrAdd(path, Run);

    private static TsharkCounts Run(string path)
    {
        var args = new List<string> { "-n", "-r", path, "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
            "-T", "fields", "-E", "occurrence=f", "-E", "separator=/t" };
        foreach (var f in Fields) { args.Add("-e"); args.Add(f); }
        var result = ExternalTool.Run("tshark", args, TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, $"tshark failed on {path}: {result.StdErr}");

        long packets = 0;
        var perProtocol = new SortedDictionary<int, long>();
        var sources = new HashSet<string>(StringComparer.Ordinal);
        var destinations = new HashSet<string>(StringComparer.Ordinal);
        var perPort = new SortedDictionary<(int, int), long>();
        foreach (var line in result.StdOut.Split('\n'))
        {
            if (line.Length == 0) continue;
            packets++;
            var c = line.Split('\t');
            string V(string field) => c[Array.IndexOf(Fields, field)];
            var layers = V("frame.protocols").Split(':');
            var ip4 = Array.IndexOf(layers, "ip");
            var ip6 = Array.IndexOf(layers, "ipv6");
            int protocol;
            if (ip4 >= 0 && (ip6 < 0 || ip4 < ip6) && V("ip.src").Length > 0)
            {
                sources.Add(V("ip.src"));
                destinations.Add(V("ip.dst"));
                protocol = Int(V("ip.proto"));
            }
            else if (ip6 >= 0 && V("ipv6.src").Length > 0)
            {
                sources.Add(V("ipv6.src"));
                destinations.Add(V("ipv6.dst"));
                protocol = FinalIpv6Protocol(V);
            }
            else
            {
                protocol = -1;
            }
            perProtocol[protocol] = perProtocol.GetValueOrDefault(protocol) + 1;
            if (protocol is 6 or 17)
            {
                var port = V(protocol == 6 ? "tcp.dstport" : "udp.dstport");
                var key = (protocol, port.Length == 0 ? -1 : Int(port));
                perPort[key] = perPort.GetValueOrDefault(key) + 1;
            }
        }
        return new TsharkCounts(packets, perProtocol, sources.Count, destinations.Count, perPort);
    }

    private static int FinalIpv6Protocol(Func<string, string> value)
    {
        var next = Int(value("ipv6.nxt"));
        for (var guard = 0; guard < 10; guard++)
        {
            var field = next switch { 0 => "ipv6.hopopts.nxt", 43 => "ipv6.routing.nxt", 44 => "ipv6.fraghdr.nxt", 60 => "ipv6.dstopts.nxt", _ => null };
            if (field == null || value(field).Length == 0) return next;
            next = Int(value(field));
        }
        return next;
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
