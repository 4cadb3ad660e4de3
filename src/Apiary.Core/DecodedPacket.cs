namespace Apiary.Core;

/// <summary>
/// The decoded view of one captured packet: flat fields, filled by the decoder, read by the store,
/// the fingerprinter and the analyses. A plain mutable struct reused across packets (no allocation).
/// Fields that do not apply keep their "absent" values (see <see cref="Clear"/>).
/// The column of the store that holds each field is named in docs/schema.md.
/// </summary>
public struct DecodedPacket
{
    // --- frame ---
    public long TimestampNs;
    public int WireLength;
    public int CapturedLength;
    public int LinkType;
    public long FrameNumber;
    public long FileOffset;

    // --- link layer ---
    /// <summary>EtherType of the network layer after VLAN tags (0x0800, 0x86DD, 0x0806, ...), 0 when unknown.</summary>
    public ushort EtherType;
    /// <summary>Outermost 802.1Q VLAN id, -1 when untagged.</summary>
    public int VlanId;
    /// <summary>Number of 802.1Q/802.1ad tags seen.</summary>
    public byte VlanDepth;

    // --- network layer ---
    /// <summary>4 or 6 when an IP header was decoded, 0 otherwise.</summary>
    public byte IpVersion;
    public IpAddress128 Source;
    public IpAddress128 Destination;
    /// <summary>Upper-layer protocol (after IPv6 extension headers), -1 when no IP header.</summary>
    public int Protocol;
    public byte Ttl;
    /// <summary>IPv4 identification, or the IPv6 fragment header identification; -1 when absent.</summary>
    public long IpId;
    /// <summary>IPv4 total length or IPv6 payload length + 40.</summary>
    public int IpTotalLength;
    /// <summary>IPv4 header length including options, or 40 + extension headers for IPv6.</summary>
    public int IpHeaderLength;
    /// <summary>IPv4 options length in bytes (p0f's olen); IPv6: length of extension headers.</summary>
    public int IpOptionsLength;
    public bool DontFragment;
    public bool MoreFragments;
    /// <summary>Fragment offset in bytes (0 for the first fragment or unfragmented packets).</summary>
    public int FragmentOffset;
    /// <summary>IPv4 TOS / IPv6 traffic class.</summary>
    public byte Tos;
    /// <summary>IPv6 flow label (0 for IPv4).</summary>
    public int FlowLabel;

    // --- transport layer ---
    /// <summary>Source port, -1 when the packet has none (not TCP/UDP/SCTP, or a non-first fragment).</summary>
    public int SourcePort;
    public int DestinationPort;
    /// <summary>TCP flags byte (FIN=0x01 SYN=0x02 RST=0x04 PSH=0x08 ACK=0x10 URG=0x20 ECE=0x40 CWR=0x80), -1 when not TCP.</summary>
    public int TcpFlags;
    public uint TcpSeq;
    public uint TcpAck;
    public int TcpWindow;
    public int TcpUrgent;
    public int TcpHeaderLength;
    /// <summary>MSS option value, -1 when absent.</summary>
    public int TcpMss;
    /// <summary>Window scale option value, -1 when absent.</summary>
    public int TcpWindowScale;
    public bool TcpSackPermitted;
    /// <summary>Number of blocks in a SACK option (0 when absent).</summary>
    public byte TcpSackBlocks;
    /// <summary>Timestamp option values; TcpTsPresent says whether the option was there.</summary>
    public bool TcpTsPresent;
    public uint TcpTsVal;
    public uint TcpTsEcr;
    /// <summary>TCP option layout as p0f writes it (e.g. "mss,nop,ws,nop,nop,ts,sok,eol+0"), null when no options or not TCP.</summary>
    public string? TcpOptionLayout;
    /// <summary>Bytes of transport payload according to the headers (not limited by the snap length).</summary>
    public int PayloadLength;
    /// <summary>Offset in the frame where the transport payload starts, -1 when none was located.</summary>
    public int PayloadOffset;
    /// <summary>Offset in the frame where the IP header starts, -1 when no IP header.</summary>
    public int NetworkOffset;
    /// <summary>Offset in the frame where the transport header starts, -1 when none.</summary>
    public int TransportOffset;

