namespace Apiary.Capture;

/// <summary>Sub-second unit of a classic pcap file (magic a1b2c3d4 for µs, a1b23c4d for ns).</summary>
public enum PcapTimestampResolution
{
    Microseconds,
    Nanoseconds,
}
