using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>View of a UDP header (8 bytes).</summary>
internal readonly ref struct UdpHeader
{
    public const int Length = 8;
    private readonly ReadOnlySpan<byte> _b;

    public UdpHeader(ReadOnlySpan<byte> bytes) => _b = bytes;

    public int SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_b);
    public int DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_b[2..]);
    public int DatagramLength => BinaryPrimitives.ReadUInt16BigEndian(_b[4..]);
}

/// <summary>UDP: ports and the datagram length (payload = length - 8).</summary>
internal static class Udp
{
    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        var firstFragment = p.MoreFragments;
        var segmentLength = end - offset;
        var captured = Math.Min(frame.Length, end) - offset;
        if (!TransportBytes.Available(4, segmentLength, captured, firstFragment, AnomalyNames.UdpHeaderTruncated, offset, ref p, ctx)) return;
        var h = new UdpHeader(frame[offset..]);
        p.TransportOffset = offset;
        p.SourcePort = h.SourcePort;
        p.DestinationPort = h.DestinationPort;
        if (!TransportBytes.Available(UdpHeader.Length, segmentLength, captured, firstFragment, AnomalyNames.UdpHeaderTruncated, offset, ref p, ctx)) return;

        var datagramLength = h.DatagramLength;
        var payloadOffset = offset + UdpHeader.Length;
        p.PayloadOffset = payloadOffset <= frame.Length ? payloadOffset : -1;
        if (datagramLength < UdpHeader.Length || (datagramLength > segmentLength && !firstFragment))
        {
            // The IP length is the better witness of the payload size then.
            p.PayloadLength = segmentLength - UdpHeader.Length;
            ctx.Report(ref p, AnomalyNames.UdpLengthInvalid, offset + 4);
            return;
        }
        p.PayloadLength = datagramLength - UdpHeader.Length;
    }
}

/// <summary>Shared rule for "are the transport header bytes there?".</summary>
internal static class TransportBytes
{
    /// <summary>
    /// True when <paramref name="needed"/> bytes are there. Missing bytes are an anomaly when the IP length
    /// itself is too short, or when the capture ends early without having been snapped; a first fragment
    /// may legitimately carry only part of a transport header.
    /// </summary>
    public static bool Available(int needed, int segmentLength, int captured, bool firstFragment, string anomaly, int offset, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (segmentLength >= needed && captured >= needed) return true;
        if (firstFragment) return false;
        if (segmentLength < needed) ctx.Report(ref p, anomaly, offset);
        else ctx.Truncated(ref p, anomaly, offset);
        return false;
    }
}
