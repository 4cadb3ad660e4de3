namespace Apiary.Enrich;

/// <summary>
/// The enrichment tables (documented in docs/schema.md). The history of answers is normalised: one
/// <c>enrichment_runs</c> row per run that wrote answers (databases, build dates, time), one narrow
/// <c>enrichment_answers</c> row per address and run, AS organisation names once per run and AS number in
/// <c>enrichment_as_orgs</c>; <c>source_enrichment</c> is a view with the columns the table had before. Addresses
/// are the 128-bit <c>ip_key</c> of <c>packets.src_ip</c>: grouping and joining never goes through text.
/// <c>source_rows</c> is rebuilt from packets, fingerprints and the newest answer of each address; the view
/// <c>sources</c> adds the provenance from the run tables.
/// </summary>
public static class SourcesSchema
{
    /// <summary>
    /// One row per enrichment run that wrote answers: the provenance that used to be repeated on every answer row
    /// (three ~130-character labels per address made loading and ranking a million answers slow).
    /// </summary>
    public const string EnrichmentRuns = """
        CREATE TABLE IF NOT EXISTS enrichment_runs (
            run_id INTEGER NOT NULL,
            db_set VARCHAR NOT NULL,
            country_db VARCHAR,
            country_db_build TIMESTAMP,
            country2_db VARCHAR,
            country2_db_build TIMESTAMP,
            asn_db VARCHAR,
            asn_db_build TIMESTAMP,
            enriched_at TIMESTAMP NOT NULL,
            addresses BIGINT NOT NULL
        )
        """;

    /// <summary>
    /// One row per address and run. The text of the address is written by the enricher (it holds the parsed
    /// address anyway): computing <c>ip_text</c> in SQL for a million IPv6 keys took longer than all the lookups.
    /// The text is stored uncompressed (<see cref="UncompressedText"/>).
    /// </summary>
    public const string EnrichmentAnswers = $"""
        CREATE TABLE IF NOT EXISTS enrichment_answers (
            src_ip UHUGEINT NOT NULL,
            run_id INTEGER NOT NULL,
            address VARCHAR NOT NULL {UncompressedText},
            country VARCHAR,
            country2 VARCHAR,
            asn UINTEGER
        )
        """;

    /// <summary>
    /// Why the address columns say <c>USING COMPRESSION uncompressed</c>: every address text is distinct, so DuckDB's
    /// choice among its string compressions (dictionary analysis, then FSST symbol tables) found little and cost
    /// most of the write: copying the million rows of <c>source_rows</c> took 1.9 s CPU with the text chosen-compressed
    /// and 1.1 s without the column; uncompressed it costs about a third of that, for roughly twice the bytes of that
    /// one column (bench/README.md, "enrich").
    /// </summary>
    private const string UncompressedText = "USING COMPRESSION uncompressed";

    /// <summary>AS organisation names, once per run and AS number (tens of thousands, not one per address).</summary>
    public const string EnrichmentAsOrgs = """
        CREATE TABLE IF NOT EXISTS enrichment_as_orgs (
            run_id INTEGER NOT NULL,
            asn UINTEGER NOT NULL,
            as_org VARCHAR NOT NULL
        )
        """;

    /// <summary>Every answer with its provenance: the columns of the former <c>source_enrichment</c> table, then <c>src_ip</c>.</summary>
    public const string SourceEnrichmentView = """
        CREATE OR REPLACE VIEW source_enrichment AS
        SELECT a.address, (CASE WHEN ip_is_mapped_v4(a.src_ip) THEN 4 ELSE 6 END)::UTINYINT AS ip_ver,
               a.country, r.country_db, r.country_db_build,
               a.country2, r.country2_db, r.country2_db_build,
               a.asn, o.as_org, r.asn_db, r.asn_db_build, r.db_set, r.enriched_at, a.src_ip
        FROM enrichment_answers a
        JOIN enrichment_runs r ON r.run_id = a.run_id
        LEFT JOIN enrichment_as_orgs o ON o.run_id = a.run_id AND o.asn = a.asn
        """;

    public static IReadOnlyList<string> All { get; } = [EnrichmentRuns, EnrichmentAnswers, EnrichmentAsOrgs, SourceEnrichmentView];

    /// <summary>
    /// Per platform and source address key: activity from complete capture files, grouped once on the stored
    /// integers (one scan of packet_rows serves both the addresses to enrich and the rebuild of <c>sources</c>).
    /// A temporary table: it lives only for the update.
    /// </summary>
    public const string CreateActivity = """
        CREATE OR REPLACE TEMP TABLE enrich_activity AS
        SELECT c.sensor, ip_key(p.src4, p.src6) AS src_ip, max(p.ip_ver) AS ip_ver,
               min(p.ts) AS first_seen, max(p.ts) AS last_seen, count(*) AS packets
        FROM packet_rows p JOIN capture_files c ON c.file_id = p.file_id
        WHERE c.status = 'complete' AND (p.src4 IS NOT NULL OR p.src6 IS NOT NULL)
        GROUP BY c.sensor, ip_key(p.src4, p.src6)
        """;

