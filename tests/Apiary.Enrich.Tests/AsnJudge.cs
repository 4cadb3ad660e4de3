using System.Net;
using System.Numerics;

namespace Apiary.Enrich.Tests;

/// <summary>
/// An independent answer for AS lookups: reads the package's text CSVs (asn-ipv4.csv, asn-ipv6.csv: dotted and
/// colon addresses, where Apiary loads the numeric files) and, for each row in file order, gives the row to every
/// queried address inside it that has no answer yet: "the first row in file order that contains the address",
/// with no assumption about sorting or overlaps.
/// </summary>
internal static class AsnJudge
{
    public static Dictionary<string, (uint Asn, string Org)?> Lookup(string asnDir, IReadOnlyCollection<string> addresses)
    {
        var result = addresses.ToDictionary(a => a, _ => ((uint, string)?)null);
        foreach (var (file, v6) in new[] { ("asn-ipv4.csv", false), ("asn-ipv6.csv", true) })
        {
            var queries = addresses.Select(a => (Ip: IPAddress.Parse(a), Text: a))
                .Where(q => (q.Ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) == v6)
                .Select(q => (Value: ToBig(q.Ip), q.Text))
                .OrderBy(q => q.Value).ToArray();
            var keys = queries.Select(q => q.Value).ToArray();
            var answered = new bool[queries.Length];
            foreach (var line in File.ReadLines(Path.Combine(asnDir, file)))
            {
                if (line.Length == 0) continue;
                var parts = SplitCsv(line);
                var start = ToBig(IPAddress.Parse(parts[0]));
                var end = ToBig(IPAddress.Parse(parts[1]));
                var i = LowerBound(keys, start);
                for (; i < keys.Length && keys[i] <= end; i++)
                {
                    if (answered[i]) continue;
                    answered[i] = true;
                    result[queries[i].Text] = (uint.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), parts[3]);
                }
            }
        }
        return result;
    }

    private static BigInteger ToBig(IPAddress ip) => new(ip.GetAddressBytes(), isUnsigned: true, isBigEndian: true);

    private static int LowerBound(BigInteger[] keys, BigInteger v)
    {
        int lo = 0, hi = keys.Length;
        while (lo < hi) { var mid = (lo + hi) / 2; if (keys[mid] < v) lo = mid + 1; else hi = mid; }
        return lo;
    }

    /// <summary>Splits at the first three commas; the rest is the organisation, unquoted when quoted.</summary>
    private static string[] SplitCsv(string line)
    {
        var p = line.Split(',', 4);
        var org = p[3];
        if (org.Length >= 2 && org[0] == '"' && org[^1] == '"') org = org[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal);
        return [p[0], p[1], p[2], org];
    }
}
