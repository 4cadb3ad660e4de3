using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Apiary.Store.DuckDb;

/// <summary>
/// <see cref="ITableAppender"/> over <see cref="ChunkAppender"/>: values go straight into the open data chunk's
/// column vectors, in column order, each checked once against the column's declared type (a writer whose idea of
/// the table is out of date fails on its first row with the table and column named, not with corrupt values).
/// For bulk writers outside this assembly (the enrichment answers); the ingest's own appenders write their rows
/// without the per-value check.
/// </summary>
internal sealed class TableChunkAppender : ChunkAppender, ITableAppender
{
    private readonly DuckDBType[] _columnTypes;
    private int _column;

    public TableChunkAppender(DuckDBConnection connection, string table, int columns)
        : base(connection, table, columns, "the writer's column list")
    {
        _columnTypes = new DuckDBType[columns];
        for (var c = 0; c < columns; c++) _columnTypes[c] = ColumnType(c);
    }

    public void AddUHugeInt(UInt128 value)
    {
        var c = Next(DuckDBType.UnsignedHugeInt);
        Set(c, Row, new UHugeInt((ulong)value, (ulong)(value >> 64)));
    }

    public void AddInt(int value) => Set(Next(DuckDBType.Integer), Row, value);

    public void AddUInt(uint? value)
    {
        var c = Next(DuckDBType.UnsignedInteger);
        if (value is { } v) Set(c, Row, v); else Null(c, Row);
    }

    public void AddText(string? value)
    {
        var c = Next(DuckDBType.Varchar);
        if (value is null) Null(c, Row); else Str(c, Row, value);
    }

    public void AddUtf8(ReadOnlySpan<byte> value) => Utf8(Next(DuckDBType.Varchar), Row, value);

    void ITableAppender.EndRow()
    {
        if (_column != _columnTypes.Length)
            throw new InvalidOperationException($"row for table {TableName} ended after {_column} of its {_columnTypes.Length} columns");
        _column = 0;
        base.EndRow();
    }

    /// <summary>The index of the column the next value is for, after checking that it has the caller's type.</summary>
    private int Next(DuckDBType type)
    {
        ThrowIfClosed();
        var c = _column;
        if (c >= _columnTypes.Length)
            throw new InvalidOperationException($"more values than table {TableName} has columns ({_columnTypes.Length})");
        if (_columnTypes[c] != type)
            throw new InvalidOperationException($"column {c + 1} of table {TableName} is {_columnTypes[c]}, the writer gives {type}");
        _column = c + 1;
        return c;
    }
}
