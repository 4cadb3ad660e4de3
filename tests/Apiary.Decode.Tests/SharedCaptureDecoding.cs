using Apiary.Capture;
using Apiary.Core;

namespace Apiary.Decode.Tests;

/// <summary>Reads a shared capture with the capture reader and decodes every frame.</summary>
internal static class SharedCaptureDecoding
{
    /// <summary>Calls <paramref name="onPacket"/> for every frame; returns the anomalies seen.</summary>
    public static AnomalyLog DecodeAll(string path, Action<DecodedPacket> onPacket)
    {
        var log = new AnomalyLog();
        using var reader = CaptureReader.Open(path, log);
        var p = new DecodedPacket();
        while (reader.TryReadNext(out var frame))
        {
            PacketDecoder.Decode(frame, ref p, log);
            onPacket(p);
        }
        return log;
    }

    /// <summary>Copies of every frame's bytes and link type (for the fuzz test).</summary>
    public static List<(int LinkType, byte[] Bytes)> ReadFrames(string path, int max)
    {
        var frames = new List<(int, byte[])>();
        using var reader = CaptureReader.Open(path, new AnomalyLog());
        while (frames.Count < max && reader.TryReadNext(out var frame)) frames.Add((frame.LinkType, frame.Data.ToArray()));
        return frames;
    }
}
