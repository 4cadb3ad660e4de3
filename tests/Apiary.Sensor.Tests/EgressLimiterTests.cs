using Apiary.Core;
using Apiary.Sensor.Safety;
using Xunit;

namespace Apiary.Sensor.Tests;

public sealed class EgressLimiterTests
{
    private const long Second = TimeSpan.TicksPerSecond;

    [Fact]
    public void One_remote_gets_its_burst_then_its_rate()
    {
        var l = new EgressLimiter(packetsPerSecond: 10_000, packetsPerSecondPerRemote: 100, maxRemotes: 16);
        var sent = 0;
        for (var i = 0; i < 1000; i++) if (l.TryTake(1, Second)) sent++;
        Assert.Equal(25, sent); // burst = a quarter second of the rate
        sent = 0;
        for (var t = 0; t < 1000; t++) if (l.TryTake(1, Second + t * Second / 100)) sent++; // 10 s at 100 tries/s... 
        Assert.InRange(sent, 990, 1000);
    }

    [Fact]
    public void The_overall_limit_holds_across_many_spoofed_remotes_and_the_table_stays_bounded()
    {
        var l = new EgressLimiter(packetsPerSecond: 1000, packetsPerSecondPerRemote: 1000, maxRemotes: 64);
        var sent = 0;
        // 100,000 packets from 100,000 different sources within one second.
        for (uint i = 0; i < 100_000; i++) if (l.TryTake(0xC6336400u + i, Second + i * 10)) sent++;
        Assert.InRange(sent, 250, 1250 + 1);
        Assert.True(l.TrackedRemotes <= 64);
    }

    [Fact]
    public void Ipv6_remotes_of_one_slash_64_share_one_bucket()
    {
        var l = new EgressLimiter(packetsPerSecond: 10_000, packetsPerSecondPerRemote: 100, maxRemotes: 16);
        var sent = 0;
        for (var i = 0; i < 1000; i++) if (l.TryTake(IpAddress128.Parse($"2001:db8:0:1::{i + 1:x}"), Second)) sent++;
        Assert.Equal(25, sent); // one burst for the whole /64
        Assert.Equal(1, l.TrackedRemotes);
        Assert.True(l.TryTake(IpAddress128.Parse("2001:db8:0:2::1"), Second)); // another /64 has its own
    }
}
