using Apiary.Core;
using Apiary.TestSupport;
using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Apiary.Decode.Tests;

/// <summary>
/// Random mutations of real frames (seeded, bounded by count and time): the decoder must neither throw nor hang,
/// and every offset it reports must lie inside the frame.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    /// <summary>Mutated frames per run: enough to hit every header field many times, a few seconds at most.</summary>
    private const int Iterations = 300_000;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(20);

    [Fact]
    public void Mutated_real_frames_never_throw_or_hang()
    {
        var seeds = new List<(int LinkType, byte[] Bytes)>();
        if (SharedData.RequireShared())
        {
            foreach (var name in new[] { "lab/lab_c_ether_nsec.pcap", "lab/lab_b_any_sll2.pcap", "lab/lab_e_ipv6only.pcap",
                         "lab/lab_f_ipv4_rawip.pcap", "ncsa_multiport_scan.pcap", "evilfingers_nmap_IP_PROTOCOL_SCAN.pcap" })
                seeds.AddRange(SharedCaptureDecoding.ReadFrames(SharedData.Capture(name), 400));
        }
        seeds.AddRange(HandBuiltSeeds());

        var random = new Random(20261127);
        var log = new AnomalyLog(samplesPerName: 1);
        var p = new DecodedPacket();
        var clock = Stopwatch.StartNew();
        var done = 0;
        int[] linkTypes = [LinkTypes.Null, LinkTypes.Ethernet, LinkTypes.Raw, LinkTypes.Loop, LinkTypes.LinuxSll, LinkTypes.Ipv4, LinkTypes.Ipv6, LinkTypes.LinuxSll2];
        for (; done < Iterations && clock.Elapsed < TimeBudget; done++)
        {
            var (linkType, original) = seeds[random.Next(seeds.Count)];
            var bytes = Mutate(original, random);
            if (random.Next(50) == 0) linkType = linkTypes[random.Next(linkTypes.Length)];
            var wire = random.Next(4) == 0 ? bytes.Length + random.Next(3000) : bytes.Length;
            PacketDecoder.Decode(linkType, bytes, done + 1, 0, ref p, log, wire);
            Assert.InRange(p.NetworkOffset, -1, bytes.Length);
            Assert.InRange(p.TransportOffset, -1, bytes.Length);
            Assert.InRange(p.PayloadOffset, -1, bytes.Length);
            Assert.True(p.PayloadLength >= 0);
        }
        output.WriteLine($"{done} mutated frames in {clock.ElapsedMilliseconds} ms; {log.Total} anomalies: " +
            string.Join(", ", log.Counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(done >= 10_000, $"only {done} frames in the time budget");
        Assert.True(log.Total > 0, "mutations produced no anomaly at all: the fuzzer is not reaching the checks");
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0: // flip a few bytes, biased to the headers
                for (int i = 0, n = 1 + random.Next(4); i < n && bytes.Length > 0; i++)
                    bytes[random.Next(Math.Min(bytes.Length, 80))] = (byte)random.Next(256);
                return bytes;
            case 1: // truncate
                return bytes[..random.Next(bytes.Length + 1)];
            case 2: // flip bits anywhere
                for (int i = 0, n = 1 + random.Next(8); i < n && bytes.Length > 0; i++)
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            default: // both
                if (bytes.Length > 0) bytes[random.Next(Math.Min(bytes.Length, 80))] = (byte)random.Next(256);
                return bytes[..random.Next(bytes.Length + 1)];
        }
    }

    private static IEnumerable<(int, byte[])> HandBuiltSeeds()
    {
        var tcp = FrameBuilder.Tcp(1, 2, 0x02, FrameBuilder.Concat(FrameBuilder.Mss(1460), FrameBuilder.Sok(), FrameBuilder.Ts(1, 2), FrameBuilder.Nop(), FrameBuilder.Ws(7)));
        var v6chain = FrameBuilder.Ipv6Extension(44, 8, FrameBuilder.Ipv6Fragment(6, 0, true, 5, tcp));
        yield return (LinkTypes.Ethernet, FrameBuilder.Ethernet(0x86DD, FrameBuilder.Ipv6("2001:db8::1", "2001:db8::2", 0, v6chain), (0x88A8, 1), (0x8100, 2)));
        yield return (LinkTypes.Raw, FrameBuilder.Ipv4("10.0.0.1", "10.0.0.2", 6, tcp, options: [7, 7, 4, 0, 0, 0, 0, 0]));
        var quote = FrameBuilder.Ipv6("2001:db8::2", "2001:db8::1", 17, FrameBuilder.Udp(1, 2, new byte[8]));
        yield return (LinkTypes.Raw, FrameBuilder.Ipv6("2001:db8::1", "2001:db8::2", 58, FrameBuilder.Icmp(1, 4, quote)));
    }
}
