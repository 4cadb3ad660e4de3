namespace Apiary.Fingerprint;

/// <summary>How a signature's window size is written: a value, <c>*</c>, <c>%N</c>, <c>mss*N</c> or <c>mtu*N</c>.</summary>
public enum WindowKind : byte
{
    Value,
    Any,
    Modulo,
    MssMultiple,
    MtuMultiple,
}

/// <summary>
/// One <c>sig = ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass</c> line of a <c>[tcp:request]</c> or
/// <c>[tcp:response]</c> section. -1 means a wildcard where p0f allows one.
/// </summary>
public sealed class TcpReferenceSignature
{
    public required FingerprintLabel Label { get; init; }
    /// <summary>1-based line of the sig in the database file.</summary>
    public required int Line { get; init; }
    /// <summary>The sig text as written.</summary>
    public required string Text { get; init; }
    /// <summary>True in [tcp:request] (SYN), false in [tcp:response] (SYN+ACK).</summary>
    public required bool ToServer { get; init; }
    /// <summary>4, 6 or -1 for both.</summary>
    public required int IpVersion { get; init; }
    /// <summary>Initial TTL (ttl+dist already summed).</summary>
    public required int InitialTtl { get; init; }
    /// <summary>The <c>ttl-</c> form: tools with random TTLs; only "not above" is checked.</summary>
    public required bool RandomTtl { get; init; }
    public required int IpOptionsLength { get; init; }
    /// <summary>MSS or -1 for <c>*</c>.</summary>
    public required int Mss { get; init; }
    public required WindowKind WindowKind { get; init; }
    public required int Window { get; init; }
    /// <summary>Window scale or -1 for <c>*</c>.</summary>
    public required int WindowScale { get; init; }
    public required byte[] OptionLayout { get; init; }
    public required int EolPadding { get; init; }
    public required P0fQuirks Quirks { get; init; }
    /// <summary>0 (no payload), 1 (payload) or -1 (any).</summary>
    public required int PayloadClass { get; init; }

    public override string ToString() => $"line {Line}: {Text}";
}

/// <summary>An <c>[mtu]</c> signature: a link type and one MTU value.</summary>
public sealed record MtuSignature(string Link, int Mtu, int Line);

/// <summary>
/// An HTTP signature (<c>ver:horder:habsent:expsw</c>), parsed and kept; Apiary does not match HTTP
/// (p0f's HTTP module needs stream reassembly of the first request / response).
/// </summary>
public sealed record HttpSignature(FingerprintLabel Label, bool ToServer, string Version, IReadOnlyList<string> HeaderOrder,
    IReadOnlyList<string> HeadersAbsent, string ExpectedSoftware, int Line);
