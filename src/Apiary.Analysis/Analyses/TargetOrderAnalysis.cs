namespace Apiary.Analysis.Analyses;

/// <summary>Paper 5.3: the order in which multi-target sources reach the targets, and the delays between them.</summary>
public sealed class TargetOrderAnalysis : IAnalysis
{
    public string Name => "target-order";
    public string Title => "Order of targets hit by multi-target sources";
    public string PaperReference => "5.3";

    public AnalysisResult Run(AnalysisContext context)
    {
        var contacts = SourceTargets.Load(context, 2);
        if (contacts.Count == 0) return AnalysisResult.NotAvailable(this, "no source contacted two or more targets");

        var sequences = contacts
            .GroupBy(c => string.Join(" -> ", c.Targets.Select(t => context.TargetLabel(c.Platform, t.Target))))
            .Select(g => (Sequence: g.Key, Sources: g.Count(), Targets: g.First().Targets.Count))
            .OrderByDescending(x => x.Sources).ThenBy(x => x.Sequence, StringComparer.Ordinal).ToList();
        var seqTable = new TableBuilder("sequences", "Contact sequences").Text("sequence").Int("targets").Int("sources").Pct("share");
        foreach (var s in sequences) seqTable.Row(s.Sequence, (long)s.Targets, (long)s.Sources, Values.Percent(s.Sources, contacts.Count));

        // Delay between consecutive targets, per step "a -> b".
        var steps = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var c in contacts)
            for (var i = 1; i < c.Targets.Count; i++)
            {
                var key = context.TargetLabel(c.Platform, c.Targets[i - 1].Target) + " -> " + context.TargetLabel(c.Platform, c.Targets[i].Target);
                if (!steps.TryGetValue(key, out var list)) steps[key] = list = [];
                list.Add((c.Targets[i].FirstUs - c.Targets[i - 1].FirstUs) / 1e6);
            }
        var delayTable = new TableBuilder("delays", "Delay between consecutive targets").Text("step").Int("sources").Sec("median_s").Sec("p90_s").Sec("max_s");
        foreach (var (step, list) in steps.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            list.Sort();
            delayTable.Row(step, (long)list.Count, Values.Quantile(list, 0.5), Values.Quantile(list, 0.9), list[^1]);
        }

        // Share of sources that reached every target of their platform in the testbed's (address) order.
        var figures = new List<Figure>
        {
            new("multi_target_sources", "Sources that contacted 2+ targets", contacts.Count, "sources"),
            new("distinct_sequences", "Distinct contact sequences", sequences.Count, "sequences", "1 (mach0 -> mach1 -> mach2)"),
            new("top_sequence_pct", "Share of multi-target sources following the most common sequence", Values.Percent(sequences[0].Sources, contacts.Count), "%", "100"),
        };
        if (context.Testbed is { } testbed)
        {
            var allTargets = contacts.Where(c => c.Targets.Count == testbed.FindPlatform(c.Platform)?.Targets.Count).ToList();
            var inOrder = allTargets.Count(c => c.Targets.Select(t => t.Target)
                .SequenceEqual(testbed.FindPlatform(c.Platform)!.Targets.Select(t => t.Name)));
            figures.Add(new("inventory_order_pct", "Sources that reached all targets in inventory order (mach0, mach1, mach2)",
                allTargets.Count > 0 ? Values.Percent(inOrder, allTargets.Count) : null, "%", "100"));
        }
        return new AnalysisResult(Name, Title, PaperReference, figures,
            [seqTable.Build(new ChartSpec(ChartKind.Bar, "sequence", ["share"], null, "% of multi-target sources")), delayTable.Build()],
            ["Order = order of each target's first packet from the source; ties (same microsecond) are broken by target name."]);
    }
}
