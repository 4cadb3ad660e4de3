namespace Apiary.Enrich;

/// <summary>
/// The enrichment tables (documented in docs/schema.md): <c>source_enrichment</c> keeps every answer ever
/// given, one row per address and set of databases; <c>sources</c> is rebuilt from packets, fingerprints and the
/// newest enrichment row of each address.
/// </summary>
public static class SourcesSchema
{
    public const string SourceEnrichment = """
        CREATE TABLE IF NOT EXISTS source_enrichment (
            address VARCHAR NOT NULL,
            ip_ver UTINYINT NOT NULL,
            country VARCHAR,
            country_db VARCHAR,
            country_db_build TIMESTAMP,
            country2 VARCHAR,
            country2_db VARCHAR,
            country2_db_build TIMESTAMP,
            asn UINTEGER,
            as_org VARCHAR,
            asn_db VARCHAR,
            asn_db_build TIMESTAMP,
            db_set VARCHAR NOT NULL,
            enriched_at TIMESTAMP NOT NULL
        )
        """;

    /// <summary>
    /// Newest answer per address: newest database builds first, then the latest run. The ranking runs over the
    /// narrow key columns only and the winning rows are joined back by rowid, so a store with millions of
    /// addresses does not sort its wide provenance strings (that ran out of DuckDB's memory limit).
    /// </summary>
    public const string NewestEnrichment = """
        SELECT e.* FROM source_enrichment e
        JOIN (SELECT rid FROM (
                SELECT rowid AS rid, row_number() OVER (PARTITION BY address
                    ORDER BY country_db_build DESC NULLS LAST, asn_db_build DESC NULLS LAST,
                             country2_db_build DESC NULLS LAST, enriched_at DESC) AS newest_rank
                FROM source_enrichment)
              WHERE newest_rank = 1) n ON n.rid = e.rowid
        """;

    /// <summary>
    /// Per platform and source address: activity from complete capture files. Grouped on the stored integer
    /// columns and turned into text once per address (addr_text is the text of <c>packets.src</c>).
    /// </summary>
    private const string Activity = """
        activity AS (
            SELECT sensor, addr_text(src4, src6) AS address, ip_ver, first_seen, last_seen, packets FROM (
                SELECT c.sensor, p.src4, p.src6, max(p.ip_ver) AS ip_ver,
                       min(p.ts) AS first_seen, max(p.ts) AS last_seen, count(*) AS packets
                FROM packet_rows p JOIN capture_files c ON c.file_id = p.file_id
                WHERE c.status = 'complete' AND (p.src4 IS NOT NULL OR p.src6 IS NOT NULL)
                GROUP BY c.sensor, p.src4, p.src6) g)
        """;

    /// <summary>
    /// OS summary from p0f fingerprints of the SYN and SYN+ACK packets the address sent: labels with counts
    /// (most frequent first), class and name of the most frequent label, and how well it matched.
    /// </summary>
    private const string OsSummary = """
        fp AS (
            SELECT c.sensor, f.src AS address, f.label_type, f.os_class, f.os_name, f.os_flavor,
                   coalesce(CAST(f.fuzzy AS BOOLEAN), false) AS fuzzy
            FROM fingerprints f JOIN capture_files c ON c.file_id = f.file_id
            WHERE c.status = 'complete' AND f.src IS NOT NULL),
        fp_count AS (
            SELECT sensor, address, count(*) AS syns, count(label_type) AS matched FROM fp GROUP BY sensor, address),
        labels AS (
            SELECT sensor, address, os_class, os_name,
                   trim(coalesce(os_name, '') || ' ' || coalesce(os_flavor, '')) AS label, count(*) AS n,
                   bool_or(label_type = 's' AND NOT fuzzy) AS exact, bool_or(label_type = 'g' AND NOT fuzzy) AS generic
            FROM fp WHERE label_type IS NOT NULL
            GROUP BY sensor, address, os_class, os_name, os_flavor),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY sensor, address ORDER BY n DESC, label) AS rk FROM labels),
        os AS (
            SELECT k.sensor, k.address, k.syns AS os_syns, k.matched AS os_matched,
                   -- list + list_sort instead of an ordered string_agg: DuckDB keeps a sort state per group for
                   -- ordered aggregates, which ran out of the 512 MB memory limit at ~500k sources.
                   nullif(array_to_string(list_transform(list_sort(list({'rk': r.rk, 'text': r.label || ' (' || r.n || ')'})
                       FILTER (WHERE r.rk IS NOT NULL)), x -> x.text), '; '), '') AS os_labels,
                   CASE WHEN k.matched = 0 THEN 'unknown' ELSE max(r.os_class) FILTER (WHERE r.rk = 1) END AS os_class,
                   max(r.os_name) FILTER (WHERE r.rk = 1) AS os_name,
                   CASE WHEN k.matched = 0 THEN 'none'
                        ELSE max(CASE WHEN r.exact THEN 'exact' WHEN r.generic THEN 'generic' ELSE 'fuzzy' END) FILTER (WHERE r.rk = 1)
                   END AS os_match
            FROM fp_count k LEFT JOIN ranked r ON r.sensor = k.sensor AND r.address = k.address
            GROUP BY k.sensor, k.address, k.syns, k.matched)
        """;

    private const string NoOsSummary = """
        os AS (
            SELECT NULL::VARCHAR AS sensor, NULL::VARCHAR AS address, NULL::BIGINT AS os_syns, NULL::BIGINT AS os_matched,
                   NULL::VARCHAR AS os_labels, NULL::VARCHAR AS os_class, NULL::VARCHAR AS os_name, NULL::VARCHAR AS os_match
            WHERE false)
        """;

    /// <summary>The statement that rebuilds <c>sources</c>; <paramref name="withFingerprints"/> when the fingerprints table exists.</summary>
    public static string RebuildSources(bool withFingerprints) => $"""
        CREATE OR REPLACE TABLE sources AS
        WITH {Activity},
        newest AS ({NewestEnrichment}),
        {(withFingerprints ? OsSummary : NoOsSummary)}
        SELECT a.sensor, a.address, a.ip_ver, a.first_seen, a.last_seen, a.packets,
               e.country, e.country_db, e.country_db_build,
               e.country2, e.country2_db, e.country2_db_build,
               e.asn, e.as_org, e.asn_db, e.asn_db_build, e.enriched_at,
               os.os_labels, os.os_class, os.os_name, os.os_match, os.os_syns, os.os_matched
        FROM activity a
        LEFT JOIN newest e ON e.address = a.address
        LEFT JOIN os ON os.sensor = a.sensor AND os.address = a.address
        """;
}
