using System.Buffers.Binary;
using System.IO.Compression;
using Apiary.Core;

namespace Apiary.Capture;

/// <summary>
/// Reads classic pcap (µs and ns, both byte orders), pcapng (several sections, interfaces with their own link
/// type and timestamp resolution) and gzip-compressed copies of either, one frame at a time, without allocating
/// per frame. The format is decided by the magic number only, never by the file name.
/// </summary>
/// <remarks>
/// Records are framed inside one large reusable buffer that is refilled and compacted in place, so a whole
/// capture costs one read call per <see cref="InitialBufferBytes"/> bytes. Broken input never throws out of
/// <see cref="TryReadNext"/>: it becomes a named anomaly (<see cref="CaptureAnomalies"/>); when a lying length
/// makes the rest of the file impossible to frame, reading stops there and the anomaly says where.
/// </remarks>
public sealed partial class CaptureReader : IDisposable
{
    /// <summary>Read buffer size: large enough that refills are rare syscalls, small enough for many parallel readers.</summary>
    public const int InitialBufferBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Hard bound on one record or block (and so on the buffer): 256 MiB. Larger than any legal packet (libpcap's
    /// largest per-link maximum is 256 MiB for D-Bus) while keeping a lying length from exhausting memory.
    /// The buffer only grows as real data arrives, so a lying length in a short file costs nothing.
    /// </summary>
    public const int MaxRecordBytes = 256 * 1024 * 1024;

    /// <summary>libpcap's and Wireshark's maximum packet size for ordinary link types (MAXIMUM_SNAPLEN).</summary>
    public const int StandardMaxSnaplen = 262144;

    private enum Container { Pcap, Pcapng }

    private readonly Stream _raw;     // the file as stored
    private readonly Stream _source;  // the file as read: _raw, or a GZipStream over it
    private readonly IAnomalySink _anomalies;
    private readonly bool _leaveOpen;
    private readonly List<int> _linkTypes = [];
    private readonly bool _gzip;
    private Container _container;

    private byte[] _buffer;
    private int _pos;              // first unconsumed byte in _buffer
    private int _end;              // one past the last valid byte in _buffer
    private long _bufferOffset;    // stream offset of _buffer[0]
    private bool _endOfStream;     // the source returned 0 or failed
    private bool _stopped;         // nothing more will be delivered
    private bool _bigEndian;       // byte order of the current file / pcapng section

    private CaptureReader(string path, Stream raw, Stream source, IAnomalySink anomalies, bool gzip, bool leaveOpen)
    {
        Path = path;
        _raw = raw;
        _source = source;
        _anomalies = anomalies;
        _gzip = gzip;
        _leaveOpen = leaveOpen;
        // A small uncompressed file gets a buffer of its own size: opening thousands of tiny captures stays cheap.
        var size = InitialBufferBytes;
        if (!gzip && raw.CanSeek)
            size = (int)Math.Clamp(raw.Length - raw.Position + 1, 4096, InitialBufferBytes);
        _buffer = new byte[size];
    }

    /// <summary>The path (or stream name) given to Open.</summary>
    public string Path { get; }

    /// <summary>"pcap" (µs), "pcap-ns", or "pcapng", followed by "+gzip" when the file was gzip-compressed.</summary>
    public string Format { get; private set; } = "";

    /// <summary>Link types declared by the file header or interface blocks so far, distinct, in order of appearance.</summary>
    public IReadOnlyList<int> LinkTypes => _linkTypes;

    /// <summary>Snap length from the pcap file header, or the largest of the pcapng interfaces; 0 when unknown/unlimited.</summary>
    public int Snaplen { get; private set; }

    /// <summary>True when the file ended inside a record (every whole record before it was delivered).</summary>
    public bool Truncated { get; private set; }

    /// <summary>Bytes of the (decompressed) stream consumed so far: the offset just past the last record read.</summary>
    public long BytesRead => _bufferOffset + _pos;

    /// <summary>Frames delivered so far.</summary>
    public long FramesRead { get; private set; }

    /// <summary>Opens a capture file. Throws <see cref="CaptureFormatException"/> when it is not a capture at all.</summary>
    public static CaptureReader Open(string path, IAnomalySink anomalies)
    {
        // bufferSize 1 disables FileStream's own buffer: the reader's buffer is the only copy.
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Open(file, path, anomalies, leaveOpen: false);
    }

    /// <summary>
    /// Opens a capture held in a seekable stream (tests, in-memory data). <paramref name="name"/> is used in messages.
    /// Throws <see cref="CaptureFormatException"/> when it is not a capture at all.
    /// </summary>
    public static CaptureReader Open(Stream stream, string name, IAnomalySink anomalies, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(anomalies);
        if (!stream.CanSeek)
            throw new ArgumentException("the capture stream must be seekable (the gzip magic is peeked)", nameof(stream));
        try
        {
            var start = stream.Position;
            Span<byte> magic = stackalloc byte[2];
            var got = ReadAtLeast(stream, magic);
            if (got == 0) throw new CaptureFormatException(name, 0, "empty file: not a capture");
            stream.Position = start;
            var gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            Stream source = gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen) : stream;
            var reader = new CaptureReader(name, stream, source, anomalies, gzip, leaveOpen);
            try
            {
                reader.ReadFileHeader();
                return reader;
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        }
        catch
        {
            if (!leaveOpen) stream.Dispose();
            throw;
        }
    }

    private static int ReadAtLeast(Stream stream, Span<byte> into)
    {
        var total = 0;
        while (total < into.Length)
        {
            var n = stream.Read(into[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>
    /// Reads the next frame. Returns false at the end of the capture, or when the rest cannot be framed (an
    /// anomaly says why). <paramref name="frame"/>.Data points into the reader's buffer until the next call.
    /// </summary>
    public bool TryReadNext(out CapturedFrame frame)
    {
        if (_container == Container.Pcap)
        {
            // Fast path: a whole, plausible record is in the buffer. Everything else goes to the checked path.
            var available = _end - _pos;
            if (available >= PcapRecordHeaderBytes)
            {
                var header = _buffer.AsSpan(_pos, PcapRecordHeaderBytes);
                uint seconds, fraction, captured, wire;
                if (_bigEndian)
                {
                    seconds = BinaryPrimitives.ReadUInt32BigEndian(header);
                    fraction = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
                    captured = BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
                    wire = BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
                }
                else
                {
                    seconds = BinaryPrimitives.ReadUInt32LittleEndian(header);
                    fraction = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
                    captured = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
                    wire = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
                }
                if (captured <= _pcapQuietCaplenLimit && captured <= (uint)(available - PcapRecordHeaderBytes)
                    && wire >= captured && wire <= int.MaxValue && fraction < _pcapFractionLimit && !_stopped)
                {
                    var recordOffset = _bufferOffset + _pos;
                    var data = new ReadOnlySpan<byte>(_buffer, _pos + PcapRecordHeaderBytes, (int)captured);
                    _pos += PcapRecordHeaderBytes + (int)captured;
                    FramesRead++;
                    frame = new CapturedFrame(seconds * 1_000_000_000L + fraction * _pcapFractionToNs, (int)wire, data,
                        _pcapLinkType, recordOffset, FramesRead, 0);
                    return true;
                }
            }
            return TryReadNextPcapChecked(out frame);
        }
        return TryReadNextPcapng(out frame);
    }

    private void ReadFileHeader()
    {
        if (!Fill(4))
        {
            var have = _end - _pos;
            if (_gzip && have == 0 && !_gzipCorrupt)
                throw new CaptureFormatException(Path, 0, "gzip stream holds no data: not a capture");
            if (_gzipCorrupt)
                throw new CaptureFormatException(Path, have, "gzip stream corrupt before a capture header could be read");
            throw new CaptureFormatException(Path, 0, $"file too short ({have} bytes) for a capture header");
        }
        var magicBytes = _buffer.AsSpan(_pos, 4);
        var magicBig = BinaryPrimitives.ReadUInt32BigEndian(magicBytes);
        var suffix = _gzip ? "+gzip" : "";
        switch (magicBig)
        {
            case 0xd4c3b2a1: OpenPcap(bigEndian: false, nanoseconds: false); Format = "pcap" + suffix; break;
            case 0xa1b2c3d4: OpenPcap(bigEndian: true, nanoseconds: false); Format = "pcap" + suffix; break;
            case 0x4d3cb2a1: OpenPcap(bigEndian: false, nanoseconds: true); Format = "pcap-ns" + suffix; break;
            case 0xa1b23c4d: OpenPcap(bigEndian: true, nanoseconds: true); Format = "pcap-ns" + suffix; break;
            case PcapngSectionHeaderType: OpenPcapng(); Format = "pcapng" + suffix; break;
            default:
                var inside = _gzip ? "the decompressed data's " : "";
                throw new CaptureFormatException(Path, 0,
                    $"not a capture file ({inside}magic 0x{magicBig:x8} is neither pcap, pcapng nor gzip)");
        }
    }

    private void AddLinkType(int linkType)
    {
        if (!_linkTypes.Contains(linkType)) _linkTypes.Add(linkType);
    }

    /// <summary>
    /// Makes at least <paramref name="need"/> unconsumed bytes available at <c>_buffer[_pos..]</c>, compacting and,
    /// for a record bigger than the buffer, growing it as data actually arrives. Returns false at end of stream.
    /// </summary>
    private bool Fill(int need)
    {
        var have = _end - _pos;
        if (have >= need) return true;
        if (_endOfStream) return false;
        if (_pos > 0)
        {
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, have);
            _bufferOffset += _pos;
            _pos = 0;
            _end = have;
        }
        while (_end < need)
        {
            if (_end == _buffer.Length)
            {
                // Grow only when the buffer is full of real data, so a lying length cannot allocate ahead of the file.
                var bigger = (int)Math.Min((long)_buffer.Length * 2, MaxRecordBytes + (long)InitialBufferBytes);
                Array.Resize(ref _buffer, bigger);
            }
            var n = ReadSource(_buffer, _end, _buffer.Length - _end);
            if (n <= 0)
            {
                _endOfStream = true;
                if (_gzip && !_gzipCorrupt) CheckGzipEnd();
                return false;
            }
            _end += n;
        }
        return true;
    }

    private bool _gzipCorrupt;

    private int ReadSource(byte[] into, int offset, int count)
    {
        try
        {
            return _source.Read(into, offset, count);
        }
        catch (InvalidDataException e) when (_gzip)
        {
            _gzipCorrupt = true;
            _anomalies.Report(CaptureAnomalies.GzipStreamCorrupt, FramesRead + 1, _bufferOffset + _end, e.Message);
            return 0;
        }
        catch (Exception e)
        {
            // Any other failure of the source (I/O error, or a decompressor failing in another way) ends the input.
            var name = _gzip && e is not IOException ? CaptureAnomalies.GzipStreamCorrupt : CaptureAnomalies.CaptureReadError;
            _gzipCorrupt |= name == CaptureAnomalies.GzipStreamCorrupt;
            _anomalies.Report(name, FramesRead + 1, _bufferOffset + _end, e.Message);
            return 0;
        }
    }

    /// <summary>
    /// GZipStream ends silently when the compressed file is cut short. The last member's trailer holds its
    /// uncompressed size (ISIZE, mod 2^32): for a whole single-member file it equals the total decompressed size.
    /// A different value that is also larger than the total cannot come from an earlier member either, so the
    /// stream was cut. (A multi-member file cut exactly at a record boundary can escape this check.)
    /// </summary>
    private void CheckGzipEnd()
    {
        try
        {
            if (!_raw.CanSeek || _raw.Length < 18) return;
            Span<byte> trailer = stackalloc byte[4];
            _raw.Seek(-4, SeekOrigin.End);
            if (ReadAtLeast(_raw, trailer) != 4) return;
            var isize = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            var total = _bufferOffset + _end;
            if (isize == (uint)total || isize < total) return;
            Truncated = true;
            _anomalies.Report(CaptureAnomalies.GzipStreamTruncated, FramesRead + 1, total,
                $"the compressed data ends before the gzip trailer ({total} bytes decompressed, trailer says {isize})");
        }
        catch (IOException e)
        {
            _anomalies.Report(CaptureAnomalies.CaptureReadError, FramesRead + 1, _bufferOffset + _end, e.Message);
        }
    }

    /// <summary>Called when no further whole record is available: records a truncation if bytes are left over.</summary>
    private void EndOfInput()
    {
        if (_stopped) return;
        _stopped = true;
        var left = _end - _pos;
        if (left > 0)
        {
            Truncated = true;
            _anomalies.Report(CaptureAnomalies.CaptureTruncated, FramesRead + 1, _bufferOffset + _pos,
                $"{left} bytes after the last whole record");
        }
    }

    /// <summary>Stops reading because the rest of the file cannot be framed; the caller has reported why.</summary>
    private void Stop() => _stopped = true;

    public void Dispose()
    {
        _stopped = true;
        if (_gzip)
        {
            _source.Dispose(); // the GZipStream; it closes the file unless the caller asked to keep it open
        }
        else if (!_leaveOpen)
        {
            _source.Dispose();
        }
    }
}
