using System.Runtime.CompilerServices;
using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>
/// p0f's flow table, as a <see cref="P0fFlowTracker"/> keeps it: the live flows by their two ends, on an age list
/// (oldest created first). The entries are structs in one array linked by index and found through an
/// <see cref="EntryIndex{TKey}"/>; a destroyed flow's entry is reused. Most packets of untracked connections are
/// turned away by <see cref="MayHold"/>, one array read from the hash alone, before any key is built.
/// </summary>
internal sealed class FlowTable
{
    private readonly EntryIndex<FlowKey> _index = new();
    /// <summary>Grows by doubling; p0f's pruning keeps about <see cref="P0fFlowTracker.MaxFlows"/> flows live.</summary>
    private Entry[] _entries = new Entry[64];
    private int _oldest = -1, _newest = -1, _free = -1, _used;

    internal struct Entry
    {
        /// <summary>The client (the SYN's sender) is the key's first end.</summary>
        public bool ClientIsA;
        /// <summary>Indices in the tracker's <see cref="HostTable"/>.</summary>
        public int Client, Server;
        public uint Created;
        public int Older, Newer;
        public uint NextClientSeq, NextServerSeq;
        public bool Acked, SendSyn;
        public int SynMss;
    }

    public int Count => _index.Count;

    /// <summary>The oldest live flow, -1 when there is none.</summary>
    public int Oldest => _oldest;

    public ref Entry this[int flow] => ref _entries[flow];

    /// <summary>False when no live flow can have a key with this hash (<see cref="FlowKey.HashOf"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayHold(ulong hash) => _index.MayHold(FlowKey.HashCodeOf(hash));

    /// <summary>The live flow of <paramref name="key"/>, -1 when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(in FlowKey key) => _index.Find(key);

    /// <summary>The key of a live flow.</summary>
    public ref readonly FlowKey KeyOf(int flow) => ref _index.KeyOf(flow);

    /// <summary>Adds a flow for <paramref name="key"/> (which has none) as the newest; returns its index, fields zeroed but the key.</summary>
    public int Add(in FlowKey key)
    {
        var i = Allocate();
        _entries[i] = default;
        _entries[i].Older = _newest;
        _entries[i].Newer = -1;
        if (_newest < 0) _oldest = i; else _entries[_newest].Newer = i;
        _newest = i;
        _index.Add(key, i);
        return i;
    }

    public void Remove(int flow)
    {
        ref var e = ref _entries[flow];
        _index.Remove(_index.KeyOf(flow), flow);
        if (e.Older < 0) _oldest = e.Newer; else _entries[e.Older].Newer = e.Newer;
        if (e.Newer < 0) _newest = e.Older; else _entries[e.Newer].Older = e.Older;
        e.Newer = _free;
        _free = flow;
    }

    private int Allocate()
    {
        if (_free >= 0)
        {
            var i = _free;
            _free = _entries[i].Newer;
            return i;
        }
        if (_used == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        return _used++;
    }
}

/// <summary>
/// A flow's two ends (address and port) in a canonical order, so that both directions of a connection give
/// the same key. The hash is computed once, from a direction-free sum of one mix per end, and carried along:
/// the dictionary and the slot filter both use it. Equality compares the words directly (the compiler's
/// record equality goes through EqualityComparer per field, which was the largest cost of the flow table).
/// </summary>
internal readonly struct FlowKey : IEquatable<FlowKey>
{
    public readonly ulong Hash;
    public readonly IpAddress128 A, B;
    public readonly ushort PortA, PortB;
    public readonly byte Version;

    private FlowKey(ulong hash, IpAddress128 a, ushort portA, IpAddress128 b, ushort portB, byte version)
    {
        Hash = hash; A = a; PortA = portA; B = b; PortB = portB; Version = version;
    }

    /// <summary>The key's hash: the same for both directions (a sum of one mix per end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong HashOf(int version, IpAddress128 src, ushort sport, IpAddress128 dst, ushort dport) =>
        P0fFlowTracker.Mix(src, sport) + P0fFlowTracker.Mix(dst, dport) + (ulong)version;

    /// <summary>
    /// The key of a packet from (src, sport) to (dst, dport) whose <see cref="HashOf"/> is <paramref name="hash"/>;
    /// <paramref name="sourceIsA"/> says which end the sender is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FlowKey Of(int version, IpAddress128 src, ushort sport, IpAddress128 dst, ushort dport, ulong hash, out bool sourceIsA)
    {
        sourceIsA = src.Hi < dst.Hi || (src.Hi == dst.Hi && (src.Lo < dst.Lo || (src.Lo == dst.Lo && sport <= dport)));
        return sourceIsA
            ? new FlowKey(hash, src, sport, dst, dport, (byte)version)
            : new FlowKey(hash, dst, dport, src, sport, (byte)version);
    }

    /// <summary>As the other overload, computing the hash.</summary>
    public static FlowKey Of(int version, IpAddress128 src, ushort sport, IpAddress128 dst, ushort dport, out bool sourceIsA) =>
        Of(version, src, sport, dst, dport, HashOf(version, src, sport, dst, dport), out sourceIsA);

    public bool Equals(FlowKey o) =>
        Hash == o.Hash && A.Lo == o.A.Lo && B.Lo == o.B.Lo && PortA == o.PortA && PortB == o.PortB &&
        A.Hi == o.A.Hi && B.Hi == o.B.Hi && Version == o.Version;

    public override bool Equals(object? obj) => obj is FlowKey k && Equals(k);

    public override int GetHashCode() => HashCodeOf(Hash);

    /// <summary>The hash code of a key whose <see cref="HashOf"/> is <paramref name="hash"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HashCodeOf(ulong hash) => (int)(hash ^ (hash >> 32));
}
