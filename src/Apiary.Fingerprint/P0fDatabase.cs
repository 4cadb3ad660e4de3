namespace Apiary.Fingerprint;

/// <summary>
/// A loaded p0f v3 database: TCP SYN (request) and SYN+ACK (response) signatures, MTU link types and the
/// parsed (not matched) HTTP signatures. TCP signatures are grouped by option layout, in file order,
/// because p0f only ever compares signatures with the same layout and walks them in file order.
/// </summary>
public sealed class P0fDatabase
{
    private readonly Dictionary<ulong, TcpReferenceSignature[]> _request;
    private readonly Dictionary<ulong, TcpReferenceSignature[]> _response;
    private readonly Dictionary<int, MtuSignature> _mtuByValue = [];

    internal P0fDatabase(IReadOnlyList<string> classes, IReadOnlyList<TcpReferenceSignature> tcp, IReadOnlyList<MtuSignature> mtu,
        IReadOnlyList<HttpSignature> http, IReadOnlyList<string> uaOs)
    {
        Classes = classes;
        TcpSignatures = tcp;
        MtuSignatures = mtu;
        HttpSignatures = http;
        UserAgentOs = uaOs;
        _request = Group(tcp.Where(s => s.ToServer));
        _response = Group(tcp.Where(s => !s.ToServer));
        // p0f reports the first [mtu] label listed for a value.
        foreach (var m in mtu) _mtuByValue.TryAdd(m.Mtu, m);
    }

    private static Dictionary<ulong, TcpReferenceSignature[]> Group(IEnumerable<TcpReferenceSignature> sigs) =>
        sigs.GroupBy(s => OptionLayoutHash.Of(s.OptionLayout)).ToDictionary(g => g.Key, g => g.ToArray());

    /// <summary>Declared OS classes (<c>classes = win,unix,other</c>).</summary>
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<TcpReferenceSignature> TcpSignatures { get; }
    public IReadOnlyList<MtuSignature> MtuSignatures { get; }
    public IReadOnlyList<HttpSignature> HttpSignatures { get; }
    /// <summary>The <c>ua_os</c> list of [http:request].</summary>
    public IReadOnlyList<string> UserAgentOs { get; }

    /// <summary>Path the database was loaded from (null when parsed from text).</summary>
    public string? Path { get; internal set; }

    /// <summary>sha256 (hex) of the database file's bytes, for provenance (null when parsed from text).</summary>
    public string? Sha256 { get; internal set; }

    /// <summary>"path@sha256-prefix": stored with every fingerprint so a result names the database that produced it.</summary>
    public string Provenance => $"{Path ?? "(text)"}@{(Sha256 is null ? "none" : Sha256[..12])}";

    /// <summary>Signatures with the given option layout hash, in file order (empty when none).</summary>
    internal ReadOnlySpan<TcpReferenceSignature> Candidates(bool toServer, ulong layoutHash) =>
        (toServer ? _request : _response).TryGetValue(layoutHash, out var list) ? list : [];

    /// <summary>The [mtu] link label for an MTU, or null.</summary>
    public MtuSignature? MatchMtu(int mtu) => _mtuByValue.GetValueOrDefault(mtu);

    public static P0fDatabase Load(string path)
    {
        var db = P0fDatabaseLoader.Load(path);
        db.Path = System.IO.Path.GetFullPath(path);
        return db;
    }
}

/// <summary>Hash of a TCP option layout (kinds in order), the key under which p0f compares signatures.</summary>
public static class OptionLayoutHash
{
    public static ulong Of(ReadOnlySpan<byte> layout)
    {
        // FNV-1a over the kinds plus the count, so "" and "eol" differ.
        var h = 14695981039346656037UL;
        foreach (var b in layout) h = (h ^ b) * 1099511628211UL;
        return (h ^ (ulong)layout.Length) * 1099511628211UL;
    }
}
