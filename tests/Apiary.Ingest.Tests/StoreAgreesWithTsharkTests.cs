using Apiary.Decode;
using Apiary.Store.DuckDb;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Ingest.Tests;

/// <summary>
/// End to end: every shared capture ingested into a real DuckDB file; the store's counts equal tshark's
/// (run by the test on the same file). Once with the default batch size and lanes, once with a tiny batch
/// (7 rows) over three lanes so that batch and chunk boundaries fall everywhere.
/// </summary>
public class StoreAgreesWithTsharkTests
{
    public static TheoryData<string> Captures() => SharedData.CaptureNames();

    [Theory]
    [MemberData(nameof(Captures))]
    public void Store_counts_equal_tshark(string capture) => Check(capture, new IngestOptions());

    [Theory]
    [MemberData(nameof(Captures))]
    public void Store_counts_equal_tshark_with_tiny_batches(string capture) => Check(capture, new IngestOptions { BatchSize = 7, Lanes = 3 });

    private static void Check(string capture, IngestOptions options)
    {
        if (!SharedData.RequireShared() || !ExternalTool.Require("tshark")) return;
        var path = SharedData.Capture(capture);
        using var tmp = new TempStore();
        using var store = DuckDbStore.Open(tmp.DbPath);
        var result = new IngestPipeline(store, options, PacketDecoder.Decode).Run([new IngestInput(path, true)]);
        var file = Assert.Single(result.Files);
        Assert.True(file.Status == IngestFileStatus.Ingested, file.Message);

        var expected = TsharkCounts.Of(path);
        var actual = StoreCounts.Of(store, file.FileId!.Value);
        Assert.Equal(expected.Packets, actual.Packets);
        Assert.Equal(expected.PerProtocol, actual.PerProtocol);
        Assert.Equal(expected.DistinctSources, actual.DistinctSources);
        Assert.Equal(expected.DistinctDestinations, actual.DistinctDestinations);
        Assert.Equal(expected.PerDestinationPort, actual.PerDestinationPort);

        var row = store.Query($"SELECT status, packets, anomalies, (SELECT coalesce(sum(count), 0) FROM anomaly_counts WHERE file_id = {file.FileId})::BIGINT FROM capture_files WHERE file_id = {file.FileId}").Rows[0];
        Assert.Equal("complete", row[0]);
        Assert.Equal(expected.Packets, Convert.ToInt64(row[1]));
        Assert.Equal(Convert.ToInt64(row[2]), Convert.ToInt64(row[3]));
        Assert.Equal(file.Anomalies, Convert.ToInt64(row[2]));
    }
}
