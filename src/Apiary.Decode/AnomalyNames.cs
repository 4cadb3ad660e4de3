namespace Apiary.Decode;

/// <summary>
/// Stable snake_case names of the anomalies the decoder reports (documented in docs/anomalies.md).
/// A name never changes once released: stores and reports count by it.
/// </summary>
public static class AnomalyNames
{
    // link layer
    public const string EthernetFrameTooShort = "ethernet_frame_too_short";
    public const string VlanTagTruncated = "vlan_tag_truncated";
    public const string VlanTooManyTags = "vlan_too_many_tags";
    public const string LinuxSllHeaderTruncated = "linux_sll_header_truncated";
    public const string LinuxSll2HeaderTruncated = "linux_sll2_header_truncated";
    public const string NullHeaderTruncated = "null_header_truncated";
    public const string RawIpVersionUnknown = "raw_ip_version_unknown";
    public const string RawIpEmpty = "raw_ip_empty";

    // IPv4
    public const string Ipv4HeaderTruncated = "ipv4_header_truncated";
    public const string Ipv4VersionMismatch = "ipv4_version_mismatch";
    public const string Ipv4HeaderLengthTooShort = "ipv4_header_length_too_short";
    public const string Ipv4TotalLengthTooShort = "ipv4_total_length_too_short";
    public const string Ipv4TotalLengthExceedsCapture = "ipv4_total_length_exceeds_capture";

    // IPv6
    public const string Ipv6HeaderTruncated = "ipv6_header_truncated";
    public const string Ipv6VersionMismatch = "ipv6_version_mismatch";
    public const string Ipv6PayloadLengthExceedsCapture = "ipv6_payload_length_exceeds_capture";
    public const string Ipv6ExtensionHeaderTruncated = "ipv6_extension_header_truncated";
    public const string Ipv6ExtensionChainTooLong = "ipv6_extension_chain_too_long";

    // transport
    public const string TcpHeaderTruncated = "tcp_header_truncated";
    public const string TcpHeaderLengthInvalid = "tcp_header_length_invalid";
    public const string TcpOptionLengthInvalid = "tcp_option_length_invalid";
    public const string UdpHeaderTruncated = "udp_header_truncated";
    public const string UdpLengthInvalid = "udp_length_invalid";
    public const string SctpHeaderTruncated = "sctp_header_truncated";
    public const string IcmpHeaderTruncated = "icmp_header_truncated";
    public const string Icmpv6HeaderTruncated = "icmpv6_header_truncated";
    public const string IcmpQuotedHeaderInvalid = "icmp_quoted_header_invalid";

    // frame
    public const string LinkTypeUnsupported = "link_type_unsupported";
}
