using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>View of a Linux "cooked" v1 header (LINKTYPE_LINUX_SLL, 16 bytes).</summary>
internal readonly ref struct LinuxSllHeader
{
    public const int Length = 16;
    private readonly ReadOnlySpan<byte> _b;

    public LinuxSllHeader(ReadOnlySpan<byte> bytes) => _b = bytes;

    public ushort PacketType => BinaryPrimitives.ReadUInt16BigEndian(_b);
    public ushort ArpHardwareType => BinaryPrimitives.ReadUInt16BigEndian(_b[2..]);
    public ushort Protocol => BinaryPrimitives.ReadUInt16BigEndian(_b[14..]);
}

/// <summary>LINKTYPE_LINUX_SLL (113): the protocol field is an EtherType.</summary>
internal static class LinuxSll
{
    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (frame.Length - offset < LinuxSllHeader.Length)
        {
            ctx.Truncated(ref p, AnomalyNames.LinuxSllHeaderTruncated, offset);
            return;
        }
        var h = new LinuxSllHeader(frame[offset..]);
        DispatchTables.NetworkLayer(h.Protocol, frame, offset + LinuxSllHeader.Length, end, ref p, ctx);
    }
}
