using Apiary.Analysis.Statistics;

namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.2.1: country of the sources, overall and per month, and how stable the shares are.</summary>
public sealed class GeographyAnalysis : IAnalysis
{
    public string Name => "geography";
    public string Title => "Where sources are (country)";
    public string PaperReference => "5.2.1";

    public AnalysisResult Run(AnalysisContext context)
    {
        var table = Enrichment.Open(context, out var reason);
        if (table is null) return AnalysisResult.NotAvailable(this, reason);
        var country = table.Find("country", "country_code", "cc");
        if (country is null) return AnalysisResult.NotAvailable(this, "not enriched: table `sources` has no country column");

        var rows = context.Query($"""
            SELECT s.first_month, COALESCE(NULLIF(e.{country}, ''), '??') AS country, COUNT(*) AS sources
            FROM a_sources s LEFT JOIN sources e ON e.{table.PlatformColumn} = s.platform AND e.{table.AddressColumn} = s.src_text
            GROUP BY s.first_month, COALESCE(NULLIF(e.{country}, ''), '??')
            """).Rows.Select(r => (Month: Values.Month(r[0]), Country: Values.Text(r[1]), Count: (double)Values.Long(r[2]))).ToList();
        if (rows.Count == 0) return AnalysisResult.NotAvailable(this, "no sources in the selection");

        var total = rows.Sum(r => r.Count);
        var byCountry = rows.GroupBy(r => r.Country).Select(g => (Country: g.Key, Count: g.Sum(r => r.Count)))
            .OrderByDescending(x => x.Count).ThenBy(x => x.Country, StringComparer.Ordinal).ToList();
        var known = byCountry.Where(c => c.Country != "??").ToList();
        var overall = new TableBuilder("countries", "Sources per country").Text("country").Int("sources").Pct("share");
        foreach (var (c, n) in byCountry) overall.Row(c, (long)n, Values.Percent(n, total));

        var top = MonthlyStability.TopOrOther(rows, context.Options.TopCountries).ToList();
        var monthTotals = rows.GroupBy(r => r.Month).ToDictionary(g => g.Key, g => g.Sum(r => r.Count), StringComparer.Ordinal);
        var monthly = new TableBuilder("countries_monthly", "Country shares per month (top countries, the rest as other)").Text("month").Text("country").Int("sources").Pct("share");
        foreach (var (m, c, n) in top.OrderBy(x => x.Month, StringComparer.Ordinal).ThenByDescending(x => x.Count))
            monthly.Row(m, c, (long)n, Values.Percent(n, monthTotals[m]));

        var stability = MonthlyStability.Compute("country", top);
        var js = new TableBuilder("month_distances", "Jensen-Shannon distance of each month's country shares").Text("month").Num("js_to_previous").Num("js_to_overall");
        foreach (var (m, prev, all) in stability.PerMonth) js.Row(m, double.IsFinite(prev) ? prev : null, all);

        var top3 = known.Take(3).Sum(c => c.Count);
        var figures = new List<Figure>
        {
            new("countries", "Countries seen", known.Count, "countries", "88"),
            new("top3_pct", "Share of the top 3 countries (" + string.Join(", ", known.Take(3).Select(c => c.Country)) + ")", Values.Percent(top3, total), "%", "> 70 (AU 33, NL 21, US 17)"),
            new("first_country_pct", "Share of the first country (" + (known.Count > 0 ? known[0].Country : "-") + ")", known.Count > 0 ? Values.Percent(known[0].Count, total) : null, "%", "33 (Australia)"),
            new("unlocated_pct", "Sources without a country", Values.Percent(byCountry.Where(c => c.Country == "??").Sum(c => c.Count), total), "%"),
            new("monthly_chi2_p", "Chi-square homogeneity across months: p-value", stability.PValue, "", "\"fairly stable\""),
            new("monthly_cramers_v", "Cramér's V across months", stability.CramersV, ""),
            new("monthly_max_js", "Largest Jensen-Shannon distance month vs whole period", stability.MaxJsToOverall, ""),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [overall.Build(new ChartSpec(ChartKind.Bar, "country", ["share"], null, "% of sources")),
             monthly.Build(new ChartSpec(ChartKind.StackedBar, "month", ["share"], "country", "% of sources")),
             js.Build()],
            [$"Country from the enrichment `sources` table (column `{country}`), one count per source (address x platform x visit) in the month of its first packet.",
             "The homogeneity test uses the top countries plus 'other'; with thousands of sources even small changes give tiny p-values: read Cramér's V and the JS distance as the size of the change."]);
    }
}
