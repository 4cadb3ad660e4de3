using System.Globalization;
using System.Net;
using System.Text;
using Apiary.Analysis;

namespace Apiary.Report;

/// <summary>
/// Hand-written SVG charts for result tables (bar, horizontal bar, grouped, stacked, line). Text is real SVG
/// text rendered by the browser with the page's font, so it is crisp at any zoom, searchable, and needs no font
/// files at generation time (ScottPlot draws text only when it finds fonts, and emits heavier markup).
/// Every data mark has class "mark"; the root carries data-marks (count) for tests.
/// </summary>
public static class SvgChart
{
    private const int Width = 760;
    private const double FontPx = 12;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Data(List<string> X, List<string> Series, double?[][] Values, bool Percent);

    public static string Render(ResultTable table, Palette palette)
    {
        var spec = table.Chart ?? throw new ArgumentException($"table '{table.Name}' has no chart");
        var data = Extract(table, spec);
        if (data.X.Count == 0) return "";
        var horizontal = spec.Kind == ChartKind.Bar && data.Series.Count == 1 && (data.X.Count > 10 || data.X.Max(x => x.Length) > 12);
        return spec.Kind switch
        {
            ChartKind.Bar when horizontal => HorizontalBars(data, spec, palette),
            ChartKind.Line => Lines(data, spec, palette),
            ChartKind.StackedBar => VerticalBars(data, spec, palette, stacked: true),
            _ => VerticalBars(data, spec, palette, stacked: false),
        };
    }

