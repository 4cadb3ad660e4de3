namespace Apiary.Analysis;

/// <summary>
/// One named measurement. Each implementation lives in its own file under Analyses/ with its SQL in
/// one place; docs/analyses.md defines it exactly.
/// </summary>
public interface IAnalysis
{
    /// <summary>Command-line name (kebab-case).</summary>
    string Name { get; }

    string Title { get; }

    /// <summary>The paper section/figure reproduced, or "extension".</summary>
    string PaperReference { get; }

    AnalysisResult Run(AnalysisContext context);
}
