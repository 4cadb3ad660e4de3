using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Apiary.Sensor.Config;

/// <summary>
/// A TOML document as a small tree that remembers the line of every key, so strict loaders can say
/// "file:line: unknown key 'x'" instead of a bare exception. Built from Tomlyn's syntax tree.
/// </summary>
public sealed class TomlNode
{
    public required string File { get; init; }
    /// <summary>1-based line of the key (or of the table header) that produced this node.</summary>
    public required int Line { get; init; }
    /// <summary>Dotted path of this node, for messages.</summary>
    public required string Path { get; init; }
    public object? Scalar { get; set; }
    public Dictionary<string, TomlNode>? Table { get; set; }
    public List<TomlNode>? Array { get; set; }

    public string Where => $"{File}:{Line}";

    public ConfigException Error(string problem) => new($"{Where}: {Path}: {problem}");
}

/// <summary>Parses TOML text into <see cref="TomlNode"/>s; syntax errors become <see cref="ConfigException"/> with file:line.</summary>
public static class TomlTree
{
    public static TomlNode Parse(string text, string file)
    {
        var doc = SyntaxParser.Parse(text, file, validate: true);
        if (doc.HasErrors)
        {
            var first = doc.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error);
            throw new ConfigException($"{file}:{first.Span.Start.Line + 1}: {first.Message}");
        }
        var root = new TomlNode { File = file, Line = 1, Path = "", Table = new Dictionary<string, TomlNode>(StringComparer.Ordinal) };
        foreach (var kv in doc.KeyValues) AddKeyValue(root, kv, file);
        foreach (var t in doc.Tables)
        {
            var names = KeyParts(t.Name!);
            var line = t.Span.Start.Line + 1;
            TomlNode target;
            if (t is TableArraySyntax)
            {
                var parent = Descend(root, names.Take(names.Count - 1), file, line);
                var last = names[^1];
                if (!parent.Table!.TryGetValue(last, out var arr))
                    parent.Table[last] = arr = new TomlNode { File = file, Line = line, Path = Join(parent.Path, last), Array = [] };
                if (arr.Array == null) throw new ConfigException($"{file}:{line}: '{arr.Path}' is already defined at line {arr.Line} as a non-array");
                target = new TomlNode { File = file, Line = line, Path = $"{arr.Path}[{arr.Array.Count}]", Table = new(StringComparer.Ordinal) };
                arr.Array.Add(target);
            }
            else
            {
                target = Descend(root, names, file, line);
            }
            foreach (var item in t.Items) AddKeyValue(target, item, file);
        }
        return root;
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : a + "." + b;

    private static TomlNode Descend(TomlNode node, IEnumerable<string> names, string file, int line)
    {
        foreach (var n in names)
        {
            if (node.Array != null) node = node.Array[^1];
            if (!node.Table!.TryGetValue(n, out var child))
                node.Table[n] = child = new TomlNode { File = file, Line = line, Path = Join(node.Path, n), Table = new(StringComparer.Ordinal) };
            node = child;
        }
        if (node.Array != null) node = node.Array[^1];
        if (node.Table == null) throw new ConfigException($"{file}:{line}: '{node.Path}' is not a table");
        return node;
    }

    private static List<string> KeyParts(KeySyntax key)
    {
        var parts = new List<string> { KeyText(key.Key!) };
        foreach (var d in key.DotKeys) parts.Add(KeyText(d.Key!));
        return parts;
    }

    private static string KeyText(BareKeyOrStringValueSyntax k) => k switch
    {
        BareKeySyntax b => b.Key!.Text!,
        StringValueSyntax s => s.Value!,
        _ => k.ToString()!,
    };

