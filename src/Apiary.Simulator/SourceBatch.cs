namespace Apiary.Simulator;

/// <summary>
/// The frames of one source's activity, built before they are merged in time order with other sources' frames.
/// One growing byte buffer plus an index, reused from source to source so generation allocates almost nothing.
/// </summary>
public sealed class SourceBatch
{
    /// <summary>Largest frame the simulator builds: one Ethernet MTU-sized segment plus headers, with room to spare.</summary>
    public const int MaxFrameBytes = 1600;

    private byte[] _buffer = new byte[64 * 1024];
    private Entry[] _entries = new Entry[256];
    private int _used;

    /// <summary>One frame: when, where in the buffer, and its order of creation (tie-break for equal times).</summary>
    public struct Entry
    {
        public long TimestampNs;
        public int Offset;
        public int Length;
        public int Sequence;
        public bool Inbound;
        public byte Protocol;
        public ushort DestinationPort;
        public byte TargetIndex;
    }

    public int Count { get; private set; }

    /// <summary>Position in the sorted index while merging.</summary>
    public int Cursor { get; set; }

    public ref Entry this[int index] => ref _entries[index];

    public ReadOnlySpan<byte> Frame(in Entry e) => _buffer.AsSpan(e.Offset, e.Length);

    public void Clear()
    {
        Count = 0;
        _used = 0;
        Cursor = 0;
    }

    /// <summary>Room for the next frame; call <see cref="Commit"/> with its length.</summary>
    public Span<byte> Reserve()
    {
        if (_used + MaxFrameBytes > _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        return _buffer.AsSpan(_used, MaxFrameBytes);
    }

    public void Commit(long timestampNs, int length, bool inbound, byte protocol, ushort destinationPort, int targetIndex)
    {
        if (Count == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        _entries[Count] = new Entry
        {
            TimestampNs = timestampNs,
            Offset = _used,
            Length = length,
            Sequence = Count,
            Inbound = inbound,
            Protocol = protocol,
            DestinationPort = destinationPort,
            TargetIndex = (byte)targetIndex,
        };
        Count++;
        _used += length;
    }

    /// <summary>Orders the frames by time (creation order breaks ties, so the result is deterministic).</summary>
    public void Sort()
    {
        Array.Sort(_entries, 0, Count, EntryComparer.Instance);
        Cursor = 0;
    }

    private sealed class EntryComparer : IComparer<Entry>
    {
        public static readonly EntryComparer Instance = new();

        public int Compare(Entry x, Entry y)
        {
            var c = x.TimestampNs.CompareTo(y.TimestampNs);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
