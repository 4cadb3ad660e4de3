using Apiary.Core;
using Xunit;
using static Apiary.Decode.Tests.DecodeHelper;
using static Apiary.Decode.Tests.FrameBuilder;

namespace Apiary.Decode.Tests;

public class NetworkLayerTests
{
    [Fact]
    public void Ipv4_fixed_fields()
    {
        var frame = Ethernet(0x0800, Ipv4("10.0.0.1", "10.0.0.2", 17, Udp(1, 2, [9, 9]), ttl: 37, id: 0xBEEF, df: true, tos: 0x10));
        var p = Run(LinkTypes.Ethernet, frame);
        Assert.Equal(37, p.Ttl);
        Assert.Equal(0xBEEF, p.IpId);
        Assert.True(p.DontFragment);
        Assert.False(p.MoreFragments);
        Assert.Equal(0, p.FragmentOffset);
        Assert.Equal(0x10, p.Tos);
        Assert.Equal(30, p.IpTotalLength);
        Assert.Equal(20, p.IpHeaderLength);
        Assert.Equal(0, p.IpOptionsLength);
        Assert.Equal(2, p.PayloadLength);
        Assert.Equal(14 + 20 + 8, p.PayloadOffset);
        Assert.Equal(frame.Length, p.CapturedLength);
        Assert.Equal(frame.Length, p.WireLength);
    }

    [Fact]
    public void Ipv4_options_length_is_p0f_olen()
    {
        // Record route (7), length 7, pointer 4, one empty slot, then EOL.
        byte[] options = [7, 7, 4, 0, 0, 0, 0, 0];
        var p = Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", 6, Tcp(1, 2, 0x02), options: options));
        Assert.Equal(28, p.IpHeaderLength);
        Assert.Equal(8, p.IpOptionsLength);
        Assert.Equal(1, p.SourcePort);
        Assert.Equal(28, p.TransportOffset);
    }

    [Fact]
    public void Ethernet_padding_is_not_payload()
    {
        var ip = Ipv4("10.0.0.1", "10.0.0.2", 6, Tcp(1, 2, 0x10));
        var p = Run(LinkTypes.Ethernet, Ethernet(0x0800, [.. ip, 0, 0, 0, 0, 0, 0]), out var log);
        Assert.Equal(0, p.PayloadLength);
        Assert.Equal(0, log.Total);
    }

    [Fact]
    public void Ipv4_first_fragment_has_ports_later_fragments_do_not()
    {
        var first = Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", 6, Tcp(1111, 22, 0x02)[..8], mf: true, id: 77), out var log1);
        Assert.True(first.MoreFragments);
        Assert.Equal(0, first.FragmentOffset);
        Assert.Equal(1111, first.SourcePort);
        Assert.Equal(22, first.DestinationPort);
        Assert.Equal(-1, first.TcpFlags); // the 8-byte piece ends before the flags
        Assert.Equal(0, log1.Total);      // a short first fragment is legitimate (nmap -f)

        var later = Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", 6, new byte[16], fragmentOffsetBytes: 8, id: 77), out var log2);
        Assert.Equal(8, later.FragmentOffset);
        Assert.Equal(6, later.Protocol);
        Assert.Equal(-1, later.SourcePort);
        Assert.Equal(-1, later.TransportOffset);
        Assert.Equal(16, later.PayloadLength);
        Assert.Equal(77, later.IpId);
        Assert.Equal(0, log2.Total);
    }

    [Fact]
    public void Ipv4_header_length_too_short()
    {
        var p = Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", 6, Tcp(1, 2, 2), ihlWords: 4), out var log);
        Assert.True(p.Malformed);
        Assert.Equal(1, log.Count("ipv4_header_length_too_short"));
        Assert.Equal(0, p.IpVersion); // like tshark: no IP fields from an impossible header
    }

    [Fact]
    public void Ipv4_total_length_exceeding_the_frame_is_an_anomaly_but_decoding_goes_on()
    {
        var p = Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", 6, Tcp(1, 2, 2), totalLength: 400), out var log);
        Assert.True(p.Malformed);
        Assert.Equal(1, log.Count("ipv4_total_length_exceeds_capture"));
        Assert.Equal(1, p.SourcePort);
        Assert.Equal(0x02, p.TcpFlags);
    }

