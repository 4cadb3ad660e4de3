namespace Apiary.Fingerprint;

/// <summary>The outcome of matching one SYN or SYN+ACK against the database.</summary>
/// <param name="Signature">The matching signature, null when nothing matched ("unknown", p0f's <c>???</c>).</param>
/// <param name="Fuzzy">Matched only with p0f's tolerance (TTL out of range, df/id+ gone, id-/ecn appeared).</param>
/// <param name="Distance">Hops from the initial TTL (p0f's <c>dist</c>); an upper bound for random-TTL tools.</param>
public readonly record struct TcpMatch(TcpReferenceSignature? Signature, bool Fuzzy, int Distance)
{
    public FingerprintLabel? Label => Signature?.Label;
    public bool Generic => Signature?.Label.Generic ?? false;
}

/// <summary>
/// p0f 3.09b's TCP signature matching (fp_tcp.c tcp_find_match), reproduced rule for rule:
/// only signatures with the packet's exact option layout are candidates, walked in file order;
/// the first exact specific ('s') match wins; else the first exact generic ('g') match; else the first
/// fuzzy match (quirks may differ only by df / id+ disappearing or id- / ecn appearing, or the TTL may be
/// out of range), except that application signatures never match fuzzily.
/// Like p0f, the IP version of a signature is not compared; version-specific quirks of a '*' signature
/// are ignored for the other version.
/// </summary>
public static class TcpMatcher
{
    /// <summary>Largest TTL distance for a non-fuzzy match (p0f config.h MAX_DIST).</summary>
    public const int MaxDistance = 35;

    private const int MinTcp4 = 40, MinTcp6 = 60;

    /// <summary>Matches a packet; <paramref name="synMss"/> is the MSS of the SYN that opened the flow (SYN+ACK only, else 0).</summary>
    public static TcpMatch Match(P0fDatabase db, bool toServer, in TcpPacketSignature p, int synMss)
    {
        var probe = Probe.Of(p);
        var (multi, useMtu) = WindowMultiplier(probe, synMss);
        var candidates = db.Candidates(toServer, OptionLayoutHash.Of(p.Layout));
        TcpReferenceSignature? fuzzyMatch = null, genericMatch = null;
        foreach (var r in candidates)
        {
            if (!r.OptionLayout.AsSpan().SequenceEqual(p.Layout)) continue;
            switch (Compare(r, probe, multi, useMtu, fuzzyMatch is not null))
            {
                case Outcome.Exact when !r.Label.Generic:
                    return new TcpMatch(r, false, r.InitialTtl - p.Ttl);
                case Outcome.Exact:
                    genericMatch ??= r;
                    break;
                case Outcome.Fuzzy:
                    fuzzyMatch ??= r;
                    break;
            }
        }

        if (genericMatch is not null) return new TcpMatch(genericMatch, false, genericMatch.InitialTtl - p.Ttl);
        // "No fuzzy matching for userland tools": unknown, and p0f leaves the distance at 0.
        if (fuzzyMatch is not null && fuzzyMatch.Label.IsApplication) return new TcpMatch(null, false, 0);
        int dist;
        if (fuzzyMatch is null || fuzzyMatch.InitialTtl < p.Ttl || (!fuzzyMatch.RandomTtl && fuzzyMatch.InitialTtl - p.Ttl > MaxDistance))
            dist = GuessDistance(p.Ttl);
        else dist = fuzzyMatch.InitialTtl - p.Ttl;
        return new TcpMatch(fuzzyMatch, fuzzyMatch is not null, dist);
    }

    /// <summary>
    /// The earlier specific signature that already matches <paramref name="sig"/> exactly, as p0f checks when it
    /// loads a database (a covered signature could never be reported), or null.
    /// </summary>
    public static TcpReferenceSignature? FindCovering(IEnumerable<TcpReferenceSignature> earlier, TcpReferenceSignature sig)
    {
        var probe = Probe.Of(sig);
        var (multi, useMtu) = WindowMultiplier(probe, 0);
        var fuzzySeen = false;
        foreach (var r in earlier)
        {
            if (r.ToServer != sig.ToServer || !r.OptionLayout.AsSpan().SequenceEqual(sig.OptionLayout)) continue;
            var o = Compare(r, probe, multi, useMtu, fuzzySeen);
            if (o == Outcome.Exact && !r.Label.Generic) return r;
            if (o == Outcome.Fuzzy) fuzzySeen = true;
        }
        return null;
    }

    /// <summary>p0f's guess of the hops travelled when no signature gives the initial TTL.</summary>
    public static int GuessDistance(int ttl) => ttl <= 32 ? 32 - ttl : ttl <= 64 ? 64 - ttl : ttl <= 128 ? 128 - ttl : 255 - ttl;

    /// <summary>
    /// Whether the window is a multiple of the MSS (or of an MTU): returns the multiplier and whether it is
    /// an MTU multiple, or (-1, false). Same candidates in the same order as p0f's detect_win_multi.
    /// </summary>
    public static (int Multiplier, bool UseMtu) WindowMultiplier(in TcpPacketSignature p, int synMss) =>
        WindowMultiplier(Probe.Of(p), synMss);

