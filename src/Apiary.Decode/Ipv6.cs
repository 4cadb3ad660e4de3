using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>View of the fixed IPv6 header (40 bytes).</summary>
internal readonly ref struct Ipv6Header
{
    public const int Length = 40;
    private readonly ReadOnlySpan<byte> _b;

    public Ipv6Header(ReadOnlySpan<byte> bytes) => _b = bytes;

    private uint First => BinaryPrimitives.ReadUInt32BigEndian(_b);
    public int Version => _b[0] >> 4;
    public byte TrafficClass => (byte)(First >> 20);
    public int FlowLabel => (int)(First & 0xFFFFF);
    public int PayloadLength => BinaryPrimitives.ReadUInt16BigEndian(_b[4..]);
    public byte NextHeader => _b[6];
    public byte HopLimit => _b[7];
    public IpAddress128 Source => IpAddress128.FromV6Bytes(_b[8..]);
    public IpAddress128 Destination => IpAddress128.FromV6Bytes(_b[24..]);
}

/// <summary>IPv6: fixed header, then the extension header chain (<see cref="Ipv6ExtensionChain"/>), then the transport.</summary>
internal static class Ipv6
{
    private const int HopByHop = 0;

    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (frame.Length - offset < Ipv6Header.Length)
        {
            ctx.Truncated(ref p, AnomalyNames.Ipv6HeaderTruncated, offset);
            return;
        }
        var h = new Ipv6Header(frame[offset..]);
        if (h.Version != 6)
        {
            ctx.Report(ref p, AnomalyNames.Ipv6VersionMismatch, offset);
            return;
        }
        var payloadLength = h.PayloadLength;
        p.IpVersion = 6;
        p.NetworkOffset = offset;
        p.Tos = h.TrafficClass;
        p.FlowLabel = h.FlowLabel;
        p.Ttl = h.HopLimit;
        p.Source = h.Source;
        p.Destination = h.Destination;
        p.IpTotalLength = payloadLength + Ipv6Header.Length;
        p.Protocol = h.NextHeader;
        p.IpHeaderLength = Ipv6Header.Length;

        var chainStart = offset + Ipv6Header.Length;
        var packetEnd = chainStart + payloadLength;
        // A zero payload length with a hop-by-hop header announces a jumbogram (RFC 2675): the frame gives the length.
        if (payloadLength == 0 && h.NextHeader == HopByHop) packetEnd = end;
        if (packetEnd > end)
        {
            ctx.Report(ref p, AnomalyNames.Ipv6PayloadLengthExceedsCapture, offset + 4);
            packetEnd = end;
        }

        var chain = Ipv6ExtensionChain.Walk(frame, chainStart, packetEnd, h.NextHeader);
        p.Protocol = chain.NextHeader;
        p.IpHeaderLength = chain.End - offset;
        p.IpOptionsLength = chain.End - chainStart;
        if (chain.HasFragmentHeader)
        {
            p.IpId = chain.FragmentId;
            p.FragmentOffset = chain.FragmentOffset;
            p.MoreFragments = chain.MoreFragments;
        }
        switch (chain.Status)
        {
            case ChainStatus.Complete:
                break;
            case ChainStatus.LaterFragment:
                p.PayloadLength = Math.Max(0, packetEnd - chain.End);
                p.PayloadOffset = chain.End <= frame.Length ? chain.End : -1;
                return;
            case ChainStatus.CaptureEnded:
                ctx.Truncated(ref p, AnomalyNames.Ipv6ExtensionHeaderTruncated, chain.End);
                return;
            case ChainStatus.BeyondPayload:
                ctx.Report(ref p, AnomalyNames.Ipv6ExtensionHeaderTruncated, chain.End);
                return;
            case ChainStatus.TooLong:
                ctx.Report(ref p, AnomalyNames.Ipv6ExtensionChainTooLong, chain.End);
                return;
        }
        DispatchTables.TransportLayer(chain.NextHeader, frame, chain.End, packetEnd, ref p, ctx);
    }
}
