namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.1: packets, sources, new sources per hour, protocol mix, distinct destination ports.</summary>
public sealed class TotalsAnalysis : IAnalysis
{
    public string Name => "totals";
    public string Title => "Totals: packets, sources, protocols, ports";
    public string PaperReference => "5.1";

    public AnalysisResult Run(AnalysisContext context)
    {
        var r = context.Query("""
            SELECT COUNT(*) AS packets,
                   COUNT(DISTINCT src) AS addresses,
                   SUM(CASE WHEN proto = 6 THEN 1 ELSE 0 END) AS tcp,
                   SUM(CASE WHEN proto = 17 THEN 1 ELSE 0 END) AS udp,
                   SUM(CASE WHEN proto IN (1, 58) THEN 1 ELSE 0 END) AS icmp,
                   SUM(CASE WHEN proto IS NULL OR proto NOT IN (1, 6, 17, 58) THEN 1 ELSE 0 END) AS other,
                   COUNT(DISTINCT CASE WHEN proto IN (6, 17) THEN dport END) AS ports,
                   COUNT(DISTINCT CASE WHEN proto IN (6, 17) AND NOT is_backscatter THEN dport END) AS request_ports,
                   SUM(CASE WHEN is_backscatter THEN 1 ELSE 0 END) AS backscatter
            FROM a_packets
            """).Rows[0];
        var packets = Values.Long(r[0]);
        if (packets == 0) return AnalysisResult.NotAvailable(this, "no incoming packets in the selection");
        var sources = Values.Long(context.Query("SELECT COUNT(*) FROM a_sources").Scalar());
        var hours = context.ObservedHoursUnion();
        double tcp = Values.Long(r[2]), udp = Values.Long(r[3]), icmp = Values.Long(r[4]), other = Values.Long(r[5]);

        var figures = new List<Figure>
        {
            new("packets", "Packets received", packets, "packets", "970718"),
            new("sources", "Sources (address x platform, 25 h gap)", sources, "sources", "6285"),
            new("addresses", "Distinct source addresses", Values.Long(r[1]), "addresses"),
            new("observed_hours", "Hours observed", hours, "h", "~2928 (4 months)"),
            new("new_sources_per_hour", "New sources per hour", hours > 0 ? sources / hours : null, "/h", "> 2"),
            new("tcp_pct", "TCP share of packets", Values.Percent(tcp, packets), "%", "97.9"),
            new("udp_pct", "UDP share of packets", Values.Percent(udp, packets), "%", "0.7"),
            new("icmp_pct", "ICMP share of packets", Values.Percent(icmp, packets), "%", "1.4"),
            new("other_pct", "Other protocols share", Values.Percent(other, packets), "%"),
            new("distinct_ports", "Distinct destination ports (TCP+UDP, all packets)", Values.Long(r[6]), "ports"),
            new("distinct_request_ports", "Distinct destination ports of requests (no backscatter)", Values.Long(r[7]), "ports", "164"),
            new("backscatter_packets", "Backscatter packets", Values.Long(r[8]), "packets"),
        };

        var mix = new TableBuilder("protocol_mix", "Protocol mix").Text("protocol").Int("packets").Pct("share");
        foreach (var (name, n) in new[] { ("TCP", tcp), ("UDP", udp), ("ICMP", icmp), ("other", other) })
            mix.Row(name, (long)n, Values.Percent(n, packets));

        var perPlatform = new TableBuilder("per_platform", "Per platform").Text("platform").Int("packets").Int("sources").Num("hours").Num("new_sources_per_hour");
        var counts = context.Query("""
            SELECT platform, SUM(packets) AS packets, COUNT(*) AS sources FROM a_sources GROUP BY platform ORDER BY platform
            """);
        var windows = context.Windows().ToDictionary(w => w.Platform, w => w.Hours, StringComparer.Ordinal);
        foreach (var row in counts.Rows)
        {
            var platform = Values.Text(row[0]);
            var h = windows.GetValueOrDefault(platform);
            var s = Values.Long(row[2]);
            perPlatform.Row(platform, Values.Long(row[1]), s, h, h > 0 ? s / h : null);
        }

        return new AnalysisResult(Name, Title, PaperReference, figures,
            [mix.Build(new ChartSpec(ChartKind.Bar, "protocol", ["share"], null, "% of packets")), perPlatform.Build()],
            ["Incoming packets only: with a testbed, packets to a target address from a non-target address; without one, every IP packet.",
             "Distinct request ports exclude backscatter, whose destination ports are chosen by the spoofer, not by an attacker."]);
    }
}
