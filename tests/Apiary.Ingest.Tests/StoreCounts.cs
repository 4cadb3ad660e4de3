using Apiary.Store.DuckDb;

namespace Apiary.Ingest.Tests;

/// <summary>The same counts as <see cref="TsharkCounts"/>, asked of the store with SQL.</summary>
public static class StoreCounts
{
    public static TsharkCounts Of(DuckDbStore store, int fileId)
    {
        long Scalar(string sql) => Convert.ToInt64(store.Query(sql).Scalar());
        var w = $"WHERE file_id = {fileId}";
        var perProtocol = new SortedDictionary<int, long>();
        foreach (var row in store.Query($"SELECT coalesce(proto::INTEGER, -1), count(*) FROM packets {w} GROUP BY 1").Rows)
            perProtocol[Convert.ToInt32(row[0])] = Convert.ToInt64(row[1]);
        var perPort = new SortedDictionary<(int, int), long>();
        foreach (var row in store.Query($"SELECT proto::INTEGER, coalesce(dport::INTEGER, -1), count(*) FROM packets {w} AND proto IN (6, 17) GROUP BY 1, 2").Rows)
            perPort[(Convert.ToInt32(row[0]), Convert.ToInt32(row[1]))] = Convert.ToInt64(row[2]);
        return new TsharkCounts(
            Scalar($"SELECT count(*) FROM packets {w}"),
            perProtocol,
            Scalar($"SELECT count(DISTINCT src) FROM packets {w}"),
            Scalar($"SELECT count(DISTINCT dst) FROM packets {w}"),
            perPort);
    }
}
