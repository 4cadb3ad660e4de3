using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>
/// BSD loopback: LINKTYPE_NULL (0), a 4-byte address family in the byte order of the machine that wrote the
/// file, and LINKTYPE_LOOP (108), the same in network order.
/// </summary>
internal static class NullLoopback
{
    public const int HeaderLength = 4;

    private const uint AfInet = 2;
    /// <summary>AF_INET6 differs per BSD: NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30.</summary>
    private const uint AfInet6NetOpenBsd = 24, AfInet6FreeBsd = 28, AfInet6Darwin = 30;

    public static void DecodeHostOrder(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (frame.Length - offset < HeaderLength)
        {
            ctx.Truncated(ref p, AnomalyNames.NullHeaderTruncated, offset);
            return;
        }
        // The writer's byte order is unknown: families are small numbers, so a value with its high
        // 16 bits set was written in the other order.
        var family = BinaryPrimitives.ReadUInt32LittleEndian(frame[offset..]);
        if ((family & 0xFFFF_0000) != 0) family = BinaryPrimitives.ReverseEndianness(family);
        Dispatch(family, frame, offset, end, ref p, ctx);
    }

    public static void DecodeNetworkOrder(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (frame.Length - offset < HeaderLength)
        {
            ctx.Truncated(ref p, AnomalyNames.NullHeaderTruncated, offset);
            return;
        }
        Dispatch(BinaryPrimitives.ReadUInt32BigEndian(frame[offset..]), frame, offset, end, ref p, ctx);
    }

    private static void Dispatch(uint family, ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        ushort etherType = family switch
        {
            AfInet => EtherTypes.Ipv4,
            AfInet6NetOpenBsd or AfInet6FreeBsd or AfInet6Darwin => EtherTypes.Ipv6,
            _ => 0,
        };
        if (etherType == 0) return; // another family (e.g. OSI): not decoded, not broken
        DispatchTables.NetworkLayer(etherType, frame, offset + HeaderLength, end, ref p, ctx);
    }
}
