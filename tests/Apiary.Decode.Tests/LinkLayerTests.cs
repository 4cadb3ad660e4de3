using Apiary.Core;
using Xunit;
using static Apiary.Decode.Tests.DecodeHelper;
using static Apiary.Decode.Tests.FrameBuilder;

namespace Apiary.Decode.Tests;

public class LinkLayerTests
{
    private static readonly byte[] V4Tcp = Ipv4("192.0.2.11", "192.0.2.20", 6, Tcp(40000, 80, 0x02));
    private static readonly byte[] V6Udp = Ipv6("2001:db8:20::11", "2001:db8:20::20", 17, Udp(5353, 53, [1, 2, 3]));

    private static void AssertV4Tcp(in DecodedPacket p, int networkOffset)
    {
        Assert.False(p.Malformed);
        Assert.Equal(0x0800, p.EtherType);
        Assert.Equal(4, p.IpVersion);
        Assert.Equal(IpAddress128.Parse("192.0.2.11"), p.Source);
        Assert.Equal(IpAddress128.Parse("192.0.2.20"), p.Destination);
        Assert.Equal(6, p.Protocol);
        Assert.Equal(40000, p.SourcePort);
        Assert.Equal(80, p.DestinationPort);
        Assert.Equal(0x02, p.TcpFlags);
        Assert.Equal(networkOffset, p.NetworkOffset);
        Assert.Equal(networkOffset + 20, p.TransportOffset);
    }

    private static void AssertV6Udp(in DecodedPacket p, int networkOffset)
    {
        Assert.False(p.Malformed);
        Assert.Equal(0x86DD, p.EtherType);
        Assert.Equal(6, p.IpVersion);
        Assert.Equal(IpAddress128.Parse("2001:db8:20::11"), p.Source);
        Assert.Equal(17, p.Protocol);
        Assert.Equal(5353, p.SourcePort);
        Assert.Equal(53, p.DestinationPort);
        Assert.Equal(3, p.PayloadLength);
        Assert.Equal(networkOffset, p.NetworkOffset);
    }

    [Fact]
    public void Ethernet_untagged()
    {
        var p = Run(LinkTypes.Ethernet, Ethernet(0x0800, V4Tcp));
        AssertV4Tcp(p, 14);
        Assert.Equal(-1, p.VlanId);
        Assert.Equal(0, p.VlanDepth);
        Assert.Equal(LinkTypes.Ethernet, p.LinkType);
        Assert.Equal(7, p.FrameNumber);
    }

    [Fact]
    public void Ethernet_8021Q()
    {
        var p = Run(LinkTypes.Ethernet, Ethernet(0x0800, V4Tcp, (0x8100, 42)));
        AssertV4Tcp(p, 18);
        Assert.Equal(42, p.VlanId);
        Assert.Equal(1, p.VlanDepth);
    }

    [Theory]
    [InlineData(0x88A8)]
    [InlineData(0x9100)]
    public void Ethernet_QinQ_keeps_outermost_vlan(int outerTpid)
    {
        var p = Run(LinkTypes.Ethernet, Ethernet(0x86DD, V6Udp, ((ushort)outerTpid, 100), (0x8100, 200)));
        AssertV6Udp(p, 22);
        Assert.Equal(100, p.VlanId);
        Assert.Equal(2, p.VlanDepth);
    }

    [Fact]
    public void Vlan_stack_deeper_than_bound_is_an_anomaly()
    {
        var tags = Enumerable.Repeat(((ushort)0x8100, 5), Vlan.MaxTags + 1).ToArray();
        var p = Run(LinkTypes.Ethernet, Ethernet(0x0800, V4Tcp, tags), out var log);
        Assert.True(p.Malformed);
        Assert.Equal(1, log.Count("vlan_too_many_tags"));
        Assert.Equal(Vlan.MaxTags, p.VlanDepth);
        Assert.Equal(5, p.VlanId);
        Assert.Equal(0, p.IpVersion);
    }

