namespace Apiary.Simulator;

/// <summary>What a simulation wrote, counted while writing (the CLI prints it; tests recover the same from the files).</summary>
public sealed class SimulationSummary
{
    public long Frames { get; set; }

    /// <summary>Frames sent by sources to the honeypots (the paper's "packets coming from sources").</summary>
    public long InboundFrames { get; set; }

    public long InboundTcp { get; set; }
    public long InboundUdp { get; set; }
    public long InboundIcmp { get; set; }
    public long InboundPort139 { get; set; }
    public long Bytes { get; set; }
    public long Sources { get; set; }
    public Dictionary<SourceKind, long> SourcesByKind { get; } = [];
    public Dictionary<AttackerOs, long> SourcesByOs { get; } = [];
    public Dictionary<string, long> SourcesByCountry { get; } = new(StringComparer.Ordinal);
    public List<string> Files { get; } = [];
    public DateTime FirstPacketUtc { get; set; }
    public DateTime LastPacketUtc { get; set; }

    /// <summary>Probability that a single-target source is a backscatter victim (derived from the 95 % open-port share).</summary>
    public double BackscatterSourceShare { get; set; }

    public string GeoDatabase { get; set; } = "";
    public DateTime GeoDatabaseBuildDate { get; set; }
}