    public const string DropActivity = "DROP TABLE IF EXISTS temp.enrich_activity";

    /// <summary>
    /// The source address keys without an answer from any earlier run with the same databases
    /// (<paramref name="sameDatabaseRuns"/>), as two UBIGINT halves read with typed getters.
    /// </summary>
    public static string PendingAddresses(IReadOnlyList<int> sameDatabaseRuns) => $"""
        SELECT (s.src_ip >> 64::UHUGEINT)::UBIGINT AS hi, (s.src_ip & 18446744073709551615::UHUGEINT)::UBIGINT AS lo
        FROM (SELECT DISTINCT src_ip FROM enrich_activity) s
        {(sameDatabaseRuns.Count == 0 ? "" : $"""
            WHERE NOT EXISTS (SELECT 1 FROM enrichment_answers a
                              WHERE a.src_ip = s.src_ip AND a.run_id IN ({string.Join(", ", sameDatabaseRuns)}))
            """)}
        """;

    /// <summary>
    /// Newest answer per address key. An address has at most one answer per set of databases (a run only looks up
    /// addresses without an answer from the same set; the migration keeps that), so with one set the answers are
    /// the newest as they are. With several, the runs are ranked once (newest country database build first, then
    /// ASN, then second-opinion country, then the latest run) and each key takes the answer of its best-ranked
    /// run: only the narrow key and rank are grouped, the provenance strings are joined from the runs in the view.
    /// </summary>
    private static string Newest(bool severalDatabaseSets) => severalDatabaseSets ? """
        ranked_runs AS (
            SELECT run_id, row_number() OVER (ORDER BY country_db_build DESC NULLS LAST, asn_db_build DESC NULLS LAST,
                                                       country2_db_build DESC NULLS LAST, enriched_at DESC, run_id DESC) AS run_rank
            FROM enrichment_runs),
        best AS (
            SELECT a.src_ip, min(r.run_rank) AS run_rank
            FROM enrichment_answers a JOIN ranked_runs r ON r.run_id = a.run_id GROUP BY a.src_ip),
        newest AS (
            SELECT a.src_ip, a.run_id, a.address, a.country, a.country2, a.asn
            FROM enrichment_answers a JOIN ranked_runs r ON r.run_id = a.run_id
            JOIN best b ON b.src_ip = a.src_ip AND b.run_rank = r.run_rank)
        """ : """
        newest AS (SELECT src_ip, run_id, address, country, country2, asn FROM enrichment_answers)
        """;

    /// <summary>
    /// OS summary from p0f fingerprints of the SYN and SYN+ACK packets the address sent: labels with counts
    /// (most frequent first), class and name of the most frequent label, and how well it matched. The fingerprinted
    /// packet rows are first counted per file, stored address and signature id (integers only; the 128-bit address
    /// key is computed per group, not per packet, and the counts below sum per key): a scan sends millions of SYNs
    /// with a handful of signatures, and grouping them by label strings cost more than the rest of the rebuild.
    /// Only those counts meet the signatures' strings.
    /// </summary>
    private const string OsSummary = $$"""
        fp AS (
            SELECT c.sensor, g.src_ip, g.n, s.label_type, s.os_class, s.os_name, s.os_flavor,
                   coalesce(CAST(s.fuzzy AS BOOLEAN), false) AS fuzzy
            FROM (SELECT file_id, ip_key(src4, src6) AS src_ip, {{Apiary.Store.Schema.FingerprintSigIdSql}} AS sig_id, count(*) AS n
                  FROM packet_rows WHERE fp IS NOT NULL GROUP BY file_id, src4, src6, sig_id) g
            JOIN fingerprint_signatures s ON s.file_id = g.file_id AND s.sig_id = g.sig_id
            JOIN capture_files c ON c.file_id = g.file_id
            WHERE c.status = 'complete'),
        fp_count AS (
            SELECT sensor, src_ip, CAST(sum(n) AS BIGINT) AS syns,
                   CAST(coalesce(sum(n) FILTER (WHERE label_type IS NOT NULL), 0) AS BIGINT) AS matched
            FROM fp GROUP BY sensor, src_ip),
        labels AS (
            SELECT sensor, src_ip, os_class, os_name,
                   trim(coalesce(os_name, '') || ' ' || coalesce(os_flavor, '')) AS label, CAST(sum(n) AS BIGINT) AS n,
                   bool_or(label_type = 's' AND NOT fuzzy) AS exact, bool_or(label_type = 'g' AND NOT fuzzy) AS generic
            FROM fp WHERE label_type IS NOT NULL
            GROUP BY sensor, src_ip, os_class, os_name, os_flavor),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY sensor, src_ip ORDER BY n DESC, label) AS rk FROM labels),
        os AS (
            SELECT k.sensor, k.src_ip, k.syns AS os_syns, k.matched AS os_matched,
                   -- list + list_sort instead of an ordered string_agg: DuckDB keeps a sort state per group for
                   -- ordered aggregates, which ran out of the 512 MB memory limit at ~500k sources.
                   nullif(array_to_string(list_transform(list_sort(list({'rk': r.rk, 'text': r.label || ' (' || r.n || ')'})
                       FILTER (WHERE r.rk IS NOT NULL)), x -> x.text), '; '), '') AS os_labels,
                   CASE WHEN k.matched = 0 THEN 'unknown' ELSE max(r.os_class) FILTER (WHERE r.rk = 1) END AS os_class,
                   max(r.os_name) FILTER (WHERE r.rk = 1) AS os_name,
                   CASE WHEN k.matched = 0 THEN 'none'
                        ELSE max(CASE WHEN r.exact THEN 'exact' WHEN r.generic THEN 'generic' ELSE 'fuzzy' END) FILTER (WHERE r.rk = 1)
                   END AS os_match
            FROM fp_count k LEFT JOIN ranked r ON r.sensor = k.sensor AND r.src_ip = k.src_ip
            GROUP BY k.sensor, k.src_ip, k.syns, k.matched)
        """;

