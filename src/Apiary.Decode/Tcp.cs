using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>View of a TCP header (at least the 20 fixed bytes).</summary>
internal readonly ref struct TcpHeader
{
    public const int MinLength = 20;
    public const int MaxLength = 60;
    private readonly ReadOnlySpan<byte> _b;

    public TcpHeader(ReadOnlySpan<byte> bytes) => _b = bytes;

    public int SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_b);
    public int DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_b[2..]);
    public uint Sequence => BinaryPrimitives.ReadUInt32BigEndian(_b[4..]);
    public uint Acknowledgment => BinaryPrimitives.ReadUInt32BigEndian(_b[8..]);
    public int HeaderLength => (_b[12] >> 4) * 4;
    public byte Flags => _b[13];
    public int Window => BinaryPrimitives.ReadUInt16BigEndian(_b[14..]);
    public int UrgentPointer => BinaryPrimitives.ReadUInt16BigEndian(_b[18..]);
}

/// <summary>TCP: ports, sequence numbers, flags, window, options (<see cref="TcpOptions"/>).</summary>
internal static class Tcp
{
    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        // First fragments may legitimately carry only part of the header (nmap -f sends 8-byte pieces).
        var firstFragment = p.MoreFragments;
        var segmentLength = end - offset;
        var captured = Math.Min(frame.Length, end) - offset;

        if (!TransportBytes.Available(4, segmentLength, captured, firstFragment, AnomalyNames.TcpHeaderTruncated, offset, ref p, ctx)) return;
        var h = new TcpHeader(frame[offset..]);
        p.TransportOffset = offset;
        p.SourcePort = h.SourcePort;
        p.DestinationPort = h.DestinationPort;

        if (!TransportBytes.Available(TcpHeader.MinLength, segmentLength, captured, firstFragment, AnomalyNames.TcpHeaderTruncated, offset, ref p, ctx)) return;
        p.TcpSeq = h.Sequence;
        p.TcpAck = h.Acknowledgment;
        p.TcpFlags = h.Flags;
        p.TcpWindow = h.Window;
        p.TcpUrgent = h.UrgentPointer;
        var headerLength = h.HeaderLength;
        p.TcpHeaderLength = headerLength;
        if (headerLength < TcpHeader.MinLength || (headerLength > segmentLength && !firstFragment))
        {
            ctx.Report(ref p, AnomalyNames.TcpHeaderLengthInvalid, offset + 12);
            return;
        }

        p.PayloadLength = Math.Max(0, segmentLength - headerLength);
        var payloadOffset = offset + headerLength;
        p.PayloadOffset = payloadOffset <= frame.Length ? payloadOffset : -1;

        if (headerLength > TcpHeader.MinLength && captured >= headerLength)
        {
            // The layout is what p0f fingerprints: only SYN and SYN+ACK carry it (saves the work elsewhere).
            var wantLayout = (h.Flags & TcpFlagBits.Syn) != 0;
            TcpOptions.Parse(frame.Slice(offset + TcpHeader.MinLength, headerLength - TcpHeader.MinLength),
                offset + TcpHeader.MinLength, wantLayout, ref p, ctx);
        }
        // Options cut off by the snap length (or by a first fragment) are left undecoded.
    }
}
