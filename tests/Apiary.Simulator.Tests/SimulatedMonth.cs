using Apiary.Analysis;
using Apiary.Enrich;
using Apiary.Fingerprint;
using Apiary.Ingest;
using Apiary.Store.DuckDb;
using Apiary.Testbed;
using Apiary.TestSupport;

namespace Apiary.Simulator.Tests;

/// <summary>
/// One simulated month of the paper's testbed (March 2003, seed 2003, scale 1: about 1,600 sources and half a
/// million frames) run through the real pipeline once for all tests of <see cref="SimulatedPipelineTests"/>:
/// daily captures, <see cref="IngestPipeline"/> with p0f fingerprints into a DuckDB file, enrichment of the sources
/// (country, AS) from the npm data packages, then every analysis. Missing data packages or p0f database: the
/// fixture is not <see cref="Ready"/> (and fails under CI=true).
/// </summary>
public sealed class SimulatedMonth : IDisposable
{
    public const ulong Seed = 2003;

    public SimulatedMonth()
    {
        Ready = RequireData();
        if (!Ready) return;
        Directory.CreateDirectory(Dir);
        Testbed = SimulatorDefaults.PaperTestbed();
        Platform = Testbed.Platforms[0];
        var generator = new TrafficGenerator(Platform, Model, CountryPrefixTable.Load(SimulatorDefaults.GeoDatabase), Seed, 1.0);
        Summary = generator.WriteDaily(Path.Combine(Dir, "captures"), SimulatorDefaults.PaperStart, 1);

        using var store = DuckDbStore.Open(Path.Combine(Dir, "apiary.duckdb"));
        var fingerprints = new FingerprintObserver(P0fDatabaseLoader.Load(P0fDatabaseLoader.DefaultPath));
        Ingest = PipelineRun.Load(store, Summary.Files, Testbed, fingerprints);
        var context = new AnalysisContext(store, Testbed, new AnalysisOptions());
        Results = AnalysisCatalog.Run(context, AnalysisCatalog.All).ToDictionary(r => r.Name, StringComparer.Ordinal);
        // The first three days only, for judges too slow to read the whole month (tshark).
        var firstDays = new AnalysisContext(store, Testbed, new AnalysisOptions { From = SimulatorDefaults.PaperStart, To = SimulatorDefaults.PaperStart.AddDays(JudgedDays) });
        FirstDaysTotals = AnalysisCatalog.Run(firstDays, [AnalysisCatalog.Find("totals")!])[0];
    }

    /// <summary>Days read by tshark (each costs seconds of tshark start-up and parsing on a loaded machine).</summary>
    public const int JudgedDays = 3;

    public bool Ready { get; }
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "apiary-simmonth-" + Guid.NewGuid().ToString("N"));
    public SimulationModel Model { get; } = new();
    public TestbedInventory Testbed { get; } = null!;
    public Platform Platform { get; } = null!;
    public SimulationSummary Summary { get; } = null!;
    public IngestResult Ingest { get; } = null!;
    public IReadOnlyDictionary<string, AnalysisResult> Results { get; } = null!;
    public AnalysisResult FirstDaysTotals { get; } = null!;

    /// <summary>A headline figure of an analysis; fails when the analysis or the figure is missing.</summary>
    public double Figure(string analysis, string key)
    {
        var result = Results[analysis];
        if (result.Unavailable is not null) throw new InvalidOperationException($"{analysis} unavailable: {result.Unavailable}");
        return result.FindFigure(key)?.Value ?? throw new InvalidOperationException($"{analysis} has no figure {key}");
    }

    /// <summary>The month's captures read back independently of the pipeline (read once, on first use).</summary>
    public CaptureFacts Facts => _facts ??= CaptureFacts.Read(Summary.Files, Platform);
    private CaptureFacts? _facts;

    /// <summary>The captures of the first <see cref="JudgedDays"/> days.</summary>
    public IReadOnlyList<string> FirstDaysFiles => [.. Summary.Files.Order(StringComparer.Ordinal).Take(JudgedDays)];

    private static bool RequireData()
    {
        var missing = new[] { SimulatorDefaults.GeoDatabase, P0fDatabaseLoader.DefaultPath }.Where(p => !File.Exists(p)).ToList();
        if (EnrichmentDataPaths.PackagesRoot() is null) missing.Add("data-packages/node_modules (@ip-location-db)");
        if (missing.Count == 0) return true;
        if (SharedData.IsCi) throw new InvalidOperationException($"CI=true but missing: {string.Join(", ", missing)} (scripts/setup.sh installs them)");
        return false;
    }

    public void Dispose()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }
}
