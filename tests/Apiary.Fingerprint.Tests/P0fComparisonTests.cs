using System.IO.Compression;
using Apiary.Capture;
using Apiary.Core;
using Apiary.Decode;
using Apiary.Fingerprint;
using Apiary.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Apiary.Fingerprint.Tests;

/// <summary>
/// Debian's p0f 3.09b is the judge: on every shared capture, Apiary must report the same SYNs, SYN+ACKs and
/// MTU lines as <c>p0f -r FILE -o LOG</c>, in the same order, with identical raw signatures, labels,
/// distances and params (the log lines are compared whole). p0f cannot see inside 802.1Q-tagged Ethernet
/// (it assumes a 14-byte header) and logs nothing there; for those captures p0f judges an untagged copy
/// written with the project's PcapWriter, while Apiary reads the tagged original.
/// </summary>
public sealed class P0fComparisonTests(ITestOutputHelper output)
{
    public static TheoryData<string> Captures => SharedData.CaptureNames();

    private static P0fDatabase Db => LazyDb.Value;
    private static readonly Lazy<P0fDatabase> LazyDb = new(() => P0fDatabase.Load(P0fDatabaseLoader.DefaultPath));

    [Theory]
    [MemberData(nameof(Captures))]
    public void ReportsWhatP0fReports(string name)
    {
        if (!ExternalTool.Require("p0f")) return;
        var path = SharedData.Capture(name);
        using var temp = new TempDir();

        var ours = CaptureFingerprinter.Run(path, Db, FingerprintMode.P0fCompatible, new AnomalyLog())
            .SelectMany(P0fLogFormat.Lines).ToList();

        var p0fInput = path;
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            p0fInput = Path.Combine(temp.Path, "plain.pcap");
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var plain = File.Create(p0fInput);
            gz.CopyTo(plain);
        }

        var tagged = WriteUntaggedCopy(path, Path.Combine(temp.Path, "untagged.pcap"));
        if (tagged > 0)
        {
            // p0f is silent on the tagged original (it reads the VLAN tag as the IP header) ...
            Assert.Empty(RunP0f(p0fInput, temp.Path, "tagged"));
            // ... and judges the untagged copy.
            p0fInput = Path.Combine(temp.Path, "untagged.pcap");
        }

        var theirs = RunP0f(p0fInput, temp.Path, "p0f");
        output.WriteLine($"{name}: p0f {Summary(theirs)}; apiary {Summary(ours)}{(tagged > 0 ? $"; {tagged} VLAN-tagged frames, p0f run on an untagged copy" : "")}");

