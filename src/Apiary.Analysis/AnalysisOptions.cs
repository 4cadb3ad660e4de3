namespace Apiary.Analysis;

/// <summary>Filters and definition parameters shared by every analysis (docs/analyses.md, "Parameters").</summary>
public sealed record AnalysisOptions
{
    /// <summary>Only packets at or after this UTC time.</summary>
    public DateTime? From { get; init; }

    /// <summary>Only packets before this UTC time.</summary>
    public DateTime? To { get; init; }

    /// <summary>Only this platform (capture_files.sensor).</summary>
    public string? Platform { get; init; }

    /// <summary>A source (one address on one platform) ends after a silence longer than this. Paper/Leurre.com: 25 h.</summary>
    public TimeSpan SourceGap { get; init; } = TimeSpan.FromHours(25);

    /// <summary>A tiny session (one address on one target) ends after a silence longer than this.</summary>
    public TimeSpan TinySessionGap { get; init; } = TimeSpan.FromHours(25);

    /// <summary>A source is a scanner when it contacts at least this many targets ...</summary>
    public int ScanMinTargets { get; init; } = 2;

    /// <summary>... or at least this many distinct destination ports on one target.</summary>
    public int ScanMinPorts { get; init; } = 5;

    /// <summary>How many ports the per-port tables and charts show before "other" (Fig. 4 and 5).</summary>
    public int TopPorts { get; init; } = 10;

    /// <summary>How many countries the per-month tables and the homogeneity test keep before "other".</summary>
    public int TopCountries { get; init; } = 8;

    /// <summary>A silence inside a capture period longer than this is reported as a capture gap.</summary>
    public TimeSpan CaptureGapThreshold { get; init; } = TimeSpan.FromHours(6);
}
