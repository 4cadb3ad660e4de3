using Apiary.TestSupport;
using Xunit;

namespace Apiary.Capture.Tests;

public sealed class DocumentationTests
{
    [Fact]
    public void Every_capture_anomaly_is_documented()
    {
        var doc = File.ReadAllText(Path.Combine(SharedData.RepoRoot, "docs", "anomalies.md"));
        foreach (var name in CaptureAnomalies.All)
            Assert.True(doc.Contains($"`{name}`", StringComparison.Ordinal), $"docs/anomalies.md does not list {name}");
        Assert.Equal(CaptureAnomalies.All.Count, CaptureAnomalies.All.Distinct().Count());
    }
}
