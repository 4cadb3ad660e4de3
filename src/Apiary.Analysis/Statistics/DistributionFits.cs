using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Apiary.Analysis.Statistics;

/// <summary>
/// Maximum-likelihood fits of positive samples (inter-arrival times) to exponential, Weibull and log-normal
/// distributions, each with its Kolmogorov-Smirnov statistic against the sample.
/// </summary>
public static class DistributionFits
{
    public sealed record Fit(string Model, string Parameters, double KsStatistic, double KsPValue, double LogLikelihood);

    public static IReadOnlyList<Fit> FitAll(IReadOnlyList<double> sample)
    {
        var x = sample.Where(v => v > 0 && double.IsFinite(v)).ToArray();
        var fits = new List<Fit>();
        if (x.Length < 3) return fits;

        var rate = 1 / x.Average();
        var exp = new Exponential(rate);
        fits.Add(Make("exponential", FormattableString.Invariant($"rate={rate:G4}/s (mean {1 / rate:G4} s)"), x, exp.CumulativeDistribution, v => exp.DensityLn(v)));

        try
        {
            var w = Weibull.Estimate(x);
            fits.Add(Make("weibull", FormattableString.Invariant($"shape={w.Shape:G4}, scale={w.Scale:G4} s"), x, w.CumulativeDistribution, v => w.DensityLn(v)));
        }
        catch (Exception e) when (e is ArgumentException or NonConvergenceException)
        {
            fits.Add(new Fit("weibull", "fit did not converge: " + e.Message, double.NaN, double.NaN, double.NaN));
        }

        var ln = LogNormal.Estimate(x);
        fits.Add(Make("log-normal", FormattableString.Invariant($"mu={ln.Mu:G4}, sigma={ln.Sigma:G4}"), x, ln.CumulativeDistribution, v => ln.DensityLn(v)));
        return fits;
    }

    private static Fit Make(string model, string parameters, double[] x, Func<double, double> cdf, Func<double, double> densityLn)
    {
        var d = KolmogorovSmirnov.Statistic(x, cdf);
        return new Fit(model, parameters, d, KolmogorovSmirnov.PValue(d, x.Length), x.Sum(densityLn));
    }
}
