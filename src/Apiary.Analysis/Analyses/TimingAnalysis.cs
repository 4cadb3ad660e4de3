namespace Apiary.Analysis.Analyses;

/// <summary>
/// Paper 5.2.3: packets and new sources per hour of day (each platform's local time) and per weekday,
/// normalised by the hours actually observed, and the weekend / weekday ratio.
/// </summary>
public sealed class TimingAnalysis : IAnalysis
{
    public string Name => "timing";
    public string Title => "When attacks happen (local hour of day, weekday)";
    public string PaperReference => "5.2.3";

    private static readonly string[] DayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public AnalysisResult Run(AnalysisContext context)
    {
        var packets = context.Query($"SELECT platform, {context.Sql.HourBucket("ts")} AS h, COUNT(*) FROM a_packets GROUP BY platform, h")
            .Rows.Select(r => (Platform: Values.Text(r[0]), Hour: Values.Time(r[1]), Count: (double)Values.Long(r[2]))).ToList();
        if (packets.Count == 0) return AnalysisResult.NotAvailable(this, "no incoming packets in the selection");
        var starts = context.Query($"SELECT platform, {context.Sql.HourBucket("first_ts")} AS h, COUNT(*) FROM a_sources GROUP BY platform, h")
            .Rows.Select(r => (Platform: Values.Text(r[0]), Hour: Values.Time(r[1]), Count: (double)Values.Long(r[2]))).ToList();

        var pktHour = new double[24]; var srcHour = new double[24]; var obsHour = new double[24];
        var pktDay = new double[7]; var srcDay = new double[7]; var obsDay = new double[7];
        foreach (var (platform, hour, n) in packets)
        {
            var local = Local(context, platform, hour);
            pktHour[local.Hour] += n;
            pktDay[DayIndex(local)] += n;
        }
        foreach (var (platform, hour, n) in starts)
        {
            var local = Local(context, platform, hour);
            srcHour[local.Hour] += n;
            srcDay[DayIndex(local)] += n;
        }
        foreach (var w in context.Windows())
            foreach (var (from, to) in w.Intervals)
            {
                // Walk the window hour by hour (4 months = 2928 steps); partial hours at the edges count by their fraction.
                for (var h = new DateTime(from.Year, from.Month, from.Day, from.Hour, 0, 0, DateTimeKind.Utc); h < to; h = h.AddHours(1))
                {
                    var a = h < from ? from : h;
                    var b = h.AddHours(1) > to ? to : h.AddHours(1);
                    var fraction = (b - a).TotalHours;
                    if (fraction <= 0) continue;
                    var local = Local(context, w.Platform, h);
                    obsHour[local.Hour] += fraction;
                    obsDay[DayIndex(local)] += fraction;
                }
            }

        var hourTable = new TableBuilder("hour_of_day", "Per local hour of day (rate-normalised shares; uniform = 4.17 %)")
            .Int("hour").Int("packets").Int("new_sources").Num("observed_hours").Pct("packets_share").Pct("sources_share");
        var pktRate = Rates(pktHour, obsHour); var srcRate = Rates(srcHour, obsHour);
        for (var h = 0; h < 24; h++)
            hourTable.Row((long)h, (long)pktHour[h], (long)srcHour[h], obsHour[h], Share(pktRate, h), Share(srcRate, h));

        var dayTable = new TableBuilder("weekday", "Per local weekday (rate-normalised shares; uniform = 14.3 %)")
            .Text("day").Int("packets").Int("new_sources").Num("observed_hours").Pct("packets_share").Pct("sources_share");
        var pktDayRate = Rates(pktDay, obsDay); var srcDayRate = Rates(srcDay, obsDay);
        for (var d = 0; d < 7; d++)
            dayTable.Row(DayNames[d], (long)pktDay[d], (long)srcDay[d], obsDay[d], Share(pktDayRate, d), Share(srcDayRate, d));

        double? WeekendRatio(double[] counts)
        {
            double weekendHours = obsDay[5] + obsDay[6], weekdayHours = obsDay[..5].Sum();
            if (weekendHours == 0 || weekdayHours == 0) return null;
            var weekdayRate = counts[..5].Sum() / weekdayHours;
            return weekdayRate == 0 ? null : (counts[5] + counts[6]) / weekendHours / weekdayRate;
        }
        var evening = Enumerable.Range(16, 8).Sum(h => Share(srcRate, h) ?? 0);
        var peak = Enumerable.Range(0, 24).MaxBy(h => srcRate[h]);
        var figures = new List<Figure>
        {
            new("weekend_ratio_sources", "New sources per hour, weekend / weekday", WeekendRatio(srcDay), "x", "> 1 (\"more attacks during week ends\")"),
            new("weekend_ratio_packets", "Packets per hour, weekend / weekday", WeekendRatio(pktDay), "x"),
            new("evening_sources_pct", "New sources 16:00-24:00 local (uniform 33.3 %)", evening, "%", "slightly above uniform (\"late afternoon and evening\")"),
            new("peak_hour", "Local hour with the most new sources per observed hour", peak, "h"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [hourTable.Build(new ChartSpec(ChartKind.Line, "hour", ["packets_share", "sources_share"], null, "% of daily rate", "local hour")),
             dayTable.Build(new ChartSpec(ChartKind.Line, "day", ["packets_share", "sources_share"], null, "% of weekly rate", "local weekday"))],
            ["Local time = the platform's time zone in the testbed (UTC without one); counts are bucketed by UTC hour first, so zones with a non-whole-hour offset are approximated to the hour.",
             "Shares are rates (count / hours observed in that hour or weekday) normalised to sum to 100 %, so uneven coverage does not bias them."]);
    }

    private static DateTime Local(AnalysisContext context, string platform, DateTime utcHour) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcHour, DateTimeKind.Utc), context.TimeZoneOf(platform));

    private static int DayIndex(DateTime local) => ((int)local.DayOfWeek + 6) % 7; // Monday = 0

    private static double[] Rates(double[] counts, double[] hours) =>
        counts.Select((c, i) => hours[i] > 0 ? c / hours[i] : 0).ToArray();

    private static double? Share(double[] rates, int i)
    {
        var sum = rates.Sum();
        return sum > 0 ? 100 * rates[i] / sum : null;
    }
}