    [Fact]
    public void Snapped_frame_is_not_an_anomaly()
    {
        var full = Ethernet(0x0800, Ipv4("10.0.0.1", "10.0.0.2", 6, Tcp(1, 2, 0x18, payload: new byte[1000])));
        var p = Run(LinkTypes.Ethernet, full[..60], out var log, wireLength: full.Length);
        Assert.False(p.Malformed);
        Assert.Equal(0, log.Total);
        Assert.Equal(1000, p.PayloadLength); // from the headers, not limited by the snap length
        Assert.Equal(60, p.CapturedLength);
        Assert.Equal(full.Length, p.WireLength);

        // Snapped inside the TCP header: ports only, still no anomaly.
        var cut = Run(LinkTypes.Ethernet, full[..40], out var log2, wireLength: full.Length);
        Assert.False(cut.Malformed);
        Assert.Equal(1, cut.SourcePort);
        Assert.Equal(-1, cut.TcpFlags);
        Assert.Equal(0, log2.Total);
    }

    [Fact]
    public void Unsnapped_short_frame_is_an_anomaly()
    {
        var full = Ethernet(0x0800, Ipv4("10.0.0.1", "10.0.0.2", 6, Tcp(1, 2, 0x18)));
        var p = Run(LinkTypes.Ethernet, full[..40], out var log);
        Assert.True(p.Malformed);
        Assert.Equal(1, log.Count("ipv4_total_length_exceeds_capture"));
        Assert.Equal(1, log.Count("tcp_header_truncated"));
        Assert.Equal(1, p.SourcePort);
    }

    [Fact]
    public void Ipv4_version_mismatch_and_short_header()
    {
        var bad = Ipv4("10.0.0.1", "10.0.0.2", 6, []);
        bad[0] = 0x65;
        Run(LinkTypes.Ethernet, Ethernet(0x0800, bad), out var log);
        Assert.Equal(1, log.Count("ipv4_version_mismatch"));
        Run(LinkTypes.Ethernet, Ethernet(0x0800, new byte[12]), out var log2);
        Assert.Equal(1, log2.Count("ipv4_header_truncated"));
        Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", 6, new byte[30], totalLength: 12), out var log3);
        Assert.Equal(1, log3.Count("ipv4_total_length_too_short"));
    }

    [Fact]
    public void Ipv6_fixed_fields()
    {
        var p = Run(LinkTypes.Raw, Ipv6("2001:db8::1", "2001:db8::2", 6, Tcp(5, 6, 0x12), hopLimit: 63, trafficClass: 0xB8, flowLabel: 0x12345));
        Assert.Equal(6, p.IpVersion);
        Assert.Equal(63, p.Ttl);
        Assert.Equal(0xB8, p.Tos);
        Assert.Equal(0x12345, p.FlowLabel);
        Assert.Equal(60, p.IpTotalLength);
        Assert.Equal(40, p.IpHeaderLength);
        Assert.Equal(0, p.IpOptionsLength);
        Assert.Equal(-1, p.IpId);
        Assert.Equal(0x12, p.TcpFlags);
        Assert.Equal(IpAddress128.Parse("2001:db8::2"), p.Destination);
    }

    [Fact]
    public void Ipv6_extension_chain_to_the_upper_layer()
    {
        // hop-by-hop (8) -> destination options (16) -> TCP
        var payload = Ipv6Extension(60, 8, Ipv6Extension(6, 16, Tcp(1234, 443, 0x02)));
        var p = Run(LinkTypes.Raw, Ipv6("2001:db8::1", "2001:db8::2", 0, payload), out var log);
        Assert.Equal(0, log.Total);
        Assert.Equal(6, p.Protocol);
        Assert.Equal(24, p.IpOptionsLength);
        Assert.Equal(64, p.IpHeaderLength);
        Assert.Equal(1234, p.SourcePort);
        Assert.Equal(64, p.TransportOffset);
    }

