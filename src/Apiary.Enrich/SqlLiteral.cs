using System.Globalization;

namespace Apiary.Enrich;

/// <summary>SQL literals for the batched INSERTs of enrichment rows (values come from databases, so they are quoted).</summary>
internal static class SqlLiteral
{
    public static string Text(string? s) => s is null ? "NULL" : "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Timestamp(DateTime? t) =>
        t is { } v ? "TIMESTAMP '" + v.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'" : "NULL";

    public static string Number(uint? n) => n is { } v ? v.ToString(CultureInfo.InvariantCulture) : "NULL";
}
