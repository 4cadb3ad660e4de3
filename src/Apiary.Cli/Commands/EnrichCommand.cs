using System.CommandLine;
using Apiary.Enrich;
using Apiary.Store.DuckDb;

namespace Apiary.Cli.Commands;

/// <summary>
/// <c>apiary enrich</c>: geolocation, AS and OS summary for every source already in the store (e.g. ingested
/// before the databases were installed, or to add answers from a newer database: older answers are kept).
/// </summary>
public static class EnrichCommand
{
    public static Command Create()
    {
        var db = new Option<string?>("--db") { Description = "Store file (default: $APIARY_DB, else ./apiary.duckdb)" };
        var options = new EnrichmentOptionSet();
        var fpDb = new Option<string?>("--fp-db")
        {
            Description = "p0f v3 database: recompute the fingerprints table with it (captures are re-read from their stored paths; "
                + "a moved or changed capture keeps its old fingerprints). Default: keep the fingerprints made at ingest",
        };
        var command = new Command("enrich", "Enrich every source in the store (country, second-opinion country, AS, OS summary) and rebuild the sources table.") { db, fpDb };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var path = StoreLocation.Resolve(result.GetValue(db));
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"apiary enrich: {Path.GetFullPath(path)}: store not found (run apiary ingest first)");
                return 2;
            }
            try
            {
                using var dbs = EnrichmentDatabases.Open(options.Read(result));
                using var store = DuckDbStore.Open(path);
                if (result.GetValue(fpDb) is { } fpPath)
                {
                    var p0f = Apiary.Fingerprint.P0fDatabase.Load(fpPath);
                    var refp = Apiary.Ingest.Refingerprinter.Run(store, p0f, Apiary.Decode.PacketDecoder.Decode);
                    Console.WriteLine($"fingerprints: {refp.Refingerprinted} file(s) fingerprinted again with {p0f.Provenance} ({refp.Rows} rows), " +
                        $"{refp.AlreadyCurrent} already on it, {refp.Unavailable.Count} not available");
                    foreach (var u in refp.Unavailable) Console.Error.WriteLine($"apiary enrich: {u}");
                }
                var update = SourcesUpdater.Update(store, dbs);
                foreach (var note in update.Notes) Console.WriteLine(note);
                Console.WriteLine($"sources: {update.SourceRows} row(s) (platform, address) in {update.Elapsed.TotalSeconds:F1} s");
                return 0;
            }
            catch (Exception ex) when (ex is EnrichmentDatabaseException or ArgumentException or Apiary.Fingerprint.FingerprintDatabaseException
                                           or IOException or Apiary.Capture.CaptureFormatException)
            {
                Console.Error.WriteLine($"apiary enrich: {ex.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>
    /// After <c>apiary ingest</c>: enrich the new sources with the installed default databases (once per run, not
    /// per file: an address seen in many files is looked up once). Missing databases: skipped with a note.
    /// </summary>
    public static int AfterIngest(Apiary.Store.IStore store, bool quiet = false)
    {
        try
        {
            using var dbs = EnrichmentDatabases.Open(new EnrichmentOptions());
            var update = SourcesUpdater.Update(store, dbs);
            if (!quiet) foreach (var note in update.Notes) Console.WriteLine($"enrich: {note}");
            Console.WriteLine($"enrich: sources has {update.SourceRows} row(s) (platform, address)");
            return 0;
        }
        catch (EnrichmentDatabaseException ex)
        {
            Console.Error.WriteLine($"apiary ingest: enrichment failed: {ex.Message} (the capture files are stored; fix the database and run apiary enrich)");
            return 1;
        }
    }
}
