using Apiary.Core;
using Xunit;
using static Apiary.Capture.Tests.CaptureBytes;

namespace Apiary.Capture.Tests;

public sealed class ClassicPcapTests
{
    private static readonly PcapRecord[] Records =
    [
        new(1_600_000_000, 123_456, Packet(60, 1), 60),
        new(1_600_000_001, 999_999, Packet(1514, 2), 1514),
        new(1_600_000_002, 0, Packet(0, 3), 0),
        new(1_600_000_003, 7, Packet(96, 4), 1500), // snapped
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Microsecond_pcap_in_both_byte_orders(bool bigEndian)
    {
        var r = ReadBack.All(Pcap(bigEndian, false, LinkTypes.Ethernet, 65535, Records));
        Assert.Equal("pcap", r.Format);
        Assert.Equal([LinkTypes.Ethernet], r.LinkTypes);
        Assert.Equal(65535, r.Snaplen);
        Assert.False(r.Truncated);
        Assert.Equal(0, r.Anomalies.Total);
        Assert.Equal(Records.Length, r.Frames.Count);
        var offset = 24L;
        for (var i = 0; i < Records.Length; i++)
        {
            var f = r.Frames[i];
            Assert.Equal(Records[i].Seconds * 1_000_000_000L + Records[i].Fraction * 1000L, f.TimestampNs);
            Assert.Equal((int)Records[i].Wire, f.WireLength);
            Assert.Equal(Records[i].Data, f.Data);
            Assert.Equal(i + 1, f.FrameNumber);
            Assert.Equal(offset, f.FileOffset);
            Assert.Equal(LinkTypes.Ethernet, f.LinkType);
            offset += 16 + Records[i].Data.Length;
        }
        Assert.Equal(offset, r.BytesRead);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Nanosecond_pcap_in_both_byte_orders(bool bigEndian)
    {
        PcapRecord[] records = [new(1_700_000_000, 999_999_999, Packet(40, 5), 40), new(0, 1, Packet(20, 6), 20)];
        var r = ReadBack.All(Pcap(bigEndian, true, LinkTypes.Raw, 262144, records));
        Assert.Equal("pcap-ns", r.Format);
        Assert.Equal([LinkTypes.Raw], r.LinkTypes);
        Assert.Equal(1_700_000_000L * 1_000_000_000L + 999_999_999L, r.Frames[0].TimestampNs);
        Assert.Equal(1L, r.Frames[1].TimestampNs);
        Assert.Equal(0, r.Anomalies.Total);
    }

    [Fact]
    public void Link_type_field_fcs_bits_are_masked_off()
    {
        // Bits 28 (F) and 26-27 (FCS length) of the link-type field are not part of the link type.
        var r = ReadBack.All(Pcap(false, false, 0x1000_0000u | (2u << 26) | LinkTypes.Ethernet, 65535, Records));
        Assert.Equal([LinkTypes.Ethernet], r.LinkTypes);
    }

    [Fact]
    public void Timestamp_after_2038_is_read_as_unsigned_seconds()
    {
        var r = ReadBack.All(Pcap(false, false, 1, 65535, new PcapRecord(0xF000_0000u, 5, Packet(10, 1), 10)));
        Assert.Equal(0xF000_0000L * 1_000_000_000L + 5000L, r.Frames[0].TimestampNs);
    }

    [Fact]
    public void Records_straddling_buffer_refills_and_a_record_larger_than_the_buffer_are_read_whole()
    {
        // ~9 MiB of records of varied sizes crosses the 4 MiB buffer boundary at odd places; one 5 MiB record
        // (legal under a 16 MiB snaplen) forces the buffer to grow.
        var rng = new Random(42);
        var records = new List<PcapRecord>();
        var total = 0;
        while (total < 9 * 1024 * 1024)
        {
            var len = rng.Next(0, 1600);
            records.Add(new PcapRecord((uint)records.Count, 0, Packet(len, records.Count), (uint)len));
            total += len + 16;
            if (records.Count == 3000) records.Add(new PcapRecord(1, 0, Packet(5 * 1024 * 1024, 99), 5 * 1024 * 1024));
        }
        var r = ReadBack.All(Pcap(false, false, 1, 16 * 1024 * 1024, records.ToArray()));
        Assert.Equal(records.Count, r.Frames.Count);
        for (var i = 0; i < records.Count; i++) Assert.True(records[i].Data.AsSpan().SequenceEqual(r.Frames[i].Data), $"frame {i + 1}");
        Assert.Equal(0, r.Anomalies.Total);
    }
}
