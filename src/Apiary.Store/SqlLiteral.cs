using System.Globalization;

namespace Apiary.Store;

/// <summary>SQL literals for values written into statements (single quotes doubled; null becomes NULL).</summary>
public static class SqlLiteral
{
    public static string Text(string? s) => s is null ? "NULL" : "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Timestamp(DateTime? t) =>
        t is { } v ? "TIMESTAMP '" + v.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'" : "NULL";
}
