using Apiary.Fingerprint;
using Xunit;

namespace Apiary.Fingerprint.Tests;

/// <summary>Raw signature fields and quirks of hand-built packets, checked against p0f 3.09b's rules.</summary>
public sealed class TcpSignatureTests
{
    // MSS 1460, SACK permitted, timestamps (TSval 12345, TSecr 0), NOP, window scale 7: a Linux SYN.
    private static readonly byte[] LinuxOptions = [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x30, 0x39, 0, 0, 0, 0, 1, 3, 3, 7];

    private static string Raw(PacketBuilder b, int synMss = 0) => RawSignature.Format(b.Parse(), synMss);

    [Fact]
    public void LinuxSynIsWrittenAsP0fWritesIt()
    {
        Assert.Equal("4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0", Raw(new PacketBuilder { Options = LinuxOptions, Window = 64240 }));
        Assert.Equal("4:57+7:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0", Raw(new PacketBuilder { Options = LinuxOptions, Window = 64240, Ttl = 57 }));
        // Beyond 35 hops p0f gives up guessing the distance.
        Assert.Equal("4:200+?:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0", Raw(new PacketBuilder { Options = LinuxOptions, Window = 64240, Ttl = 200 }));
    }

    [Fact]
    public void WindowMultiplesFollowP0fsOrderOfCandidates()
    {
        // 1460 * 4: MSS multiple.
        Assert.Contains(":mss*4,", Raw(new PacketBuilder { Window = 5840 }), StringComparison.Ordinal);
        // 1500 * 2 with MSS 1400: not an MSS multiple but a multiple of 1500 (MTU).
        Assert.Contains(":mtu*2,", Raw(new PacketBuilder { Window = 3000, Options = [2, 4, 0x05, 0x78] }), StringComparison.Ordinal);
        // 8192 is no multiple of anything: written as is.
        Assert.Contains(":8192,", Raw(new PacketBuilder { Window = 8192 }), StringComparison.Ordinal);
        // No MSS (below 100): never a multiple.
        Assert.Equal("4:64+0:0:0:2920,0::df,id+:0", Raw(new PacketBuilder { Window = 2920, Options = [] }));
        // SYN+ACK: a multiple of the SYN's MSS (536) counts only when the SYN's MSS is known.
        var synAck = new PacketBuilder { Flags = 0x12, Ack = 1, Window = 5360, Options = [2, 4, 0x05, 0xb4] };
        Assert.Contains(":mss*10,", Raw(synAck, synMss: 536), StringComparison.Ordinal);
        Assert.Contains(":5360,", Raw(synAck, synMss: 0), StringComparison.Ordinal);
    }

    [Fact]
    public void AckPlusFollowsP0fsBitwiseTestOfTheFirstAckByte()
    {
        // p0f 3.09b: "RD32(tcp->ack) & !(flags & RST)" only sees bit 0 of the first ACK byte on the wire.
        Assert.True(new PacketBuilder { Ack = 0x01000000 }.Parse().Quirks.HasFlag(P0fQuirks.NonZeroAck));
        Assert.True(new PacketBuilder { Ack = 0x03ABCDEF }.Parse().Quirks.HasFlag(P0fQuirks.NonZeroAck));
        Assert.False(new PacketBuilder { Ack = 0x00000001 }.Parse().Quirks.HasFlag(P0fQuirks.NonZeroAck));
        Assert.False(new PacketBuilder { Ack = 0x02000000 }.Parse().Quirks.HasFlag(P0fQuirks.NonZeroAck));
        Assert.False(new PacketBuilder { Ack = 0 }.Parse().Quirks.HasFlag(P0fQuirks.NonZeroAck));
    }

    [Fact]
    public void DataAfterEolIsCountedAndFlaggedLikeP0f()
    {
        // mss, eol, then 3 bytes: 0, 5, 0 -> opt+ and eol+3.
        var a = new PacketBuilder { Options = [2, 4, 0x05, 0xb4, 0, 0, 5, 0] }.Parse();
        Assert.Equal(3, a.EolPadding);
        Assert.True(a.Quirks.HasFlag(P0fQuirks.TrailingOptionData));
        Assert.EndsWith(":mss,eol+3:df,id+,opt+:0", RawSignature.Format(a, 0), StringComparison.Ordinal);
        // A non-zero LAST byte escapes p0f's test (the loop consumes it and ends exactly at the end).
        var b = new PacketBuilder { Options = [2, 4, 0x05, 0xb4, 0, 0, 0, 7] }.Parse();
        Assert.False(b.Quirks.HasFlag(P0fQuirks.TrailingOptionData));
        var c = new PacketBuilder { Options = [2, 4, 0x05, 0xb4, 0, 0, 0, 0] }.Parse();
        Assert.Equal(P0fQuirks.Df | P0fQuirks.NonZeroId, c.Quirks);
    }

