using Apiary.Store.DuckDb;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Cli.Tests;

/// <summary>
/// <c>apiary demo</c> end to end on one simulated month (the four-month run is the benchmark in bench/RESULTS.md):
/// captures, store, fingerprints, enrichment, report; a re-run adds nothing; another seed in the same folder is refused.
/// </summary>
public sealed class DemoCliTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"apiary-demo-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Demo_writes_the_report_and_a_rerun_counts_nothing_twice()
    {
        if (!ExternalTool.Require("p0f") || !SharedData.RequireDataPackages()) return;
        var first = Cli.Run("demo", "--months", "1", "--out", _folder);
        Assert.True(first.ExitCode == 0, first.StdOut + first.StdErr);
        var report = Path.Combine(_folder, "report.html");
        Assert.Contains($"report: {report}", first.StdOut, StringComparison.Ordinal);
        Assert.Contains("paper (2004)", first.StdOut, StringComparison.Ordinal);
        Assert.Contains("Sources that contacted 3 targets", first.StdOut, StringComparison.Ordinal);
        var html = File.ReadAllText(report);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("not enriched", html, StringComparison.OrdinalIgnoreCase);

        long Count(string sql)
        {
            using var store = DuckDbStore.Open(Path.Combine(_folder, "apiary.duckdb"), readOnly: true);
            return Convert.ToInt64(store.Query(sql).Scalar());
        }
        var packets = Count("SELECT count(*) FROM packets");
        var files = Count("SELECT count(*) FROM capture_files WHERE status = 'complete'");
        Assert.Equal(31L, files); // March 2003, one file per day
        Assert.True(Count("SELECT count(*) FROM fingerprints") > 0, "no fingerprints stored");
        Assert.True(Count("SELECT count(*) FROM sources WHERE country IS NOT NULL") > 0, "no source was enriched");

        var again = Cli.Run("demo", "--months", "1", "--out", _folder);
        Assert.True(again.ExitCode == 0, again.StdOut + again.StdErr);
        Assert.Contains("31 skipped", again.StdOut, StringComparison.Ordinal);
        Assert.Equal(packets, Count("SELECT count(*) FROM packets"));

        var other = Cli.Run("demo", "--months", "1", "--seed", "7", "--out", _folder);
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("other parameters", other.StdErr, StringComparison.Ordinal);
        Assert.Equal(packets, Count("SELECT count(*) FROM packets"));
    }
}