    // --- ICMP / ICMPv6 ---
    public int IcmpType;
    public int IcmpCode;
    /// <summary>True when the ICMP message is an error that quotes the offending packet's header.</summary>
    public bool HasInner;
    public IpAddress128 InnerSource;
    public IpAddress128 InnerDestination;
    public int InnerProtocol;
    public int InnerSourcePort;
    public int InnerDestinationPort;

    /// <summary>True when the decoder stopped early on broken input (an anomaly was reported).</summary>
    public bool Malformed;

    // --- set after decoding ---
    /// <summary>
    /// The passive OS fingerprint of this SYN or SYN+ACK, attached by the ingest's fingerprint observer on the
    /// decode thread (absent otherwise). The store writes it into the packet's own row (<c>packet_rows.fp</c>).
    /// </summary>
    public PacketFingerprint Fingerprint;

    /// <summary>Resets every field to its absent value.</summary>
    public void Clear()
    {
        this = default;
        VlanId = -1;
        Protocol = -1;
        IpId = -1;
        SourcePort = -1;
        DestinationPort = -1;
        TcpFlags = -1;
        TcpWindow = -1;
        TcpMss = -1;
        TcpWindowScale = -1;
        PayloadOffset = -1;
        NetworkOffset = -1;
        TransportOffset = -1;
        IcmpType = -1;
        IcmpCode = -1;
        InnerProtocol = -1;
        InnerSourcePort = -1;
        InnerDestinationPort = -1;
    }
}

/// <summary>
/// A fingerprint attached to a decoded packet: which of the file's distinct outcomes (raw signature, label,
/// match quality; <c>fingerprint_signatures.sig_id</c>) it has, and what is per packet. Addresses, ports and time
/// are the packet's own (the fingerprinter reads the same IP header as the decoder).
/// </summary>
public struct PacketFingerprint
{
    /// <summary>False for packets without a fingerprint (the default).</summary>
    public bool Present;
    /// <summary>The outcome's id within its capture file.</summary>
    public int SignatureId;
    /// <summary>p0f's hop distance: guessed initial TTL minus the observed TTL.</summary>
    public int Distance;
    /// <summary>True for a SYN (client signature), false for a SYN+ACK (server signature).</summary>
    public bool Syn;
    /// <summary>A SYN+ACK whose SYN was not seen (p0f itself ignores those).</summary>
    public bool Stray;

    /// <summary>
    /// The stored form (<c>packet_rows.fp</c>, Apiary.Store.Schema): <c>sig_id &lt;&lt; 18 | syn &lt;&lt; 17 |
    /// stray &lt;&lt; 16 | (dist + 32768)</c>. p0f distances are TTL differences (within ±255), so the 16 bits
    /// never clip in practice; a distance outside them is clamped rather than allowed to spill into the flags.
    /// </summary>
    public readonly long Packed =>
        (long)SignatureId << 18 | (Syn ? 1L << 17 : 0) | (Stray ? 1L << 16 : 0) | (long)(Math.Clamp(Distance, -32768, 32767) + 32768);
}

/// <summary>IP protocol numbers used across Apiary.</summary>
public static class IpProtocols
{
    public const int Icmp = 1;
    public const int Igmp = 2;
    public const int Tcp = 6;
    public const int Udp = 17;
    public const int Ipv6Encap = 41;
    public const int Gre = 47;
    public const int Esp = 50;
    public const int Icmpv6 = 58;
    public const int Sctp = 132;
}

/// <summary>TCP flag bits.</summary>
public static class TcpFlagBits
{
    public const int Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10, Urg = 0x20, Ece = 0x40, Cwr = 0x80;
}
