using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Apiary.Config;

/// <summary>
/// Loads a TOML file into <see cref="ConfigTable"/>s whose values remember their line, so that every
/// configuration error reads "file:line: problem". Syntax errors are reported the same way.
/// </summary>
public static class TomlConfig
{
    public static ConfigTable Load(string path)
    {
        if (!System.IO.File.Exists(path)) throw new ConfigException(path, 0, "file not found");
        return Parse(System.IO.File.ReadAllText(path), path);
    }

    public static ConfigTable Parse(string text, string fileName)
    {
        var syntax = SyntaxParser.Parse(text, fileName, false);
        if (syntax.HasErrors)
        {
            var first = syntax.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error);
            throw new ConfigException(fileName, first.Span.Start.Line + 1, first.Message);
        }
        TomlTable model;
        try
        {
            model = TomlSerializer.Deserialize<TomlTable>(text) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw new ConfigException(fileName, (e.Line ?? 0) + 1, e.Message);
        }
        var lines = LineMap(syntax, fileName);
        return Convert(model, fileName, 1, "", lines);
    }

    // Path -> line for every table header and key, with array-of-tables indices ("platform[0].target[1].name").
    private static Dictionary<string, int> LineMap(DocumentSyntax doc, string fileName)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var arrayCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var kv in doc.KeyValues) AddKey(lines, "", kv, fileName);
        foreach (var table in doc.Tables)
        {
            var segments = KeyText(table.Name).Split('.');
            var prefix = "";
            for (var i = 0; i < segments.Length - 1; i++)
            {
                prefix = Join(prefix, segments[i]);
                if (arrayCounts.TryGetValue(prefix, out var n)) prefix += $"[{n - 1}]";
            }
            var path = Join(prefix, segments[^1]);
            if (table is TableArraySyntax)
            {
                arrayCounts.TryGetValue(path, out var n);
                arrayCounts[path] = n + 1;
                path += $"[{n}]";
            }
            var headerLine = table.Span.Start.Line + 1;
            if (!lines.TryAdd(path, headerLine) && table is not TableArraySyntax)
                throw new ConfigException(fileName, headerLine, $"table [{path}] is defined twice (first on line {lines[path]})");
            foreach (var kv in table.Items) AddKey(lines, path, kv, fileName);
        }
        return lines;
    }

    private static void AddKey(Dictionary<string, int> lines, string prefix, KeyValueSyntax kv, string fileName)
    {
        if (kv.Key is null) return;
        var path = Join(prefix, KeyText(kv.Key));
        var line = kv.Span.Start.Line + 1;
        if (!lines.TryAdd(path, line))
            throw new ConfigException(fileName, line, $"duplicate key '{path}' (first set on line {lines[path]})");
    }

    private static string KeyText(KeySyntax? key) =>
        key is null ? "" : string.Join('.', key.ToString().Split('.').Select(s => s.Trim().Trim('"', '\'')));

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";

    private static ConfigTable Convert(TomlTable model, string file, int line, string path, Dictionary<string, int> lines)
    {
        var table = new ConfigTable(file, line, path);
        foreach (var (key, value) in model)
        {
            var keyPath = Join(path, key);
            var keyLine = lines.TryGetValue(keyPath, out var l) ? l : line;
            table.Set(key, ConvertValue(value, file, keyLine, keyPath, lines));
        }
        return table;
    }

    private static ConfigValue ConvertValue(object? value, string file, int line, string path, Dictionary<string, int> lines)
    {
        switch (value)
        {
            case TomlTable t:
                return new ConfigValue(Convert(t, file, line, path, lines), line);
            case TomlTableArray ta:
            {
                var items = new List<ConfigValue>();
                for (var i = 0; i < ta.Count; i++)
                {
                    var itemPath = $"{path}[{i}]";
                    var itemLine = lines.TryGetValue(itemPath, out var l) ? l : line;
                    items.Add(new ConfigValue(Convert(ta[i], file, itemLine, itemPath, lines), itemLine));
                }
                return new ConfigValue(items, line);
            }
            case TomlArray a:
                return new ConfigValue(a.Select(v => ConvertValue(v, file, line, path, lines)).ToList(), line);
            case TomlDateTime dt:
                return dt.Kind is TomlDateTimeKind.OffsetDateTimeByZ or TomlDateTimeKind.OffsetDateTimeByNumber
                    ? new ConfigValue(dt.DateTime, line)
                    : new ConfigValue(dt.DateTime.DateTime, line);
            case int i:
                return new ConfigValue((long)i, line);
            case float f:
                return new ConfigValue((double)f, line);
            case null:
                throw new ConfigException(file, line, $"'{path}' has no value");
            default:
                return new ConfigValue(value, line);
        }
    }
}
