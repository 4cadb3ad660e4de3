using System.Text.Json;
using Xunit;

namespace Apiary.Report.Tests;

public sealed class HtmlReportTests(ReportFixture fixture) : IClassFixture<ReportFixture>
{
    [Fact]
    public void EveryAnalysisHasData_AndEveryChartableTableIsInThePage()
    {
        Assert.All(fixture.Data.Results, r => Assert.Null(r.Unavailable));
        var html = File.ReadAllText(fixture.HtmlPath);
        foreach (var r in fixture.Data.Results)
        {
            Assert.Contains($"id=\"a-{r.Name}\"", html, StringComparison.Ordinal);
            foreach (var t in r.Tables) Assert.Contains($"data-table=\"{r.Name}/{t.Name}\"", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void IsSelfContained()
    {
        var html = File.ReadAllText(fixture.HtmlPath);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void SummaryComparesWithThePaper_AndShowsDefinitionsAndProvenance()
    {
        var html = File.ReadAllText(fixture.HtmlPath);
        Assert.Contains("970718", html, StringComparison.Ordinal);        // paper's packet count in the comparison
        Assert.Contains("200,000 packets", html, StringComparison.Ordinal); // ours
        Assert.Contains("id=\"definitions\"", html, StringComparison.Ordinal);
        Assert.Contains("Backscatter", html, StringComparison.Ordinal);
        Assert.Contains("paper-shaped.pcap", html, StringComparison.Ordinal);
        Assert.Contains("ipv4_header_length_too_short", html, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonAndMarkdownFormats()
    {
        var dir = Path.GetDirectoryName(fixture.HtmlPath)!;
        var json = Path.Combine(dir, "r.json");
        ReportWriter.Write(fixture.Data, ReportFormat.Json, json);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var analyses = doc.RootElement.GetProperty("analyses");
        Assert.Equal(fixture.Data.Results.Count, analyses.GetArrayLength());
        var totals = analyses.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "totals");
        Assert.Equal(200000, totals.GetProperty("figures").GetProperty("packets").GetProperty("value").GetDouble());
        var md = Path.Combine(dir, "r.md");
        ReportWriter.Write(fixture.Data, ReportFormat.Md, md);
        Assert.Contains("| Packets received | 5.1 | 970718 | 200,000 packets |", File.ReadAllText(md), StringComparison.Ordinal);
    }

    [Fact]
    public void CsvAndTextOutputs()
    {
        using var w = new StringWriter();
        TextOutput.WriteCsv(fixture.Data.Results, w);
        Assert.Contains("totals,figures,packets,Packets received,200000,packets,970718", w.ToString(), StringComparison.Ordinal);
        var text = TextOutput.ToText(fixture.Data.Results);
        Assert.Contains("== ports: Packets per destination port (Fig. 4)", text, StringComparison.Ordinal);
    }
}
