using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>View of an Ethernet II header (at least 14 bytes).</summary>
internal readonly ref struct EthernetHeader
{
    public const int Length = 14;
    private readonly ReadOnlySpan<byte> _b;

    public EthernetHeader(ReadOnlySpan<byte> bytes) => _b = bytes;

    public ushort EtherType => BinaryPrimitives.ReadUInt16BigEndian(_b[12..]);
}

/// <summary>LINKTYPE_ETHERNET (1): destination, source, EtherType; VLAN tags are decoded by <see cref="Vlan"/>.</summary>
internal static class Ethernet
{
    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (frame.Length - offset < EthernetHeader.Length)
        {
            ctx.Truncated(ref p, AnomalyNames.EthernetFrameTooShort, offset);
            return;
        }
        var h = new EthernetHeader(frame[offset..]);
        DispatchTables.NetworkLayer(h.EtherType, frame, offset + EthernetHeader.Length, end, ref p, ctx);
    }
}
