namespace Apiary.Analysis;

/// <summary>
/// What one analysis measured: headline figures (with the paper's value where the paper gives one),
/// tables (each optionally drawable as a chart), and notes. Plain data: renderers (CLI, report) only read it.
/// </summary>
/// <param name="Name">The analysis name used on the command line (kebab-case).</param>
/// <param name="Title">A human title.</param>
/// <param name="PaperReference">The section/figure of the 2004 paper it reproduces, or "extension".</param>
/// <param name="Unavailable">Why the analysis could not run (missing testbed, not enriched, no data), else null.</param>
public sealed record AnalysisResult(
    string Name,
    string Title,
    string PaperReference,
    IReadOnlyList<Figure> Figures,
    IReadOnlyList<ResultTable> Tables,
    IReadOnlyList<string> Notes,
    string? Unavailable = null)
{
    public static AnalysisResult NotAvailable(IAnalysis a, string why) =>
        new(a.Name, a.Title, a.PaperReference, [], [], [], why);

    public Figure? FindFigure(string key) => Figures.FirstOrDefault(f => f.Key == key);

    public ResultTable? FindTable(string name) => Tables.FirstOrDefault(t => t.Name == name);
}

/// <summary>One headline number.</summary>
/// <param name="Key">Stable snake_case key (JSON, tests).</param>
/// <param name="Label">Human label.</param>
/// <param name="Value">The measured value (null when not measurable on this data).</param>
/// <param name="Unit">"%", "packets", "sources", "s", "" ...</param>
/// <param name="Paper">The paper's value for the same figure, as text, when the paper states one.</param>
public sealed record Figure(string Key, string Label, double? Value, string Unit, string? Paper = null);

/// <summary>Column kinds, so renderers format numbers and percentages consistently.</summary>
public enum ColumnKind { Text, Integer, Number, Percent, Time, Seconds }

/// <summary>A result column.</summary>
public sealed record Column(string Name, ColumnKind Kind);

/// <summary>Chart shapes a table can be drawn as.</summary>
public enum ChartKind
{
    /// <summary>One bar per row (X), height Y[0].</summary>
    Bar,
    /// <summary>Bars grouped by X, one bar per Series value (long format: X, Series, Y[0]).</summary>
    GroupedBar,
    /// <summary>Lines over X (long format with Series, or one line per Y column).</summary>
    Line,
    /// <summary>Stacked bars over X, one stack segment per Series value (long format).</summary>
    StackedBar,
}

/// <summary>How to draw a table: which columns are the axis, the values and the series.</summary>
public sealed record ChartSpec(ChartKind Kind, string X, IReadOnlyList<string> Y, string? Series, string YLabel, string? XLabel = null);

/// <summary>A table of rows (values: string, long, double, DateTime or null).</summary>
public sealed record ResultTable(string Name, string Title, IReadOnlyList<Column> Columns, IReadOnlyList<object?[]> Rows, ChartSpec? Chart = null)
{
    public int Index(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (Columns[i].Name == column) return i;
        throw new KeyNotFoundException($"no column '{column}' in table '{Name}'");
    }

    /// <summary>The rows whose <paramref name="column"/> equals <paramref name="value"/>.</summary>
    public IEnumerable<object?[]> Where(string column, object value)
    {
        var i = Index(column);
        return Rows.Where(r => Equals(r[i], value));
    }
}
