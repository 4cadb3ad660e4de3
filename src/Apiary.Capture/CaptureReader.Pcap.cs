using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Capture;

// Classic pcap (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html): a 24-byte file header, then
// records of a 16-byte header (seconds, µs or ns, captured length, wire length) and the captured bytes.
public sealed partial class CaptureReader
{
    private const int PcapFileHeaderBytes = 24;
    private const int PcapRecordHeaderBytes = 16;

    private int _pcapLinkType;
    private long _pcapFractionToNs;     // 1000 for µs files, 1 for ns files
    private uint _pcapFractionLimit;    // 10^6 or 10^9: larger sub-second values are reported
    private uint _pcapQuietCaplenLimit; // records up to this length pass without any remark (the file's snaplen)
    private uint _pcapMaxCaplen;        // records above this length cannot be real: framing stops

    private void OpenPcap(bool bigEndian, bool nanoseconds)
    {
        _container = Container.Pcap;
        _bigEndian = bigEndian;
        if (!Fill(PcapFileHeaderBytes))
            throw new CaptureFormatException(Path, _end - _pos,
                $"file ends inside the pcap file header ({_end - _pos} of {PcapFileHeaderBytes} bytes)");
        var header = _buffer.AsSpan(_pos, PcapFileHeaderBytes);
        var major = ReadU16(header[4..]);
        if (major != 2)
            throw new CaptureFormatException(Path, 4, $"pcap version {major}.{ReadU16(header[6..])} is not supported (only 2.x exists)");
        var snaplen = ReadU32(header[16..]);
        // The top bits of the link-type field carry FCS information (LT_LINKTYPE in libpcap masks them off).
        _pcapLinkType = (int)(ReadU32(header[20..]) & 0x03FFFFFF);
        AddLinkType(_pcapLinkType);
        Snaplen = (int)Math.Min(snaplen, int.MaxValue);
        _pcapFractionToNs = nanoseconds ? 1 : 1000;
        _pcapFractionLimit = nanoseconds ? 1_000_000_000u : 1_000_000u;
        // libpcap and Wireshark accept records up to the per-link maximum (262144 for ordinary links) even when the
        // file header's snaplen is smaller (real captures do this), so only lengths past both bounds stop framing.
        _pcapMaxCaplen = (uint)Math.Min(Math.Max(snaplen, StandardMaxSnaplen), MaxRecordBytes);
        _pcapQuietCaplenLimit = snaplen == 0 ? _pcapMaxCaplen : Math.Min(snaplen, _pcapMaxCaplen);
        _pos += PcapFileHeaderBytes;
    }

    private bool TryReadNextPcapChecked(out CapturedFrame frame)
    {
        frame = default;
        if (_stopped) return false;
        if (!Fill(PcapRecordHeaderBytes))
        {
            EndOfInput();
            return false;
        }
        var recordOffset = _bufferOffset + _pos;
        var frameNumber = FramesRead + 1;
        var header = _buffer.AsSpan(_pos, PcapRecordHeaderBytes);
        var seconds = ReadU32(header);
        var fraction = ReadU32(header[4..]);
        var captured = ReadU32(header[8..]);
        var wire = ReadU32(header[12..]);

        if (captured > _pcapMaxCaplen)
        {
            _anomalies.Report(CaptureAnomalies.PcapRecordLengthAbsurd, frameNumber, recordOffset,
                $"captured length {captured} exceeds the maximum {_pcapMaxCaplen}; the rest of the file cannot be framed");
            Stop();
            return false;
        }
        if (!Fill(PcapRecordHeaderBytes + (int)captured))
        {
            EndOfInput();
            return false;
        }
        if (captured > _pcapQuietCaplenLimit)
            _anomalies.Report(CaptureAnomalies.PcapRecordCaplenExceedsSnaplen, frameNumber, recordOffset,
                $"captured length {captured} > snaplen {Snaplen}");
        if (wire < captured)
            _anomalies.Report(CaptureAnomalies.PcapRecordWireLengthLessThanCaptured, frameNumber, recordOffset,
                $"wire length {wire} < captured length {captured}");
        if (wire > int.MaxValue)
        {
            _anomalies.Report(CaptureAnomalies.PcapRecordWireLengthAbsurd, frameNumber, recordOffset, $"wire length {wire}");
            wire = int.MaxValue;
        }
        if (fraction >= _pcapFractionLimit)
            _anomalies.Report(CaptureAnomalies.PcapRecordTimestampFractionInvalid, frameNumber, recordOffset,
                $"sub-second field {fraction} >= {_pcapFractionLimit}");

        // Fill may have compacted the buffer: take positions afresh.
        var data = new ReadOnlySpan<byte>(_buffer, _pos + PcapRecordHeaderBytes, (int)captured);
        _pos += PcapRecordHeaderBytes + (int)captured;
        FramesRead++;
        frame = new CapturedFrame(seconds * 1_000_000_000L + fraction * _pcapFractionToNs, (int)wire, data,
            _pcapLinkType, recordOffset, FramesRead, 0);
        return true;
    }

    private ushort ReadU16(ReadOnlySpan<byte> s) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);

    private uint ReadU32(ReadOnlySpan<byte> s) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);

    private ulong ReadU64(ReadOnlySpan<byte> s) =>
        _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s);
}
