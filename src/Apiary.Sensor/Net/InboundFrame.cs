using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Sensor.Net;

/// <summary>
/// The fields of one received Ethernet frame that the responder needs. Parsing never throws: a frame that is
/// too short or inconsistent leaves <see cref="Kind"/> at <see cref="FrameKind.Other"/> (it is still captured).
/// Reused for every frame (no allocation per packet).
/// </summary>
public sealed class InboundFrame
{
    public byte[] Buffer = [];
    public int Length;
    public int EtherType;
    public FrameKind Kind;

    // ARP
    public ushort ArpOp;
    public uint ArpSenderIp, ArpTargetIp;

    // IP (both families): Source/Destination as 128-bit addresses (IPv4 in mapped form)
    public bool IsV6;
    public IpAddress128 Source, Destination;

    // IPv4
    public int IpOffset, IpHeaderLength, IpTotalLength;
    public uint Src, Dst;
    public byte Protocol, Ttl, Tos;
    public ushort IpId;
    public bool Df, Fragment;

    // IPv6 (no extension headers: those packets are captured, not answered)
    public int Ip6PayloadOffset, Ip6PayloadLength;
    public byte NextHeader;

    // TCP / UDP
    public ushort SrcPort, DstPort;
    public uint Seq, Ack;
    public byte Flags;
    public ushort Window;
    public int Mss, WindowScale;
    public bool SackOk, TsPresent;
    public uint TsVal;
    public int PayloadOffset, PayloadLength;

