using Apiary.Analysis.Statistics;
using MathNet.Numerics.Distributions;

namespace Apiary.Analysis.Analyses;

/// <summary>Model: new sources (attacks) per hour, and whether the hourly counts look Poisson (dispersion test).</summary>
public sealed class AttackRateAnalysis : IAnalysis
{
    public string Name => "attack-rate";
    public string Title => "Attack rate: new sources per hour (Poisson check)";
    public string PaperReference => "5.1 (rate), model";

    public AnalysisResult Run(AnalysisContext context)
    {
        var starts = context.Query($"SELECT platform, {context.Sql.HourBucket("first_ts")} AS h, COUNT(*) FROM a_sources GROUP BY platform, h")
            .Rows.ToDictionary(r => (Values.Text(r[0]), Values.Time(r[1])), r => (double)Values.Long(r[2]));
        if (starts.Count == 0) return AnalysisResult.NotAvailable(this, "no sources in the selection");

        // One count per platform and whole UTC hour observed (partial hours at the window edges are left out).
        var counts = new List<double>();
        foreach (var w in context.Windows())
            foreach (var (from, to) in w.Intervals)
            {
                var h = new DateTime(from.Year, from.Month, from.Day, from.Hour, 0, 0, DateTimeKind.Utc);
                if (h < from) h = h.AddHours(1);
                for (; h.AddHours(1) <= to; h = h.AddHours(1)) counts.Add(starts.GetValueOrDefault((w.Platform, h)));
            }
        if (counts.Count < 2) return AnalysisResult.NotAvailable(this, "fewer than two whole hours observed");
        var test = PoissonDispersion.Test(counts);

        var histogram = new TableBuilder("per_hour", "Hours by number of new sources, observed vs Poisson").Int("new_sources").Int("hours").Num("poisson_hours");
        var max = (int)counts.Max();
        for (var k = 0; k <= max; k++)
            histogram.Row((long)k, (long)counts.Count(c => c == k), counts.Count * (test.Mean > 0 ? Poisson.PMF(test.Mean, k) : k == 0 ? 1 : 0));
        var figures = new List<Figure>
        {
            new("hours", "Whole hours observed (all platforms)", counts.Count, "h"),
            new("mean_per_hour", "Mean new sources per hour", test.Mean, "/h", "> 2"),
            new("variance_per_hour", "Variance of new sources per hour", test.Variance, ""),
            new("dispersion_index", "Index of dispersion (variance / mean; Poisson = 1)", test.Index, ""),
            new("dispersion_p", "P-value of over-dispersion vs Poisson", test.PValueOverDispersed, ""),
            new("max_per_hour", "Most new sources in one hour", max, "sources"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [histogram.Build(new ChartSpec(ChartKind.Line, "new_sources", ["hours", "poisson_hours"], null, "hours", "new sources in the hour"))],
            ["A new source = the first packet of a source. (n-1)·variance/mean is compared with chi-square(n-1); a small p-value means burstier than Poisson."]);
    }
}
