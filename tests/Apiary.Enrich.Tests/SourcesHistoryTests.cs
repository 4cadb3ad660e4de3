using Xunit;

namespace Apiary.Enrich.Tests;

/// <summary>
/// The sources table and its history in a real DuckDB store: re-enrichment with a newer database adds answers
/// and keeps the older ones; sources shows the newest; a run with the same databases adds nothing.
/// </summary>
public sealed class SourcesHistoryTests
{
    // 192.168.1.1: the geo-whois database answers AU, iptoasn none; 8.8.8.8: both US.
    private static readonly (string, string)[] Packets =
    [
        ("8.8.8.8", "2026-01-01 10:00:00"), ("8.8.8.8", "2026-01-01 12:00:00"), ("192.168.1.1", "2026-01-02 00:00:00"),
        ("2001:4860:4860::8888", "2026-01-03 00:00:00"),
    ];

    [Fact]
    public void Activity_and_answers_per_platform_and_address()
    {
        if (!DataPackages.Require()) return;
        using var t = new TestStore();
        t.AddFile("s1", Packets);
        t.AddFile("s2", ("8.8.8.8", "2026-02-01 00:00:00"));
        using var dbs = EnrichmentDatabases.Open(new EnrichmentOptions(DataRoot: DataPackages.Root));
        var update = SourcesUpdater.Update(t.Store, dbs);
        Assert.False(update.EnrichmentSkipped);
        Assert.Equal(3, update.AddressesEnriched); // addresses, not (platform, address) pairs
        Assert.Equal(4, update.SourceRows);
        var r = t.Sources();
        Assert.Equal(2L, Convert.ToInt64(TestStore.Get(r, "8.8.8.8", "packets")));
        Assert.Equal(new DateTime(2026, 1, 1, 10, 0, 0), TestStore.Get(r, "8.8.8.8", "first_seen"));
        Assert.Equal(new DateTime(2026, 1, 1, 12, 0, 0), TestStore.Get(r, "8.8.8.8", "last_seen"));
        Assert.Equal(1L, Convert.ToInt64(TestStore.Get(r, "8.8.8.8", "packets", sensor: "s2")));
        Assert.Equal("US", TestStore.Get(r, "8.8.8.8", "country"));
        Assert.Equal("US", TestStore.Get(r, "8.8.8.8", "country2"));
        Assert.Equal(15169u, Convert.ToUInt32(TestStore.Get(r, "8.8.8.8", "asn")));
        Assert.Equal("Google LLC", TestStore.Get(r, "8.8.8.8", "as_org"));
        Assert.Equal("US", TestStore.Get(r, "2001:4860:4860::8888", "country"));
        Assert.Null(TestStore.Get(r, "192.168.1.1", "country"));
        Assert.Equal((byte)6, TestStore.Get(r, "2001:4860:4860::8888", "ip_ver"));
        Assert.Contains("iptoasn-country.mmdb", (string)TestStore.Get(r, "8.8.8.8", "country_db")!, StringComparison.Ordinal);
        Assert.Equal(dbs.Country!.Provenance.BuildDate, TestStore.Get(r, "8.8.8.8", "country_db_build"));
        Assert.Equal(dbs.Asn!.Provenance.BuildDate, TestStore.Get(r, "8.8.8.8", "asn_db_build"));
        Assert.NotNull(TestStore.Get(r, "8.8.8.8", "enriched_at"));

        // Same databases again: nothing new is written.
        var again = SourcesUpdater.Update(t.Store, dbs);
        Assert.Equal(0, again.AddressesEnriched);
        Assert.Equal(3, again.AddressesAlreadyEnriched);
        Assert.Equal(3, t.Count("SELECT count(*) FROM source_enrichment"));
    }

    [Fact]
    public void A_newer_database_adds_answers_and_sources_shows_the_newest()
    {
        if (!DataPackages.Require()) return;
        using var t = new TestStore();
        t.AddFile("s1", Packets);

        // Run A: the older country database (geo-whois, built a few minutes before iptoasn) and an ASN file
        // that puts 8.8.8.0/24 in a made-up AS, in a package dated 2026-01-01.
        var asnA = t.Dir + "/asn-a";
        Directory.CreateDirectory(asnA);
        File.WriteAllText(asnA + "/asn-ipv4-num.csv", "134744064,134744319,64512,Old Org\n");
        File.WriteAllText(asnA + "/package.json", """{"name":"@ip-location-db/asn","version":"2.3.2026010100"}""");
        using (var a = EnrichmentDatabases.Open(new EnrichmentOptions(GeoDb: DataPackages.SecondMmdb, GeoDb2: DataPackages.SecondMmdb, AsnDb: asnA, DataRoot: t.Dir)))
            SourcesUpdater.Update(t.Store, a);
        var r = t.Sources();
        Assert.Equal("AU", TestStore.Get(r, "192.168.1.1", "country"));
        Assert.Equal(64512u, Convert.ToUInt32(TestStore.Get(r, "8.8.8.8", "asn")));

        // Run B: the newer databases.
        using (var b = EnrichmentDatabases.Open(new EnrichmentOptions(GeoDb: DataPackages.PrimaryMmdb, GeoDb2: DataPackages.SecondMmdb, AsnDb: DataPackages.AsnDir, DataRoot: t.Dir)))
        {
            var update = SourcesUpdater.Update(t.Store, b);
            Assert.Equal(3, update.AddressesEnriched);
        }
        r = t.Sources();
        Assert.Null(TestStore.Get(r, "192.168.1.1", "country"));
        Assert.Equal("AU", TestStore.Get(r, "192.168.1.1", "country2"));
        Assert.Equal(15169u, Convert.ToUInt32(TestStore.Get(r, "8.8.8.8", "asn")));
        // Both answers are kept.
        Assert.Equal(6, t.Count("SELECT count(*) FROM source_enrichment"));
        Assert.Equal(1, t.Count("SELECT count(*) FROM source_enrichment WHERE address = '8.8.8.8' AND asn = 64512 AND as_org = 'Old Org'"));
        Assert.Equal(1, t.Count("SELECT count(*) FROM source_enrichment WHERE address = '192.168.1.1' AND country = 'AU'"));

        // Run A again later: its answers are not the newest builds, so sources keeps showing B's.
        using (var a = EnrichmentDatabases.Open(new EnrichmentOptions(GeoDb: DataPackages.SecondMmdb, GeoDb2: DataPackages.SecondMmdb, AsnDb: asnA, DataRoot: t.Dir)))
        {
            var update = SourcesUpdater.Update(t.Store, a);
            Assert.Equal(0, update.AddressesEnriched);
        }
        Assert.Equal(15169u, Convert.ToUInt32(TestStore.Get(t.Sources(), "8.8.8.8", "asn")));
    }

    [Fact]
    public void Without_any_database_enrichment_is_skipped_and_sources_still_has_activity()
    {
        using var t = new TestStore();
        t.AddFile("s1", Packets);
        using var none = EnrichmentDatabases.Open(new EnrichmentOptions(DataRoot: t.Dir));
        var update = SourcesUpdater.Update(t.Store, none);
        Assert.True(update.EnrichmentSkipped);
        Assert.Contains(update.Notes, n => n.StartsWith("enrichment skipped", StringComparison.Ordinal));
        Assert.Equal(3, update.SourceRows);
        Assert.Null(TestStore.Get(t.Sources(), "8.8.8.8", "country"));
        Assert.Equal(0, t.Count("SELECT count(*) FROM source_enrichment"));
    }
}
