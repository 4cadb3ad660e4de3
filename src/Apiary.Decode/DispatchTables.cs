using Apiary.Core;

namespace Apiary.Decode;

/// <summary>
/// Dispatch as data: which decoder handles the next layer, keyed by link type, EtherType and IP protocol.
/// Adding a protocol is one entry here plus its own file.
/// </summary>
internal static class DispatchTables
{
    /// <summary>Link type -> link-layer decoder. Indexed directly; LINKTYPE values we decode are all below 277.</summary>
    private static readonly LayerDecoder?[] ByLinkType = BuildLinkTable();

    /// <summary>
    /// EtherType -> network-layer decoder. Five entries, scanned linearly: cheaper than any hash for so few,
    /// and IPv4 (the common case) comes first.
    /// </summary>
    private static readonly (ushort EtherType, LayerDecoder Decoder)[] ByEtherType =
    [
        (EtherTypes.Ipv4, Ipv4.Decode),
        (EtherTypes.Ipv6, Ipv6.Decode),
        (EtherTypes.Vlan8021Q, Vlan.Decode),
        (EtherTypes.Vlan8021AD, Vlan.Decode),
        (EtherTypes.VlanQinQLegacy, Vlan.Decode),
    ];

    /// <summary>IP protocol -> transport decoder (256 entries, one per protocol number). Null: payload kept opaque.</summary>
    private static readonly LayerDecoder?[] ByIpProtocol = BuildProtocolTable();

    private static LayerDecoder?[] BuildLinkTable()
    {
        var t = new LayerDecoder?[LinkTypes.LinuxSll2 + 1];
        t[LinkTypes.Null] = NullLoopback.DecodeHostOrder;
        t[LinkTypes.Ethernet] = Ethernet.Decode;
        t[LinkTypes.RawOpenBsd] = RawIp.Decode;
        t[LinkTypes.RawBsdOs] = RawIp.Decode;
        t[LinkTypes.Raw] = RawIp.Decode;
        t[LinkTypes.Loop] = NullLoopback.DecodeNetworkOrder;
        t[LinkTypes.LinuxSll] = LinuxSll.Decode;
        t[LinkTypes.Ipv4] = RawIp.DecodeIpv4;
        t[LinkTypes.Ipv6] = RawIp.DecodeIpv6;
        t[LinkTypes.LinuxSll2] = LinuxSll2.Decode;
        return t;
    }

    private static LayerDecoder?[] BuildProtocolTable()
    {
        var t = new LayerDecoder?[256];
        t[IpProtocols.Tcp] = Tcp.Decode;
        t[IpProtocols.Udp] = Udp.Decode;
        t[IpProtocols.Sctp] = Sctp.Decode;
        t[IpProtocols.Icmp] = Icmpv4.Decode;
        t[IpProtocols.Icmpv6] = Icmpv6.Decode;
        // GRE (47), IP-in-IP (4), IPv6-in-IPv4 (41) and everything else: counted as the outer protocol,
        // not descended into (the store keeps the outer header, as tshark's first ip.src value is the outer one).
        return t;
    }

    public static LayerDecoder? LinkLayer(int linkType) =>
        (uint)linkType < (uint)ByLinkType.Length ? ByLinkType[linkType] : null;

    /// <summary>Records the EtherType and hands the rest of the frame to its network-layer decoder, if any.</summary>
    public static void NetworkLayer(ushort etherType, ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        // Values below 0x0600 are IEEE 802.3 lengths (LLC frames), not EtherTypes.
        p.EtherType = etherType >= 0x0600 ? etherType : (ushort)0;
        var table = ByEtherType;
        for (var i = 0; i < table.Length; i++)
        {
            if (table[i].EtherType == etherType)
            {
                table[i].Decoder(frame, offset, end, ref p, ctx);
                return;
            }
        }
    }

    /// <summary>Hands the IP payload to the transport decoder for <paramref name="protocol"/>; others stay opaque payload.</summary>
    public static void TransportLayer(int protocol, ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        var decoder = ByIpProtocol[protocol & 0xFF];
        if (decoder != null)
        {
            decoder(frame, offset, end, ref p, ctx);
            return;
        }
        p.PayloadLength = Math.Max(0, end - offset);
        p.PayloadOffset = offset <= frame.Length ? offset : -1;
    }
}

/// <summary>EtherType values the decoder knows.</summary>
public static class EtherTypes
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort Vlan8021Q = 0x8100;
    public const ushort Ipv6 = 0x86DD;
    public const ushort Vlan8021AD = 0x88A8;
    /// <summary>Pre-standard QinQ outer tag used by some switches.</summary>
    public const ushort VlanQinQLegacy = 0x9100;
}
