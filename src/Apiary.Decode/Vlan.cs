using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>View of one 802.1Q / 802.1ad tag as it follows the EtherType that announced it (4 bytes).</summary>
internal readonly ref struct VlanTag
{
    public const int Length = 4;
    private readonly ReadOnlySpan<byte> _b;

    public VlanTag(ReadOnlySpan<byte> bytes) => _b = bytes;

    public int VlanId => BinaryPrimitives.ReadUInt16BigEndian(_b) & 0x0FFF;
    public ushort NextEtherType => BinaryPrimitives.ReadUInt16BigEndian(_b[2..]);
}

/// <summary>802.1Q, 802.1ad and QinQ tags (0x8100, 0x88A8, 0x9100), any nesting up to <see cref="MaxTags"/>.</summary>
internal static class Vlan
{
    /// <summary>Tags decoded per frame: QinQ uses 2, real networks rarely more than 3; deeper stacks are hostile.</summary>
    public const int MaxTags = 8;

    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (p.VlanDepth >= MaxTags)
        {
            ctx.Report(ref p, AnomalyNames.VlanTooManyTags, offset);
            return;
        }
        if (frame.Length - offset < VlanTag.Length)
        {
            ctx.Truncated(ref p, AnomalyNames.VlanTagTruncated, offset);
            return;
        }
        var tag = new VlanTag(frame[offset..]);
        if (p.VlanDepth == 0) p.VlanId = tag.VlanId;
        p.VlanDepth++;
        DispatchTables.NetworkLayer(tag.NextEtherType, frame, offset + VlanTag.Length, end, ref p, ctx);
    }
}
