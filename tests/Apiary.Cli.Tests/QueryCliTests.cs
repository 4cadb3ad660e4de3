using Apiary.Store.DuckDb;
using Xunit;

namespace Apiary.Cli.Tests;

public sealed class QueryCliTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"apiary-query-{Guid.NewGuid():N}");
    private readonly string _db;

    public QueryCliTests()
    {
        Directory.CreateDirectory(_folder);
        _db = Path.Combine(_folder, "q.duckdb");
        using var store = DuckDbStore.Open(_db);
        store.Execute("""
            INSERT INTO capture_files (file_id, sha256, path, sensor, status, packets, first_ts)
            VALUES (1, 'aa', '/data/a,b "quoted".pcap', 'paris', 'complete', 12, TIMESTAMP '2004-06-01 12:00:00.25'),
                   (2, 'bb', '/data/plain.pcap', 'lyon', 'complete', 3, NULL)
            """);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Table_is_aligned_with_numbers_on_the_right()
    {
        var r = Cli.Run("query", "SELECT sensor, packets FROM capture_files ORDER BY file_id", "--db", _db);
        Assert.Equal(0, r.ExitCode);
        var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sensor  packets", lines[0]);
        Assert.Equal("paris        12", lines[2]);
        Assert.Equal("lyon          3", lines[3]);
        Assert.Equal("(2 rows)", lines[4]);
    }

    [Fact]
    public void Csv_follows_rfc_4180()
    {
        var r = Cli.Run("query", "SELECT file_id, path, first_ts FROM capture_files ORDER BY file_id", "--db", _db, "--format", "csv");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("file_id,path,first_ts\r\n1,\"/data/a,b \"\"quoted\"\".pcap\",2004-06-01 12:00:00.250000\r\n2,/data/plain.pcap,\r\n", r.StdOut);
    }

    [Fact]
    public void Json_is_an_array_of_objects_with_typed_values()
    {
        var r = Cli.Run("query", "SELECT file_id, sensor, packets, first_ts, status = 'complete' AS done FROM capture_files ORDER BY file_id", "--db", _db, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(r.StdOut);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(12, rows[0].GetProperty("packets").GetInt64());
        Assert.Equal("paris", rows[0].GetProperty("sensor").GetString());
        Assert.Equal("2004-06-01T12:00:00.250000", rows[0].GetProperty("first_ts").GetString());
        Assert.True(rows[0].GetProperty("done").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rows[1].GetProperty("first_ts").ValueKind);
    }

    [Fact]
    public void Bad_sql_and_missing_store_fail_with_a_clear_message()
    {
        var bad = Cli.Run("query", "SELEC nonsense", "--db", _db);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("syntax error", bad.StdErr, StringComparison.OrdinalIgnoreCase);

        var missing = Cli.Run("query", "SELECT 1", "--db", Path.Combine(_folder, "nope.duckdb"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("no store at", missing.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "nope.duckdb")));

        var unknown = Cli.Run("query", "SELECT * FROM no_such_table", "--db", _db);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("no_such_table", unknown.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_opens_read_only_and_does_not_change_the_store()
    {
        var r = Cli.Run("query", "DELETE FROM capture_files", "--db", _db);
        Assert.NotEqual(0, r.ExitCode);
        using var store = DuckDbStore.Open(_db, readOnly: true);
        Assert.Equal(2L, Convert.ToInt64(store.Query("SELECT count(*) FROM capture_files").Scalar()));
    }

    [Theory]
    [InlineData("CREATE TABLE packets (file_id INTEGER, src VARCHAR, dst VARCHAR)", "table packets with text addresses")]
    [InlineData("CREATE TABLE fingerprints (file_id INTEGER, src VARCHAR, raw_sig VARCHAR, fp_db VARCHAR)", "table fingerprints with one string set per SYN")]
    public void A_store_of_an_older_layout_is_refused_with_a_message_not_a_stack_trace(string oldTable, string what)
    {
        var old = Path.Combine(_folder, "old.duckdb");
        using (var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={old}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = oldTable;
            cmd.ExecuteNonQuery();
        }
        foreach (var args in new[] { new[] { "query", "SELECT 1", "--db", old }, ["analyze", "totals", "--db", old], ["ingest", "--db", old, _folder] })
        {
            var r = Cli.Run(args);
            Assert.Equal(1, r.ExitCode);
            Assert.Contains($"apiary: {old}: this store was written by an older Apiary ({what})", r.StdErr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
        }
    }
}
