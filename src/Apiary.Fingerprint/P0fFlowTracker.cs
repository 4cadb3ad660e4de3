using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>
/// Feeds packets through p0f 3.09b's connection bookkeeping (process.c flow_dispatch) and fingerprints the
/// SYNs and SYN+ACKs p0f would: a SYN opens a flow (a duplicate SYN is ignored); a SYN+ACK is fingerprinted
/// only as the first answer inside a flow whose SYN was seen; a SYN matched by an application signature
/// (NMap) closes its flow, so the answer to it is not fingerprinted; RST and FIN close flows; flows expire
/// after 30 s and the tables are pruned like p0f's (oldest 10 % when full). Reproducing this state is what
/// lets Apiary report exactly the packets p0f reports, in the same order.
/// One instance per capture file; not thread-safe.
/// </summary>
public sealed class P0fFlowTracker
{
    /// <summary>Live flows p0f keeps by default (p0f -m c default 1,000): beyond it the oldest 10 % are dropped.</summary>
    public const int MaxFlows = 1000;

    /// <summary>Hosts p0f keeps by default (p0f -m h default 10,000); pruning hosts also prunes flows.</summary>
    public const int MaxHosts = 10000;

    /// <summary>Seconds a flow may wait for its handshake (p0f -t c default 30 s).</summary>
    public const uint FlowMaxAgeSeconds = 30;

    /// <summary>Minutes an idle host is kept (p0f -t h default 120 min).</summary>
    public const uint HostIdleMinutes = 120;

    /// <summary>p0f expires its caches every this many packets (p0f config.h EXPIRE_INTERVAL).</summary>
    public const int ExpireInterval = 50;

    /// <summary>
    /// Stray mode only: SYN 4-tuples remembered so that a SYN+ACK answering a SYN we saw (after p0f closed or
    /// expired its flow, e.g. the answer to an NMap probe or a late retransmission) is not taken for backscatter.
    /// 65,536 entries (a few MB) cover a flood of several hundred SYNs/s for the whole memory window.
    /// </summary>
    public const int MaxRememberedSyns = 65536;

    /// <summary>How long a SYN is remembered in stray mode: longer than SYN+ACK retransmissions go on (about 63 s on Linux).</summary>
    public const uint SynMemorySeconds = 180;

    private const int KillPercent = 10;
    private const int SendSynWindow = 1337;

    private readonly P0fDatabase _db;
    private readonly FingerprintMode _mode;
    private readonly SignatureOutcomeCache _outcomes;
    // Flows are keyed by their two ends in a canonical order: p0f looks a packet's flow up in both directions and
    // never holds two flows for the same pair of ends (a SYN the other way destroys the old one first), so one
    // direction-free key finds the flow with a single lookup. Both tables hold structs linked by index: a SYN
    // costs no allocation and stores no object reference.
    private readonly AgeOrderedTable<FlowKey, Flow> _flows = new();
    /// <summary>Least recently seen first.</summary>
    private readonly AgeOrderedTable<HostKey, Host> _hosts = new();
    private readonly SynMemory _seenSyns = new(MaxRememberedSyns);
    private long _packetCount;
    private uint _lastExpire;

    public P0fFlowTracker(P0fDatabase db, FingerprintMode mode = FingerprintMode.P0fCompatible)
    {
        _db = db;
        _mode = mode;
        _outcomes = new SignatureOutcomeCache(db);
    }

    public P0fDatabase Database => _db;

    /// <summary>Live flows (for tests and diagnostics).</summary>
    public int FlowCount => _flows.Count;

    /// <summary>
    /// Processes one captured frame whose IP header starts at <paramref name="networkOffset"/>. Returns the
    /// fingerprint of a SYN or SYN+ACK, or null (not TCP, not fingerprinted, or a packet that only updates state).
    /// </summary>
    public FingerprintObservation? Process(ReadOnlySpan<byte> frame, int networkOffset, int wireLength, long timestampNs, long frameNumber) =>
        TryProcess(frame, networkOffset, wireLength, timestampNs, out var f) ? FingerprintObservation.Of(f, timestampNs, frameNumber) : null;

