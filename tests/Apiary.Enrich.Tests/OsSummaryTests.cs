using Xunit;

namespace Apiary.Enrich.Tests;

/// <summary>The OS summary of sources, computed from fingerprinted packet rows (as the p0f ingest observer has them written).</summary>
public sealed class OsSummaryTests
{
    [Fact]
    public void Most_frequent_label_unknown_when_nothing_matched_null_without_syn()
    {
        using var t = new TestStore();
        var f = t.AddFile("s1", ("203.0.113.1", "2026-01-01 00:00:00"), ("203.0.113.2", "2026-01-01 00:00:01"), ("203.0.113.3", "2026-01-01 00:00:02"));
        var sigId = 0;
        // As ingest writes them: one signature row per outcome, the SYN's packet row carrying it (Schema: packet_rows.fp).
        void Fp(string src, string? type, string? cls, string? name, string? flavor, bool fuzzy)
        {
            var (v4, v6) = Apiary.Store.Schema.AddressLiterals(src);
            var (d4, d6) = Apiary.Store.Schema.AddressLiterals("192.0.2.1");
            sigId++;
            t.Store.Execute($"""
                INSERT INTO fingerprint_signatures (file_id, sig_id, raw_sig, label_type, os_class, os_name, os_flavor, is_app, fuzzy, params, fp_db)
                VALUES ({f}, {sigId}, '4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0',
                        {(type is null ? "NULL" : $"'{type}'")}, {(cls is null ? "NULL" : $"'{cls}'")}, {(name is null ? "NULL" : $"'{name}'")},
                        {(flavor is null ? "NULL" : $"'{flavor}'")}, false, {(fuzzy ? "true" : "false")}, 'none', '/etc/p0f/p0f.fp@0');
                INSERT INTO packet_rows (file_id, frame, ts, ip_ver, src4, src6, dst4, dst6, proto, sport, dport, tcp_flags, fp)
                VALUES ({f}, {1000 + sigId}, TIMESTAMP '2026-01-01 00:00:00', {(v4 == "NULL" ? 6 : 4)}, {v4}, {v6}, {d4}, {d6}, 6, 1000, 80, 2,
                        {new Apiary.Core.PacketFingerprint { Present = true, SignatureId = sigId, Syn = true }.Packed})
                """);
        }
        Fp("203.0.113.1", "s", "unix", "Linux", "3.11 and newer", false);
        Fp("203.0.113.1", "s", "unix", "Linux", "3.11 and newer", false);
        Fp("203.0.113.1", "g", "win", "Windows", "7 or 8", true);
        Fp("203.0.113.1", null, null, null, null, false);
        Fp("203.0.113.2", null, null, null, null, false);
        using var none = EnrichmentDatabases.Open(new EnrichmentOptions(DataRoot: t.Dir));
        var update = SourcesUpdater.Update(t.Store, none);
        var r = t.Sources();
        Assert.Equal("Linux 3.11 and newer (2); Windows 7 or 8 (1)", TestStore.Get(r, "203.0.113.1", "os_labels"));
        Assert.Equal("unix", TestStore.Get(r, "203.0.113.1", "os_class"));
        Assert.Equal("Linux", TestStore.Get(r, "203.0.113.1", "os_name"));
        Assert.Equal("exact", TestStore.Get(r, "203.0.113.1", "os_match"));
        Assert.Equal(4L, Convert.ToInt64(TestStore.Get(r, "203.0.113.1", "os_syns")));
        Assert.Equal(3L, Convert.ToInt64(TestStore.Get(r, "203.0.113.1", "os_matched")));
        Assert.Equal("unknown", TestStore.Get(r, "203.0.113.2", "os_class"));
        Assert.Equal("none", TestStore.Get(r, "203.0.113.2", "os_match"));
        Assert.Null(TestStore.Get(r, "203.0.113.3", "os_class"));
        Assert.Null(TestStore.Get(r, "203.0.113.3", "os_match"));
    }
}
