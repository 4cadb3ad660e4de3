using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Apiary.Core;

namespace Apiary.Enrich;

/// <summary>
/// IP-range to AS number and organisation, loaded from ip-location-db style CSV files
/// (<c>range_start,range_end,as_number,as_organisation</c>, inclusive ranges, addresses as text or as decimal
/// numbers) into sorted arrays: IPv4 as uint ranges, IPv6 as 128-bit ranges; a lookup is a binary search.
/// Rows must be sorted by range start. Where rows overlap (the published data has a few), the first row in
/// file order wins: later rows are clipped to start after the highest end seen so far, and counted in
/// <see cref="ClippedRows"/>. Immutable after loading, so thread-safe.
/// </summary>
public sealed class AsnDatabase
{
    /// <summary>The files read when <c>--asn-db</c> names a folder (the @ip-location-db/asn package layout).</summary>
    public static readonly string[] PackageFiles = ["asn-ipv4-num.csv", "asn-ipv6-num.csv"];

    private readonly uint[] _v4Start, _v4End, _v4Asn;
    private readonly int[] _v4Org;
    private readonly IpAddress128[] _v6Start, _v6End;
    private readonly uint[] _v6Asn;
    private readonly int[] _v6Org;
    private readonly string[] _organisations;

    public DatabaseProvenance Provenance { get; }

    /// <summary>Rows shortened or dropped because an earlier row already covered part of their range.</summary>
    public int ClippedRows { get; }

    public int V4Ranges => _v4Start.Length;

    public int V6Ranges => _v6Start.Length;

    /// <summary>The ranges of the files' builders (one per file, in file order) put together.</summary>
    private AsnDatabase(IReadOnlyList<RangeBuilder> builders, DatabaseProvenance provenance)
    {
        // One organisation table for all files: the second file's indexes are mapped into the first's.
        var first = builders[0];
        var v4Org = new List<int>(first.V4Org);
        var v6Org = new List<int>(first.V6Org);
        for (var i = 1; i < builders.Count; i++)
        {
            var b = builders[i];
            var map = b.Organisations.Select(first.Intern).ToArray();
            v4Org.AddRange(b.V4Org.Select(o => map[o]));
            v6Org.AddRange(b.V6Org.Select(o => map[o]));
        }
        _v4Start = [.. builders.SelectMany(b => b.V4Start)]; _v4End = [.. builders.SelectMany(b => b.V4End)];
        _v4Asn = [.. builders.SelectMany(b => b.V4Asn)]; _v4Org = [.. v4Org];
        _v6Start = [.. builders.SelectMany(b => b.V6Start)]; _v6End = [.. builders.SelectMany(b => b.V6End)];
        _v6Asn = [.. builders.SelectMany(b => b.V6Asn)]; _v6Org = [.. v6Org];
        _organisations = [.. first.Organisations];
        ClippedRows = builders.Sum(b => b.Clipped);
        Provenance = provenance;
    }

    /// <summary>
    /// Loads a folder (reads <see cref="PackageFiles"/>; at least one must exist) or a single CSV file.
    /// Fails with file:line and the offending token on a bad row.
    /// </summary>
    public static AsnDatabase Load(string path)
    {
        var full = Path.GetFullPath(path);
        List<string> files;
        string? dir;
        if (Directory.Exists(full))
        {
            dir = full;
            files = PackageFiles.Select(f => Path.Combine(full, f)).Where(File.Exists).ToList();
            if (files.Count == 0)
                throw new EnrichmentDatabaseException($"{full}: no ASN CSV found (expected {string.Join(" or ", PackageFiles)})");
        }
        else if (File.Exists(full))
        {
            dir = Path.GetDirectoryName(full);
            files = [full];
        }
        else throw new EnrichmentDatabaseException($"{full}: ASN database not found");

        // The files (IPv4 and IPv6 of the package) are parsed at the same time: opening the databases is on the
        // path of every `apiary enrich` and ingest, and the IPv4 file alone is 21 MB. Order is kept for the result.
        var builders = files.Select(_ => new RangeBuilder()).ToArray();
        try
        {
            Parallel.For(0, files.Count, i => builders[i].ReadFile(files[i]));
        }
        catch (AggregateException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        var package = NpmPackageInfo.TryRead(dir);
        // Build date: the time inside the package version (ip-location-db: 2.3.YYYYMMDDHH), else the newest file's date.
        var date = package?.BuildDateFromVersion() ?? files.Max(f => File.GetLastWriteTimeUtc(f));
        var name = package?.Name ?? string.Join("+", files.Select(Path.GetFileName));
        return new AsnDatabase(builders, new DatabaseProvenance(name, files.Count == 1 ? files[0] : full, date, package?.Version));
    }

    /// <summary>The AS announcing <paramref name="address"/>, or null when no range holds it.</summary>
    public AsnAnswer? Lookup(IpAddress128 address)
    {
        if (address.IsV4)
        {
            var ip = address.V4;
            int lo = 0, hi = _v4Start.Length - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (int)(((uint)lo + (uint)hi) >> 1);
                if (_v4Start[mid] <= ip) { found = mid; lo = mid + 1; } else hi = mid - 1;
            }
            return found >= 0 && ip <= _v4End[found] ? new AsnAnswer(_v4Asn[found], _organisations[_v4Org[found]]) : null;
        }
        else
        {
            int lo = 0, hi = _v6Start.Length - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (int)(((uint)lo + (uint)hi) >> 1);
                if (Compare(_v6Start[mid], address) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
            }
            return found >= 0 && Compare(address, _v6End[found]) <= 0 ? new AsnAnswer(_v6Asn[found], _organisations[_v6Org[found]]) : null;
        }
    }

