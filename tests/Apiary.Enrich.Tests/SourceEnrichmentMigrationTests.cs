using Apiary.Store;
using Xunit;

namespace Apiary.Enrich.Tests;

/// <summary>
/// A store written before the answers were normalised (<c>source_enrichment</c> and <c>sources</c> as tables, the
/// address as text and the provenance on every row) is migrated by the next enrichment in one transaction, keeps
/// its whole history, and is left unchanged when the migration cannot be done.
/// </summary>
public sealed class SourceEnrichmentMigrationTests
{
    /// <summary>The table as the previous version created it.</summary>
    private const string OldTable = """
        CREATE TABLE source_enrichment (
            address VARCHAR NOT NULL, ip_ver UTINYINT NOT NULL,
            country VARCHAR, country_db VARCHAR, country_db_build TIMESTAMP,
            country2 VARCHAR, country2_db VARCHAR, country2_db_build TIMESTAMP,
            asn UINTEGER, as_org VARCHAR, asn_db VARCHAR, asn_db_build TIMESTAMP,
            db_set VARCHAR NOT NULL, enriched_at TIMESTAMP NOT NULL);
        CREATE TABLE sources AS SELECT 's1' AS sensor, '8.8.8.8' AS address;
        """;

    private static string OldRow(string address, int ipVer, string? country, uint? asn, string? org, string dbSet, string at) =>
        $"""
        INSERT INTO source_enrichment VALUES ('{address}', {ipVer}, {Lit(country)}, 'geo (/old/geo.mmdb)', TIMESTAMP '2026-01-01 00:00:00',
            NULL, NULL, NULL, {(asn is null ? "NULL" : asn.ToString())}, {Lit(org)}, 'asn (/old/asn)', TIMESTAMP '2026-01-02 00:00:00',
            '{dbSet}', TIMESTAMP '{at}');
        """;

    private static string Lit(string? s) => s is null ? "NULL" : "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string TableType(TestStore t, string name) =>
        (string)t.Store.Query($"SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = '{name}'").Scalar()!;

    [Fact]
    public void Old_answers_become_runs_and_narrow_rows_and_read_the_same_through_the_view()
    {
        using var t = new TestStore();
        t.AddFile("s1", ("8.8.8.8", "2026-01-01 10:00:00"), ("2001:db8::1", "2026-01-01 11:00:00"));
        t.Store.Execute(OldTable);
        // Two runs of the old layout: one with two addresses, a later one with one; an organisation with a quote.
        t.Store.Execute(OldRow("8.8.8.8", 4, "US", 15169, "Google LLC", "set-a", "2026-02-01 00:00:00"));
        t.Store.Execute(OldRow("2001:db8::1", 6, null, 64500, "O'Brien \"Net\", Inc.", "set-a", "2026-02-01 00:00:00"));
        t.Store.Execute(OldRow("8.8.8.8", 4, "DE", null, null, "set-b", "2026-03-01 00:00:00"));
        var before = t.Store.Query("SELECT * FROM source_enrichment ORDER BY enriched_at, address").Rows;

        using var none = EnrichmentDatabases.Open(new EnrichmentOptions(DataRoot: t.Dir));
        var update = SourcesUpdater.Update(t.Store, none);

        Assert.Contains(update.Notes, n => n.Contains("source_enrichment migrated", StringComparison.Ordinal) && n.Contains("3 answer(s) from 2 run(s)", StringComparison.Ordinal));
        Assert.Equal("VIEW", TableType(t, "source_enrichment"));
        Assert.Equal("VIEW", TableType(t, "sources"));
        Assert.Equal(2, t.Count("SELECT count(*) FROM enrichment_runs"));
        Assert.Equal(3, t.Count("SELECT count(*) FROM enrichment_answers"));
        var cols = string.Join(", ", ((IEnumerable<string>)["address", "ip_ver", "country", "country_db", "country_db_build", "country2", "country2_db",
            "country2_db_build", "asn", "as_org", "asn_db", "asn_db_build", "db_set", "enriched_at"]));
        var after = t.Store.Query($"SELECT {cols} FROM source_enrichment ORDER BY enriched_at, address").Rows;
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++) Assert.Equal(before[i], after[i]);
        // The key is the packets' key, so sources finds the migrated answers; the newest (set-b, later) wins for 8.8.8.8.
        Assert.Equal(3, t.Count("SELECT count(*) FROM source_enrichment e JOIN packets p ON p.src_ip = e.src_ip"));
        var r = t.Sources();
        Assert.Equal("DE", TestStore.Get(r, "8.8.8.8", "country"));
        Assert.Equal("O'Brien \"Net\", Inc.", TestStore.Get(r, "2001:db8::1", "as_org"));
        Assert.Equal(64500u, Convert.ToUInt32(TestStore.Get(r, "2001:db8::1", "asn")));

        // Migrated once: the next update has nothing to migrate.
        Assert.DoesNotContain(SourcesUpdater.Update(t.Store, none).Notes, n => n.Contains("migrated", StringComparison.Ordinal));
    }

    [Fact]
    public void Migrated_answers_count_as_answered_by_their_databases()
    {
        if (!DataPackages.Require()) return;
        using var t = new TestStore();
        t.AddFile("s1", ("8.8.8.8", "2026-01-01 10:00:00"), ("1.1.1.1", "2026-01-01 11:00:00"));
        using var dbs = EnrichmentDatabases.Open(new EnrichmentOptions(DataRoot: DataPackages.Root));
        t.Store.Execute(OldTable);
        t.Store.Execute(OldRow("8.8.8.8", 4, "US", 15169, "Google LLC", EnrichmentRun.DatabaseSetKey(dbs), "2026-02-01 00:00:00"));

        var update = SourcesUpdater.Update(t.Store, dbs);

        Assert.Equal(1, update.AddressesEnriched); // only 1.1.1.1: 8.8.8.8 has an answer from these databases
        Assert.Equal(1, update.AddressesAlreadyEnriched);
        Assert.Equal(2, t.Count("SELECT count(*) FROM source_enrichment"));
    }

    [Fact]
    public void A_row_that_cannot_be_migrated_leaves_the_store_unchanged()
    {
        using var t = new TestStore();
        t.AddFile("s1", ("8.8.8.8", "2026-01-01 10:00:00"));
        t.Store.Execute(OldTable);
        t.Store.Execute(OldRow("8.8.8.8", 4, "US", 15169, "Google LLC", "set-a", "2026-02-01 00:00:00"));
        t.Store.Execute(OldRow("not-an-address", 4, "US", null, null, "set-a", "2026-02-01 00:00:00"));
        using var none = EnrichmentDatabases.Open(new EnrichmentOptions(DataRoot: t.Dir));

        var e = Assert.Throws<StoreFormatException>(() => SourcesUpdater.Update(t.Store, none));

        Assert.Contains("1 address(es) that are not IP addresses", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(t.Store.Path + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal("BASE TABLE", TableType(t, "source_enrichment"));
        Assert.Equal(2, t.Count("SELECT count(*) FROM source_enrichment"));
        Assert.Equal(0, t.Count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'enrichment_runs'"));
    }
}
