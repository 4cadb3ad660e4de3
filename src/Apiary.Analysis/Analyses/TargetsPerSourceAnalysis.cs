namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.1/5.3: share of sources that contacted 1, 2, 3 ... targets, and how fast they covered them.</summary>
public sealed class TargetsPerSourceAnalysis : IAnalysis
{
    public string Name => "targets-per-source";
    public string Title => "Targets contacted per source";
    public string PaperReference => "5.1, 5.3";

    public AnalysisResult Run(AnalysisContext context)
    {
        var dist = context.Query("SELECT targets, COUNT(*) AS sources FROM a_sources GROUP BY targets ORDER BY targets");
        var total = dist.Rows.Sum(r => Values.Long(r[1]));
        if (total == 0) return AnalysisResult.NotAvailable(this, "no sources in the selection");

        // Time to cover: from the first packet to the first packet on the last target reached.
        var spans = SourceTargets.Load(context, 2)
            .GroupBy(c => c.Targets.Count)
            .ToDictionary(g => g.Key, g => g.Select(c => (c.Targets[^1].FirstUs - c.Targets[0].FirstUs) / 1e6).Order().ToList());

        var table = new TableBuilder("distribution", "Sources by number of targets contacted")
            .Int("targets").Int("sources").Pct("share").Sec("median_time_to_cover_s").Sec("p90_time_to_cover_s").Pct("covered_within_10s");
        foreach (var row in dist.Rows)
        {
            var k = (int)Values.Long(row[0]);
            var n = Values.Long(row[1]);
            var s = spans.GetValueOrDefault(k) ?? [];
            table.Row((long)k, n, Values.Percent(n, total),
                s.Count > 0 ? Values.Quantile(s, 0.5) : null,
                s.Count > 0 ? Values.Quantile(s, 0.9) : null,
                s.Count > 0 ? Values.Percent(s.Count(x => x <= 10), s.Count) : null);
        }

        double Share(int k) => Values.Percent(dist.Rows.Where(r => Values.Long(r[0]) == k).Sum(r => Values.Long(r[1])), total);
        var all = spans.SelectMany(kv => kv.Value).Order().ToList();
        var figures = new List<Figure>
        {
            new("three_targets_pct", "Sources that contacted 3 targets", Share(3), "%", "70.4"),
            new("two_targets_pct", "Sources that contacted 2 targets", Share(2), "%", "5.6"),
            new("one_target_pct", "Sources that contacted 1 target", Share(1), "%", "24"),
            new("median_time_to_cover_s", "Median time to reach every target it reached (multi-target sources)",
                all.Count > 0 ? Values.Quantile(all, 0.5) : null, "s", "a few seconds"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [table.Build(new ChartSpec(ChartKind.Bar, "targets", ["share"], null, "% of sources", "targets contacted"))],
            ["A source is one address on one platform until a silence longer than the source gap (default 25 h).",
             "Time to cover = first packet on the last target reached minus first packet of the source."]);
    }
}
