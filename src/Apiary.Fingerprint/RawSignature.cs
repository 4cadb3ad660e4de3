using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>
/// Writes a packet's raw signature exactly as p0f 3.09b prints it in <c>raw_sig=</c> (fp_tcp.c dump_sig):
/// <c>ver:ttl+dist:olen:mss:wsize,scale:olayout:quirks:pclass</c>, with the TTL distance guessed from the
/// observed TTL (<c>ttl+?</c> beyond 35 hops) and the window written as <c>mss*N</c> / <c>mtu*N</c> when
/// it is a multiple.
/// </summary>
public static class RawSignature
{
    /// <summary>MSS that p0f-sendsyn uses; a SYN+ACK echoing it is written with a wildcard MSS.</summary>
    public const int SendSynMss = 1331;

    /// <summary>
    /// p0f's raw signature of <paramref name="p"/>. Ingest writes it once per distinct set of signature fields
    /// (<see cref="SignatureOutcomeCache"/>), not once per packet.
    /// </summary>
    public static string Format(in TcpPacketSignature p, int synMss)
    {
        Span<char> buffer = stackalloc char[512];
        var w = new Writer(buffer);
        var dist = TcpMatcher.GuessDistance(p.Ttl);
        w.Number(p.IpVersion);
        w.Char(':');
        w.Number(p.Ttl);
        w.Char('+');
        if (dist > TcpMatcher.MaxDistance) w.Char('?');
        else w.Number(dist);
        w.Char(':');
        w.Number(p.IpOptionsLength);
        w.Char(':');
        if (p.Mss == SendSynMss && p.TcpType == (TcpFlagBits.Syn | TcpFlagBits.Ack)) w.Char('*');
        else w.Number(p.Mss);
        w.Char(':');
        var (multi, useMtu) = TcpMatcher.WindowMultiplier(p, synMss);
        if (multi > 0)
        {
            w.Text(useMtu ? "mtu*" : "mss*");
            w.Number(multi);
        }
        else w.Number(p.Window);
        w.Char(',');
        w.Number(p.WindowScale);
        w.Char(':');
        var layout = p.Layout;
        for (var i = 0; i < layout.Length; i++)
        {
            if (i > 0) w.Char(',');
            switch (layout[i])
            {
                case TcpOptionKind.Eol: w.Text("eol+"); w.Number(p.EolPadding); break;
                case TcpOptionKind.Nop: w.Text("nop"); break;
                case TcpOptionKind.Mss: w.Text("mss"); break;
                case TcpOptionKind.WindowScale: w.Text("ws"); break;
                case TcpOptionKind.SackPermitted: w.Text("sok"); break;
                case TcpOptionKind.Sack: w.Text("sack"); break;
                case TcpOptionKind.Timestamp: w.Text("ts"); break;
                default: w.Char('?'); w.Number(layout[i]); break;
            }
        }
        w.Char(':');
        var first = true;
        foreach (var (bit, token) in P0fQuirkNames.Ordered)
        {
            if ((p.Quirks & bit) == 0) continue;
            if (!first) w.Char(',');
            w.Text(token);
            first = false;
        }
        w.Char(':');
        w.Char(p.PayloadLength > 0 ? '+' : '0');
        return w.ToString();
    }

    /// <summary>p0f's <c>params=</c>: generic, fuzzy, random_ttl, excess_dist, tos:0x.. or none.</summary>
    public static string Params(in TcpMatch m, byte tos)
    {
        var sig = m.Signature;
        if (tos == 0 && m.Distance <= TcpMatcher.MaxDistance && !m.Fuzzy)
        {
            // The common cases without building a list (this runs for every SYN).
            if (sig is null || (!sig.Label.Generic && !sig.RandomTtl)) return "none";
            if (!sig.RandomTtl) return "generic";
            if (!sig.Label.Generic) return "random_ttl";
        }
        var parts = new List<string>(4);
        if (m.Signature is not null)
        {
            if (m.Signature.Label.Generic) parts.Add("generic");
            if (m.Fuzzy) parts.Add("fuzzy");
            if (m.Signature.RandomTtl) parts.Add("random_ttl");
        }
        if (m.Distance > TcpMatcher.MaxDistance) parts.Add("excess_dist");
        if (tos != 0) parts.Add($"tos:0x{tos:x2}");
        return parts.Count == 0 ? "none" : string.Join(' ', parts);
    }

    private ref struct Writer(Span<char> buffer)
    {
        private readonly Span<char> _buffer = buffer;
        private int _length;

        public void Char(char c) => _buffer[_length++] = c;

        public void Text(string s)
        {
            s.AsSpan().CopyTo(_buffer[_length..]);
            _length += s.Length;
        }

        public void Number(int n)
        {
            n.TryFormat(_buffer[_length..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
            _length += written;
        }

        public override readonly string ToString() => new(_buffer[.._length]);
    }
}
