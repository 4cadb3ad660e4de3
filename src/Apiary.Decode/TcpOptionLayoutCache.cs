using System.Text;

namespace Apiary.Decode;

/// <summary>
/// Turns an option-kind sequence into p0f's olayout text ("mss,sok,ts,nop,ws", "?N" for unknown kinds,
/// "eol+N" with N padding bytes) once per distinct sequence, so decoding a packet does not allocate.
/// Direct-mapped and thread-safe: each slot holds an immutable entry replaced by a single reference write.
/// </summary>
public static class TcpOptionLayoutCache
{
    /// <summary>
    /// Slots in the cache. Real traffic shows a few dozen distinct layouts; a flood of random layouts only
    /// evicts entries (and allocates a string each), it never grows memory beyond this many entries.
    /// </summary>
    public const int Slots = 4096;

    private sealed class Entry(byte[] key, string layout)
    {
        public readonly byte[] Key = key;
        public readonly string Layout = layout;
    }

    private static readonly Entry?[] Table = new Entry?[Slots];

    /// <summary>
    /// The layout text for <paramref name="key"/>: option kinds in order; when the last kind is EOL (0) it is
    /// followed by one more byte, the count of padding bytes after it.
    /// </summary>
    public static string Get(ReadOnlySpan<byte> key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        var slot = (uint)hash.ToHashCode() % Slots;
        var entry = Volatile.Read(ref Table[slot]);
        if (entry != null && key.SequenceEqual(entry.Key)) return entry.Layout;
        var text = Format(key);
        Volatile.Write(ref Table[slot], new Entry(key.ToArray(), text));
        return text;
    }

    /// <summary>Formats the layout as p0f's fp_tcp.c dump_sig does.</summary>
    public static string Format(ReadOnlySpan<byte> key)
    {
        var sb = new StringBuilder(key.Length * 4);
        for (var i = 0; i < key.Length; i++)
        {
            if (i > 0) sb.Append(',');
            var kind = key[i];
            switch (kind)
            {
                case TcpOptions.Eol:
                    sb.Append("eol+").Append(i + 1 < key.Length ? key[i + 1] : 0);
                    return sb.ToString();
                case TcpOptions.Nop: sb.Append("nop"); break;
                case TcpOptions.Mss: sb.Append("mss"); break;
                case TcpOptions.WindowScale: sb.Append("ws"); break;
                case TcpOptions.SackPermitted: sb.Append("sok"); break;
                case TcpOptions.Sack: sb.Append("sack"); break;
                case TcpOptions.Timestamps: sb.Append("ts"); break;
                default: sb.Append('?').Append(kind); break;
            }
        }
        return sb.ToString();
    }
}
