using System.Net;
using Apiary.Core;
using Xunit;

namespace Apiary.Store.DuckDb.Tests;

public class AddressTextCacheTests
{
    [Theory]
    [InlineData("0.0.0.0", 4)]
    [InlineData("10.0.0.1", 4)]
    [InlineData("255.255.255.255", 4)]
    [InlineData("192.168.100.9", 4)]
    [InlineData("2001:db8::1", 6)]
    [InlineData("fe80::1:2", 6)]
    [InlineData("::", 6)]
    public void Text_is_the_canonical_form(string address, int version)
    {
        Assert.Equal(IPAddress.Parse(address).ToString(), AddressTextCache.Format(IpAddress128.Parse(address), version));
    }

    [Fact]
    public void Ipv4_mapped_address_in_an_ipv6_header_stays_ipv6()
    {
        Assert.Equal("::ffff:10.0.0.1", AddressTextCache.Format(IpAddress128.Parse("10.0.0.1"), 6));
    }

    [Fact]
    public void Cache_is_bounded_and_keeps_answering_after_reset()
    {
        var cache = new AddressTextCache(capacity: 8);
        for (uint i = 0; i < 100; i++)
        {
            var text = System.Text.Encoding.ASCII.GetString(cache.Get(IpAddress128.FromV4(0x0A000000 + i), 4));
            Assert.Equal($"10.0.0.{i}", text);
            Assert.True(cache.Count <= 8);
        }
        Assert.True(cache.Resets > 0);
        var a = cache.Get(IpAddress128.FromV4(1), 4);
        Assert.Same(a, cache.Get(IpAddress128.FromV4(1), 4));
    }
}
