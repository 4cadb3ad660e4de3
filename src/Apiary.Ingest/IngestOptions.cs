namespace Apiary.Ingest;

/// <summary>Settings of one ingest run.</summary>
public sealed record IngestOptions
{
    /// <summary>
    /// Rows per batch handed from the decoder to the loader lanes: 8192 rows (~2 MB of DecodedPacket) amortise
    /// the hand-over cost while keeping every batch in the CPU cache's reach. Tests run with tiny sizes (e.g. 7).
    /// </summary>
    public const int DefaultBatchSize = 8192;

    /// <summary>Platform (sensor site) name stored with every file.</summary>
    public string Sensor { get; init; } = "default";

    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// Loader lanes per file (connections appending in parallel). DuckDB's compression is the costly part of a
    /// load, so one lane per core; the decoder needs a fraction of one core.
    /// </summary>
    public int Lanes { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Batches in flight per lane between decoder and loaders (bounded: a slow store slows the reader instead of
    /// growing memory). Two per lane keep every lane busy while the decoder fills the next.
    /// </summary>
    public int BatchesPerLane { get; init; } = 2;
}
