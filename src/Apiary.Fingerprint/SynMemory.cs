using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>
/// The SYNs a <see cref="P0fFlowTracker"/> saw recently, by directed 4-tuple (client address and port, server
/// address and port), oldest first, for telling the answer to a SYN we saw from backscatter (stray mode).
/// Remembering a tuple again makes it the newest. Bounded by a capacity (the oldest is forgotten first) and by
/// age (<see cref="Expire"/>). Remembering a SYN allocates nothing (<see cref="AgeOrderedTable{TKey, TValue}"/>; a
/// linked list of nodes cost an allocation and two dictionary operations per SYN).
/// </summary>
internal sealed class SynMemory
{
    /// <summary>Each tuple with the packet time (seconds) it was last seen, oldest first.</summary>
    private readonly AgeOrderedTable<Tuple, uint> _seen = new(256);
    private readonly int _capacity;

    public SynMemory(int capacity) => _capacity = capacity;

    public bool Contains(in Tuple tuple) => _seen.Count > 0 && _seen.Find(tuple) >= 0;

    /// <summary>Remembers <paramref name="tuple"/> as seen at <paramref name="now"/> (seconds), as the newest entry.</summary>
    public void Remember(in Tuple tuple, uint now)
    {
        var i = _seen.Find(tuple);
        if (i >= 0)
        {
            _seen.MoveToNewest(i);
        }
        else
        {
            // Full: forget the oldest first.
            if (_seen.Count >= _capacity) _seen.Remove(_seen.Oldest);
            i = _seen.Add(tuple);
        }
        _seen[i] = now;
    }

    /// <summary>Forgets the entries older than <paramref name="maxAgeSeconds"/> (unsigned arithmetic, as p0f's expiry).</summary>
    public void Expire(uint now, uint maxAgeSeconds)
    {
        while (_seen.Oldest >= 0 && now - _seen[_seen.Oldest] > maxAgeSeconds) _seen.Remove(_seen.Oldest);
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
