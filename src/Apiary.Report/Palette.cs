namespace Apiary.Report;

/// <summary>
/// Colours by series name, shared by every chart of a report so that "mach1" or "139/tcp" has the same colour
/// everywhere. Tableau-10 hues (distinct for colour-blind readers in the first five); "other" is grey.
/// </summary>
public sealed class Palette
{
    private static readonly string[] Colours = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8"];
    private readonly Dictionary<string, string> _assigned = new(StringComparer.Ordinal);

    public const string Single = "#4e79a7";
    public const string Other = "#bab0ac";

    /// <summary>Gives the first colours to these names (the testbed's targets, in inventory order).</summary>
    public Palette Reserve(IEnumerable<string> names)
    {
        foreach (var n in names) For(n);
        return this;
    }

    public string For(string series)
    {
        if (series is "other" or "??" or "unknown" or "no fingerprint") return Other;
        if (_assigned.TryGetValue(series, out var c)) return c;
        c = Colours[_assigned.Count % Colours.Length];
        _assigned[series] = c;
        return c;
    }
}
