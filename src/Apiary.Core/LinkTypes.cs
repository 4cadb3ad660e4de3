namespace Apiary.Core;

/// <summary>LINKTYPE_* values (tcpdump.org link-layer header types) that Apiary decodes.</summary>
public static class LinkTypes
{
    public const int Null = 0;          // BSD loopback: 4-byte address family in host order
    public const int Ethernet = 1;
    public const int RawOpenBsd = 12;   // DLT_RAW on OpenBSD (raw IP)
    public const int RawBsdOs = 14;     // DLT_RAW on BSD/OS (raw IP)
    public const int Raw = 101;         // raw IPv4 or IPv6, version from the first nibble
    public const int Loop = 108;        // OpenBSD loopback: 4-byte address family in network order
    public const int LinuxSll = 113;
    public const int Ipv4 = 228;
    public const int Ipv6 = 229;
    public const int LinuxSll2 = 276;

    public static string Name(int linkType) => linkType switch
    {
        Null => "NULL",
        Ethernet => "EN10MB",
        RawOpenBsd or RawBsdOs or Raw => "RAW",
        Loop => "LOOP",
        LinuxSll => "LINUX_SLL",
        Ipv4 => "IPV4",
        Ipv6 => "IPV6",
        LinuxSll2 => "LINUX_SLL2",
        _ => $"LINKTYPE_{linkType}",
    };
}
