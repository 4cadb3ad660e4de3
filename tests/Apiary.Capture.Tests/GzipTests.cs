using Apiary.Core;
using Xunit;
using static Apiary.Capture.Tests.CaptureBytes;

namespace Apiary.Capture.Tests;

public sealed class GzipTests
{
    private static readonly PcapRecord[] Records =
        Enumerable.Range(0, 200).Select(i => new PcapRecord((uint)(1000 + i), (uint)i, Packet(40 + i % 100, i), (uint)(40 + i % 100))).ToArray();

    [Fact]
    public void Gzip_pcap_and_pcapng_are_detected_by_magic()
    {
        var pcap = Pcap(false, true, LinkTypes.Ethernet, 65535, Records);
        var r = ReadBack.All(Gzip(pcap), "no-extension");
        Assert.Equal("pcap-ns+gzip", r.Format);
        Assert.Equal(Records.Length, r.Frames.Count);
        Assert.Equal(pcap.Length, r.BytesRead);
        Assert.Equal(24L, r.Frames[0].FileOffset); // offsets are in the decompressed stream

        var ng = new PcapngBuilder().Section(true).Interface(LinkTypes.Raw, 0).Enhanced(0, 5, Packet(20, 1), 20).ToArray();
        var g = ReadBack.All(Gzip(ng), "capture.pcap"); // the name says pcap; the magic says gzip then pcapng
        Assert.Equal("pcapng+gzip", g.Format);
        Assert.Single(g.Frames);
    }

    [Fact]
    public void Multi_member_gzip_is_read_across_members_even_inside_a_record()
    {
        var pcap = Pcap(false, false, LinkTypes.Ethernet, 65535, Records);
        var cut = pcap.Length / 2 + 3; // inside some record
        var bytes = Gzip(pcap[..cut]).Concat(Gzip(pcap[cut..])).ToArray();
        var r = ReadBack.All(bytes);
        Assert.Equal(Records.Length, r.Frames.Count);
        Assert.False(r.Truncated);
        Assert.Equal(0, r.Anomalies.Total);
        for (var i = 0; i < Records.Length; i++) Assert.Equal(Records[i].Data, r.Frames[i].Data);
    }

    [Fact]
    public void Truncated_gzip_keeps_whole_packets_and_never_throws()
    {
        var pcap = Pcap(false, false, LinkTypes.Ethernet, 65535, Records);
        var gz = Gzip(pcap);
        var seenPartial = false;
        for (var cut = 10; cut < gz.Length; cut += 1 + gz.Length / 300)
        {
            var log = new AnomalyLog();
            CaptureReader reader;
            try
            {
                reader = CaptureReader.Open(new MemoryStream(gz[..cut]), "cut.gz", log);
            }
            catch (CaptureFormatException)
            {
                continue; // too little decompressed data for a file header
            }
            using (reader)
            {
                var r = ReadBack.Drain(reader, log, Records.Length);
                for (var i = 0; i < r.Frames.Count; i++) Assert.Equal(Records[i].Data, r.Frames[i].Data);
                if (cut < gz.Length - 8) Assert.True(r.Frames.Count < Records.Length);
                // A cut gzip is either reported as corrupt or as a capture cut inside a record.
                Assert.True(r.Truncated || log.Count(CaptureAnomalies.GzipStreamCorrupt) > 0,
                    $"cut at {cut}: no truncation reported; frames {r.Frames.Count}, bytes {r.BytesRead}");
                seenPartial |= r.Frames.Count > 0;
            }
        }
        Assert.True(seenPartial);
    }

    [Fact]
    public void Corrupt_deflate_data_becomes_an_anomaly()
    {
        var gz = Gzip(Pcap(false, false, LinkTypes.Ethernet, 65535, Records));
        var rng = new Random(7);
        var corruptSeen = 0;
        for (var trial = 0; trial < 200; trial++)
        {
            var bad = (byte[])gz.Clone();
            var at = rng.Next(200, bad.Length);
            bad[at] ^= (byte)rng.Next(1, 256);
            var log = new AnomalyLog();
            try
            {
                using var reader = CaptureReader.Open(new MemoryStream(bad), "bad.gz", log);
                ReadBack.Drain(reader, log, Records.Length * 2);
            }
            catch (CaptureFormatException)
            {
                // acceptable: the header region itself was destroyed
            }
            if (log.Count(CaptureAnomalies.GzipStreamCorrupt) > 0) corruptSeen++;
        }
        Assert.True(corruptSeen > 0, "some flips must be caught by the deflate decoder or the CRC");
    }
}
