using System.Text;
using Apiary.Core;
using Xunit;
using static Apiary.Capture.Tests.CaptureBytes;

namespace Apiary.Capture.Tests;

/// <summary>Files that are not captures fail at Open with a clear message; broken captures become anomalies.</summary>
public sealed class HostileInputTests
{
    private static readonly PcapRecord Good = new(100, 0, Packet(60, 1), 60);

    [Fact]
    public void Not_a_capture_names_file_offset_and_magic()
    {
        var e = Assert.Throws<CaptureFormatException>(() => ReadBack.All(Encoding.ASCII.GetBytes("<html><body>nope</body></html>"), "x.txt"));
        Assert.Equal("x.txt: offset 0: not a capture file (magic 0x3c68746d is neither pcap, pcapng nor gzip)", e.Message);
        Assert.Equal(0, e.Offset);
        Assert.Equal("x.txt", e.FilePath);
    }

    [Fact]
    public void Empty_and_short_files_fail_at_open()
    {
        var path = System.IO.Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Open(path, new AnomalyLog()));
            Assert.Contains("empty file", e.Message, StringComparison.Ordinal);
            Assert.StartsWith(path + ": offset 0:", e.Message, StringComparison.Ordinal);

            File.WriteAllBytes(path, [0xd4, 0xc3]);
            e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Open(path, new AnomalyLog()));
            Assert.Contains("too short", e.Message, StringComparison.Ordinal);

            File.WriteAllBytes(path, Pcap(false, false, 1, 65535)[..20]);
            e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Open(path, new AnomalyLog()));
            Assert.Contains("pcap file header (20 of 24 bytes)", e.Message, StringComparison.Ordinal);

            File.WriteAllBytes(path, Gzip(Encoding.ASCII.GetBytes("just text inside gzip")));
            e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Open(path, new AnomalyLog()));
            Assert.Contains("decompressed data's magic 0x6a757374", e.Message, StringComparison.Ordinal);

            File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // gzip -c </dev/null
            e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Open(path, new AnomalyLog()));
            Assert.Contains("gzip stream holds no data", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Format_comes_from_the_magic_not_the_name()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"apiary-{Guid.NewGuid():N}.txt");
        File.WriteAllBytes(path, new PcapngBuilder().Section(false).Interface(1, 0).Enhanced(0, 1, Packet(10, 1), 10).ToArray());
        try
        {
            using var reader = CaptureReader.Open(path, new AnomalyLog());
            Assert.Equal("pcapng", reader.Format);
            Assert.True(reader.TryReadNext(out _));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unsupported_versions_fail_at_open_or_stop_with_an_anomaly()
    {
        var pcap = Pcap(false, false, 1, 65535, Good);
        pcap[4] = 3;
        Assert.Contains("pcap version 3.4", Assert.Throws<CaptureFormatException>(() => ReadBack.All(pcap)).Message, StringComparison.Ordinal);

        var ng = new PcapngBuilder().Section(false, major: 2).Interface(1, 0).Enhanced(0, 1, Packet(10, 1), 10).ToArray();
        var r = ReadBack.All(ng);
        Assert.Empty(r.Frames);
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.PcapngSectionVersionUnsupported));

        var badBom = new PcapngBuilder().Section(false).ToArray();
        badBom[8] = 0x11;
        Assert.Contains("byte-order magic", Assert.Throws<CaptureFormatException>(() => ReadBack.All(badBom)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x7fffffffu)]
    [InlineData(0xffffffffu)]
    [InlineData(262145u)]
    public void Absurd_record_length_stops_with_an_anomaly_after_the_good_records(uint captured)
    {
        var bytes = Pcap(false, false, 1, 65535, Good, new PcapRecord(1, 0, Packet(100, 2), 100, captured), Good);
        var r = ReadBack.All(bytes);
        Assert.Single(r.Frames);
        var sample = Assert.Single(r.Anomalies.Samples);
        Assert.Equal(CaptureAnomalies.PcapRecordLengthAbsurd, sample.Name);
        Assert.Equal(2, sample.FrameNumber);
        Assert.Equal(24 + 16 + 60, sample.FileOffset);
        Assert.False(r.Truncated);
    }

    [Fact]
    public void Caplen_above_snaplen_is_kept_whole_as_libpcap_and_tshark_do()
    {
        // A file with snaplen 8192 holding a 9000-byte record: real writers do this; the packet is real.
        var bytes = Pcap(false, false, 1, 8192, Good, new PcapRecord(2, 0, Packet(9000, 2), 9000), Good);
        var r = ReadBack.All(bytes);
        Assert.Equal(3, r.Frames.Count);
        Assert.Equal(9000, r.Frames[1].Data.Length);
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.PcapRecordCaplenExceedsSnaplen));

        // With a huge snaplen, records above 262144 bytes are legal too (up to the 256 MiB bound).
        r = ReadBack.All(Pcap(false, false, 1, 0x7fffffff, new PcapRecord(2, 0, Packet(300_000, 2), 300_000)));
        Assert.Single(r.Frames);
        Assert.Equal(0, r.Anomalies.Total);
    }

    [Fact]
    public void Odd_but_readable_records_are_quirks_not_losses()
    {
        var bytes = Pcap(false, false, 1, 65535,
            new PcapRecord(1, 0, Packet(60, 1), 20),               // wire < captured
            new PcapRecord(2, 1_500_000, Packet(60, 2), 60),       // µs field >= 10^6
            new PcapRecord(3, 0, Packet(60, 3), 0x9000_0000u));    // wire beyond int
        var r = ReadBack.All(bytes);
        Assert.Equal(3, r.Frames.Count);
        Assert.Equal(20, r.Frames[0].WireLength);
        Assert.Equal(2_000_000_000L + 1_500_000_000L, r.Frames[1].TimestampNs);
        Assert.Equal(int.MaxValue, r.Frames[2].WireLength);
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.PcapRecordWireLengthLessThanCaptured));
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.PcapRecordTimestampFractionInvalid));
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.PcapRecordWireLengthAbsurd));
    }

    [Theory]
    [InlineData(13u)]          // not a multiple of 4
    [InlineData(8u)]           // below the 12-byte minimum
    [InlineData(0xfffffff0u)]  // beyond the 256 MiB bound
    public void Pcapng_block_length_that_lies_stops_with_an_anomaly(uint length)
    {
        var b = new PcapngBuilder().Section(false).Interface(1, 0).Enhanced(0, 1, Packet(10, 1), 10);
        b.Block(6, new byte[32], true, lengthOverride: length);
        b.Enhanced(0, 2, Packet(10, 2), 10);
        var r = ReadBack.All(b.ToArray());
        Assert.Single(r.Frames);
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.PcapngBlockLengthInvalid));
    }

    [Fact]
    public void Pcapng_block_longer_than_the_file_is_a_truncation()
    {
        var b = new PcapngBuilder().Section(false).Interface(1, 0).Enhanced(0, 1, Packet(10, 1), 10);
        b.Block(6, new byte[32], true, lengthOverride: 1_000_000);
        var r = ReadBack.All(b.ToArray());
        Assert.Single(r.Frames);
        Assert.True(r.Truncated);
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.CaptureTruncated));
    }

    [Fact]
    public void Pcapng_trailer_mismatch_and_packet_longer_than_its_block()
    {
        var b = new PcapngBuilder().Section(false).Interface(1, 0)
            .Enhanced(0, 1, Packet(10, 1), 10, capturedOverride: 5000)   // skipped: data cannot be inside the block
            .Enhanced(0, 2, Packet(10, 2), 10);
        b.Block(6, new byte[32], true, trailerOverride: 48);
        b.Enhanced(0, 3, Packet(10, 3), 10);
        var r = ReadBack.All(b.ToArray());
        Assert.Single(r.Frames);
        Assert.Equal(2_000L, r.Frames[0].TimestampNs);
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.PcapngPacketLengthExceedsBlock));
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.PcapngBlockLengthMismatch));
    }

    [Fact]
    public void Pcapng_short_blocks_and_options_that_overrun_are_reported()
    {
        var b = new PcapngBuilder().Section(false);
        b.Block(1, new byte[4], false);                                // IDB too short
        var idb = new ByteWriter(false);
        idb.U16(1); idb.U16(0); idb.U32(0); idb.U16(9); idb.U16(200); // if_tsresol claiming 200 bytes
        b.Block(1, idb.ToArray(), false);
        b.Block(6, new byte[8], true);                                 // EPB too short
        b.Enhanced(0, 7, Packet(10, 1), 10);
        var r = ReadBack.All(b.ToArray());
        Assert.Single(r.Frames);
        Assert.Equal(7_000L, r.Frames[0].TimestampNs);
        Assert.Equal(2, r.Anomalies.Count(CaptureAnomalies.PcapngBlockTooShort));
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.PcapngOptionLengthInvalid));
    }
}
