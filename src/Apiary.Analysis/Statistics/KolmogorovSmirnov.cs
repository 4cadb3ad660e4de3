namespace Apiary.Analysis.Statistics;

/// <summary>
/// One-sample Kolmogorov-Smirnov test (MathNet.Numerics has none). The statistic is exact; the p-value uses
/// the asymptotic Kolmogorov distribution with Stephens' small-sample correction
/// (sqrt(n) + 0.12 + 0.11/sqrt(n)), as in Numerical Recipes (3rd ed., 14.3.3). With parameters estimated from
/// the same sample (our fits) the p-value is conservative (too large): compare statistics between models.
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>D = sup |F_n(x) - F(x)| for the sample against the continuous CDF <paramref name="cdf"/>.</summary>
    public static double Statistic(IEnumerable<double> sample, Func<double, double> cdf)
    {
        var x = sample.Order().ToArray();
        if (x.Length == 0) return double.NaN;
        var n = (double)x.Length;
        var d = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var f = cdf(x[i]);
            d = Math.Max(d, Math.Max(f - i / n, (i + 1) / n - f));
        }
        return d;
    }

    /// <summary>P(K &gt; lambda) for the Kolmogorov distribution: 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2).</summary>
    public static double KolmogorovSurvival(double lambda)
    {
        if (lambda <= 0) return 1;
        if (lambda < 0.2) return 1; // the series converges slowly there and the value is 1 to 1e-9
        double sum = 0, sign = 1;
        // 100 terms: each term is exp(-2 j^2 lambda^2); for lambda >= 0.2 the 100th is below 1e-300.
        for (var j = 1; j <= 100; j++)
        {
            var term = sign * Math.Exp(-2.0 * j * j * lambda * lambda);
            sum += term;
            if (Math.Abs(term) < 1e-16 * Math.Abs(sum)) break;
            sign = -sign;
        }
        return Math.Clamp(2 * sum, 0, 1);
    }

    /// <summary>Approximate p-value of statistic <paramref name="d"/> for sample size <paramref name="n"/>.</summary>
    public static double PValue(double d, int n)
    {
        if (n <= 0 || double.IsNaN(d)) return double.NaN;
        var sn = Math.Sqrt(n);
        return KolmogorovSurvival((sn + 0.12 + 0.11 / sn) * d);
    }
}
