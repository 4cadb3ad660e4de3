using Apiary.Core;
using Xunit;
using static Apiary.Capture.Tests.CaptureBytes;

namespace Apiary.Capture.Tests;

/// <summary>Cutting a capture at every byte boundary keeps every whole packet, reports the cut, never throws.</summary>
public sealed class TruncationTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Classic_pcap_cut_at_every_byte(bool bigEndian, bool nanoseconds)
    {
        PcapRecord[] records = [new(1, 2, Packet(60, 1), 60), new(3, 4, Packet(0, 2), 0), new(5, 6, Packet(33, 3), 33), new(7, 8, Packet(75, 4), 80)];
        var whole = Pcap(bigEndian, nanoseconds, LinkTypes.Ethernet, 65535, records);
        var ends = PcapRecordEnds(records);
        for (var cut = 0; cut <= whole.Length; cut++)
        {
            if (cut < 24)
            {
                var e = Assert.Throws<CaptureFormatException>(() => ReadBack.All(whole[..cut], "cut.pcap"));
                Assert.StartsWith("cut.pcap: offset ", e.Message, StringComparison.Ordinal);
                continue;
            }
            var r = ReadBack.All(whole[..cut]);
            var expectedFrames = ends.Count(end => end <= cut);
            Assert.Equal(expectedFrames, r.Frames.Count);
            for (var i = 0; i < expectedFrames; i++) Assert.Equal(records[i].Data, r.Frames[i].Data);
            var atBoundary = cut == 24 || ends.Contains(cut);
            Assert.Equal(!atBoundary, r.Truncated);
            Assert.Equal(atBoundary ? 0 : 1, r.Anomalies.Count(CaptureAnomalies.CaptureTruncated));
            Assert.Equal(r.Anomalies.Total, r.Anomalies.Count(CaptureAnomalies.CaptureTruncated));
            if (!atBoundary)
            {
                var sample = Assert.Single(r.Anomalies.Samples);
                Assert.Equal(expectedFrames + 1, sample.FrameNumber);
                Assert.Equal(expectedFrames == 0 ? 24 : ends[expectedFrames - 1], sample.FileOffset);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pcapng_cut_at_every_byte(bool bigEndian)
    {
        var builder = new PcapngBuilder().Section(bigEndian).Interface(LinkTypes.Ethernet, 0)
            .Enhanced(0, 10, Packet(61, 1), 61).Simple(Packet(20, 2), 20).Other(5, new byte[16])
            .Section(!bigEndian).Interface(LinkTypes.Raw, 0, tsresol: 9).Obsolete(0, 20, Packet(7, 3), 7).Enhanced(0, 30, Packet(0, 4), 0);
        var whole = builder.ToArray();
        var blocks = builder.Blocks;
        for (var cut = 0; cut <= whole.Length; cut++)
        {
            if (cut < 12)
            {
                Assert.Throws<CaptureFormatException>(() => ReadBack.All(whole[..cut]));
                continue;
            }
            var r = ReadBack.All(whole[..cut]);
            Assert.Equal(blocks.Count(b => b.IsPacket && b.End <= cut), r.Frames.Count);
            var atBoundary = blocks.Any(b => b.End == cut);
            Assert.Equal(!atBoundary, r.Truncated);
            Assert.Equal(r.Truncated ? 1 : 0, r.Anomalies.Total);
        }
    }
}