    private static (int, bool) WindowMultiplier(in Probe p, int synMss)
    {
        var win = p.Window;
        var mss = p.Mss;
        if (win == 0 || mss < 100 || p.WindowKind != WindowKind.Value) return (-1, false);
        if (Divides(mss)) return (win / mss, false);
        // Some systems subtract 12 bytes when timestamps are in use.
        if (p.HasTs1 && Divides(mss - 12)) return (win / (mss - 12), false);
        // MTU of the wrong interface (1500), the most common case.
        if (Divides(1500 - MinTcp4)) return (win / (1500 - MinTcp4), false);
        if (Divides(1500 - MinTcp4 - 12)) return (win / (1500 - MinTcp4 - 12), false);
        if (p.IpVersion == 6)
        {
            if (Divides(1500 - MinTcp6)) return (win / (1500 - MinTcp6), false);
            if (Divides(1500 - MinTcp6 - 12)) return (win / (1500 - MinTcp6 - 12), false);
        }
        // MTU instead of MSS.
        if (Divides(mss + MinTcp4)) return (win / (mss + MinTcp4), true);
        if (Divides(mss + p.TotalHeaderLength)) return (win / (mss + p.TotalHeaderLength), true);
        if (p.IpVersion == 6 && Divides(mss + MinTcp6)) return (win / (mss + MinTcp6), true);
        if (Divides(1500)) return (win / 1500, true);
        // SYN+ACKs sometimes use the peer's MSS.
        if (synMss != 0)
        {
            if (Divides(synMss)) return (win / synMss, false);
            // p0f would divide by zero (and crash) for a peer MSS of 12; skipped here.
            if (synMss != 12 && Divides(synMss - 12)) return (win / (synMss - 12), false);
        }
        return (-1, false);

        bool Divides(int d) => d != 0 && win % d == 0;
    }

    private enum Outcome { NoMatch, Exact, Fuzzy }

    private static Outcome Compare(TcpReferenceSignature r, in Probe p, int winMulti, bool useMtu, bool haveFuzzy)
    {
        var fuzzy = false;
        var refQuirks = r.Quirks;
        if (r.IpVersion == -1)
            refQuirks &= p.IpVersion == 4 ? ~P0fQuirkNames.Ipv6Only : ~P0fQuirkNames.Ipv4Only;
        if (refQuirks != p.Quirks)
        {
            var deleted = (refQuirks ^ p.Quirks) & refQuirks;
            var added = (refQuirks ^ p.Quirks) & p.Quirks;
            // Once a fuzzy candidate exists, p0f stops considering quirk-fuzzy ones.
            if (haveFuzzy || (deleted & ~(P0fQuirks.Df | P0fQuirks.NonZeroId)) != 0 || (added & ~(P0fQuirks.ZeroId | P0fQuirks.Ecn)) != 0)
                return Outcome.NoMatch;
            fuzzy = true;
        }

        if (r.EolPadding != p.EolPadding || r.IpOptionsLength != p.IpOptionsLength) return Outcome.NoMatch;

        if (r.RandomTtl)
        {
            if (r.InitialTtl < p.Ttl) return Outcome.NoMatch;
        }
        else if (r.InitialTtl < p.Ttl || r.InitialTtl - p.Ttl > MaxDistance) fuzzy = true;

        if (r.Mss != -1 && r.Mss != p.Mss) return Outcome.NoMatch;
        if (r.WindowScale != -1 && r.WindowScale != p.WindowScale) return Outcome.NoMatch;
        if (r.PayloadClass != -1 && r.PayloadClass != p.PayloadClass) return Outcome.NoMatch;

        if (p.WindowKind != WindowKind.Value)
        {
            // Comparing two database signatures (duplicate check).
            if (r.WindowKind != p.WindowKind || r.Window != p.Window) return Outcome.NoMatch;
        }
        else
        {
            switch (r.WindowKind)
            {
                case WindowKind.Value when r.Window != p.Window:
                case WindowKind.Modulo when p.Window % r.Window != 0:
                case WindowKind.MssMultiple when useMtu || r.Window != winMulti:
                case WindowKind.MtuMultiple when !useMtu || r.Window != winMulti:
                    return Outcome.NoMatch;
            }
        }
        return fuzzy ? Outcome.Fuzzy : Outcome.Exact;
    }

    /// <summary>The fields matching compares, from a packet or from a database signature (duplicate check).</summary>
    private readonly record struct Probe(int IpVersion, int Ttl, int IpOptionsLength, int Mss, WindowKind WindowKind, int Window,
        int WindowScale, int EolPadding, P0fQuirks Quirks, int PayloadClass, int TotalHeaderLength, bool HasTs1)
    {
        public static Probe Of(in TcpPacketSignature p) => new(p.IpVersion, p.Ttl, p.IpOptionsLength, p.Mss, WindowKind.Value, p.Window,
            p.WindowScale, p.EolPadding, p.Quirks, p.PayloadLength > 0 ? 1 : 0, p.TotalHeaderLength, p.Ts1 != 0);

        public static Probe Of(TcpReferenceSignature s) => new(s.IpVersion, s.InitialTtl, s.IpOptionsLength, s.Mss, s.WindowKind, s.Window,
            s.WindowScale, s.EolPadding, s.Quirks, s.PayloadClass, 0, false);
    }
}
