namespace Apiary.Fingerprint;

/// <summary>
/// What fingerprinting concludes from a packet's signature fields alone: the raw signature text, the match
/// (label, fuzziness, distance), p0f's params and the MTU with its link label. Packets with equal signature
/// fields get the same object from a <see cref="SignatureOutcomeCache"/>.
/// </summary>
public sealed class SignatureOutcome(string rawSignature, TcpMatch match, string parameters, int? mtu, string? link, int serial = -1)
{
    /// <summary>
    /// The outcome's number in the <see cref="SignatureOutcomeCache"/> that made it (0, 1, 2, ... in order of first
    /// sight, never reused by that cache), or -1 for an outcome made outside a cache. Lets a consumer keep per-outcome
    /// data in an array instead of a dictionary keyed by the object (the ingest's signature ids).
    /// </summary>
    public int Serial { get; } = serial;

    public string RawSignature { get; } = rawSignature;
    public TcpMatch Match { get; } = match;
    /// <summary>p0f's params field (generic, fuzzy, random_ttl, excess_dist, tos:0x.., or none).</summary>
    public string Params { get; } = parameters;
    /// <summary>MTU derived from the MSS option (MSS + 40 for IPv4, + 60 for IPv6); null when the packet has no MSS.</summary>
    public int? Mtu { get; } = mtu;
    /// <summary>[mtu] label for <see cref="Mtu"/> ("Ethernet or modem", ...), null when unknown.</summary>
    public string? Link { get; } = link;
}

/// <summary>
/// Remembers the <see cref="SignatureOutcome"/> of each distinct set of signature fields a flow tracker sees.
/// Scans and floods repeat a handful of signatures millions of times; matching against the database and writing
/// the raw signature text once per distinct set, instead of once per packet, was most of the fingerprinting
/// cost of an ingest (bench/README.md). The key holds every field that <see cref="TcpMatcher.Match"/>,
/// <see cref="RawSignature.Format"/> and <see cref="RawSignature.Params"/> read, packed
/// into four 64-bit words; a packet whose fields do not fit (more than 16 options, an option kind above 15) is
/// evaluated without the cache. Bounded: cleared when it holds <see cref="MaxEntries"/> outcomes.
/// </summary>
public sealed class SignatureOutcomeCache(P0fDatabase db)
{
    public const int MaxEntries = 4096;

    private readonly Dictionary<Key, SignatureOutcome> _outcomes = [];
    private int _nextSerial;

    /// <summary>
    /// The outcome of <paramref name="p"/> seen in the direction <paramref name="toServer"/> (a SYN) or from the
    /// server (a SYN+ACK), with the MSS of the SYN it answers (<paramref name="synMss"/>, 0 when unknown).
    /// </summary>
    public SignatureOutcome Evaluate(in TcpPacketSignature p, bool toServer, int synMss)
    {
        if (!TryKey(p, toServer, synMss, out var key)) return Compute(p, toServer, synMss, -1);
        if (_outcomes.TryGetValue(key, out var outcome)) return outcome;
        if (_outcomes.Count >= MaxEntries) _outcomes.Clear();
        outcome = Compute(p, toServer, synMss, _nextSerial++);
        _outcomes.Add(key, outcome);
        return outcome;
    }

    private SignatureOutcome Compute(in TcpPacketSignature p, bool toServer, int synMss, int serial)
    {
        var match = TcpMatcher.Match(db, toServer, p, synMss);
        int? mtu = p.Mss == 0 ? null : p.Mss + (p.IpVersion == 4 ? 40 : 60);
        return new SignatureOutcome(RawSignature.Format(p, synMss), match, RawSignature.Params(match, p.Tos), mtu,
            mtu is { } v ? db.MatchMtu(v)?.Link : null, serial);
    }

    private static bool TryKey(in TcpPacketSignature p, bool toServer, int synMss, out Key key)
    {
        key = default;
        var layout = p.Layout;
        if (layout.Length > 16 || (uint)p.IpOptionsLength > 255 || (uint)p.EolPadding > 255 || (uint)p.TotalHeaderLength > 0xFFFF
            || (uint)p.Window > 0xFFFF || (uint)p.Mss > 0xFFFF || p.WindowScale < -1 || p.WindowScale > 0xFFFE || (uint)synMss > 0xFFFF)
            return false;
        ulong options = 0;
        for (var i = 0; i < layout.Length; i++)
        {
            if (layout[i] > 15) return false;
            options |= (ulong)layout[i] << (4 * i);
        }
        key = new Key(
            p.IpVersion | (ulong)p.Ttl << 8 | (ulong)p.Tos << 16 | (ulong)(uint)p.IpOptionsLength << 24 | (ulong)p.TcpType << 32
                | (ulong)(uint)p.EolPadding << 40 | (ulong)(uint)layout.Length << 48
                | (p.PayloadLength > 0 ? 1UL << 56 : 0) | (p.Ts1 != 0 ? 1UL << 57 : 0) | (toServer ? 1UL << 58 : 0),
            (ulong)(uint)p.Window | (ulong)(uint)p.Mss << 16 | (ulong)(uint)(p.WindowScale + 1) << 32 | (ulong)(uint)p.TotalHeaderLength << 48,
            (ulong)(uint)p.Quirks | (ulong)(uint)synMss << 32,
            options);
        return true;
    }

    private readonly record struct Key(ulong A, ulong B, ulong C, ulong Options)
    {
        public bool Equals(Key other) => A == other.A && B == other.B && C == other.C && Options == other.Options;

        public override int GetHashCode()
        {
            // Multiply-xorshift mix of the four words (the default record hash goes through EqualityComparer per field).
            var h = A * 0x9E3779B97F4A7C15UL ^ B;
            h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9UL ^ C;
            h = (h ^ (h >> 31)) * 0x94D049BB133111EBUL ^ Options;
            h ^= h >> 32;
            return (int)h;
        }
    }
}
