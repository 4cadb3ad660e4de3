namespace Apiary.Ingest;

/// <summary>What happened to one input file.</summary>
public enum IngestFileStatus
{
    /// <summary>Loaded and marked complete.</summary>
    Ingested,
    /// <summary>Its sha256 was already complete in the store (or appeared earlier in the same run).</summary>
    Skipped,
    /// <summary>Found inside a folder and not a capture: ignored, not an error.</summary>
    NotCaptureIgnored,
    /// <summary>Named explicitly and not a capture, unreadable, or its load failed: an error, nothing stored.</summary>
    Failed,
    /// <summary>Cancelled (Ctrl+C) while loading: nothing stored.</summary>
    Cancelled,
}

/// <summary>The outcome of one file.</summary>
public sealed record IngestFileOutcome(string Path, IngestFileStatus Status, int? FileId, long Packets, long Anomalies, TimeSpan Elapsed, string? Message);

/// <summary>The outcome of a run.</summary>
public sealed record IngestResult(IReadOnlyList<IngestFileOutcome> Files, TimeSpan Elapsed, bool Cancelled)
{
    public int Ingested => Files.Count(f => f.Status == IngestFileStatus.Ingested);
    public int Skipped => Files.Count(f => f.Status == IngestFileStatus.Skipped);
    public int Failed => Files.Count(f => f.Status == IngestFileStatus.Failed);
    public int Ignored => Files.Count(f => f.Status == IngestFileStatus.NotCaptureIgnored);
    public long Packets => Files.Where(f => f.Status == IngestFileStatus.Ingested).Sum(f => f.Packets);
    public long Anomalies => Files.Where(f => f.Status == IngestFileStatus.Ingested).Sum(f => f.Anomalies);
    public double PacketsPerSecond => Elapsed.TotalSeconds > 0 ? Packets / Elapsed.TotalSeconds : 0;

    /// <summary>0 when every named file was ingested or skipped; 1 when any failed; 130 when cancelled.</summary>
    public int ExitCode => Cancelled ? 130 : Failed > 0 ? 1 : 0;
}