    /// <summary>
    /// <c>source_rows</c>, declared rather than created from the rebuild's query so that the address text can be
    /// stored uncompressed (<see cref="UncompressedText"/>); the types are those the query produces.
    /// </summary>
    private const string SourceRows = $"""
        CREATE OR REPLACE TABLE source_rows (
            sensor VARCHAR,
            src_ip UHUGEINT,
            address VARCHAR {UncompressedText},
            ip_ver UTINYINT,
            first_seen TIMESTAMP,
            last_seen TIMESTAMP,
            packets BIGINT,
            run_id INTEGER,
            country VARCHAR,
            country2 VARCHAR,
            asn UINTEGER,
            os_labels VARCHAR,
            os_class VARCHAR,
            os_name VARCHAR,
            os_match VARCHAR,
            os_syns BIGINT,
            os_matched BIGINT
        )
        """;

    /// <summary>
    /// The statements that rebuild <c>source_rows</c> (<see cref="SourceRows"/>, emptied) from <c>enrich_activity</c>
    /// (<see cref="CreateActivity"/>), the newest answers and the fingerprints. The address text is the enricher's
    /// (<c>ip_text</c> only for addresses that were never enriched).
    /// </summary>
    public static string RebuildSourceRows(bool severalDatabaseSets) => $"""
        {SourceRows};
        INSERT INTO source_rows
        WITH {Newest(severalDatabaseSets)},
        {OsSummary}
        SELECT x.sensor, x.src_ip, coalesce(n.address, ip_text(x.src_ip)) AS address, x.ip_ver,
               x.first_seen, x.last_seen, x.packets, n.run_id, n.country, n.country2, n.asn,
               os.os_labels, os.os_class, os.os_name, os.os_match, os.os_syns, os.os_matched
        FROM enrich_activity x
        LEFT JOIN newest n ON n.src_ip = x.src_ip
        LEFT JOIN os ON os.sensor = x.sensor AND os.src_ip = x.src_ip
        """;

    /// <summary>
    /// <c>sources</c>: one row per platform and address with the columns it always had, then <c>src_ip</c>; the
    /// provenance and AS names come from the small run tables (writing them on a million rows cost more than the
    /// rest of the rebuild).
    /// </summary>
    public const string SourcesView = """
        CREATE OR REPLACE VIEW sources AS
        SELECT s.sensor, s.address, s.ip_ver, s.first_seen, s.last_seen, s.packets,
               s.country, r.country_db, r.country_db_build,
               s.country2, r.country2_db, r.country2_db_build,
               s.asn, o.as_org, r.asn_db, r.asn_db_build, r.enriched_at,
               s.os_labels, s.os_class, s.os_name, s.os_match, s.os_syns, s.os_matched,
               s.src_ip
        FROM source_rows s
        LEFT JOIN enrichment_runs r ON r.run_id = s.run_id
        LEFT JOIN enrichment_as_orgs o ON o.run_id = s.run_id AND o.asn = s.asn
        """;
}
