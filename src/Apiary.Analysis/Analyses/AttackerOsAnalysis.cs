namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.2.2: operating system of the attacking machines (passive fingerprint), per source.</summary>
public sealed class AttackerOsAnalysis : IAnalysis
{
    public string Name => "attacker-os";
    public string Title => "Operating system of the sources (passive fingerprint)";
    public string PaperReference => "5.2.2";

    public AnalysisResult Run(AnalysisContext context)
    {
        string labelsSql;
        string origin;
        var sources = Enrichment.Open(context, out var reason);
        // The enrichment table's OS summary (docs/schema.md, `sources`): name of the most frequent p0f label; an
        // address that sent no SYN has no fingerprint at all, which is not the same as "not recognised".
        var osColumn = sources?.Find("os_name", "os_class", "os", "os_summary");
        if (sources is not null && osColumn is not null)
        {
            var sent = sources.Find("os_syns") is { } syns ? $" WHERE {syns} > 0" : "";
            var os = sources.Find("os_class") is { } cls && osColumn != cls
                ? $"CASE WHEN {cls} = 'unknown' THEN 'unknown' ELSE COALESCE({osColumn}, {cls}) END" : osColumn;
            labelsSql = $"SELECT {sources.PlatformColumn} AS platform, {sources.AddressColumn} AS src, {os} AS os FROM sources{sent}";
            origin = $"enrichment table `sources`, column `{osColumn}`";
        }
        else if (context.TableExists("fingerprints") && Values.Long(context.Store.Query("SELECT COUNT(*) FROM fingerprints").Scalar()) > 0)
        {
            // Most frequent OS class among the source's own fingerprints (its SYNs), per platform and address.
            labelsSql = """
                SELECT platform, src, os FROM (
                    SELECT c.sensor AS platform, fp.src, COALESCE(fp.os_name, fp.os_class) AS os, COUNT(*) AS n,
                           ROW_NUMBER() OVER (PARTITION BY c.sensor, fp.src ORDER BY COUNT(*) DESC, COALESCE(fp.os_name, fp.os_class)) AS rk
                    FROM fingerprints fp JOIN capture_files c ON c.file_id = fp.file_id
                    GROUP BY c.sensor, fp.src, COALESCE(fp.os_name, fp.os_class)) x
                WHERE rk = 1
                """;
            origin = "table `fingerprints` (p0f), most frequent OS name per address";
        }
        else return AnalysisResult.NotAvailable(this, "not fingerprinted: `fingerprints` is empty and `sources` has no OS column (run `apiary fingerprint`, then `apiary enrich`)");

        var rows = context.Query($"""
            SELECT CASE WHEN l.src IS NULL THEN 'no fingerprint'
                        WHEN l.os IS NULL OR l.os = '' OR l.os = '???' OR lower(l.os) = 'unknown' THEN 'unknown'
                        ELSE l.os END AS os,
                   COUNT(*) AS sources
            FROM a_sources s LEFT JOIN ({labelsSql}) l ON l.platform = s.platform AND l.src = s.src_text
            GROUP BY 1 ORDER BY sources DESC, os
            """);
        var total = rows.Rows.Sum(r => Values.Long(r[1]));
        if (total == 0) return AnalysisResult.NotAvailable(this, "no sources in the selection");
        var table = new TableBuilder("os", "Sources per operating system").Text("os").Int("sources").Pct("share");
        foreach (var row in rows.Rows) table.Row(Values.Text(row[0]), Values.Long(row[1]), Values.Percent(Values.Long(row[1]), total));

        long Count(Func<string, bool> pick) => rows.Rows.Where(r => pick(Values.Text(r[0]))).Sum(r => Values.Long(r[1]));
        var windows = Count(os => os.StartsWith("win", StringComparison.OrdinalIgnoreCase));
        var unknown = Count(os => os == "unknown");
        var none = Count(os => os == "no fingerprint");
        var withFp = total - none;
        var figures = new List<Figure>
        {
            new("windows_pct", "Windows share of sources", Values.Percent(windows, total), "%", "71"),
            new("unknown_pct", "Sources fingerprinted but not recognised", Values.Percent(unknown, total), "%", "22"),
            new("no_fingerprint_pct", "Sources without any fingerprintable packet", Values.Percent(none, total), "%"),
            new("windows_of_fingerprinted_pct", "Windows share of fingerprinted sources", withFp > 0 ? Values.Percent(windows, withFp) : null, "%"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [table.Build(new ChartSpec(ChartKind.Bar, "os", ["share"], null, "% of sources"))],
            ["OS per source from " + origin + "; every visit of an address gets the address's label."]);
    }
}
