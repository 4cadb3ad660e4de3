using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>View of an IPv4 header (at least the 20 fixed bytes).</summary>
internal readonly ref struct Ipv4Header
{
    public const int MinLength = 20;
    private readonly ReadOnlySpan<byte> _b;

    public Ipv4Header(ReadOnlySpan<byte> bytes) => _b = bytes;

    public int Version => _b[0] >> 4;
    public int HeaderLength => (_b[0] & 0x0F) * 4;
    public byte Tos => _b[1];
    public int TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_b[2..]);
    public int Identification => BinaryPrimitives.ReadUInt16BigEndian(_b[4..]);
    private int FlagsAndOffset => BinaryPrimitives.ReadUInt16BigEndian(_b[6..]);
    public bool DontFragment => (FlagsAndOffset & 0x4000) != 0;
    public bool MoreFragments => (FlagsAndOffset & 0x2000) != 0;
    /// <summary>Fragment offset in bytes.</summary>
    public int FragmentOffset => (FlagsAndOffset & 0x1FFF) * 8;
    public byte Ttl => _b[8];
    public byte Protocol => _b[9];
    public IpAddress128 Source => IpAddress128.FromV4Bytes(_b[12..]);
    public IpAddress128 Destination => IpAddress128.FromV4Bytes(_b[16..]);
}

/// <summary>IPv4: header fields, options length (p0f's olen), fragments; checksums are not verified (as tshark by default).</summary>
internal static class Ipv4
{
    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (frame.Length - offset < Ipv4Header.MinLength)
        {
            ctx.Truncated(ref p, AnomalyNames.Ipv4HeaderTruncated, offset);
            return;
        }
        var h = new Ipv4Header(frame[offset..]);
        if (h.Version != 4)
        {
            ctx.Report(ref p, AnomalyNames.Ipv4VersionMismatch, offset);
            return;
        }
        // Like tshark, a header whose own lengths are impossible yields no IP fields at all.
        var headerLength = h.HeaderLength;
        if (headerLength < Ipv4Header.MinLength)
        {
            ctx.Report(ref p, AnomalyNames.Ipv4HeaderLengthTooShort, offset);
            return;
        }
        var totalLength = h.TotalLength;
        var packetEnd = offset + totalLength;
        if (totalLength == 0)
        {
            // Segmentation offload: the capturing host saw the packet before the NIC filled in the length.
            // tshark takes the frame's length then; so do we.
            packetEnd = end;
        }
        else if (totalLength < headerLength)
        {
            ctx.Report(ref p, AnomalyNames.Ipv4TotalLengthTooShort, offset + 2);
            return;
        }
        var lengthExceeds = packetEnd > end;
        if (lengthExceeds) packetEnd = end; // decode what the frame holds; a snapped frame is not counted here (end is the wire length)

        p.IpVersion = 4;
        p.NetworkOffset = offset;
        p.Tos = h.Tos;
        p.IpTotalLength = totalLength;
        p.IpId = h.Identification;
        p.DontFragment = h.DontFragment;
        p.MoreFragments = h.MoreFragments;
        p.FragmentOffset = h.FragmentOffset;
        p.Ttl = h.Ttl;
        p.Protocol = h.Protocol;
        p.Source = h.Source;
        p.Destination = h.Destination;
        p.IpHeaderLength = headerLength;
        p.IpOptionsLength = headerLength - Ipv4Header.MinLength;

        if (lengthExceeds) ctx.Report(ref p, AnomalyNames.Ipv4TotalLengthExceedsCapture, offset + 2);

        var payloadOffset = offset + headerLength;
        if (payloadOffset > packetEnd)
        {
            // The options run past the end of the packet on the wire.
            ctx.Report(ref p, AnomalyNames.Ipv4HeaderTruncated, offset);
            return;
        }
        if (payloadOffset > frame.Length)
        {
            ctx.Truncated(ref p, AnomalyNames.Ipv4HeaderTruncated, offset);
            return;
        }
        if (p.FragmentOffset != 0)
        {
            // A later fragment: its bytes continue someone else's transport header, so no ports.
            p.PayloadLength = packetEnd - payloadOffset;
            p.PayloadOffset = payloadOffset;
            return;
        }
        DispatchTables.TransportLayer(p.Protocol, frame, payloadOffset, packetEnd, ref p, ctx);
    }
}
