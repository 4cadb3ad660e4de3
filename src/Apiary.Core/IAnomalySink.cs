namespace Apiary.Core;

/// <summary>
/// Where readers and decoders report hostile or broken input (Zeek's "weird"). Names are stable
/// snake_case identifiers such as <c>ipv4_header_length_too_short</c>; reporting never throws.
/// </summary>
public interface IAnomalySink
{
    /// <param name="name">Stable snake_case anomaly name.</param>
    /// <param name="frameNumber">1-based frame number in the file, 0 when the anomaly is about the file itself.</param>
    /// <param name="fileOffset">Byte offset in the (decompressed) file where the problem was seen.</param>
    /// <param name="detail">Optional human-readable detail (kept only for sampled rows).</param>
    void Report(string name, long frameNumber, long fileOffset, string? detail = null);
}

/// <summary>
/// Counts every anomaly and keeps a bounded sample of rows per name, so a flood of bad packets
/// cannot flood the store.
/// </summary>
public sealed class AnomalyLog : IAnomalySink
{
    /// <summary>Rows kept per anomaly name: enough to find examples, too few to matter for storage.</summary>
    public const int DefaultSamplesPerName = 20;

    private readonly int _samplesPerName;
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly List<AnomalySample> _samples = [];

    public AnomalyLog(int samplesPerName = DefaultSamplesPerName) => _samplesPerName = samplesPerName;

    public IReadOnlyDictionary<string, long> Counts => _counts;
    public IReadOnlyList<AnomalySample> Samples => _samples;
    public long Total { get; private set; }

    public void Report(string name, long frameNumber, long fileOffset, string? detail = null)
    {
        _counts.TryGetValue(name, out var n);
        _counts[name] = n + 1;
        Total++;
        if (n < _samplesPerName)
            _samples.Add(new AnomalySample(name, frameNumber, fileOffset, detail));
    }

    public long Count(string name) => _counts.TryGetValue(name, out var n) ? n : 0;
}

public sealed record AnomalySample(string Name, long FrameNumber, long FileOffset, string? Detail);
