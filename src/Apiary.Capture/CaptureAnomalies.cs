namespace Apiary.Capture;

/// <summary>
/// Stable snake_case names of the anomalies the capture reader reports through
/// <see cref="Apiary.Core.IAnomalySink"/>. docs/anomalies.md lists them with their meaning.
/// </summary>
public static class CaptureAnomalies
{
    // --- file level ---
    /// <summary>The file ended inside a record header or body; every whole record before it was delivered.</summary>
    public const string CaptureTruncated = "capture_truncated";
    /// <summary>The gzip stream is corrupt (bad deflate data, bad CRC, garbage after a member); reading stopped there.</summary>
    public const string GzipStreamCorrupt = "gzip_stream_corrupt";
    /// <summary>The gzip file ends before its last member's trailer (cut short); Truncated is set.</summary>
    public const string GzipStreamTruncated = "gzip_stream_truncated";
    /// <summary>The operating system reported an I/O error while reading; reading stopped there.</summary>
    public const string CaptureReadError = "capture_read_error";

    // --- classic pcap records ---
    /// <summary>Quirk: the record holds more bytes than the file header's snaplen (delivered whole, as tshark does).</summary>
    public const string PcapRecordCaplenExceedsSnaplen = "pcap_record_caplen_exceeds_snaplen";
    /// <summary>The record length is beyond any legal bound; the rest of the file cannot be framed, reading stopped.</summary>
    public const string PcapRecordLengthAbsurd = "pcap_record_length_absurd";
    /// <summary>Quirk: the wire length is smaller than the captured length (delivered as is).</summary>
    public const string PcapRecordWireLengthLessThanCaptured = "pcap_record_wire_length_less_than_captured";
    /// <summary>Quirk: the wire length does not fit a signed 32-bit integer; WireLength is clamped.</summary>
    public const string PcapRecordWireLengthAbsurd = "pcap_record_wire_length_absurd";
    /// <summary>Quirk: the sub-second field is not below 10^6 (µs files) or 10^9 (ns files); used as is.</summary>
    public const string PcapRecordTimestampFractionInvalid = "pcap_record_timestamp_fraction_invalid";

    // --- pcapng blocks ---
    /// <summary>A block's total length is below 12, not a multiple of 4, or beyond the bound; reading stopped.</summary>
    public const string PcapngBlockLengthInvalid = "pcapng_block_length_invalid";
    /// <summary>The length at the end of a block differs from the one at its start; reading stopped (as tshark does).</summary>
    public const string PcapngBlockLengthMismatch = "pcapng_block_length_mismatch";
    /// <summary>A known block is too short for its fixed fields; the block is skipped.</summary>
    public const string PcapngBlockTooShort = "pcapng_block_too_short";
    /// <summary>A section header block has a byte-order magic that is neither 0x1A2B3C4D nor its reverse; reading stopped.</summary>
    public const string PcapngSectionHeaderInvalid = "pcapng_section_header_invalid";
    /// <summary>A section header block has a major version other than 1; reading stopped.</summary>
    public const string PcapngSectionVersionUnsupported = "pcapng_section_version_unsupported";
    /// <summary>A packet block names an interface that no interface description block of its section declared; skipped.</summary>
    public const string PcapngUnknownInterface = "pcapng_unknown_interface";
    /// <summary>More interface description blocks in one section than the bound; the extra ones are ignored.</summary>
    public const string PcapngTooManyInterfaces = "pcapng_too_many_interfaces";
    /// <summary>A packet block's captured length does not fit inside the block; the block is skipped.</summary>
    public const string PcapngPacketLengthExceedsBlock = "pcapng_packet_length_exceeds_block";
    /// <summary>Quirk: a packet holds more bytes than its interface's snaplen (delivered whole).</summary>
    public const string PcapngPacketCaplenExceedsSnaplen = "pcapng_packet_caplen_exceeds_snaplen";
    /// <summary>Quirk: a packet's original length is smaller than its captured length (delivered as is).</summary>
    public const string PcapngPacketWireLengthLessThanCaptured = "pcapng_packet_wire_length_less_than_captured";
    /// <summary>An option's length runs past the end of its block; the remaining options of that block are ignored.</summary>
    public const string PcapngOptionLengthInvalid = "pcapng_option_length_invalid";
    /// <summary>if_tsresol is malformed or finer than the reader can convert (10^-19 / 2^-64); microseconds are assumed.</summary>
    public const string PcapngTsresolUnsupported = "pcapng_tsresol_unsupported";

    /// <summary>Every name above, for documentation checks.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        CaptureTruncated, GzipStreamCorrupt, GzipStreamTruncated, CaptureReadError,
        PcapRecordCaplenExceedsSnaplen, PcapRecordLengthAbsurd, PcapRecordWireLengthLessThanCaptured,
        PcapRecordWireLengthAbsurd, PcapRecordTimestampFractionInvalid,
        PcapngBlockLengthInvalid, PcapngBlockLengthMismatch, PcapngBlockTooShort, PcapngSectionHeaderInvalid,
        PcapngSectionVersionUnsupported, PcapngUnknownInterface, PcapngTooManyInterfaces,
        PcapngPacketLengthExceedsBlock, PcapngPacketCaplenExceedsSnaplen, PcapngPacketWireLengthLessThanCaptured,
        PcapngOptionLengthInvalid, PcapngTsresolUnsupported,
    ];
}
