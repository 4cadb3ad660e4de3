using System.Buffers.Binary;

namespace Apiary.Simulator;

/// <summary>
/// Writes Ethernet II / IPv4 / TCP, UDP or ICMP frames with correct lengths and checksums into a span.
/// Every frame the simulator emits goes through here, so tshark and the project's decoder see valid packets.
/// </summary>
public static class FrameBuilder
{
    public const int EthernetHeader = 14;
    public const int Ipv4Header = 20;
    public const int TcpHeader = 20;
    public const int UdpHeader = 8;
    public const int IcmpHeader = 8;

    /// <summary>TCP flag bits.</summary>
    public const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10;

    /// <summary>IPv4 header fields that differ between stacks.</summary>
    public readonly record struct IpFields(uint Source, uint Destination, byte Ttl, ushort Id, bool DontFragment);

    public static int WriteEthernet(Span<byte> frame, ReadOnlySpan<byte> destinationMac, ReadOnlySpan<byte> sourceMac)
    {
        destinationMac.CopyTo(frame);
        sourceMac.CopyTo(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x0800);
        return EthernetHeader;
    }

    /// <summary>Writes an IPv4 header (no options) for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static int WriteIpv4(Span<byte> ip, in IpFields f, byte protocol, int payloadLength)
    {
        ip[0] = 0x45;
        ip[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(Ipv4Header + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], f.Id);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], f.DontFragment ? (ushort)0x4000 : (ushort)0);
        ip[8] = f.Ttl;
        ip[9] = protocol;
        ip[10] = 0;
        ip[11] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], f.Source);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], f.Destination);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip[..Ipv4Header], 0));
        return Ipv4Header;
    }

    /// <summary>Writes a whole Ethernet/IPv4/TCP frame and returns its length.</summary>
    public static int WriteTcp(Span<byte> frame, ReadOnlySpan<byte> dstMac, ReadOnlySpan<byte> srcMac, in IpFields ip,
        ushort sourcePort, ushort destinationPort, uint seq, uint ack, byte flags, ushort window,
        ReadOnlySpan<byte> options, ReadOnlySpan<byte> payload)
    {
        var tcpLength = TcpHeader + options.Length + payload.Length;
        var pos = WriteEthernet(frame, dstMac, srcMac);
        pos += WriteIpv4(frame[pos..], ip, 6, tcpLength);
        var tcp = frame.Slice(pos, tcpLength);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], ack);
        tcp[12] = (byte)(((TcpHeader + options.Length) / 4) << 4);
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], window);
        tcp[16] = 0;
        tcp[17] = 0;
        tcp[18] = 0;
        tcp[19] = 0;
        options.CopyTo(tcp[TcpHeader..]);
        payload.CopyTo(tcp[(TcpHeader + options.Length)..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum(tcp, PseudoHeaderSum(ip.Source, ip.Destination, 6, tcpLength)));
        return pos + tcpLength;
    }

    public static int WriteUdp(Span<byte> frame, ReadOnlySpan<byte> dstMac, ReadOnlySpan<byte> srcMac, in IpFields ip,
        ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        var udpLength = UdpHeader + payload.Length;
        var pos = WriteEthernet(frame, dstMac, srcMac);
        pos += WriteIpv4(frame[pos..], ip, 17, udpLength);
        var udp = frame.Slice(pos, udpLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udpLength);
        udp[6] = 0;
        udp[7] = 0;
        payload.CopyTo(udp[UdpHeader..]);
        var sum = Checksum(udp, PseudoHeaderSum(ip.Source, ip.Destination, 17, udpLength));
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], sum == 0 ? (ushort)0xFFFF : sum);
        return pos + udpLength;
    }

    /// <summary>ICMP message: type, code, 4 bytes of "rest of header" (id/seq or unused), then the body.</summary>
    public static int WriteIcmp(Span<byte> frame, ReadOnlySpan<byte> dstMac, ReadOnlySpan<byte> srcMac, in IpFields ip,
        byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> body)
    {
        var icmpLength = IcmpHeader + body.Length;
        var pos = WriteEthernet(frame, dstMac, srcMac);
        pos += WriteIpv4(frame[pos..], ip, 1, icmpLength);
        var icmp = frame.Slice(pos, icmpLength);
        icmp[0] = type;
        icmp[1] = code;
        icmp[2] = 0;
        icmp[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], restOfHeader);
        body.CopyTo(icmp[IcmpHeader..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum(icmp, 0));
        return pos + icmpLength;
    }

    private static uint PseudoHeaderSum(uint source, uint destination, byte protocol, int length) =>
        (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + protocol + (uint)length;

    /// <summary>RFC 1071 Internet checksum over <paramref name="data"/> plus an initial partial sum.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data, uint initial)
    {
        ulong sum = initial;
        var i = 0;
        for (; i + 1 < data.Length; i += 2) sum += (uint)(data[i] << 8 | data[i + 1]);
        if (i < data.Length) sum += (uint)(data[i] << 8);
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
