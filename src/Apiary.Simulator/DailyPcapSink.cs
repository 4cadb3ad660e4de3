using Apiary.Capture;
using Apiary.Core;

namespace Apiary.Simulator;

/// <summary>
/// Writes classic Ethernet pcap files rotated at UTC midnight, named <c>{platform}-{yyyy-MM-dd}.pcap</c> like
/// the sensor's daily collection (§4: "logs are collected daily"). Days of capture with no packet still get a
/// (header-only) file, so "sensor up, nothing seen" differs from "sensor down".
/// </summary>
public sealed class DailyPcapSink : ICaptureSink
{
    private readonly string _directory;
    private readonly string _platform;
    private readonly List<string> _files = [];
    private PcapWriter? _writer;
    private long _dayStartNs = long.MinValue;
    private long _dayEndNs = long.MinValue;

    public DailyPcapSink(string directory, string platform)
    {
        _directory = directory;
        _platform = platform;
        Directory.CreateDirectory(directory);
    }

    /// <summary>Files written so far, in order.</summary>
    public IReadOnlyList<string> Files => _files;

    public long Bytes { get; private set; }

    public static string FileName(string platform, DateTime day) => $"{platform}-{day:yyyy-MM-dd}.pcap";

    /// <summary>Makes sure the file of <paramref name="day"/> exists (opens it, closing the previous day).</summary>
    public void OpenDay(DateTime day)
    {
        var start = (day.Date - DateTime.UnixEpoch).Ticks * 100;
        if (start == _dayStartNs) return;
        CloseDay();
        _dayStartNs = start;
        _dayEndNs = start + 86_400L * 1_000_000_000L;
        var path = Path.Combine(_directory, FileName(_platform, day.Date));
        _writer = PcapWriter.Create(path, LinkTypes.Ethernet);
        _files.Add(path);
    }

    public void Write(long timestampNs, ReadOnlySpan<byte> frame)
    {
        if (_writer is null || timestampNs >= _dayEndNs || timestampNs < _dayStartNs)
            OpenDay(DateTime.UnixEpoch.AddTicks(timestampNs / 100));
        _writer!.WritePacket(timestampNs, frame, frame.Length);
        Bytes += 16 + frame.Length;
    }

    private void CloseDay()
    {
        _writer?.Dispose();
        _writer = null;
    }

    public void Dispose() => CloseDay();
}
