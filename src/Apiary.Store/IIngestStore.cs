using Apiary.Core;

namespace Apiary.Store;

/// <summary>
/// What the ingest pipeline needs from a store besides SQL: the capture_files bookkeeping that makes ingest
/// idempotent and crash-safe, and a bulk loader for one file's rows. See docs/architecture.md ("Ingest pipeline").
/// </summary>
public interface IIngestStore : IStore
{
    /// <summary>
    /// Crash recovery. Deletes every row of every capture file left with status <c>loading</c> (from
    /// <c>packets</c>, <c>anomalies</c>, <c>anomaly_counts</c> and every other table that has a <c>file_id</c>
    /// column), then the capture_files rows themselves, and returns what was removed so the caller can ingest
    /// those files again.
    /// </summary>
    IReadOnlyList<StoredCaptureFile> RemoveInterruptedFiles();

    /// <summary>The capture_files row with this sha256, or null.</summary>
    StoredCaptureFile? FindFile(string sha256);

    /// <summary>
    /// Writes (and commits) the capture_files row of a file about to be loaded, with status <c>loading</c>,
    /// and returns its new file_id. If the process dies before <see cref="IFileLoad.Complete"/> commits, the
    /// next <see cref="RemoveInterruptedFiles"/> removes whatever was written for it.
    /// </summary>
    int RegisterLoading(string sha256, string path, string sensor, long bytes);

    /// <summary>
    /// Starts loading the rows of a registered file through <paramref name="lanes"/> independent writers
    /// (each may be driven by its own thread). Nothing becomes visible before <see cref="IFileLoad.Complete"/>.
    /// </summary>
    IFileLoad BeginLoad(int fileId, int lanes);

    /// <summary>Removes a registered file and everything written for it (used after a cancelled or failed load).</summary>
    void RemoveFile(int fileId);
}

/// <summary>One capture file's load in progress: several lanes of rows, completed or abandoned as a whole.</summary>
public interface IFileLoad : IDisposable
{
    int FileId { get; }

    /// <summary>The writers; lane i must be used by one thread at a time.</summary>
    IReadOnlyList<IPacketLane> Lanes { get; }

    /// <summary>
    /// Flushes every lane, writes the file's anomalies and summary, runs <paramref name="inTransaction"/>
    /// (observers writing their own per-file rows), marks the file <c>complete</c> and commits. The status change
    /// commits in the same transaction as the last lane's rows and the observers' rows.
    /// </summary>
    void Complete(CaptureFileSummary summary, AnomalyLog anomalies, Action<IStore>? inTransaction = null);

    /// <summary>Rolls back whatever was not committed. The capture_files row stays <c>loading</c>; call RemoveFile.</summary>
    void Abort();
}

/// <summary>A single-threaded writer of packet rows for one file.</summary>
public interface IPacketLane
{
    /// <summary>Appends the batch's rows. The batch may be reused as soon as the call returns.</summary>
    void Append(PacketBatch batch);
}

/// <summary>What the reader learned about a file, written to capture_files when the load completes.</summary>
public sealed record CaptureFileSummary(
    string Format,
    string LinkTypes,
    int Snaplen,
    long? FirstTimestampNs,
    long? LastTimestampNs,
    long Packets,
    long Anomalies,
    bool Truncated);

/// <summary>A capture_files row as the pipeline needs it.</summary>
public sealed record StoredCaptureFile(int FileId, string Sha256, string Path, string Status, long? Packets);
