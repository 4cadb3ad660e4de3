using Apiary.Core;
using Xunit;
using static Apiary.Decode.Tests.DecodeHelper;
using static Apiary.Decode.Tests.FrameBuilder;

namespace Apiary.Decode.Tests;

public class TransportLayerTests
{
    private static DecodedPacket DecodeTcp(byte[] tcp, out AnomalyLog log) =>
        Run(LinkTypes.Ethernet, Ethernet(0x0800, Ipv4("10.0.0.1", "10.0.0.2", 6, tcp)), out log);

    [Fact]
    public void Tcp_fixed_fields()
    {
        var p = DecodeTcp(Tcp(1234, 80, 0x18, payload: new byte[10], seq: 0xDEADBEEF, ack: 0x01020304, window: 29200, urgent: 7), out var log);
        Assert.Equal(0, log.Total);
        Assert.Equal(0xDEADBEEF, p.TcpSeq);
        Assert.Equal(0x01020304u, p.TcpAck);
        Assert.Equal(29200, p.TcpWindow);
        Assert.Equal(7, p.TcpUrgent);
        Assert.Equal(20, p.TcpHeaderLength);
        Assert.Equal(0x18, p.TcpFlags);
        Assert.Equal(10, p.PayloadLength);
        Assert.Equal(14 + 20 + 20, p.PayloadOffset);
        Assert.Null(p.TcpOptionLayout);
        Assert.Equal(-1, p.TcpMss);
        Assert.Equal(-1, p.TcpWindowScale);
        Assert.False(p.TcpTsPresent);
    }

    [Fact]
    public void Tcp_every_option_value()
    {
        byte[] sack = [5, 10, 0, 0, 0, 1, 0, 0, 0, 2];
        var options = Concat(Mss(1460), Sok(), Ts(0x11223344, 0x55667788), Nop(), Ws(7), sack, [0xFE, 4, 0xAA, 0xBB], Eol(), [0]);
        Assert.Equal(0, options.Length % 4);
        var p = DecodeTcp(Tcp(1, 2, 0x12, options), out var log);
        Assert.Equal(0, log.Total);
        Assert.Equal(1460, p.TcpMss);
        Assert.True(p.TcpSackPermitted);
        Assert.True(p.TcpTsPresent);
        Assert.Equal(0x11223344u, p.TcpTsVal);
        Assert.Equal(0x55667788u, p.TcpTsEcr);
        Assert.Equal(7, p.TcpWindowScale);
        Assert.Equal(1, p.TcpSackBlocks);
        Assert.Equal(20 + options.Length, p.TcpHeaderLength);
        Assert.Equal("mss,sok,ts,nop,ws,sack,?254,eol+1", p.TcpOptionLayout);
    }

