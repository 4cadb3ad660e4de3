using Apiary.Fingerprint;
using Xunit;

namespace Apiary.Fingerprint.Tests;

/// <summary>p0f's matching rules on a small database: exact before fuzzy, specific before generic, tolerances.</summary>
public sealed class TcpMatcherTests
{
    private static readonly P0fDatabase Db = P0fDatabaseLoader.Parse("""
        classes = win,unix,other
        [tcp:request]
        label = g:unix:Generic:any mss
        sig   = *:64:0:*:8192,0:mss:df,id+:0
        label = s:unix:Specific:1460
        sig   = *:64:0:1460:8192,0:mss:df,id+:0
        label = s:win:Windows:modulo
        sig   = *:128:0:*:%8192,2:mss,nop,ws:df,id+:0
        label = s:!:Scanner:random ttl
        sys   = @unix
        sig   = *:64-:0:1460:1024,0:mss::0
        label = s:unix:Multiple:mss
        sig   = *:64:0:*:mss*4,0:mss,sok,nop,nop::0
        label = s:unix:Multiple:mtu
        sig   = *:64:0:*:mtu*4,0:mss,sok,nop,nop::0
        [tcp:response]
        label = s:unix:Server:x
        sig   = *:64:0:*:mss*10,0:mss:df:0
        """, "test.fp");

    private static TcpMatch Syn(PacketBuilder b) => TcpMatcher.Match(Db, true, b.Parse(), 0);

    [Fact]
    public void SpecificBeatsAnEarlierGeneric()
    {
        var m = Syn(new PacketBuilder { Window = 8192 });
        Assert.Equal("Specific", m.Label!.Name);
        Assert.False(m.Fuzzy);
        Assert.Equal(0, m.Distance);
        // Another MSS: only the generic wildcard matches.
        var g = Syn(new PacketBuilder { Window = 8192, Options = [2, 4, 0x05, 0x78] });
        Assert.Equal("Generic", g.Label!.Name);
        Assert.True(g.Generic);
        Assert.Equal("generic", RawSignature.Params(g, 0));
    }

    [Fact]
    public void DfMayDisappearAndTtlMayBeOutOfRangeButOnlyFuzzily()
    {
        var noDf = Syn(new PacketBuilder { Window = 8192, Df = false, IpId = 5 });
        Assert.Equal("Generic", noDf.Label!.Name); // first fuzzy candidate in file order
        Assert.True(noDf.Fuzzy);
        Assert.Equal("generic fuzzy", RawSignature.Params(noDf, 0));
        // TTL 20 hops above the signature's initial TTL: fuzzy, distance guessed from the TTL (128 - 100).
        var far = Syn(new PacketBuilder { Window = 8192, Ttl = 100 });
        Assert.True(far.Fuzzy);
        Assert.Equal(28, far.Distance);
        // A quirk that may not appear (urgf+) rules every candidate out.
        var urg = Syn(new PacketBuilder { Window = 8192, Flags = 0x22 });
        Assert.Null(urg.Signature);
        Assert.Equal(0, urg.Distance);
    }

    [Fact]
    public void ApplicationSignaturesNeverMatchFuzzily()
    {
        var scan = Syn(new PacketBuilder { Window = 1024, Df = false, IpId = 77, Ttl = 50 });
        Assert.Equal("Scanner", scan.Label!.Name);
        Assert.True(scan.Signature!.RandomTtl);
        Assert.Equal(14, scan.Distance);
        // id- appearing would make a fuzzy match, but application signatures are never fuzzy-matched:
        // p0f says unknown and leaves the distance at 0.
        var zeroId = Syn(new PacketBuilder { Window = 1024, Df = false, IpId = 0, Ttl = 50 });
        Assert.Null(zeroId.Signature);
        Assert.Equal(0, zeroId.Distance);
        // With DF (a quirk that may not appear) nothing matches at all and the distance is guessed.
        var withDf = Syn(new PacketBuilder { Window = 1024, Df = true, IpId = 0, Ttl = 50 });
        Assert.Null(withDf.Signature);
        Assert.Equal(14, withDf.Distance);
        // Random TTL: above the maximum is no match at all.
        Assert.Null(Syn(new PacketBuilder { Window = 1024, Df = false, IpId = 77, Ttl = 70 }).Signature);
    }

    [Fact]
    public void WindowForms()
    {
        Assert.Equal("Windows", Syn(new PacketBuilder { Ttl = 120, Window = 16384, Options = [2, 4, 5, 0xb4, 1, 3, 3, 2] }).Label!.Name);
        Assert.Null(Syn(new PacketBuilder { Ttl = 120, Window = 16000, Options = [2, 4, 5, 0xb4, 1, 3, 3, 2] }).Signature);
        var sok = new byte[] { 2, 4, 5, 0xb4, 4, 2, 1, 1 };
        Assert.Equal("mss", Syn(new PacketBuilder { Df = false, IpId = 3, Window = 1460 * 4, Options = sok }).Label!.Flavor);
        // MSS 1400: 1440 * 4 = (MSS + 40) * 4, an MTU multiple.
        Assert.Equal("mtu", Syn(new PacketBuilder { Df = false, IpId = 3, Window = 1440 * 4, Options = [2, 4, 0x05, 0x78, 4, 2, 1, 1] }).Label!.Flavor);
    }

    [Fact]
    public void SynAckUsesThePeersMss()
    {
        var synAck = new PacketBuilder { Flags = 0x12, Ack = 9, Df = true, IpId = 0, Window = 5360, Options = [2, 4, 0x05, 0xb4] }.Parse();
        Assert.Null(TcpMatcher.Match(Db, false, synAck, 0).Signature);
        Assert.Equal("Server", TcpMatcher.Match(Db, false, synAck, 536).Label!.Name);
        // SYN signatures never match SYN+ACKs and the other way round.
        Assert.Null(TcpMatcher.Match(Db, true, synAck, 536).Signature);
    }
}
