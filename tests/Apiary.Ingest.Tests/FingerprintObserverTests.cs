using Apiary.Decode;
using Apiary.Fingerprint;
using Apiary.Ingest;
using Apiary.Store.DuckDb;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Ingest.Tests;

/// <summary>The fingerprints table after a real ingest equals what the fingerprinter (checked against p0f) reports.</summary>
public sealed class FingerprintObserverTests
{
    [Fact]
    public void IngestFillsFingerprintsLikeTheFingerprinter()
    {
        if (!SharedData.RequireShared() || !File.Exists(P0fDatabaseLoader.DefaultPath)) return;
        var db = P0fDatabase.Load(P0fDatabaseLoader.DefaultPath);
        var lab = SharedData.Capture("lab/lab_c_ether_nsec.pcap");
        var telescope = SharedData.Capture("lab/lab_g_telescope.pcap");
        using var tmp = new TempStore();
        using var store = DuckDbStore.Open(tmp.DbPath);
        var observer = new FingerprintObserver(db);
        var r = new IngestPipeline(store, new IngestOptions { BatchSize = 100 }, PacketDecoder.Decode, [observer])
            .Run([new IngestInput(lab, true), new IngestInput(telescope, true)]);
        Assert.Equal(2, r.Ingested);

        var expected = CaptureFingerprinter.Run(lab, db, FingerprintMode.IncludeStraySynAcks, new Apiary.Core.AnomalyLog())
            .Select(o => $"{o.FrameNumber}|{(o.IsSyn ? "syn" : "syn+ack")}|{o.RawSignature}|{o.Match.Label?.Name ?? "NULL"}|{o.Match.Distance}|{o.Stray}")
            .ToList();
        var rows = store.Query("""
            SELECT f.frame, f.direction, f.raw_sig, coalesce(f.os_name, 'NULL'), f.dist, f.stray
            FROM fingerprints f JOIN capture_files c USING (file_id) WHERE c.path LIKE '%lab_c_ether_nsec.pcap' ORDER BY f.frame
            """).Rows.Select(x => $"{x[0]}|{x[1]}|{x[2]}|{x[3]}|{x[4]}|{x[5]}").ToList();
        Assert.Equal(expected, rows);
        Assert.Equal(3574L, Convert.ToInt64(store.Query("SELECT count(*) FROM fingerprints WHERE direction = 'syn'").Scalar()));
        // Backscatter in the telescope capture: stray SYN+ACKs of the victim, unknown to the 2014 database.
        Assert.Equal(1024L, Convert.ToInt64(store.Query("SELECT count(*) FROM fingerprints WHERE stray AND src = '192.0.2.20' AND label_type IS NULL").Scalar()));
        Assert.Equal(1L, Convert.ToInt64(store.Query("SELECT count(DISTINCT fp_db) FROM fingerprints").Scalar()));
        // The strings are stored once per distinct outcome of a file, never once per SYN.
        var outcomes = Convert.ToInt64(store.Query("""
            SELECT count(*) FROM (SELECT DISTINCT file_id, raw_sig, label_type, os_class, os_name, os_flavor, is_app, fuzzy, params, mtu, link, fp_db FROM fingerprints)
            """).Scalar());
        Assert.Equal(outcomes, Convert.ToInt64(store.Query("SELECT count(*) FROM fingerprint_signatures").Scalar()));
        Assert.True(outcomes < 200, $"{outcomes} signature rows");
    }
}
