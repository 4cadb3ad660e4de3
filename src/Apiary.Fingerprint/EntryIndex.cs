using System.Runtime.CompilerServices;

namespace Apiary.Fingerprint;

/// <summary>
/// A hash index from keys to the numbers of a caller's entries (the flow, host and SYN tables of a
/// <see cref="P0fFlowTracker"/>, which keep their entries in arrays and hand out the numbers themselves). Chained:
/// a bucket holds the first entry of its chain, each entry the next one. The buckets double to keep at most one
/// key per two buckets, so a lookup is one array read for an empty bucket and a key comparison or two otherwise.
/// It replaced a Dictionary per table: the tracker makes about seven lookups, inserts and removals per SYN, and
/// the dictionary's general machinery cost a sizeable share of fingerprinting an ingest (bench/README.md).
/// </summary>
internal sealed class EntryIndex<TKey> where TKey : struct, IEquatable<TKey>
{
    /// <summary>1 + the first entry of each chain, 0 for an empty bucket.</summary>
    private int[] _buckets;
    /// <summary>Per entry number: 1 + the next entry of its chain, 0 at the end.</summary>
    private int[] _next;
    private TKey[] _keys;
    private int _mask;

    public EntryIndex(int initialEntries = 64)
    {
        _keys = new TKey[initialEntries];
        _next = new int[initialEntries];
        _buckets = new int[initialEntries * 2];
        _mask = _buckets.Length - 1;
    }

    public int Count { get; private set; }

    /// <summary>The key entry <paramref name="entry"/> is indexed under (the tables keep no copy of their own).</summary>
    public ref readonly TKey KeyOf(int entry) => ref _keys[entry];

    /// <summary>False when no key with this hash code is indexed (one array read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayHold(int hashCode) => _buckets[hashCode & _mask] != 0;

    /// <summary>The entry of <paramref name="key"/>, -1 when it is not indexed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(in TKey key)
    {
        for (var i = _buckets[key.GetHashCode() & _mask] - 1; i >= 0; i = _next[i] - 1)
        {
            if (_keys[i].Equals(key)) return i;
        }
        return -1;
    }

    /// <summary>Indexes <paramref name="key"/> (not indexed yet) as entry <paramref name="entry"/> (not in use).</summary>
    public void Add(in TKey key, int entry)
    {
        if (entry >= _keys.Length)
        {
            var size = Math.Max(_keys.Length * 2, entry + 1);
            Array.Resize(ref _keys, size);
            Array.Resize(ref _next, size);
        }
        if (Count + 1 > _buckets.Length / 2) Rehash(_buckets.Length * 2);
        _keys[entry] = key;
        ref var bucket = ref _buckets[key.GetHashCode() & _mask];
        _next[entry] = bucket;
        bucket = entry + 1;
        Count++;
    }

    /// <summary>Removes entry <paramref name="entry"/>, which indexes <paramref name="key"/>.</summary>
    public void Remove(in TKey key, int entry)
    {
        ref var link = ref _buckets[key.GetHashCode() & _mask];
        while (link != entry + 1)
        {
            if (link == 0) throw new InvalidOperationException($"entry {entry} is not indexed under its key");
            link = ref _next[link - 1];
        }
        link = _next[entry];
        _next[entry] = 0;
        Count--;
    }

    /// <summary>Grows the buckets: every chain is walked and its entries re-linked by their keys' hashes.</summary>
    private void Rehash(int buckets)
    {
        var old = _buckets;
        _buckets = new int[buckets];
        _mask = buckets - 1;
        foreach (var head in old)
        {
            for (var i = head - 1; i >= 0;)
            {
                var next = _next[i] - 1;
                ref var bucket = ref _buckets[_keys[i].GetHashCode() & _mask];
                _next[i] = bucket;
                bucket = i + 1;
                i = next;
            }
        }
    }
}
