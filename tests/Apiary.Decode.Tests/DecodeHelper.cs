using Apiary.Core;

namespace Apiary.Decode.Tests;

internal static class DecodeHelper
{
    public static DecodedPacket Run(int linkType, byte[] frame, out AnomalyLog log, int wireLength = -1)
    {
        log = new AnomalyLog();
        var p = new DecodedPacket();
        PacketDecoder.Decode(linkType, frame, 7, 1000, ref p, log, wireLength);
        return p;
    }

    public static DecodedPacket Run(int linkType, byte[] frame) => Run(linkType, frame, out _);
}
