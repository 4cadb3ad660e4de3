using Apiary.Core;

namespace Apiary.Decode;

/// <summary>
/// The packet an ICMP error quotes: its IP header and the start of its transport header (RFC 792 promises
/// 8 bytes, RFC 4443 as much as fits). Quotes are truncated by design, so running out of bytes is normal here;
/// only a quoted header that cannot be an IP header is reported.
/// </summary>
internal static class QuotedPacket
{
    /// <summary>Ports are the first 4 bytes of TCP, UDP and SCTP headers alike.</summary>
    private const int PortBytes = 4;

    /// <param name="offset">Frame offset of the quoted IPv4 header.</param>
    /// <param name="limit">Frame offset where the ICMP message's captured bytes end.</param>
    public static void DecodeIpv4(ReadOnlySpan<byte> frame, int offset, int limit, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (limit - offset < Ipv4Header.MinLength) return;
        var h = new Ipv4Header(frame[offset..]);
        var headerLength = h.HeaderLength;
        if (h.Version != 4 || headerLength < Ipv4Header.MinLength)
        {
            ctx.Report(ref p, AnomalyNames.IcmpQuotedHeaderInvalid, offset);
            return;
        }
        p.HasInner = true;
        p.InnerSource = h.Source;
        p.InnerDestination = h.Destination;
        p.InnerProtocol = h.Protocol;
        // Bytes past the quoted packet's own length are not its transport header (e.g. an empty probe's quote).
        if (h.TotalLength >= headerLength) limit = Math.Min(limit, offset + h.TotalLength);
        if (h.FragmentOffset == 0) QuotedPorts(frame, offset + headerLength, limit, ref p);
    }

    /// <param name="offset">Frame offset of the quoted IPv6 header.</param>
    /// <param name="limit">Frame offset where the ICMPv6 message's captured bytes end.</param>
    public static void DecodeIpv6(ReadOnlySpan<byte> frame, int offset, int limit, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (limit - offset < Ipv6Header.Length) return;
        var h = new Ipv6Header(frame[offset..]);
        if (h.Version != 6)
        {
            ctx.Report(ref p, AnomalyNames.IcmpQuotedHeaderInvalid, offset);
            return;
        }
        p.HasInner = true;
        p.InnerSource = h.Source;
        p.InnerDestination = h.Destination;
        // The quoted payload length describes the original packet: walk within the quote and within that length.
        limit = Math.Min(limit, offset + Ipv6Header.Length + h.PayloadLength);
        var chain = Ipv6ExtensionChain.Walk(frame[..limit], offset + Ipv6Header.Length, limit, h.NextHeader);
        p.InnerProtocol = chain.NextHeader;
        if (chain.Status == ChainStatus.Complete) QuotedPorts(frame, chain.End, limit, ref p);
    }

    private static void QuotedPorts(ReadOnlySpan<byte> frame, int offset, int limit, ref DecodedPacket p)
    {
        if (p.InnerProtocol is not (IpProtocols.Tcp or IpProtocols.Udp or IpProtocols.Sctp)) return;
        if (limit - offset < PortBytes) return;
        p.InnerSourcePort = (frame[offset] << 8) | frame[offset + 1];
        p.InnerDestinationPort = (frame[offset + 2] << 8) | frame[offset + 3];
    }
}
