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
    private readonly Dictionary<FlowKey, Flow> _flows = [];
    private readonly LinkedList<Flow> _flowsByAge = [];
    private readonly Dictionary<HostKey, Host> _hosts = [];
    private readonly LinkedList<Host> _hostsByAge = [];
    private readonly Dictionary<FlowKey, LinkedListNode<(FlowKey Key, uint Seen)>> _seenSyns = [];
    private readonly LinkedList<(FlowKey Key, uint Seen)> _seenSynsByAge = [];
    /// <summary>
    /// Live flows per slot of a direction-independent hash of the addresses and ports: a zero slot means no flow
    /// in either direction, so most packets of untracked connections are turned away with one array read instead
    /// of two dictionary lookups (a non-zero slot is only a maybe: the dictionaries decide).
    /// </summary>
    private readonly int[] _flowSlots = new int[1 << FlowSlotBits];
    private const int FlowSlotBits = 14;
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
    public FingerprintObservation? Process(ReadOnlySpan<byte> frame, int networkOffset, int wireLength, long timestampNs, long frameNumber)
    {
        if (!IsTcp(frame, networkOffset)) return null;
        // p0f counts every packet its "tcp" filter passes and expires caches every 50th, before parsing it.
        _packetCount++;
        var now = (uint)(timestampNs / 1_000_000_000);
        if (_packetCount % ExpireInterval == 0) ExpireCaches(now);
        // Most packets of a trace are neither a SYN nor part of a tracked flow: for those p0f changes no state and
        // reports nothing, so the full parse is skipped (it was most of the fingerprinting cost of an ingest).
        if (IsUntrackedNonSyn(frame, networkOffset)) return null;
        if (!TcpPacketParser.TryParse(frame, networkOffset, wireLength, out var p)) return null;
        return Dispatch(ref p, now, timestampNs, frameNumber);
    }

    /// <summary>
    /// True when the TCP packet plainly has no SYN flag and no flow is tracked for its addresses and ports in
    /// either direction. Reads the same bytes <see cref="TcpPacketParser"/> reads for the flow key; anything it
    /// cannot read cheaply (short packet) answers false and takes the full path.
    /// </summary>
    private bool IsUntrackedNonSyn(ReadOnlySpan<byte> frame, int off)
    {
        int tcp, version;
        IpAddress128 src, dst;
        if (frame[off] >> 4 == 4)
        {
            tcp = off + (frame[off] & 0x0F) * 4;
            if (tcp + 14 > frame.Length || tcp < off + 20) return false;
            version = 4;
            src = IpAddress128.FromV4Bytes(frame[(off + 12)..]);
            dst = IpAddress128.FromV4Bytes(frame[(off + 16)..]);
        }
        else
        {
            tcp = off + 40;
            if (tcp + 14 > frame.Length) return false;
            version = 6;
            src = IpAddress128.FromV6Bytes(frame[(off + 8)..]);
            dst = IpAddress128.FromV6Bytes(frame[(off + 24)..]);
        }
        if ((frame[tcp + 13] & TcpFlagBits.Syn) != 0) return false;
        if (_flows.Count == 0) return true;
        var sport = BinaryPrimitives.ReadUInt16BigEndian(frame[tcp..]);
        var dport = BinaryPrimitives.ReadUInt16BigEndian(frame[(tcp + 2)..]);
        if (_flowSlots[FlowSlot(src, sport, dst, dport)] == 0) return true;
        var key = new FlowKey(version, src, sport, dst, dport);
        return !_flows.ContainsKey(key) && !_flows.ContainsKey(key.Reversed);
    }

    /// <summary>What p0f's default BPF filter ("tcp", also behind VLAN tags) passes: IPv4/IPv6 with protocol TCP.</summary>
    private static bool IsTcp(ReadOnlySpan<byte> frame, int off)
    {
        if (off < 0 || off >= frame.Length) return false;
        var v = frame[off] >> 4;
        if (v == 4) return frame.Length > off + 9 && frame[off + 9] == IpProtocols.Tcp;
        if (v == 6) return frame.Length > off + 6 && frame[off + 6] == IpProtocols.Tcp;
        return false;
    }

    private FingerprintObservation? Dispatch(ref TcpPacketSignature p, uint now, long timestampNs, long frameNumber)
    {
        var forward = new FlowKey(p.IpVersion, p.Source, p.SourcePort, p.Destination, p.DestinationPort);
        var toServer = true;
        if (!_flows.TryGetValue(forward, out var flow))
        {
            toServer = false;
            _flows.TryGetValue(forward.Reversed, out flow);
        }

        const byte syn = TcpFlagBits.Syn, ack = TcpFlagBits.Ack;
        switch (p.TcpType)
        {
            case syn:
            {
                if (flow is not null)
                {
                    // A retransmission of the SYN that opened the flow is not fingerprinted again.
                    if (toServer && flow.NextClientSeq - 1 == p.Seq) return null;
                    DestroyFlow(flow);
                }
                flow = CreateFlow(forward, p.Seq, now);
                if (p.Window == SendSynWindow && p.Mss == RawSignature.SendSynMss) flow.SendSyn = true;
                var m = _outcomes.Evaluate(p, true, 0);
                var isApp = m.Match.Signature?.Label.IsApplication == true;
                var obs = Observe(p, m, true, flow.SendSyn, stray: false, mtuReported: !isApp && !flow.SendSyn, timestampNs, frameNumber);
                flow.SynMss = p.Mss;
                if (isApp && !flow.SendSyn) DestroyFlow(flow);
                RememberSyn(forward, now);
                return obs;
            }
            case syn | ack:
            {
                if (flow is null)
                {
                    if (_mode != FingerprintMode.IncludeStraySynAcks || _seenSyns.ContainsKey(forward.Reversed)) return null;
                    var ms = _outcomes.Evaluate(p, false, 0);
                    return Observe(p, ms, false, false, stray: true, mtuReported: true, timestampNs, frameNumber);
                }
                if (flow.SendSyn)
                {
                    var mss = _outcomes.Evaluate(p, false, flow.SynMss);
                    var o = Observe(p, mss, false, true, stray: false, mtuReported: false, timestampNs, frameNumber);
                    DestroyFlow(flow);
                    return o;
                }
                if (toServer || flow.Acked) return null;
                flow.Acked = true;
                var m = _outcomes.Evaluate(p, false, flow.SynMss);
                var isApp = m.Match.Signature?.Label.IsApplication == true;
                var obs = Observe(p, m, false, false, stray: false, mtuReported: !isApp, timestampNs, frameNumber);
                if (isApp) DestroyFlow(flow);
                else flow.NextServerSeq = p.Seq + 1;
                return obs;
            }
            case ack:
            {
                if (flow is null) return null;
                if (flow.SendSyn || !flow.Acked)
                {
                    DestroyFlow(flow);
                    return null;
                }
                if (toServer)
                {
                    if (flow.NextClientSeq != p.Seq) return null;
                    flow.NextClientSeq += (uint)p.PayloadLength;
                }
                else
                {
                    if (flow.NextServerSeq != p.Seq) return null;
                    flow.NextServerSeq += (uint)p.PayloadLength;
                }
                // p0f keeps a flow with data only while its HTTP module wants more; Apiary does not parse HTTP
                // and closes the flow at the first data (documented difference, affects only flow-table state).
                if (p.PayloadLength > 0) DestroyFlow(flow);
                return null;
            }
            default:
                // RST, RST+ACK, FIN, FIN+ACK end the flow.
                if (flow is not null) DestroyFlow(flow);
                return null;
        }
    }

    private static FingerprintObservation Observe(in TcpPacketSignature p, SignatureOutcome outcome, bool isSyn, bool sendSyn, bool stray, bool mtuReported,
        long timestampNs, long frameNumber) =>
        new()
        {
            TimestampNs = timestampNs,
            FrameNumber = frameNumber,
            IsSyn = isSyn,
            Client = isSyn ? p.Source : p.Destination,
            ClientPort = isSyn ? p.SourcePort : p.DestinationPort,
            Server = isSyn ? p.Destination : p.Source,
            ServerPort = isSyn ? p.DestinationPort : p.SourcePort,
            IpVersion = p.IpVersion,
            Outcome = outcome,
            MtuReported = mtuReported && outcome.Mtu is not null,
            Stray = stray,
            SendSyn = sendSyn,
        };

    // ---- p0f's flow and host tables ----

    private Flow CreateFlow(FlowKey key, uint seq, uint now)
    {
        if (_flows.Count > MaxFlows) NukeFlows();
        var client = TouchOrCreateHost(new HostKey(key.Version, key.ClientAddress), now);
        var server = TouchOrCreateHost(new HostKey(key.Version, key.ServerAddress), now);
        client.UseCount++;
        server.UseCount++;
        var flow = new Flow(key, client, server, now) { NextClientSeq = seq + 1 };
        flow.Node = _flowsByAge.AddLast(flow);
        _flows[key] = flow;
        _flowSlots[FlowSlot(key.ClientAddress, key.ClientPort, key.ServerAddress, key.ServerPort)]++;
        return flow;
    }

    private void DestroyFlow(Flow f)
    {
        _flows.Remove(f.Key);
        _flowSlots[FlowSlot(f.Key.ClientAddress, f.Key.ClientPort, f.Key.ServerAddress, f.Key.ServerPort)]--;
        _flowsByAge.Remove(f.Node!);
        f.Client.UseCount--;
        f.Server.UseCount--;
    }

    private void NukeFlows()
    {
        var kill = 1 + _flows.Count * KillPercent / 100;
        while (kill-- > 0 && _flowsByAge.First is { } oldest) DestroyFlow(oldest.Value);
    }

    private Host TouchOrCreateHost(HostKey key, uint now)
    {
        if (_hosts.TryGetValue(key, out var h))
        {
            _hostsByAge.Remove(h.Node!);
            _hostsByAge.AddLast(h.Node!);
            h.LastSeen = now;
            return h;
        }
        if (_hosts.Count > MaxHosts) NukeHosts();
        h = new Host(key) { LastSeen = now };
        h.Node = _hostsByAge.AddLast(h);
        _hosts[key] = h;
        return h;
    }

    private void NukeHosts()
    {
        // p0f computes a kill count of 1 + 10 % but walks from the oldest host towards "older" ones, of which there
        // are none: it removes at most the oldest host (if unused), after pruning 10 % of the flows. Reproduced.
        NukeFlows();
        if (_hostsByAge.First is { } oldest && oldest.Value.UseCount == 0) DestroyHost(oldest.Value);
    }

    private void DestroyHost(Host h)
    {
        _hosts.Remove(h.Key);
        _hostsByAge.Remove(h.Node!);
    }

    private void ExpireCaches(uint now)
    {
        // p0f runs this at most once per second of packet time; its unsigned arithmetic also expires
        // entries stamped "in the future" when capture timestamps go backwards.
        if (now == _lastExpire) return;
        _lastExpire = now;
        while (_flowsByAge.First is { } oldest && now - oldest.Value.Created > FlowMaxAgeSeconds) DestroyFlow(oldest.Value);
        for (var node = _hostsByAge.First; node is not null && now - node.Value.LastSeen > HostIdleMinutes * 60;)
        {
            var next = node.Next;
            if (node.Value.UseCount == 0) DestroyHost(node.Value);
            node = next;
        }
        while (_seenSynsByAge.First is { } c && now - c.Value.Seen > SynMemorySeconds)
        {
            _seenSyns.Remove(c.Value.Key);
            _seenSynsByAge.RemoveFirst();
        }
    }

    private void RememberSyn(FlowKey key, uint now)
    {
        if (_mode != FingerprintMode.IncludeStraySynAcks) return;
        if (_seenSyns.Remove(key, out var old)) _seenSynsByAge.Remove(old);
        if (_seenSyns.Count >= MaxRememberedSyns && _seenSynsByAge.First is { } first)
        {
            _seenSyns.Remove(first.Value.Key);
            _seenSynsByAge.RemoveFirst();
        }
        _seenSyns[key] = _seenSynsByAge.AddLast((key, now));
    }

    /// <summary>The slot of <see cref="_flowSlots"/> for a flow: the same for both directions (a sum of one mix per end).</summary>
    private static int FlowSlot(IpAddress128 a, ushort portA, IpAddress128 b, ushort portB) =>
        (int)((Mix(a, portA) + Mix(b, portB)) >> (64 - FlowSlotBits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(IpAddress128 address, ushort port)
    {
        var x = address.Hi * 0x9E3779B97F4A7C15UL ^ address.Lo * 0xC2B2AE3D27D4EB4FUL ^ port * 0x165667B19E3779F9UL;
        x ^= x >> 31;
        return x * 0xBF58476D1CE4E5B9UL;
    }

    // The keys compare and hash their words directly: the compiler's record equality goes through
    // EqualityComparer<T> per field, which was the largest cost of the flow table (bench/README.md).
    private readonly record struct FlowKey(int Version, IpAddress128 ClientAddress, ushort ClientPort, IpAddress128 ServerAddress, ushort ServerPort)
    {
        public FlowKey Reversed => new(Version, ServerAddress, ServerPort, ClientAddress, ClientPort);

        public bool Equals(FlowKey o) =>
            ClientAddress.Lo == o.ClientAddress.Lo && ServerAddress.Lo == o.ServerAddress.Lo && ClientPort == o.ClientPort &&
            ServerPort == o.ServerPort && ClientAddress.Hi == o.ClientAddress.Hi && ServerAddress.Hi == o.ServerAddress.Hi && Version == o.Version;

        public override int GetHashCode()
        {
            var h = (Mix(ClientAddress, ClientPort) ^ (ulong)Version) * 0x94D049BB133111EBUL + Mix(ServerAddress, ServerPort);
            return (int)(h ^ (h >> 32));
        }
    }

    private readonly record struct HostKey(int Version, IpAddress128 Address)
    {
        public bool Equals(HostKey o) => Address.Lo == o.Address.Lo && Address.Hi == o.Address.Hi && Version == o.Version;

        public override int GetHashCode()
        {
            var h = Mix(Address, (ushort)Version);
            return (int)(h ^ (h >> 32));
        }
    }

    private sealed class Flow(FlowKey key, Host client, Host server, uint created)
    {
        public FlowKey Key { get; } = key;
        public Host Client { get; } = client;
        public Host Server { get; } = server;
        public uint Created { get; } = created;
        public LinkedListNode<Flow>? Node { get; set; }
        public uint NextClientSeq { get; set; }
        public uint NextServerSeq { get; set; }
        public bool Acked { get; set; }
        public bool SendSyn { get; set; }
        public int SynMss { get; set; }
    }

    private sealed class Host(HostKey key)
    {
        public HostKey Key { get; } = key;
        public LinkedListNode<Host>? Node { get; set; }
        public int UseCount { get; set; }
        public uint LastSeen { get; set; }
    }
}
