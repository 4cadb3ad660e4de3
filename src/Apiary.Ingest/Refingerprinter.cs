using System.Globalization;
using Apiary.Fingerprint;
using Apiary.Store;

namespace Apiary.Ingest;

/// <summary>What a re-fingerprinting run did.</summary>
/// <param name="Refingerprinted">Files whose fingerprints were recomputed with the new database.</param>
/// <param name="AlreadyCurrent">Files whose fingerprints already came from this database (nothing to do).</param>
/// <param name="Unavailable">Files that could not be read again (moved, deleted or changed since ingest), with why.</param>
/// <param name="Rows">Fingerprint rows written.</param>
public sealed record RefingerprintResult(int Refingerprinted, int AlreadyCurrent, IReadOnlyList<string> Unavailable, long Rows);

/// <summary>
/// Recomputes the fingerprints (the <c>fingerprints</c> view) with another p0f database (<c>apiary enrich --fp-db</c>).
/// The captures are read again from the paths stored at ingest, through the same flow tracker and matcher
/// ingest uses, so the answer is exactly what ingesting with that database would have given. A file is used
/// only when its sha256 still equals the stored one; otherwise its old fingerprints stay and it is reported.
/// Each file's old rows are replaced in one transaction: an interrupted run leaves every file either wholly old
/// or wholly new, and re-running finishes the rest (files already on the new database are skipped).
/// </summary>
public static class Refingerprinter
{
    public static RefingerprintResult Run(IStore store, P0fDatabase database, FrameDecoder decode, CancellationToken cancellation = default)
    {
        var files = store.Query("SELECT file_id, path, sha256 FROM capture_files WHERE status = 'complete' ORDER BY file_id").Rows;
        var current = store.Query($"SELECT DISTINCT file_id FROM fingerprint_signatures WHERE fp_db = {SqlLiteral.Text(database.Provenance)}").Rows
            .Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture)).ToHashSet();
        var unavailable = new List<string>();
        int done = 0, skipped = 0;
        long rows = 0;
        var observer = new FingerprintObserver(database);
        using var spill = new FingerprintSpill();
        foreach (var f in files)
        {
            cancellation.ThrowIfCancellationRequested();
            var fileId = Convert.ToInt32(f[0], CultureInfo.InvariantCulture);
            var path = (string)f[1]!;
            var sha = (string)f[2]!;
            if (current.Contains(fileId))
            {
                skipped++;
                continue;
            }
            if (!File.Exists(path))
            {
                unavailable.Add($"{path}: no longer there (file_id {fileId} keeps its fingerprints)");
                continue;
            }
            if (!string.Equals(IngestPipeline.Sha256(path, cancellation), sha, StringComparison.OrdinalIgnoreCase))
            {
                unavailable.Add($"{path}: changed since ingest, sha256 differs (file_id {fileId} keeps its fingerprints)");
                continue;
            }
            var info = new IngestFileInfo(fileId, path, sha, "");
            observer.OnFileStart(info);
            spill.OnFileStart(info);
            try
            {
                IngestPipeline.DecodeOnly(path, decode, cancellation, observer, spill);
                store.InTransaction(() =>
                {
                    store.Execute($"UPDATE packet_rows SET fp = NULL WHERE file_id = {fileId} AND fp IS NOT NULL");
                    store.Execute($"DELETE FROM fingerprint_signatures WHERE file_id = {fileId}");
                    observer.OnFileComplete(store, fileId);
                    spill.OnFileComplete(store, fileId);
                });
            }
            catch
            {
                observer.OnFileAborted(fileId);
                spill.OnFileAborted(fileId);
                throw;
            }
            rows += spill.Rows;
            done++;
        }
        return new RefingerprintResult(done, skipped, unavailable, rows);
    }
}
