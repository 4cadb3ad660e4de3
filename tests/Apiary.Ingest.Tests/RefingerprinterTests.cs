using Apiary.Decode;
using Apiary.Fingerprint;
using Apiary.Ingest;
using Apiary.Store.DuckDb;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Ingest.Tests;

/// <summary><c>apiary enrich --fp-db</c>: the fingerprints table recomputed with another p0f database.</summary>
public sealed class RefingerprinterTests
{
    [Fact]
    public void Refingerprinting_a_store_ingested_without_fingerprints_equals_ingesting_with_them()
    {
        if (!SharedData.RequireShared() || !ExternalTool.Require("p0f")) return;
        var db = P0fDatabase.Load(P0fDatabaseLoader.DefaultPath);
        var capture = SharedData.Capture("lab/lab_c_ether_nsec.pcap");
        using var tmp = new TempStore();

        var withPath = Path.Combine(tmp.Folder, "with.duckdb");
        using (var store = DuckDbStore.Open(withPath))
        new IngestPipeline(store, new IngestOptions(), PacketDecoder.Decode, [new FingerprintObserver(db)]).Run([new IngestInput(capture, true)]);
        using var with = DuckDbStore.Open(withPath);

        using var without = DuckDbStore.Open(tmp.DbPath);
        new IngestPipeline(without, new IngestOptions(), PacketDecoder.Decode).Run([new IngestInput(capture, true)]);
        Assert.Equal(0L, Convert.ToInt64(without.Query("SELECT count(*) FROM fingerprints").Scalar()));

        var r = Refingerprinter.Run(without, db, PacketDecoder.Decode);
        Assert.Equal(1, r.Refingerprinted);
        Assert.Empty(r.Unavailable);
        const string rows = "SELECT frame, direction, raw_sig, label_type, os_class, os_name, os_flavor, fuzzy, dist, params, mtu, stray, fp_db FROM fingerprints ORDER BY frame, direction";
        var expected = with.Query(rows).Rows.Select(x => string.Join('|', x)).ToList();
        Assert.True(expected.Count > 1000, $"only {expected.Count} fingerprints in the lab capture");
        Assert.Equal(expected, without.Query(rows).Rows.Select(x => string.Join('|', x)).ToList());

        // A second run finds the file already on this database and does nothing.
        var again = Refingerprinter.Run(without, db, PacketDecoder.Decode);
        Assert.Equal((0, 1), (again.Refingerprinted, again.AlreadyCurrent));
    }

    [Fact]
    public void Another_database_relabels_and_a_moved_capture_keeps_its_old_fingerprints()
    {
        if (!SharedData.RequireShared() || !ExternalTool.Require("p0f")) return;
        using var tmp = new TempStore();
        var capture = Path.Combine(tmp.Folder, "lab_c.pcap");
        File.Copy(SharedData.Capture("lab/lab_c_ether_nsec.pcap"), capture);
        var original = P0fDatabase.Load(P0fDatabaseLoader.DefaultPath);
        // The same database with every Linux label renamed: only the labels of Linux matches may change.
        var renamedPath = Path.Combine(tmp.Folder, "renamed.fp");
        File.WriteAllLines(renamedPath, File.ReadAllLines(P0fDatabaseLoader.DefaultPath)
            .Select(l => l.StartsWith("label = ", StringComparison.Ordinal) && l.Contains(":unix:Linux:", StringComparison.Ordinal)
                ? l.Replace(":unix:Linux:", ":unix:Renamed Linux:", StringComparison.Ordinal) : l));
        var renamed = P0fDatabase.Load(renamedPath);

        using var store = DuckDbStore.Open(tmp.DbPath);
        new IngestPipeline(store, new IngestOptions(), PacketDecoder.Decode, [new FingerprintObserver(original)]).Run([new IngestInput(capture, true)]);
        const string byName = "SELECT coalesce(os_name, '???') AS n, count(*) FROM fingerprints GROUP BY 1 ORDER BY 1";
        var before = store.Query(byName).Rows.ToDictionary(x => (string)x[0]!, x => Convert.ToInt64(x[1]));
        Assert.True(before.GetValueOrDefault("Linux") > 0, "the lab capture has Linux SYNs");
        var sigsBefore = store.Query("SELECT frame, raw_sig FROM fingerprints ORDER BY frame, direction").Rows.Select(x => $"{x[0]}|{x[1]}").ToList();

        var r = Refingerprinter.Run(store, renamed, PacketDecoder.Decode);
        Assert.Equal(1, r.Refingerprinted);
        var after = store.Query(byName).Rows.ToDictionary(x => (string)x[0]!, x => Convert.ToInt64(x[1]));
        Assert.Equal(before["Linux"], after["Renamed Linux"]);
        Assert.False(after.ContainsKey("Linux"));
        foreach (var (name, count) in before.Where(kv => kv.Key != "Linux")) Assert.Equal(count, after[name]);
        Assert.Equal(sigsBefore, store.Query("SELECT frame, raw_sig FROM fingerprints ORDER BY frame, direction").Rows.Select(x => $"{x[0]}|{x[1]}").ToList());
        Assert.Equal(renamed.Provenance, (string)store.Query("SELECT DISTINCT fp_db FROM fingerprints").Scalar()!);

        // Moved away: the file cannot be read again, its fingerprints (from the renamed database) stay as they are.
        File.Move(capture, capture + ".moved");
        var moved = Refingerprinter.Run(store, original, PacketDecoder.Decode);
        Assert.Equal(0, moved.Refingerprinted);
        var why = Assert.Single(moved.Unavailable);
        Assert.Contains(capture, why, StringComparison.Ordinal);
        Assert.Equal(after, store.Query(byName).Rows.ToDictionary(x => (string)x[0]!, x => Convert.ToInt64(x[1])));
    }
}
