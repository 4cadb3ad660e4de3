using Apiary.Core;

namespace Apiary.Decode;

/// <summary>
/// Decodes one captured frame into a <see cref="DecodedPacket"/>: link layer, IPv4/IPv6 (with extension headers),
/// TCP/UDP/SCTP/ICMP/ICMPv6 and the headers quoted by ICMP errors. Never throws on packet bytes, never allocates
/// per packet (the TCP option layout text is interned): broken input sets <see cref="DecodedPacket.Malformed"/>,
/// is reported as a named anomaly, and the fields decoded before the problem are kept.
/// Tunnels (GRE, IP-in-IP) are counted as their outer protocol and not descended into.
/// </summary>
public static class PacketDecoder
{
    /// <summary>Decodes a frame from the capture reader.</summary>
    public static void Decode(in CapturedFrame frame, ref DecodedPacket p, IAnomalySink anomalies)
    {
        p.Clear();
        p.TimestampNs = frame.TimestampNs;
        p.FileOffset = frame.FileOffset;
        DecodeFrame(frame.LinkType, frame.Data, frame.WireLength, frame.FrameNumber, frame.FileOffset, ref p, anomalies);
    }

    /// <summary>Decodes raw frame bytes (tests, benchmarks); the wire length defaults to the captured length.</summary>
    public static void Decode(int linkType, ReadOnlySpan<byte> data, long frameNumber, long fileOffset, ref DecodedPacket p, IAnomalySink anomalies, int wireLength = -1)
    {
        p.Clear();
        p.FileOffset = fileOffset;
        DecodeFrame(linkType, data, wireLength < 0 ? data.Length : wireLength, frameNumber, fileOffset, ref p, anomalies);
    }

    private static void DecodeFrame(int linkType, ReadOnlySpan<byte> data, int wireLength, long frameNumber, long fileOffset, ref DecodedPacket p, IAnomalySink anomalies)
    {
        p.WireLength = wireLength;
        p.CapturedLength = data.Length;
        p.LinkType = linkType;
        p.FrameNumber = frameNumber;
        var ctx = new DecodeContext(anomalies, frameNumber, fileOffset, wireLength, data.Length);
        var decoder = DispatchTables.LinkLayer(linkType);
        if (decoder == null)
        {
            // Not broken input, just a link type we do not decode: counted, packet left undecoded.
            anomalies.Report(AnomalyNames.LinkTypeUnsupported, frameNumber, fileOffset); // no detail: would allocate per frame
            return;
        }
        decoder(data, 0, ctx.WireLength, ref p, ctx);
    }
}