    public static TheoryData<byte[], string> Layouts() => new()
    {
        { Concat(Mss(1460), Sok(), Ts(1, 0), Nop(), Ws(10)), "mss,sok,ts,nop,ws" },                     // Linux
        { Concat(Mss(1460), Nop(), Ws(8), Nop(), Nop(), Sok()), "mss,nop,ws,nop,nop,sok" },              // Windows
        { Concat(Mss(1460), Nop(), Ws(6), Nop(), Nop(), Ts(1, 0), Sok(), Eol(), Eol()), "mss,nop,ws,nop,nop,ts,sok,eol+1" }, // macOS
        { Concat(Ws(10), Nop(), Mss(265), Ts(0xFFFFFFFF, 0), Sok()), "ws,nop,mss,ts,sok" },              // nmap probe 1 (T1)
        { Concat(Mss(1460)), "mss" },
        { Concat(Mss(1460), Eol(), [0, 0, 0]), "mss,eol+3" },
        { Concat(Nop(), Nop(), Nop(), Nop()), "nop,nop,nop,nop" },
        { Concat([30, 4, 0, 0]), "?30" },
        { Concat(Eol(), [0, 0, 0]), "eol+3" },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Tcp_option_layout_as_p0f_writes_it(byte[] options, string expected)
    {
        var syn = DecodeTcp(Tcp(1, 2, 0x02, options), out var log);
        Assert.Equal(expected, syn.TcpOptionLayout);
        Assert.Equal(0, log.Total);
        var synAck = DecodeTcp(Tcp(1, 2, 0x12, options), out _);
        Assert.Equal(expected, synAck.TcpOptionLayout);
        Assert.Same(syn.TcpOptionLayout, synAck.TcpOptionLayout); // interned, not rebuilt
        var ack = DecodeTcp(Tcp(1, 2, 0x10, options), out _);
        Assert.Null(ack.TcpOptionLayout); // SYN and SYN+ACK only
    }

    [Fact]
    public void Tcp_option_running_past_the_header_stops_the_walk_like_p0f()
    {
        // Unknown kind 30 claiming 8 bytes in a 4-byte option area: p0f records "?30" and aborts.
        var p = DecodeTcp(Tcp(1, 2, 0x02, [1, 30, 8, 0]), out var log);
        Assert.True(p.Malformed);
        Assert.Equal(1, log.Count("tcp_option_length_invalid"));
        Assert.Equal("nop,?30", p.TcpOptionLayout);
        Assert.Equal(1, p.SourcePort);
        Assert.Equal(0x02, p.TcpFlags);
    }

    [Fact]
    public void Tcp_known_option_with_wrong_length_byte_is_reported_and_walked_at_its_fixed_size()
    {
        var p = DecodeTcp(Tcp(1, 2, 0x02, [2, 5, 0x05, 0xB4]), out var log);
        Assert.Equal(1, log.Count("tcp_option_length_invalid"));
        Assert.Equal(1460, p.TcpMss);
        Assert.Equal("mss", p.TcpOptionLayout);
    }

    [Fact]
    public void Tcp_zero_length_option_cannot_loop()
    {
        var p = DecodeTcp(Tcp(1, 2, 0x02, [30, 0, 30, 0]), out var log);
        Assert.Equal(1, log.Count("tcp_option_length_invalid"));
        Assert.Equal("?30", p.TcpOptionLayout);
    }

    [Theory]
    [InlineData(4)]  // below the 20-byte minimum
    [InlineData(15)] // 60 bytes in a 20-byte segment
    public void Tcp_header_length_invalid(int words)
    {
        var p = DecodeTcp(Tcp(1, 2, 0x02, dataOffsetWords: words), out var log);
        Assert.True(p.Malformed);
        Assert.Equal(1, log.Count("tcp_header_length_invalid"));
        Assert.Equal(1, p.SourcePort);
        Assert.Equal(2, p.DestinationPort);
    }

    [Fact]
    public void Udp_and_sctp_ports()
    {
        var udp = Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", 17, Udp(500, 500, new byte[100])));
        Assert.Equal(500, udp.SourcePort);
        Assert.Equal(100, udp.PayloadLength);
        Assert.Equal(28, udp.PayloadOffset);
        Assert.Equal(-1, udp.TcpFlags);

        var sctp = Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", 132, Sctp(3868, 2905)));
        Assert.Equal(3868, sctp.SourcePort);
        Assert.Equal(2905, sctp.DestinationPort);
        Assert.Equal(4, sctp.PayloadLength);
    }

    [Fact]
    public void Udp_length_invalid()
    {
        var p = Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", 17, Udp(1, 2, new byte[4], length: 3)), out var log);
        Assert.True(p.Malformed);
        Assert.Equal(1, log.Count("udp_length_invalid"));
        Assert.Equal(4, p.PayloadLength);
        Assert.Equal(1, p.SourcePort);
    }

    [Fact]
    public void Icmp_echo_has_no_inner_header()
    {
        var p = Run(LinkTypes.Raw, Ipv4("10.0.0.1", "10.0.0.2", 1, Icmp(8, 0, new byte[56])));
        Assert.Equal(8, p.IcmpType);
        Assert.Equal(0, p.IcmpCode);
        Assert.False(p.HasInner);
        Assert.Equal(56, p.PayloadLength);
        Assert.Equal(-1, p.SourcePort);
    }

    [Theory]
    [InlineData(3, 3)]
    [InlineData(11, 0)]
    [InlineData(4, 0)]
    [InlineData(5, 1)]
    [InlineData(12, 0)]
    public void Icmp_error_quotes_the_offending_header(int type, int code)
    {
        // The quote: IPv4 header + the first 8 bytes of the UDP probe, addresses differing from the outer ones.
        var quoted = Ipv4("192.0.2.70", "198.51.100.9", 17, Udp(40000, 33434, new byte[32]))[..28];
        var p = Run(LinkTypes.Raw, Ipv4("192.0.2.20", "192.0.2.70", 1, Icmp(type, code, quoted)), out var log);
        Assert.Equal(0, log.Total);
        Assert.Equal(type, p.IcmpType);
        Assert.Equal(code, p.IcmpCode);
        Assert.True(p.HasInner);
        Assert.Equal(IpAddress128.Parse("192.0.2.70"), p.InnerSource);
        Assert.Equal(IpAddress128.Parse("198.51.100.9"), p.InnerDestination);
        Assert.Equal(17, p.InnerProtocol);
        Assert.Equal(40000, p.InnerSourcePort);
        Assert.Equal(33434, p.InnerDestinationPort);
        Assert.Equal(IpAddress128.Parse("192.0.2.20"), p.Source); // outer stays outer
        Assert.Equal(-1, p.SourcePort);
    }

    [Fact]
    public void Icmp_error_quote_without_transport_bytes_has_no_inner_ports()
    {
        var quoted = Ipv4("192.0.2.70", "198.51.100.9", 6, Tcp(1, 2, 2))[..22];
        var p = Run(LinkTypes.Raw, Ipv4("192.0.2.20", "192.0.2.70", 1, Icmp(3, 1, quoted)));
        Assert.True(p.HasInner);
        Assert.Equal(6, p.InnerProtocol);
        Assert.Equal(-1, p.InnerSourcePort);
    }

    [Fact]
    public void Icmp_error_with_a_bogus_quote_is_an_anomaly()
    {
        var quoted = Ipv4("192.0.2.70", "198.51.100.9", 6, Tcp(1, 2, 2));
        quoted[0] = 0x42;
        var p = Run(LinkTypes.Raw, Ipv4("192.0.2.20", "192.0.2.70", 1, Icmp(3, 1, quoted)), out var log);
        Assert.False(p.HasInner);
        Assert.Equal(1, log.Count("icmp_quoted_header_invalid"));
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 0)]
    [InlineData(3, 0)]
    [InlineData(4, 1)]
    public void Icmpv6_error_quotes_the_offending_header(int type, int code)
    {
        var quoted = Ipv6("2001:db8:70::70", "2001:db8:20::20", 44, Ipv6Fragment(17, 0, true, 9, Udp(50000, 33435, new byte[16])));
        var p = Run(LinkTypes.Raw, Ipv6("2001:db8:20::20", "2001:db8:70::70", 58, Icmp(type, code, quoted)), out var log);
        Assert.Equal(0, log.Total);
        Assert.Equal(58, p.Protocol);
        Assert.Equal(type, p.IcmpType);
        Assert.True(p.HasInner);
        Assert.Equal(IpAddress128.Parse("2001:db8:70::70"), p.InnerSource);
        Assert.Equal(17, p.InnerProtocol);
        Assert.Equal(50000, p.InnerSourcePort);
        Assert.Equal(33435, p.InnerDestinationPort);
    }

    [Fact]
    public void Icmpv6_informational_has_no_inner_header()
    {
        var p = Run(LinkTypes.Raw, Ipv6("fe80::1", "ff02::2", 58, Icmp(133, 0, [])));
        Assert.Equal(133, p.IcmpType);
        Assert.False(p.HasInner);
        Assert.Equal(4, p.PayloadLength);
    }

    [Fact]
    public void Icmp_error_quoting_an_empty_probe_has_no_inner_ports()
    {
        // nmap's protocol scan sends bare IP headers; the quote is followed by unrelated bytes.
        var quoted = Ipv4("192.0.2.70", "198.51.100.9", 132, []);
        var p = Run(LinkTypes.Raw, Ipv4("192.0.2.20", "192.0.2.70", 1, Icmp(3, 2, [.. quoted, 1, 2, 3, 4, 5, 6, 7, 8])));
        Assert.True(p.HasInner);
        Assert.Equal(132, p.InnerProtocol);
        Assert.Equal(-1, p.InnerSourcePort);
    }
}
