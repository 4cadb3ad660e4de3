using MathNet.Numerics.Distributions;

namespace Apiary.Analysis.Statistics;

/// <summary>
/// Pearson's chi-square test of homogeneity on a contingency table (rows = groups such as months, columns =
/// categories such as countries). Columns whose total is zero are dropped. With very large counts any tiny
/// difference is "significant": read it with an effect size (Cramér's V, Jensen-Shannon distance).
/// </summary>
public static class ChiSquareHomogeneity
{
    public sealed record Result(double ChiSquare, int DegreesOfFreedom, double PValue, double CramersV, double MinExpected);

    public static Result Test(double[][] counts)
    {
        var rows = counts.Length;
        if (rows < 2) return new Result(double.NaN, 0, double.NaN, double.NaN, double.NaN);
        var cols = counts[0].Length;
        var keep = Enumerable.Range(0, cols).Where(j => counts.Sum(r => r[j]) > 0).ToArray();
        var rowTotals = counts.Select(r => keep.Sum(j => r[j])).ToArray();
        var liveRows = Enumerable.Range(0, rows).Where(i => rowTotals[i] > 0).ToArray();
        if (liveRows.Length < 2 || keep.Length < 2) return new Result(0, 0, 1, 0, double.NaN);
        var colTotals = keep.Select(j => liveRows.Sum(i => counts[i][j])).ToArray();
        var total = colTotals.Sum();
        double chi = 0, minExpected = double.MaxValue;
        foreach (var i in liveRows)
            for (var k = 0; k < keep.Length; k++)
            {
                var expected = rowTotals[i] * colTotals[k] / total;
                minExpected = Math.Min(minExpected, expected);
                var diff = counts[i][keep[k]] - expected;
                chi += diff * diff / expected;
            }
        var dof = (liveRows.Length - 1) * (keep.Length - 1);
        var p = 1 - ChiSquared.CDF(dof, chi);
        var v = Math.Sqrt(chi / (total * Math.Min(liveRows.Length - 1, keep.Length - 1)));
        return new Result(chi, dof, p, v, minExpected);
    }
}
