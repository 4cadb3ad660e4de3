using System.Buffers.Binary;
using Apiary.Core;
using Apiary.Sensor.Capture;
using Apiary.Sensor.Config;
using Apiary.Sensor.Link;
using Apiary.Sensor.Net;
using Apiary.Sensor.Services;
using Apiary.Sensor.Stack;
using Xunit;

namespace Apiary.Sensor.Tests;

/// <summary>The responder without a network: frames in through a recording link, frames out inspected byte by byte.</summary>
public sealed class ResponderTests
{
    private sealed class RecordingLink : IFrameLink
    {
        public List<byte[]> Sent { get; } = new();
        public ReadOnlySpan<byte> OwnMac => new byte[] { 2, 0, 0, 0, 0, 1 };
        public int Receive(byte[] buffer) => 0;
        public long TakeKernelDrops() => 0;
        public void Send(ReadOnlySpan<byte> frame) => Sent.Add(frame.ToArray());
        public void Dispose() { }
    }

    private sealed class RecordingSink : ICaptureSink
    {
        public int Frames;
        public void Write(long timestampNs, ReadOnlySpan<byte> frame) => Frames++;
    }

    private static readonly byte[] ClientMac = [2, 0, 0, 0, 0, 0x64];
    private static readonly IpAddress128 Client4 = IpAddress128.Parse("192.0.2.100"), Client6 = IpAddress128.Parse("2001:db8::100");
    private static readonly IpAddress128 Host4 = IpAddress128.Parse("192.0.2.15"), Host6 = IpAddress128.Parse("2001:db8::15");

    private static (Responder, RecordingLink, RecordingSink) Make(string mode)
    {
        var text = $"""
            [sensor]
            interface = "eth0"
            mode = "{mode}"
            capture_dir = "/tmp/unused"

            [[host]]
            name = "linux5"
            address = "192.0.2.15"
            address6 = "2001:db8::15"
            personality = "linux-5"
            tcp = {"{"} 22 = "ssh" {"}"}
            udp = {"{"} 7 = "echo" {"}"}
            """;
        var config = SensorConfigLoader.Parse(text, "test.toml");
        var link = new RecordingLink();
        var sink = new RecordingSink();
        return (new Responder(config, link, sink, new ServiceLog(null)), link, sink);
    }

    private static InboundFrame Parse(byte[] buffer, int n)
    {
        var f = new InboundFrame();
        f.Parse(buffer, n);
        return f;
    }

    private static byte[] Syn(IpAddress128 src, IpAddress128 dst, ushort dport)
    {
        var b = new byte[256];
        byte[] mss = [2, 4, 0x05, 0xA0];
        var n = FrameBuilder.Tcp(b, ClientMac, [2, 0, 0xc0, 0, 2, 0x0f], src, dst, 1, 64, true, 40000, dport, 1000, 0, Responder.SYN, 64240, mss, []);
        return b[..n];
    }

    private static byte[] Udp(IpAddress128 src, IpAddress128 dst, ushort dport)
    {
        var b = new byte[256];
        var n = FrameBuilder.Udp(b, ClientMac, [2, 0, 0xc0, 0, 2, 0x0f], src, dst, 1, 64, false, 40000, dport, "ping"u8);
        return b[..n];
    }

    private static byte[] NeighbourSolicitation()
    {
        var b = new byte[256];
        Span<byte> src = stackalloc byte[16], dst = stackalloc byte[16], body = stackalloc byte[24];
        FrameBuilder.WriteAddress(src, Client6);
        dst.Clear(); dst[0] = 0xff; dst[1] = 0x02; dst[11] = 1; dst[12] = 0xff; dst[15] = 0x15;
        FrameBuilder.WriteAddress(body, Host6);
        body[16] = 1; body[17] = 1; ClientMac.CopyTo(body[18..]);
        var n = FrameBuilder.Icmpv6(b, ClientMac, [0x33, 0x33, 0xff, 0, 0, 0x15], src, dst, 255, 135, 0, 0, body);
        return b[..n];
    }