    // ICMP
    public byte IcmpType, IcmpCode;
    public int IcmpOffset, IcmpLength;

    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);
    public ReadOnlySpan<byte> SrcMac => Buffer.AsSpan(6, 6);
    public ReadOnlySpan<byte> DstMac => Buffer.AsSpan(0, 6);
    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(PayloadOffset, PayloadLength);
    /// <summary>The whole IPv4 or IPv6 datagram as received (for ICMP error quoting).</summary>
    public ReadOnlySpan<byte> IpDatagram => Buffer.AsSpan(IpOffset, Math.Min(IpTotalLength, Length - IpOffset));

    public void Parse(byte[] buffer, int length)
    {
        Buffer = buffer;
        Length = length;
        Kind = FrameKind.Other;
        IsV6 = false;
        if (length < 14) return;
        var s = buffer.AsSpan(0, length);
        EtherType = BinaryPrimitives.ReadUInt16BigEndian(s[12..]);
        if (EtherType == 0x0806) ParseArp(s);
        else if (EtherType == 0x0800) ParseIpv4(s);
        else if (EtherType == 0x86DD) ParseIpv6(s);
    }

    private void ParseArp(ReadOnlySpan<byte> s)
    {
        if (s.Length < 42) return;
        var a = s[14..];
        if (BinaryPrimitives.ReadUInt16BigEndian(a) != 1 || BinaryPrimitives.ReadUInt16BigEndian(a[2..]) != 0x0800 || a[4] != 6 || a[5] != 4) return;
        ArpOp = BinaryPrimitives.ReadUInt16BigEndian(a[6..]);
        ArpSenderIp = BinaryPrimitives.ReadUInt32BigEndian(a[14..]);
        ArpTargetIp = BinaryPrimitives.ReadUInt32BigEndian(a[24..]);
        Kind = FrameKind.Arp;
    }

    private void ParseIpv4(ReadOnlySpan<byte> s)
    {
        IpOffset = 14;
        if (s.Length < 34) return;
        var ip = s[14..];
        if (ip[0] >> 4 != 4) return;
        IpHeaderLength = (ip[0] & 0xF) * 4;
        IpTotalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        if (IpHeaderLength < 20 || IpTotalLength < IpHeaderLength || ip.Length < IpHeaderLength) return;
        var avail = Math.Min(IpTotalLength, ip.Length);
        Tos = ip[1];
        IpId = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        var frag = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]);
        Df = (frag & 0x4000) != 0;
        Fragment = (frag & 0x3FFF) != 0;
        Ttl = ip[8];
        Protocol = ip[9];
        Src = BinaryPrimitives.ReadUInt32BigEndian(ip[12..]);
        Dst = BinaryPrimitives.ReadUInt32BigEndian(ip[16..]);
        Source = IpAddress128.FromV4(Src);
        Destination = IpAddress128.FromV4(Dst);
        Kind = FrameKind.Ipv4Other;
        if (Fragment) return; // the responder does not reassemble; fragments are captured, not answered
        var t = ip[IpHeaderLength..avail];
        var tOff = 14 + IpHeaderLength;
        if (Protocol == 6) ParseTcp(t, tOff);
        else if (Protocol == 17) ParseUdp(t, tOff);
        else if (Protocol == 1 && t.Length >= 8)
        {
            IcmpType = t[0];
            IcmpCode = t[1];
            IcmpOffset = tOff;
            IcmpLength = t.Length;
            Kind = FrameKind.Icmp;
        }
    }

    private void ParseUdp(ReadOnlySpan<byte> t, int tOff)
    {
        if (t.Length < 8) return;
        SrcPort = BinaryPrimitives.ReadUInt16BigEndian(t);
        DstPort = BinaryPrimitives.ReadUInt16BigEndian(t[2..]);
        var ulen = BinaryPrimitives.ReadUInt16BigEndian(t[4..]);
        PayloadOffset = tOff + 8;
        PayloadLength = Math.Clamp(ulen - 8, 0, t.Length - 8);
        Kind = FrameKind.Udp;
    }

    private void ParseTcp(ReadOnlySpan<byte> t, int tOff)
    {
        if (t.Length < 20) return;
        var hl = (t[12] >> 4) * 4;
        if (hl < 20 || hl > t.Length) return;
        SrcPort = BinaryPrimitives.ReadUInt16BigEndian(t);
        DstPort = BinaryPrimitives.ReadUInt16BigEndian(t[2..]);
        Seq = BinaryPrimitives.ReadUInt32BigEndian(t[4..]);
        Ack = BinaryPrimitives.ReadUInt32BigEndian(t[8..]);
        Flags = t[13];
        Window = BinaryPrimitives.ReadUInt16BigEndian(t[14..]);
        Mss = -1; WindowScale = -1; SackOk = false; TsPresent = false; TsVal = 0;
        var o = t[20..hl];
        for (var i = 0; i < o.Length;)
        {
            var kind = o[i];
            if (kind == 0) break;
            if (kind == 1) { i++; continue; }
            if (i + 1 >= o.Length) break;
            var len = o[i + 1];
            if (len < 2 || i + len > o.Length) break;
            switch (kind)
            {
                case 2 when len == 4: Mss = BinaryPrimitives.ReadUInt16BigEndian(o[(i + 2)..]); break;
                case 3 when len == 3: WindowScale = o[i + 2]; break;
                case 4: SackOk = true; break;
                case 8 when len == 10: TsPresent = true; TsVal = BinaryPrimitives.ReadUInt32BigEndian(o[(i + 2)..]); break;
            }
            i += len;
        }
        PayloadOffset = tOff + hl;
        PayloadLength = t.Length - hl;
        Kind = FrameKind.Tcp;
    }

    private void ParseIpv6(ReadOnlySpan<byte> s)
    {
        if (s.Length < 54) return;
        var ip = s[14..];
        if (ip[0] >> 4 != 6) return;
        IsV6 = true;
        NextHeader = ip[6];
        Tos = (byte)(BinaryPrimitives.ReadUInt16BigEndian(ip) >> 4);
        Ttl = ip[7];
        Df = false;
        Fragment = false;
        Source = IpAddress128.FromV6Bytes(ip[8..]);
        Destination = IpAddress128.FromV6Bytes(ip[24..]);
        IpOffset = 14;
        IpHeaderLength = 40;
        Ip6PayloadOffset = 54;
        Ip6PayloadLength = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(ip[4..]), s.Length - 54);
        IpTotalLength = 40 + Ip6PayloadLength;
        Kind = FrameKind.Ipv6Other;
        var t = s.Slice(54, Ip6PayloadLength);
        if (NextHeader == 58 && Ip6PayloadLength >= 8)
        {
            IcmpType = s[54];
            IcmpCode = s[55];
            IcmpOffset = 54;
            IcmpLength = Ip6PayloadLength;
            Kind = FrameKind.Icmpv6;
        }
        else if (NextHeader == 6) ParseTcp(t, 54);
        else if (NextHeader == 17) ParseUdp(t, 54);
    }
}

/// <summary>What an inbound frame turned out to be.</summary>
public enum FrameKind
{
    Other,
    Arp,
    Ipv4Other,
    Tcp,
    Udp,
    Icmp,
    Ipv6Other,
    Icmpv6,
}
