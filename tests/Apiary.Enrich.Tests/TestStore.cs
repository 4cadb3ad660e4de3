using System.Globalization;
using Apiary.Store;
using Apiary.Store.DuckDb;

namespace Apiary.Enrich.Tests;

/// <summary>A real DuckDB store in a temp folder, with helpers to add capture files and packets as ingest would.</summary>
internal sealed class TestStore : IDisposable
{
    private readonly TempDir _dir = new();
    private int _nextFile = 1;

    public DuckDbStore Store { get; }

    public TestStore() => Store = DuckDbStore.Open(_dir.File("apiary.duckdb"));

    public string Dir => _dir.Path;

    /// <summary>Adds a complete capture file of <paramref name="sensor"/> with one packet per (src, ts) given.</summary>
    public int AddFile(string sensor, params (string Src, string Ts)[] packets)
    {
        var id = _nextFile++;
        Store.Execute($"INSERT INTO capture_files (file_id, sha256, path, sensor, status) VALUES ({id}, 'sha{id}', '/x/{id}.pcap', '{sensor}', 'complete')");
        var frame = 1;
        foreach (var (src, ts) in packets)
        {
            var (src4, src6) = Schema.AddressLiterals(src);
            Store.Execute($"INSERT INTO packet_rows (file_id, frame, ts, ip_ver, src4, src6, dst4) VALUES ({id}, {frame++}, TIMESTAMP '{ts}', {(src6 == "NULL" ? 4 : 6)}, {src4}, {src6}, {Schema.AddressLiterals("192.0.2.1").V4})");
        }
        return id;
    }

    public QueryResult Sources() => Store.Query("SELECT * FROM sources ORDER BY sensor, address");

    public static object? Get(QueryResult r, string address, string column, string sensor = "s1")
    {
        var row = r.Rows.Single(x => (string)x[r.ColumnIndex("address")]! == address && (string)x[r.ColumnIndex("sensor")]! == sensor);
        return row[r.ColumnIndex(column)];
    }

    public long Count(string sql) => Convert.ToInt64(Store.Query(sql).Scalar(), CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Store.Dispose();
        _dir.Dispose();
    }
}
