namespace Apiary.Core;

/// <summary>
/// One record read from a capture file. <see cref="Data"/> points into the reader's buffer and is
/// valid only until the next read: copy what you keep.
/// </summary>
public readonly ref struct CapturedFrame
{
    /// <summary>Capture timestamp, nanoseconds since the Unix epoch (UTC).</summary>
    public readonly long TimestampNs;

    /// <summary>Length of the packet on the wire (may exceed the captured length when snapped).</summary>
    public readonly int WireLength;

    /// <summary>The captured bytes, starting at the link-layer header.</summary>
    public readonly ReadOnlySpan<byte> Data;

    /// <summary>Link-layer header type (LINKTYPE_* value from the file or its interface block).</summary>
    public readonly int LinkType;

    /// <summary>Byte offset of this record's header in the (decompressed) file.</summary>
    public readonly long FileOffset;

    /// <summary>1-based frame number in the file, as tshark's frame.number.</summary>
    public readonly long FrameNumber;

    /// <summary>pcapng interface id (0 for classic pcap).</summary>
    public readonly int InterfaceId;

    public CapturedFrame(long timestampNs, int wireLength, ReadOnlySpan<byte> data, int linkType, long fileOffset, long frameNumber, int interfaceId)
    {
        TimestampNs = timestampNs;
        WireLength = wireLength;
        Data = data;
        LinkType = linkType;
        FileOffset = fileOffset;
        FrameNumber = frameNumber;
        InterfaceId = interfaceId;
    }
}
