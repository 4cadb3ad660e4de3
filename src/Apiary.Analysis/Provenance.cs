namespace Apiary.Analysis;

/// <summary>Where the numbers come from: capture files, testbed, enrichment databases and their build dates.</summary>
public sealed record Provenance(
    IReadOnlyList<CaptureFileInfo> Files,
    string? TestbedFile,
    IReadOnlyList<PlatformInfo> Platforms,
    IReadOnlyList<DatabaseInfo> Databases,
    IReadOnlyList<string> Attributions)
{
    /// <summary>Attribution required by the ASN range data (docs/enrichment.md); shown whenever ASN data was used.</summary>
    public const string AsnAttribution =
        "IP to ASN data: @ip-location-db/asn (ranges from iptoasn.com), licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).";

    public static Provenance Collect(AnalysisContext context)
    {
        var store = context.Store;
        var files = store.Query("""
            SELECT file_id, path, sensor, format, packets, first_ts, last_ts, sha256, status, truncated, anomalies
            FROM capture_files ORDER BY sensor, first_ts, file_id
            """).Rows.Select(r => new CaptureFileInfo(
                Values.Long(r[0]), Values.Text(r[1]), Values.Text(r[2]), Values.Text(r[3]), Values.Long(r[4]),
                r[5] is null ? null : Values.Time(r[5]), r[6] is null ? null : Values.Time(r[6]), Values.Text(r[7]), Values.Text(r[8]),
                r[9] is true, Values.Long(r[10]))).ToList();

        var platforms = new List<PlatformInfo>();
        if (context.Testbed is { } tb)
            foreach (var p in tb.Platforms)
                platforms.Add(new PlatformInfo(p.Name, p.Site, p.TimeZone,
                    p.CapturePeriods.Select(c => (c.From, c.To)).ToList(),
                    p.Targets.Select(t => new TargetInfo(t.Name, t.Address.ToString(), t.Os,
                        string.Join(", ", t.Ports.SelectMany(pp => pp.Tcp.Order().Select(x => x + "/tcp").Concat(pp.Udp.Order().Select(x => x + "/udp"))
                            .Select(x => pp.Period.From is null && pp.Period.To is null ? x : $"{x} [{pp.Period.From:yyyy-MM-dd}..{pp.Period.To:yyyy-MM-dd})"))))).ToList()));

        var databases = new List<DatabaseInfo>();
        var attributions = new List<string>();
        if (context.TableExists("source_enrichment"))
        {
            var cols = context.ColumnsOf("source_enrichment");
            foreach (var (kind, db, build) in new[] { ("country", "country_db", "country_db_build"), ("country (second opinion)", "country2_db", "country2_db_build"), ("ASN", "asn_db", "asn_db_build") })
            {
                if (!cols.Contains(db) || !cols.Contains(build)) continue;
                foreach (var r in store.Query($"SELECT {db}, {build}, COUNT(*), MAX(enriched_at) FROM source_enrichment WHERE {db} IS NOT NULL GROUP BY {db}, {build} ORDER BY {db}, {build}").Rows)
                    databases.Add(new DatabaseInfo(kind, Values.Text(r[0]), r[1] is null ? null : Values.Time(r[1]), Values.Long(r[2]), r[3] is null ? null : Values.Time(r[3])));
            }
            if (databases.Any(d => d.Kind == "ASN")) attributions.Add(AsnAttribution);
        }
        return new Provenance(files, context.Testbed?.File, platforms, databases, attributions);
    }
}

public sealed record CaptureFileInfo(long FileId, string Path, string Sensor, string Format, long Packets, DateTime? First, DateTime? Last, string Sha256, string Status, bool Truncated, long Anomalies);

public sealed record PlatformInfo(string Name, string Site, string TimeZone, IReadOnlyList<(DateTime? From, DateTime? To)> CapturePeriods, IReadOnlyList<TargetInfo> Targets);

public sealed record TargetInfo(string Name, string Address, string Os, string OpenPorts);

/// <summary>One enrichment database as recorded with the answers it gave.</summary>
public sealed record DatabaseInfo(string Kind, string Name, DateTime? BuildDate, long Addresses, DateTime? LastUsed);
