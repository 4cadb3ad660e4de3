using Apiary.Core;
using Apiary.TestSupport;
using Xunit;
using static Apiary.Capture.Tests.CaptureBytes;

namespace Apiary.Capture.Tests;

public sealed class PcapngTests
{
    private const ulong Second = 1_600_000_000;

    /// <summary>Three sections (little, big, little endian), interfaces of different link types and resolutions.</summary>
    private static PcapngBuilder MultiSection(bool withHostileBlocks)
    {
        var b = new PcapngBuilder()
            .Section(bigEndian: false)
            .Interface(LinkTypes.Ethernet, 65535)                                   // µs by default
            .Interface(LinkTypes.Raw, 0, tsresol: 9, tsoffset: 10)                  // ns, +10 s
            .Enhanced(0, Second * 1_000_000 + 123_456, Packet(60, 1), 60)
            .Enhanced(1, Second * 1_000_000_000 + 123_456_789, Packet(40, 2), 40)
            .Obsolete(0, Second * 1_000_000 + 5, Packet(70, 3), 1514)
            .Other(4, [1, 0, 9, 0, 10, 0, 0, 1, (byte)'h', (byte)'o', (byte)'s', (byte)'t', 0, 0, 0, 0, 0, 0, 0, 0]) ; // name resolution
        if (withHostileBlocks)
            b.Other(0x40000BAD, [0x7b, 0, 0, 0, 1, 2, 3, 4]);                      // custom block (tshark shows it as a frame)
        b.Section(bigEndian: true)
            .Interface(LinkTypes.LinuxSll2, 64, tsresol: 0x80 | 20)                 // 2^-20 s
            .Interface(LinkTypes.Ethernet, 262144, tsresol: 3)                      // ms
            .Enhanced(0, (Second << 20) | (1UL << 19), Packet(44, 4), 44)          // + 0.5 s
            .Enhanced(1, Second * 1000 + 123, Packet(54, 5), 54)
            .Simple(Packet(64, 6), 1500)                                            // interface 0: snaplen 64
            .Enhanced(1, Second * 1000 + 124, Packet(1, 7), 1);                     // 1 byte: padding must not leak
        if (withHostileBlocks)
            b.Enhanced(5, 0, Packet(10, 8), 10);                                    // interface 5 does not exist
        b.Section(bigEndian: false)
            .Interface(LinkTypes.Ethernet, 0, tsresol: 12)                          // ps: finer than ns
            .Enhanced(0, 1_000_000UL * 1_000_000_000_000 + 1_999, Packet(42, 9), 42); // 1970-01-12 + 1.999 ns
        if (withHostileBlocks)
            b.Section(bigEndian: false).Enhanced(0, 0, Packet(10, 10), 10);         // new section forgot interface 0
        return b;
    }

    [Fact]
    public void Sections_interfaces_resolutions_and_packet_block_kinds()
    {
        var r = ReadBack.All(MultiSection(withHostileBlocks: true).ToArray());
        Assert.Equal("pcapng", r.Format);
        Assert.Equal([LinkTypes.Ethernet, LinkTypes.Raw, LinkTypes.LinuxSll2], r.LinkTypes);
        Assert.Equal(262144, r.Snaplen);
        Assert.False(r.Truncated);
        Assert.Equal(2, r.Anomalies.Count(CaptureAnomalies.PcapngUnknownInterface));
        Assert.Equal(2, r.Anomalies.Total);

        const long s = (long)Second * 1_000_000_000L;
        long[] times = [s + 123_456_000, s + 123_456_789 + 10_000_000_000, s + 5_000, s + 500_000_000, s + 123_000_000, 0, s + 124_000_000, 1_000_000_000_000_001];
        int[] links = [LinkTypes.Ethernet, LinkTypes.Raw, LinkTypes.Ethernet, LinkTypes.LinuxSll2, LinkTypes.Ethernet, LinkTypes.LinuxSll2, LinkTypes.Ethernet, LinkTypes.Ethernet];
        int[] captured = [60, 40, 70, 44, 54, 64, 1, 42];
        int[] wire = [60, 40, 1514, 44, 54, 1500, 1, 42];
        int[] interfaces = [0, 1, 0, 0, 1, 0, 1, 0];
        Assert.Equal(times.Length, r.Frames.Count);
        for (var i = 0; i < times.Length; i++)
        {
            var f = r.Frames[i];
            Assert.True(times[i] == f.TimestampNs, $"frame {i + 1}: {f.TimestampNs} != {times[i]}");
            Assert.Equal(links[i], f.LinkType);
            Assert.Equal(captured[i], f.Data.Length);
            Assert.Equal(wire[i], f.WireLength);
            Assert.Equal(interfaces[i], f.InterfaceId);
            Assert.Equal(i + 1, f.FrameNumber);
        }
        Assert.Equal(Packet(1, 7), r.Frames[6].Data);
        Assert.Equal(Packet(64, 6), r.Frames[5].Data);
    }

    [Fact]
    public void Hand_built_multi_section_file_matches_tshark()
    {
        if (!ExternalTool.Require("tshark")) return;
        var bytes = MultiSection(withHostileBlocks: false).ToArray();
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"apiary-capture-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, bytes);
        try
        {
            var expected = SharedCaptureTests.TsharkFrames(path);
            var r = ReadBack.All(bytes);
            Assert.Equal(expected.Count, r.Frames.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                // A simple packet block has no timestamp; tshark's display of "no time" is not a fact to compare.
                if (i != 5) Assert.True(expected[i].TimeNs == r.Frames[i].TimestampNs, $"frame {i + 1}: {r.Frames[i].TimestampNs} vs tshark {expected[i].TimeNs}");
                Assert.Equal(expected[i].Wire, r.Frames[i].WireLength);
                Assert.Equal(expected[i].Captured, r.Frames[i].Data.Length);
            }
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("KEEP") == null) File.Delete(path);
        }
    }

    [Fact]
    public void Big_endian_first_section_is_read()
    {
        var bytes = new PcapngBuilder().Section(bigEndian: true).Interface(LinkTypes.Ethernet, 1000)
            .Enhanced(0, 1_000_000, Packet(100, 1), 100).ToArray();
        var r = ReadBack.All(bytes);
        Assert.Single(r.Frames);
        Assert.Equal(1_000_000_000L, r.Frames[0].TimestampNs);
        Assert.Equal(1000, r.Snaplen);
    }

    [Fact]
    public void Unsupported_tsresol_falls_back_to_microseconds_with_an_anomaly()
    {
        var bytes = new PcapngBuilder().Section(false).Interface(LinkTypes.Ethernet, 0, tsresol: 40)
            .Enhanced(0, 2_000_000, Packet(10, 1), 10).ToArray();
        var r = ReadBack.All(bytes);
        Assert.Equal(2_000_000_000L, r.Frames[0].TimestampNs);
        Assert.Equal(1, r.Anomalies.Count(CaptureAnomalies.PcapngTsresolUnsupported));
    }
}
