using Xunit;

namespace Apiary.Fingerprint.Tests;

/// <summary>
/// The flow tracker's p0f bookkeeping on hand-built packets: which SYN+ACKs are fingerprinted after which SYNs,
/// in both directions, under flow-table pressure and with the stray-mode SYN memory (its age and size bounds).
/// </summary>
public sealed class P0fFlowTrackerTests
{
    private static readonly P0fDatabase Db = P0fDatabaseLoader.Parse("""
        classes = win,unix,other
        [tcp:request]
        label = s:unix:Linux:any
        sig   = *:64:0:*:*,0:mss::0
        [tcp:response]
        label = s:unix:Linux:any
        sig   = *:64:0:*:*,0:mss::0
        """, "test.fp");

    private const byte Syn = 0x02, SynAck = 0x12, Rst = 0x04;
    private static readonly byte[] Client = [192, 0, 2, 1], Server = [198, 51, 100, 7];

    private long _frame;

    private FingerprintObservation? Send(P0fFlowTracker t, byte[] from, ushort fromPort, byte[] to, ushort toPort, byte flags, long second, uint seq = 1000)
    {
        var bytes = new PacketBuilder { Source = from, SourcePort = fromPort, Destination = to, DestinationPort = toPort, Flags = flags, Seq = seq }.Build();
        return t.Process(bytes, 0, bytes.Length, second * 1_000_000_000, ++_frame);
    }

    [Fact]
    public void AHandshakeIsFingerprintedOnceEachWayAndRetransmissionsAreNot()
    {
        var t = new P0fFlowTracker(Db);
        Assert.True(Send(t, Client, 40000, Server, 80, Syn, 10)!.IsSyn);
        Assert.Null(Send(t, Client, 40000, Server, 80, Syn, 11));          // same seq: retransmission
        var answer = Send(t, Server, 80, Client, 40000, SynAck, 11);
        Assert.False(answer!.IsSyn);
        Assert.False(answer.Stray);
        Assert.Null(Send(t, Server, 80, Client, 40000, SynAck, 12));       // repeated answer
        Assert.Equal(1, t.FlowCount);
        Assert.Null(Send(t, Client, 40000, Server, 80, Rst, 12));
        Assert.Equal(0, t.FlowCount);
        Assert.Null(Send(t, Server, 80, Client, 40000, SynAck, 13));       // flow gone: p0f ignores it
    }

    [Fact]
    public void ASynTheOtherWayReplacesTheFlowAndMakesItsSenderTheClient()
    {
        var t = new P0fFlowTracker(Db);
        Send(t, Client, 40000, Server, 80, Syn, 10);
        Assert.True(Send(t, Server, 80, Client, 40000, Syn, 10, seq: 5)!.IsSyn);
        Assert.Equal(1, t.FlowCount);
        Assert.Null(Send(t, Server, 80, Client, 40000, SynAck, 11));       // from the new client: not an answer
        var answer = Send(t, Client, 40000, Server, 80, SynAck, 11);
        Assert.NotNull(answer);
        Assert.Equal(80, answer!.ClientPort);
    }

    [Fact]
    public void AFullFlowTableDropsItsOldestTenthLikeP0f()
    {
        var t = new P0fFlowTracker(Db);
        for (var i = 0; i <= P0fFlowTracker.MaxFlows; i++) Send(t, Client, (ushort)(10000 + i), Server, 80, Syn, 10);
        Assert.Equal(P0fFlowTracker.MaxFlows + 1, t.FlowCount);
        Send(t, Client, 20000, Server, 80, Syn, 10);                        // over the limit: 1 + 10 % go, oldest first
        Assert.Equal(P0fFlowTracker.MaxFlows + 2 - (1 + (P0fFlowTracker.MaxFlows + 1) / 10), t.FlowCount);
        Assert.Null(Send(t, Server, 80, Client, 10000, SynAck, 11));
        Assert.Null(Send(t, Server, 80, Client, 10100, SynAck, 11));
        Assert.NotNull(Send(t, Server, 80, Client, 10101, SynAck, 11));
        Assert.NotNull(Send(t, Server, 80, Client, 20000, SynAck, 11));
    }

    [Fact]
    public void FlowsExpireAfterThirtySecondsOfPacketTime()
    {
        var t = new P0fFlowTracker(Db);
        Send(t, Client, 40000, Server, 80, Syn, 10);
        // p0f expires every 50th packet, at most once per second.
        for (var i = 0; i < P0fFlowTracker.ExpireInterval; i++) Send(t, Client, 1, Server, 81, Rst, 10 + P0fFlowTracker.FlowMaxAgeSeconds + 1);
        Assert.Equal(0, t.FlowCount);
    }

    [Fact]
    public void StrayModeRemembersSynsForAWhileAndBoundsTheMemory()
    {
        var t = new P0fFlowTracker(Db, FingerprintMode.IncludeStraySynAcks);
        Send(t, Client, 40000, Server, 80, Syn, 10);
        Send(t, Client, 40000, Server, 80, Rst, 10);
        Assert.Null(Send(t, Server, 80, Client, 40000, SynAck, 20));       // answers a SYN we saw: not backscatter
        Assert.True(Send(t, Server, 80, Client, 40001, SynAck, 20)!.Stray);

        // Remembering again makes it the newest; after SynMemorySeconds without it, the answer is stray.
        Send(t, Client, 40000, Server, 80, Syn, 100);
        Send(t, Client, 40000, Server, 80, Rst, 100);
        for (var i = 0; i < P0fFlowTracker.ExpireInterval; i++) Send(t, Client, 1, Server, 81, Rst, 100 + P0fFlowTracker.SynMemorySeconds);
        Assert.Null(Send(t, Server, 80, Client, 40000, SynAck, 100 + P0fFlowTracker.SynMemorySeconds));
        for (var i = 0; i < P0fFlowTracker.ExpireInterval; i++) Send(t, Client, 1, Server, 81, Rst, 101 + P0fFlowTracker.SynMemorySeconds);
        Assert.True(Send(t, Server, 80, Client, 40000, SynAck, 101 + P0fFlowTracker.SynMemorySeconds)!.Stray);

        // Size bound: the oldest SYN is forgotten first.
        var u = new P0fFlowTracker(Db, FingerprintMode.IncludeStraySynAcks);
        byte[] Address(int i) => [10, (byte)(i >> 16), (byte)(i >> 8), (byte)i];
        for (var i = 0; i <= P0fFlowTracker.MaxRememberedSyns; i++)
        {
            Send(u, Address(i), 40000, Server, 80, Syn, 10);
            Send(u, Address(i), 40000, Server, 80, Rst, 10);
        }
        Assert.True(Send(u, Server, 80, Address(0), 40000, SynAck, 10)!.Stray);
        Assert.Null(Send(u, Server, 80, Address(1), 40000, SynAck, 10));
        Assert.Null(Send(u, Server, 80, Address(P0fFlowTracker.MaxRememberedSyns), 40000, SynAck, 10));
    }
}
