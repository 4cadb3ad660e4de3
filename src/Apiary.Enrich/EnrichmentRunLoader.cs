using System.Globalization;
using System.Text;
using Apiary.Store;

namespace Apiary.Enrich;

/// <summary>
/// Writes one enrichment run: its <c>enrichment_runs</c> row (the provenance, once), the narrow
/// <c>enrichment_answers</c> rows of its answer files (one <c>INSERT ... SELECT FROM read_csv</c> over all of them)
/// and its <c>enrichment_as_orgs</c>. The caller wraps it in a transaction. DuckDB only (the one store adapter
/// today): another adapter needs its own bulk path here.
/// </summary>
internal static class EnrichmentRunLoader
{
    private const string CsvOptions = "header = false, delim = ',', quote = '\"', escape = '\"', nullstr = '\\N', auto_detect = false";

    /// <summary>Returns the new run id, or null when the files hold no answer (no run row is written then).</summary>
    /// <param name="organisationConflicts">answers that named their AS differently than the name kept</param>
    public static int? Load(IStore store, EnrichmentRun run, IReadOnlyList<EnrichmentAnswerFile> files, out long organisationConflicts)
    {
        if (store.Dialect != "duckdb") throw new NotSupportedException($"bulk enrichment load is written for DuckDB, not {store.Dialect}");
        var orgs = new AsOrganisations();
        long rows = 0;
        foreach (var f in files)
        {
            f.Close();
            rows += f.Rows;
            orgs.Merge(f.Organisations);
        }
        organisationConflicts = orgs.Conflicts;
        if (rows == 0) return null;
        var runId = Convert.ToInt32(store.Query($"""
            INSERT INTO enrichment_runs (run_id, db_set, country_db, country_db_build, country2_db, country2_db_build,
                                         asn_db, asn_db_build, enriched_at, addresses)
            SELECT coalesce(max(run_id), 0) + 1, {SqlLiteral.Text(run.DbSet)},
                   {SqlLiteral.Text(run.CountryDb)}, {SqlLiteral.Timestamp(run.CountryDbBuild)},
                   {SqlLiteral.Text(run.Country2Db)}, {SqlLiteral.Timestamp(run.Country2DbBuild)},
                   {SqlLiteral.Text(run.AsnDb)}, {SqlLiteral.Timestamp(run.AsnDbBuild)},
                   {SqlLiteral.Timestamp(run.EnrichedAt)}, {rows}
            FROM enrichment_runs
            RETURNING run_id
            """).Scalar(), CultureInfo.InvariantCulture);
        var paths = "[" + string.Join(", ", files.Where(f => f.Rows > 0).Select(f => SqlLiteral.Text(f.Path))) + "]";
        store.Execute($"""
            INSERT INTO enrichment_answers (src_ip, run_id, address, country, country2, asn)
            SELECT (hi::UHUGEINT << 64::UHUGEINT) | lo::UHUGEINT, {runId}, address, country, country2, asn
            FROM read_csv({paths}, {CsvOptions},
                          columns = {"{'hi':'UBIGINT','lo':'UBIGINT','address':'VARCHAR','country':'VARCHAR','country2':'VARCHAR','asn':'UINTEGER'}"})
            """);
        if (orgs.Names.Count > 0)
        {
            var orgPath = files[0].Path[..^4] + "-orgs.csv";
            try
            {
                using (var w = new StreamWriter(orgPath, false, new UTF8Encoding(false), 1 << 16))
                    foreach (var (asn, org) in orgs.Names)
                    {
                        w.Write(asn.ToString(CultureInfo.InvariantCulture)); w.Write(',');
                        EnrichmentAnswerFile.Quoted(w, org);
                        w.Write('\n');
                    }
                store.Execute($"""
                    INSERT INTO enrichment_as_orgs (run_id, asn, as_org)
                    SELECT {runId}, asn, as_org FROM read_csv({SqlLiteral.Text(orgPath)}, {CsvOptions}, columns = {"{'asn':'UINTEGER','as_org':'VARCHAR'}"})
                    """);
            }
            finally
            {
                try { File.Delete(orgPath); } catch (IOException) { }
            }
        }
        return runId;
    }
}
