using MathNet.Numerics.Distributions;

namespace Apiary.Analysis.Statistics;

/// <summary>
/// Index-of-dispersion test of "counts per interval are Poisson": D = variance / mean, and
/// (n - 1) D follows chi-square with n - 1 degrees of freedom under the Poisson hypothesis.
/// D well above 1 means bursts (over-dispersion), below 1 means more regular than Poisson.
/// </summary>
public static class PoissonDispersion
{
    public sealed record Result(int Intervals, double Mean, double Variance, double Index, double Statistic, double PValueOverDispersed);

    public static Result Test(IReadOnlyList<double> counts)
    {
        var n = counts.Count;
        if (n < 2) return new Result(n, n == 1 ? counts[0] : double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var mean = counts.Average();
        var variance = counts.Sum(c => (c - mean) * (c - mean)) / (n - 1);
        if (mean == 0) return new Result(n, 0, variance, double.NaN, double.NaN, double.NaN);
        var index = variance / mean;
        var statistic = (n - 1) * index;
        var p = 1 - ChiSquared.CDF(n - 1, statistic);
        return new Result(n, mean, variance, index, statistic, p);
    }
}
