using Apiary.Analysis.Analyses;

namespace Apiary.Analysis;

/// <summary>Every analysis by name, in the order of the paper's section 5 then the models.</summary>
public static class AnalysisCatalog
{
    public static IReadOnlyList<IAnalysis> All { get; } =
    [
        new TotalsAnalysis(),
        new SessionsAnalysis(),
        new TargetsPerSourceAnalysis(),
        new TargetOrderAnalysis(),
        new SourceLifetimeAnalysis(),
        new GeographyAnalysis(),
        new AttackerOsAnalysis(),
        new TimingAnalysis(),
        new TargetsMonthlyAnalysis(),
        new ScansAnalysis(),
        new SingleTargetOpenPortsAnalysis(),
        new ClosedPortsAnalysis(),
        new PortsAnalysis(),
        new PortSourcesMonthlyAnalysis(),
        new AttackRateAnalysis(),
        new InterArrivalAnalysis(),
        new SimultaneityAnalysis(),
        new StabilityAnalysis(),
        new DataQualityAnalysis(),
    ];

    public static IAnalysis? Find(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Runs the named analyses (or all), each result in catalog order.</summary>
    public static IReadOnlyList<AnalysisResult> Run(AnalysisContext context, IEnumerable<IAnalysis> analyses) =>
        analyses.Select(a => a.Run(context)).ToList();
}
