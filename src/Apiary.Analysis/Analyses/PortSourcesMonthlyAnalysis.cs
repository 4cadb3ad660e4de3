using Apiary.Analysis.Statistics;

namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.4, Figure 5: distinct sources per month for the most popular ports, and its stability.</summary>
public sealed class PortSourcesMonthlyAnalysis : IAnalysis
{
    public string Name => "port-sources-monthly";
    public string Title => "Sources per top port and month (Fig. 5)";
    public string PaperReference => "5.4, Figure 5";

    public AnalysisResult Run(AnalysisContext context)
    {
        // Requests only: a backscatter packet's port says nothing about the port's popularity with attackers.
        var rows = context.Query("""
            SELECT month, proto, dport, COUNT(*) AS sources
            FROM (SELECT DISTINCT month, proto, dport, platform, src, visit FROM a_packets
                  WHERE proto IN (6, 17) AND dport IS NOT NULL AND NOT is_backscatter) x
            GROUP BY month, proto, dport
            """).Rows.Select(r => (Month: Values.Month(r[0]), Port: PortsAnalysis.PortLabel(Values.Long(r[1]), Values.Long(r[2])), Sources: Values.Long(r[3]))).ToList();
        if (rows.Count == 0) return AnalysisResult.NotAvailable(this, "no TCP/UDP request in the selection");

        var topPorts = rows.GroupBy(r => r.Port).OrderByDescending(g => g.Sum(r => r.Sources)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(context.Options.TopPorts).Select(g => g.Key).ToList();
        var table = new TableBuilder("sources_per_port", "Distinct sources per month for the top ports").Text("month").Text("port").Int("sources");
        foreach (var r in rows.Where(r => topPorts.Contains(r.Port)).OrderBy(r => r.Month, StringComparer.Ordinal).ThenBy(r => topPorts.IndexOf(r.Port)))
            table.Row(r.Month, r.Port, r.Sources);

        var stability = MonthlyStability.Compute("top ports (sources)", rows.Where(r => topPorts.Contains(r.Port)).Select(r => (r.Month, r.Port, (double)r.Sources)));
        var figures = new List<Figure>
        {
            new("most_sources_port", "Port requested by the most sources: " + topPorts[0], rows.Where(r => r.Port == topPorts[0]).Sum(r => r.Sources), "source-months", "445/tcp and 80/tcp most requested"),
            new("monthly_chi2_p", "Chi-square homogeneity of port popularity across months: p-value", stability.PValue, "", "\"very stable\""),
            new("monthly_cramers_v", "Cramér's V across months", stability.CramersV, ""),
            new("monthly_max_js", "Largest JS distance month vs whole period", stability.MaxJsToOverall, ""),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [table.Build(new ChartSpec(ChartKind.GroupedBar, "month", ["sources"], "port", "distinct sources"))],
            ["A source counts once per port and month in which it sent a request (backscatter excluded) to that port."]);
    }
}
