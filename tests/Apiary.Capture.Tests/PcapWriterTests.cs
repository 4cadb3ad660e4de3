using Apiary.Core;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Capture.Tests;

public sealed class PcapWriterTests
{
    private static List<(long Ts, byte[] Data, int Wire)> Packets(int count)
    {
        var rng = new Random(3);
        var list = new List<(long, byte[], int)>();
        var ts = 1_700_000_000_123_456_789L;
        for (var i = 0; i < count; i++)
        {
            var len = rng.Next(0, 1600);
            list.Add((ts, CaptureBytes.Packet(len, i), len + rng.Next(0, 3)));
            ts += rng.Next(1, 5_000_000);
        }
        return list;
    }

    [Theory]
    [InlineData(PcapTimestampResolution.Microseconds)]
    [InlineData(PcapTimestampResolution.Nanoseconds)]
    public void Written_packets_read_back(PcapTimestampResolution resolution)
    {
        var packets = Packets(3000);
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, LinkTypes.Raw, 1000, resolution, leaveOpen: true))
        {
            foreach (var (ts, data, wire) in packets) w.WritePacket(ts, data, wire);
            Assert.Equal(packets.Count, w.PacketsWritten);
        }
        var r = ReadBack.All(ms.ToArray());
        Assert.Equal(resolution == PcapTimestampResolution.Nanoseconds ? "pcap-ns" : "pcap", r.Format);
        Assert.Equal([LinkTypes.Raw], r.LinkTypes);
        Assert.Equal(1000, r.Snaplen);
        Assert.Equal(0, r.Anomalies.Total);
        Assert.Equal(packets.Count, r.Frames.Count);
        for (var i = 0; i < packets.Count; i++)
        {
            var (ts, data, wire) = packets[i];
            var expectedTs = resolution == PcapTimestampResolution.Nanoseconds ? ts : ts / 1000 * 1000;
            Assert.Equal(expectedTs, r.Frames[i].TimestampNs);
            Assert.Equal(wire, r.Frames[i].WireLength);
            Assert.Equal(data.AsSpan(0, Math.Min(data.Length, 1000)).ToArray(), r.Frames[i].Data);
        }
    }

    [Fact]
    public void A_packet_larger_than_the_write_buffer_goes_through()
    {
        var ms = new MemoryStream();
        var big = CaptureBytes.Packet(PcapWriter.BufferBytes + 12345, 1);
        using (var w = new PcapWriter(ms, LinkTypes.Ethernet, 4 * 1024 * 1024, leaveOpen: true))
        {
            w.WritePacket(1_000, CaptureBytes.Packet(10, 2), 10);
            w.WritePacket(2_000, big, big.Length);
            w.WritePacket(3_000, CaptureBytes.Packet(10, 3), 10);
        }
        var r = ReadBack.All(ms.ToArray());
        Assert.Equal(3, r.Frames.Count);
        Assert.Equal(big, r.Frames[1].Data);
    }

    [Fact]
    public void Misuse_throws_at_once()
    {
        using var w = new PcapWriter(new MemoryStream(), LinkTypes.Ethernet);
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WritePacket(0, new byte[10], 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WritePacket(-1, new byte[10], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WritePacket((uint.MaxValue + 1L) * 1_000_000_000L, new byte[10], 10));
    }

    [Theory]
    [InlineData(PcapTimestampResolution.Microseconds)]
    [InlineData(PcapTimestampResolution.Nanoseconds)]
    public void Tshark_reads_the_writer_output(PcapTimestampResolution resolution)
    {
        if (!ExternalTool.Require("tshark")) return;
        var packets = Packets(200);
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"apiary-writer-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var w = PcapWriter.Create(path, LinkTypes.Ethernet, 512, resolution))
                foreach (var (ts, data, wire) in packets) w.WritePacket(ts, data, wire);
            var frames = SharedCaptureTests.TsharkFrames(path);
            Assert.Equal(packets.Count, frames.Count);
            for (var i = 0; i < packets.Count; i++)
            {
                var (ts, data, wire) = packets[i];
                Assert.Equal(resolution == PcapTimestampResolution.Nanoseconds ? ts : ts / 1000 * 1000, frames[i].TimeNs);
                Assert.Equal(wire, frames[i].Wire);
                Assert.Equal(Math.Min(data.Length, 512), frames[i].Captured);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
