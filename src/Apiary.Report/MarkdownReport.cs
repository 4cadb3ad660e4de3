using System.Globalization;
using System.Text;
using Apiary.Analysis;

namespace Apiary.Report;

/// <summary>The report as Markdown (tables only, no charts), for reviews in a repository or a terminal.</summary>
public static class MarkdownReport
{
    private const int MaxRowsShown = 60;

    public static string Render(ReportData data)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("# Apiary report").AppendLine();
        sb.AppendLine(inv, $"Generated {data.GeneratedAt:yyyy-MM-dd HH:mm} UTC from `{data.Database}`.").AppendLine();
        sb.AppendLine("## Summary: our figures next to the paper's").AppendLine();
        sb.AppendLine("| measurement | section | paper | measured here |").AppendLine("|---|---|---:|---:|");
        foreach (var r in data.Results)
            foreach (var f in r.Figures.Where(f => f.Paper is not null))
                sb.AppendLine(inv, $"| {Cell(f.Label)} | {r.PaperReference} | {Cell(f.Paper)} | {Cell(Format.Figure(f))} |");
        foreach (var (_, title, intro, names) in ReportLayout.Chapters)
        {
            sb.AppendLine().AppendLine("## " + title).AppendLine().AppendLine(intro);
            foreach (var r in data.Results.Where(r => names.Contains(r.Name)))
            {
                sb.AppendLine().AppendLine(inv, $"### {r.Title} (paper {r.PaperReference}, `{r.Name}`)").AppendLine();
                if (r.Unavailable is not null) { sb.AppendLine("*" + r.Unavailable + "*"); continue; }
                foreach (var f in r.Figures)
                    sb.AppendLine(inv, $"- {f.Label}: **{Format.Figure(f)}**{(f.Paper is null ? "" : $" (paper: {f.Paper})")}");
                foreach (var t in r.Tables)
                {
                    sb.AppendLine().AppendLine("**" + t.Title + "**").AppendLine();
                    sb.AppendLine("| " + string.Join(" | ", t.Columns.Select(c => c.Name)) + " |");
                    sb.AppendLine("|" + string.Join("|", t.Columns.Select(c => c.Kind == ColumnKind.Text ? "---" : "---:")) + "|");
                    foreach (var row in t.Rows.Take(MaxRowsShown))
                        sb.AppendLine("| " + string.Join(" | ", row.Select((v, i) => Cell(Format.Cell(v, t.Columns[i].Kind)))) + " |");
                    if (t.Rows.Count > MaxRowsShown) sb.AppendLine().AppendLine(inv, $"({t.Rows.Count - MaxRowsShown} more rows)");
                }
                foreach (var n in r.Notes) sb.AppendLine().AppendLine("> " + n);
            }
        }
        sb.AppendLine().AppendLine("## Definitions").AppendLine();
        foreach (var (term, meaning) in Definitions.For(data.Options)) sb.AppendLine(inv, $"- **{term}**: {meaning}");
        sb.AppendLine().AppendLine("## Provenance").AppendLine();
        sb.AppendLine(inv, $"Testbed: {(data.Provenance.TestbedFile ?? "none")}. Capture files: {data.Provenance.Files.Count}.");
        foreach (var d in data.Provenance.Databases) sb.AppendLine(inv, $"- {d.Kind}: {d.Name}, built {d.BuildDate:yyyy-MM-dd}, {d.Addresses} addresses");
        foreach (var a in data.Provenance.Attributions) sb.AppendLine().AppendLine(a);
        return sb.ToString();
    }

    private static string Cell(string? s) => (s ?? "").Replace("|", "\\|", StringComparison.Ordinal);
}
