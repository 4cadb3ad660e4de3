using System.Buffers.Binary;

namespace Apiary.Capture;

/// <summary>
/// Writes a classic little-endian pcap file (µs or ns timestamps) through one reusable buffer. Used by the
/// simulator and the sensor; tshark and <see cref="CaptureReader"/> read its output. The caller's arguments are
/// trusted input: misuse (a wire length shorter than the data, a timestamp pcap cannot hold) throws at once.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    /// <summary>libpcap's default snaplen (MAXIMUM_SNAPLEN): keeps every packet whole.</summary>
    public const int DefaultSnaplen = 262144;

    /// <summary>Write buffer: 1 MiB makes writes rare syscalls without holding much unflushed data.</summary>
    public const int BufferBytes = 1024 * 1024;

    private const int RecordHeaderBytes = 16;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private int _used;
    private bool _disposed;

    /// <summary>Writes the file header at once; packets follow with <see cref="WritePacket"/>.</summary>
    public PcapWriter(Stream stream, int linkType, int snaplen = DefaultSnaplen,
        PcapTimestampResolution resolution = PcapTimestampResolution.Microseconds, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(linkType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snaplen);
        _stream = stream;
        _leaveOpen = leaveOpen;
        LinkType = linkType;
        Snaplen = snaplen;
        Resolution = resolution;
        var header = _buffer.AsSpan(0, 24);
        BinaryPrimitives.WriteUInt32LittleEndian(header, resolution == PcapTimestampResolution.Nanoseconds ? 0xa1b23c4du : 0xa1b2c3d4u);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);   // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs: unused by every reader
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)snaplen);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)linkType);
        _used = 24;
    }

    /// <summary>Creates (or overwrites) the file at <paramref name="path"/>.</summary>
    public static PcapWriter Create(string path, int linkType, int snaplen = DefaultSnaplen,
        PcapTimestampResolution resolution = PcapTimestampResolution.Microseconds)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1);
        return new PcapWriter(file, linkType, snaplen, resolution, leaveOpen: false);
    }

    public int LinkType { get; }
    public int Snaplen { get; }
    public PcapTimestampResolution Resolution { get; }

    /// <summary>Packets written so far.</summary>
    public long PacketsWritten { get; private set; }

    /// <summary>
    /// Appends one packet. Bytes beyond the snaplen are cut (as a capture would); <paramref name="wireLength"/> is
    /// the packet's length on the wire and must be at least <paramref name="data"/>.Length.
    /// </summary>
    public void WritePacket(long timestampNs, ReadOnlySpan<byte> data, int wireLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (wireLength < data.Length)
            throw new ArgumentOutOfRangeException(nameof(wireLength), wireLength, $"wire length is shorter than the {data.Length} data bytes");
        // pcap holds unsigned 32-bit seconds: 1970-01-01 to 2106-02-07.
        if (timestampNs < 0 || timestampNs / 1_000_000_000L > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(timestampNs), timestampNs, "pcap timestamps hold 1970..2106 only");
        if (data.Length > Snaplen) data = data[..Snaplen];

        if (_used + RecordHeaderBytes > _buffer.Length) FlushBuffer();
        var header = _buffer.AsSpan(_used, RecordHeaderBytes);
        var seconds = timestampNs / 1_000_000_000L;
        var nanos = timestampNs % 1_000_000_000L;
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(Resolution == PcapTimestampResolution.Nanoseconds ? nanos : nanos / 1000));
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)wireLength);
        _used += RecordHeaderBytes;

        if (_used + data.Length > _buffer.Length)
        {
            FlushBuffer();
            if (data.Length > _buffer.Length)
            {
                _stream.Write(data);
                PacketsWritten++;
                return;
            }
        }
        data.CopyTo(_buffer.AsSpan(_used));
        _used += data.Length;
        PacketsWritten++;
    }

    /// <summary>Writes buffered packets to the stream and flushes it (a reader then sees every packet so far).</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FlushBuffer();
        _stream.Flush();
    }

    private void FlushBuffer()
    {
        if (_used == 0) return;
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            FlushBuffer();
            _stream.Flush();
        }
        finally
        {
            _disposed = true;
            if (!_leaveOpen) _stream.Dispose();
        }
    }
}
