using Apiary.Analysis;

namespace Apiary.Report;

/// <summary>Everything a report shows: the results, where the data came from, and the parameters used.</summary>
public sealed record ReportData(
    IReadOnlyList<AnalysisResult> Results,
    Provenance Provenance,
    AnalysisOptions Options,
    string Database,
    DateTime GeneratedAt);

/// <summary>The report's chapters: which analyses go where, in order.</summary>
public static class ReportLayout
{
    public static IReadOnlyList<(string Id, string Title, string Intro, string[] Analyses)> Chapters { get; } =
    [
        ("attackers", "The attacking machines", "Who attacks, how many, how they move across the targets, from where, with what, and when (paper 5.1, 5.2).",
            ["totals", "sessions", "targets-per-source", "target-order", "source-lifetime", "geography", "attacker-os", "timing"]),
        ("targets", "The attacked machines", "How the targets share the attacks, scans, and the single-target sources that know which ports are open (paper 5.3, Figures 1-3).",
            ["targets-monthly", "scans", "single-target-open-ports", "closed-ports"]),
        ("ports", "The attacked ports", "Which ports receive the packets, and which attract the sources month after month (paper 5.4, Figures 4-5).",
            ["ports", "port-sources-monthly"]),
        ("models", "Models for fault assumptions", "Quantities a designer can use: attack rate, inter-arrival distribution, simultaneity, stability.",
            ["attack-rate", "inter-arrival", "simultaneity", "stability"]),
        ("quality", "Data quality", "Anomalies found while decoding, files not fully ingested, and silences in the capture.",
            ["data-quality"]),
    ];
}
