using System.Diagnostics;
using System.Globalization;
using Apiary.Store;
using Apiary.Testbed;

namespace Apiary.Analysis;

/// <summary>
/// Everything an analysis needs: the store, the testbed (or null), the options, and two session-scoped
/// tables built once per run so every analysis reads the same definitions (docs/analyses.md, "Prepared tables"):
/// <c>a_packets</c> (incoming packets with platform, target, source visit, backscatter and open-port flags)
/// and <c>a_sources</c> (one row per source, i.e. per address, platform and visit).
/// </summary>
public sealed class AnalysisContext
{
    private bool _prepared;
    private IReadOnlyList<ObservationWindow>? _windows;
    private IReadOnlyList<(string Platform, string Target)>? _targets;
    private bool _multiPlatform;

    public AnalysisContext(IStore store, TestbedInventory? testbed, AnalysisOptions? options = null)
    {
        Store = store;
        Testbed = testbed;
        Options = options ?? new AnalysisOptions();
        Sql = new SqlDialect(store.Dialect);
    }

    public IStore Store { get; }

    public TestbedInventory? Testbed { get; }

    public AnalysisOptions Options { get; }

    public SqlDialect Sql { get; }

    /// <summary>How long building the prepared tables took (reported by `apiary analyze --timings`).</summary>
    public TimeSpan PrepareTime { get; private set; }

    /// <summary>Each statement of <see cref="Prepare"/> with its time (`apiary analyze --timings`).</summary>
    public IReadOnlyList<(string Step, TimeSpan Time)> PrepareSteps => _steps;

    private readonly List<(string Step, TimeSpan Time)> _steps = [];

    /// <summary>Runs one statement of Prepare and records its time.</summary>
    private void Step(string name, string sql)
    {
        var sw = Stopwatch.StartNew();
        Store.Execute(sql);
        _steps.Add((name, sw.Elapsed));
    }

    /// <summary>Runs a query after the prepared tables exist.</summary>
    public QueryResult Query(string sql)
    {
        Prepare();
        return Store.Query(sql);
    }

    public bool TableExists(string table) => Values.Long(Store.Query(Sql.TableExistsQuery(table)).Scalar()) > 0;

    public IReadOnlyList<string> ColumnsOf(string table) =>
        Store.Query(Sql.ColumnsQuery(table)).Rows.Select(r => Values.Text(r[0])).ToList();

    /// <summary>The SQL condition on capture_files f and packets p implementing --from, --to and --platform.</summary>
    public string FilterCondition(string fileAlias = "f", string packetAlias = "p")
    {
        var parts = new List<string> { $"{fileAlias}.status = 'complete'" };
        if (Options.From is { } from) parts.Add($"{packetAlias}.ts >= {SqlDialect.Timestamp(from)}");
        if (Options.To is { } to) parts.Add($"{packetAlias}.ts < {SqlDialect.Timestamp(to)}");
        if (Options.Platform is { } platform) parts.Add($"{fileAlias}.sensor = {SqlDialect.Literal(platform)}");
        return string.Join(" AND ", parts);
    }

    /// <summary>
    /// With declared capture periods, only packets inside them are analysed (rates divide by those hours); packets
    /// outside are counted by the data-quality analysis. Platforms without periods keep every packet.
    /// </summary>
    private string InsideCapturePeriods()
    {
        if (Testbed is null) return "";
        var terms = new List<string>();
        foreach (var pl in Testbed.Platforms)
        {
            if (pl.CapturePeriods.Count == 0) { terms.Add($"f.sensor = {SqlDialect.Literal(pl.Name)}"); continue; }
            foreach (var c in pl.CapturePeriods)
                terms.Add($"(f.sensor = {SqlDialect.Literal(pl.Name)}{(c.From is null ? "" : " AND p.ts >= " + SqlDialect.Timestamp(c.From))}{(c.To is null ? "" : " AND p.ts < " + SqlDialect.Timestamp(c.To))})");
        }
        return terms.Count == 0 ? "" : "AND (" + string.Join(" OR ", terms) + ")";
    }

