using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>
/// p0f's host table, as a <see cref="P0fFlowTracker"/> keeps it: one entry per address that opened or answered a
/// flow, with its use count (live flows naming it) and the packet time it was last seen, on an age list (least
/// recently seen first). The entries are structs in one array linked by index and found through an
/// <see cref="EntryIndex{TKey}"/>, so touching a host (twice per SYN) moves no object and stores no reference. Host objects on an
/// intrusive list cost about a third of the fingerprinting time of an ingest (bench/README.md): every relink was
/// a garbage-collector write barrier on long-lived objects, and the dictionary held references.
/// </summary>
internal sealed class HostTable
{
    private readonly EntryIndex<HostKey> _index = new();
    /// <summary>Grows by doubling (a tracker per capture file: small files stay small).</summary>
    private Entry[] _entries = new Entry[64];
    private int _oldest = -1, _newest = -1, _free = -1, _used;

    internal struct Entry
    {
        public uint LastSeen;
        /// <summary>Live flows whose client or server this host is (a used host is never expired or pruned).</summary>
        public int UseCount;
        public int Older, Newer;
    }

    public int Count => _index.Count;

    /// <summary>The least recently seen host, -1 when the table is empty.</summary>
    public int Oldest => _oldest;

    public ref Entry this[int host] => ref _entries[host];

    /// <summary>
    /// Finds <paramref name="key"/>'s host, makes it the most recently seen and stamps it <paramref name="now"/>;
    /// -1 when the table does not hold it.
    /// </summary>
    public int Touch(in HostKey key, uint now)
    {
        var i = _index.Find(key);
        if (i < 0) return -1;
        if (i != _newest)
        {
            Unlink(i);
            LinkNewest(i);
        }
        _entries[i].LastSeen = now;
        return i;
    }

    /// <summary>Adds a host that <see cref="Touch"/> did not find, as the most recently seen; returns its index.</summary>
    public int Add(in HostKey key, uint now)
    {
        var i = Allocate();
        _entries[i] = new Entry { LastSeen = now };
        LinkNewest(i);
        _index.Add(key, i);
        return i;
    }

    public void Remove(int host)
    {
        _index.Remove(_index.KeyOf(host), host);
        Unlink(host);
        _entries[host].Newer = _free;
        _free = host;
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

    private void LinkNewest(int i)
    {
        _entries[i].Older = _newest;
        _entries[i].Newer = -1;
        if (_newest < 0) _oldest = i; else _entries[_newest].Newer = i;
        _newest = i;
    }

    private void Unlink(int i)
    {
        ref var e = ref _entries[i];
        if (e.Older < 0) _oldest = e.Newer; else _entries[e.Older].Newer = e.Newer;
        if (e.Newer < 0) _newest = e.Older; else _entries[e.Newer].Older = e.Older;
    }
}

/// <summary>A host of p0f's table: IP version and address.</summary>
internal readonly struct HostKey(int version, IpAddress128 address) : IEquatable<HostKey>
{
    public readonly IpAddress128 Address = address;
    public readonly int Version = version;

    public bool Equals(HostKey o) => Address.Lo == o.Address.Lo && Address.Hi == o.Address.Hi && Version == o.Version;

    public override bool Equals(object? obj) => obj is HostKey k && Equals(k);

    public override int GetHashCode()
    {
        var h = P0fFlowTracker.Mix(Address, (ushort)Version);
        return (int)(h ^ (h >> 32));
    }
}
