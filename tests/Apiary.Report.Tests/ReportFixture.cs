using Apiary.Analysis;
using Apiary.Bench.Analysis;
using Apiary.Store.DuckDb;
using Apiary.TestSupport;
using Apiary.Testbed;

namespace Apiary.Report.Tests;

/// <summary>A paper-shaped store (200k synthetic rows, the paper's testbed) and the report built from it, shared by the tests.</summary>
public sealed class ReportFixture : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "apiary-report-" + Guid.NewGuid().ToString("N"));

    public ReportFixture()
    {
        Directory.CreateDirectory(_dir);
        DbPath = Path.Combine(_dir, "report.duckdb");
        using var store = DuckDbStore.Open(DbPath);
        SyntheticPaperData.Fill(store, 200_000);
        store.Execute("INSERT INTO anomaly_counts VALUES (1, 'ipv4_header_length_too_short', 12), (1, 'tcp_options_truncated', 3)");
        var testbedPath = Path.Combine(SharedData.RepoRoot, "examples", "testbed-paper.toml");
        var testbed = TestbedLoader.Load(testbedPath);
        TestbedTables.Store(store, testbed, File.ReadAllText(testbedPath));
        Data = ReportWriter.Build(new AnalysisContext(store, testbed), DbPath);
        HtmlPath = Path.Combine(_dir, "report.html");
        ReportWriter.Write(Data, ReportFormat.Html, HtmlPath);
    }

    public string DbPath { get; }
    public string HtmlPath { get; }
    public ReportData Data { get; }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
