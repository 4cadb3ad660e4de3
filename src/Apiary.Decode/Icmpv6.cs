using Apiary.Core;

namespace Apiary.Decode;

/// <summary>ICMPv6: type, code; error messages quote the offending packet (<see cref="QuotedPacket"/>).</summary>
internal static class Icmpv6
{
    public const int HeaderLength = 8;

    /// <summary>Destination unreachable (1), packet too big (2), time exceeded (3), parameter problem (4).</summary>
    public static bool IsError(int type) => type is 1 or 2 or 3 or 4;

    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        var firstFragment = p.MoreFragments;
        var segmentLength = end - offset;
        var captured = Math.Min(frame.Length, end) - offset;
        if (!TransportBytes.Available(2, segmentLength, captured, firstFragment, AnomalyNames.Icmpv6HeaderTruncated, offset, ref p, ctx)) return;
        p.TransportOffset = offset;
        p.IcmpType = frame[offset];
        p.IcmpCode = frame[offset + 1];
        // Informational messages are at least 4 bytes (echo, ND, MLD have more); errors carry 4 more before the quote.
        var headerLength = IsError(p.IcmpType) ? HeaderLength : 4;
        if (!TransportBytes.Available(headerLength, segmentLength, captured, firstFragment, AnomalyNames.Icmpv6HeaderTruncated, offset, ref p, ctx)) return;
        p.PayloadLength = segmentLength - headerLength;
        p.PayloadOffset = offset + headerLength;
        if (IsError(p.IcmpType))
            QuotedPacket.DecodeIpv6(frame, offset + HeaderLength, Math.Min(frame.Length, end), ref p, ctx);
    }
}
