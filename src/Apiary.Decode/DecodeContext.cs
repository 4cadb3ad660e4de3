using Apiary.Core;

namespace Apiary.Decode;

/// <summary>
/// What every layer decoder needs besides the bytes: where to report anomalies and how to name the
/// frame in them, and whether the frame was snapped (then running out of bytes is expected, not hostile).
/// </summary>
internal readonly ref struct DecodeContext
{
    public readonly IAnomalySink Anomalies;
    public readonly long FrameNumber;
    public readonly long FileOffset;

    /// <summary>Length of the packet on the wire; header length fields are checked against it.</summary>
    public readonly int WireLength;

    /// <summary>True when fewer bytes were captured than were on the wire (snap length).</summary>
    public readonly bool Snapped;

    public DecodeContext(IAnomalySink anomalies, long frameNumber, long fileOffset, int wireLength, int capturedLength)
    {
        Anomalies = anomalies;
        FrameNumber = frameNumber;
        FileOffset = fileOffset;
        WireLength = Math.Max(wireLength, capturedLength);
        Snapped = wireLength > capturedLength;
    }

    /// <summary>Broken input: mark the packet and report the anomaly with the byte offset in the frame.</summary>
    public void Report(ref DecodedPacket p, string name, int frameOffset)
    {
        p.Malformed = true;
        Anomalies.Report(name, FrameNumber, FileOffset, FrameOffsetText.Of(frameOffset));
    }

    /// <summary>
    /// A header does not fit in the captured bytes. When the frame was snapped this is the capture's
    /// choice (no anomaly, decoding just stops); otherwise the packet itself is short, which is broken input.
    /// </summary>
    public void Truncated(ref DecodedPacket p, string name, int frameOffset)
    {
        if (Snapped) return;
        Report(ref p, name, frameOffset);
    }
}

/// <summary>Anomaly detail text "frame_offset=N", cached so that a flood of bad packets does not allocate.</summary>
internal static class FrameOffsetText
{
    /// <summary>Offsets cached: link + IP + transport headers of any sane frame end well before 2048 bytes.</summary>
    private const int Cached = 2048;

    private static readonly string?[] Texts = new string?[Cached];

    public static string Of(int frameOffset)
    {
        if ((uint)frameOffset >= Cached) return "frame_offset=" + frameOffset;
        return Texts[frameOffset] ??= "frame_offset=" + frameOffset;
    }
}
