using System.Security.Cryptography;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Simulator.Tests;

public class GeneratorTests
{
    private static string? GeoDb()
    {
        var path = SimulatorDefaults.GeoDatabase;
        if (File.Exists(path)) return path;
        if (SharedData.IsCi) throw new InvalidOperationException($"CI=true but the geolocation database is missing: {path}");
        return null;
    }

    private static (string Dir, SimulationSummary Summary) Simulate(ulong seed, double scale)
    {
        var dir = Path.Combine(Path.GetTempPath(), "apiary-sim-" + Guid.NewGuid().ToString("N"));
        var platform = SimulatorDefaults.PaperTestbed().Platforms[0];
        var generator = new TrafficGenerator(platform, new SimulationModel(), CountryPrefixTable.Load(GeoDb()!), seed, scale);
        return (dir, generator.WriteDaily(dir, SimulatorDefaults.PaperStart, 1));
    }

    [Fact]
    public void Same_seed_gives_byte_identical_files()
    {
        if (GeoDb() is null) return;
        var (a, _) = Simulate(7, 0.2);
        var (b, _) = Simulate(7, 0.2);
        try
        {
            var fa = Directory.GetFiles(a).Order(StringComparer.Ordinal).ToList();
            var fb = Directory.GetFiles(b).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(fa.Select(Path.GetFileName), fb.Select(Path.GetFileName));
            for (var i = 0; i < fa.Count; i++)
                Assert.Equal(SHA256.HashData(File.ReadAllBytes(fa[i])), SHA256.HashData(File.ReadAllBytes(fb[i])));
        }
        finally { Directory.Delete(a, true); Directory.Delete(b, true); }
    }

    [Fact]
    public void Files_read_back_with_the_paper_mix_within_tolerance()
    {
        if (GeoDb() is null) return;
        var (dir, summary) = Simulate(11, 1.0);
        try
        {
            var facts = CaptureFacts.Read(Directory.GetFiles(dir, "*.pcap"), SimulatorDefaults.PaperTestbed().Platforms[0]);
            Assert.Equal(summary.Frames, facts.Frames);
            Assert.True(facts.TimeOrdered);
            Assert.Equal(0, facts.Anomalies);
            Assert.InRange(facts.Share(facts.InboundTcp, facts.Inbound), 0.95, 0.99);
            Assert.InRange(facts.Share(facts.InboundByPort.GetValueOrDefault(139), facts.Inbound), 0.45, 0.70);
            var split = facts.TargetSplit();
            Assert.InRange(split.Three, 0.62, 0.78);
            Assert.InRange(split.Two, 0.02, 0.10);
            Assert.InRange(split.One, 0.17, 0.31);
            Assert.True(facts.ThreeTargetInOrderShare() > 0.99);
            Assert.InRange(facts.SingleTargetOpenShare(), 0.90, 0.99);
            Assert.True(facts.InboundByPort.Count <= PortCatalogue.DistinctPorts);
        }
        finally { Directory.Delete(dir, true); }
    }
}
