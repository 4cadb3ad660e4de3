using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>View of the SCTP common header (12 bytes).</summary>
internal readonly ref struct SctpHeader
{
    public const int Length = 12;
    private readonly ReadOnlySpan<byte> _b;

    public SctpHeader(ReadOnlySpan<byte> bytes) => _b = bytes;

    public int SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_b);
    public int DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_b[2..]);
}

/// <summary>SCTP: ports only (chunks are payload).</summary>
internal static class Sctp
{
    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        var firstFragment = p.MoreFragments;
        var segmentLength = end - offset;
        var captured = Math.Min(frame.Length, end) - offset;
        if (!TransportBytes.Available(4, segmentLength, captured, firstFragment, AnomalyNames.SctpHeaderTruncated, offset, ref p, ctx)) return;
        var h = new SctpHeader(frame[offset..]);
        p.TransportOffset = offset;
        p.SourcePort = h.SourcePort;
        p.DestinationPort = h.DestinationPort;
        if (!TransportBytes.Available(SctpHeader.Length, segmentLength, captured, firstFragment, AnomalyNames.SctpHeaderTruncated, offset, ref p, ctx)) return;
        p.PayloadLength = segmentLength - SctpHeader.Length;
        var payloadOffset = offset + SctpHeader.Length;
        p.PayloadOffset = payloadOffset <= frame.Length ? payloadOffset : -1;
    }
}