    [Fact]
    public void MalformedOptionsAreBad()
    {
        // MSS option with length 3.
        Assert.True(new PacketBuilder { Options = [2, 3, 0x05, 0xb4] }.Parse().Quirks.HasFlag(P0fQuirks.BadOptions));
        // Timestamp cut short by the header end.
        var ts = new PacketBuilder { Options = [1, 1, 8, 10, 0, 0, 0, 1] }.Parse();
        Assert.True(ts.Quirks.HasFlag(P0fQuirks.BadOptions));
        Assert.Equal("nop,nop,ts", string.Join(',', ts.Layout.ToArray().Select(k => k switch { 1 => "nop", 8 => "ts", _ => "?" })));
        // Unknown option with an impossible length.
        Assert.True(new PacketBuilder { Options = [30, 1, 0, 0] }.Parse().Quirks.HasFlag(P0fQuirks.BadOptions));
        // Unknown option with a sane length is just "?30".
        var u = new PacketBuilder { Options = [30, 4, 0, 0] }.Parse();
        Assert.False(u.Quirks.HasFlag(P0fQuirks.BadOptions));
        Assert.Contains(":?30:", RawSignature.Format(u, 0), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryQuirkIsDetected()
    {
        static P0fQuirks Q(PacketBuilder b) => b.Parse().Quirks;
        Assert.True(Q(new() { Options = [3, 3, 15, 0] }).HasFlag(P0fQuirks.ExcessiveWindowScale));
        Assert.True(Q(new() { Options = [8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1] }).HasFlag(P0fQuirks.ZeroTimestamp1));
        Assert.True(Q(new() { Options = [8, 10, 0, 0, 0, 1, 0, 0, 0, 9, 1, 1] }).HasFlag(P0fQuirks.NonZeroTimestamp2));
        Assert.False(Q(new() { Flags = 0x12, Ack = 5, Options = [8, 10, 0, 0, 0, 1, 0, 0, 0, 9, 1, 1] }).HasFlag(P0fQuirks.NonZeroTimestamp2));
        Assert.True(Q(new() { Flags = 0x02 | 0x40 | 0x80 }).HasFlag(P0fQuirks.Ecn));
        Assert.True(Q(new() { NsBit = true }).HasFlag(P0fQuirks.Ecn));
        Assert.True(Q(new() { Tos = 0x02 }).HasFlag(P0fQuirks.Ecn));
        Assert.True(Q(new() { Df = false, IpId = 0 }).HasFlag(P0fQuirks.ZeroId));
        Assert.Equal(P0fQuirks.None, Q(new() { Df = false, IpId = 7 }) & (P0fQuirks.ZeroId | P0fQuirks.NonZeroId | P0fQuirks.Df));
        Assert.True(Q(new() { Mbz = true }).HasFlag(P0fQuirks.NonZeroMbz));
        Assert.True(Q(new() { Seq = 0 }).HasFlag(P0fQuirks.ZeroSeq));
        Assert.True(Q(new() { Flags = 0x12, Ack = 0 }).HasFlag(P0fQuirks.ZeroAck));
        Assert.True(Q(new() { Urgent = 5 }).HasFlag(P0fQuirks.NonZeroUrgentPointer));
        Assert.True(Q(new() { Flags = 0x22, Urgent = 5 }).HasFlag(P0fQuirks.Urgent));
        Assert.False(Q(new() { Flags = 0x22, Urgent = 5 }).HasFlag(P0fQuirks.NonZeroUrgentPointer));
        Assert.True(Q(new() { Flags = 0x0A }).HasFlag(P0fQuirks.Push));
        var v6 = new PacketBuilder { Version = 6, FlowLabel = 0x12345, Options = LinuxOptions, Window = 64800 }.Parse();
        Assert.Equal(P0fQuirks.Flow, v6.Quirks);
        Assert.Equal("6:64+0:0:1460:mss*45,7:mss,sok,ts,nop,ws:flow:0", RawSignature.Format(v6, 0));
        Assert.Equal(":+", RawSignature.Format(new PacketBuilder { Payload = 10 }.Parse(), 0)[^2..]);
    }

    [Fact]
    public void PacketsP0fSkipsAreRejected()
    {
        var ok = new PacketBuilder().Build();
        Assert.True(TcpPacketParser.TryParse(ok, 0, ok.Length, out _));
        // Snapped: the wire length says there was more than was captured.
        Assert.False(TcpPacketParser.TryParse(ok.AsSpan(0, ok.Length - 1), 0, ok.Length, out _));
        // SYN+FIN and no flags at all.
        var synFin = new PacketBuilder { Flags = 0x03 }.Build();
        Assert.False(TcpPacketParser.TryParse(synFin, 0, synFin.Length, out _));
        var none = new PacketBuilder { Flags = 0 }.Build();
        Assert.False(TcpPacketParser.TryParse(none, 0, none.Length, out _));
        // A fragment.
        var frag = new PacketBuilder().Build();
        frag[6] |= 0x20;
        Assert.False(TcpPacketParser.TryParse(frag, 0, frag.Length, out _));
        // UDP.
        var udp = new PacketBuilder().Build();
        udp[9] = 17;
        Assert.False(TcpPacketParser.TryParse(udp, 0, udp.Length, out _));
        // Hostile lengths never throw.
        for (var cut = 0; cut < ok.Length; cut++)
            TcpPacketParser.TryParse(ok.AsSpan(0, cut), 0, cut, out _);
        var bad = (byte[])ok.Clone();
        bad[0] = 0x4F;
        Assert.False(TcpPacketParser.TryParse(bad, 0, bad.Length, out _));
    }

    [Fact]
    public void TosIsReportedInParams()
    {
        var p = new PacketBuilder { Tos = 0x10 << 2 }.Parse();
        Assert.Equal("tos:0x10", RawSignature.Params(new TcpMatch(null, false, 0), p.Tos));
        Assert.Equal("none", RawSignature.Params(new TcpMatch(null, false, 0), 0));
        Assert.Equal("excess_dist", RawSignature.Params(new TcpMatch(null, false, 40), 0));
    }
}
