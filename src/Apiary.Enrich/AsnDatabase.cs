using System.Globalization;
using System.Net;
using System.Net.Sockets;
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

    private AsnDatabase(RangeBuilder b, DatabaseProvenance provenance)
    {
        _v4Start = [.. b.V4Start]; _v4End = [.. b.V4End]; _v4Asn = [.. b.V4Asn]; _v4Org = [.. b.V4Org];
        _v6Start = [.. b.V6Start]; _v6End = [.. b.V6End]; _v6Asn = [.. b.V6Asn]; _v6Org = [.. b.V6Org];
        _organisations = [.. b.Organisations];
        ClippedRows = b.Clipped;
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

        var builder = new RangeBuilder();
        foreach (var f in files) builder.ReadFile(f);

        var package = NpmPackageInfo.TryRead(dir);
        // Build date: the time inside the package version (ip-location-db: 2.3.YYYYMMDDHH), else the newest file's date.
        var date = package?.BuildDateFromVersion() ?? files.Max(f => File.GetLastWriteTimeUtc(f));
        var name = package?.Name ?? string.Join("+", files.Select(Path.GetFileName));
        return new AsnDatabase(builder, new DatabaseProvenance(name, files.Count == 1 ? files[0] : full, date, package?.Version));
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
                    if (chars.Length < lineBytes.Length) chars = new char[lineBytes.Length * 2];
                    var span = chars.AsSpan(0, Encoding.UTF8.GetChars(lineBytes, chars));
                    ReadOnlySpan<char> f0, f1, f2;
                    int org;
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
                    var (start, fs) = ParseAddress(f0, numericFamily, file, lineNo);
                    var (end, fe) = ParseAddress(f1, numericFamily, file, lineNo);
                    if (fs != fe) throw Fail(file, lineNo, $"start '{f0}' and end '{f1}' are of different address families");
                    fileFamily ??= fs;
                    if (fs != fileFamily) throw Fail(file, lineNo, $"'{f0}' is not of the file's address family ({fileFamily})");
                    if (end < start) throw Fail(file, lineNo, $"range end '{f1}' is below its start '{f0}'");
                    if (!uint.TryParse(f2, NumberStyles.None, CultureInfo.InvariantCulture, out var asn))
                        throw Fail(file, lineNo, $"AS number '{f2}' is not a number in 0..4294967295");
                    if (any && start < prevStart)
                        throw Fail(file, lineNo, $"range start '{f0}' is lower than the previous row's: rows must be sorted by start");
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

        private int Intern(string org)
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
