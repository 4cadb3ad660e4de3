using Apiary.Core;

namespace Apiary.Store;

/// <summary>
/// A fixed-capacity batch of decoded packets of one capture file: the unit that travels from the decoder
/// thread to the store's loader lanes. The decoder writes straight into <see cref="Rows"/> (no copy);
/// batches are pooled and reused, so a batch must not be kept after it has been handed back.
/// </summary>
public sealed class PacketBatch
{
    public PacketBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Rows = new DecodedPacket[capacity];
    }

    /// <summary>Row storage; only the first <see cref="Count"/> entries are meaningful.</summary>
    public DecodedPacket[] Rows { get; }

    /// <summary>Rows filled so far.</summary>
    public int Count { get; set; }

    public int Capacity => Rows.Length;

    public bool IsFull => Count == Rows.Length;
}
