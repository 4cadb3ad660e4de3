using Apiary.Core;
using Xunit;

namespace Apiary.Store.DuckDb.Tests;

/// <summary>The bulk loader against a real DuckDB file, with synthetic decoded rows whose every field is known.</summary>
public class PacketLoadTests
{
    private static DecodedPacket Tcp(long frame, string src, string dst, int sport, int dport)
    {
        var p = default(DecodedPacket);
        p.Clear();
        p.FrameNumber = frame;
        p.TimestampNs = 1_700_000_000_123_456_789L + frame * 1000;
        p.WireLength = 74; p.CapturedLength = 60; p.LinkType = LinkTypes.Ethernet;
        p.EtherType = 0x0800;
        p.IpVersion = src.Contains(':', StringComparison.Ordinal) ? (byte)6 : (byte)4;
        p.Source = IpAddress128.Parse(src); p.Destination = IpAddress128.Parse(dst);
        p.Protocol = IpProtocols.Tcp; p.Ttl = 113; p.IpId = 54321; p.IpTotalLength = 60; p.DontFragment = true;
        p.SourcePort = sport; p.DestinationPort = dport;
        p.TcpFlags = TcpFlagBits.Syn; p.TcpSeq = 4_000_000_000; p.TcpAck = 0; p.TcpWindow = 64240; p.TcpMss = 1460; p.TcpWindowScale = 8;
        p.TcpOptionLayout = "mss,nop,ws,nop,nop,sok";
        return p;
    }

    private static void Load(DuckDbStore store, int fileId, IReadOnlyList<DecodedPacket> rows, int lanes, int batchSize, AnomalyLog? anomalies = null)
    {
        using var load = store.BeginLoad(fileId, lanes);
        var batch = new PacketBatch(batchSize);
        var lane = 0;
        foreach (var r in rows)
        {
            batch.Rows[batch.Count++] = r;
            if (batch.IsFull)
            {
                load.Lanes[lane++ % lanes].Append(batch);
                batch.Count = 0;
            }
        }
        if (batch.Count > 0) load.Lanes[lane % lanes].Append(batch);
        load.Complete(new CaptureFileSummary("pcap", "EN10MB", 65535, rows.Count > 0 ? rows[0].TimestampNs : null, rows.Count > 0 ? rows[^1].TimestampNs : null, rows.Count, anomalies?.Total ?? 0, false),
            anomalies ?? new AnomalyLog());
    }