    /// <summary>Builds a_packets and a_sources (idempotent within a context).</summary>
    public void Prepare()
    {
        if (_prepared) return;
        var sw = Stopwatch.StartNew();
        var gapMicros = (long)Options.SourceGap.TotalMicroseconds;
        var withTestbed = Testbed is not null;
        if (Testbed is not null) TestbedTables.Materialise(Store, Testbed);

        var backscatter = $"""
            COALESCE((p.proto = 6 AND ({Sql.BitAnd("p.tcp_flags", "18")} = 18 OR {Sql.BitAnd("p.tcp_flags", "4")} = 4))
              OR (p.proto = 1 AND p.icmp_type IN (0, 3, 4, 5, 11, 12, 14, 16, 18))
              OR (p.proto = 58 AND p.icmp_type IN (1, 2, 3, 4, 129))
              OR (p.proto = 17 AND p.sport = 53), false)
            """;
        // With a testbed: incoming = to a target address, from an address that is not a target. Open-port periods
        // are merged per port when materialised, so the LEFT JOIN matches at most one row.
        // Addresses are compared as 128-bit keys (ip_key, docs/schema.md): the stored integers, never their text.
        if (Testbed is not null)
        {
            MaterialiseTargetKeys(Testbed);
            // Unbounded sides as -infinity/infinity: plain range conditions let DuckDB keep the hash join on the
            // equality keys (with "IS NULL OR" in the ON clause, building a_packets took 2.4 times as long on 10M packets).
            Step("a_open_ports", Sql.CreateTempTableAs("a_open_ports", """
                SELECT platform, target, proto, port, COALESCE(valid_from, '-infinity'::TIMESTAMP) AS valid_from,
                       COALESCE(valid_to, 'infinity'::TIMESTAMP) AS valid_to
                FROM testbed_open_ports
                """));
        }
        var joins = withTestbed
            ? """
              JOIN a_target_keys t ON t.platform = f.sensor AND t.ip = ip_key(p.dst4, p.dst6)
              LEFT JOIN a_target_keys s ON s.platform = f.sensor AND s.ip = ip_key(p.src4, p.src6)
              LEFT JOIN a_open_ports o ON o.platform = f.sensor AND o.target = t.target AND o.proto = p.proto AND o.port = p.dport
                   AND p.ts >= o.valid_from AND p.ts < o.valid_to
              """
            : "";
        var select = $"""
            SELECT f.sensor AS platform, {(withTestbed ? "t.target" : "addr_text(p.dst4, p.dst6)")} AS target, p.ts, {Sql.EpochMicros("p.ts")} AS t_us,
                   {Sql.MonthKey("p.ts")} AS month, ip_key(p.src4, p.src6) AS src, p.proto, p.sport, p.dport, p.tcp_flags, p.icmp_type,
                   {backscatter} AS is_backscatter,
                   {(withTestbed ? "o.port IS NOT NULL" : "CAST(NULL AS BOOLEAN)")} AS is_open,
                   CAST(0 AS BIGINT) AS visit
            FROM packet_rows p
            JOIN capture_files f ON f.file_id = p.file_id
            {joins}
            WHERE {FilterCondition()} AND (p.src4 IS NOT NULL OR p.src6 IS NOT NULL) {(withTestbed ? "AND s.ip IS NULL" : "")} {InsideCapturePeriods()}
            """;
        Step("a_packets", Sql.CreateTempTableAs("a_packets", select));

        // Sources: an address's packets split where the silence exceeds the gap. Only addresses active for longer
        // than the gap can split, so only their packets go through the (sorting) window functions.
        Step("a_long", Sql.CreateTempTableAs("a_long", $"""
            SELECT platform, src FROM a_packets GROUP BY platform, src HAVING MAX(t_us) - MIN(t_us) > {gapMicros}
            """));
        if (Values.Long(Store.Query("SELECT COUNT(*) FROM a_long").Scalar()) > 0)
        {
            Step("a_long_packets", Sql.CreateTempTableAs("a_long_packets", """
                SELECT p.* FROM a_packets p JOIN a_long l ON l.platform = p.platform AND l.src = p.src
                """));
            Step("delete long", "DELETE FROM a_packets WHERE EXISTS (SELECT 1 FROM a_long l WHERE l.platform = a_packets.platform AND l.src = a_packets.src)");
            Step("insert visits", $"""
                INSERT INTO a_packets
                SELECT platform, target, ts, t_us, month, src, proto, sport, dport, tcp_flags, icmp_type, is_backscatter, is_open,
                       SUM(new_visit) OVER (PARTITION BY platform, src ORDER BY t_us ROWS UNBOUNDED PRECEDING) AS visit
                FROM (SELECT x.*, CASE WHEN t_us - LAG(t_us) OVER (PARTITION BY platform, src ORDER BY t_us) > {gapMicros} THEN 1 ELSE 0 END AS new_visit
                      FROM a_long_packets x) y
                """);
            Store.Execute(Sql.DropTempTable("a_long_packets"));
        }
        Step("a_sources", Sql.CreateTempTableAs("a_sources", """
            SELECT platform, src, ip_text(src) AS src_text, visit, MIN(ts) AS first_ts, MAX(ts) AS last_ts, MIN(t_us) AS first_us, MAX(t_us) AS last_us,
                   COUNT(*) AS packets, COUNT(DISTINCT target) AS targets, MIN(month) AS first_month
            FROM a_packets GROUP BY platform, src, visit
            """));
        _prepared = true;
        PrepareTime = sw.Elapsed;
    }