    /// <summary>
    /// <see cref="Process"/> without allocating: true, with <paramref name="fingerprint"/>, for a fingerprinted SYN or
    /// SYN+ACK (ingest fingerprints millions of SYNs; an object per SYN kept the garbage collector busy). On false,
    /// <paramref name="fingerprint"/> is unspecified.
    /// </summary>
    [SkipLocalsInit]
    public bool TryProcess(ReadOnlySpan<byte> frame, int networkOffset, int wireLength, long timestampNs, out TrackedFingerprint fingerprint)
    {
        // Every TCP packet comes through here and most (a trace's ACKs and data) leave at the flow filter: this path
        // keeps a small stack frame that is not zeroed (no locals init; fingerprint left unset on false), and the parse
        // with its large struct is in ParseAndDispatch (zeroing both for every packet was about a fifth of this path's
        // samples in FingerprintBenchmarks' loop).
        Unsafe.SkipInit(out fingerprint);
        if (!IsTcp(frame, networkOffset)) return false;
        // p0f counts every packet its "tcp" filter passes and expires caches every 50th, before parsing it.
        _packetCount++;
        var now = (uint)(timestampNs / 1_000_000_000);
        if (_packetCount % ExpireInterval == 0) ExpireCaches(now);
        // Most packets of a trace are neither a SYN nor part of a tracked flow: for those p0f changes no state and
        // reports nothing, so the full parse is skipped (it was most of the fingerprinting cost of an ingest).
        if (!TryReadEnds(frame, networkOffset, out var version, out var src, out var sport, out var dst, out var dport, out var syn))
            return ParseAndDispatch(frame, networkOffset, wireLength, false, default, false, -1, now, out fingerprint);
        // The flow filter first, from the hash alone: the key is only built for a SYN or a possible flow.
        var hash = FlowKey.HashOf(version, src, sport, dst, dport);
        if (!syn && !_flows.MayHold(FlowKey.HashCodeOf(hash))) return false;
        var key = FlowKey.Of(version, src, sport, dst, dport, hash, out var sourceIsA);
        var flow = _flows.Find(key);
        if (!syn && flow < 0) return false;
        return ParseAndDispatch(frame, networkOffset, wireLength, true, key, sourceIsA, flow, now, out fingerprint);
    }