    [Fact]
    public void Arp_is_counted_by_ethertype_without_ip()
    {
        var p = Run(LinkTypes.Ethernet, Ethernet(0x0806, new byte[28]), out var log);
        Assert.Equal(0x0806, p.EtherType);
        Assert.Equal(0, p.IpVersion);
        Assert.Equal(-1, p.Protocol);
        Assert.False(p.Malformed);
        Assert.Equal(0, log.Total);
    }

    [Fact]
    public void Ethernet_8023_length_field_is_not_an_ethertype()
    {
        var p = Run(LinkTypes.Ethernet, Ethernet(46, new byte[46]), out var log);
        Assert.Equal(0, p.EtherType);
        Assert.Equal(0, log.Total);
    }

    [Fact]
    public void Ethernet_too_short()
    {
        var p = Run(LinkTypes.Ethernet, new byte[10], out var log);
        Assert.True(p.Malformed);
        var s = Assert.Single(log.Samples);
        Assert.Equal("ethernet_frame_too_short", s.Name);
        Assert.Equal(7, s.FrameNumber);
        Assert.Equal(1000, s.FileOffset);
        Assert.Equal("frame_offset=0", s.Detail);
    }

    [Fact]
    public void Linux_sll_and_sll2()
    {
        AssertV4Tcp(Run(LinkTypes.LinuxSll, Sll(0x0800, V4Tcp)), 16);
        AssertV6Udp(Run(LinkTypes.LinuxSll, Sll(0x86DD, V6Udp)), 16);
        AssertV4Tcp(Run(LinkTypes.LinuxSll2, Sll2(0x0800, V4Tcp)), 20);
        AssertV6Udp(Run(LinkTypes.LinuxSll2, Sll2(0x86DD, V6Udp)), 20);
        var arp = Run(LinkTypes.LinuxSll2, Sll2(0x0806, new byte[28]));
        Assert.Equal(0x0806, arp.EtherType);
        Assert.Equal(0, arp.IpVersion);
    }

    [Theory]
    [InlineData(LinkTypes.Raw)]
    [InlineData(LinkTypes.RawOpenBsd)]
    [InlineData(LinkTypes.RawBsdOs)]
    public void Raw_ip_takes_the_version_from_the_first_nibble(int linkType)
    {
        AssertV4Tcp(Run(linkType, V4Tcp), 0);
        AssertV6Udp(Run(linkType, V6Udp), 0);
        var bad = Run(linkType, [0x50, 0, 0, 0], out var log);
        Assert.True(bad.Malformed);
        Assert.Equal(1, log.Count("raw_ip_version_unknown"));
    }

    [Fact]
    public void Ipv4_and_ipv6_link_types()
    {
        AssertV4Tcp(Run(LinkTypes.Ipv4, V4Tcp), 0);
        AssertV6Udp(Run(LinkTypes.Ipv6, V6Udp), 0);
    }

    [Theory]
    [InlineData(2, false, true)]
    [InlineData(2, true, true)]
    [InlineData(24, false, false)]
    [InlineData(28, true, false)]
    [InlineData(30, false, false)]
    [InlineData(30, true, false)]
    public void Null_loopback_in_either_byte_order(int family, bool bigEndian, bool v4)
    {
        byte[] header = bigEndian ? [0, 0, 0, (byte)family] : [(byte)family, 0, 0, 0];
        var p = Run(LinkTypes.Null, [.. header, .. v4 ? V4Tcp : V6Udp]);
        if (v4) AssertV4Tcp(p, 4); else AssertV6Udp(p, 4);
    }

    [Fact]
    public void Loop_is_network_order()
    {
        AssertV4Tcp(Run(LinkTypes.Loop, [0, 0, 0, 2, .. V4Tcp]), 4);
        AssertV6Udp(Run(LinkTypes.Loop, [0, 0, 0, 24, .. V6Udp]), 4);
        var unknown = Run(LinkTypes.Loop, [0, 0, 0, 7, .. V4Tcp], out var log);
        Assert.Equal(0, unknown.IpVersion);
        Assert.Equal(0, log.Total);
    }

    [Fact]
    public void Unsupported_link_type_is_counted_not_thrown()
    {
        var p = Run(147, V4Tcp, out var log);
        Assert.Equal(0, p.IpVersion);
        Assert.Equal(1, log.Count("link_type_unsupported"));
    }
}
