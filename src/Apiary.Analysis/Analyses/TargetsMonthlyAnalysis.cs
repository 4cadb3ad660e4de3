using Apiary.Analysis.Statistics;

namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.3, Figure 1: per target and month, its share of the month's sources and packets.</summary>
public sealed class TargetsMonthlyAnalysis : IAnalysis
{
    public string Name => "targets-monthly";
    public string Title => "Share of sources and packets per target and month (Fig. 1)";
    public string PaperReference => "5.3, Figure 1";

    public AnalysisResult Run(AnalysisContext context)
    {
        var rows = context.Query("""
            SELECT month, platform, target, SUM(n) AS packets, COUNT(*) AS sources
            FROM (SELECT month, platform, target, src, visit, COUNT(*) AS n FROM a_packets GROUP BY month, platform, target, src, visit) x
            GROUP BY month, platform, target ORDER BY month, platform, target
            """).Rows.Select(r => (Month: Values.Month(r[0]), Target: context.TargetLabel(Values.Text(r[1]), Values.Text(r[2])),
                Packets: Values.Long(r[3]), Sources: Values.Long(r[4]))).ToList();
        if (rows.Count == 0) return AnalysisResult.NotAvailable(this, "no incoming packets in the selection");
        var monthSources = context.Query("""
            SELECT month, COUNT(*) FROM (SELECT DISTINCT month, platform, src, visit FROM a_packets) x GROUP BY month
            """).Rows.ToDictionary(r => Values.Month(r[0]), r => Values.Long(r[1]), StringComparer.Ordinal);
        var monthPackets = rows.GroupBy(r => r.Month).ToDictionary(g => g.Key, g => g.Sum(r => r.Packets), StringComparer.Ordinal);

        var packetTable = new TableBuilder("packets", "Share of the month's packets per target").Text("month").Text("target").Int("packets").Pct("share");
        var sourceTable = new TableBuilder("sources", "Share of the month's sources that sent at least one packet to the target")
            .Text("month").Text("target").Int("sources").Pct("share");
        foreach (var r in rows)
        {
            packetTable.Row(r.Month, r.Target, r.Packets, Values.Percent(r.Packets, monthPackets[r.Month]));
            sourceTable.Row(r.Month, r.Target, r.Sources, Values.Percent(r.Sources, monthSources[r.Month]));
        }

        var totalPackets = rows.Sum(r => r.Packets);
        var contacts = rows.Sum(r => r.Sources);
        var figures = new List<Figure>();
        foreach (var g in rows.GroupBy(r => r.Target))
        {
            figures.Add(new($"packets_pct_{g.Key}", $"Packets received by {g.Key}", Values.Percent(g.Sum(r => r.Packets), totalPackets), "%",
                g.Key.EndsWith("mach1", StringComparison.Ordinal) ? "largest (NT server most responsive)" : null));
            figures.Add(new($"contacts_pct_{g.Key}", $"{g.Key}'s share of source-target contacts", Values.Percent(g.Sum(r => r.Sources), contacts), "%", "~33 (\"a third\")"));
        }
        var stability = MonthlyStability.Compute("target (packets)", rows.Select(r => (r.Month, r.Target, (double)r.Packets)));
        figures.Add(new("packets_monthly_max_js", "Largest JS distance of a month's packet split vs the whole period", stability.MaxJsToOverall, "", "\"constant over the months\""));
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [packetTable.Build(new ChartSpec(ChartKind.GroupedBar, "month", ["share"], "target", "% of the month's packets")),
             sourceTable.Build(new ChartSpec(ChartKind.GroupedBar, "month", ["share"], "target", "% of the month's sources"))],
            ["A source counts in every month in which it sent a packet; source shares per month add up to more than 100 % because most sources hit several targets."]);
    }
}
