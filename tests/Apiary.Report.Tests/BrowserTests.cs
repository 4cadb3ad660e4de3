using Apiary.TestSupport;
using Microsoft.Playwright;
using Xunit;

namespace Apiary.Report.Tests;

/// <summary>
/// Opens the report in Debian's headless Chromium through Playwright (the bundled driver; no browser download)
/// and checks every chart rendered marks and text; saves a screenshot to out/test-artifacts/report.png.
/// </summary>
public sealed class BrowserTests(ReportFixture fixture) : IClassFixture<ReportFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task EveryChartRendersMarksAndText_AndAScreenshotIsSaved()
    {
        if (!File.Exists(Chromium))
        {
            if (SharedData.IsCi) throw new InvalidOperationException("CI=true but /usr/bin/chromium is missing (scripts/setup.sh installs it)");
            return;
        }
        var profile = Path.Combine(Path.GetTempPath(), "apiary-chromium-" + Guid.NewGuid().ToString("N"));
        using var playwright = await Playwright.CreateAsync();
        await using var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
            Offline = true,
        });
        try
        {
            var page = await context.NewPageAsync();
            var requests = new List<string>();
            page.Request += (_, r) => requests.Add(r.Url);
            await page.GotoAsync(new Uri(fixture.HtmlPath).AbsoluteUri);

            var charts = await page.QuerySelectorAllAsync("svg.chart");
            var expected = fixture.Data.Results.Sum(r => r.Tables.Count(t => t.Chart is not null && t.Rows.Count > 0));
            Assert.Equal(expected, charts.Count);
            foreach (var chart in charts)
            {
                var title = await chart.EvalOnSelectorAsync<string>("title", "e => e.textContent");
                var marks = await chart.EvalOnSelectorAllAsync<int>(".mark", "els => els.length");
                var texts = await chart.EvalOnSelectorAllAsync<int>("text", "els => els.filter(e => e.textContent.trim().length > 0).length");
                var box = await chart.BoundingBoxAsync();
                Assert.True(marks > 0, $"chart '{title}' has no data marks");
                Assert.True(texts >= 3, $"chart '{title}' has only {texts} text elements");
                Assert.True(box is { Width: > 100, Height: > 60 }, $"chart '{title}' is not laid out ({box?.Width}x{box?.Height})");
                // Text really drew: a tick label has a measurable width.
                var width = await chart.EvalOnSelectorAsync<double>("text.tick", "e => e.getBBox().width");
                Assert.True(width > 0, $"chart '{title}': tick text has zero width (no font?)");
            }
            Assert.All(requests, u => Assert.StartsWith("file://", u, StringComparison.Ordinal));

            var artifacts = Path.Combine(SharedData.RepoRoot, "out", "test-artifacts");
            Directory.CreateDirectory(artifacts);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "report.png"), FullPage = true });
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "report-top.png") });
            Assert.True(new FileInfo(Path.Combine(artifacts, "report.png")).Length > 10_000);
        }
        finally
        {
            await context.CloseAsync();
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        }
    }
}
