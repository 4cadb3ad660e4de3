using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>
/// One fingerprinted SYN or SYN+ACK: the raw signature, the match (or unknown), the distance and the
/// MTU guessed from the MSS. Client and server are named as p0f names them (the SYN's sender is the client).
/// </summary>
public sealed class FingerprintObservation
{
    public required long TimestampNs { get; init; }
    public required long FrameNumber { get; init; }
    /// <summary>True for a SYN (the client is fingerprinted), false for a SYN+ACK (the server is).</summary>
    public required bool IsSyn { get; init; }
    public required IpAddress128 Client { get; init; }
    public required ushort ClientPort { get; init; }
    public required IpAddress128 Server { get; init; }
    public required ushort ServerPort { get; init; }
    public required int IpVersion { get; init; }
    /// <summary>Raw signature, match, params, MTU and link: one shared object per distinct set of signature fields.</summary>
    public required SignatureOutcome Outcome { get; init; }
    public string RawSignature => Outcome.RawSignature;
    public TcpMatch Match => Outcome.Match;
    /// <summary>p0f's params field (generic, fuzzy, random_ttl, excess_dist, tos:0x.., or none).</summary>
    public string Params => Outcome.Params;
    /// <summary>MTU derived from the MSS option (MSS + 40 for IPv4, + 60 for IPv6); null when the packet has no MSS.</summary>
    public int? Mtu => Outcome.Mtu;
    /// <summary>[mtu] label for <see cref="Mtu"/> ("Ethernet or modem", ...), null when unknown.</summary>
    public string? Link => Outcome.Link;
    /// <summary>True when p0f writes a <c>mod=mtu</c> line for this packet (it does not for application matches).</summary>
    public required bool MtuReported { get; init; }
    /// <summary>
    /// A SYN+ACK for which no SYN was seen (backscatter of a spoofed flood). p0f never reports these; Apiary does
    /// only in <see cref="FingerprintMode.IncludeStraySynAcks"/> mode.
    /// </summary>
    public required bool Stray { get; init; }
    /// <summary>A p0f-sendsyn probe or its answer (p0f's special SYN with window 1337 and MSS 1331).</summary>
    public required bool SendSyn { get; init; }

    public IpAddress128 Subject => IsSyn ? Client : Server;

    public ushort SubjectPort => IsSyn ? ClientPort : ServerPort;

    /// <summary>The observation of <paramref name="f"/>, seen in frame <paramref name="frameNumber"/> at <paramref name="timestampNs"/>.</summary>
    public static FingerprintObservation Of(in TrackedFingerprint f, long timestampNs, long frameNumber) => new()
    {
        TimestampNs = timestampNs,
        FrameNumber = frameNumber,
        IsSyn = f.IsSyn,
        Client = f.Client,
        ClientPort = f.ClientPort,
        Server = f.Server,
        ServerPort = f.ServerPort,
        IpVersion = f.IpVersion,
        Outcome = f.Outcome,
        MtuReported = f.MtuReported,
        Stray = f.Stray,
        SendSyn = f.SendSyn,
    };

    /// <summary>p0f's <c>mod=</c> value.</summary>
    public string Module => SendSyn ? (IsSyn ? "sendsyn probe" : "sendsyn response") : IsSyn ? "syn" : Stray ? "syn+ack (stray)" : "syn+ack";

    /// <summary>p0f's <c>dist=</c> value: "&lt;= n" for random-TTL tools.</summary>
    public string DistanceText => Match.Signature?.RandomTtl == true ? $"<= {Match.Distance}" : Match.Distance.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// What <see cref="P0fFlowTracker.TryProcess"/> concludes about the SYN or SYN+ACK it was given (the fields of
/// <see cref="FingerprintObservation"/> without time and frame, which are the caller's packet's), as a struct.
/// </summary>
public readonly record struct TrackedFingerprint(bool IsSyn, IpAddress128 Client, ushort ClientPort, IpAddress128 Server, ushort ServerPort,
    int IpVersion, SignatureOutcome Outcome, bool MtuReported, bool Stray, bool SendSyn)
{
    public IpAddress128 Subject => IsSyn ? Client : Server;
    public ushort SubjectPort => IsSyn ? ClientPort : ServerPort;
    public TcpMatch Match => Outcome.Match;
}

/// <summary>Which packets the fingerprinter reports.</summary>
public enum FingerprintMode
{
    /// <summary>Exactly what p0f 3.09b reports: SYNs, and SYN+ACKs only inside a flow whose SYN was seen.</summary>
    P0fCompatible,
    /// <summary>
    /// As p0f, plus SYN+ACKs whose SYN was never seen (backscatter: the victim of a spoofed SYN flood answers
    /// the spoofed address). They are flagged <see cref="FingerprintObservation.Stray"/> and do not change the
    /// p0f-compatible results.
    /// </summary>
    IncludeStraySynAcks,
}
