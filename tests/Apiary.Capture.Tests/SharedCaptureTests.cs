using System.Globalization;
using Apiary.Capture;
using Apiary.Core;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Capture.Tests;

/// <summary>Every shared capture, read by <see cref="CaptureReader"/>, must match tshark frame for frame.</summary>
public sealed class SharedCaptureTests
{
    public static TheoryData<string> Captures() => SharedData.CaptureNames();

    [Theory]
    [MemberData(nameof(Captures))]
    public void Frames_match_tshark(string name)
    {
        if (!SharedData.RequireShared() || !ExternalTool.Require("tshark")) return;
        var path = SharedData.Capture(name);
        var expected = TsharkFrames(path);

        var anomalies = new AnomalyLog();
        using var reader = CaptureReader.Open(path, anomalies);
        var index = 0;
        long previousOffset = -1;
        while (reader.TryReadNext(out var frame))
        {
            Assert.True(index < expected.Count, $"{name}: reader delivers more than tshark's {expected.Count} frames");
            var (timeNs, wire, captured) = expected[index];
            index++;
            Assert.Equal(index, frame.FrameNumber);
            Assert.True(timeNs == frame.TimestampNs, $"{name} frame {index}: time {frame.TimestampNs} ns, tshark {timeNs} ns");
            Assert.True(wire == frame.WireLength, $"{name} frame {index}: wire {frame.WireLength}, tshark {wire}");
            Assert.True(captured == frame.Data.Length, $"{name} frame {index}: captured {frame.Data.Length}, tshark {captured}");
            Assert.True(frame.FileOffset > previousOffset, $"{name} frame {index}: offsets must increase");
            previousOffset = frame.FileOffset;
        }
        Assert.Equal(expected.Count, index);
        Assert.Equal(expected.Count, reader.FramesRead);
        Assert.False(reader.Truncated, $"{name}: not truncated");
        Assert.Equal(0, anomalies.Count(CaptureAnomalies.CaptureTruncated));
        Assert.NotEmpty(reader.LinkTypes);
    }

    /// <summary>(time in ns, frame.len, frame.cap_len) per frame, as tshark prints them.</summary>
    internal static List<(long TimeNs, int Wire, int Captured)> TsharkFrames(string path)
    {
        var result = ExternalTool.Run("tshark", ["-n", "-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len"],
            TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"tshark failed on {path}: {result.StdErr}");
        var frames = new List<(long, int, int)>();
        foreach (var line in result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            frames.Add((ParseEpochNs(f[0]), int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture)));
        }
        return frames;
    }

    /// <summary>Parses tshark's "1240198108.374595000" exactly (a double would lose the nanoseconds).</summary>
    internal static long ParseEpochNs(string text)
    {
        if (text.Length == 0) return long.MinValue; // tshark prints nothing for a frame without a timestamp
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return long.Parse(text, CultureInfo.InvariantCulture) * 1_000_000_000L;
        var seconds = long.Parse(text.AsSpan(0, dot), CultureInfo.InvariantCulture);
        var fraction = text[(dot + 1)..].PadRight(9, '0')[..9];
        var nanos = long.Parse(fraction, CultureInfo.InvariantCulture);
        return seconds < 0 || text.StartsWith('-') ? seconds * 1_000_000_000L - nanos : seconds * 1_000_000_000L + nanos;
    }
}
