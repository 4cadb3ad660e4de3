using System.Globalization;
using Apiary.Core;
using Apiary.Store;

namespace Apiary.Enrich;

/// <summary>
/// Brings a store written before the answers were normalised (<c>source_enrichment</c> a table with the address as
/// text and the provenance on every row) to the current layout, in one transaction: each distinct provenance
/// (databases, build dates, time) becomes an <c>enrichment_runs</c> row, each old row an <c>enrichment_answers</c>
/// row keyed by the parsed address, then the old table is dropped and the view takes its name. Nothing of the
/// history is lost; on any error the store is left as it was.
/// </summary>
internal static class SourceEnrichmentMigration
{
    public static bool IsOldLayout(IStore store) => store.TableType("source_enrichment") == "BASE TABLE";

    /// <summary>The file of the store, for messages (DuckDB's catalog, like the bulk appends of EnrichmentRunWriter).</summary>
    private static string StoreFile(IStore store) =>
        store.Query("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").Scalar() as string ?? "store";

    /// <summary>Migrates when the old table is there; returns a note describing what was done, or null.</summary>
    public static string? MigrateIfOld(IStore store)
    {
        if (!IsOldLayout(store)) return null;
        string? note = null;
        store.InTransaction(() =>
        {
            foreach (var ddl in new[] { SourcesSchema.EnrichmentRuns, SourcesSchema.EnrichmentAnswers, SourcesSchema.EnrichmentAsOrgs })
                store.Execute(ddl);
            // The old rows numbered by run: every row a run wrote shares its databases, build dates and time.
            store.Execute("""
                CREATE OR REPLACE TEMP TABLE old_source_enrichment AS
                SELECT dense_rank() OVER (ORDER BY enriched_at, db_set, country_db, country_db_build, country2_db,
                                                   country2_db_build, asn_db, asn_db_build) AS old_run, *
                FROM source_enrichment
                """);
            var runs = store.Query("""
                SELECT DISTINCT old_run, db_set, country_db, country_db_build, country2_db, country2_db_build, asn_db, asn_db_build, enriched_at
                FROM old_source_enrichment ORDER BY old_run
                """).Rows;
            long rows = 0, unparsable = 0, duplicates = 0, conflicts = 0;
            // One answer per address and set of databases, as the runs write them (sources relies on it): the old
            // text rows of one address in two spellings (::ffff:a.b.c.d and a.b.c.d) are one key.
            var answered = new Dictionary<string, HashSet<IpAddress128>>(StringComparer.Ordinal);
            foreach (var r in runs)
            {
                var run = new EnrichmentRun((string)r[1]!, (string?)r[2], (DateTime?)r[3], (string?)r[4], (DateTime?)r[5],
                    (string?)r[6], (DateTime?)r[7], (DateTime)r[8]!);
                if (!answered.TryGetValue(run.DbSet, out var seen)) answered[run.DbSet] = seen = [];
                // Read the run's rows completely before appending: an appender must not write on the connection
                // while a query's rows are still being read from it. One old run at a time bounds the memory.
                var old = store.Read($"SELECT address, country, country2, asn, as_org FROM old_source_enrichment WHERE old_run = {Convert.ToInt64(r[0], CultureInfo.InvariantCulture)}",
                    x => (Address: x.GetString(0), Answer: new SourceEnrichment(
                        x.IsDBNull(1) ? null : x.GetString(1), x.IsDBNull(2) ? null : x.GetString(2),
                        x.IsDBNull(3) ? null : x.GetFieldValue<uint>(3), x.IsDBNull(4) ? null : x.GetString(4)))).ToList();
                using var writer = EnrichmentRunWriter.Begin(store, run);
                foreach (var (text, answer) in old)
                {
                    if (!IpAddress128.TryParse(text, out var address)) { unparsable++; continue; }
                    if (!seen.Add(address)) { duplicates++; continue; }
                    writer.Add(address, answer);
                }
                writer.Complete(out var runConflicts);
                rows += writer.Rows;
                conflicts += runConflicts;
            }
            if (unparsable > 0)
                throw new StoreFormatException($"{StoreFile(store)}: source_enrichment holds {unparsable} address(es) that are not IP addresses: not migrated, the store is unchanged");
            store.Execute("DROP TABLE temp.old_source_enrichment");
            store.Execute("DROP TABLE source_enrichment");
            store.Execute(SourcesSchema.SourceEnrichmentView);
            note = $"source_enrichment migrated to enrichment_runs/enrichment_answers: {rows} answer(s) from {runs.Count} run(s)" +
                   (duplicates > 0 ? $"; {duplicates} answer(s) for an address already answered by the same databases in another spelling dropped" : "") +
                   (conflicts > 0 ? $"; {conflicts} answer(s) named their AS differently than an earlier answer of the same run (the first name is kept)" : "");
        });
        return note;
    }
}
