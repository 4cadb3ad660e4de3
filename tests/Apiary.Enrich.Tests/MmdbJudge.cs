using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Apiary.TestSupport;

namespace Apiary.Enrich.Tests;

/// <summary>
/// Debian's mmdblookup (package mmdb-bin) as the independent judge of country answers. It takes one address
/// per run, so runs go in parallel (bounded at 4 processes).
/// </summary>
internal static partial class MmdbJudge
{
    public const int Parallelism = 4;

    /// <summary>The country code mmdblookup finds at <c>country.iso_code</c> or <c>country_code</c>; null when none.</summary>
    public static string? Country(string mmdb, string address)
    {
        foreach (var path in new[] { new[] { "country", "iso_code" }, new[] { "country_code" } })
        {
            var r = ExternalTool.Run("mmdblookup", ["--file", mmdb, "--ip", address, .. path], TimeSpan.FromSeconds(30));
            if (r.StdOut.Contains("Could not find an entry", StringComparison.Ordinal) || r.StdErr.Contains("Could not find an entry", StringComparison.Ordinal))
                return null;
            var m = Utf8Value().Match(r.StdOut);
            if (r.ExitCode == 0 && m.Success) return m.Groups[1].Value;
            if (!(r.StdOut + r.StdErr).Contains("lookup path does not match", StringComparison.Ordinal))
                throw new InvalidOperationException($"mmdblookup {address}: exit {r.ExitCode}: {r.StdOut} {r.StdErr}");
        }
        return null;
    }

    public static Dictionary<string, string?> Countries(string mmdb, IEnumerable<string> addresses)
    {
        var answers = new ConcurrentDictionary<string, string?>();
        Parallel.ForEach(addresses, new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            a => answers[a] = Country(mmdb, a));
        return new Dictionary<string, string?>(answers);
    }

    /// <summary>The "Build epoch" line of <c>mmdblookup -v</c>.</summary>
    public static DateTime BuildDate(string mmdb)
    {
        var r = ExternalTool.Run("mmdblookup", ["--file", mmdb, "--ip", "127.0.0.1", "-v"], TimeSpan.FromSeconds(30));
        var m = BuildEpoch().Match(r.StdOut);
        if (!m.Success) throw new InvalidOperationException($"no build epoch in mmdblookup -v output: {r.StdOut}");
        return DateTimeOffset.FromUnixTimeSeconds(long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).UtcDateTime;
    }

    [GeneratedRegex("\"([^\"]*)\" <utf8_string>")]
    private static partial Regex Utf8Value();

    [GeneratedRegex(@"Build epoch:\s+(\d+)")]
    private static partial Regex BuildEpoch();
}
