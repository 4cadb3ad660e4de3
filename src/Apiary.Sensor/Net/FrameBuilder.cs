using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Sensor.Net;

/// <summary>Writes complete Ethernet frames (with correct checksums) into a caller's buffer; returns the frame length.</summary>
public static class FrameBuilder
{
    public const int EthernetHeader = 14;

    public static void Ethernet(Span<byte> b, ReadOnlySpan<byte> dstMac, ReadOnlySpan<byte> srcMac, ushort etherType)
    {
        dstMac.CopyTo(b);
        srcMac.CopyTo(b[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(b[12..], etherType);
    }

    public static int ArpReply(Span<byte> b, ReadOnlySpan<byte> ourMac, uint ourIp, ReadOnlySpan<byte> theirMac, uint theirIp)
    {
        Ethernet(b, theirMac, ourMac, 0x0806);
        var a = b[14..];
        BinaryPrimitives.WriteUInt16BigEndian(a, 1);
        BinaryPrimitives.WriteUInt16BigEndian(a[2..], 0x0800);
        a[4] = 6; a[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(a[6..], 2);
        ourMac.CopyTo(a[8..]);
        BinaryPrimitives.WriteUInt32BigEndian(a[14..], ourIp);
        theirMac.CopyTo(a[18..]);
        BinaryPrimitives.WriteUInt32BigEndian(a[24..], theirIp);
        a[28..32].Clear();
        return 42;
    }

    /// <summary>IPv4 header at offset 14; returns 34 (header end).</summary>
    public static void Ipv4(Span<byte> b, uint src, uint dst, byte protocol, int payloadLength, ushort id, byte ttl, bool df, byte tos = 0)
    {
        var ip = b[14..];
        ip[0] = 0x45;
        ip[1] = tos;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], (ushort)(df ? 0x4000 : 0));
        ip[8] = ttl;
        ip[9] = protocol;
        ip[10] = 0; ip[11] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], src);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], dst);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Compute(ip[..20]));
    }

    /// <summary>Writes a 128-bit address in network order (16 bytes).</summary>
    public static void WriteAddress(Span<byte> b, IpAddress128 a)
    {
        BinaryPrimitives.WriteUInt64BigEndian(b, a.Hi);
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], a.Lo);
    }

    /// <summary>IPv6 header at offset 14 (no extension headers); the header ends at 54.</summary>
    public static void Ipv6(Span<byte> b, IpAddress128 src, IpAddress128 dst, byte nextHeader, int payloadLength, byte hopLimit)
    {
        var ip = b[14..];
        ip[0] = 0x60; ip[1] = 0; ip[2] = 0; ip[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)payloadLength);
        ip[6] = nextHeader;
        ip[7] = hopLimit;
        WriteAddress(ip[8..], src);
        WriteAddress(ip[24..], dst);
    }

    /// <summary>
    /// Ethernet + IPv4 or IPv6 header (by the family of <paramref name="src"/>); returns where the transport header
    /// starts and the pseudo-header sum for its checksum. IPv6 has no ID or DF: <paramref name="ttl"/> is the hop limit.
    /// </summary>
    private static int IpFrame(Span<byte> b, ReadOnlySpan<byte> srcMac, ReadOnlySpan<byte> dstMac, IpAddress128 src, IpAddress128 dst,
        byte protocol, int length, ushort ipId, byte ttl, bool df, byte tos, out uint pseudo)
    {
        if (src.IsV4)
        {
            Ethernet(b, dstMac, srcMac, 0x0800);
            Ipv4(b, src.V4, dst.V4, protocol, length, ipId, ttl, df, tos);
            pseudo = Checksum.PseudoHeaderV4(src.V4, dst.V4, protocol, length);
            return 34;
        }
        Ethernet(b, dstMac, srcMac, 0x86DD);
        Ipv6(b, src, dst, protocol, length, ttl);
        pseudo = Checksum.PseudoHeaderV6(b.Slice(22, 16), b.Slice(38, 16), protocol, length);
        return 54;
    }

    public static int Tcp(Span<byte> b, ReadOnlySpan<byte> srcMac, ReadOnlySpan<byte> dstMac, IpAddress128 src, IpAddress128 dst, ushort ipId, byte ttl, bool df,
        ushort sport, ushort dport, uint seq, uint ack, byte flags, ushort window, ReadOnlySpan<byte> options, ReadOnlySpan<byte> payload)
    {
        var hl = 20 + options.Length;
        var tcpLen = hl + payload.Length;
        var off = IpFrame(b, srcMac, dstMac, src, dst, 6, tcpLen, ipId, ttl, df, 0, out var pseudo);
        var t = b[off..];
        BinaryPrimitives.WriteUInt16BigEndian(t, sport);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], dport);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], ack);
        t[12] = (byte)((hl / 4) << 4);
        t[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(t[14..], window);
        t[16] = 0; t[17] = 0; t[18] = 0; t[19] = 0;
        options.CopyTo(t[20..]);
        payload.CopyTo(t[hl..]);
        var sum = Checksum.Add(pseudo, t[..tcpLen]);
        BinaryPrimitives.WriteUInt16BigEndian(t[16..], Checksum.Finish(sum));
        return off + tcpLen;
    }

    public static int Udp(Span<byte> b, ReadOnlySpan<byte> srcMac, ReadOnlySpan<byte> dstMac, IpAddress128 src, IpAddress128 dst, ushort ipId, byte ttl, bool df,
        ushort sport, ushort dport, ReadOnlySpan<byte> payload)
    {
        var len = 8 + payload.Length;
        var off = IpFrame(b, srcMac, dstMac, src, dst, 17, len, ipId, ttl, df, 0, out var pseudo);
        var u = b[off..];
        BinaryPrimitives.WriteUInt16BigEndian(u, sport);
        BinaryPrimitives.WriteUInt16BigEndian(u[2..], dport);
        BinaryPrimitives.WriteUInt16BigEndian(u[4..], (ushort)len);
        u[6] = 0; u[7] = 0;
        payload.CopyTo(u[8..]);
        // A zero UDP checksum means "none" in IPv4 and is forbidden in IPv6: send its ones' complement twin.
        var c = Checksum.Finish(Checksum.Add(pseudo, u[..len]));
        BinaryPrimitives.WriteUInt16BigEndian(u[6..], c == 0 ? (ushort)0xFFFF : c);
        return off + len;
    }

    /// <summary>ICMPv4 message: type, code, the 4 bytes after the checksum, then the body.</summary>
    public static int Icmp(Span<byte> b, ReadOnlySpan<byte> srcMac, ReadOnlySpan<byte> dstMac, uint src, uint dst, ushort ipId, byte ttl, bool df,
        byte type, byte code, uint rest, ReadOnlySpan<byte> body, byte tos = 0)
    {
        var len = 8 + body.Length;
        Ethernet(b, dstMac, srcMac, 0x0800);
        Ipv4(b, src, dst, 1, len, ipId, ttl, df, tos);
        var m = b[34..];
        m[0] = type; m[1] = code; m[2] = 0; m[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(m[4..], rest);
        body.CopyTo(m[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(m[2..], Checksum.Compute(m[..len]));
        return 34 + len;
    }

    /// <summary>IPv6 + ICMPv6 message (neighbour advertisement, echo reply).</summary>
    public static int Icmpv6(Span<byte> b, ReadOnlySpan<byte> srcMac, ReadOnlySpan<byte> dstMac, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst,
        byte hopLimit, byte type, byte code, uint rest, ReadOnlySpan<byte> body)
    {
        var len = 8 + body.Length;
        Ethernet(b, dstMac, srcMac, 0x86DD);
        var ip = b[14..];
        ip[0] = 0x60; ip[1] = 0; ip[2] = 0; ip[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)len);
        ip[6] = 58;
        ip[7] = hopLimit;
        src.CopyTo(ip[8..]);
        dst.CopyTo(ip[24..]);
        var m = b[54..];
        m[0] = type; m[1] = code; m[2] = 0; m[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(m[4..], rest);
        body.CopyTo(m[8..]);
        var sum = Checksum.Add(Checksum.PseudoHeaderV6(src, dst, 58, len), m[..len]);
        BinaryPrimitives.WriteUInt16BigEndian(m[2..], Checksum.Finish(sum));
        return 54 + len;
    }
}
