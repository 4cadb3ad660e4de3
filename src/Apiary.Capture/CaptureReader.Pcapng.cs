using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Capture;

// pcapng (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html): a sequence of blocks
// (type, total length, body, total length again). Each section header block sets the byte order and forgets the
// interfaces of the previous section; packets name the interface (link type, timestamp resolution) they came from.
public sealed partial class CaptureReader
{
    private const uint PcapngSectionHeaderType = 0x0A0D0D0A;
    private const uint PcapngInterfaceType = 1;
    private const uint PcapngObsoletePacketType = 2;
    private const uint PcapngSimplePacketType = 3;
    private const uint PcapngEnhancedPacketType = 6;
    private const uint PcapngByteOrderMagic = 0x1A2B3C4D;
    private const int PcapngBlockHeaderBytes = 8;  // type + total length
    private const int PcapngMinBlockBytes = 12;    // type + total length + trailing total length
    private const int PcapngSectionHeaderMinBytes = 28;

    /// <summary>Interfaces per section: real captures have a handful; a hostile file must not grow this list without end.</summary>
    public const int MaxInterfacesPerSection = 65536;

    private const ushort OptionEnd = 0;
    private const ushort OptionIfTsresol = 9;
    private const ushort OptionIfTsoffset = 14;

    private readonly List<PcapngInterface> _interfaces = [];

    private void OpenPcapng()
    {
        _container = Container.Pcapng;
        if (!Fill(PcapngMinBlockBytes))
            throw new CaptureFormatException(Path, _end - _pos,
                $"file ends inside the first pcapng block header ({_end - _pos} of {PcapngMinBlockBytes} bytes)");
        if (!TrySetSectionByteOrder(_buffer.AsSpan(_pos + PcapngBlockHeaderBytes, 4)))
            throw new CaptureFormatException(Path, PcapngBlockHeaderBytes,
                $"pcapng section header byte-order magic 0x{BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_pos + 8, 4)):x8} is neither 1a2b3c4d nor 4d3c2b1a");
        // The section header block itself is parsed by the block loop like any later one.
    }

    private bool TrySetSectionByteOrder(ReadOnlySpan<byte> magic)
    {
        var little = BinaryPrimitives.ReadUInt32LittleEndian(magic);
        if (little == PcapngByteOrderMagic) { _bigEndian = false; return true; }
        if (BinaryPrimitives.ReadUInt32BigEndian(magic) == PcapngByteOrderMagic) { _bigEndian = true; return true; }
        return false;
    }

    private bool TryReadNextPcapng(out CapturedFrame frame)
    {
        frame = default;
        while (!_stopped)
        {
            if (!Fill(PcapngMinBlockBytes))
            {
                EndOfInput();
                return false;
            }
            var blockOffset = _bufferOffset + _pos;
            var type = ReadU32(_buffer.AsSpan(_pos, 4));
            if (type == PcapngSectionHeaderType && !TrySetSectionByteOrder(_buffer.AsSpan(_pos + PcapngBlockHeaderBytes, 4)))
            {
                _anomalies.Report(CaptureAnomalies.PcapngSectionHeaderInvalid, FramesRead + 1, blockOffset,
                    "byte-order magic is neither 1a2b3c4d nor 4d3c2b1a; the rest of the file cannot be framed");
                Stop();
                return false;
            }
            var length = ReadU32(_buffer.AsSpan(_pos + 4, 4));
            if (length < PcapngMinBlockBytes || (length & 3) != 0 || length > MaxRecordBytes)
            {
                _anomalies.Report(CaptureAnomalies.PcapngBlockLengthInvalid, FramesRead + 1, blockOffset,
                    $"block type 0x{type:x8} total length {length}; the rest of the file cannot be framed");
                Stop();
                return false;
            }
            if (!Fill((int)length))
            {
                EndOfInput();
                return false;
            }
            var block = new ReadOnlySpan<byte>(_buffer, _pos, (int)length);
            var trailer = ReadU32(block[^4..]);
            if (trailer != length)
            {
                _anomalies.Report(CaptureAnomalies.PcapngBlockLengthMismatch, FramesRead + 1, blockOffset,
                    $"block type 0x{type:x8} starts with length {length} but ends with {trailer}; the rest of the file cannot be framed");
                Stop();
                return false;
            }
            var blockStart = _pos;
            _pos += (int)length;
            switch (type)
            {
                case PcapngSectionHeaderType:
                    if (!ReadSectionHeader(block, blockOffset)) return false;
                    break;
                case PcapngInterfaceType:
                    ReadInterfaceDescription(block, blockOffset);
                    break;
                case PcapngEnhancedPacketType:
                case PcapngObsoletePacketType:
                    if (TryReadPacketBlock(type, block, blockStart, blockOffset, out frame)) return true;
                    break;
                case PcapngSimplePacketType:
                    if (TryReadSimplePacketBlock(block, blockStart, blockOffset, out frame)) return true;
                    break;
                default:
                    // Name resolution, statistics, secrets, custom and future blocks carry no packets: skip by length.
                    break;
            }
        }
        return false;
    }

