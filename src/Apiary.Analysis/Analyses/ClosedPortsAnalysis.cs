namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.3, Figure 3: all sources; per target and month, the share of requests sent to closed ports.</summary>
public sealed class ClosedPortsAnalysis : IAnalysis
{
    public string Name => "closed-ports";
    public string Title => "All sources: requests to closed ports (Fig. 3)";
    public string PaperReference => "5.3, Figure 3";

    public AnalysisResult Run(AnalysisContext context)
    {
        if (context.Testbed is null) return AnalysisResult.NotAvailable(this, "needs a testbed inventory (--testbed FILE): open ports are defined there");
        var rows = context.Query("""
            SELECT month, platform, target, COUNT(*) AS requests, SUM(CASE WHEN is_open THEN 0 ELSE 1 END) AS closed
            FROM a_packets WHERE NOT is_backscatter AND dport IS NOT NULL AND proto IN (6, 17)
            GROUP BY month, platform, target ORDER BY month, platform, target
            """).Rows.Select(r => (Month: Values.Month(r[0]), Target: context.TargetLabel(Values.Text(r[1]), Values.Text(r[2])),
                Requests: Values.Long(r[3]), Closed: Values.Long(r[4]))).ToList();
        if (rows.Count == 0) return AnalysisResult.NotAvailable(this, "no TCP/UDP request in the selection");

        var table = new TableBuilder("closed_share", "Share of requests sent to closed ports").Text("month").Text("target").Int("requests").Int("closed").Pct("closed_share");
        foreach (var r in rows) table.Row(r.Month, r.Target, r.Requests, r.Closed, Values.Percent(r.Closed, r.Requests));
        var figures = new List<Figure>();
        foreach (var g in rows.GroupBy(r => r.Target))
            figures.Add(new($"closed_pct_{g.Key}", $"Requests to closed ports on {g.Key}", Values.Percent(g.Sum(r => r.Closed), g.Sum(r => r.Requests)), "%", "23-53 depending on the target"));
        var shares = rows.Select(r => Values.Percent(r.Closed, r.Requests)).ToList();
        figures.Add(new("closed_pct_min", "Lowest monthly closed share of a target", shares.Min(), "%", "23"));
        figures.Add(new("closed_pct_max", "Highest monthly closed share of a target", shares.Max(), "%", "53"));
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [table.Build(new ChartSpec(ChartKind.GroupedBar, "month", ["closed_share"], "target", "% of requests to closed ports"))],
            ["Requests = incoming TCP/UDP packets that are not backscatter; closed = not listed open for that target at that time."]);
    }
}
