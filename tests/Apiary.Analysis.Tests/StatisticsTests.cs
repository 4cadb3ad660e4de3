using Apiary.Analysis.Statistics;
using Xunit;

namespace Apiary.Analysis.Tests;

/// <summary>Statistics against values from published tables and hand computation.</summary>
public sealed class StatisticsTests
{
    [Theory]
    // Kolmogorov distribution survival Q(lambda): classic table values (e.g. Smirnov 1948; 1.358 is the 5 % point, 1.628 the 1 %).
    [InlineData(1.0, 0.26999967, 1e-6)]
    [InlineData(1.358, 0.0500, 2e-4)]
    [InlineData(1.628, 0.0100, 2e-4)]
    [InlineData(0.5, 0.96394524, 1e-6)]
    [InlineData(0.1, 1.0, 1e-9)]
    public void KolmogorovSurvival_MatchesTables(double lambda, double expected, double tolerance) =>
        Assert.Equal(expected, KolmogorovSmirnov.KolmogorovSurvival(lambda), tolerance);

    [Fact]
    public void KsStatistic_AgainstUniform()
    {
        Assert.Equal(0.25, KolmogorovSmirnov.Statistic([0.25, 0.5, 0.75], x => Math.Clamp(x, 0, 1)), 12);
        Assert.Equal(0.5, KolmogorovSmirnov.Statistic([0.5], x => x), 12);
        Assert.Equal(0.95, KolmogorovSmirnov.Statistic([0.95, 0.96, 0.97, 0.98, 0.99, 0.991, 0.992, 0.993, 0.994, 0.999], x => x), 2);
    }

    [Fact]
    public void KsPValue_LargeSampleFromTheModel_IsNotRejected()
    {
        var rng = new Random(7);
        var x = Enumerable.Range(0, 2000).Select(_ => -Math.Log(1 - rng.NextDouble()) / 0.5).ToArray();
        var d = KolmogorovSmirnov.Statistic(x, v => 1 - Math.Exp(-0.5 * v));
        Assert.True(KolmogorovSmirnov.PValue(d, x.Length) > 0.01);
        var fits = DistributionFits.FitAll(x);
        Assert.Equal("exponential", fits.Where(f => f.Model != "weibull").MinBy(f => f.KsStatistic)!.Model);
        var weibull = fits.Single(f => f.Model == "weibull");
        Assert.Contains("shape=", weibull.Parameters, StringComparison.Ordinal); // shape close to 1 for exponential data
    }

    [Fact]
    public void ChiSquare_TwoByTwo()
    {
        var r = ChiSquareHomogeneity.Test([[10, 20], [20, 10]]);
        Assert.Equal(20.0 / 3, r.ChiSquare, 10);
        Assert.Equal(1, r.DegreesOfFreedom);
        Assert.Equal(0.00982327, r.PValue, 6);
        Assert.Equal(1.0 / 3, r.CramersV, 10);
    }

    [Fact]
    public void ChiSquare_IdenticalRows_PIsOne()
    {
        var r = ChiSquareHomogeneity.Test([[5, 10, 0], [10, 20, 0]]);
        Assert.Equal(0, r.ChiSquare, 12);
        Assert.Equal(1, r.DegreesOfFreedom); // the empty column is dropped
        Assert.Equal(1, r.PValue, 12);
    }

    [Fact]
    public void JensenShannon_KnownValues()
    {
        Assert.Equal(1, JensenShannon.Distance([1, 0], [0, 1]), 12);
        Assert.Equal(0, JensenShannon.Distance([3, 1], [6, 2]), 12);
        Assert.Equal(Math.Sqrt(0.5 * (0.5 * Math.Log2(0.5 / 0.75) + 0.5 * 1) + 0.5 * Math.Log2(1 / 0.75)), JensenShannon.Distance([0.5, 0.5], [1, 0]), 12);
        Assert.Equal(0.557923, JensenShannon.Distance([0.5, 0.5], [1, 0]), 5);
    }

    [Fact]
    public void PoissonDispersion_KnownValues()
    {
        var r = PoissonDispersion.Test([0, 2, 0, 2]);
        Assert.Equal(1, r.Mean, 12);
        Assert.Equal(4.0 / 3, r.Variance, 12);
        Assert.Equal(4, r.Statistic, 12);
        Assert.Equal(0.2614641, r.PValueOverDispersed, 6); // chi-square(3) survival at 4
        Assert.Equal(0, PoissonDispersion.Test([1, 1, 1, 1]).Index, 12);
    }
}
