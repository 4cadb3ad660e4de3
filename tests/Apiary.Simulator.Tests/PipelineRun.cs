using Apiary.Analysis;
using Apiary.Decode;
using Apiary.Enrich;
using Apiary.Ingest;
using Apiary.Store.DuckDb;
using Apiary.Testbed;

namespace Apiary.Simulator.Tests;

/// <summary>The real pipeline as <c>./apiary demo</c> runs it, for the simulated fixtures: ingest (with p0f when an observer is given), enrich, store the testbed.</summary>
internal static class PipelineRun
{
    public static IngestResult Load(DuckDbStore store, IReadOnlyList<string> files, TestbedInventory testbed, FingerprintObserver? fingerprints = null)
    {
        var ingest = new IngestPipeline(store, new IngestOptions { Sensor = testbed.Platforms[0].Name }, PacketDecoder.Decode,
                observers: fingerprints is null ? [] : [fingerprints])
            .Run([.. files.Select(f => new IngestInput(f, Explicit: true))]);
        using (var databases = EnrichmentDatabases.Open(new EnrichmentOptions()))
            SourcesUpdater.Update(store, databases);
        TestbedTables.Store(store, testbed, SimulatorDefaults.PaperTestbedText());
        return ingest;
    }
}
