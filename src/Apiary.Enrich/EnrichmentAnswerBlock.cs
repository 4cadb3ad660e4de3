using System.Net;
using Apiary.Core;

namespace Apiary.Enrich;

/// <summary>
/// A block of answers as a lookup thread fills it and <see cref="EnrichmentRunWriter"/> writes it: the address
/// keys, their text (UTF-8, formatted on the lookup thread from the <see cref="IPAddress"/> the country lookups
/// need anyway) and the answers. Blocks travel through a bounded queue from the lookup threads to the one thread
/// that appends, so lookups and DuckDB's appending run at the same time and memory stays flat for millions of
/// addresses. Not thread-safe: one owner at a time.
/// </summary>
internal sealed class EnrichmentAnswerBlock
{
    /// <summary>Answers per block: DuckDB's data chunk size, so one block is about one appended chunk.</summary>
    public const int Capacity = 2048;

    /// <summary>The longest address text: an IPv6 address with an embedded IPv4 (45 characters, all ASCII).</summary>
    public const int MaxAddressText = 46;

    private readonly byte[] _text = new byte[Capacity * MaxAddressText];
    private readonly int[] _textLength = new int[Capacity];

    public IpAddress128[] Addresses { get; } = new IpAddress128[Capacity];

    public SourceEnrichment[] Answers { get; } = new SourceEnrichment[Capacity];

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    /// <summary>The UTF-8 text of answer <paramref name="i"/>'s address.</summary>
    public ReadOnlySpan<byte> Text(int i) => _text.AsSpan(i * MaxAddressText, _textLength[i]);

    /// <summary>Looks up <paramref name="address"/> with <paramref name="enricher"/> and keeps its answer and text.</summary>
    public void LookUp(SourceEnricher enricher, IpAddress128 address)
    {
        var i = Count++;
        var ip = address.ToIPAddress();
        Addresses[i] = address;
        Answers[i] = enricher.Lookup(address, ip);
        _textLength[i] = FormatAddress(ip, _text.AsSpan(i * MaxAddressText, MaxAddressText));
    }

    /// <summary>Empties the block for reuse.</summary>
    public void Clear() => Count = 0;

    /// <summary>Writes the text of <paramref name="ip"/> (as <see cref="IPAddress.ToString"/> spells it) as UTF-8; returns its length.</summary>
    public static int FormatAddress(IPAddress ip, Span<byte> utf8) =>
        ip.TryFormat(utf8, out var n) ? n : throw new InvalidOperationException($"address text of {ip} longer than {utf8.Length} bytes");
}