    /// <summary>
    /// a_target_keys(platform, target, ip): the testbed's target addresses as the 128-bit keys of ip_key, so that
    /// a_packets joins on integers (an inventory holds tens of targets: one INSERT).
    /// </summary>
    private void MaterialiseTargetKeys(TestbedInventory testbed)
    {
        Store.Execute(Sql.CreateTempTableAs("a_target_keys", "SELECT CAST(NULL AS VARCHAR) AS platform, CAST(NULL AS VARCHAR) AS target, CAST(NULL AS UHUGEINT) AS ip WHERE false"));
        var rows = testbed.Platforms.SelectMany(p => p.Targets.Select(t =>
            $"({SqlDialect.Literal(p.Name)}, {SqlDialect.Literal(t.Name)}, {new UInt128(t.Address.Hi, t.Address.Lo).ToString(CultureInfo.InvariantCulture)}::UHUGEINT)")).ToList();
        if (rows.Count > 0) Store.Execute("INSERT INTO a_target_keys VALUES " + string.Join(", ", rows));
    }

    /// <summary>
    /// The targets in display order: the testbed's order (mach0, mach1, mach2) when there is one, else the
    /// destination addresses seen, most packets first.
    /// </summary>
    public IReadOnlyList<(string Platform, string Target)> Targets()
    {
        if (_targets is not null) return _targets;
        Prepare();
        if (Testbed is not null)
            _targets = Testbed.Platforms.Where(p => Options.Platform is null || p.Name == Options.Platform)
                .SelectMany(p => p.Targets.Select(t => (p.Name, t.Name))).ToList();
        else
            _targets = Query("SELECT platform, target, COUNT(*) AS n FROM a_packets GROUP BY platform, target ORDER BY n DESC, platform, target")
                .Rows.Select(r => (Values.Text(r[0]), Values.Text(r[1]))).ToList();
        _multiPlatform = _targets.Select(t => t.Platform).Distinct().Skip(1).Any();
        return _targets;
    }

    /// <summary>
    /// Per platform, the time observed: the declared capture periods (or all time) clipped to --from/--to and to
    /// the first and last packet of that platform's capture files. Rates divide by these hours.
    /// </summary>
    public IReadOnlyList<ObservationWindow> Windows()
    {
        if (_windows is not null) return _windows;
        Prepare();
        var spans = Store.Query($"""
            SELECT f.sensor, MIN(f.first_ts), MAX(f.last_ts) FROM capture_files f
            WHERE f.status = 'complete' AND f.first_ts IS NOT NULL {(Options.Platform is null ? "" : "AND f.sensor = " + SqlDialect.Literal(Options.Platform))}
            GROUP BY f.sensor ORDER BY f.sensor
            """);
        var result = new List<ObservationWindow>();
        foreach (var row in spans.Rows)
        {
            var platform = Values.Text(row[0]);
            var first = Values.Time(row[1]);
            var last = Values.Time(row[2]);
            var lo = Max(first, Options.From);
            var hi = Min(last, Options.To);
            var declared = Testbed?.FindPlatform(platform)?.CapturePeriods ?? [];
            var intervals = new List<(DateTime From, DateTime To)>();
            if (declared.Count == 0) intervals.Add((lo, hi));
            else
                foreach (var period in declared)
                {
                    // A bounded declared side counts even where no packet arrived (quiet is data); an open side stops at the data.
                    var a = period.From is { } pf ? Max(pf, Options.From) : lo;
                    var b = period.To is { } pt ? Min(pt, Options.To) : hi;
                    if (b > a) intervals.Add((a, b));
                }
            var hours = intervals.Where(i => i.To > i.From).Sum(i => (i.To - i.From).TotalHours);
            result.Add(new ObservationWindow(platform, intervals, hours));
        }
        _windows = result;
        return result;
    }

    /// <summary>Hours covered by the union of every platform's observation intervals.</summary>
    public double ObservedHoursUnion()
    {
        var all = Windows().SelectMany(w => w.Intervals).Where(i => i.To > i.From).OrderBy(i => i.From).ToList();
        double hours = 0;
        DateTime? curFrom = null, curTo = null;
        foreach (var (from, to) in all)
        {
            if (curTo is null || from > curTo) { if (curTo is not null) hours += (curTo.Value - curFrom!.Value).TotalHours; curFrom = from; curTo = to; }
            else if (to > curTo) curTo = to;
        }
        if (curTo is not null) hours += (curTo.Value - curFrom!.Value).TotalHours;
        return hours;
    }

    /// <summary>"mach0" on a single platform, "platform/mach0" when several platforms are analysed together.</summary>
    public string TargetLabel(string platform, string target)
    {
        Targets();
        return _multiPlatform ? platform + "/" + target : target;
    }

    /// <summary>The platform's time zone (testbed), UTC otherwise.</summary>
    public TimeZoneInfo TimeZoneOf(string platform) =>
        Testbed?.FindPlatform(platform)?.TimeZoneInfo ?? TimeZoneInfo.Utc;

    private static DateTime Max(DateTime a, DateTime? b) => b is { } v && v > a ? v : a;

    private static DateTime Min(DateTime a, DateTime? b) => b is { } v && v < a ? v : a;

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The time a platform was observed (see <see cref="AnalysisContext.Windows"/>).</summary>
public sealed record ObservationWindow(string Platform, IReadOnlyList<(DateTime From, DateTime To)> Intervals, double Hours);
