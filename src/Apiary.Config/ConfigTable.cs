namespace Apiary.Config;

/// <summary>
/// One TOML table read strictly: every value remembers its line, readers name the expected type,
/// and <see cref="Done"/> rejects keys nobody asked for (a misspelt key is an error, not a silent default).
/// </summary>
public sealed class ConfigTable
{
    private readonly Dictionary<string, ConfigValue> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public string File { get; }
    public int Line { get; }
    /// <summary>Dotted path of this table ("" for the root), for messages.</summary>
    public string Path { get; }

    internal ConfigTable(string file, int line, string path)
    {
        File = file;
        Line = line;
        Path = path;
    }

    internal IReadOnlyDictionary<string, ConfigValue> Values => _values;

    internal void Set(string key, ConfigValue value)
    {
        if (_values.TryGetValue(key, out var existing))
            throw Error(value.Line, $"duplicate key '{Qualified(key)}' (first set on line {existing.Line})");
        _values[key] = value;
    }

    internal bool TryGetRaw(string key, out ConfigValue value) => _values.TryGetValue(key, out value!);

    public bool Has(string key) => _values.ContainsKey(key);

    public ConfigException Error(int line, string problem) => new(File, line, problem);

    private string Qualified(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private ConfigValue? Take(string key)
    {
        _read.Add(key);
        return _values.TryGetValue(key, out var v) ? v : null;
    }

    private ConfigValue Need(string key) =>
        Take(key) ?? throw Error(Line, $"missing required key '{Qualified(key)}'");

    private T As<T>(ConfigValue v, string key, string expected)
    {
        if (v.Value is T t) return t;
        throw Error(v.Line, $"'{Qualified(key)}' must be {expected}, found {ConfigValue.Describe(v.Value)}");
    }

    public int LineOf(string key) => _values.TryGetValue(key, out var v) ? v.Line : Line;

    public string String(string key) => As<string>(Need(key), key, "a string");

    public string? OptionalString(string key) => Take(key) is { } v ? As<string>(v, key, "a string") : null;

    public long Integer(string key) => As<long>(Need(key), key, "an integer");

    public long? OptionalInteger(string key) => Take(key) is { } v ? As<long>(v, key, "an integer") : null;

    public double Number(string key)
    {
        var v = Need(key);
        return v.Value switch { long l => l, double d => d, _ => As<double>(v, key, "a number") };
    }

    public double? OptionalNumber(string key)
    {
        if (Take(key) is not { } v) return null;
        return v.Value switch { long l => l, double d => d, _ => As<double>(v, key, "a number") };
    }

    public bool Boolean(string key) => As<bool>(Need(key), key, "true or false");

    public bool? OptionalBoolean(string key) => Take(key) is { } v ? As<bool>(v, key, "true or false") : null;

    /// <summary>An offset date-time (TOML 1979-05-27T07:32:00Z) or local date, as UTC.</summary>
    public DateTime? OptionalDateTime(string key)
    {
        if (Take(key) is not { } v) return null;
        return v.Value switch
        {
            DateTimeOffset o => o.UtcDateTime,
            DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
            _ => throw Error(v.Line, $"'{Qualified(key)}' must be a date-time such as 2003-03-01T00:00:00Z, found {ConfigValue.Describe(v.Value)}"),
        };
    }

    public IReadOnlyList<long> IntegerArray(string key, bool required = false)
    {
        var v = required ? Need(key) : Take(key);
        if (v is null) return [];
        var items = As<List<ConfigValue>>(v, key, "an array of integers");
        return items.Select(i => i.Value is long l ? l : throw Error(i.Line, $"'{Qualified(key)}' must hold integers, found {ConfigValue.Describe(i.Value)}")).ToList();
    }

    public IReadOnlyList<string> StringArray(string key, bool required = false)
    {
        var v = required ? Need(key) : Take(key);
        if (v is null) return [];
        var items = As<List<ConfigValue>>(v, key, "an array of strings");
        return items.Select(i => i.Value is string s ? s : throw Error(i.Line, $"'{Qualified(key)}' must hold strings, found {ConfigValue.Describe(i.Value)}")).ToList();
    }

    /// <summary>A sub-table ([a.b] or inline {..}); null when absent.</summary>
    public ConfigTable? OptionalTable(string key) => Take(key) is { } v ? As<ConfigTable>(v, key, "a table") : null;

    public ConfigTable Table(string key) => As<ConfigTable>(Need(key), key, "a table");

    /// <summary>An array of tables ([[a]] or an array of inline tables); empty when absent.</summary>
    public IReadOnlyList<ConfigTable> Tables(string key, bool required = false)
    {
        var v = required ? Need(key) : Take(key);
        if (v is null) return [];
        var items = As<List<ConfigValue>>(v, key, "an array of tables");
        return items.Select(i => i.Value as ConfigTable ?? throw Error(i.Line, $"'{Qualified(key)}' must hold tables, found {ConfigValue.Describe(i.Value)}")).ToList();
    }

    /// <summary>Rejects every key that no reader asked for: typos are errors.</summary>
    public void Done()
    {
        foreach (var (key, v) in _values)
            if (!_read.Contains(key))
                throw Error(v.Line, $"unknown key '{Qualified(key)}'");
    }
}

/// <summary>A TOML value with the line it was written on. Value is string, long, double, bool, DateTime, DateTimeOffset, a list of ConfigValue, or a ConfigTable.</summary>
public sealed record ConfigValue(object Value, int Line)
{
    internal static string Describe(object value) => value switch
    {
        string s => $"string \"{s}\"",
        long l => $"integer {l}",
        double d => $"number {d}",
        bool b => b ? "true" : "false",
        ConfigTable => "a table",
        List<ConfigValue> => "an array",
        _ => value.GetType().Name,
    };
}