    private static void AddKeyValue(TomlNode table, KeyValueSyntax kv, string file)
    {
        var parts = KeyParts(kv.Key!);
        var line = kv.Span.Start.Line + 1;
        var parent = Descend(table, parts.Take(parts.Count - 1), file, line);
        var name = parts[^1];
        if (parent.Table!.TryGetValue(name, out var existing))
            throw new ConfigException($"{file}:{line}: duplicate key '{Join(parent.Path, name)}' (first at line {existing.Line})");
        parent.Table[name] = FromValue(kv.Value!, file, line, Join(parent.Path, name));
    }

    private static TomlNode FromValue(ValueSyntax v, string file, int line, string path)
    {
        var node = new TomlNode { File = file, Line = line, Path = path };
        switch (v)
        {
            case StringValueSyntax s: node.Scalar = s.Value; break;
            case IntegerValueSyntax i: node.Scalar = i.Value; break;
            case BooleanValueSyntax b: node.Scalar = b.Value; break;
            case FloatValueSyntax f: node.Scalar = f.Value; break;
            case ArraySyntax a:
                node.Array = [];
                var idx = 0;
                foreach (var item in a.Items)
                    node.Array.Add(FromValue(item.Value!, file, item.Span.Start.Line + 1, $"{path}[{idx++}]"));
                break;
            case InlineTableSyntax t:
                node.Table = new(StringComparer.Ordinal);
                foreach (var item in t.Items) AddKeyValue(node, item.KeyValue!, file);
                break;
            default:
                throw new ConfigException($"{file}:{line}: {path}: unsupported value type ({v.Kind})");
        }
        return node;
    }
}

/// <summary>
/// Strict reading of one table: each Get* consumes a key; <see cref="EnsureAllUsed"/> rejects any key not consumed
/// (a typo in a config must be an error, not a silently ignored setting).
/// </summary>
public sealed class TableReader
{
    private readonly TomlNode _node;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public TableReader(TomlNode node)
    {
        if (node.Table == null) throw node.Error("expected a table");
        _node = node;
    }

    public TomlNode Node => _node;

    public bool Has(string key) => _node.Table!.ContainsKey(key);

    public TomlNode? Raw(string key)
    {
        _used.Add(key);
        return _node.Table!.GetValueOrDefault(key);
    }

    public string? String(string key, string? fallback = null)
    {
        var n = Raw(key);
        if (n == null) return fallback;
        return n.Scalar as string ?? throw n.Error("expected a string");
    }

    public string RequiredString(string key) =>
        String(key) ?? throw new ConfigException($"{_node.Where}: {_node.Path}: missing required key '{key}'");

    public long Integer(string key, long fallback, long min = long.MinValue, long max = long.MaxValue)
    {
        var n = Raw(key);
        if (n == null) return fallback;
        if (n.Scalar is not long v) throw n.Error("expected an integer");
        if (v < min || v > max) throw n.Error($"{v} is out of range [{min}, {max}]");
        return v;
    }

    public bool Boolean(string key, bool fallback)
    {
        var n = Raw(key);
        if (n == null) return fallback;
        return n.Scalar is bool b ? b : throw n.Error("expected true or false");
    }

    public string Choice(string key, string fallback, params string[] allowed)
    {
        var n = Raw(key);
        if (n == null) return fallback;
        var s = n.Scalar as string ?? throw n.Error("expected a string");
        if (!allowed.Contains(s, StringComparer.Ordinal)) throw n.Error($"'{s}' is not one of: {string.Join(", ", allowed)}");
        return s;
    }

    public List<string> Strings(string key)
    {
        var n = Raw(key);
        if (n == null) return [];
        if (n.Array == null) throw n.Error("expected an array of strings");
        return n.Array.Select(x => x.Scalar as string ?? throw x.Error("expected a string")).ToList();
    }

    public void EnsureAllUsed()
    {
        foreach (var (k, v) in _node.Table!)
            if (!_used.Contains(k)) throw new ConfigException($"{v.Where}: unknown key '{(_node.Path.Length == 0 ? k : _node.Path + "." + k)}'");
    }
}
