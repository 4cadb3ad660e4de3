namespace Apiary.Capture;

/// <summary>
/// One pcapng interface description block as the reader needs it: link type, snaplen and how to turn the
/// block's 64-bit timestamp ticks into nanoseconds since the epoch (if_tsresol and if_tsoffset).
/// </summary>
internal readonly struct PcapngInterface
{
    public readonly int LinkType;
    public readonly uint Snaplen;
    private readonly TickKind _kind;
    private readonly ulong _factor;   // ns per tick (Multiply) or ticks per ns (Divide)
    private readonly int _shift;      // 2^-shift seconds per tick (PowerOfTwo)
    private readonly long _offsetNs;  // if_tsoffset, in ns

    private enum TickKind : byte { Multiply, Divide, PowerOfTwo }

    private PcapngInterface(int linkType, uint snaplen, TickKind kind, ulong factor, int shift, long offsetNs)
    {
        LinkType = linkType;
        Snaplen = snaplen;
        _kind = kind;
        _factor = factor;
        _shift = shift;
        _offsetNs = offsetNs;
    }

    /// <summary>Default resolution when if_tsresol is absent: microseconds.</summary>
    public const byte DefaultTsresol = 6;

    /// <summary>True when the if_tsresol byte can be converted exactly (10^-0..10^-18 or 2^-0..2^-63).</summary>
    public static bool IsSupportedTsresol(byte tsresol) =>
        (tsresol & 0x80) == 0 ? tsresol <= 18 : (tsresol & 0x7f) <= 63;

    /// <summary>Builds an interface; <paramref name="tsresol"/> must satisfy <see cref="IsSupportedTsresol"/>.</summary>
    public static PcapngInterface Create(int linkType, uint snaplen, byte tsresol, long tsoffsetSeconds)
    {
        var offsetNs = unchecked(tsoffsetSeconds * 1_000_000_000L);
        if ((tsresol & 0x80) != 0)
            return new PcapngInterface(linkType, snaplen, TickKind.PowerOfTwo, 0, tsresol & 0x7f, offsetNs);
        if (tsresol <= 9)
            return new PcapngInterface(linkType, snaplen, TickKind.Multiply, Pow10(9 - tsresol), 0, offsetNs);
        return new PcapngInterface(linkType, snaplen, TickKind.Divide, Pow10(tsresol - 9), 0, offsetNs);
    }

    /// <summary>Nanoseconds since the epoch for a timestamp of <paramref name="ticks"/> units (truncated, as Wireshark does).</summary>
    public long ToNanoseconds(ulong ticks)
    {
        unchecked
        {
            return _kind switch
            {
                TickKind.Multiply => (long)(ticks * _factor) + _offsetNs,
                TickKind.Divide => (long)(ticks / _factor) + _offsetNs,
                _ => (long)((ticks >> _shift) * 1_000_000_000UL
                     + (ulong)(((UInt128)(ticks & ((1UL << _shift) - 1)) * 1_000_000_000UL) >> _shift)) + _offsetNs,
            };
        }
    }

    private static ulong Pow10(int n)
    {
        ulong v = 1;
        for (var i = 0; i < n; i++) v *= 10;
        return v;
    }
}
