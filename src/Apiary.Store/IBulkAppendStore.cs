namespace Apiary.Store;

/// <summary>
/// A store that appends many rows to one table much faster than INSERT statements or loading a spilled file
/// (DuckDB: its Appender, one data chunk at a time). Bulk writers use it: the enrichment answers, a million rows
/// per run on a scan-heavy honeypot, went from about 1.2 s through a CSV file and <c>read_csv</c> to a fraction of
/// that (bench/RESULTS.md). Stores without a fast path simply do not implement it.
/// </summary>
public interface IBulkAppendStore : IStore
{
    /// <summary>
    /// Opens an appender on <paramref name="table"/> (main schema), which must have exactly
    /// <paramref name="columns"/> columns (the writer's idea of the schema is checked once, here). Rows join the
    /// store's open transaction; <see cref="ITableAppender.Close"/> hands the last ones over.
    /// </summary>
    ITableAppender AppendTo(string table, int columns);
}

/// <summary>
/// Writes rows to one table: one typed call per column, in the table's column order, then <see cref="EndRow"/>.
/// A call whose type does not match the column's, or a row with too few or too many values, throws
/// <see cref="InvalidOperationException"/> naming the table and column. Single-threaded: one writer per thread.
/// </summary>
public interface ITableAppender : IDisposable
{
    /// <summary>A UHUGEINT column (e.g. the 128-bit address keys).</summary>
    void AddUHugeInt(UInt128 value);

    /// <summary>An INTEGER column.</summary>
    void AddInt(int value);

    /// <summary>A UINTEGER column; null writes NULL.</summary>
    void AddUInt(uint? value);

    /// <summary>A VARCHAR column; null writes NULL.</summary>
    void AddText(string? value);

    /// <summary>A VARCHAR column from UTF-8 bytes (text the writer formatted itself, without a string per row).</summary>
    void AddUtf8(ReadOnlySpan<byte> value);

    /// <summary>Completes the row (every column must have had its value).</summary>
    void EndRow();

    /// <summary>Hands the remaining rows to the store's open transaction and closes the appender.</summary>
    void Close();
}
