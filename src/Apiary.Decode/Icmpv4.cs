using Apiary.Core;

namespace Apiary.Decode;

/// <summary>ICMP (IPv4): type, code; error messages quote the offending packet (<see cref="QuotedPacket"/>).</summary>
internal static class Icmpv4
{
    /// <summary>ICMP header: type, code, checksum, 4 bytes that depend on the type.</summary>
    public const int HeaderLength = 8;

    /// <summary>Destination unreachable (3), source quench (4), redirect (5), time exceeded (11), parameter problem (12).</summary>
    public static bool IsError(int type) => type is 3 or 4 or 5 or 11 or 12;

    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        var firstFragment = p.MoreFragments;
        var segmentLength = end - offset;
        var captured = Math.Min(frame.Length, end) - offset;
        if (!TransportBytes.Available(2, segmentLength, captured, firstFragment, AnomalyNames.IcmpHeaderTruncated, offset, ref p, ctx)) return;
        p.TransportOffset = offset;
        p.IcmpType = frame[offset];
        p.IcmpCode = frame[offset + 1];
        if (!TransportBytes.Available(HeaderLength, segmentLength, captured, firstFragment, AnomalyNames.IcmpHeaderTruncated, offset, ref p, ctx)) return;
        p.PayloadLength = segmentLength - HeaderLength;
        p.PayloadOffset = offset + HeaderLength;
        if (IsError(p.IcmpType))
            QuotedPacket.DecodeIpv4(frame, offset + HeaderLength, Math.Min(frame.Length, end), ref p, ctx);
    }
}
