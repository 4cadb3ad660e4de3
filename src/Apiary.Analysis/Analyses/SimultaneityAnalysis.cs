namespace Apiary.Analysis.Analyses;

/// <summary>Model: how many sources are active at the same time (a source is active from its first to its last packet).</summary>
public sealed class SimultaneityAnalysis : IAnalysis
{
    public string Name => "simultaneity";
    public string Title => "Concurrently active sources";
    public string PaperReference => "model";

    public AnalysisResult Run(AnalysisContext context)
    {
        var intervals = context.Query("SELECT platform, first_us, last_us FROM a_sources").Rows
            .Select(r => (Platform: Values.Text(r[0]), From: Values.Long(r[1]), To: Values.Long(r[2]))).ToList();
        if (intervals.Count == 0) return AnalysisResult.NotAvailable(this, "no sources in the selection");

        // Sweep per platform: +1 at a start, -1 just after an end; time spent at each level, weighted by duration.
        var timeAtLevel = new Dictionary<int, double>();
        var max = 0;
        DateTime? maxAt = null;
        string? maxPlatform = null;
        foreach (var g in intervals.GroupBy(i => i.Platform))
        {
            var events = g.SelectMany(i => new[] { (T: i.From, D: 1), (T: i.To + 1, D: -1) }).OrderBy(e => e.T).ThenBy(e => e.D).ToList();
            var level = 0;
            for (var k = 0; k < events.Count; k++)
            {
                level += events[k].D;
                if (level > max) { max = level; maxAt = DateTime.UnixEpoch.AddTicks(events[k].T * 10); maxPlatform = g.Key; }
                if (k + 1 < events.Count && events[k + 1].T > events[k].T)
                    timeAtLevel[level] = timeAtLevel.GetValueOrDefault(level) + (events[k + 1].T - events[k].T) / 1e6;
            }
        }
        var observed = context.Windows().Sum(w => w.Hours) * 3600;
        var busy = timeAtLevel.Where(kv => kv.Key > 0).Sum(kv => kv.Value);
        if (observed > busy) timeAtLevel[0] = timeAtLevel.GetValueOrDefault(0) + (observed - busy - timeAtLevel.GetValueOrDefault(0));
        var total = timeAtLevel.Values.Sum();

        var table = new TableBuilder("levels", "Share of observed time with k sources active").Int("active_sources").Num("seconds").Pct("share_of_time");
        foreach (var (k, s) in timeAtLevel.OrderBy(kv => kv.Key)) table.Row((long)k, s, Values.Percent(s, total));

        double Quantile(double q)
        {
            double acc = 0;
            foreach (var (k, s) in timeAtLevel.OrderBy(kv => kv.Key))
            {
                acc += s;
                if (acc >= q * total) return k;
            }
            return max;
        }
        var figures = new List<Figure>
        {
            new("max_active", $"Most sources active at once{(maxPlatform is null ? "" : $" ({maxPlatform}, {maxAt:yyyy-MM-dd HH:mm:ss} UTC)")}", max, "sources"),
            new("median_active", "Median active sources (time-weighted)", Quantile(0.5), "sources"),
            new("p99_active", "99th percentile of active sources (time-weighted)", Quantile(0.99), "sources"),
            new("idle_pct", "Share of observed time with no active source", Values.Percent(timeAtLevel.GetValueOrDefault(0), total), "%"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [table.Build(new ChartSpec(ChartKind.Bar, "active_sources", ["share_of_time"], null, "% of time", "sources active at once"))],
            ["Per platform; a source is active from its first to its last packet; time with none active = observed hours minus busy time."]);
    }
}
