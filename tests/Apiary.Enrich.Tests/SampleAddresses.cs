using System.Collections.Concurrent;
using System.Net;
using Apiary.TestSupport;

namespace Apiary.Enrich.Tests;

/// <summary>
/// Addresses to check lookups on: the distinct IPv4/IPv6 source and destination addresses of the shared captures
/// (read by tshark, the independent reader), plus seeded random IPv4 (public unicast range) and IPv6 (2000::/3).
/// </summary>
internal static class SampleAddresses
{
    public static IReadOnlyList<string> FromCaptures()
    {
        var all = new ConcurrentDictionary<string, byte>();
        Parallel.ForEach(SharedData.AllCaptures(), new ParallelOptions { MaxDegreeOfParallelism = 2 }, file =>
        {
            var r = ExternalTool.Run("tshark", ["-n", "-r", file, "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst"], TimeSpan.FromMinutes(3));
            foreach (var token in r.StdOut.Split(['\t', '\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (IPAddress.TryParse(token, out var ip)) all.TryAdd(ip.ToString(), 0);
        });
        return all.Keys.Order(StringComparer.Ordinal).ToList();
    }

    public static IEnumerable<string> RandomV4(int count, int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var v = (uint)rng.NextInt64(0x0100_0000, 0xE000_0000); // 1.0.0.0 .. 223.255.255.255
            yield return new IPAddress([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]).ToString();
        }
    }

    public static IEnumerable<string> RandomV6(int count, int seed)
    {
        var rng = new Random(seed);
        var bytes = new byte[16];
        for (var i = 0; i < count; i++)
        {
            rng.NextBytes(bytes);
            bytes[0] = (byte)(0x20 | (bytes[0] & 0x1F)); // 2000::/3, the global unicast space
            // Half of them inside 2001::/16 .. 2a0f::/16 where allocations are dense, so that most have answers.
            if (i % 2 == 0) { bytes[0] = 0x2a; bytes[1] = (byte)(bytes[1] & 0x0F); }
            yield return new IPAddress(bytes).ToString();
        }
    }

    /// <summary>A seeded sample of <paramref name="count"/> items (all when fewer).</summary>
    public static List<string> Sample(IReadOnlyList<string> items, int count, int seed)
    {
        var copy = items.ToArray();
        new Random(seed).Shuffle(copy);
        return copy.Take(count).ToList();
    }
}