    [Fact]
    public void Ipv6_fragments()
    {
        var first = Run(LinkTypes.Raw, Ipv6("2001:db8::1", "2001:db8::2", 44, Ipv6Fragment(17, 0, true, 0xCAFEF00D, Udp(7, 8, new byte[20]))));
        Assert.Equal(17, first.Protocol);
        Assert.Equal(0xCAFEF00D, first.IpId);
        Assert.True(first.MoreFragments);
        Assert.Equal(0, first.FragmentOffset);
        Assert.Equal(7, first.SourcePort);
        Assert.Equal(8, first.IpOptionsLength);

        var later = Run(LinkTypes.Raw, Ipv6("2001:db8::1", "2001:db8::2", 44, Ipv6Fragment(17, 1232, false, 0xCAFEF00D, new byte[40])), out var log);
        Assert.Equal(0, log.Total);
        Assert.Equal(17, later.Protocol);
        Assert.Equal(1232, later.FragmentOffset);
        Assert.False(later.MoreFragments);
        Assert.Equal(-1, later.SourcePort);
        Assert.Equal(40, later.PayloadLength);
    }

    [Fact]
    public void Ipv6_chain_longer_than_the_bound_is_cut()
    {
        var payload = Tcp(1, 2, 2);
        for (var i = 0; i < Ipv6ExtensionChain.MaxHeaders + 1; i++) payload = Ipv6Extension(i == 0 ? 6 : 60, 8, payload);
        var p = Run(LinkTypes.Raw, Ipv6("2001:db8::1", "2001:db8::2", 60, payload), out var log);
        Assert.True(p.Malformed);
        Assert.Equal(1, log.Count("ipv6_extension_chain_too_long"));
        Assert.Equal(-1, p.SourcePort);
    }

    [Fact]
    public void Ipv6_esp_and_no_next_header_end_the_chain()
    {
        var esp = Run(LinkTypes.Raw, Ipv6("2001:db8::1", "2001:db8::2", 0, Ipv6Extension(50, 8, new byte[24])), out var log);
        Assert.Equal(50, esp.Protocol);
        Assert.Equal(24, esp.PayloadLength);
        Assert.Equal(0, log.Total);
        var none = Run(LinkTypes.Raw, Ipv6("2001:db8::1", "2001:db8::2", 59, []));
        Assert.Equal(59, none.Protocol);
    }

    [Fact]
    public void Ipv6_extension_header_beyond_the_payload_length()
    {
        var payload = Ipv6Extension(6, 8, Tcp(1, 2, 2));
        payload[1] = 200; // claims 1608 bytes
        var p = Run(LinkTypes.Raw, Ipv6("2001:db8::1", "2001:db8::2", 0, payload), out var log);
        Assert.True(p.Malformed);
        Assert.Equal(1, log.Count("ipv6_extension_header_truncated"));
    }

    [Fact]
    public void Ipv6_payload_length_exceeding_the_frame()
    {
        var p = Run(LinkTypes.Raw, Ipv6("2001:db8::1", "2001:db8::2", 17, Udp(1, 2), payloadLength: 500), out var log);
        Assert.True(p.Malformed);
        Assert.Equal(1, log.Count("ipv6_payload_length_exceeds_capture"));
        Assert.Equal(1, p.SourcePort);
    }

    [Theory]
    [InlineData(47)] // GRE
    [InlineData(4)]  // IP-in-IP
    [InlineData(41)] // IPv6-in-IPv4
    public void Tunnels_count_as_the_outer_protocol(int protocol)
    {
        var inner = Ipv4("172.16.0.1", "172.16.0.2", 6, Tcp(1, 2, 2));
        var p = Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", protocol, inner), out var log);
        Assert.Equal(protocol, p.Protocol);
        Assert.Equal(IpAddress128.Parse("10.0.0.1"), p.Source);
        Assert.Equal(-1, p.SourcePort);
        Assert.Equal(inner.Length, p.PayloadLength);
        Assert.Equal(20, p.PayloadOffset);
        Assert.Equal(0, log.Total);
    }
}
