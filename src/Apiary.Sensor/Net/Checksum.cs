using System.Buffers.Binary;

namespace Apiary.Sensor.Net;

/// <summary>The Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-header sums used by TCP, UDP and ICMPv6.</summary>
public static class Checksum
{
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (uint)data[i] << 8;
        return sum;
    }

    public static ushort Finish(uint sum)
    {
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    public static uint PseudoHeaderV4(uint src, uint dst, byte protocol, int length) =>
        (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + protocol + (uint)length;

    public static uint PseudoHeaderV6(ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, byte nextHeader, int length) =>
        Add(Add(0, src), dst) + (uint)(length >> 16) + (uint)(length & 0xFFFF) + nextHeader;
}
