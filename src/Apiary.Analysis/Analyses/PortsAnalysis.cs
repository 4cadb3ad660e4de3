namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.4, Figure 4: packets per destination port.</summary>
public sealed class PortsAnalysis : IAnalysis
{
    public string Name => "ports";
    public string Title => "Packets per destination port (Fig. 4)";
    public string PaperReference => "5.4, Figure 4";

    public AnalysisResult Run(AnalysisContext context)
    {
        var rows = context.Query("""
            SELECT proto, dport, SUM(packets) AS packets, SUM(requests) AS requests, COUNT(*) AS sources
            FROM (SELECT proto, dport, platform, src, visit, COUNT(*) AS packets, SUM(CASE WHEN is_backscatter THEN 0 ELSE 1 END) AS requests
                  FROM a_packets WHERE proto IN (6, 17) AND dport IS NOT NULL
                  GROUP BY proto, dport, platform, src, visit) x
            GROUP BY proto, dport ORDER BY packets DESC, proto, dport
            """).Rows.Select(r => (Port: PortLabel(Values.Long(r[0]), Values.Long(r[1])), Packets: Values.Long(r[2]), Requests: Values.Long(r[3]), Sources: Values.Long(r[4]))).ToList();
        if (rows.Count == 0) return AnalysisResult.NotAvailable(this, "no TCP/UDP packet in the selection");
        var total = rows.Sum(r => r.Packets);

        var all = new TableBuilder("all_ports", "Every destination port").Text("port").Int("packets").Pct("share").Int("requests").Int("sources");
        foreach (var r in rows) all.Row(r.Port, r.Packets, Values.Percent(r.Packets, total), r.Requests, r.Sources);
        var top = new TableBuilder("top_ports", "Top destination ports by packets").Text("port").Int("packets").Pct("share");
        foreach (var r in rows.Take(context.Options.TopPorts)) top.Row(r.Port, r.Packets, Values.Percent(r.Packets, total));
        var rest = rows.Skip(context.Options.TopPorts).Sum(r => r.Packets);
        if (rest > 0) top.Row("other", rest, Values.Percent(rest, total));

        var p139 = rows.Where(r => r.Port == "139/tcp").Sum(r => r.Packets);
        var figures = new List<Figure>
        {
            new("top_port", "Port with the most packets: " + rows[0].Port, Values.Percent(rows[0].Packets, total), "%", "139/tcp, > 50"),
            new("port_139_pct", "Packets to 139/tcp (netbios-ssn)", Values.Percent(p139, total), "%", "> 50"),
            new("ports_with_requests", "Distinct ports receiving requests", rows.Count(r => r.Requests > 0), "ports", "164"),
        };
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [top.Build(new ChartSpec(ChartKind.Bar, "port", ["share"], null, "% of TCP/UDP packets")), all.Build()],
            ["Share of all incoming TCP and UDP packets (backscatter included, as received); 'requests' excludes backscatter."]);
    }

    public static string PortLabel(long proto, long port) => port + (proto == 6 ? "/tcp" : proto == 17 ? "/udp" : "/" + proto);
}