    private static byte[] ArpRequest()
    {
        var b = new byte[64];
        var n = FrameBuilder.ArpReply(b, ClientMac, 0xC0000264, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0xC000020F);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(20), 1); // turn the reply into a request
        return b[..n];
    }

    /// <summary>The TCP/UDP/ICMPv6 checksum over the IPv6 pseudo-header verifies (sums to zero).</summary>
    private static bool V6ChecksumOk(byte[] f)
    {
        var len = BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(18));
        var sum = Checksum.Add(Checksum.PseudoHeaderV6(f.AsSpan(22, 16), f.AsSpan(38, 16), f[20], len), f.AsSpan(54, len));
        return Checksum.Finish(sum) == 0;
    }

    [Fact]
    public void Passive_sensor_with_hosts_answers_nothing_not_even_arp_or_neighbour_solicitations_but_captures_them()
    {
        var (r, link, sink) = Make("passive");
        foreach (var frame in new[] { ArpRequest(), NeighbourSolicitation(), Syn(Client4, Host4, 22), Syn(Client6, Host6, 22), Udp(Client6, Host6, 9) })
            r.HandleFrame(Parse(frame, frame.Length));
        Assert.Empty(link.Sent);
        Assert.Equal(5, sink.Frames);
    }

    [Fact]
    public void Active_sensor_answers_arp_and_neighbour_solicitation_for_its_addresses()
    {
        var (r, link, _) = Make("active");
        var arp = ArpRequest();
        r.HandleFrame(Parse(arp, arp.Length));
        var ns = NeighbourSolicitation();
        r.HandleFrame(Parse(ns, ns.Length));
        Assert.Equal(2, link.Sent.Count);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16BigEndian(link.Sent[0].AsSpan(20))); // ARP reply
        Assert.Equal(136, link.Sent[1][54]); // neighbour advertisement
        Assert.True(V6ChecksumOk(link.Sent[1]));
    }

    [Fact]
    public void Ipv6_syn_to_an_open_port_gets_a_synack_over_ipv6_with_the_ipv6_mss_and_a_valid_checksum()
    {
        var (r, link, _) = Make("active");
        var syn = Syn(Client6, Host6, 22);
        r.HandleFrame(Parse(syn, syn.Length));
        var reply = Assert.Single(link.Sent);
        Assert.Equal(0x86DD, BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(12)));
        Assert.Equal(6, reply[20]);
        Assert.Equal(64, reply[21]); // hop limit = the personality's initial TTL
        Assert.Equal(Host6, IpAddress128.FromV6Bytes(reply.AsSpan(22)));
        Assert.Equal(Client6, IpAddress128.FromV6Bytes(reply.AsSpan(38)));
        Assert.Equal(0x12, reply[54 + 13]);
        Assert.Equal(1001u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(54 + 8)));
        Assert.True(V6ChecksumOk(reply));
        // Linux 5 sends MSS first: 1460 over IPv4, 1440 over IPv6.
        Assert.Equal(2, reply[74]);
        Assert.Equal(1440, BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(76)));
    }

    [Fact]
    public void Ipv6_closed_ports_get_rst_and_icmpv6_port_unreachable_and_udp_echo_answers()
    {
        var (r, link, _) = Make("active");
        var syn = Syn(Client6, Host6, 23);
        r.HandleFrame(Parse(syn, syn.Length));
        var udpClosed = Udp(Client6, Host6, 9);
        r.HandleFrame(Parse(udpClosed, udpClosed.Length));
        var udpEcho = Udp(Client6, Host6, 7);
        r.HandleFrame(Parse(udpEcho, udpEcho.Length));
        Assert.Equal(3, link.Sent.Count);
        Assert.Equal(Responder.RST | Responder.ACK, link.Sent[0][54 + 13]);
        Assert.True(V6ChecksumOk(link.Sent[0]));
        Assert.Equal(58, link.Sent[1][20]);
        Assert.Equal((byte)1, link.Sent[1][54]);
        Assert.Equal((byte)4, link.Sent[1][55]);
        Assert.Equal(udpClosed.AsSpan(14).ToArray(), link.Sent[1].AsSpan(62).ToArray()); // the whole offending packet quoted
        Assert.True(V6ChecksumOk(link.Sent[1]));
        Assert.Equal(17, link.Sent[2][20]);
        Assert.Equal("ping"u8.ToArray(), link.Sent[2].AsSpan(62).ToArray());
        Assert.True(V6ChecksumOk(link.Sent[2]));
    }
}
