using Apiary.Analysis.Statistics;

namespace Apiary.Analysis.Analyses;

/// <summary>Model: time between consecutive new sources, fitted by exponential, Weibull and log-normal (KS statistic).</summary>
public sealed class InterArrivalAnalysis : IAnalysis
{
    public string Name => "inter-arrival";
    public string Title => "Inter-arrival of new sources: distribution fit";
    public string PaperReference => "model";

    public AnalysisResult Run(AnalysisContext context)
    {
        var firsts = context.Query("SELECT platform, first_us FROM a_sources ORDER BY platform, first_us").Rows
            .Select(r => (Platform: Values.Text(r[0]), Us: Values.Long(r[1]))).ToList();
        var gaps = new List<double>();
        for (var i = 1; i < firsts.Count; i++)
            if (firsts[i].Platform == firsts[i - 1].Platform) gaps.Add((firsts[i].Us - firsts[i - 1].Us) / 1e6);
        var zero = gaps.Count(g => g <= 0);
        var positive = gaps.Where(g => g > 0).Order().ToList();
        if (positive.Count < 3) return AnalysisResult.NotAvailable(this, "fewer than three positive inter-arrival times");

        var fits = DistributionFits.FitAll(positive);
        var fitTable = new TableBuilder("fits", "Maximum-likelihood fits").Text("model").Text("parameters").Num("ks_statistic").Num("ks_p_value").Num("log_likelihood");
        foreach (var f in fits) fitTable.Row(f.Model, f.Parameters, f.KsStatistic, f.KsPValue, f.LogLikelihood);
        var best = fits.Where(f => double.IsFinite(f.KsStatistic)).MinBy(f => f.KsStatistic)!;

        // Histogram on a log10 scale (inter-arrivals span microseconds to days).
        var hist = new TableBuilder("histogram", "Inter-arrival times (log10 bins)").Text("bin").Int("count").Pct("share");
        var lo = Math.Floor(Math.Log10(positive[0]));
        var hi = Math.Ceiling(Math.Log10(positive[^1]));
        if (hi <= lo) hi = lo + 1;
        for (var e = lo; e < hi; e++)
        {
            var n = positive.Count(g => Math.Log10(g) >= e && (Math.Log10(g) < e + 1 || (e + 1 >= hi)));
            hist.Row(BinLabel(e), (long)n, Values.Percent(n, positive.Count));
        }
        var figures = new List<Figure>
        {
            new("samples", "Inter-arrival times", gaps.Count, "intervals"),
            new("median_s", "Median inter-arrival", Values.Quantile(positive, 0.5), "s"),
            new("mean_s", "Mean inter-arrival", positive.Average(), "s", "< 1800 (> 2 per hour)"),
            new("best_model_ks", "Best fit by KS statistic: " + best.Model, best.KsStatistic, ""),
            new("simultaneous_pct", "New sources arriving in the same microsecond as the previous one", Values.Percent(zero, gaps.Count), "%"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [fitTable.Build(), hist.Build(new ChartSpec(ChartKind.Bar, "bin", ["share"], null, "% of intervals", "time between new sources"))],
            ["Intervals between the first packets of consecutive sources of a platform; zero intervals are left out of the fits.",
             "KS p-values are approximate and too large when parameters come from the same sample: compare the statistics between models."]);
    }

    private static string BinLabel(double e)
    {
        static string T(double s) => s switch
        {
            < 1e-3 => $"{s * 1e6:0}µs",
            < 1 => $"{s * 1e3:0}ms",
            < 60 => $"{s:0}s",
            < 3600 => $"{s / 60:0}min",
            < 86400 => $"{s / 3600:0}h",
            _ => $"{s / 86400:0}d",
        };
        return T(Math.Pow(10, e)) + "–" + T(Math.Pow(10, e + 1));
    }
}
