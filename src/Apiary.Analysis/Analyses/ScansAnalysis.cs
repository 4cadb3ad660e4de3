namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.3: scanning sources, how many ports they probe per target, the largest scan.</summary>
public sealed class ScansAnalysis : IAnalysis
{
    public string Name => "scans";
    public string Title => "Scans: ports probed per scanning source";
    public string PaperReference => "5.3";

    public AnalysisResult Run(AnalysisContext context)
    {
        var o = context.Options;
        // Requests only: backscatter destination ports are picked by a spoofer, not probed by the source.
        var perSource = context.Query("""
            SELECT s.platform, s.src, s.visit, s.targets, COALESCE(MAX(pt.ports), 0) AS max_ports
            FROM a_sources s
            LEFT JOIN (
                SELECT platform, src, visit, target, COUNT(*) AS ports
                FROM (SELECT DISTINCT platform, src, visit, target, dport FROM a_packets
                      WHERE NOT is_backscatter AND dport IS NOT NULL AND proto IN (6, 17)) d
                GROUP BY platform, src, visit, target) pt
              ON pt.platform = s.platform AND pt.src = s.src AND pt.visit = s.visit
            GROUP BY s.platform, s.src, s.visit, s.targets
            """).Rows.Select(r => (Targets: Values.Long(r[3]), MaxPorts: Values.Long(r[4]))).ToList();
        if (perSource.Count == 0) return AnalysisResult.NotAvailable(this, "no sources in the selection");
        var distinctPorts = context.Query("""
            SELECT MAX(ports) FROM (
                SELECT COUNT(DISTINCT dport) AS ports FROM a_packets WHERE NOT is_backscatter AND dport IS NOT NULL AND proto IN (6, 17)
                GROUP BY platform, src, visit) x
            """).Rows.Select(r => Values.Long(r[0])).ToList();

        bool IsScanner((long Targets, long MaxPorts) s) => s.Targets >= o.ScanMinTargets || s.MaxPorts >= o.ScanMinPorts;
        var scanners = perSource.Where(IsScanner).ToList();
        var histogram = new TableBuilder("ports_per_scanner", "Scanning sources by most ports probed on one target")
            .Int("ports").Int("sources").Pct("share");
        foreach (var g in scanners.GroupBy(s => s.MaxPorts).OrderBy(g => g.Key))
            histogram.Row(g.Key, (long)g.Count(), Values.Percent(g.Count(), scanners.Count));

        var singleScanning = perSource.Count(s => s.Targets == 1 && s.MaxPorts >= o.ScanMinPorts);
        var singles = perSource.Count(s => s.Targets == 1);
        var figures = new List<Figure>
        {
            new("scanning_sources", "Scanning sources", scanners.Count, "sources"),
            new("scanning_pct", "Share of sources that scan", Values.Percent(scanners.Count, perSource.Count), "%", "> 70"),
            new("largest_scan_ports", "Largest scan: most ports probed on one target", scanners.Count > 0 ? scanners.Max(s => s.MaxPorts) : 0, "ports", "9"),
            new("largest_scan_all_ports", "Most distinct ports probed by one source over all targets", distinctPorts.Count > 0 ? distinctPorts.Max() : 0, "ports"),
            new("median_scan_ports", "Median ports per scanning source (one target)", scanners.Count > 0 ? Values.Quantile(scanners.Select(s => (double)s.MaxPorts).Order().ToList(), 0.5) : null, "ports"),
            new("single_target_scanning_pct", $"Single-target sources probing >= {o.ScanMinPorts} ports", singles > 0 ? Values.Percent(singleScanning, singles) : null, "%", "0 (\"never seen doing a port scan\")"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [histogram.Build(new ChartSpec(ChartKind.Bar, "ports", ["share"], null, "% of scanning sources", "ports probed on one target"))],
            [$"A scanning source contacts at least {o.ScanMinTargets} targets or probes at least {o.ScanMinPorts} distinct TCP/UDP destination ports on one target (requests only, backscatter excluded)."]);
    }
}
