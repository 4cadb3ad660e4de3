using System.Buffers.Binary;
using System.Net;

namespace Apiary.Decode.Tests;

/// <summary>Builds frames byte by byte for the decoder tests (no checksums: the decoder does not verify them).</summary>
internal static class FrameBuilder
{
    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(b => b).ToArray();

    public static byte[] U16(int v) => [(byte)(v >> 8), (byte)v];

    public static byte[] Ethernet(ushort etherType, byte[] payload, params (ushort Tpid, int Vid)[] tags)
    {
        var header = new List<byte>();
        header.AddRange([0x02, 0, 0, 0, 0, 0x20, 0x02, 0, 0, 0, 0, 0x11]);
        foreach (var (tpid, vid) in tags)
        {
            header.AddRange(U16(tpid));
            header.AddRange(U16(vid & 0x0FFF));
        }
        header.AddRange(U16(etherType));
        return [.. header, .. payload];
    }

    public static byte[] Sll(ushort protocol, byte[] payload) =>
        Concat(U16(0), U16(1), U16(6), [0x02, 0, 0, 0, 0, 0x11, 0, 0], U16(protocol), payload);

    public static byte[] Sll2(ushort protocol, byte[] payload) =>
        Concat(U16(protocol), U16(0), [0, 0, 0, 2], U16(1), [0, 6], [0x02, 0, 0, 0, 0, 0x11, 0, 0], payload);

    public static byte[] Ipv4(string src, string dst, int protocol, byte[] payload, byte ttl = 64, int id = 0x1234,
        bool df = false, bool mf = false, int fragmentOffsetBytes = 0, byte[]? options = null, int? totalLength = null, int? ihlWords = null, byte tos = 0)
    {
        options ??= [];
        var headerLength = 20 + options.Length;
        var h = new byte[headerLength];
        h[0] = (byte)(0x40 | (ihlWords ?? headerLength / 4));
        h[1] = tos;
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), (ushort)(totalLength ?? headerLength + payload.Length));
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), (ushort)id);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(6), (ushort)((df ? 0x4000 : 0) | (mf ? 0x2000 : 0) | (fragmentOffsetBytes / 8)));
        h[8] = ttl;
        h[9] = (byte)protocol;
        IPAddress.Parse(src).GetAddressBytes().CopyTo(h, 12);
        IPAddress.Parse(dst).GetAddressBytes().CopyTo(h, 16);
        options.CopyTo(h, 20);
        return [.. h, .. payload];
    }

    public static byte[] Ipv6(string src, string dst, int nextHeader, byte[] payload, byte hopLimit = 64, int? payloadLength = null, byte trafficClass = 0, int flowLabel = 0)
    {
        var h = new byte[40];
        BinaryPrimitives.WriteUInt32BigEndian(h, (uint)((6 << 28) | (trafficClass << 20) | (flowLabel & 0xFFFFF)));
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), (ushort)(payloadLength ?? payload.Length));
        h[6] = (byte)nextHeader;
        h[7] = hopLimit;
        IPAddress.Parse(src).GetAddressBytes().CopyTo(h, 8);
        IPAddress.Parse(dst).GetAddressBytes().CopyTo(h, 24);
        return [.. h, .. payload];
    }

    /// <summary>An IPv6 extension header of <paramref name="length"/> bytes (a multiple of 8) in the generic format.</summary>
    public static byte[] Ipv6Extension(int nextHeader, int length, byte[] rest)
    {
        var h = new byte[length];
        h[0] = (byte)nextHeader;
        h[1] = (byte)(length / 8 - 1);
        h[2] = 1; // PadN option...
        h[3] = (byte)(length - 4);
        return [.. h, .. rest];
    }

    public static byte[] Ipv6Fragment(int nextHeader, int offsetBytes, bool more, uint id, byte[] rest)
    {
        var h = new byte[8];
        h[0] = (byte)nextHeader;
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), (ushort)((offsetBytes & 0xFFF8) | (more ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4), id);
        return [.. h, .. rest];
    }

    public static byte[] Tcp(int sport, int dport, int flags, byte[]? options = null, byte[]? payload = null,
        uint seq = 1000, uint ack = 0, int window = 65535, int urgent = 0, int? dataOffsetWords = null)
    {
        options ??= [];
        payload ??= [];
        var headerLength = 20 + options.Length;
        var h = new byte[headerLength];
        BinaryPrimitives.WriteUInt16BigEndian(h, (ushort)sport);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), (ushort)dport);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4), seq);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(8), ack);
        h[12] = (byte)((dataOffsetWords ?? headerLength / 4) << 4);
        h[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(14), (ushort)window);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(18), (ushort)urgent);
        options.CopyTo(h, 20);
        return [.. h, .. payload];
    }

    public static byte[] Udp(int sport, int dport, byte[]? payload = null, int? length = null)
    {
        payload ??= [];
        var h = new byte[8];
        BinaryPrimitives.WriteUInt16BigEndian(h, (ushort)sport);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), (ushort)dport);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), (ushort)(length ?? 8 + payload.Length));
        return [.. h, .. payload];
    }

    public static byte[] Sctp(int sport, int dport) =>
        Concat(U16(sport), U16(dport), [0, 0, 0, 1], [0, 0, 0, 0], [1, 0, 0, 4]);

    public static byte[] Icmp(int type, int code, byte[] rest) => Concat([(byte)type, (byte)code, 0, 0, 0, 0, 0, 0], rest);

    // TCP options
    public static byte[] Mss(int v) => [2, 4, (byte)(v >> 8), (byte)v];
    public static byte[] Ws(int v) => [3, 3, (byte)v];
    public static byte[] Sok() => [4, 2];
    public static byte[] Ts(uint val, uint ecr)
    {
        var b = new byte[10];
        b[0] = 8; b[1] = 10;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(2), val);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(6), ecr);
        return b;
    }
    public static byte[] Nop() => [1];
    public static byte[] Eol() => [0];
}
