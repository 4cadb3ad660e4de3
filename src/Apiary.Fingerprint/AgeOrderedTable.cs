namespace Apiary.Fingerprint;

/// <summary>
/// The table shape a <see cref="P0fFlowTracker"/> needs three times (flows, hosts, remembered SYNs): entries found
/// by key, kept in age order (oldest first, an entry can be made the newest again), removed from either end or
/// the middle, their storage reused. Entries are structs in one array, linked into the age list by index and
/// found through an <see cref="EntryIndex{TKey}"/>, so a SYN's several table operations allocate nothing and store
/// no object reference. Hosts and flows as objects on intrusive lists cost about a third of the fingerprinting
/// time of an ingest (bench/README.md): every relink was a garbage-collector write barrier on long-lived objects.
/// Entry numbers stay valid until the entry is removed.
/// </summary>
internal sealed class AgeOrderedTable<TKey, TValue> where TKey : struct, IEquatable<TKey> where TValue : struct
{
    private readonly EntryIndex<TKey> _index;
    /// <summary>Grows by doubling (a tracker per capture file: small files stay small).</summary>
    private Slot[] _slots;
    private int _oldest = -1, _newest = -1, _free = -1, _used;

    private struct Slot
    {
        public TValue Value;
        /// <summary>Neighbours on the age list (-1 at the ends); a free slot's <see cref="Newer"/> is the next free one.</summary>
        public int Older, Newer;
    }

    public AgeOrderedTable(int initialEntries = 64)
    {
        _index = new EntryIndex<TKey>(initialEntries);
        _slots = new Slot[initialEntries];
    }

    public int Count => _index.Count;

    /// <summary>The oldest entry, -1 when the table is empty.</summary>
    public int Oldest => _oldest;

    /// <summary>The entry after <paramref name="entry"/> on the age list, -1 for the newest.</summary>
    public int NewerThan(int entry) => _slots[entry].Newer;

    public ref TValue this[int entry] => ref _slots[entry].Value;

    /// <summary>False when no key with this hash code is in the table (one array read).</summary>
    public bool MayHold(int hashCode) => _index.MayHold(hashCode);

    /// <summary>The entry of <paramref name="key"/>, -1 when there is none.</summary>
    public int Find(in TKey key) => _index.Find(key);

    /// <summary>Adds <paramref name="key"/> (not in the table) as the newest entry, its value zeroed; returns the entry.</summary>
    public int Add(in TKey key)
    {
        int i;
        if (_free >= 0)
        {
            i = _free;
            _free = _slots[i].Newer;
        }
        else
        {
            if (_used == _slots.Length) Array.Resize(ref _slots, _slots.Length * 2);
            i = _used++;
        }
        _slots[i].Value = default;
        LinkNewest(i);
        _index.Add(key, i);
        return i;
    }

    /// <summary>Makes <paramref name="entry"/> the newest.</summary>
    public void MoveToNewest(int entry)
    {
        if (entry == _newest) return;
        Unlink(entry);
        LinkNewest(entry);
    }

    public void Remove(int entry)
    {
        _index.Remove(_index.KeyOf(entry), entry);
        Unlink(entry);
        _slots[entry].Newer = _free;
        _free = entry;
    }

    private void LinkNewest(int i)
    {
        _slots[i].Older = _newest;
        _slots[i].Newer = -1;
        if (_newest < 0) _oldest = i; else _slots[_newest].Newer = i;
        _newest = i;
    }

    private void Unlink(int i)
    {
        ref var s = ref _slots[i];
        if (s.Older < 0) _oldest = s.Newer; else _slots[s.Older].Newer = s.Newer;
        if (s.Newer < 0) _newest = s.Older; else _slots[s.Newer].Older = s.Older;
    }
}
