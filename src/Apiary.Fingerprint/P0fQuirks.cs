namespace Apiary.Fingerprint;

/// <summary>
/// p0f v3 quirk bits of a SYN or SYN+ACK (the 7th field of a TCP signature). The declaration order is
/// the order p0f prints them in a raw signature.
/// </summary>
[Flags]
public enum P0fQuirks : uint
{
    None = 0,
    /// <summary><c>df</c>: IPv4 don't-fragment set.</summary>
    Df = 1 << 0,
    /// <summary><c>id+</c>: DF set but IP ID non-zero.</summary>
    NonZeroId = 1 << 1,
    /// <summary><c>id-</c>: DF not set but IP ID zero.</summary>
    ZeroId = 1 << 2,
    /// <summary><c>ecn</c>: ECN bits in IP TOS, ECE/CWR flags or the NS bit.</summary>
    Ecn = 1 << 3,
    /// <summary><c>0+</c>: IPv4 "must be zero" flag set.</summary>
    NonZeroMbz = 1 << 4,
    /// <summary><c>flow</c>: non-zero IPv6 flow label.</summary>
    Flow = 1 << 5,
    /// <summary><c>seq-</c>: sequence number zero.</summary>
    ZeroSeq = 1 << 6,
    /// <summary><c>ack+</c>: ACK number non-zero without the ACK flag (as p0f 3.09b tests it, see TcpPacketParser).</summary>
    NonZeroAck = 1 << 7,
    /// <summary><c>ack-</c>: ACK flag with a zero ACK number.</summary>
    ZeroAck = 1 << 8,
    /// <summary><c>uptr+</c>: urgent pointer non-zero without the URG flag.</summary>
    NonZeroUrgentPointer = 1 << 9,
    /// <summary><c>urgf+</c>: URG flag set.</summary>
    Urgent = 1 << 10,
    /// <summary><c>pushf+</c>: PUSH flag set.</summary>
    Push = 1 << 11,
    /// <summary><c>ts1-</c>: own timestamp zero.</summary>
    ZeroTimestamp1 = 1 << 12,
    /// <summary><c>ts2+</c>: peer timestamp non-zero on a SYN.</summary>
    NonZeroTimestamp2 = 1 << 13,
    /// <summary><c>opt+</c>: non-zero bytes after the EOL option.</summary>
    TrailingOptionData = 1 << 14,
    /// <summary><c>exws</c>: window scale above 14.</summary>
    ExcessiveWindowScale = 1 << 15,
    /// <summary><c>bad</c>: malformed TCP options.</summary>
    BadOptions = 1 << 16,
}

/// <summary>Names of the quirks in p0f's notation, in p0f's print order.</summary>
public static class P0fQuirkNames
{
    /// <summary>(bit, token) in the order p0f writes them.</summary>
    public static IReadOnlyList<(P0fQuirks Bit, string Token)> All => Ordered;

    /// <summary>The same as <see cref="All"/> as an array (iterated per packet without an enumerator).</summary>
    internal static readonly (P0fQuirks Bit, string Token)[] Ordered =
    [
        (P0fQuirks.Df, "df"), (P0fQuirks.NonZeroId, "id+"), (P0fQuirks.ZeroId, "id-"), (P0fQuirks.Ecn, "ecn"),
        (P0fQuirks.NonZeroMbz, "0+"), (P0fQuirks.Flow, "flow"), (P0fQuirks.ZeroSeq, "seq-"), (P0fQuirks.NonZeroAck, "ack+"),
        (P0fQuirks.ZeroAck, "ack-"), (P0fQuirks.NonZeroUrgentPointer, "uptr+"), (P0fQuirks.Urgent, "urgf+"),
        (P0fQuirks.Push, "pushf+"), (P0fQuirks.ZeroTimestamp1, "ts1-"), (P0fQuirks.NonZeroTimestamp2, "ts2+"),
        (P0fQuirks.TrailingOptionData, "opt+"), (P0fQuirks.ExcessiveWindowScale, "exws"), (P0fQuirks.BadOptions, "bad"),
    ];

    /// <summary>Quirks that only exist for IPv4 (ignored on IPv6 packets when a signature is for both versions).</summary>
    public const P0fQuirks Ipv4Only = P0fQuirks.Df | P0fQuirks.NonZeroId | P0fQuirks.ZeroId;

    /// <summary>Quirks that only exist for IPv6.</summary>
    public const P0fQuirks Ipv6Only = P0fQuirks.Flow;
}
