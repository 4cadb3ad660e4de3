namespace Apiary.Analysis.Analyses;

/// <summary>
/// Data quality: anomalies per name, files not fully ingested or truncated, silences inside the declared
/// capture periods (capture gaps), and packets outside them.
/// </summary>
public sealed class DataQualityAnalysis : IAnalysis
{
    public string Name => "data-quality";
    public string Title => "Data quality: anomalies and capture gaps";
    public string PaperReference => "extension";

    /// <summary>Rows of the problem-file table: enough to find the broken captures of a bad day, short enough for a report.</summary>
    public const int MaxProblemFiles = 100;

    public AnalysisResult Run(AnalysisContext context)
    {
        context.Prepare();
        var files = context.Store.Query("""
            SELECT COUNT(*), SUM(CASE WHEN status = 'complete' THEN 0 ELSE 1 END), SUM(CASE WHEN truncated THEN 1 ELSE 0 END),
                   SUM(packets), SUM(anomalies)
            FROM capture_files
            """).Rows[0];
        var anomalies = context.Store.Query("""
            SELECT a.name, SUM(a.count) AS n, COUNT(DISTINCT a.file_id) AS files
            FROM anomaly_counts a JOIN capture_files f ON f.file_id = a.file_id WHERE f.status = 'complete'
            GROUP BY a.name ORDER BY n DESC, a.name
            """);
        var anomalyTable = new TableBuilder("anomalies", "Anomalies by name").Text("name").Int("count").Int("files");
        foreach (var r in anomalies.Rows) anomalyTable.Row(Values.Text(r[0]), Values.Long(r[1]), Values.Long(r[2]));

        // The files behind those counts, by path, so that a broken capture can be found: not complete, truncated, or
        // with anomalies. Bound: the first MaxProblemFiles (most anomalies first); the figure counts them all.
        const string problemFiles = """
            FROM capture_files f
            LEFT JOIN (SELECT file_id, SUM(count) AS n, string_agg(name || ' ' || count, ', ' ORDER BY count DESC, name) AS names
                       FROM anomaly_counts GROUP BY file_id) a ON a.file_id = f.file_id
            WHERE f.status <> 'complete' OR f.truncated OR COALESCE(a.n, 0) > 0
            """;
        var problemCount = Values.Long(context.Store.Query("SELECT COUNT(*) " + problemFiles).Scalar());
        var problemTable = new TableBuilder("problem_files", $"Files not complete, truncated or with anomalies (at most {MaxProblemFiles})")
            .Text("path").Text("platform").Text("status").Text("truncated").Int("anomalies").Text("anomaly_names");
        var problemRows = context.Store.Query($"""
            SELECT f.path, f.sensor, f.status, f.truncated, COALESCE(a.n, 0) AS n, COALESCE(a.names, '')
            {problemFiles} ORDER BY n DESC, f.path LIMIT {MaxProblemFiles}
            """).Rows;
        foreach (var r in problemRows)
            problemTable.Row(Values.Text(r[0]), Values.Text(r[1]), Values.Text(r[2]), r[3] is true ? "yes" : "no", Values.Long(r[4]), Values.Text(r[5]));

        // Capture gaps: runs of hours with no packet at all (any direction) inside the observation window.
        var threshold = context.Options.CaptureGapThreshold;
        var busy = context.Store.Query($"""
            SELECT f.sensor, {context.Sql.HourBucket("p.ts")} AS h FROM packets p JOIN capture_files f ON f.file_id = p.file_id
            WHERE {context.FilterCondition()} GROUP BY f.sensor, h
            """).Rows.GroupBy(r => Values.Text(r[0])).ToDictionary(g => g.Key, g => g.Select(r => Values.Time(r[1])).ToHashSet(), StringComparer.Ordinal);
        var gaps = new TableBuilder("capture_gaps", $"Silences of at least {threshold.TotalHours:0.#} h inside the observation window")
            .Text("platform").Time("from").Time("to").Num("hours");
        double gapHours = 0;
        foreach (var w in context.Windows())
        {
            var hours = busy.GetValueOrDefault(w.Platform) ?? [];
            foreach (var (from, to) in w.Intervals)
            {
                DateTime? silentFrom = null;
                var start = new DateTime(from.Year, from.Month, from.Day, from.Hour, 0, 0, DateTimeKind.Utc);
                for (var h = start; ; h = h.AddHours(1))
                {
                    var end = h >= to;
                    if (!end && !hours.Contains(h)) { silentFrom ??= h < from ? from : h; continue; }
                    if (silentFrom is { } s)
                    {
                        var e = end ? to : h;
                        if (e - s >= threshold) { gaps.Row(w.Platform, s, e, (e - s).TotalHours); gapHours += (e - s).TotalHours; }
                        silentFrom = null;
                    }
                    if (end) break;
                }
            }
        }

        // Packets outside the declared capture periods: the periods are few, so they become one plain condition.
        long outside = 0;
        var declared = context.Testbed?.Platforms.Where(pl => pl.CapturePeriods.Count > 0).ToList() ?? [];
        if (declared.Count > 0)
        {
            var inside = string.Join(" OR ", declared.SelectMany(pl => pl.CapturePeriods.Select(c =>
                $"(f.sensor = {SqlDialect.Literal(pl.Name)}{(c.From is null ? "" : " AND p.ts >= " + SqlDialect.Timestamp(c.From))}{(c.To is null ? "" : " AND p.ts < " + SqlDialect.Timestamp(c.To))})")));
            var platforms = string.Join(", ", declared.Select(pl => SqlDialect.Literal(pl.Name)));
            outside = Values.Long(context.Store.Query($"""
                SELECT COUNT(*) FROM packets p JOIN capture_files f ON f.file_id = p.file_id
                WHERE {context.FilterCondition()} AND f.sensor IN ({platforms}) AND NOT ({inside})
                """).Scalar());
        }
        var selected = Values.Long(context.Store.Query($"SELECT COUNT(*) FROM packets p JOIN capture_files f ON f.file_id = p.file_id WHERE {context.FilterCondition()}").Scalar());
        var incoming = Values.Long(context.Query("SELECT COUNT(*) FROM a_packets").Scalar());
        var unknownPlatforms = context.Testbed is null ? 0 : context.Store.Query("SELECT DISTINCT sensor FROM capture_files WHERE status = 'complete'")
            .Rows.Count(r => context.Testbed.FindPlatform(Values.Text(r[0])) is null);

        var figures = new List<Figure>
        {
            new("files", "Capture files", Values.Long(files[0]), "files"),
            new("files_not_complete", "Files not completely ingested (ignored)", Values.Long(files[1]), "files"),
            new("files_truncated", "Truncated files", Values.Long(files[2]), "files"),
            new("files_with_problems", "Files not complete, truncated or with anomalies (listed below)", problemCount, "files"),
            new("anomalies", "Anomalies counted", anomalies.Rows.Sum(r => Values.Long(r[1])), "anomalies"),
            new("packets_selected", "Packets in the selection (all directions)", selected, "packets"),
            new("packets_not_incoming_pct", "Packets that are not incoming attack traffic (replies, other hosts, no IP)", Values.Percent(selected - incoming, selected), "%"),
            new("packets_outside_capture_periods", "Packets outside the declared capture periods", outside, "packets"),
            new("capture_gap_hours", "Hours of silence inside the observation window (gaps listed below)", gapHours, "h"),
            new("platforms_not_in_testbed", "Platforms in the store but not in the testbed (ignored)", unknownPlatforms, "platforms"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [anomalyTable.Build(new ChartSpec(ChartKind.Bar, "name", ["count"], null, "anomalies")), problemTable.Build(), gaps.Build()],
            ["A capture gap is a run of whole UTC hours without any packet on the platform, at least the gap threshold long, inside the declared capture periods (or the files' span): downtime is not quiet."]);
    }
}
