using Apiary.Core;
using DuckDB.NET.Data;

namespace Apiary.Store.DuckDb;

/// <summary>
/// The embedded default store: one DuckDB file. Extension autoinstall and autoload are off so that
/// nothing ever tries the network. One process holds the write lock on the file.
/// </summary>
public sealed class DuckDbStore : IIngestStore, IBulkAppendStore
{
    /// <summary>
    /// DuckDB's buffer-pool limit: the ingest's peak memory target is 1 GiB for the whole process, and DuckDB
    /// spills to disk beyond this. Queries of the analyses fit in it at honeypot scale.
    /// </summary>
    public const string DefaultMemoryLimit = "512MB";

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
    /// <param name="readOnly">Open without the write lock; the file must exist.</param>
    /// <param name="memoryLimit">DuckDB memory_limit (e.g. "512MB").</param>
    /// <param name="threads">DuckDB worker threads; 0 keeps DuckDB's default (one per core).</param>
    public static DuckDbStore Open(string path, bool readOnly = false, string memoryLimit = DefaultMemoryLimit, int threads = 0)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (readOnly && !File.Exists(full))
            throw new FileNotFoundException($"no store at {full}", full);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!readOnly && !string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var cs = $"Data Source={full};autoinstall_known_extensions=false;autoload_known_extensions=false" + (readOnly ? ";ACCESS_MODE=READ_ONLY" : "");
        var connection = new DuckDBConnection(cs);
        try
        {
            connection.Open();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        var store = new DuckDbStore(full, connection);
        try
        {
            store.Execute($"SET memory_limit = '{memoryLimit.Replace("'", "", StringComparison.Ordinal)}'");
            if (threads > 0) store.Execute($"SET threads = {threads}");
            store.RefuseOldLayout();
            if (!readOnly)
            {
                store.FoldFingerprintRows();
                foreach (var ddl in Schema.All) store.Execute(ddl);
            }
        }
        catch
        {
            store.Dispose();
            throw;
        }
        return store;
    }

    /// <summary>
    /// Stores written by an older Apiary hold, as base tables, what is now a view over narrower tables:
    /// <c>packets</c> with text addresses (now <c>packet_rows</c>), or <c>fingerprints</c> with its strings per
    /// SYN (now <c>packet_rows.fp</c> + <c>fingerprint_signatures</c>). Converting would re-parse every address;
    /// re-ingesting the captures is the same work and keeps one code path: say so instead of failing later.
    /// </summary>
    private void RefuseOldLayout()
    {
        foreach (var (table, what) in new[] { ("packets", "table packets with text addresses"), ("fingerprints", "table fingerprints with one string set per SYN") })
        {
            if (this.TableType(table) == "BASE TABLE")
                throw new StoreFormatException($"{Path}: this store was written by an older Apiary ({what}); ingest the captures into a new store");
        }
    }

    /// <summary>
    /// Stores written before the fingerprints were folded into the packet rows keep them in a table
    /// <c>fingerprint_rows</c> (one row per fingerprinted packet, with its time, addresses and ports repeated) and
    /// have no <c>packet_rows.fp</c>: add the column, pack each row into its packet's (Schema.FingerprintSigIdSql)
    /// and drop the table, in one transaction (an interrupted migration leaves the store as it was).
    /// </summary>
    private void FoldFingerprintRows()
    {
        if (this.TableType("packet_rows") != "BASE TABLE") return;
        var hasFp = Convert.ToInt64(Query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'packet_rows' AND column_name = 'fp'").Scalar(),
            System.Globalization.CultureInfo.InvariantCulture) > 0;
        if (hasFp) return;
        var hasRows = this.TableType("fingerprint_rows") == "BASE TABLE";
        this.InTransaction(() =>
        {
            Execute("ALTER TABLE packet_rows ADD COLUMN fp BIGINT");
            if (!hasRows) return;
            Execute("DROP VIEW IF EXISTS fingerprints");
            Execute("""
                UPDATE packet_rows SET fp = (r.sig_id::BIGINT << 18) | CASE WHEN r.syn THEN 131072 ELSE 0 END
                                            | CASE WHEN r.stray THEN 65536 ELSE 0 END | (least(greatest(r.dist, -32768), 32767) + 32768)
                FROM fingerprint_rows r WHERE packet_rows.file_id = r.file_id AND packet_rows.frame = r.frame
                """);
            Execute("DROP TABLE fingerprint_rows");
        });
    }

    /// <summary>
    /// Another connection to the same database (DuckDB.NET shares one database instance per file within a
    /// process), with the same settings; the caller disposes it.
    /// </summary>
    internal DuckDBConnection OpenSiblingConnection()
    {
        var connection = new DuckDBConnection(_connection.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>A chunk-at-a-time appender on <paramref name="table"/> (<see cref="TableChunkAppender"/>) on this store's connection.</summary>
    public ITableAppender AppendTo(string table, int columns) => new TableChunkAppender(_connection, table, columns);

    public void Execute(string sql) => Execute(_connection, sql);

    public QueryResult Query(string sql) => Query(_connection, sql);

    public IEnumerable<T> Read<T>(string sql, Func<System.Data.Common.DbDataReader, T> map) => Read(_connection, sql, map);

    internal static IEnumerable<T> Read<T>(DuckDBConnection connection, string sql, Func<System.Data.Common.DbDataReader, T> map)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) yield return map(reader);
    }

    internal static void Execute(DuckDBConnection connection, string sql, params object?[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new DuckDBParameter(p ?? DBNull.Value));
        cmd.ExecuteNonQuery();
    }

    internal static QueryResult Query(DuckDBConnection connection, string sql, params object?[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new DuckDBParameter(p ?? DBNull.Value));
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

    /// <summary>
    /// Every table that holds per-file rows: each base table of the main schema with a <c>file_id</c> column,
    /// except capture_files itself. Tables added later by other components (fingerprints, ...) are found here
    /// without being registered anywhere.
    /// </summary>
    public IReadOnlyList<string> PerFileTables()
    {
        var r = Query("""
            SELECT c.table_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.column_name = 'file_id' AND c.table_schema = 'main' AND t.table_type = 'BASE TABLE'
              AND c.table_name <> 'capture_files'
            ORDER BY c.table_name
            """);
        return r.Rows.Select(row => (string)row[0]!).ToList();
    }

    public IReadOnlyList<StoredCaptureFile> RemoveInterruptedFiles()
    {
        var r = Query("SELECT file_id, sha256, path, status, packets FROM capture_files WHERE status <> 'complete' ORDER BY file_id");
        var files = r.Rows.Select(ToStoredFile).ToList();
        if (files.Count == 0) return files;
        DeleteFiles(string.Join(",", files.Select(f => f.FileId)));
        return files;
    }

    public StoredCaptureFile? FindFile(string sha256)
    {
        var r = Query(_connection, "SELECT file_id, sha256, path, status, packets FROM capture_files WHERE sha256 = ?", sha256);
        return r.Rows.Count == 0 ? null : ToStoredFile(r.Rows[0]);
    }

    private static StoredCaptureFile ToStoredFile(object?[] row) =>
        new(Convert.ToInt32(row[0], System.Globalization.CultureInfo.InvariantCulture), (string)row[1]!, (string)row[2]!, (string)row[3]!,
            row[4] is null ? null : Convert.ToInt64(row[4], System.Globalization.CultureInfo.InvariantCulture));

    public int RegisterLoading(string sha256, string path, string sensor, long bytes)
    {
        var r = Query(_connection, """
            INSERT INTO capture_files (file_id, sha256, path, sensor, bytes, status)
            SELECT coalesce(max(file_id), 0) + 1, ?, ?, ?, ?, 'loading' FROM capture_files
            RETURNING file_id
            """, sha256, path, sensor, bytes);
        return Convert.ToInt32(r.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }

    public IFileLoad BeginLoad(int fileId, int lanes) => new DuckDbFileLoad(this, fileId, lanes);

    public void RemoveFile(int fileId) => DeleteFiles(fileId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Deletes the files (comma-separated ids) and their rows in every per-file table, in one transaction.</summary>
    private void DeleteFiles(string ids) => this.InTransaction(() =>
    {
        foreach (var table in PerFileTables())
            Execute($"DELETE FROM \"{table}\" WHERE file_id IN ({ids})");
        Execute($"DELETE FROM capture_files WHERE file_id IN ({ids})");
    });

    /// <summary>Writes everything to the database file and truncates the write-ahead log.</summary>
    public void Checkpoint() => Execute("CHECKPOINT");

    public void Dispose() => _connection.Dispose();
}
