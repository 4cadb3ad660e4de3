using System.Runtime.CompilerServices;
using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>
/// A flow's two ends (address and port) in a canonical order, so that both directions of a connection give
/// the same key. The hash is computed once, from a direction-free sum of one mix per end, and carried along:
/// the table's index and its <see cref="AgeOrderedTable{TKey, TValue}.MayHold"/> filter both use it. Equality compares the words directly (the compiler's
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
