using System.Globalization;
using Apiary.Analysis;

namespace Apiary.Report;

/// <summary>How every renderer writes numbers: invariant culture, percentages with one decimal, thousands separated.</summary>
public static class Format
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Cell(object? value, ColumnKind kind) => value switch
    {
        null => "",
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", Inv),
        string s => s,
        _ => kind switch
        {
            ColumnKind.Percent => Number(Analysis.Values.Double(value), 1) + " %",
            ColumnKind.Integer => Analysis.Values.Long(value).ToString("#,0", Inv),
            ColumnKind.Seconds => Duration(Analysis.Values.Double(value)),
            _ => Number(Analysis.Values.Double(value), 3),
        },
    };

    /// <summary>A figure with its unit ("70.4 %", "6,285 sources", "2.15 /h").</summary>
    public static string Figure(Figure f)
    {
        if (f.Value is not { } v || !double.IsFinite(v)) return "–";
        return f.Unit switch
        {
            "%" => Number(v, 1) + " %",
            "s" => Duration(v),
            "" => Number(v, 3),
            "x" => Number(v, 2) + "×",
            "/h" => Number(v, 2) + " /h",
            "h" => Number(v, v >= 100 ? 0 : 1) + " h",
            _ => (Math.Abs(v - Math.Round(v)) < 1e-9 ? ((long)Math.Round(v)).ToString("#,0", Inv) : Number(v, 2)) + " " + f.Unit,
        };
    }

    /// <summary>Number with at most <paramref name="decimals"/> significant decimals; small values keep significance.</summary>
    public static string Number(double v, int decimals)
    {
        if (!double.IsFinite(v)) return "–";
        // Small but non-zero values keep two significant digits (0.0016) instead of rounding to 0.
        if (v != 0 && Math.Abs(v) < Math.Pow(10, -decimals))
            return Math.Abs(v) < 1e-6 ? v.ToString("0.#e+0", Inv) : v.ToString("0." + new string('#', Math.Min(8, 1 - (int)Math.Floor(Math.Log10(Math.Abs(v))))), Inv);
        return v.ToString("#,0." + new string('#', decimals), Inv);
    }

    public static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds)) return "–";
        var a = Math.Abs(seconds);
        return a switch
        {
            < 1 => Number(seconds * 1000, 1) + " ms",
            < 120 => Number(seconds, 2) + " s",
            < 7200 => Number(seconds / 60, 1) + " min",
            < 172800 => Number(seconds / 3600, 1) + " h",
            _ => Number(seconds / 86400, 1) + " d",
        };
    }

    /// <summary>Short axis label for a number.</summary>
    public static string Axis(double v)
    {
        var a = Math.Abs(v);
        if (a >= 1e9) return Number(v / 1e9, 1) + "G";
        if (a >= 1e6) return Number(v / 1e6, 1) + "M";
        if (a >= 1e4) return Number(v / 1e3, 0) + "k";
        return Number(v, a < 1 && a > 0 ? 3 : 1);
    }
}
