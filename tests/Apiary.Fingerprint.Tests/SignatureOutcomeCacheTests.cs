using Apiary.Fingerprint;
using Xunit;

namespace Apiary.Fingerprint.Tests;

/// <summary>The per-tracker outcome cache: one object per distinct set of signature fields, equal to the uncached answer.</summary>
public sealed class SignatureOutcomeCacheTests
{
    private static readonly P0fDatabase Db = P0fDatabaseLoader.Parse("""
        classes = win,unix,other
        [tcp:request]
        label = s:unix:Specific:1460
        sig   = *:64:0:1460:8192,0:mss:df,id+:0
        label = s:unix:Multiple:mss
        sig   = *:64:0:*:mss*4,0:mss,sok,nop,nop::0
        [tcp:response]
        label = s:unix:Server:x
        sig   = *:64:0:*:mss*10,0:mss:df:0
        [mtu]
        label = Ethernet or modem
        sig   = 1500
        """, "test.fp");

    private static void AssertSameAsUncached(SignatureOutcome o, TcpPacketSignature p, bool toServer, int synMss)
    {
        var m = TcpMatcher.Match(Db, toServer, p, synMss);
        Assert.Equal(RawSignature.Format(p, synMss), o.RawSignature);
        Assert.Equal(m, o.Match);
        Assert.Equal(RawSignature.Params(m, p.Tos), o.Params);
        Assert.Equal(p.Mss == 0 ? null : p.Mss + 40, o.Mtu);
    }

    [Fact]
    public void EqualFieldsShareOneOutcomeAndEveryFieldCounts()
    {
        var cache = new SignatureOutcomeCache(Db);
        var syn = new PacketBuilder { Window = 8192 }.Parse();
        var first = cache.Evaluate(syn, true, 0);
        Assert.Same(first, cache.Evaluate(new PacketBuilder { Window = 8192, Source = [203, 0, 113, 9], Seq = 77 }.Parse(), true, 0));
        Assert.Equal("Specific", first.Match.Label!.Name);
        Assert.Equal("Ethernet or modem", first.Link);
        AssertSameAsUncached(first, syn, true, 0);

        // Each of these differs from the first packet in one field the match or the raw signature reads.
        var variants = new (PacketBuilder Packet, bool ToServer, int SynMss)[]
        {
            (new PacketBuilder { Window = 8192, Ttl = 60 }, true, 0),
            (new PacketBuilder { Window = 8192, Tos = 0x10 }, true, 0),
            (new PacketBuilder { Window = 8192, Df = false }, true, 0),
            (new PacketBuilder { Window = 8193 }, true, 0),
            (new PacketBuilder { Window = 8192, Options = [2, 4, 0x05, 0x78] }, true, 0),
            (new PacketBuilder { Window = 8192, Options = [2, 4, 0x05, 0xb4, 1, 1, 1, 0] }, true, 0),
            (new PacketBuilder { Window = 8192, Payload = 10 }, true, 0),
            (new PacketBuilder { Window = 8192, IpOptions = [1, 1, 1, 0] }, true, 0),
            (new PacketBuilder { Window = 8192 }, false, 0),
            (new PacketBuilder { Window = 14600, Flags = 0x12 }, false, 1460),
            (new PacketBuilder { Window = 14600, Flags = 0x12 }, false, 1200),
        };
        var seen = new HashSet<SignatureOutcome>(ReferenceEqualityComparer.Instance) { first };
        foreach (var (b, toServer, synMss) in variants)
        {
            var p = b.Parse();
            var o = cache.Evaluate(p, toServer, synMss);
            Assert.True(seen.Add(o), $"an outcome was shared with a packet that differs ({o.RawSignature})");
            AssertSameAsUncached(o, p, toServer, synMss);
            Assert.Same(o, cache.Evaluate(p, toServer, synMss));
        }
    }

    [Fact]
    public void FieldsThatDoNotFitTheKeyAreEvaluatedWithoutTheCache()
    {
        var cache = new SignatureOutcomeCache(Db);
        // Option kind 30 (above 15) cannot be packed: a fresh, correct outcome every time.
        var p = new PacketBuilder { Window = 8192, Options = [2, 4, 0x05, 0xb4, 30, 2, 1, 1] }.Parse();
        var a = cache.Evaluate(p, true, 0);
        Assert.NotSame(a, cache.Evaluate(p, true, 0));
        AssertSameAsUncached(a, p, true, 0);
        Assert.Contains("?30", a.RawSignature, StringComparison.Ordinal);
    }
}
