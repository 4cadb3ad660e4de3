namespace Apiary.Store;

/// <summary>
/// The store as analyses, enrichment and the CLI see it: SQL in, plain rows out. Each adapter
/// (DuckDB embedded, ClickHouse) implements it; analyses keep their SQL in the common subset and
/// branch on <see cref="Dialect"/> only where the dialects differ.
/// </summary>
public interface IStore : IDisposable
{
    /// <summary>"duckdb" or "clickhouse".</summary>
    string Dialect { get; }

    /// <summary>Runs a statement that returns no rows.</summary>
    void Execute(string sql);

    /// <summary>Runs a query and returns all rows (values as the adapter's natural CLR types; NULL as null).</summary>
    QueryResult Query(string sql);

    /// <summary>
    /// Runs a query and maps each row with typed getters as it is read, without collecting the rows as objects:
    /// for results of millions of rows (the addresses to enrich), where <see cref="Query"/> would box every value.
    /// The reader is only valid inside <paramref name="map"/>; the rows are read lazily, while enumerating.
    /// </summary>
    IEnumerable<T> Read<T>(string sql, Func<System.Data.Common.DbDataReader, T> map);
}

/// <summary>Rows of a query: column names and values.</summary>
public sealed record QueryResult(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows)
{
    public int ColumnIndex(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (string.Equals(Columns[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new KeyNotFoundException($"no column '{name}' in result ({string.Join(", ", Columns)})");
    }

    /// <summary>The single value of a one-row, one-column result.</summary>
    public object? Scalar() => Rows.Count == 0 ? null : Rows[0][0];
}
