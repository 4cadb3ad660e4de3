using Apiary.Store;

namespace Apiary.Analysis;

/// <summary>
/// The few expressions where DuckDB and ClickHouse differ. Analyses write the common SQL subset and call
/// these only where needed (ClickHouse names from its documentation; the DuckDB ones are tested).
/// </summary>
public sealed class SqlDialect(string name)
{
    public string Name { get; } = name;

    private bool IsClickHouse => Name == "clickhouse";

    /// <summary>Microseconds since the epoch as a 64-bit integer.</summary>
    public string EpochMicros(string ts) => IsClickHouse ? $"toUnixTimestamp64Micro(toDateTime64({ts}, 6))" : $"epoch_us({ts})";

    /// <summary>The timestamp truncated to the hour (UTC).</summary>
    public string HourBucket(string ts) => IsClickHouse ? $"toStartOfHour({ts})" : $"date_trunc('hour', {ts})";

    /// <summary>The UTC month as the integer yyyymm (200303); cheaper than text per row. <see cref="Values.Month"/> formats it.</summary>
    public string MonthKey(string ts) => IsClickHouse ? $"toYYYYMM({ts})" : $"(year({ts}) * 100 + month({ts}))";

    /// <summary>Bitwise and.</summary>
    public string BitAnd(string a, string b) => IsClickHouse ? $"bitAnd({a}, {b})" : $"({a} & {b})";

    /// <summary>A session-scoped table created from a query.</summary>
    public string CreateTempTableAs(string table, string select) =>
        IsClickHouse ? $"CREATE TEMPORARY TABLE {table} ENGINE = Memory AS {select}" : $"CREATE OR REPLACE TEMP TABLE {table} AS {select}";

    public string DropTempTable(string table) => $"DROP TABLE IF EXISTS {table}";

    /// <summary>A query counting tables of that name (0 or 1).</summary>
    public string TableExistsQuery(string table) => IsClickHouse
        ? $"SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = {Literal(table)}"
        : $"SELECT count(*) FROM information_schema.tables WHERE table_name = {Literal(table)}";

    /// <summary>A query listing the column names of a table.</summary>
    public string ColumnsQuery(string table) => IsClickHouse
        ? $"SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {Literal(table)}"
        : $"SELECT column_name FROM information_schema.columns WHERE table_name = {Literal(table)}";

    /// <summary>A SQL string literal (single quotes doubled).</summary>
    public static string Literal(string? text) => SqlLiteral.Text(text);

    /// <summary>A SQL timestamp literal, or NULL.</summary>
    public static string Timestamp(DateTime? utc) => SqlLiteral.Timestamp(utc);
}
