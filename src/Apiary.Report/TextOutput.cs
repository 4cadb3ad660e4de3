using System.Globalization;
using System.Text;
using System.Text.Json;
using Apiary.Analysis;

namespace Apiary.Report;

/// <summary>Analysis results as plain text tables, CSV or JSON (for `apiary analyze` and scripts).</summary>
public static class TextOutput
{
    public static void WriteTable(IReadOnlyList<AnalysisResult> results, TextWriter w)
    {
        foreach (var r in results)
        {
            w.WriteLine($"== {r.Name}: {r.Title} [paper {r.PaperReference}]");
            if (r.Unavailable is not null) { w.WriteLine($"   unavailable: {r.Unavailable}"); w.WriteLine(); continue; }
            var labelWidth = r.Figures.Select(f => f.Label.Length).DefaultIfEmpty(0).Max();
            foreach (var f in r.Figures)
                w.WriteLine($"   {f.Label.PadRight(labelWidth)}  {Format.Figure(f),-18}{(f.Paper is null ? "" : "paper: " + f.Paper)}");
            foreach (var t in r.Tables)
            {
                w.WriteLine();
                w.WriteLine($"   -- {t.Title}");
                var cells = t.Rows.Select(row => row.Select((v, i) => Format.Cell(v, t.Columns[i].Kind)).ToArray()).ToList();
                var widths = t.Columns.Select((c, i) => Math.Max(c.Name.Length, cells.Select(x => x[i].Length).DefaultIfEmpty(0).Max())).ToArray();
                w.WriteLine("   " + string.Join("  ", t.Columns.Select((c, i) => Pad(c.Name, widths[i], c.Kind))));
                foreach (var row in cells)
                    w.WriteLine("   " + string.Join("  ", row.Select((v, i) => Pad(v, widths[i], t.Columns[i].Kind))));
            }
            foreach (var n in r.Notes) w.WriteLine("   note: " + n);
            w.WriteLine();
        }
    }

    private static string Pad(string s, int width, ColumnKind kind) => kind == ColumnKind.Text ? s.PadRight(width) : s.PadLeft(width);

    /// <summary>CSV: one block per table, columns analysis,table,then the table's columns; figures as table "figures".</summary>
    public static void WriteCsv(IReadOnlyList<AnalysisResult> results, TextWriter w)
    {
        foreach (var r in results)
        {
            w.WriteLine("analysis,table,key,label,value,unit,paper");
            foreach (var f in r.Figures)
                w.WriteLine(string.Join(",", Csv(r.Name), "figures", Csv(f.Key), Csv(f.Label), Raw(f.Value), Csv(f.Unit), Csv(f.Paper)));
            if (r.Unavailable is not null) w.WriteLine(string.Join(",", Csv(r.Name), "figures", "unavailable", Csv(r.Unavailable), "", "", ""));
            foreach (var t in r.Tables)
            {
                w.WriteLine();
                w.WriteLine("analysis,table," + string.Join(",", t.Columns.Select(c => Csv(c.Name))));
                foreach (var row in t.Rows) w.WriteLine(Csv(r.Name) + "," + Csv(t.Name) + "," + string.Join(",", row.Select(Raw)));
            }
            w.WriteLine();
        }
    }

    private static string Raw(object? v) => v switch
    {
        null => "",
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "",
        DateTime t => t.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
        string s => Csv(s),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Csv(string? s)
    {
        if (s is null) return "";
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }

    public static void WriteJson(IReadOnlyList<AnalysisResult> results, Stream output, Action<Utf8JsonWriter>? extra = null)
    {
        using var j = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        j.WriteStartObject();
        extra?.Invoke(j);
        j.WriteStartArray("analyses");
        foreach (var r in results) WriteResult(j, r);
        j.WriteEndArray();
        j.WriteEndObject();
    }

    public static void WriteResult(Utf8JsonWriter j, AnalysisResult r)
    {
        j.WriteStartObject();
        j.WriteString("name", r.Name);
        j.WriteString("title", r.Title);
        j.WriteString("paper_reference", r.PaperReference);
        if (r.Unavailable is null) j.WriteNull("unavailable"); else j.WriteString("unavailable", r.Unavailable);
        j.WriteStartObject("figures");
        foreach (var f in r.Figures)
        {
            j.WriteStartObject(f.Key);
            j.WriteString("label", f.Label);
            WriteValue(j, "value", f.Value);
            j.WriteString("unit", f.Unit);
            if (f.Paper is null) j.WriteNull("paper"); else j.WriteString("paper", f.Paper);
            j.WriteEndObject();
        }
        j.WriteEndObject();
        j.WriteStartObject("tables");
        foreach (var t in r.Tables)
        {
            j.WriteStartObject(t.Name);
            j.WriteString("title", t.Title);
            j.WriteStartArray("columns");
            foreach (var c in t.Columns) j.WriteStringValue(c.Name);
            j.WriteEndArray();
            j.WriteStartArray("rows");
            foreach (var row in t.Rows)
            {
                j.WriteStartArray();
                foreach (var v in row) WriteValue(j, null, v);
                j.WriteEndArray();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        j.WriteEndObject();
        j.WriteStartArray("notes");
        foreach (var n in r.Notes) j.WriteStringValue(n);
        j.WriteEndArray();
        j.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter j, string? name, object? v)
    {
        if (name is not null) j.WritePropertyName(name);
        switch (v)
        {
            case null: j.WriteNullValue(); break;
            case double d when !double.IsFinite(d): j.WriteNullValue(); break;
            case double d: j.WriteNumberValue(d); break;
            case long l: j.WriteNumberValue(l); break;
            case int i: j.WriteNumberValue(i); break;
            case DateTime t: j.WriteStringValue(t.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture)); break;
            default: j.WriteStringValue(Convert.ToString(v, CultureInfo.InvariantCulture)); break;
        }
    }

    public static string ToText(IReadOnlyList<AnalysisResult> results)
    {
        var sb = new StringBuilder();
        using var w = new StringWriter(sb, CultureInfo.InvariantCulture);
        WriteTable(results, w);
        return sb.ToString();
    }
}