    /// <summary>The full parse and p0f's dispatch, for the packets that need them (SYNs and packets of live flows).</summary>
    /// <param name="haveKey">True when <see cref="TryProcess"/> read the packet's flow <paramref name="key"/>, sender end
    /// (<paramref name="sourceIsA"/>) and live <paramref name="flow"/> (-1 for none); false when the cheap read could not take it.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ParseAndDispatch(ReadOnlySpan<byte> frame, int networkOffset, int wireLength, bool haveKey, in FlowKey key, bool sourceIsA, int flow,
        uint now, out TrackedFingerprint fingerprint)
    {
        fingerprint = default;
        if (!TcpPacketParser.TryParse(frame, networkOffset, wireLength, out var p)) return false;
        if (haveKey) return Dispatch(ref p, key, sourceIsA, flow, now, out fingerprint);
        // The parser accepted what the cheap read could not take (it reads the same bytes otherwise).
        var parsedKey = FlowKey.Of(p.IpVersion, p.Source, p.SourcePort, p.Destination, p.DestinationPort, out var parsedSourceIsA);
        return Dispatch(ref p, parsedKey, parsedSourceIsA, _flows.Find(parsedKey), now, out fingerprint);
    }

    /// <summary>
    /// The ends and SYN flag of a TCP packet, read from the same bytes <see cref="TcpPacketParser"/> reads.
    /// False for anything that cannot be read cheaply (short packet): the full parse decides then.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadEnds(ReadOnlySpan<byte> frame, int off, out int version, out IpAddress128 src, out ushort sport,
        out IpAddress128 dst, out ushort dport, out bool syn)
    {
        int tcp;
        if (frame[off] >> 4 == 4)
        {
            tcp = off + (frame[off] & 0x0F) * 4;
            version = 4;
            if (tcp + 14 > frame.Length || tcp < off + 20) { src = dst = default; sport = dport = 0; syn = false; return false; }
            src = IpAddress128.FromV4Bytes(frame[(off + 12)..]);
            dst = IpAddress128.FromV4Bytes(frame[(off + 16)..]);
        }
        else
        {
            tcp = off + 40;
            version = 6;
            if (tcp + 14 > frame.Length) { src = dst = default; sport = dport = 0; syn = false; return false; }
            src = IpAddress128.FromV6Bytes(frame[(off + 8)..]);
            dst = IpAddress128.FromV6Bytes(frame[(off + 24)..]);
        }
        syn = (frame[tcp + 13] & TcpFlagBits.Syn) != 0;
        sport = BinaryPrimitives.ReadUInt16BigEndian(frame[tcp..]);
        dport = BinaryPrimitives.ReadUInt16BigEndian(frame[(tcp + 2)..]);
        return true;
    }

    /// <summary>What p0f's default BPF filter ("tcp", also behind VLAN tags) passes: IPv4/IPv6 with protocol TCP.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsTcp(ReadOnlySpan<byte> frame, int off)
    {
        if (off < 0 || off >= frame.Length) return false;
        var v = frame[off] >> 4;
        if (v == 4) return frame.Length > off + 9 && frame[off + 9] == IpProtocols.Tcp;
        if (v == 6) return frame.Length > off + 6 && frame[off + 6] == IpProtocols.Tcp;
        return false;
    }

    /// <param name="key">The packet's flow key; <paramref name="sourceIsA"/>: its sender is the key's first end.</param>
    /// <param name="flow">The live flow of <paramref name="key"/>, -1 when there is none.</param>
    private bool Dispatch(ref TcpPacketSignature p, in FlowKey key, bool sourceIsA, int flow, uint now, out TrackedFingerprint result)
    {
        result = default;
        const byte syn = TcpFlagBits.Syn, ack = TcpFlagBits.Ack;
        if (p.TcpType == syn)
        {
            if (flow >= 0)
            {
                // A retransmission of the SYN that opened the flow is not fingerprinted again
                // (p0f's to_srv: the packet goes from the flow's client, the SYN's sender, to its server).
                ref var old = ref _flows[flow];
                if (old.ClientIsA == sourceIsA && old.NextClientSeq - 1 == p.Seq) return false;
                DestroyFlow(flow);
            }
            flow = CreateFlow(key, sourceIsA, p.Seq, now);
            ref var f = ref _flows[flow];
            if (p.Window == SendSynWindow && p.Mss == RawSignature.SendSynMss) f.SendSyn = true;
            var m = _outcomes.Evaluate(p, true, 0);
            var isApp = m.Match.Signature?.Label.IsApplication == true;
            result = Observe(p, m, true, f.SendSyn, stray: false, mtuReported: !isApp && !f.SendSyn);
            f.SynMss = p.Mss;
            if (isApp && !f.SendSyn) DestroyFlow(flow);
            if (_mode == FingerprintMode.IncludeStraySynAcks) _seenSyns.Remember(new SynMemory.Tuple(p.Source, p.SourcePort, p.Destination, p.DestinationPort), now);
            return true;
        }
        if (flow < 0)
        {
            // Only a SYN+ACK without a flow is of interest: in stray mode, the answer to a SYN we never saw.
            if (p.TcpType != (syn | ack) || _mode != FingerprintMode.IncludeStraySynAcks
                || _seenSyns.Contains(new SynMemory.Tuple(p.Destination, p.DestinationPort, p.Source, p.SourcePort))) return false;
            var ms = _outcomes.Evaluate(p, false, 0);
            result = Observe(p, ms, false, false, stray: true, mtuReported: true);
            return true;
        }
        ref var e = ref _flows[flow];
        var toServer = e.ClientIsA == sourceIsA;
        switch (p.TcpType)
        {
            case syn | ack:
            {
                if (e.SendSyn)
                {
                    var mss = _outcomes.Evaluate(p, false, e.SynMss);
                    result = Observe(p, mss, false, true, stray: false, mtuReported: false);
                    DestroyFlow(flow);
                    return true;
                }
                if (toServer || e.Acked) return false;
                e.Acked = true;
                var m = _outcomes.Evaluate(p, false, e.SynMss);
                var isApp = m.Match.Signature?.Label.IsApplication == true;
                result = Observe(p, m, false, false, stray: false, mtuReported: !isApp);
                if (isApp) DestroyFlow(flow);
                else e.NextServerSeq = p.Seq + 1;
                return true;
            }
            case ack:
            {
                if (e.SendSyn || !e.Acked)
                {
                    DestroyFlow(flow);
                    return false;
                }
                if (toServer)
                {
                    if (e.NextClientSeq != p.Seq) return false;
                    e.NextClientSeq += (uint)p.PayloadLength;
                }
                else
                {
                    if (e.NextServerSeq != p.Seq) return false;
                    e.NextServerSeq += (uint)p.PayloadLength;
                }
                // p0f keeps a flow with data only while its HTTP module wants more; Apiary does not parse HTTP
                // and closes the flow at the first data (documented difference, affects only flow-table state).
                if (p.PayloadLength > 0) DestroyFlow(flow);
                return false;
            }
            default:
                // RST, RST+ACK, FIN, FIN+ACK end the flow.
                DestroyFlow(flow);
                return false;
        }
    }

    private static TrackedFingerprint Observe(in TcpPacketSignature p, SignatureOutcome outcome, bool isSyn, bool sendSyn, bool stray, bool mtuReported) =>
        new(isSyn, isSyn ? p.Source : p.Destination, isSyn ? p.SourcePort : p.DestinationPort, isSyn ? p.Destination : p.Source,
            isSyn ? p.DestinationPort : p.SourcePort, p.IpVersion, outcome, mtuReported && outcome.Mtu is not null, stray, sendSyn);

    // ---- p0f's flow and host tables ----

    private int CreateFlow(in FlowKey key, bool clientIsA, uint seq, uint now)
    {
        if (_flows.Count > MaxFlows) NukeFlows();
        var client = TouchOrCreateHost(new HostKey(key.Version, clientIsA ? key.A : key.B), now);
        var server = TouchOrCreateHost(new HostKey(key.Version, clientIsA ? key.B : key.A), now);
        _hosts[client].UseCount++;
        _hosts[server].UseCount++;
        var flow = _flows.Add(key);
        ref var f = ref _flows[flow];
        f.ClientIsA = clientIsA;
        f.Client = client;
        f.Server = server;
        f.Created = now;
        f.NextClientSeq = seq + 1;
        return flow;
    }

    private void DestroyFlow(int flow)
    {
        ref var f = ref _flows[flow];
        _hosts[f.Client].UseCount--;
        _hosts[f.Server].UseCount--;
        _flows.Remove(flow);
    }

    private void NukeFlows()
    {
        var kill = 1 + _flows.Count * KillPercent / 100;
        while (kill-- > 0 && _flows.Oldest >= 0) DestroyFlow(_flows.Oldest);
    }

    private int TouchOrCreateHost(in HostKey key, uint now)
    {
        var host = _hosts.Find(key);
        if (host >= 0)
        {
            _hosts.MoveToNewest(host);
        }
        else
        {
            if (_hosts.Count > MaxHosts) NukeHosts();
            host = _hosts.Add(key);
        }
        _hosts[host].LastSeen = now;
        return host;
    }

    private void NukeHosts()
    {
        // p0f computes a kill count of 1 + 10 % but walks from the oldest host towards "older" ones, of which there
        // are none: it removes at most the oldest host (if unused), after pruning 10 % of the flows. Reproduced.
        NukeFlows();
        var oldest = _hosts.Oldest;
        if (oldest >= 0 && _hosts[oldest].UseCount == 0) _hosts.Remove(oldest);
    }

    private void ExpireCaches(uint now)
    {
        // p0f runs this at most once per second of packet time; its unsigned arithmetic also expires
        // entries stamped "in the future" when capture timestamps go backwards.
        if (now == _lastExpire) return;
        _lastExpire = now;
        while (_flows.Oldest >= 0 && now - _flows[_flows.Oldest].Created > FlowMaxAgeSeconds) DestroyFlow(_flows.Oldest);
        for (var h = _hosts.Oldest; h >= 0 && now - _hosts[h].LastSeen > HostIdleMinutes * 60;)
        {
            var newer = _hosts.NewerThan(h);
            if (_hosts[h].UseCount == 0) _hosts.Remove(h);
            h = newer;
        }
        _seenSyns.Expire(now, SynMemorySeconds);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Mix(IpAddress128 address, ushort port)
    {
        var x = address.Hi * 0x9E3779B97F4A7C15UL ^ address.Lo * 0xC2B2AE3D27D4EB4FUL ^ port * 0x165667B19E3779F9UL;
        x ^= x >> 31;
        return x * 0xBF58476D1CE4E5B9UL;
    }

    /// <summary>A live flow (entry of p0f's flow table, key <see cref="FlowKey"/>).</summary>
    private struct Flow
    {
        /// <summary>The client (the SYN's sender) is the key's first end.</summary>
        public bool ClientIsA;
        /// <summary>Entries of the host table.</summary>
        public int Client, Server;
        public uint Created;
        public uint NextClientSeq, NextServerSeq;
        public bool Acked, SendSyn;
        public int SynMss;
    }

    /// <summary>A host of p0f's host table (key <see cref="HostKey"/>).</summary>
    private struct Host
    {
        public uint LastSeen;
        /// <summary>Live flows whose client or server this host is (a used host is never expired or pruned).</summary>
        public int UseCount;
    }
}
