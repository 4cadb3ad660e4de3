namespace Apiary.Analysis.Analyses;

/// <summary>
/// The session definitions themselves: large sessions (a source on a platform) and tiny sessions (a source on
/// one target), each ended by a silence longer than its gap; counts, packets and durations.
/// </summary>
public sealed class SessionsAnalysis : IAnalysis
{
    public string Name => "sessions";
    public string Title => "Large and tiny sessions";
    public string PaperReference => "definitions (Leurre.com: large/tiny sessions)";

    public AnalysisResult Run(AnalysisContext context)
    {
        var gap = (long)context.Options.TinySessionGap.TotalMicroseconds;
        var large = context.Query("SELECT packets, (last_us - first_us) / 1e6 FROM a_sources").Rows
            .Select(r => (Packets: (double)Values.Long(r[0]), Seconds: Values.Double(r[1]))).ToList();
        if (large.Count == 0) return AnalysisResult.NotAvailable(this, "no sources in the selection");
        // Tiny sessions: per (platform, address, target), split where the silence exceeds the gap. Only groups
        // active for longer than the gap can split, so only their packets are sorted.
        var tiny = context.Query($"""
            SELECT COUNT(*) AS packets, (MAX(t_us) - MIN(t_us)) / 1e6 AS seconds, 0 AS part
            FROM a_packets GROUP BY platform, src, target HAVING MAX(t_us) - MIN(t_us) <= {gap}
            """).Rows.Concat(context.Query($"""
            SELECT COUNT(*) AS packets, (MAX(t_us) - MIN(t_us)) / 1e6 AS seconds, tiny
            FROM (
                SELECT platform, src, target, t_us,
                       SUM(brk) OVER (PARTITION BY platform, src, target ORDER BY t_us ROWS UNBOUNDED PRECEDING) AS tiny
                FROM (SELECT p.platform, p.src, p.target, p.t_us,
                             CASE WHEN p.t_us - LAG(p.t_us) OVER (PARTITION BY p.platform, p.src, p.target ORDER BY p.t_us) > {gap} THEN 1 ELSE 0 END AS brk
                      FROM a_packets p
                      JOIN (SELECT platform, src, target FROM a_packets GROUP BY platform, src, target HAVING MAX(t_us) - MIN(t_us) > {gap}) g
                        ON g.platform = p.platform AND g.src = p.src AND g.target = p.target) a
            ) b
            GROUP BY platform, src, target, tiny
            """).Rows).Select(r => (Packets: (double)Values.Long(r[0]), Seconds: Values.Double(r[1]))).ToList();

        var table = new TableBuilder("summary", "Sessions").Text("kind").Int("sessions").Num("median_packets").Num("p90_packets").Sec("median_duration_s").Sec("p90_duration_s").Sec("max_duration_s");
        foreach (var (kind, list) in new[] { ("large (source x platform)", large), ("tiny (source x target)", tiny) })
        {
            var p = list.Select(x => x.Packets).Order().ToList();
            var s = list.Select(x => x.Seconds).Order().ToList();
            table.Row(kind, (long)list.Count, Values.Quantile(p, 0.5), Values.Quantile(p, 0.9), Values.Quantile(s, 0.5), Values.Quantile(s, 0.9), s[^1]);
        }
        var figures = new List<Figure>
        {
            new("large_sessions", "Large sessions (= sources)", large.Count, "sessions", "6285"),
            new("tiny_sessions", "Tiny sessions", tiny.Count, "sessions"),
            new("tiny_per_large", "Tiny sessions per large session", (double)tiny.Count / large.Count, ""),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures, [table.Build()],
            [$"Large session gap {context.Options.SourceGap.TotalHours:0.##} h, tiny session gap {context.Options.TinySessionGap.TotalHours:0.##} h."]);
    }
}
