using System.Net;
using Apiary.Core;
using Xunit;

namespace Apiary.Core.Tests;

/// <summary>IpAddress128 against System.Net.IPAddress as the judge: parse, format, order and the v4-mapped form.</summary>
public sealed class IpAddress128Tests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.0.2.10")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("2001:db8::1")]
    [InlineData("fe80::1:2:3:4")]
    [InlineData("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")]
    public void Parse_and_format_round_trip_like_IPAddress(string text)
    {
        var a = IpAddress128.Parse(text);
        Assert.Equal(IPAddress.Parse(text).ToString(), a.ToString());
        Assert.Equal(text.Contains('.'), a.IsV4);
        Assert.Equal(IPAddress.Parse(text), a.ToIPAddress());
    }

    [Fact]
    public void Random_addresses_agree_with_IPAddress_bytes()
    {
        var rng = new Random(7);
        var bytes = new byte[16];
        for (var i = 0; i < 10_000; i++)
        {
            rng.NextBytes(bytes);
            var v4 = IpAddress128.FromV4Bytes(bytes.AsSpan(0, 4));
            Assert.Equal(new IPAddress(bytes.AsSpan(0, 4)), v4.ToIPAddress());
            Assert.True(v4.IsV4);
            var v6 = IpAddress128.FromV6Bytes(bytes);
            Assert.Equal(new IPAddress(bytes), v6.ToIPAddress());
            Assert.Equal(v6, IpAddress128.Parse(v6.ToString()));
        }
    }

    [Fact]
    public void V4_value_is_in_host_order()
    {
        var a = IpAddress128.FromV4Bytes([192, 0, 2, 10]);
        Assert.Equal(0xC000020Au, a.V4);
        Assert.Equal(a, IpAddress128.FromV4(0xC000020Au));
        Assert.NotEqual(a, IpAddress128.Parse("::c000:20a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("300.1.1.1")]
    [InlineData("1.2.3")]
    [InlineData("2001:db8:::1")]
    [InlineData("not an address")]
    public void Bad_text_is_refused(string text)
    {
        Assert.False(IpAddress128.TryParse(text, out _));
    }
}