    private bool ReadSectionHeader(ReadOnlySpan<byte> block, long blockOffset)
    {
        if (block.Length < PcapngSectionHeaderMinBytes)
        {
            _anomalies.Report(CaptureAnomalies.PcapngBlockLengthInvalid, FramesRead + 1, blockOffset,
                $"section header block of {block.Length} bytes (minimum {PcapngSectionHeaderMinBytes}); the rest of the file cannot be framed");
            Stop();
            return false;
        }
        var major = ReadU16(block[12..]);
        if (major != 1)
        {
            _anomalies.Report(CaptureAnomalies.PcapngSectionVersionUnsupported, FramesRead + 1, blockOffset,
                $"section version {major}.{ReadU16(block[14..])}; only 1.x is defined");
            Stop();
            return false;
        }
        _interfaces.Clear();
        return true;
    }

    private void ReadInterfaceDescription(ReadOnlySpan<byte> block, long blockOffset)
    {
        const int fixedBytes = PcapngBlockHeaderBytes + 8; // link type, reserved, snaplen
        if (block.Length < fixedBytes + 4)
        {
            _anomalies.Report(CaptureAnomalies.PcapngBlockTooShort, FramesRead + 1, blockOffset,
                $"interface description block of {block.Length} bytes");
            return;
        }
        if (_interfaces.Count >= MaxInterfacesPerSection)
        {
            _anomalies.Report(CaptureAnomalies.PcapngTooManyInterfaces, FramesRead + 1, blockOffset,
                $"more than {MaxInterfacesPerSection} interfaces in one section");
            return;
        }
        int linkType = ReadU16(block[8..]);
        var snaplen = ReadU32(block[12..]);
        var tsresol = PcapngInterface.DefaultTsresol;
        long tsoffset = 0;
        var options = block[fixedBytes..^4];
        while (options.Length >= 4)
        {
            var code = ReadU16(options);
            int valueLength = ReadU16(options[2..]);
            if (code == OptionEnd) break;
            var padded = (valueLength + 3) & ~3;
            if (4 + padded > options.Length)
            {
                _anomalies.Report(CaptureAnomalies.PcapngOptionLengthInvalid, FramesRead + 1, blockOffset,
                    $"interface option {code} of {valueLength} bytes runs past the block");
                break;
            }
            var value = options.Slice(4, valueLength);
            if (code == OptionIfTsresol)
            {
                if (valueLength == 1 && PcapngInterface.IsSupportedTsresol(value[0]))
                    tsresol = value[0];
                else
                    _anomalies.Report(CaptureAnomalies.PcapngTsresolUnsupported, FramesRead + 1, blockOffset,
                        valueLength == 1 ? $"if_tsresol 0x{value[0]:x2}" : $"if_tsresol of {valueLength} bytes");
            }
            else if (code == OptionIfTsoffset && valueLength == 8)
            {
                tsoffset = (long)ReadU64(value);
            }
            options = options[(4 + padded)..];
        }
        _interfaces.Add(PcapngInterface.Create(linkType, snaplen, tsresol, tsoffset));
        AddLinkType(linkType);
        if (snaplen <= int.MaxValue && (int)snaplen > Snaplen) Snaplen = (int)snaplen;
    }

