using System.Globalization;
using Apiary.Analysis.Analyses;
using Apiary.Decode;
using Apiary.Ingest;
using Apiary.Store.DuckDb;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Analysis.Tests;

/// <summary>
/// Real captures from ../shared ingested with the real pipeline, analysed without a testbed (every IP packet is
/// incoming, its destination is the target), and compared with numbers computed here from tshark's fields:
/// packets and sources per destination port, backscatter packets, sources per target.
/// </summary>
public sealed class RealCaptureTests
{
    public static TheoryData<string> Captures() =>
    [
        "ncsa_backscatter.trace", "evilfingers_nmap_TCP_SYN_SCAN.pcap", "ncsa_multiport_scan.pcap",
        "honeynet-fc2010-01_attack-trace.pcap", "stopddos_amp.TCP.reflection.SYNACK.pcap", "esnet_masscan_udp_0_1000_20190821.pcap",
        "ppa_dosattack.pcap",
    ];

    private sealed record Row(string Src, string Dst, int Proto, int? Dport, bool Backscatter);

    /// <summary>Outer-header fields from tshark (first occurrence, so ICMP-quoted headers are ignored).</summary>
    private static List<Row> Tshark(string path)
    {
        var r = ExternalTool.Run("tshark", ["-r", path, "-n", "-o", "ip.defragment:FALSE", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f",
            "-e", "ip.src", "-e", "ip.dst", "-e", "ip.proto", "-e", "tcp.dstport", "-e", "udp.dstport", "-e", "tcp.flags", "-e", "icmp.type", "-e", "udp.srcport"]);
        Assert.Equal(0, r.ExitCode);
        var rows = new List<Row>();
        foreach (var line in r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            if (f[0].Length == 0) continue; // no IPv4 header
            var proto = int.Parse(f[2], CultureInfo.InvariantCulture);
            int? dport = proto == 6 && f[3].Length > 0 ? int.Parse(f[3], CultureInfo.InvariantCulture)
                : proto == 17 && f[4].Length > 0 ? int.Parse(f[4], CultureInfo.InvariantCulture) : null;
            var flags = f[5].Length > 0 ? Convert.ToInt32(f[5], 16) : 0;
            var backscatter = proto switch
            {
                6 => (flags & 0x12) == 0x12 || (flags & 0x04) != 0,
                1 => f[6].Length > 0 && new[] { 0, 3, 4, 5, 11, 12, 14, 16, 18 }.Contains(int.Parse(f[6], CultureInfo.InvariantCulture)),
                17 => f[7] == "53",
                _ => false,
            };
            rows.Add(new Row(f[0], f[1], proto, dport, backscatter));
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void AnalysesAgreeWithTshark(string capture)
    {
        if (!SharedData.RequireShared() || !ExternalTool.Require("tshark")) return;
        var path = SharedData.Capture(capture);
        var dir = Path.Combine(Path.GetTempPath(), "apiary-real-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using var store = DuckDbStore.Open(Path.Combine(dir, "t.duckdb"));
            new IngestPipeline(store, new IngestOptions { Sensor = "lab" }, PacketDecoder.Decode).Run([new IngestInput(path, true)]);
            var context = new AnalysisContext(store, null);
            var expected = Tshark(path);

            // Totals: packets with an IP header, distinct sources (no file spans more than the 25 h gap).
            var totals = new TotalsAnalysis().Run(context);
            Assert.Equal(expected.Count, totals.FindFigure("packets")!.Value);
            Assert.Equal(expected.Select(e => e.Src).Distinct().Count(), totals.FindFigure("sources")!.Value);
            Assert.Equal(expected.Count(e => e.Backscatter), totals.FindFigure("backscatter_packets")!.Value);

            // Fig. 4: packets, requests and sources per destination port.
            var ports = new PortsAnalysis().Run(context).FindTable("all_ports")!;
            var byPort = expected.Where(e => e.Dport is not null && e.Proto is 6 or 17).GroupBy(e => PortsAnalysis.PortLabel(e.Proto, e.Dport!.Value)).ToList();
            Assert.Equal(byPort.Count, ports.Rows.Count);
            foreach (var g in byPort)
            {
                var row = ports.Where("port", g.Key).Single();
                Assert.Equal((long)g.Count(), row[ports.Index("packets")]);
                Assert.Equal((long)g.Count(e => !e.Backscatter), row[ports.Index("requests")]);
                Assert.Equal((long)g.Select(e => e.Src).Distinct().Count(), row[ports.Index("sources")]);
            }

            // Fig. 1 without a testbed: sources per target (destination address).
            var perTarget = new TargetsMonthlyAnalysis().Run(context).FindTable("sources")!;
            foreach (var g in expected.GroupBy(e => e.Dst))
            {
                var n = perTarget.Where("target", g.Key).Sum(r => (long)r[perTarget.Index("sources")]!);
                Assert.Equal((long)g.Select(e => e.Src).Distinct().Count(), n);
            }

            // Every other analysis runs on real data without throwing.
            foreach (var a in AnalysisCatalog.All) Assert.Equal(a.Name, a.Run(context).Name);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
