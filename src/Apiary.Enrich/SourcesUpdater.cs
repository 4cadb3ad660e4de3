using System.Diagnostics;
using System.Globalization;
using System.Text;
using Apiary.Core;
using Apiary.Store;

namespace Apiary.Enrich;

/// <summary>What one update of the enrichment tables did.</summary>
public sealed record SourcesUpdate(bool EnrichmentSkipped, long AddressesEnriched, long AddressesAlreadyEnriched,
    long SourceRows, bool OsSummary, TimeSpan LookupTime, TimeSpan Elapsed, IReadOnlyList<string> Notes);

/// <summary>
/// Fills <c>source_enrichment</c> for every source address that has no answer yet from the current set of
/// databases (older answers are kept: a newer database adds rows, it never overwrites), then rebuilds
/// <c>sources</c>. Used after ingest and by <c>apiary enrich</c>.
/// </summary>
public static class SourcesUpdater
{
    /// <summary>Rows per INSERT statement: large enough to amortise parsing, small enough to keep statements a few hundred kB.</summary>
    public const int InsertBatch = 2_000;

    public static SourcesUpdate Update(IStore store, EnrichmentDatabases databases)
    {
        var total = Stopwatch.StartNew();
        var notes = new List<string>(databases.Notes);
        store.Execute(SourcesSchema.SourceEnrichment);
        long enriched = 0, already = 0;
        var lookupTime = TimeSpan.Zero;
        var skipped = !databases.Any;
        if (skipped)
        {
            notes.Add("enrichment skipped: no geolocation or ASN database available (run scripts/setup.sh, or pass --geo-db/--asn-db)");
        }
        else
        {
            var dbSet = DatabaseSetKey(databases);
            var pending = store.Query($"""
                SELECT s.src FROM (
                    SELECT addr_text(k.src4, k.src6) AS src FROM (
                        SELECT DISTINCT p.src4, p.src6 FROM packet_rows p JOIN capture_files c ON c.file_id = p.file_id
                        WHERE c.status = 'complete' AND (p.src4 IS NOT NULL OR p.src6 IS NOT NULL)) k) s
                WHERE NOT EXISTS (SELECT 1 FROM source_enrichment e WHERE e.address = s.src AND e.db_set = {SqlLiteral.Text(dbSet)})
                ORDER BY s.src
                """);
            already = Convert.ToInt64(store.Query($"SELECT count(DISTINCT address) FROM source_enrichment WHERE db_set = {SqlLiteral.Text(dbSet)}").Scalar(), CultureInfo.InvariantCulture);
            var enricher = new SourceEnricher(databases);
            var now = DateTime.UtcNow;
            var rows = new List<string>(InsertBatch);
            var lookups = new Stopwatch();
            foreach (var r in pending.Rows)
            {
                var text = (string)r[0]!;
                if (!IpAddress128.TryParse(text, out var address))
                {
                    notes.Add($"source '{text}' is not an IP address: not enriched");
                    continue;
                }
                lookups.Start();
                var answer = enricher.Enrich(address);
                lookups.Stop();
                rows.Add(Row(text, address, answer, databases, dbSet, now));
                enriched++;
                if (rows.Count == InsertBatch) Flush(store, rows);
            }
            Flush(store, rows);
            lookupTime = lookups.Elapsed;
            notes.Add($"enriched {enriched} address(es) in {lookupTime.TotalSeconds:F2} s of lookups; {already} already had answers from these databases");
        }

        var withFingerprints = TableExists(store, "fingerprints");
        if (!withFingerprints) notes.Add("no fingerprints table: the OS summary of sources is left empty");
        store.Execute(SourcesSchema.RebuildSources(withFingerprints));
        var sourceRows = Convert.ToInt64(store.Query("SELECT count(*) FROM sources").Scalar(), CultureInfo.InvariantCulture);
        return new SourcesUpdate(skipped, enriched, already, sourceRows, withFingerprints, lookupTime, total.Elapsed, notes);
    }

    /// <summary>
    /// Identifies the set of databases of a run (labels and build dates): an address is enriched again only when
    /// this set changes, so re-running with the same databases adds nothing and a newer database adds a row.
    /// </summary>
    public static string DatabaseSetKey(EnrichmentDatabases d)
    {
        static string One(DatabaseProvenance? p) => p is null ? "-" :
            p.Label + "@" + (p.BuildDate?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "?");
        return string.Join(" | ", One(d.Country?.Provenance), One(d.Country2?.Provenance), One(d.Asn?.Provenance));
    }

    private static string Row(string text, IpAddress128 address, SourceEnrichment a, EnrichmentDatabases d, string dbSet, DateTime now)
    {
        var sb = new StringBuilder(256);
        sb.Append('(').Append(SqlLiteral.Text(text)).Append(',').Append(address.IsV4 ? "4" : "6").Append(',');
        Answer(sb, a.Country, d.Country?.Provenance);
        Answer(sb, a.Country2, d.Country2?.Provenance);
        sb.Append(SqlLiteral.Number(a.Asn)).Append(',');
        Answer(sb, a.AsOrg, d.Asn?.Provenance);
        sb.Append(SqlLiteral.Text(dbSet)).Append(',').Append(SqlLiteral.Timestamp(now)).Append(')');
        return sb.ToString();
    }

    private static void Answer(StringBuilder sb, string? value, DatabaseProvenance? p) =>
        sb.Append(SqlLiteral.Text(value)).Append(',')
          .Append(SqlLiteral.Text(p is null ? null : p.Label + " (" + p.Path + ")")).Append(',')
          .Append(SqlLiteral.Timestamp(p?.BuildDate)).Append(',');

    private static void Flush(IStore store, List<string> rows)
    {
        if (rows.Count == 0) return;
        store.Execute("INSERT INTO source_enrichment (address, ip_ver, country, country_db, country_db_build, country2, country2_db, country2_db_build, asn, as_org, asn_db, asn_db_build, db_set, enriched_at) VALUES "
            + string.Join(",", rows));
        rows.Clear();
    }

    internal static bool TableExists(IStore store, string name) =>
        Convert.ToInt64(store.Query($"SELECT count(*) FROM information_schema.tables WHERE table_name = {SqlLiteral.Text(name)}").Scalar(), CultureInfo.InvariantCulture) > 0;
}