    private bool TryReadPacketBlock(uint type, ReadOnlySpan<byte> block, int blockStart, long blockOffset, out CapturedFrame frame)
    {
        frame = default;
        const int fixedBytes = PcapngBlockHeaderBytes + 20; // interface, timestamp high/low, captured, original
        var frameNumber = FramesRead + 1;
        if (block.Length < fixedBytes + 4)
        {
            _anomalies.Report(CaptureAnomalies.PcapngBlockTooShort, frameNumber, blockOffset,
                $"packet block type {type} of {block.Length} bytes");
            return false;
        }
        // The obsolete packet block has a 16-bit interface id followed by a 16-bit drops count.
        var interfaceId = type == PcapngEnhancedPacketType ? ReadU32(block[8..]) : ReadU16(block[8..]);
        var ticks = ((ulong)ReadU32(block[12..]) << 32) | ReadU32(block[16..]);
        var captured = ReadU32(block[20..]);
        var wire = ReadU32(block[24..]);
        if (captured > (uint)(block.Length - fixedBytes - 4))
        {
            _anomalies.Report(CaptureAnomalies.PcapngPacketLengthExceedsBlock, frameNumber, blockOffset,
                $"captured length {captured} in a block of {block.Length} bytes");
            return false;
        }
        if (interfaceId >= (uint)_interfaces.Count)
        {
            _anomalies.Report(CaptureAnomalies.PcapngUnknownInterface, frameNumber, blockOffset,
                $"interface {interfaceId}, section declares {_interfaces.Count}");
            return false;
        }
        var iface = _interfaces[(int)interfaceId];
        return DeliverPcapngPacket(iface, (int)interfaceId, iface.ToNanoseconds(ticks), captured, wire,
            blockStart + fixedBytes, blockOffset, out frame);
    }

    private bool TryReadSimplePacketBlock(ReadOnlySpan<byte> block, int blockStart, long blockOffset, out CapturedFrame frame)
    {
        frame = default;
        const int fixedBytes = PcapngBlockHeaderBytes + 4; // original length
        if (block.Length < fixedBytes + 4)
        {
            _anomalies.Report(CaptureAnomalies.PcapngBlockTooShort, FramesRead + 1, blockOffset,
                $"simple packet block of {block.Length} bytes");
            return false;
        }
        if (_interfaces.Count == 0)
        {
            _anomalies.Report(CaptureAnomalies.PcapngUnknownInterface, FramesRead + 1, blockOffset,
                "simple packet block before any interface description block");
            return false;
        }
        var iface = _interfaces[0];
        var wire = ReadU32(block[8..]);
        // Captured length = min(original length, interface 0's snaplen, room in the block) (pcapng draft 4.4).
        var captured = Math.Min(wire, (uint)(block.Length - fixedBytes - 4));
        if (iface.Snaplen != 0) captured = Math.Min(captured, iface.Snaplen);
        // A simple packet block has no timestamp: 0 (the epoch), as tshark shows it.
        return DeliverPcapngPacket(iface, 0, 0, captured, wire, blockStart + fixedBytes, blockOffset, out frame);
    }

    private bool DeliverPcapngPacket(PcapngInterface iface, int interfaceId, long timestampNs, uint captured, uint wire,
        int dataStart, long blockOffset, out CapturedFrame frame)
    {
        var frameNumber = FramesRead + 1;
        if (iface.Snaplen != 0 && captured > iface.Snaplen)
            _anomalies.Report(CaptureAnomalies.PcapngPacketCaplenExceedsSnaplen, frameNumber, blockOffset,
                $"captured length {captured} > interface snaplen {iface.Snaplen}");
        if (wire < captured)
            _anomalies.Report(CaptureAnomalies.PcapngPacketWireLengthLessThanCaptured, frameNumber, blockOffset,
                $"original length {wire} < captured length {captured}");
        if (wire > int.MaxValue)
        {
            _anomalies.Report(CaptureAnomalies.PcapRecordWireLengthAbsurd, frameNumber, blockOffset, $"original length {wire}");
            wire = int.MaxValue;
        }
        FramesRead++;
        frame = new CapturedFrame(timestampNs, (int)wire, new ReadOnlySpan<byte>(_buffer, dataStart, (int)captured),
            iface.LinkType, blockOffset, FramesRead, interfaceId);
        return true;
    }
}
