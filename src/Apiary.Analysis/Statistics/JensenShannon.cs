namespace Apiary.Analysis.Statistics;

/// <summary>
/// Jensen-Shannon distance between two discrete distributions: the square root of the JS divergence with
/// base-2 logarithms, so it lies in [0, 1] (0 identical, 1 disjoint). Inputs are counts or weights and are
/// normalised here.
/// </summary>
public static class JensenShannon
{
    public static double Distance(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        if (p.Count != q.Count) throw new ArgumentException("distributions have different lengths");
        var sp = p.Sum();
        var sq = q.Sum();
        if (sp <= 0 || sq <= 0) return double.NaN;
        double js = 0;
        for (var i = 0; i < p.Count; i++)
        {
            var a = p[i] / sp;
            var b = q[i] / sq;
            var m = (a + b) / 2;
            if (a > 0) js += 0.5 * a * Math.Log2(a / m);
            if (b > 0) js += 0.5 * b * Math.Log2(b / m);
        }
        return Math.Sqrt(Math.Max(0, js));
    }
}
