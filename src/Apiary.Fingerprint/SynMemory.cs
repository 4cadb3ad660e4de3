using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>
/// The SYNs a <see cref="P0fFlowTracker"/> saw recently, by directed 4-tuple (client address and port, server
/// address and port), oldest first, for telling the answer to a SYN we saw from backscatter (stray mode).
/// Remembering a tuple again makes it the newest. Bounded by a capacity (the oldest is forgotten first) and by
/// age (<see cref="Expire"/>). The entries live in arrays linked by index and are found through an
/// <see cref="EntryIndex{TKey}"/>, so remembering a SYN allocates nothing (a linked list of nodes cost an
/// allocation and two dictionary operations per SYN).
/// </summary>
internal sealed class SynMemory
{
    private readonly EntryIndex<Tuple> _index = new(256);
    private readonly int _capacity;
    /// <summary>Grows by doubling up to the capacity (a tracker per capture file: small files stay small).</summary>
    private Entry[] _entries = new Entry[256];
    private int _oldest = -1, _newest = -1, _free = -1, _used;

    private struct Entry
    {
        public uint Seen;
        public int Older, Newer;
    }

    public SynMemory(int capacity) => _capacity = capacity;

    public bool Contains(in Tuple tuple) => _index.Count > 0 && _index.Find(tuple) >= 0;

    /// <summary>Remembers <paramref name="tuple"/> as seen at <paramref name="now"/> (seconds), as the newest entry.</summary>
    public void Remember(in Tuple tuple, uint now)
    {
        var slot = _index.Find(tuple);
        if (slot >= 0)
        {
            Unlink(slot);
        }
        else
        {
            // Full: forget the oldest first.
            if (_index.Count >= _capacity) ForgetOldest();
            slot = Allocate();
            _index.Add(tuple, slot);
        }
        _entries[slot].Seen = now;
        LinkNewest(slot);
    }

    /// <summary>Forgets the entries older than <paramref name="maxAgeSeconds"/> (unsigned arithmetic, as p0f's expiry).</summary>
    public void Expire(uint now, uint maxAgeSeconds)
    {
        while (_oldest >= 0 && now - _entries[_oldest].Seen > maxAgeSeconds) ForgetOldest();
    }

    private void ForgetOldest()
    {
        var i = _oldest;
        _index.Remove(_index.KeyOf(i), i);
        Unlink(i);
        _entries[i].Newer = _free;
        _free = i;
    }

    private int Allocate()
    {
        if (_free >= 0)
        {
            var i = _free;
            _free = _entries[i].Newer;
            return i;
        }
        if (_used == _entries.Length) Array.Resize(ref _entries, Math.Min(_entries.Length * 2, _capacity));
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

    /// <summary>A directed 4-tuple with its hash computed once.</summary>
    public readonly struct Tuple : IEquatable<Tuple>
    {
        private readonly ulong _hash;
        private readonly IpAddress128 _client, _server;
        private readonly ushort _clientPort, _serverPort;

        public Tuple(IpAddress128 client, ushort clientPort, IpAddress128 server, ushort serverPort)
        {
            _client = client; _clientPort = clientPort; _server = server; _serverPort = serverPort;
            // Directed: the client end is mixed once more, so a tuple and its reverse differ.
            var h = P0fFlowTracker.Mix(client, clientPort) * 0x94D049BB133111EBUL + P0fFlowTracker.Mix(server, serverPort);
            _hash = h ^ (h >> 29);
        }

        public bool Equals(Tuple o) =>
            _hash == o._hash && _client.Lo == o._client.Lo && _server.Lo == o._server.Lo && _clientPort == o._clientPort &&
            _serverPort == o._serverPort && _client.Hi == o._client.Hi && _server.Hi == o._server.Hi;

        public override bool Equals(object? obj) => obj is Tuple t && Equals(t);

        public override int GetHashCode() => (int)(_hash ^ (_hash >> 32));
    }
}
