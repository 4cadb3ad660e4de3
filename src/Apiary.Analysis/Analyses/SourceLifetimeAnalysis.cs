namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.1: how long a source stays active, and whether addresses come back after the source gap.</summary>
public sealed class SourceLifetimeAnalysis : IAnalysis
{
    public string Name => "source-lifetime";
    public string Title => "Source lifetime and return visits";
    public string PaperReference => "5.1";

    private static readonly (string Label, double MaxSeconds)[] Buckets =
    [
        ("0 s (one instant)", 0), ("< 10 s", 10), ("< 1 min", 60), ("< 10 min", 600), ("< 1 h", 3600), ("< 1 day", 86400), (">= 1 day", double.PositiveInfinity),
    ];

    /// <summary>Bucket 0 holds zero-length sources; bucket i &gt; 0 the lifetimes below its bound and at or above the previous one.</summary>
    private static int BucketOf(double seconds)
    {
        if (seconds <= 0) return 0;
        for (var i = 1; i < Buckets.Length; i++)
            if (seconds < Buckets[i].MaxSeconds) return i;
        return Buckets.Length - 1;
    }

    public AnalysisResult Run(AnalysisContext context)
    {
        var durations = context.Query("SELECT (last_us - first_us) / 1e6 AS seconds FROM a_sources ORDER BY seconds")
            .Rows.Select(r => Values.Double(r[0])).ToList();
        if (durations.Count == 0) return AnalysisResult.NotAvailable(this, "no sources in the selection");

        var table = new TableBuilder("lifetime", "Sources by lifetime (first to last packet)").Text("lifetime").Int("sources").Pct("share");
        var counts = new long[Buckets.Length];
        foreach (var d in durations) counts[BucketOf(d)]++;
        for (var i = 0; i < Buckets.Length; i++) table.Row(Buckets[i].Label, counts[i], Values.Percent(counts[i], durations.Count));

        var visits = context.Query("""
            SELECT visits, COUNT(*) AS addresses FROM (SELECT platform, src, COUNT(*) AS visits FROM a_sources GROUP BY platform, src) v
            GROUP BY visits ORDER BY visits
            """);
        var visitTable = new TableBuilder("visits", "Addresses by number of visits (sources) per platform").Int("visits").Int("addresses").Pct("share");
        var addresses = visits.Rows.Sum(r => Values.Long(r[1]));
        foreach (var row in visits.Rows) visitTable.Row(Values.Long(row[0]), Values.Long(row[1]), Values.Percent(Values.Long(row[1]), addresses));
        var returning = visits.Rows.Where(r => Values.Long(r[0]) > 1).Sum(r => Values.Long(r[1]));

        var returnGaps = context.Query("""
            SELECT (b.first_us - a.last_us) / 3.6e9 AS hours
            FROM a_sources a JOIN a_sources b ON b.platform = a.platform AND b.src = a.src AND b.visit = a.visit + 1
            ORDER BY hours
            """).Rows.Select(r => Values.Double(r[0])).ToList();

        var overDay = durations.Count(d => d > 86400);
        var figures = new List<Figure>
        {
            new("median_lifetime_s", "Median source lifetime", Values.Quantile(durations, 0.5), "s"),
            new("p90_lifetime_s", "90th percentile of source lifetime", Values.Quantile(durations, 0.9), "s"),
            new("max_lifetime_h", "Longest source lifetime", durations[^1] / 3600, "h", "< 24"),
            new("over_one_day_pct", "Sources active for more than one day", Values.Percent(overDay, durations.Count), "%", "0"),
            new("returning_addresses_pct", "Addresses seen again after a silence longer than the source gap", Values.Percent(returning, addresses), "%", "0 (\"do not seem to come back\")"),
            new("median_return_gap_h", "Median silence before a return", returnGaps.Count > 0 ? Values.Quantile(returnGaps, 0.5) : null, "h"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [table.Build(new ChartSpec(ChartKind.Bar, "lifetime", ["share"], null, "% of sources")), visitTable.Build()],
            ["Lifetime of a source = last packet minus first packet; a source ends after a silence longer than the source gap, so lifetimes are not bounded by it."]);
    }
}
