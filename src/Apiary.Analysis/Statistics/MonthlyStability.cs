namespace Apiary.Analysis.Statistics;

/// <summary>
/// How stable a categorical distribution (countries, targets, ports ...) is across months: chi-square test
/// of homogeneity on the month x category counts, Cramér's V, and Jensen-Shannon distances between
/// consecutive months and between each month and the whole period.
/// </summary>
public static class MonthlyStability
{
    /// <summary>The measures for one dimension.</summary>
    public sealed record Result(
        string Dimension, int Months, int Categories, double ChiSquare, int DegreesOfFreedom, double PValue, double CramersV,
        double MaxConsecutiveJs, double MaxJsToOverall, IReadOnlyList<(string Month, double JsToPrevious, double JsToOverall)> PerMonth);

    public static Result Compute(string dimension, IEnumerable<(string Month, string Category, double Count)> cells)
    {
        var list = cells.ToList();
        var months = list.Select(c => c.Month).Distinct().Order(StringComparer.Ordinal).ToList();
        var categories = list.Select(c => c.Category).Distinct().Order(StringComparer.Ordinal).ToList();
        var mi = months.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i);
        var ci = categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var table = months.Select(_ => new double[categories.Count]).ToArray();
        foreach (var (m, c, n) in list) table[mi[m]][ci[c]] += n;

        var chi = ChiSquareHomogeneity.Test(table);
        var overall = Enumerable.Range(0, categories.Count).Select(j => table.Sum(r => r[j])).ToArray();
        var perMonth = new List<(string, double, double)>();
        for (var i = 0; i < months.Count; i++)
        {
            var prev = i == 0 ? double.NaN : JensenShannon.Distance(table[i - 1], table[i]);
            perMonth.Add((months[i], prev, JensenShannon.Distance(table[i], overall)));
        }
        var consecutive = perMonth.Select(p => p.Item2).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        var toOverall = perMonth.Select(p => p.Item3).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        return new Result(dimension, months.Count, categories.Count, chi.ChiSquare, chi.DegreesOfFreedom, chi.PValue, chi.CramersV,
            consecutive, toOverall, perMonth);
    }

    /// <summary>Keeps the <paramref name="top"/> categories by total count and folds the rest into "other".</summary>
    public static IEnumerable<(string Month, string Category, double Count)> TopOrOther(
        IReadOnlyList<(string Month, string Category, double Count)> cells, int top)
    {
        var keep = cells.GroupBy(c => c.Category).OrderByDescending(g => g.Sum(c => c.Count)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(top).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return cells.GroupBy(c => (c.Month, Category: keep.Contains(c.Category) ? c.Category : "other"))
            .Select(g => (g.Key.Month, g.Key.Category, g.Sum(c => c.Count)));
    }
}
