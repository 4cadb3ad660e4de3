using Apiary.Core;

namespace Apiary.Capture;

/// <summary>
/// What capinfos reports about a capture, computed in one pass with <see cref="CaptureReader"/>:
/// counts, sizes, earliest/latest timestamps, time order, truncation and the anomalies seen.
/// </summary>
public sealed class CaptureSummary
{
    public required string Path { get; init; }
    public required string Format { get; init; }
    public required IReadOnlyList<int> LinkTypes { get; init; }
    public required int Snaplen { get; init; }
    public required long Packets { get; init; }
    /// <summary>Size of the file as stored (compressed size for gzip files).</summary>
    public required long FileBytes { get; init; }
    /// <summary>Bytes of the decompressed stream read.</summary>
    public required long StreamBytes { get; init; }
    /// <summary>Sum of captured lengths (capinfos' "Data size").</summary>
    public required long CapturedBytes { get; init; }
    /// <summary>Sum of wire lengths.</summary>
    public required long WireBytes { get; init; }
    /// <summary>Earliest and latest timestamps (ns since the epoch), as capinfos reports them; null without packets.</summary>
    public required long? FirstNs { get; init; }
    public required long? LastNs { get; init; }
    /// <summary>Packets whose timestamp is earlier than their predecessor's.</summary>
    public required long OutOfOrder { get; init; }
    public required int MaxCapturedLength { get; init; }
    public required bool Truncated { get; init; }
    /// <summary>Anomaly name to count, by name.</summary>
    public required IReadOnlyDictionary<string, long> Anomalies { get; init; }

    /// <summary>Reads the whole capture. Throws <see cref="CaptureFormatException"/> for a file that is not a capture.</summary>
    public static CaptureSummary Compute(string path)
    {
        var log = new AnomalyLog(samplesPerName: 1);
        using var reader = CaptureReader.Open(path, log);
        long packets = 0, captured = 0, wire = 0, outOfOrder = 0;
        long first = long.MaxValue, last = long.MinValue, previous = long.MinValue;
        var maxCaptured = 0;
        while (reader.TryReadNext(out var f))
        {
            packets++;
            captured += f.Data.Length;
            wire += f.WireLength;
            if (f.Data.Length > maxCaptured) maxCaptured = f.Data.Length;
            if (f.TimestampNs < previous) outOfOrder++;
            previous = f.TimestampNs;
            if (f.TimestampNs < first) first = f.TimestampNs;
            if (f.TimestampNs > last) last = f.TimestampNs;
        }
        return new CaptureSummary
        {
            Path = path,
            Format = reader.Format,
            LinkTypes = reader.LinkTypes.ToList(),
            Snaplen = reader.Snaplen,
            Packets = packets,
            FileBytes = new FileInfo(path).Length,
            StreamBytes = reader.BytesRead,
            CapturedBytes = captured,
            WireBytes = wire,
            FirstNs = packets > 0 ? first : null,
            LastNs = packets > 0 ? last : null,
            OutOfOrder = outOfOrder,
            MaxCapturedLength = maxCaptured,
            Truncated = reader.Truncated,
            Anomalies = log.Counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value),
        };
    }
}
