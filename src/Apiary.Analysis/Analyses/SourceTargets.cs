namespace Apiary.Analysis.Analyses;

/// <summary>Shared query: when each source first reached each target (used by targets-per-source and target-order).</summary>
internal static class SourceTargets
{
    /// <summary>One source's first contact time with each target, in contact order.</summary>
    public sealed record Contacts(string Platform, string Src, long Visit, IReadOnlyList<(string Target, long FirstUs)> Targets);

    public static List<Contacts> Load(AnalysisContext context, int minTargets)
    {
        var r = context.Query($"""
            SELECT g.platform, g.src, g.visit, g.target, g.first_us
            FROM (SELECT platform, src, visit, target, MIN(t_us) AS first_us FROM a_packets GROUP BY platform, src, visit, target) g
            JOIN a_sources s ON s.platform = g.platform AND s.src = g.src AND s.visit = g.visit
            WHERE s.targets >= {minTargets}
            ORDER BY g.platform, g.src, g.visit, g.first_us, g.target
            """);
        var result = new List<Contacts>();
        List<(string, long)>? current = null;
        (string, string, long) key = ("", "", -1);
        foreach (var row in r.Rows)
        {
            var k = (Values.Text(row[0]), Values.Text(row[1]), Values.Long(row[2]));
            if (current is null || k != key)
            {
                current = [];
                key = k;
                result.Add(new Contacts(k.Item1, k.Item2, k.Item3, current));
            }
            current.Add((Values.Text(row[3]), Values.Long(row[4])));
        }
        return result;
    }
}