        for (var i = 0; i < Math.Min(theirs.Count, ours.Count); i++)
            Assert.True(theirs[i] == ours[i], $"{name}: line {i + 1} differs\n  p0f:    {theirs[i]}\n  apiary: {ours[i]}");
        Assert.Equal(theirs.Count, ours.Count);
    }

    [Fact]
    public void TelescopeBackscatterIsFingerprintedOnlyInStrayMode()
    {
        if (!SharedData.RequireShared() || !File.Exists(P0fDatabaseLoader.DefaultPath)) return;
        var path = SharedData.Capture("lab/lab_g_telescope.pcap");
        Assert.Empty(CaptureFingerprinter.Run(path, Db, FingerprintMode.P0fCompatible, new AnomalyLog()));

        var stray = CaptureFingerprinter.Run(path, Db, FingerprintMode.IncludeStraySynAcks, new AnomalyLog()).ToList();
        // 1,000 SYN-ACKs + 24 retransmissions from pot (LAB.md); the RST-ACKs are not fingerprinted.
        Assert.Equal(1024, stray.Count);
        Assert.All(stray, o =>
        {
            Assert.True(o.Stray);
            Assert.False(o.IsSyn);
            Assert.Equal("192.0.2.20", o.Server.ToString());
            Assert.Equal(80, o.ServerPort);
            Assert.Equal("4:64+0:0:1460:mss*44,0:mss:df:0", o.RawSignature);
            Assert.Null(o.Match.Signature); // p0f's 2014 database does not know Linux 6.18
            Assert.Equal(1500, o.Mtu);
        });
    }

    [Fact]
    public void StrayModeAddsLinesWithoutChangingTheP0fCompatibleOnes()
    {
        if (!SharedData.RequireShared() || !File.Exists(P0fDatabaseLoader.DefaultPath)) return;
        var path = SharedData.Capture("stopddos_amp.TCP.reflection.SYNACK.pcap");
        var plain = CaptureFingerprinter.Run(path, Db, FingerprintMode.P0fCompatible, new AnomalyLog()).SelectMany(P0fLogFormat.Lines).ToList();
        var all = CaptureFingerprinter.Run(path, Db, FingerprintMode.IncludeStraySynAcks, new AnomalyLog()).ToList();
        Assert.Equal(plain, all.Where(o => !o.Stray).SelectMany(P0fLogFormat.Lines).ToList());
        Assert.True(all.Count(o => o.Stray) > 1000, $"only {all.Count(o => o.Stray)} stray SYN+ACKs");
        Assert.Contains(all, o => o.Stray && o.Match.Label?.Name == "Windows");
    }

    private static string Summary(List<string> lines) =>
        $"{lines.Count(l => l.Contains("] mod=syn|", StringComparison.Ordinal))} syn, " +
        $"{lines.Count(l => l.Contains("] mod=syn+ack|", StringComparison.Ordinal))} syn+ack, " +
        $"{lines.Count(l => l.Contains("] mod=mtu|", StringComparison.Ordinal))} mtu, " +
        $"{lines.Count(l => l.Contains("|os=???|", StringComparison.Ordinal))} unknown";

    /// <summary>Runs p0f on a capture (UTC log times) and returns its syn, syn+ack and mtu log lines.</summary>
    private static List<string> RunP0f(string capture, string dir, string tag)
    {
        var log = Path.Combine(dir, tag + ".log");
        var run = ExternalTool.Run("env", ["TZ=UTC", "p0f", "-f", P0fDatabaseLoader.DefaultPath, "-r", capture, "-o", log]);
        Assert.True(run.ExitCode == 0, $"p0f failed: {run.StdErr}");
        if (!File.Exists(log)) return [];
        return File.ReadLines(log)
            .Where(l => l.Contains("] mod=syn|", StringComparison.Ordinal) || l.Contains("] mod=syn+ack|", StringComparison.Ordinal)
                        || l.Contains("] mod=mtu|", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Writes the capture with 802.1Q tags removed (Ethernet only); returns how many frames were tagged.</summary>
    private static int WriteUntaggedCopy(string source, string target)
    {
        var anomalies = new AnomalyLog();
        using var reader = CaptureReader.Open(source, anomalies);
        PcapWriter? writer = null;
        var tagged = 0;
        var packet = default(DecodedPacket);
        var buffer = new byte[CaptureReader.StandardMaxSnaplen];
        try
        {
            while (reader.TryReadNext(out var frame))
            {
                if (frame.LinkType != LinkTypes.Ethernet) return 0;
                writer ??= PcapWriter.Create(target, LinkTypes.Ethernet, CaptureReader.StandardMaxSnaplen, PcapTimestampResolution.Nanoseconds);
                PacketDecoder.Decode(frame, ref packet, anomalies);
                var data = frame.Data;
                var cut = packet.VlanDepth * 4;
                if (cut > 0 && data.Length >= 14 + cut)
                {
                    tagged++;
                    data[..12].CopyTo(buffer);
                    data[(12 + cut)..].CopyTo(buffer.AsSpan(12));
                    writer.WritePacket(frame.TimestampNs, buffer.AsSpan(0, data.Length - cut), frame.WireLength - cut);
                }
                else writer.WritePacket(frame.TimestampNs, data, frame.WireLength);
            }
        }
        finally
        {
            writer?.Dispose();
        }
        return tagged;
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("apiary-p0f-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
