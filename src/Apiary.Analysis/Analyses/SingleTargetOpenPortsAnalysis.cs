namespace Apiary.Analysis.Analyses;

/// <summary>
/// Paper 5.3, Figure 2: sources that contacted only one target; per target and month, the share of their
/// packets sent to open ports; the rest split into backscatter, closed-port requests and port-less packets.
/// </summary>
public sealed class SingleTargetOpenPortsAnalysis : IAnalysis
{
    public string Name => "single-target-open-ports";
    public string Title => "Single-target sources: requests to open ports (Fig. 2)";
    public string PaperReference => "5.3, Figure 2";

    internal const string CategorySql = """
        CASE WHEN p.is_backscatter THEN 'backscatter'
             WHEN p.dport IS NULL OR p.proto NOT IN (6, 17) THEN 'no_port'
             WHEN p.is_open THEN 'open_port'
             ELSE 'closed_port' END
        """;

    public AnalysisResult Run(AnalysisContext context)
    {
        if (context.Testbed is null) return AnalysisResult.NotAvailable(this, "needs a testbed inventory (--testbed FILE): open ports are defined there");
        var rows = context.Query($"""
            SELECT p.month, p.platform, p.target, {CategorySql} AS category, COUNT(*) AS packets
            FROM a_packets p JOIN a_sources s ON s.platform = p.platform AND s.src = p.src AND s.visit = p.visit
            WHERE s.targets = 1
            GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            """).Rows.Select(r => (Month: Values.Month(r[0]), Target: context.TargetLabel(Values.Text(r[1]), Values.Text(r[2])),
                Category: Values.Text(r[3]), Packets: Values.Long(r[4]))).ToList();
        if (rows.Count == 0) return AnalysisResult.NotAvailable(this, "no single-target source in the selection");

        var monthly = new TableBuilder("open_share", "Share of single-target sources' packets sent to open ports")
            .Text("month").Text("target").Int("packets").Int("open_port").Int("backscatter").Int("closed_port").Int("no_port").Pct("open_share");
        foreach (var g in rows.GroupBy(r => (r.Month, r.Target)))
        {
            long C(string c) => g.Where(r => r.Category == c).Sum(r => r.Packets);
            var all = g.Sum(r => r.Packets);
            monthly.Row(g.Key.Month, g.Key.Target, all, C("open_port"), C("backscatter"), C("closed_port"), C("no_port"), Values.Percent(C("open_port"), all));
        }
        var total = rows.Sum(r => r.Packets);
        var categories = new TableBuilder("categories", "Single-target sources' packets by category").Text("category").Int("packets").Pct("share");
        foreach (var c in new[] { "open_port", "backscatter", "closed_port", "no_port" })
        {
            var n = rows.Where(r => r.Category == c).Sum(r => r.Packets);
            categories.Row(c, n, Values.Percent(n, total));
        }
        double Pct(string c) => Values.Percent(rows.Where(r => r.Category == c).Sum(r => r.Packets), total);
        var requests = rows.Where(r => r.Category != "backscatter").Sum(r => r.Packets);
        var figures = new List<Figure>
        {
            new("open_pct", "Packets of single-target sources to open ports", Pct("open_port"), "%", "> 95"),
            new("backscatter_pct", "... backscatter (answers to spoofed traffic)", Pct("backscatter"), "%", "~5 (DoS traces)"),
            new("closed_pct", "... requests to closed ports", Pct("closed_port"), "%"),
            new("no_port_pct", "... port-less, not backscatter (e.g. ICMP echo requests)", Pct("no_port"), "%"),
            new("open_of_requests_pct", "Requests (backscatter excluded) to open ports", Values.Percent(rows.Where(r => r.Category == "open_port").Sum(r => r.Packets), requests), "%"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [monthly.Build(new ChartSpec(ChartKind.GroupedBar, "month", ["open_share"], "target", "% of packets to open ports")),
             categories.Build(new ChartSpec(ChartKind.Bar, "category", ["share"], null, "% of packets"))],
            ["Open = the (protocol, port) is listed open for that target at the packet's time in the testbed inventory.",
             "Backscatter = TCP SYN+ACK, RST or RST+ACK; ICMP types 0, 3, 4, 5, 11, 12, 14, 16, 18 (ICMPv6 1-4, 129); UDP from port 53. Checked before the port."]);
    }
}