    private static Data Extract(ResultTable t, ChartSpec spec)
    {
        var xi = t.Index(spec.X);
        string Key(object? v) => v switch { null => "", string s => s, double d => d.ToString("0.###", Inv), _ => Convert.ToString(v, Inv) ?? "" };
        var xs = t.Rows.Select(r => Key(r[xi])).Distinct().ToList();
        var xIndex = xs.Select((x, i) => (x, i)).ToDictionary(p => p.x, p => p.i);
        var percent = t.Columns[t.Index(spec.Y[0])].Kind == ColumnKind.Percent;
        if (spec.Series is { } seriesColumn)
        {
            var si = t.Index(seriesColumn);
            var yi = t.Index(spec.Y[0]);
            var series = t.Rows.Select(r => Key(r[si])).Distinct().ToList();
            var sIndex = series.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i);
            var values = series.Select(_ => new double?[xs.Count]).ToArray();
            foreach (var r in t.Rows)
                if (r[yi] is not null) values[sIndex[Key(r[si])]][xIndex[Key(r[xi])]] = (values[sIndex[Key(r[si])]][xIndex[Key(r[xi])]] ?? 0) + Analysis.Values.Double(r[yi]);
            return new Data(xs, series, values, percent);
        }
        var ys = spec.Y.Select(t.Index).ToList();
        var vals = ys.Select(_ => new double?[xs.Count]).ToArray();
        foreach (var r in t.Rows)
            for (var k = 0; k < ys.Count; k++)
                if (r[ys[k]] is not null && Analysis.Values.Double(r[ys[k]]) is var d && double.IsFinite(d)) vals[k][xIndex[Key(r[xi])]] = d;
        return new Data(xs, spec.Y.Select(Pretty).ToList(), vals, percent);
    }

    private static string Pretty(string column) => column.Replace('_', ' ');

    /// <summary>A "nice" axis maximum and step (1, 2, 2.5 or 5 times a power of ten, about five ticks).</summary>
    internal static (double Max, double Step) NiceScale(double max)
    {
        if (!(max > 0) || !double.IsFinite(max)) return (1, 0.2);
        var raw = max / 5;
        var mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * mag).First(s => s >= raw);
        return (Math.Ceiling(max / step - 1e-9) * step, step);
    }

    private static string Esc(string s) => WebUtility.HtmlEncode(s);

    private static string N(double v) => v.ToString("0.##", Inv);

    private static string ValueLabel(double v, bool percent) => percent ? Format.Number(v, 1) + "%" : Format.Axis(v);

    private static void Open(StringBuilder sb, int height, string title, int marks)
    {
        sb.Append(Inv, $"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {height}\" width=\"100%\" role=\"img\" data-marks=\"{marks}\">");
        sb.Append("<title>").Append(Esc(title)).Append("</title>");
    }

    private static void Legend(StringBuilder sb, Data d, Palette palette, double right, double y)
    {
        if (d.Series.Count < 2) return;
        // Right-aligned row of swatches; widths estimated at 0.6 em per character.
        var items = d.Series.Select(s => (s, w: 18 + s.Length * FontPx * 0.6 + 14)).ToList();
        var x = right - items.Sum(i => i.w);
        foreach (var (s, w) in items)
        {
            sb.Append(Inv, $"<rect class=\"swatch\" x=\"{N(x)}\" y=\"{N(y - 9)}\" width=\"11\" height=\"11\" rx=\"2\" fill=\"{palette.For(s)}\"/>");
            sb.Append(Inv, $"<text class=\"legend\" x=\"{N(x + 16)}\" y=\"{N(y)}\">{Esc(s)}</text>");
            x += w;
        }
    }

    private static void YAxis(StringBuilder sb, double left, double right, double top, double bottom, double max, double step, string label, bool percent)
    {
        for (var v = 0.0; v <= max + step / 2; v += step)
        {
            var y = bottom - (bottom - top) * v / max;
            sb.Append(Inv, $"<line class=\"grid\" x1=\"{N(left)}\" x2=\"{N(right)}\" y1=\"{N(y)}\" y2=\"{N(y)}\"/>");
            sb.Append(Inv, $"<text class=\"tick\" x=\"{N(left - 6)}\" y=\"{N(y + 4)}\" text-anchor=\"end\">{Esc(percent ? Format.Number(v, 1) + "%" : Format.Axis(v))}</text>");
        }
        var mid = (top + bottom) / 2;
        sb.Append(Inv, $"<text class=\"axis-label\" transform=\"translate(14 {N(mid)}) rotate(-90)\" text-anchor=\"middle\">{Esc(label)}</text>");
    }

    private static void XLabels(StringBuilder sb, Data d, Func<int, double> center, double slot, double bottom, string? xLabel, double width)
    {
        var longest = d.X.Max(x => x.Length) * FontPx * 0.6;
        var rotate = longest > slot - 4;
        for (var i = 0; i < d.X.Count; i++)
        {
            var x = center(i);
            if (rotate)
                sb.Append(Inv, $"<text class=\"tick\" transform=\"translate({N(x + 4)} {N(bottom + 14)}) rotate(-35)\" text-anchor=\"end\">{Esc(d.X[i])}</text>");
            else
                sb.Append(Inv, $"<text class=\"tick\" x=\"{N(x)}\" y=\"{N(bottom + 18)}\" text-anchor=\"middle\">{Esc(d.X[i])}</text>");
        }
        if (xLabel is not null)
            sb.Append(Inv, $"<text class=\"axis-label\" x=\"{N(width / 2)}\" y=\"{N(bottom + (rotate ? 70 : 38))}\" text-anchor=\"middle\">{Esc(xLabel)}</text>");
    }

    private static string VerticalBars(Data d, ChartSpec spec, Palette palette, bool stacked)
    {
        var longest = d.X.Max(x => x.Length) * FontPx * 0.6;
        double left = 64, right = Width - 16, top = d.Series.Count > 1 ? 34 : 16;
        var slot = (right - left) / d.X.Count;
        var rotated = longest > slot - 4;
        var bottomMargin = (rotated ? Math.Min(110, longest * 0.6 + 24) : 30) + (spec.XLabel is null ? 0 : 22);
        var height = (int)(250 + bottomMargin + top);
        var bottom = height - bottomMargin;
        var maxValue = stacked
            ? Enumerable.Range(0, d.X.Count).Max(i => d.Values.Sum(s => s[i] ?? 0))
            : d.Values.SelectMany(s => s).Max(v => v ?? 0);
        var (max, step) = NiceScale(maxValue);
        var marks = d.Values.Sum(s => s.Count(v => v is not null));
        var sb = new StringBuilder();
        Open(sb, height, spec.YLabel, marks);
        YAxis(sb, left, right, top, bottom, max, step, spec.YLabel, d.Percent);
        Legend(sb, d, palette, right, 16);
        var groupWidth = slot * 0.78;
        var barWidth = stacked ? groupWidth : groupWidth / d.Series.Count;
        for (var i = 0; i < d.X.Count; i++)
        {
            var x0 = left + slot * i + (slot - groupWidth) / 2;
            double stack = 0;
            for (var s = 0; s < d.Series.Count; s++)
            {
                if (d.Values[s][i] is not { } v) continue;
                var colour = d.Series.Count == 1 ? Palette.Single : palette.For(d.Series[s]);
                var h = (bottom - top) * v / max;
                var x = stacked ? x0 : x0 + s * barWidth;
                var y = stacked ? bottom - (bottom - top) * (stack + v) / max : bottom - h;
                stack += v;
                var tip = $"{d.X[i]}{(d.Series.Count > 1 ? " · " + d.Series[s] : "")}: {ValueLabel(v, d.Percent)}";
                sb.Append(Inv, $"<rect class=\"mark\" x=\"{N(x + 0.5)}\" y=\"{N(y)}\" width=\"{N(Math.Max(1, barWidth - 1))}\" height=\"{N(Math.Max(0, h))}\" rx=\"1.5\" fill=\"{colour}\"><title>{Esc(tip)}</title></rect>");
                if (!stacked && barWidth >= 26 && h >= 0)
                    sb.Append(Inv, $"<text class=\"value\" x=\"{N(x + barWidth / 2)}\" y=\"{N(y - 4)}\" text-anchor=\"middle\">{Esc(ValueLabel(v, d.Percent))}</text>");
                else if (stacked && h >= 16 && barWidth >= 34)
                    sb.Append(Inv, $"<text class=\"value inside\" x=\"{N(x + barWidth / 2)}\" y=\"{N(y + h / 2 + 4)}\" text-anchor=\"middle\">{Esc(ValueLabel(v, d.Percent))}</text>");
            }
        }
        sb.Append(Inv, $"<line class=\"axis\" x1=\"{N(left)}\" x2=\"{N(right)}\" y1=\"{N(bottom)}\" y2=\"{N(bottom)}\"/>");
        XLabels(sb, d, i => left + slot * (i + 0.5), slot, bottom, spec.XLabel, (left + right));
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string HorizontalBars(Data d, ChartSpec spec, Palette palette)
    {
        const int Row = 22;
        var shown = Math.Min(d.X.Count, 30); // long tails stay in the table; the chart shows the first 30 rows
        var labelWidth = Math.Min(260, d.X.Take(shown).Max(x => x.Length) * FontPx * 0.6 + 12);
        double left = labelWidth + 8, right = Width - 70, top = 10;
        var bottom = top + shown * Row;
        var height = (int)(bottom + 40);
        var values = d.Values[0];
        var (max, step) = NiceScale(values.Take(shown).Max(v => v ?? 0));
        var sb = new StringBuilder();
        Open(sb, height, spec.YLabel, values.Take(shown).Count(v => v is not null));
        for (var v = 0.0; v <= max + step / 2; v += step)
        {
            var x = left + (right - left) * v / max;
            sb.Append(Inv, $"<line class=\"grid\" x1=\"{N(x)}\" x2=\"{N(x)}\" y1=\"{N(top)}\" y2=\"{N(bottom)}\"/>");
            sb.Append(Inv, $"<text class=\"tick\" x=\"{N(x)}\" y=\"{N(bottom + 16)}\" text-anchor=\"middle\">{Esc(d.Percent ? Format.Number(v, 1) + "%" : Format.Axis(v))}</text>");
        }
        for (var i = 0; i < shown; i++)
        {
            var y = top + i * Row;
            var label = d.X[i].Length > 40 ? d.X[i][..39] + "…" : d.X[i];
            sb.Append(Inv, $"<text class=\"tick\" x=\"{N(left - 8)}\" y=\"{N(y + Row / 2.0 + 4)}\" text-anchor=\"end\">{Esc(label)}</text>");
            if (values[i] is not { } v) continue;
            var w = (right - left) * v / max;
            var colour = d.X[i] is "other" or "unknown" or "no fingerprint" or "??" ? Palette.Other : Palette.Single;
            sb.Append(Inv, $"<rect class=\"mark\" x=\"{N(left)}\" y=\"{N(y + 3)}\" width=\"{N(Math.Max(1, w))}\" height=\"{Row - 6}\" rx=\"1.5\" fill=\"{colour}\"><title>{Esc(d.X[i] + ": " + ValueLabel(v, d.Percent))}</title></rect>");
            sb.Append(Inv, $"<text class=\"value\" x=\"{N(left + w + 5)}\" y=\"{N(y + Row / 2.0 + 4)}\">{Esc(ValueLabel(v, d.Percent))}</text>");
        }
        sb.Append(Inv, $"<line class=\"axis\" x1=\"{N(left)}\" x2=\"{N(left)}\" y1=\"{N(top)}\" y2=\"{N(bottom)}\"/>");
        sb.Append(Inv, $"<text class=\"axis-label\" x=\"{N((left + right) / 2)}\" y=\"{N(bottom + 34)}\" text-anchor=\"middle\">{Esc(spec.YLabel)}</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string Lines(Data d, ChartSpec spec, Palette palette)
    {
        double left = 64, right = Width - 16, top = d.Series.Count > 1 ? 34 : 16;
        var slot = (right - left) / Math.Max(1, d.X.Count);
        var longest = d.X.Max(x => x.Length) * FontPx * 0.6;
        var rotated = longest > slot - 4;
        // Thin out x labels when there are many points (keep every k-th).
        var bottomMargin = (rotated ? Math.Min(110, longest * 0.6 + 24) : 30) + (spec.XLabel is null ? 0 : 22);
        var height = (int)(250 + bottomMargin + top);
        var bottom = height - bottomMargin;
        var (max, step) = NiceScale(d.Values.SelectMany(s => s).Max(v => v ?? 0));
        var sb = new StringBuilder();
        Open(sb, height, spec.YLabel, d.Values.Sum(s => s.Count(v => v is not null)));
        YAxis(sb, left, right, top, bottom, max, step, spec.YLabel, d.Percent);
        Legend(sb, d, palette, right, 16);
        double X(int i) => left + slot * (i + 0.5);
        for (var s = 0; s < d.Series.Count; s++)
        {
            var colour = d.Series.Count == 1 ? Palette.Single : palette.For(d.Series[s]);
            var points = Enumerable.Range(0, d.X.Count).Where(i => d.Values[s][i] is not null)
                .Select(i => (i, x: X(i), y: bottom - (bottom - top) * d.Values[s][i]!.Value / max)).ToList();
            if (points.Count > 1)
                sb.Append(Inv, $"<polyline class=\"line\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.2\" stroke-linejoin=\"round\" points=\"{string.Join(" ", points.Select(p => N(p.x) + "," + N(p.y)))}\"/>");
            foreach (var (i, x, y) in points)
                sb.Append(Inv, $"<circle class=\"mark\" cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{(d.X.Count > 40 ? 1.8 : 3.2)}\" fill=\"{colour}\"><title>{Esc($"{d.X[i]} · {d.Series[s]}: {ValueLabel(d.Values[s][i]!.Value, d.Percent)}")}</title></circle>");
        }
        sb.Append(Inv, $"<line class=\"axis\" x1=\"{N(left)}\" x2=\"{N(right)}\" y1=\"{N(bottom)}\" y2=\"{N(bottom)}\"/>");
        var every = Math.Max(1, (int)Math.Ceiling(d.X.Count / 26.0));
        var thinned = d with { X = d.X.Select((x, i) => i % every == 0 ? x : "").ToList() };
        XLabels(sb, thinned, X, slot * every, bottom, spec.XLabel, left + right);
        sb.Append("</svg>");
        return sb.ToString();
    }
}
