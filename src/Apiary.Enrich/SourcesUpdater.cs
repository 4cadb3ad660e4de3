using System.Diagnostics;
using System.Globalization;
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
                """);
            already = Convert.ToInt64(store.Query($"SELECT count(DISTINCT address) FROM source_enrichment WHERE db_set = {SqlLiteral.Text(dbSet)}").Scalar(), CultureInfo.InvariantCulture);
            var enricher = new SourceEnricher(databases);
            var now = DateTime.UtcNow;
            var lookups = new Stopwatch();
            // Answers are spilled to a CSV file and loaded in one statement; what is the same for every row of the
            // run (database labels, build dates, time) is written once into that statement, not per row.
            using var answers = new EnrichmentAnswerFile(store, RunConstants(databases, dbSet, now));
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
                answers.Add(text, address.IsV4 ? 4 : 6, answer);
                enriched++;
            }
            answers.Load();
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

    /// <summary>The columns whose values are the same for every row of one run, as SQL literals.</summary>
    private static IReadOnlyList<(string Column, string Value)> RunConstants(EnrichmentDatabases d, string dbSet, DateTime now)
    {
        static string Label(DatabaseProvenance? p) => SqlLiteral.Text(p is null ? null : p.Label + " (" + p.Path + ")");
        return
        [
            ("country_db", Label(d.Country?.Provenance)), ("country_db_build", SqlLiteral.Timestamp(d.Country?.Provenance.BuildDate)),
            ("country2_db", Label(d.Country2?.Provenance)), ("country2_db_build", SqlLiteral.Timestamp(d.Country2?.Provenance.BuildDate)),
            ("asn_db", Label(d.Asn?.Provenance)), ("asn_db_build", SqlLiteral.Timestamp(d.Asn?.Provenance.BuildDate)),
            ("db_set", SqlLiteral.Text(dbSet)), ("enriched_at", SqlLiteral.Timestamp(now)),
        ];
    }

    internal static bool TableExists(IStore store, string name) =>
        Convert.ToInt64(store.Query($"SELECT count(*) FROM information_schema.tables WHERE table_name = {SqlLiteral.Text(name)}").Scalar(), CultureInfo.InvariantCulture) > 0;
}