    internal static int Compare(IpAddress128 a, IpAddress128 b) => a.Hi != b.Hi ? a.Hi.CompareTo(b.Hi) : a.Lo.CompareTo(b.Lo);

    private static IpAddress128 FromUInt128(UInt128 v) => new((ulong)(v >> 64), (ulong)v);

    private static UInt128 ToUInt128(IpAddress128 a) => ((UInt128)a.Hi << 64) | a.Lo;

    /// <summary>Accumulates rows of one or more files; checks order and clips overlaps.</summary>
    private sealed class RangeBuilder
    {
        public readonly List<uint> V4Start = [], V4End = [], V4Asn = [];
        public readonly List<int> V4Org = [];
        public readonly List<IpAddress128> V6Start = [], V6End = [];
        public readonly List<uint> V6Asn = [];
        public readonly List<int> V6Org = [];
        public readonly List<string> Organisations = [];
        private readonly Dictionary<string, int> _orgIndex = new(StringComparer.Ordinal);

        /// <summary>The organisation index of each AS number's latest row (about 90,000 AS numbers in the package).</summary>
        private readonly Dictionary<uint, int> _orgOfAsn = [];
        public int Clipped;

        public void ReadFile(string file)
        {
            var name = Path.GetFileName(file);
            // Numeric rows carry no family: the file name says it (ip-location-db: *-ipv4-num.csv, *-ipv6-num.csv).
            AddressFamily? numericFamily = name.Contains("ipv6", StringComparison.OrdinalIgnoreCase) ? AddressFamily.InterNetworkV6
                : name.Contains("ipv4", StringComparison.OrdinalIgnoreCase) ? AddressFamily.InterNetwork : null;
            var fields = new List<string>(4);
            var lineNo = 0;
            AddressFamily? fileFamily = null;
            UInt128 prevStart = 0, maxEnd = 0;
            var any = false;
            try
            {
                // The whole file at once (tens of MB, read once per run) and one reused char buffer per line: a
                // string per line was most of the load time for the half million rows of the package.
                var bytes = File.ReadAllBytes(file);
                var chars = new char[256];
                var rest = bytes.AsSpan();
                if (rest.StartsWith("\uFEFF"u8)) rest = rest[3..];
                while (!rest.IsEmpty)
                {
                    var newline = rest.IndexOf((byte)'\n');
                    var lineBytes = newline < 0 ? rest : rest[..newline];
                    rest = newline < 0 ? [] : rest[(newline + 1)..];
                    if (!lineBytes.IsEmpty && lineBytes[^1] == (byte)'\r') lineBytes = lineBytes[..^1];
                    lineNo++;
                    if (lineBytes.IsEmpty) continue;
                    UInt128 start, end;
                    uint asn;
                    int org;
                    AddressFamily fs;
                    if (numericFamily is { } nf && (fileFamily is null || fileFamily == nf)
                        && TryNumericRow(lineBytes, ref chars, out start, out end, out asn, out org)
                        && end >= start && !(any && start < prevStart) && (nf != AddressFamily.InterNetwork || end <= uint.MaxValue))
                    {
                        fs = nf;
                        fileFamily = nf;
                    }
                    else
                    {
                        // Everything else (text addresses, a header, quotes inside a name, a bad row): the general
                        // path, which also words the errors.
                        if (chars.Length < lineBytes.Length) chars = new char[lineBytes.Length * 2];
                        var span = chars.AsSpan(0, Encoding.UTF8.GetChars(lineBytes, chars));
                        ReadOnlySpan<char> f0, f1, f2;
                        if (span.Contains('"'))
                        {
                            // Quoted fields (organisation names with commas or quotes): the full CSV rules.
                            var line = span.ToString();
                            var err = CsvLine.Split(line, fields);
                            if (err != null) throw Fail(file, lineNo, err);
                            if (lineNo == 1 && fields.Count > 0 && IsHeader(fields[0])) continue;
                            if (fields.Count != 4) throw Fail(file, lineNo, $"expected 4 fields (start,end,asn,organisation), found {fields.Count}: '{Truncate(line)}'");
                            f0 = fields[0]; f1 = fields[1]; f2 = fields[2];
                            org = Intern(fields[3]);
                        }
                        else
                        {
                            // Fast path for the common unquoted row: split on the three commas without allocating.
                            var c1 = span.IndexOf(',');
                            var c2 = c1 < 0 ? -1 : span[(c1 + 1)..].IndexOf(',') + c1 + 1;
                            var c3 = c2 <= c1 ? -1 : span[(c2 + 1)..].IndexOf(',') + c2 + 1;
                            if (c1 < 0 || c2 <= c1 || c3 <= c2 || span[(c3 + 1)..].Contains(','))
                            {
                                if (lineNo == 1 && IsHeader(span)) continue;
                                throw Fail(file, lineNo, $"expected 4 fields (start,end,asn,organisation), found {span.Count(',') + 1}: '{Truncate(span.ToString())}'");
                            }
                            f0 = span[..c1]; f1 = span[(c1 + 1)..c2]; f2 = span[(c2 + 1)..c3];
                            if (lineNo == 1 && IsHeader(f0)) continue;
                            org = Intern(span[(c3 + 1)..]);
                        }
                        (start, fs) = ParseAddress(f0, numericFamily, file, lineNo);
                        (end, var fe) = ParseAddress(f1, numericFamily, file, lineNo);
                        if (fs != fe) throw Fail(file, lineNo, $"start '{f0}' and end '{f1}' are of different address families");
                        fileFamily ??= fs;
                        if (fs != fileFamily) throw Fail(file, lineNo, $"'{f0}' is not of the file's address family ({fileFamily})");
                        if (end < start) throw Fail(file, lineNo, $"range end '{f1}' is below its start '{f0}'");
                        if (!uint.TryParse(f2, NumberStyles.None, CultureInfo.InvariantCulture, out asn))
                            throw Fail(file, lineNo, $"AS number '{f2}' is not a number in 0..4294967295");
                        if (any && start < prevStart)
                            throw Fail(file, lineNo, $"range start '{f0}' is lower than the previous row's: rows must be sorted by start");
                    }
                    prevStart = start;
                    if (any && start <= maxEnd)
                    {
                        // Overlap with an earlier row: the earlier row keeps the shared addresses.
                        Clipped++;
                        if (end <= maxEnd) continue;
                        start = maxEnd + 1;
                    }
                    if (!any || end > maxEnd) maxEnd = end;
                    any = true;
                    if (fs == AddressFamily.InterNetwork)
                    {
                        V4Start.Add((uint)start); V4End.Add((uint)end); V4Asn.Add(asn); V4Org.Add(org);
                    }
                    else
                    {
                        V6Start.Add(FromUInt128(start)); V6End.Add(FromUInt128(end)); V6Asn.Add(asn); V6Org.Add(org);
                    }
                }
            }
            catch (IOException ex)
            {
                throw new EnrichmentDatabaseException($"{file}:{lineNo}: cannot read: {ex.Message}", ex);
            }
            if (!any) throw new EnrichmentDatabaseException($"{file}: no ASN ranges in the file");
        }

