using DuckDB.NET.Data;

namespace Apiary.Store.DuckDb;

/// <summary>
/// The embedded default store: one DuckDB file. Extension autoinstall and autoload are off so that
/// nothing ever tries the network. One process holds the write lock on the file.
/// </summary>
public sealed class DuckDbStore : IStore
{
    private readonly DuckDBConnection _connection;

    public string Dialect => "duckdb";
    public string Path { get; }

    /// <summary>The open connection, for adapters that bulk-load with the Appender.</summary>
    public DuckDBConnection Connection => _connection;

    private DuckDbStore(string path, DuckDBConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    /// <summary>Opens (creating when absent) the store at <paramref name="path"/> and makes sure the schema exists.</summary>
    public static DuckDbStore Open(string path, bool readOnly = false)
    {
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var cs = $"Data Source={full};autoinstall_known_extensions=false;autoload_known_extensions=false" + (readOnly ? ";ACCESS_MODE=READ_ONLY" : "");
        var connection = new DuckDBConnection(cs);
        connection.Open();
        var store = new DuckDbStore(full, connection);
        if (!readOnly)
            foreach (var ddl in Schema.All) store.Execute(ddl);
        return store;
    }

    public void Execute(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public QueryResult Query(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var columns = new string[reader.FieldCount];
        for (var i = 0; i < columns.Length; i++) columns[i] = reader.GetName(i);
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[columns.Length];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return new QueryResult(columns, rows);
    }

    public void Dispose() => _connection.Dispose();
}
