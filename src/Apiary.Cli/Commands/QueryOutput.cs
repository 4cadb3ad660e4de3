using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace Apiary.Cli.Commands;

public enum QueryFormat { Table, Csv, Json }

/// <summary>Writes a query's rows as an aligned text table, RFC 4180 CSV, or a JSON array of objects.</summary>
public static class QueryOutput
{
    public static void Write(DbDataReader reader, QueryFormat format, TextWriter output)
    {
        switch (format)
        {
            case QueryFormat.Csv: WriteCsv(reader, output); break;
            case QueryFormat.Json: WriteJson(reader, output); break;
            default: WriteTable(reader, output); break;
        }
        output.Flush();
    }

    /// <summary>Text of a value as the table and CSV show it (invariant culture; timestamps like DuckDB prints them).</summary>
    public static string Text(object? value) => value switch
    {
        null or DBNull => "",
        DateTime t => t.Ticks % TimeSpan.TicksPerSecond == 0
            ? t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static object? Value(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetValue(i);

    private static bool IsNumeric(Type t) =>
        t == typeof(byte) || t == typeof(sbyte) || t == typeof(short) || t == typeof(ushort) || t == typeof(int) || t == typeof(uint) ||
        t == typeof(long) || t == typeof(ulong) || t == typeof(float) || t == typeof(double) || t == typeof(decimal) || t == typeof(BigInteger);

    private static void WriteTable(DbDataReader reader, TextWriter output)
    {
        var n = reader.FieldCount;
        var header = Enumerable.Range(0, n).Select(reader.GetName).ToArray();
        var right = Enumerable.Range(0, n).Select(i => IsNumeric(reader.GetFieldType(i))).ToArray();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            var row = new string[n];
            for (var i = 0; i < n; i++) row[i] = reader.IsDBNull(i) ? "NULL" : Text(reader.GetValue(i));
            rows.Add(row);
        }
        var width = header.Select(h => h.Length).ToArray();
        foreach (var row in rows)
            for (var i = 0; i < n; i++) width[i] = Math.Max(width[i], row[i].Length);

        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => right[i] ? c.PadLeft(width[i]) : c.PadRight(width[i]))).TrimEnd();
        output.WriteLine(Line(header));
        output.WriteLine(string.Join("  ", width.Select(w => new string('-', w))));
        foreach (var row in rows) output.WriteLine(Line(row));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"({rows.Count} row{(rows.Count == 1 ? "" : "s")})"));
    }

    /// <summary>RFC 4180: CRLF line ends, a header line, fields with comma, quote, CR or LF quoted, quotes doubled. NULL is empty.</summary>
    private static void WriteCsv(DbDataReader reader, TextWriter output)
    {
        var n = reader.FieldCount;
        output.Write(string.Join(",", Enumerable.Range(0, n).Select(i => CsvField(reader.GetName(i)))));
        output.Write("\r\n");
        while (reader.Read())
        {
            for (var i = 0; i < n; i++)
            {
                if (i > 0) output.Write(',');
                output.Write(CsvField(Text(Value(reader, i))));
            }
            output.Write("\r\n");
        }
    }

    public static string CsvField(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    private static void WriteJson(DbDataReader reader, TextWriter output)
    {
        using var buffer = new MemoryStream();
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            while (reader.Read())
            {
                json.WriteStartObject();
                for (var i = 0; i < names.Length; i++)
                {
                    json.WritePropertyName(names[i]);
                    WriteJsonValue(json, Value(reader, i));
                }
                json.WriteEndObject();
                if (buffer.Length > 1 << 20)
                {
                    json.Flush();
                    output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                    buffer.SetLength(0);
                }
            }
            json.WriteEndArray();
        }
        output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.WriteLine();
    }

    private static void WriteJsonValue(Utf8JsonWriter json, object? v)
    {
        switch (v)
        {
            case null: json.WriteNullValue(); break;
            case bool b: json.WriteBooleanValue(b); break;
            case byte or sbyte or short or ushort or int or uint or long:
                json.WriteNumberValue(Convert.ToInt64(v, CultureInfo.InvariantCulture)); break;
            case ulong u: json.WriteNumberValue(u); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case decimal m: json.WriteNumberValue(m); break;
            case BigInteger bi: json.WriteRawValue(bi.ToString(CultureInfo.InvariantCulture)); break;
            case DateTime t: json.WriteStringValue(t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture)); break;
            default: json.WriteStringValue(Text(v)); break;
        }
    }
}
