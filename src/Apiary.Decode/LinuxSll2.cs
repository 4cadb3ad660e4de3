using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>View of a Linux "cooked" v2 header (LINKTYPE_LINUX_SLL2, 20 bytes).</summary>
internal readonly ref struct LinuxSll2Header
{
    public const int Length = 20;
    private readonly ReadOnlySpan<byte> _b;

    public LinuxSll2Header(ReadOnlySpan<byte> bytes) => _b = bytes;

    public ushort Protocol => BinaryPrimitives.ReadUInt16BigEndian(_b);
    public int InterfaceIndex => BinaryPrimitives.ReadInt32BigEndian(_b[4..]);
    public ushort ArpHardwareType => BinaryPrimitives.ReadUInt16BigEndian(_b[8..]);
    public byte PacketType => _b[10];
}

/// <summary>LINKTYPE_LINUX_SLL2 (276): the protocol field (first) is an EtherType.</summary>
internal static class LinuxSll2
{
    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (frame.Length - offset < LinuxSll2Header.Length)
        {
            ctx.Truncated(ref p, AnomalyNames.LinuxSll2HeaderTruncated, offset);
            return;
        }
        var h = new LinuxSll2Header(frame[offset..]);
        DispatchTables.NetworkLayer(h.Protocol, frame, offset + LinuxSll2Header.Length, end, ref p, ctx);
    }
}