        /// <summary>
        /// The package's rows (<c>*-num.csv</c>) straight from the bytes: three unquoted decimal numbers and the
        /// organisation, unquoted or quoted as a whole without quotes inside. Returns false for anything else,
        /// which the general path then reads (or reports). Parsing decimal digits here instead of decoding the line
        /// and calling UInt128.TryParse halves the load time of the 515,000 rows.
        /// </summary>
        private bool TryNumericRow(ReadOnlySpan<byte> line, ref char[] chars, out UInt128 start, out UInt128 end, out uint asn, out int org)
        {
            start = end = 0; asn = 0; org = -1;
            var c1 = line.IndexOf((byte)',');
            if (c1 <= 0 || !TryDecimal(line[..c1], out start)) return false;
            line = line[(c1 + 1)..];
            var c2 = line.IndexOf((byte)',');
            if (c2 <= 0 || !TryDecimal(line[..c2], out end)) return false;
            line = line[(c2 + 1)..];
            var c3 = line.IndexOf((byte)',');
            if (c3 <= 0 || !TryDecimal(line[..c3], out var asnValue) || asnValue > uint.MaxValue) return false;
            asn = (uint)asnValue;
            var name = line[(c3 + 1)..];
            if (name.Length >= 2 && name[0] == (byte)'"' && name[^1] == (byte)'"') name = name[1..^1];
            if (name.IndexOfAny((byte)'"', (byte)',') >= 0 && line[c3 + 1] != (byte)'"') return false;
            if (name.Contains((byte)'"')) return false;
            // An AS has one name in the package, on many rows: compare with the name its last row had (no hashing,
            // no decoding) before interning the text.
            ref var known = ref CollectionsMarshal.GetValueRefOrAddDefault(_orgOfAsn, asn, out var seen);
            if (seen && System.Text.Ascii.Equals(name, Organisations[known])) { org = known; return true; }
            if (chars.Length < name.Length) chars = new char[name.Length * 2];
            org = known = Intern(chars.AsSpan(0, Encoding.UTF8.GetChars(name, chars)));
            return true;
        }

