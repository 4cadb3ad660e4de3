using Apiary.Core;

namespace Apiary.Capture.Tests;

/// <summary>A copy of one <see cref="CapturedFrame"/> (which itself cannot outlive the next read).</summary>
internal sealed record FrameCopy(long TimestampNs, int WireLength, byte[] Data, int LinkType, long FileOffset, long FrameNumber, int InterfaceId);

/// <summary>The outcome of reading a whole capture.</summary>
internal sealed record ReadResult(List<FrameCopy> Frames, AnomalyLog Anomalies, string Format, IReadOnlyList<int> LinkTypes,
    int Snaplen, bool Truncated, long BytesRead);

internal static class ReadBack
{
    /// <summary>Reads every frame of an in-memory capture (hang guard: at most one frame per 12 input bytes, plus one).</summary>
    public static ReadResult All(byte[] bytes, string name = "test.bin")
    {
        var log = new AnomalyLog();
        using var reader = CaptureReader.Open(new MemoryStream(bytes, writable: false), name, log);
        return Drain(reader, log, maxFrames: bytes.Length + 1);
    }

    public static ReadResult Drain(CaptureReader reader, AnomalyLog log, long maxFrames)
    {
        var frames = new List<FrameCopy>();
        while (reader.TryReadNext(out var f))
        {
            frames.Add(new FrameCopy(f.TimestampNs, f.WireLength, f.Data.ToArray(), f.LinkType, f.FileOffset, f.FrameNumber, f.InterfaceId));
            if (frames.Count > maxFrames) throw new InvalidOperationException("reader delivers more frames than the input can hold");
        }
        // Once finished, a reader stays finished.
        if (reader.TryReadNext(out _)) throw new InvalidOperationException("reader delivered a frame after returning false");
        return new ReadResult(frames, log, reader.Format, reader.LinkTypes.ToList(), reader.Snaplen, reader.Truncated, reader.BytesRead);
    }
}
