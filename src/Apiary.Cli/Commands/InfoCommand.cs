using System.CommandLine;
using System.Globalization;
using Apiary.Capture;
using Apiary.Core;

namespace Apiary.Cli.Commands;

/// <summary>`apiary info CAPTURE`: what capinfos prints, plus truncation and the reader's anomaly counts.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var capture = new Argument<string>("capture") { Description = "Capture file: pcap, pcap-ns, pcapng, or any of them gzip-compressed" };
        var command = new Command("info", "Describe a capture file (format, link types, packets, time span, snaplen, sizes, truncation, anomalies).")
        {
            capture,
        };
        command.SetAction(parse => Run(parse.GetValue(capture)!, Console.Out, Console.Error));
        return command;
    }

    /// <summary>Prints the summary of <paramref name="path"/>; returns 0, or 2 with a message on stderr when it cannot be read.</summary>
    public static int Run(string path, TextWriter stdout, TextWriter stderr)
    {
        CaptureSummary s;
        try
        {
            s = CaptureSummary.Compute(path);
        }
        catch (CaptureFormatException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {path}: {e.Message}");
            return 2;
        }
        stdout.Write(Format(s));
        return 0;
    }

    /// <summary>The report, one "label: value" line per fact, labels as capinfos names them where it has them.</summary>
    public static string Format(CaptureSummary s)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        void Line(string label, string value) => w.WriteLine($"{label + ":",-22}{value}");
        Line("File name", s.Path);
        Line("File type", s.Format);
        Line("File encapsulation", string.Join(", ", s.LinkTypes.Select(t => $"{LinkTypes.Name(t)} ({t})")));
        Line("Packet size limit", s.Snaplen > 0 ? $"{s.Snaplen} bytes" : "(not set)");
        Line("Number of packets", s.Packets.ToString(CultureInfo.InvariantCulture));
        Line("File size", $"{s.FileBytes} bytes" + (s.Format.EndsWith("+gzip", StringComparison.Ordinal) ? $" ({s.StreamBytes} bytes decompressed)" : ""));
        Line("Data size", $"{s.CapturedBytes} bytes captured, {s.WireBytes} bytes on the wire");
        if (s.FirstNs is { } first && s.LastNs is { } last)
        {
            Line("Capture duration", $"{Seconds(last - first)} seconds");
            Line("First packet time", Timestamp(first));
            Line("Last packet time", Timestamp(last));
            Line("Average packet size", (s.CapturedBytes / (double)s.Packets).ToString("0.00", CultureInfo.InvariantCulture) + " bytes");
            Line("Largest packet", $"{s.MaxCapturedLength} bytes captured");
            Line("Strict time order", s.OutOfOrder == 0 ? "True" : $"False ({s.OutOfOrder} packets earlier than their predecessor)");
        }
        Line("Truncated", s.Truncated ? "yes: the file ends inside a record (every whole packet before it was read)" : "no");
        if (s.Anomalies.Count == 0)
        {
            Line("Anomalies", "none");
        }
        else
        {
            Line("Anomalies", s.Anomalies.Values.Sum().ToString(CultureInfo.InvariantCulture));
            foreach (var (name, count) in s.Anomalies) w.WriteLine($"  {name}: {count}");
        }
        return w.ToString();
    }

    private static string Seconds(long ns) =>
        $"{(ns < 0 ? "-" : "")}{Math.Abs(ns / 1_000_000_000L)}.{Math.Abs(ns % 1_000_000_000L):D9}";

    /// <summary>UTC date and time with nanoseconds (floor division, so times before 1970 print correctly).</summary>
    private static string Timestamp(long ns)
    {
        var seconds = Math.DivRem(ns, 1_000_000_000L, out var nanos);
        if (nanos < 0) { seconds--; nanos += 1_000_000_000L; }
        var time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return $"{time:yyyy-MM-dd HH:mm:ss}.{nanos:D9} UTC";
    }
}
