using Apiary.Core;
using Xunit;

namespace Apiary.Enrich.Tests;

/// <summary>
/// Addresses travel as 128-bit keys from packet_rows through the lookups and back: the text the enricher writes
/// must be the store's own text of the key (<c>ip_text</c>, the text of <c>packets.src</c>), and with many addresses
/// the parallel lookups must answer each address exactly once, with the same answer as a single lookup.
/// </summary>
public sealed class SourcesKeyTests
{
    [Fact]
    public void Address_text_written_by_the_enricher_is_the_store_text_of_the_key()
    {
        if (!DataPackages.Require()) return;
        using var t = new TestStore();
        // RFC 5952 corner cases (leftmost of equal zero runs) and the embedded dotted quads .NET prints (Schema.AddressMacros),
        // each in its canonical text.
        string[] addresses =
        [
            "8.8.8.8", "0.0.0.1", "255.255.255.255", "::", "::1", "2001:db8::", "2001:0:0:1::1",
            "fe80::1:0:0:0", "2001:db8::1:0:0:1", "::1.2.3.4", "::ffff:0:1.2.3.4", "2001:db8::5efe:10.0.0.1", "2001:4860:4860::8888", "1:2:3:4:5:6:7:8",
        ];
        t.AddFile("s1", addresses.Select((a, i) => (a, $"2026-01-01 00:00:{i:00}")).ToArray());
        using var dbs = EnrichmentDatabases.Open(new EnrichmentOptions(DataRoot: DataPackages.Root));

        var update = SourcesUpdater.Update(t.Store, dbs);

        Assert.Equal(addresses.Length, update.AddressesEnriched);
        Assert.Equal(0, t.Count("SELECT count(*) FROM enrichment_answers WHERE address IS DISTINCT FROM ip_text(src_ip)"));
        Assert.Equal(0, t.Count("SELECT count(*) FROM sources WHERE address IS DISTINCT FROM ip_text(src_ip)"));
        // ... and the text of packets.src, which analyses join sources on.
        Assert.Equal(addresses.Length, t.Count("SELECT count(*) FROM sources s JOIN (SELECT DISTINCT src, src_ip FROM packets) p ON p.src = s.address AND p.src_ip = s.src_ip"));
        Assert.Equal(addresses.Order(StringComparer.Ordinal), t.Store.Query("SELECT address FROM sources").Rows.Select(r => (string)r[0]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Many_addresses_are_each_answered_once_and_as_a_single_lookup_answers()
    {
        if (!DataPackages.Require()) return;
        using var t = new TestStore();
        const int count = 120_000; // above the threshold where lookups use a second thread (on a 2-core machine)
        t.Store.Execute("INSERT INTO capture_files (file_id, sha256, path, sensor, status) VALUES (1, 'sha1', '/x/1.pcap', 's1', 'complete')");
        // Half IPv4 (spread over 1.0.0.0-223.x), half IPv6 in 2001:4860::/32 and 2a00::/16.
        t.Store.Execute($"""
            INSERT INTO packet_rows (file_id, frame, ts, ip_ver, src4, src6, dst4)
            SELECT 1, i, TIMESTAMP '2026-01-01 00:00:00' + to_seconds(i), CASE WHEN i % 2 = 0 THEN 4 ELSE 6 END,
                   CASE WHEN i % 2 = 0 THEN (16777216 + i * 31337)::UINTEGER END,
                   CASE WHEN i % 2 = 1 THEN ((CASE WHEN i % 4 = 1 THEN 42541956101370907050197289607612071936 ELSE 55827575822966466661959896531774472192 END)::UHUGEINT
                                             + (i * 7919)::UHUGEINT * 18446744073709551616::UHUGEINT) END,
                   3221225985
            FROM range({count}) r(i)
            """);
        using var dbs = EnrichmentDatabases.Open(new EnrichmentOptions(DataRoot: DataPackages.Root));

        var update = SourcesUpdater.Update(t.Store, dbs);

        Assert.Equal(count, update.AddressesEnriched);
        if (Environment.ProcessorCount >= 2) Assert.Contains(update.Phases, p => p.Phase.Contains("(2 lookup thread(s))", StringComparison.Ordinal));
        Assert.Equal(count, t.Count("SELECT count(*) FROM enrichment_answers"));
        Assert.Equal(count, t.Count("SELECT count(DISTINCT src_ip) FROM enrichment_answers"));
        Assert.Equal(count, t.Count("SELECT count(*) FROM sources WHERE enriched_at IS NOT NULL"));
        var enricher = new SourceEnricher(dbs);
        var sample = t.Store.Query("""
            SELECT (src_ip >> 64::UHUGEINT)::UBIGINT, (src_ip & 18446744073709551615::UHUGEINT)::UBIGINT, country, country2, asn, as_org
            FROM sources WHERE hash(src_ip) % 97 = 0
            """).Rows;
        Assert.True(sample.Count > 500, $"sample of {sample.Count}");
        var withAs = 0;
        foreach (var r in sample)
        {
            var address = new IpAddress128(Convert.ToUInt64(r[0]), Convert.ToUInt64(r[1]));
            var expected = enricher.Lookup(address);
            Assert.Equal((expected.Country, expected.Country2, expected.Asn, expected.AsOrg),
                ((string?)r[2], (string?)r[3], r[4] is null ? null : Convert.ToUInt32(r[4]), (string?)r[5]));
            if (expected.Asn is not null) withAs++;
        }
        Assert.True(withAs > sample.Count / 4, $"only {withAs} of {sample.Count} sampled addresses have an AS: the test addresses miss the data");
    }
}