    [Fact]
    public void Every_column_round_trips_and_absent_fields_are_null()
    {
        using var tmp = new TempDb();
        using var store = DuckDbStore.Open(tmp.Path_);
        var id = store.RegisterLoading("aa", "/x.pcap", "s1", 123);
        var tcp = Tcp(1, "192.0.2.1", "2001:db8::1", 40000, 445);
        tcp.IpVersion = 4; tcp.Destination = IpAddress128.Parse("198.51.100.7");
        var arp = default(DecodedPacket);
        arp.Clear(); arp.FrameNumber = 2; arp.TimestampNs = -1500; arp.WireLength = 42; arp.CapturedLength = 42; arp.EtherType = 0x0806; arp.VlanId = 12;
        var icmp = default(DecodedPacket);
        icmp.Clear(); icmp.FrameNumber = 3; icmp.IpVersion = 6; icmp.Source = IpAddress128.Parse("2001:db8:0:0:1:0:0:1"); icmp.Destination = IpAddress128.Parse("::ffff:10.0.0.1");
        icmp.Protocol = IpProtocols.Icmpv6; icmp.IcmpType = 1; icmp.IcmpCode = 4; icmp.HasInner = true;
        icmp.InnerSource = IpAddress128.Parse("10.1.2.3"); icmp.InnerDestination = IpAddress128.Parse("10.3.2.1"); icmp.InnerProtocol = 17; icmp.InnerSourcePort = 53; icmp.InnerDestinationPort = 33434;
        Load(store, id, [tcp, arp, icmp], lanes: 1, batchSize: 2);

        var r = store.Query("SELECT * FROM packets ORDER BY frame");
        Assert.Equal(3, r.Rows.Count);
        object? Get(int row, string col) => r.Rows[row][r.ColumnIndex(col)];
        Assert.Equal(id, Convert.ToInt32(Get(0, "file_id")));
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, DateTimeKind.Unspecified).AddTicks(1234570), Get(0, "ts")); // frame 1 adds 1 µs; ns truncated to µs
        Assert.Equal("192.0.2.1", Get(0, "src"));
        Assert.Equal("198.51.100.7", Get(0, "dst"));
        Assert.Equal((byte)6, Get(0, "proto"));
        Assert.Equal((ushort)40000, Get(0, "sport"));
        Assert.Equal((ushort)445, Get(0, "dport"));
        Assert.Equal(4_000_000_000u, Get(0, "tcp_seq"));
        Assert.Equal((ushort)64240, Get(0, "tcp_win"));
        Assert.Equal("mss,nop,ws,nop,nop,sok", Get(0, "tcp_olayout"));
        Assert.Equal(true, Get(0, "df"));
        Assert.Equal(54321u, Get(0, "ip_id"));
        Assert.Null(Get(0, "icmp_type"));
        Assert.Null(Get(0, "inner_src"));
        Assert.Null(Get(0, "vlan"));

        Assert.Equal((ushort)0x0806, Get(1, "eth_type"));
        Assert.Equal((ushort)12, Get(1, "vlan"));
        Assert.Equal(DateTime.UnixEpoch.AddTicks(-20), Get(1, "ts")); // -1500 ns floors to -2 µs
        foreach (var col in new[] { "ip_ver", "src", "dst", "proto", "ttl", "ip_id", "sport", "dport", "tcp_flags", "tcp_olayout", "payload_len", "df" })
            Assert.Null(Get(1, col));

        Assert.Equal("2001:db8::1:0:0:1", Get(2, "src"));
        Assert.Equal("::ffff:10.0.0.1", Get(2, "dst"));
        Assert.Null(Get(2, "df"));
        Assert.Equal((byte)1, Get(2, "icmp_type"));
        Assert.Equal((byte)4, Get(2, "icmp_code"));
        Assert.Equal("10.1.2.3", Get(2, "inner_src"));
        Assert.Equal("10.3.2.1", Get(2, "inner_dst"));
        Assert.Equal((byte)17, Get(2, "inner_proto"));
        Assert.Equal((ushort)33434, Get(2, "inner_dport"));

        var f = store.Query("SELECT status, packets, format, snaplen, sensor, bytes FROM capture_files");
        Assert.Equal("complete", f.Rows[0][0]);
        Assert.Equal(3L, Convert.ToInt64(f.Rows[0][1]));
        Assert.Equal("s1", f.Rows[0][4]);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(2, 7)]
    [InlineData(3, 2048)]
    [InlineData(2, 5000)]
    public void Many_rows_through_several_lanes_arrive_once_each(int lanes, int batchSize)
    {
        using var tmp = new TempDb();
        using var store = DuckDbStore.Open(tmp.Path_);
        var id = store.RegisterLoading("bb", "/y.pcap", "s", 1);
        const int n = 20_011; // not a multiple of the chunk size, the batch size or the lane count
        var rows = Enumerable.Range(1, n).Select(i => Tcp(i, $"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}", "192.0.2.9", 1024 + i % 60000, i % 3 == 0 ? 80 : 445)).ToList();
        Load(store, id, rows, lanes, batchSize);
        var r = store.Query("SELECT count(*), count(DISTINCT frame), sum(frame)::BIGINT, count(DISTINCT src), count(*) FILTER (WHERE dport = 80) FROM packets");
        Assert.Equal((long)n, Convert.ToInt64(r.Rows[0][0]));
        Assert.Equal((long)n, Convert.ToInt64(r.Rows[0][1]));
        Assert.Equal((long)n * (n + 1) / 2, Convert.ToInt64(r.Rows[0][2]));
        Assert.Equal((long)n, Convert.ToInt64(r.Rows[0][3]));
        Assert.Equal((long)(n / 3), Convert.ToInt64(r.Rows[0][4]));
    }

    [Fact]
    public void Attached_fingerprints_are_stored_beside_their_packets_by_every_lane()
    {
        using var tmp = new TempDb();
        using var store = DuckDbStore.Open(tmp.Path_);
        var rows = new List<DecodedPacket>();
        for (var i = 1; i <= 5000; i++)
        {
            var p = Tcp(i, i % 2 == 0 ? "2001:db8::7" : "192.0.2.7", i % 2 == 0 ? "2001:db8::1" : "198.51.100.1", 40000 + i % 1000, 445);
            // Every third packet carries a fingerprint: SYNs with outcome 1, SYN+ACKs (stray) with outcome 2.
            if (i % 3 == 0)
                p.Fingerprint = new PacketFingerprint
                {
                    Present = true, SignatureId = i % 2 == 0 ? 1 : 2, Distance = i % 7, Syn = i % 2 == 0, Stray = i % 2 != 0,
                };
            rows.Add(p);
        }
        var fileId = store.RegisterLoading("fp", "/fp.pcap", "s", 1);
        Load(store, fileId, rows, lanes: 2, batchSize: 300);

        Assert.Equal(1666L, Convert.ToInt64(store.Query("SELECT count(*) FROM packet_rows WHERE fp IS NOT NULL").Scalar()));
        // Each fingerprinted packet row carries its own outcome, distance and flags (unpacked as the view does).
        var mismatched = store.Query($"""
            SELECT count(*) FROM packet_rows
            WHERE fp IS NOT NULL AND (file_id <> {fileId} OR frame % 3 <> 0 OR {Schema.FingerprintSigIdSql} <> CASE WHEN frame % 2 = 0 THEN 1 ELSE 2 END
               OR {Schema.FingerprintDistSql} <> frame % 7 OR {Schema.FingerprintSynSql} <> (frame % 2 = 0) OR {Schema.FingerprintStraySql} <> (frame % 2 <> 0))
            """).Scalar();
        Assert.Equal(0L, Convert.ToInt64(mismatched));
        // Through the view (once the file's outcomes are there): the packet's time, addresses and ports.
        store.Execute($"""
            INSERT INTO fingerprint_signatures (file_id, sig_id, raw_sig, is_app, fuzzy, params, fp_db)
            VALUES ({fileId}, 1, 'a', false, false, 'none', 'db'), ({fileId}, 2, 'b', false, false, 'none', 'db')
            """);
        var viewMismatched = store.Query("""
            SELECT count(*) FROM fingerprints f JOIN packets p ON p.file_id = f.file_id AND p.frame = f.frame
            WHERE f.ts <> p.ts OR f.src <> p.src OR f.dst <> p.dst OR f.src_ip <> p.src_ip OR f.dst_ip <> p.dst_ip OR f.sport <> p.sport
               OR f.dport <> p.dport OR f.direction <> CASE WHEN f.frame % 2 = 0 THEN 'syn' ELSE 'syn+ack' END
               OR f.raw_sig <> CASE WHEN f.frame % 2 = 0 THEN 'a' ELSE 'b' END OR f.dist <> f.frame % 7 OR f.stray <> (f.frame % 2 <> 0)
            """).Scalar();
        Assert.Equal(0L, Convert.ToInt64(viewMismatched));
        Assert.Equal(1666L, Convert.ToInt64(store.Query("SELECT count(*) FROM fingerprints").Scalar()));
    }

    [Fact]
    public void Packing_keeps_every_field_of_a_fingerprint()
    {
        using var tmp = new TempDb();
        using var store = DuckDbStore.Open(tmp.Path_);
        foreach (var (sig, dist, syn, stray) in new[] { (0, 0, true, false), (1, -255, false, true), (70_000, 255, true, true), (int.MaxValue >> 1, 40000, false, false) })
        {
            var packed = new PacketFingerprint { Present = true, SignatureId = sig, Distance = dist, Syn = syn, Stray = stray }.Packed;
            var r = store.Query($"""
                SELECT {Schema.FingerprintSigIdSql}, {Schema.FingerprintDistSql}, {Schema.FingerprintSynSql}, {Schema.FingerprintStraySql}
                FROM (SELECT {packed}::BIGINT AS fp)
                """).Rows[0];
            Assert.Equal(sig, Convert.ToInt32(r[0]));
            Assert.Equal(Math.Clamp(dist, -32768, 32767), Convert.ToInt32(r[1]));
            Assert.Equal(syn, (bool)r[2]!);
            Assert.Equal(stray, (bool)r[3]!);
        }
    }

    [Fact]
    public void A_store_with_a_fingerprint_rows_table_is_folded_into_packet_rows_on_open()
    {
        using var tmp = new TempDb();
        // The layout before this change: packet_rows without fp, one fingerprint_rows row per fingerprinted packet.
        using (var old = new DuckDB.NET.Data.DuckDBConnection($"Data Source={tmp.Path_}"))
        {
            old.Open();
            using var cmd = old.CreateCommand();
            cmd.CommandText = Schema.PacketRows + ";\n" + """
                ALTER TABLE packet_rows DROP COLUMN fp;
                CREATE TABLE fingerprint_rows (file_id INTEGER NOT NULL, frame BIGINT NOT NULL, ts TIMESTAMP NOT NULL, src_ip UHUGEINT NOT NULL,
                    dst_ip UHUGEINT NOT NULL, sport USMALLINT NOT NULL, dport USMALLINT NOT NULL, syn BOOLEAN NOT NULL, stray BOOLEAN NOT NULL,
                    dist INTEGER NOT NULL, sig_id INTEGER NOT NULL);
                INSERT INTO packet_rows (file_id, frame, ts) SELECT 7, i, TIMESTAMP '2024-01-01' FROM range(1, 11) t(i);
                INSERT INTO fingerprint_rows VALUES (7, 3, TIMESTAMP '2024-01-01', 1, 2, 1000, 80, true, false, 12, 5),
                                                    (7, 8, TIMESTAMP '2024-01-01', 2, 1, 80, 1000, false, true, -3, 0);
                CREATE VIEW fingerprints AS SELECT * FROM fingerprint_rows;
                """;
            cmd.ExecuteNonQuery();
        }
        using var store = DuckDbStore.Open(tmp.Path_);
        Assert.Null(store.TableType("fingerprint_rows"));
        Assert.Equal("VIEW", store.TableType("fingerprints"));
        var rows = store.Query($"""
            SELECT frame, {Schema.FingerprintSigIdSql}, {Schema.FingerprintDistSql}, {Schema.FingerprintSynSql}, {Schema.FingerprintStraySql}
            FROM packet_rows WHERE fp IS NOT NULL ORDER BY frame
            """).Rows.Select(r => string.Join("|", r)).ToList();
        Assert.Equal(["3|5|12|True|False", "8|0|-3|False|True"], rows);
        Assert.Equal(10L, Convert.ToInt64(store.Query("SELECT count(*) FROM packet_rows").Scalar()));
    }

    [Fact]
    public void DuckDb_worker_threads_are_one_during_a_load_and_restored_after_it()
    {
        using var tmp = new TempDb();
        using var store = DuckDbStore.Open(tmp.Path_, threads: 2);
        long Threads() => Convert.ToInt64(store.Query("SELECT current_setting('threads')").Scalar());

        var done = store.RegisterLoading("t1", "/t1.pcap", "s", 1);
        using (var load = store.BeginLoad(done, 2))
        {
            Assert.Equal(1L, Threads());
            load.Complete(new CaptureFileSummary("pcap", "EN10MB", 65535, null, null, 0, 0, false), new AnomalyLog());
        }
        Assert.Equal(2L, Threads());

        var aborted = store.RegisterLoading("t2", "/t2.pcap", "s", 1);
        using (var load = store.BeginLoad(aborted, 2)) load.Abort();
        Assert.Equal(2L, Threads());
    }

    [Fact]
    public void Aborted_load_leaves_nothing_and_recovery_removes_rows_of_every_per_file_table()
    {
        using var tmp = new TempDb();
        using var store = DuckDbStore.Open(tmp.Path_);
        store.Execute("CREATE TABLE observer_rows (file_id INTEGER, src VARCHAR)");
        var done = store.RegisterLoading("done", "/a.pcap", "s", 1);
        var log = new AnomalyLog();
        log.Report("tcp_header_truncated", 1, 24, "x");
        Load(store, done, [Tcp(1, "10.0.0.1", "10.0.0.2", 1, 2)], 1, 4, log);
        store.Execute($"INSERT INTO observer_rows VALUES ({done}, '10.0.0.1')");

        // A load that is aborted: its rows are rolled back.
        var aborted = store.RegisterLoading("aborted", "/b.pcap", "s", 1);
        using (var load = store.BeginLoad(aborted, 2))
        {
            var batch = new PacketBatch(4);
            batch.Rows[batch.Count++] = Tcp(1, "10.0.0.3", "10.0.0.4", 1, 2);
            load.Lanes[0].Append(batch);
            load.Lanes[1].Append(batch);
            load.Abort();
        }
        Assert.Equal(1L, Convert.ToInt64(store.Query("SELECT count(*) FROM packets").Scalar()));

        // A file whose rows were committed while its status stayed 'loading' (a crash between commits).
        store.Execute($"INSERT INTO packet_rows (file_id, frame, ts) SELECT {aborted}, i, TIMESTAMP '2024-01-01' FROM range(1, 100) t(i)");
        store.Execute($"INSERT INTO observer_rows VALUES ({aborted}, '10.0.0.3')");
        store.Execute($"INSERT INTO anomaly_counts VALUES ({aborted}, 'x', 3)");

        var removed = store.RemoveInterruptedFiles();
        Assert.Equal("/b.pcap", Assert.Single(removed).Path);
        Assert.Equal(1L, Convert.ToInt64(store.Query("SELECT count(*) FROM packets").Scalar()));
        Assert.Equal(1L, Convert.ToInt64(store.Query("SELECT count(*) FROM observer_rows").Scalar()));
        Assert.Equal(1L, Convert.ToInt64(store.Query("SELECT count(*) FROM anomaly_counts").Scalar()));
        Assert.Equal(1L, Convert.ToInt64(store.Query("SELECT count(*) FROM anomalies").Scalar()));
        Assert.Null(store.FindFile("aborted"));
        Assert.Equal("complete", store.FindFile("done")!.Status);

        // The same content can be registered again after recovery (the unique sha256 index lets it back in).
        var again = store.RegisterLoading("aborted", "/b.pcap", "s", 1);
        Assert.NotEqual(done, again);
    }
}