        /// <summary>10^19, the largest power of ten below 2^64: decimal digits are read 19 at a time into a ulong.</summary>
        private const ulong TenPow19 = 10_000_000_000_000_000_000UL;

        /// <summary>A non-empty run of at most 39 ASCII digits (an IPv6 address number fits) that fits in 128 bits.</summary>
        private static bool TryDecimal(ReadOnlySpan<byte> digits, out UInt128 value)
        {
            value = 0;
            if (digits.IsEmpty || digits.Length > 39) return false;
            if (digits.Length <= 19) { var ok = TryDecimal19(digits, out var v); value = v; return ok; }
            if (digits.Length <= 38)
            {
                // high * 10^19 + low, both at most 19 digits: one 64x64-bit multiplication, no overflow possible.
                var split = digits.Length - 19;
                if (!TryDecimal19(digits[..split], out var high) || !TryDecimal19(digits[split..], out var low)) return false;
                var upper = Math.BigMul(high, TenPow19, out var lower);
                value = new UInt128(upper, lower) + low;
                return true;
            }
            // 39 digits (addresses from 10^38 up, outside today's global unicast): digit by digit, checked.
            foreach (var b in digits)
            {
                var d = (uint)(b - '0');
                if (d > 9) return false;
                try { value = checked(value * 10 + d); } catch (OverflowException) { return false; }
            }
            return true;
        }

        private static bool TryDecimal19(ReadOnlySpan<byte> digits, out ulong value)
        {
            value = 0;
            foreach (var b in digits)
            {
                var d = (uint)(b - '0');
                if (d > 9) return false;
                value = value * 10 + d;
            }
            return true;
        }

        /// <summary>A first line whose first field is a word (e.g. ip_range_start) is a header.</summary>
        private static bool IsHeader(ReadOnlySpan<char> first) =>
            first.Length > 0 && char.IsLetter(first[0]) && !first.Contains(':') && !IPAddress.TryParse(first, out _);

        private static EnrichmentDatabaseException Fail(string file, int line, string problem) => new($"{file}:{line}: {problem}");

        private static (UInt128 Value, AddressFamily Family) ParseAddress(ReadOnlySpan<char> token, AddressFamily? numericFamily, string file, int line)
        {
            if (token.Contains('.') || token.Contains(':'))
            {
                if (!IPAddress.TryParse(token, out var ip))
                    throw Fail(file, line, $"'{token}' is not an IP address");
                var a = IpAddress128.FromIPAddress(ip);
                return ip.AddressFamily == AddressFamily.InterNetwork ? (a.V4, AddressFamily.InterNetwork) : (ToUInt128(a), AddressFamily.InterNetworkV6);
            }
            if (!UInt128.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw Fail(file, line, $"'{token}' is neither an IP address nor a decimal address number");
            if (numericFamily is null)
                throw Fail(file, line, $"numeric address '{token}' in a file whose name says neither ipv4 nor ipv6");
            if (numericFamily == AddressFamily.InterNetwork && n > uint.MaxValue)
                throw Fail(file, line, $"'{token}' is larger than an IPv4 address");
            return (n, numericFamily.Value);
        }

        private int Intern(ReadOnlySpan<char> org)
        {
            var lookup = _orgIndex.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(org, out var i)) return i;
            return Intern(org.ToString());
        }

        public int Intern(string org)
        {
            if (_orgIndex.TryGetValue(org, out var i)) return i;
            i = Organisations.Count;
            Organisations.Add(org);
            _orgIndex.Add(org, i);
            return i;
        }

        private static string Truncate(string s) => s.Length <= 120 ? s : s[..120] + "...";
    }
}
