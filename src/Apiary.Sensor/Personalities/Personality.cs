namespace Apiary.Sensor.Personalities;

/// <summary>How a stack fills the IPv4 identification field.</summary>
public enum IpIdMode
{
    /// <summary>Always 0 (Linux and FreeBSD on DF packets).</summary>
    Zero,
    /// <summary>One counter per host, +1 per packet (Windows 2000 and later).</summary>
    Incremental,
    /// <summary>The counter written in host (little-endian) byte order: +256 on the wire (Windows 95/98/NT).</summary>
    BrokenIncremental,
    /// <summary>Random per packet.</summary>
    Random,
}

/// <summary>How initial sequence numbers are chosen.</summary>
public enum IsnMode
{
    /// <summary>Unpredictable 32-bit values (RFC 6528 era stacks).</summary>
    Random,
    /// <summary>A global counter advanced by a fixed step per connection plus a clock (old Windows).</summary>
    Incremental,
}

/// <summary>Answer to an unusual TCP packet (nmap's T2/T3/T7 style probes, FIN/NULL/Xmas scans).</summary>
public enum OddReply
{
    /// <summary>Drop silently.</summary>
    None,
    /// <summary>RST (+ACK when the probe carried no ACK), as RFC 793 for a closed port.</summary>
    Reset,
    /// <summary>Treat as a SYN: answer SYN+ACK (only meaningful for SYN+FIN to an open port).</summary>
    SynAck,
}

/// <summary>
/// One operating system's network behaviour, as the sensor reproduces it. Loaded from the project's own
/// personality file (Personalities/personalities.toml; fields documented in docs/personalities.md).
/// </summary>
public sealed record Personality
{
    public required string Name { get; init; }
    /// <summary>windows, linux, freebsd ...: what an OS detector should name.</summary>
    public required string Family { get; init; }
    public required string Description { get; init; }
    public required byte Ttl { get; init; }
    public required bool DontFragment { get; init; }
    /// <summary>Window in the SYN+ACK.</summary>
    public required ushort Window { get; init; }
    /// <summary>Window advertised once established.</summary>
    public required ushort EstablishedWindow { get; init; }
    /// <summary>Window scale shift in the SYN+ACK when the peer offered scaling; -1 = never scales.</summary>
    public required int WindowScale { get; init; }
    public required ushort Mss { get; init; }
    /// <summary>
    /// Option layout of the SYN+ACK: groups in order; each group is alternatives separated by '|', each alternative
    /// a comma list of M (mss), N (nop), W (window scale), S (sack permitted), T (timestamp), E (eol). An alternative
    /// is used when every real option in it is supported and was offered by the peer; the first such one wins.
    /// </summary>
    public required IReadOnlyList<string> OptionLayout { get; init; }
    /// <summary>
    /// BSD option alignment: NOPs before W until the offset is odd, before S until even, before T until 4n+2, then EOL and
    /// zero padding to a 4-byte boundary (FreeBSD's tcp_addoptions); otherwise the layout's own NOPs are used as written.
    /// </summary>
    public required bool BsdAlignment { get; init; }
    /// <summary>SYN+ACK window when the peer did not offer timestamps (Linux rounds its window to the MSS it will use).</summary>
    public required ushort WindowNoTimestamps { get; init; }
    /// <summary>Timestamp clock in Hz; 0 = timestamps advertised but always zero (Windows 2000/XP).</summary>
    public required int TimestampHz { get; init; }
    public required bool SackPermitted { get; init; }
    public required bool Timestamps { get; init; }
    public required bool Ecn { get; init; }
    public required IpIdMode IpIdTcp { get; init; }
    public required IpIdMode IpIdClosed { get; init; }
    public required IpIdMode IpIdIcmp { get; init; }
    public required IsnMode Isn { get; init; }
    /// <summary>Step of the ISN counter per connection (incremental mode).</summary>
    public required uint IsnStep { get; init; }
    /// <summary>Do RSTs carry DF.</summary>
    public required bool ResetDontFragment { get; init; }
    public required ushort ResetWindow { get; init; }
    /// <summary>SYN to a closed port: RST+ACK or silence.</summary>
    public required OddReply ClosedSyn { get; init; }
    /// <summary>Packets without SYN/ACK/RST (NULL, FIN, Xmas) to an open port.</summary>
    public required OddReply StrayToOpen { get; init; }
    /// <summary>SYN with FIN (and URG/PSH) to an open port.</summary>
    public required OddReply SynFinToOpen { get; init; }
    /// <summary>Packets without SYN/ACK/RST to a closed port.</summary>
    public required OddReply StrayToClosed { get; init; }
    /// <summary>UDP to a closed port: ICMP port unreachable (true) or silence.</summary>
    public required bool UdpClosedUnreachable { get; init; }
    /// <summary>Bytes of the offending datagram quoted after its IP header in ICMP errors (8 = RFC 792 minimum); -1 = all (up to 576 bytes total).</summary>
    public required int IcmpQuoteBytes { get; init; }
    public required bool IcmpErrorDontFragment { get; init; }
    /// <summary>Echo reply code: copy the request's code (Linux) or always 0 (Windows).</summary>
    public required bool IcmpEchoCopiesCode { get; init; }
    public required bool IcmpEchoDontFragment { get; init; }
    /// <summary>The echo reply copies the request's DF bit (BSD reflects the request in place).</summary>
    public required bool IcmpEchoCopiesDf { get; init; }
    /// <summary>Each connection's timestamp clock starts at a random offset (FreeBSD, RFC 7323 section 7.1).</summary>
    public required bool TimestampRandomOffset { get; init; }
    /// <summary>Does the host answer ICMP echo at all.</summary>
    public required bool AnswersEcho { get; init; }
    public required string FtpBanner { get; init; }
    public required string FtpSyst { get; init; }
    public required string HttpServer { get; init; }
    public required string TelnetBanner { get; init; }
    public required string SshBanner { get; init; }
    /// <summary>Native OS string the SMB negotiate answer hints at (logged; SMB1 negotiate carries the domain).</summary>
    public required string SmbDomain { get; init; }
}
