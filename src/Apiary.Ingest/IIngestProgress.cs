namespace Apiary.Ingest;

/// <summary>
/// Where the pipeline reports what it does (the CLI draws a progress bar on a terminal, plain lines otherwise).
/// Called from the pipeline's thread only.
/// </summary>
public interface IIngestProgress
{
    /// <summary>A file starts loading; <paramref name="bytes"/> is its size on disk.</summary>
    void FileStarted(string path, long bytes);

    /// <summary>Progress inside the current file: bytes consumed of the (decompressed) stream, packets decoded.</summary>
    void FileAdvanced(string path, long bytesRead, long packets);

    /// <summary>A file's outcome (ingested, skipped, failed, ...).</summary>
    void FileFinished(IngestFileOutcome outcome);

    /// <summary>A notice that is not about one file's progress (crash recovery, ...).</summary>
    void Notice(string message);
}

/// <summary>Ignores everything (library use, tests).</summary>
public sealed class SilentProgress : IIngestProgress
{
    public static SilentProgress Instance { get; } = new();
    public void FileStarted(string path, long bytes) { }
    public void FileAdvanced(string path, long bytesRead, long packets) { }
    public void FileFinished(IngestFileOutcome outcome) { }
    public void Notice(string message) { }
}
