using System.Globalization;
using System.Text;
using Apiary.Store;
using Apiary.Testbed;

namespace Apiary.Analysis;

/// <summary>
/// Materialises a testbed inventory into store tables (docs/schema.md, "Testbed tables") so analyses are
/// SQL joins, and keeps the inventory's text so a later run without --testbed uses the same one.
/// </summary>
public static class TestbedTables
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS testbed_source (file VARCHAR NOT NULL, text VARCHAR NOT NULL, stored_at TIMESTAMP NOT NULL);
        CREATE TABLE IF NOT EXISTS testbed_platforms (platform VARCHAR NOT NULL, site VARCHAR, timezone VARCHAR NOT NULL);
        CREATE TABLE IF NOT EXISTS testbed_targets (platform VARCHAR NOT NULL, target VARCHAR NOT NULL, address VARCHAR NOT NULL, os VARCHAR);
        CREATE TABLE IF NOT EXISTS testbed_open_ports (platform VARCHAR NOT NULL, target VARCHAR NOT NULL, proto UTINYINT NOT NULL, port INTEGER NOT NULL, valid_from TIMESTAMP, valid_to TIMESTAMP);
        CREATE TABLE IF NOT EXISTS testbed_capture_periods (platform VARCHAR NOT NULL, valid_from TIMESTAMP, valid_to TIMESTAMP);
        """;

    private static readonly string[] Tables = ["testbed_source", "testbed_platforms", "testbed_targets", "testbed_open_ports", "testbed_capture_periods"];

    /// <summary>
    /// Replaces the stored testbed with <paramref name="inventory"/> and keeps its <paramref name="text"/> so a later
    /// run without --testbed reloads it.
    /// </summary>
    public static void Store(IStore store, TestbedInventory inventory, string text)
    {
        Materialise(store, inventory);
        store.Execute("DELETE FROM testbed_source");
        store.Execute($"INSERT INTO testbed_source VALUES ({L(inventory.File)}, {L(text)}, {SqlDialect.Timestamp(DateTime.UtcNow)})");
    }

    /// <summary>Replaces the rows of the testbed tables (not the stored text) with <paramref name="inventory"/>.</summary>
    public static void Materialise(IStore store, TestbedInventory inventory)
    {
        foreach (var statement in Ddl.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            store.Execute(statement);
        foreach (var t in Tables.Skip(1)) store.Execute($"DELETE FROM {t}");
        var platforms = new List<string>();
        var targets = new List<string>();
        var ports = new List<string>();
        var periods = new List<string>();
        foreach (var p in inventory.Platforms)
        {
            platforms.Add($"({L(p.Name)}, {L(p.Site)}, {L(p.TimeZone)})");
            foreach (var c in p.CapturePeriods)
                periods.Add($"({L(p.Name)}, {SqlDialect.Timestamp(c.From)}, {SqlDialect.Timestamp(c.To)})");
            foreach (var t in p.Targets)
            {
                targets.Add($"({L(p.Name)}, {L(t.Name)}, {L(t.Address.ToString())}, {L(t.Os)})");
                // Periods of the same port are merged where they overlap or touch, so a packet matches at most one row.
                var byPort = t.Ports.SelectMany(pp => pp.Tcp.Select(port => (Proto: 6, Port: port, pp.Period))
                        .Concat(pp.Udp.Select(port => (Proto: 17, Port: port, pp.Period))))
                    .GroupBy(x => (x.Proto, x.Port)).OrderBy(g => g.Key.Proto).ThenBy(g => g.Key.Port);
                foreach (var g in byPort)
                    foreach (var period in Merge(g.Select(x => x.Period)))
                        ports.Add(PortRow(p.Name, t.Name, g.Key.Proto, g.Key.Port, period));
            }
        }
        Insert(store, "testbed_platforms", platforms);
        Insert(store, "testbed_targets", targets);
        Insert(store, "testbed_open_ports", ports);
        Insert(store, "testbed_capture_periods", periods);
    }

    /// <summary>The inventory stored by a previous run, or null when none was stored.</summary>
    public static TestbedInventory? LoadStored(IStore store)
    {
        var exists = Values.Long(store.Query(new SqlDialect(store.Dialect).TableExistsQuery("testbed_source")).Scalar());
        if (exists == 0) return null;
        var r = store.Query("SELECT file, text FROM testbed_source");
        if (r.Rows.Count == 0) return null;
        return TestbedLoader.Parse(Values.Text(r.Rows[0][1]), Values.Text(r.Rows[0][0]) + " (stored copy)");
    }

    /// <summary>Union of half-open periods as disjoint periods (null bounds are infinite).</summary>
    internal static IEnumerable<TimePeriod> Merge(IEnumerable<TimePeriod> periods)
    {
        var sorted = periods.OrderBy(p => p.From ?? DateTime.MinValue).ToList();
        TimePeriod? current = null;
        foreach (var p in sorted)
        {
            if (current is null) { current = p; continue; }
            var currentEnd = current.To ?? DateTime.MaxValue;
            if ((p.From ?? DateTime.MinValue) <= currentEnd)
            {
                var end = current.To is null || p.To is null ? (DateTime?)null : (p.To > current.To ? p.To : current.To);
                current = new TimePeriod(current.From, end);
            }
            else
            {
                yield return current;
                current = p;
            }
        }
        if (current is not null) yield return current;
    }

    private static string PortRow(string platform, string target, int proto, int port, TimePeriod period) =>
        string.Create(CultureInfo.InvariantCulture, $"({L(platform)}, {L(target)}, {proto}, {port}, {SqlDialect.Timestamp(period.From)}, {SqlDialect.Timestamp(period.To)})");

    private static void Insert(IStore store, string table, List<string> rows)
    {
        // Inventories are small (a few platforms, tens of targets, hundreds of ports): a few multi-row INSERTs suffice.
        const int RowsPerStatement = 500;
        for (var i = 0; i < rows.Count; i += RowsPerStatement)
        {
            var sb = new StringBuilder($"INSERT INTO {table} VALUES ");
            sb.AppendJoin(", ", rows.Skip(i).Take(RowsPerStatement));
            store.Execute(sb.ToString());
        }
    }

    private static string L(string s) => SqlDialect.Literal(s);
}
