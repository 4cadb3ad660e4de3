using Apiary.Analysis.Statistics;

namespace Apiary.Analysis.Analyses;

/// <summary>
/// Model: is the attack process stable over months? One row per dimension (targets, protocols, ports,
/// countries) with a chi-square test of homogeneity, Cramér's V and Jensen-Shannon distances, plus the
/// monthly new-source counts.
/// </summary>
public sealed class StabilityAnalysis : IAnalysis
{
    public string Name => "stability";
    public string Title => "Stability over months";
    public string PaperReference => "5.2.1, 5.3, 5.4 (\"stable processes\"), model";

    public AnalysisResult Run(AnalysisContext context)
    {
        var dims = new List<MonthlyStability.Result>();
        List<(string, string, double)> Cells(string sql) =>
            context.Query(sql).Rows.Select(r => (Values.Month(r[0]), Values.Text(r[1]), Values.Double(r[2]))).ToList();

        dims.Add(MonthlyStability.Compute("target (packets)", Cells("SELECT month, platform || '/' || target, n FROM (SELECT month, platform, target, COUNT(*) AS n FROM a_packets GROUP BY 1, 2, 3) x")));
        dims.Add(MonthlyStability.Compute("target (sources)", Cells("SELECT month, platform || '/' || target, COUNT(*) FROM (SELECT month, platform, target, src, visit FROM a_packets GROUP BY 1, 2, 3, 4, 5) x GROUP BY month, platform, target")));
        dims.Add(MonthlyStability.Compute("protocol (packets)", Cells("""
            SELECT month, CASE WHEN proto = 6 THEN 'tcp' WHEN proto = 17 THEN 'udp' WHEN proto IN (1, 58) THEN 'icmp' ELSE 'other' END, SUM(n)
            FROM (SELECT month, proto, COUNT(*) AS n FROM a_packets GROUP BY 1, 2) x GROUP BY 1, 2
            """)));
        var ports = Cells("""
            SELECT month, CAST(dport AS VARCHAR) || CASE WHEN proto = 6 THEN '/tcp' ELSE '/udp' END, n
            FROM (SELECT month, proto, dport, COUNT(*) AS n FROM (
                      SELECT month, proto, dport, platform, src, visit FROM a_packets WHERE proto IN (6, 17) AND dport IS NOT NULL AND NOT is_backscatter
                      GROUP BY 1, 2, 3, 4, 5, 6) d
                  GROUP BY 1, 2, 3) x
            """);
        dims.Add(MonthlyStability.Compute($"port (sources, top {context.Options.TopPorts} + other)", MonthlyStability.TopOrOther(ports, context.Options.TopPorts)));
        var sources = Enrichment.Open(context, out var why);
        var country = sources?.Find("country", "country_code", "cc");
        var notes = new List<string>
        {
            "Chi-square on month x category counts (categories with no count dropped); with large counts p is tiny for any change, so Cramér's V (0 = identical months) and the Jensen-Shannon distance (0..1) measure how large the change is.",
        };
        if (sources is not null && country is not null)
            dims.Add(MonthlyStability.Compute($"country (sources, top {context.Options.TopCountries} + other)", MonthlyStability.TopOrOther(Cells($"""
                SELECT s.first_month, COALESCE(NULLIF(e.{country}, ''), '??'), COUNT(*)
                FROM a_sources s LEFT JOIN sources e ON e.{sources.PlatformColumn} = s.platform AND e.{sources.AddressColumn} = s.src_text GROUP BY 1, 2
                """), context.Options.TopCountries)));
        else notes.Add("country: " + why);

        var months = dims[0].Months;
        if (months == 0) return AnalysisResult.NotAvailable(this, "no incoming packets in the selection");
        var table = new TableBuilder("dimensions", "Homogeneity across months").Text("dimension").Int("months").Int("categories")
            .Num("chi_square").Int("dof").Num("p_value").Num("cramers_v").Num("max_js_consecutive").Num("max_js_to_overall");
        foreach (var d in dims)
            table.Row(d.Dimension, (long)d.Months, (long)d.Categories, Finite(d.ChiSquare), (long)d.DegreesOfFreedom, Finite(d.PValue), Finite(d.CramersV), Finite(d.MaxConsecutiveJs), Finite(d.MaxJsToOverall));

        var perMonth = new TableBuilder("new_sources_monthly", "New sources per month").Text("month").Int("new_sources");
        foreach (var r in context.Query("SELECT first_month, COUNT(*) FROM a_sources GROUP BY first_month ORDER BY first_month").Rows)
            perMonth.Row(Values.Month(r[0]), Values.Long(r[1]));

        var figures = new List<Figure>
        {
            new("months", "Months covered", months, "months", "4"),
            new("max_cramers_v", "Largest Cramér's V over the dimensions", dims.Select(d => d.CramersV).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max() is var v && double.IsFinite(v) ? v : null, "", "small (\"fairly stable\")"),
            new("max_js", "Largest JS distance month vs period over the dimensions", dims.Select(d => d.MaxJsToOverall).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max() is var j && double.IsFinite(j) ? j : null, ""),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [table.Build(new ChartSpec(ChartKind.Bar, "dimension", ["max_js_to_overall"], null, "largest JS distance to the whole period")),
             perMonth.Build(new ChartSpec(ChartKind.Bar, "month", ["new_sources"], null, "new sources"))],
            notes);
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
