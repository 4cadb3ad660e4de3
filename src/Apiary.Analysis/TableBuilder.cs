namespace Apiary.Analysis;

/// <summary>Small fluent builder for <see cref="ResultTable"/>: declare columns, add rows, attach a chart.</summary>
public sealed class TableBuilder(string name, string title)
{
    private readonly List<Column> _columns = [];
    private readonly List<object?[]> _rows = [];

    public TableBuilder Col(string column, ColumnKind kind)
    {
        _columns.Add(new Column(column, kind));
        return this;
    }

    public TableBuilder Text(string column) => Col(column, ColumnKind.Text);

    public TableBuilder Int(string column) => Col(column, ColumnKind.Integer);

    public TableBuilder Num(string column) => Col(column, ColumnKind.Number);

    public TableBuilder Pct(string column) => Col(column, ColumnKind.Percent);

    public TableBuilder Sec(string column) => Col(column, ColumnKind.Seconds);

    public TableBuilder Time(string column) => Col(column, ColumnKind.Time);

    public TableBuilder Row(params object?[] values)
    {
        if (values.Length != _columns.Count)
            throw new ArgumentException($"table '{name}': row has {values.Length} values for {_columns.Count} columns");
        _rows.Add(values);
        return this;
    }

    public int RowCount => _rows.Count;

    public ResultTable Build(ChartSpec? chart = null) => new(name, title, _columns, _rows, chart);
}
