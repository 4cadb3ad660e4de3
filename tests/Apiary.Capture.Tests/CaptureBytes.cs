using System.Buffers.Binary;
using System.IO.Compression;

namespace Apiary.Capture.Tests;

/// <summary>Builds capture files byte by byte (any byte order, any lie in a length) for the reader's tests.</summary>
internal static class CaptureBytes
{
    public sealed record PcapRecord(uint Seconds, uint Fraction, byte[] Data, uint Wire, uint? CapturedOverride = null);

    public static byte[] Pcap(bool bigEndian, bool nanoseconds, uint linkType, uint snaplen, params PcapRecord[] records)
    {
        var w = new ByteWriter(bigEndian);
        w.U32(nanoseconds ? 0xa1b23c4du : 0xa1b2c3d4u);
        w.U16(2); w.U16(4); w.U32(0); w.U32(0); w.U32(snaplen); w.U32(linkType);
        foreach (var r in records)
        {
            w.U32(r.Seconds); w.U32(r.Fraction); w.U32(r.CapturedOverride ?? (uint)r.Data.Length); w.U32(r.Wire);
            w.Bytes(r.Data);
        }
        return w.ToArray();
    }

    /// <summary>Byte offsets where each record of a classic pcap built by <see cref="Pcap"/> ends.</summary>
    public static List<int> PcapRecordEnds(PcapRecord[] records)
    {
        var ends = new List<int>();
        var at = 24;
        foreach (var r in records) { at += 16 + r.Data.Length; ends.Add(at); }
        return ends;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    public static byte[] Packet(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}

/// <summary>Writes integers in a chosen byte order.</summary>
internal sealed class ByteWriter(bool bigEndian)
{
    private readonly MemoryStream _ms = new();
    public bool BigEndian { get; set; } = bigEndian;
    public int Length => (int)_ms.Length;

    public void U16(ushort v) { Span<byte> b = stackalloc byte[2]; if (BigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, v); else BinaryPrimitives.WriteUInt16LittleEndian(b, v); _ms.Write(b); }
    public void U32(uint v) { Span<byte> b = stackalloc byte[4]; if (BigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v); _ms.Write(b); }
    public void U64(ulong v) { Span<byte> b = stackalloc byte[8]; if (BigEndian) BinaryPrimitives.WriteUInt64BigEndian(b, v); else BinaryPrimitives.WriteUInt64LittleEndian(b, v); _ms.Write(b); }
    public void Bytes(ReadOnlySpan<byte> b) => _ms.Write(b);
    public void Pad4() { while (_ms.Length % 4 != 0) _ms.WriteByte(0); }
    public byte[] ToArray() => _ms.ToArray();
}

/// <summary>Builds pcapng files block by block; each section may use its own byte order.</summary>
internal sealed class PcapngBuilder
{
    private readonly MemoryStream _out = new();
    private bool _bigEndian;

    /// <summary>Offsets where each block ends (for truncation tests) and whether that block was a packet.</summary>
    public List<(int End, bool IsPacket)> Blocks { get; } = [];

    public PcapngBuilder Section(bool bigEndian, ushort major = 1)
    {
        _bigEndian = bigEndian;
        var body = new ByteWriter(bigEndian);
        body.U32(0x1A2B3C4D); body.U16(major); body.U16(0); body.U64(ulong.MaxValue);
        return Block(0x0A0D0D0A, body.ToArray(), false);
    }

    public PcapngBuilder Interface(ushort linkType, uint snaplen, byte? tsresol = null, long? tsoffset = null)
    {
        var body = new ByteWriter(_bigEndian);
        body.U16(linkType); body.U16(0); body.U32(snaplen);
        body.U16(2); body.U16(4); body.Bytes("eth0"u8); // if_name, to have an option before the ones that matter
        if (tsresol is { } r) { body.U16(9); body.U16(1); body.Bytes([r]); body.Pad4(); }
        if (tsoffset is { } o) { body.U16(14); body.U16(8); body.U64((ulong)o); }
        body.U16(0); body.U16(0);
        return Block(1, body.ToArray(), false);
    }

    public PcapngBuilder Enhanced(uint interfaceId, ulong ticks, byte[] data, uint wire, uint? capturedOverride = null)
    {
        var body = new ByteWriter(_bigEndian);
        body.U32(interfaceId); body.U32((uint)(ticks >> 32)); body.U32((uint)ticks);
        body.U32(capturedOverride ?? (uint)data.Length); body.U32(wire);
        body.Bytes(data); body.Pad4();
        body.U16(1); body.U16(3); body.Bytes("hi\0"u8); body.Pad4(); // opt_comment, skipped by the reader
        body.U16(0); body.U16(0);
        return Block(6, body.ToArray(), true);
    }

    public PcapngBuilder Obsolete(ushort interfaceId, ulong ticks, byte[] data, uint wire)
    {
        var body = new ByteWriter(_bigEndian);
        body.U16(interfaceId); body.U16(0); body.U32((uint)(ticks >> 32)); body.U32((uint)ticks);
        body.U32((uint)data.Length); body.U32(wire);
        body.Bytes(data); body.Pad4();
        return Block(2, body.ToArray(), true);
    }

    public PcapngBuilder Simple(byte[] data, uint wire)
    {
        var body = new ByteWriter(_bigEndian);
        body.U32(wire); body.Bytes(data); body.Pad4();
        return Block(3, body.ToArray(), true);
    }

    public PcapngBuilder Other(uint type, byte[] body) => Block(type, body, false);

    /// <summary>Writes a block with its correct lengths, or lying ones when given.</summary>
    public PcapngBuilder Block(uint type, byte[] body, bool isPacket, uint? lengthOverride = null, uint? trailerOverride = null)
    {
        var w = new ByteWriter(_bigEndian);
        var length = (uint)(12 + body.Length);
        w.U32(type); w.U32(lengthOverride ?? length); w.Bytes(body); w.U32(trailerOverride ?? lengthOverride ?? length);
        _out.Write(w.ToArray());
        Blocks.Add(((int)_out.Length, isPacket));
        return this;
    }

    public byte[] ToArray() => _out.ToArray();
}
