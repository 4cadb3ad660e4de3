using Apiary.Core;

namespace Apiary.Decode;

/// <summary>
/// Link types without a link header: RAW (12, 14, 101; IP version from the first nibble), IPV4 (228), IPV6 (229).
/// The EtherType field is filled with the equivalent value (0x0800 / 0x86DD) so every IP packet looks alike downstream.
/// </summary>
internal static class RawIp
{
    public static void Decode(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx)
    {
        if (frame.Length <= offset)
        {
            ctx.Truncated(ref p, AnomalyNames.RawIpEmpty, offset);
            return;
        }
        switch (frame[offset] >> 4)
        {
            case 4:
                DispatchTables.NetworkLayer(EtherTypes.Ipv4, frame, offset, end, ref p, ctx);
                break;
            case 6:
                DispatchTables.NetworkLayer(EtherTypes.Ipv6, frame, offset, end, ref p, ctx);
                break;
            default:
                ctx.Report(ref p, AnomalyNames.RawIpVersionUnknown, offset);
                break;
        }
    }

    public static void DecodeIpv4(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx) =>
        DispatchTables.NetworkLayer(EtherTypes.Ipv4, frame, offset, end, ref p, ctx);

    public static void DecodeIpv6(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx) =>
        DispatchTables.NetworkLayer(EtherTypes.Ipv6, frame, offset, end, ref p, ctx);
}
