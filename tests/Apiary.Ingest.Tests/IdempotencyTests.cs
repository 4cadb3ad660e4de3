using Apiary.Core;
using Apiary.Decode;
using Apiary.Store;
using Apiary.Store.DuckDb;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Ingest.Tests;

public class IdempotencyTests
{
    private static IngestResult Ingest(DuckDbStore store, string folder, IngestOptions? options = null, IReadOnlyList<IPacketObserver>? observers = null) =>
        new IngestPipeline(store, options ?? new IngestOptions(), PacketDecoder.Decode, observers)
            .Run(IngestInputs.Expand([folder], out _));

    private static string Snapshot(DuckDbStore store) => string.Join("\n", store.Query("""
        SELECT 'packets', count(*), sum(hash(file_id, frame, src, dst, dport, tcp_flags))::VARCHAR FROM packets
        UNION ALL SELECT 'files', count(*), string_agg(sha256 || ':' || packets || ':' || status, ',' ORDER BY sha256) FROM capture_files
        UNION ALL SELECT 'anomalies', count(*), sum(hash(file_id, name, frame))::VARCHAR FROM anomalies
        UNION ALL SELECT 'anomaly_counts', count(*), sum(count)::VARCHAR FROM anomaly_counts
        """).Rows.Select(r => string.Join("|", r)));

    [Fact]
    public void Ingesting_the_shared_folder_twice_stores_everything_once_and_skips_all_the_second_time()
    {
        if (!SharedData.RequireShared()) return;
        using var tmp = new TempStore();
        using var store = DuckDbStore.Open(tmp.DbPath);
        var first = Ingest(store, SharedData.PcapDir);
        var captures = SharedData.AllCaptures().Count;
        Assert.Equal(0, first.Failed);
        Assert.Equal(captures, first.Ingested);
        Assert.True(first.Ignored > 0, "the folder's documentation files are reported as ignored, not as errors");
        Assert.Equal(0, first.ExitCode);
        var before = Snapshot(store);

        var second = Ingest(store, SharedData.PcapDir);
        Assert.Equal(0, second.Ingested);
        Assert.Equal(captures, second.Skipped);
        Assert.All(second.Files.Where(f => f.Status == IngestFileStatus.Skipped), f => Assert.Contains("already ingested as file_id", f.Message, StringComparison.Ordinal));
        Assert.Equal(before, Snapshot(store));
        Assert.Equal(first.Packets, Convert.ToInt64(store.Query("SELECT count(*) FROM packets").Scalar()));
        Assert.Equal(0L, Convert.ToInt64(store.Query("SELECT count(*) FROM (SELECT file_id, frame FROM packets GROUP BY ALL HAVING count(*) > 1)").Scalar()));
    }

    [Fact]
    public void Same_content_under_two_names_is_loaded_once()
    {
        if (!SharedData.RequireShared()) return;
        using var tmp = new TempStore();
        var a = Path.Combine(tmp.Folder, "a.pcap");
        var b = Path.Combine(tmp.Folder, "b.pcap");
        File.Copy(SharedData.Capture("ppa_portscan.pcap"), a);
        File.Copy(a, b);
        using var store = DuckDbStore.Open(tmp.DbPath);
        var r = new IngestPipeline(store, new IngestOptions(), PacketDecoder.Decode).Run([new IngestInput(a, true), new IngestInput(b, true)]);
        Assert.Equal(1, r.Ingested);
        Assert.Equal(1, r.Skipped);
        Assert.Equal(1L, Convert.ToInt64(store.Query("SELECT count(*) FROM capture_files").Scalar()));
    }

    [Fact]
    public void Observers_see_every_packet_and_their_rows_commit_with_the_file()
    {
        if (!SharedData.RequireShared()) return;
        using var tmp = new TempStore();
        using var store = DuckDbStore.Open(tmp.DbPath);
        store.Execute("CREATE TABLE syn_counts (file_id INTEGER, syns BIGINT)");
        var observer = new SynCounter();
        var path = SharedData.Capture("evilfingers_nmap_TCP_SYN_SCAN.pcap");
        var r = new IngestPipeline(store, new IngestOptions { BatchSize = 100 }, PacketDecoder.Decode, [observer]).Run([new IngestInput(path, true)]);
        Assert.Equal(1, r.Ingested);
        Assert.Equal(r.Packets, observer.Packets);
        var stored = Convert.ToInt64(store.Query("SELECT count(*) FROM packets WHERE tcp_flags & 18 = 2").Scalar());
        Assert.True(stored > 0);
        Assert.Equal(stored, Convert.ToInt64(store.Query("SELECT syns FROM syn_counts").Scalar()));

        // Recovery removes observer rows too: mark the file interrupted and recover.
        store.Execute("UPDATE capture_files SET status = 'loading'");
        var again = new IngestPipeline(store, new IngestOptions(), PacketDecoder.Decode, [observer]).RecoverInterrupted();
        Assert.Equal(path, Assert.Single(again));
        Assert.Equal(0L, Convert.ToInt64(store.Query("SELECT count(*) FROM syn_counts").Scalar()));
        Assert.Equal(0L, Convert.ToInt64(store.Query("SELECT count(*) FROM packets").Scalar()));
    }

    /// <summary>An observer as the fingerprinter would write one: filter SYNs in the hot loop, write one row at the end.</summary>
    private sealed class SynCounter : IPacketObserver
    {
        private long _syns;
        public long Packets { get; private set; }
        public void OnFileStart(IngestFileInfo file) { _syns = 0; Packets = 0; }
        public void OnPacket(in CapturedFrame frame, ref DecodedPacket packet)
        {
            Packets++;
            if (packet.TcpFlags >= 0 && (packet.TcpFlags & (TcpFlagBits.Syn | TcpFlagBits.Ack)) == TcpFlagBits.Syn && frame.Data.Length > 0) _syns++;
        }
        public void OnFileComplete(IStore store, int fileId) => store.Execute($"INSERT INTO syn_counts VALUES ({fileId}, {_syns})");
        public void OnFileAborted(int fileId) => _syns = 0;
    }
}
