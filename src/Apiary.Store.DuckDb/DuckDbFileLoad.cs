using Apiary.Core;
using DuckDB.NET.Data;

namespace Apiary.Store.DuckDb;

/// <summary>
/// One capture file's rows loaded through several lanes. Each lane is its own connection to the same database
/// with its own open transaction and its own <see cref="PacketChunkAppender"/> (which also writes the packets'
/// attached fingerprints), so DuckDB compresses and writes the lanes' row groups on several cores at once
/// (appends from different transactions never conflict).
/// On <see cref="Complete"/> lanes 1..n-1 commit first; lane 0 then writes anomalies, the observers' rows and the
/// <c>complete</c> status and commits last, so the status never says complete unless every row is in.
/// A crash between those commits leaves the file <c>loading</c>, which the next run removes and reloads.
/// While the file loads, DuckDB's own worker pool is set to one thread: the lanes' appends run on the lanes'
/// threads, and the extra workers only competed with them for the cores (10M packets on 2 cores: 11.0-12.3 s
/// wall and 15.5-17.5 s user CPU with one thread, 13.4-14.6 s and 20.5-23.3 s with DuckDB's default of one per
/// core; bench/README.md). The setting is restored when the load ends, for the queries that follow.
/// </summary>
internal sealed class DuckDbFileLoad : IFileLoad
{
    private readonly DuckDbStore _store;
    private readonly Lane[] _lanes;
    private readonly long _threadsBefore;
    private bool _finished;

    public DuckDbFileLoad(DuckDbStore store, int fileId, int lanes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        _store = store;
        FileId = fileId;
        _lanes = new Lane[lanes];
        _threadsBefore = Convert.ToInt64(store.Query("SELECT current_setting('threads')").Scalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (_threadsBefore > 1) store.Execute("SET threads = 1");
        try
        {
            for (var i = 0; i < lanes; i++) _lanes[i] = new Lane(store.OpenSiblingConnection(), fileId);
        }
        catch
        {
            Abort();
            throw;
        }
    }

    public int FileId { get; }

    public IReadOnlyList<IPacketLane> Lanes => _lanes;

    public void Complete(CaptureFileSummary summary, AnomalyLog anomalies, Action<IStore>? inTransaction = null)
    {
        if (_finished) throw new InvalidOperationException("the load is already finished");
        foreach (var lane in _lanes) lane.Appender.Close();
        for (var i = 1; i < _lanes.Length; i++) _lanes[i].Commit();

        var main = _lanes[0].Connection;
        WriteAnomalies(main, anomalies);
        inTransaction?.Invoke(new TransactionStore(main));
        DuckDbStore.Execute(main, """
            UPDATE capture_files SET format = ?, link_types = ?, snaplen = ?, first_ts = ?, last_ts = ?, packets = ?,
                anomalies = ?, truncated = ?, status = 'complete', ingested_at = ?
            WHERE file_id = ?
            """,
            summary.Format, summary.LinkTypes, summary.Snaplen > 0 ? summary.Snaplen : null,
            ToDateTime(summary.FirstTimestampNs), ToDateTime(summary.LastTimestampNs), summary.Packets,
            summary.Anomalies, summary.Truncated, DateTime.UtcNow, FileId);
        _lanes[0].Commit();
        _finished = true;
        RestoreThreads();
    }

    private void RestoreThreads()
    {
        if (_threadsBefore > 1) _store.Execute($"SET threads = {_threadsBefore}");
    }

    private void WriteAnomalies(DuckDBConnection connection, AnomalyLog anomalies)
    {
        if (anomalies.Samples.Count > 0)
        {
            using var appender = connection.CreateAppender("anomalies");
            foreach (var s in anomalies.Samples)
                appender.CreateRow().AppendValue(FileId).AppendValue(s.Name).AppendValue(s.FrameNumber).AppendValue(s.FileOffset).AppendValue(s.Detail).EndRow();
        }
        if (anomalies.Counts.Count > 0)
        {
            using var appender = connection.CreateAppender("anomaly_counts");
            foreach (var (name, count) in anomalies.Counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                appender.CreateRow().AppendValue(FileId).AppendValue(name).AppendValue(count).EndRow();
        }
    }

    private static DateTime? ToDateTime(long? ns) => ns is { } v ? DateTime.UnixEpoch.AddTicks(v / 100) : null;

    public void Abort()
    {
        if (_finished) return;
        _finished = true;
        foreach (var lane in _lanes) lane?.Rollback();
        RestoreThreads();
    }

    public void Dispose()
    {
        Abort();
        foreach (var lane in _lanes) lane?.Dispose();
    }

    private sealed class Lane : IPacketLane, IDisposable
    {
        private readonly int _fileId;
        private bool _open;

        public Lane(DuckDBConnection connection, int fileId)
        {
            Connection = connection;
            _fileId = fileId;
            DuckDbStore.Execute(connection, "BEGIN TRANSACTION");
            _open = true;
            Appender = new PacketChunkAppender(connection);
        }

        public DuckDBConnection Connection { get; }
        public PacketChunkAppender Appender { get; }

        public void Append(PacketBatch batch) => Appender.Append(_fileId, batch.Rows.AsSpan(0, batch.Count));

        public void Commit()
        {
            DuckDbStore.Execute(Connection, "COMMIT");
            _open = false;
        }

        public void Rollback()
        {
            if (!_open) return;
            _open = false;
            try
            {
                Appender?.Dispose();
                DuckDbStore.Execute(Connection, "ROLLBACK");
            }
            catch (DuckDBException)
            {
                // The transaction is already gone (e.g. DuckDB aborted it after an error): nothing to undo.
            }
        }

        public void Dispose()
        {
            Appender?.Dispose();
            Connection.Dispose();
        }
    }

    /// <summary>IStore view of lane 0's connection, inside the file's open transaction.</summary>
    private sealed class TransactionStore(DuckDBConnection connection) : IStore
    {
        public string Dialect => "duckdb";
        public void Execute(string sql) => DuckDbStore.Execute(connection, sql);
        public QueryResult Query(string sql) => DuckDbStore.Query(connection, sql);
        public IEnumerable<T> Read<T>(string sql, Func<System.Data.Common.DbDataReader, T> map) => DuckDbStore.Read(connection, sql, map);
        public void Dispose() { }
    }
}
