using System.Net;
using Xunit;

namespace Apiary.Enrich.Tests;

/// <summary>Broken and missing country databases fail (or are skipped) with messages naming the file.</summary>
public sealed class CountryDatabaseTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    [InlineData(0.0)]
    public void A_truncated_mmdb_fails_naming_the_file(double keep)
    {
        if (!DataPackages.Require()) return;
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(DataPackages.PrimaryMmdb);
        var f = dir.File("cut.mmdb");
        File.WriteAllBytes(f, bytes[..(int)(bytes.Length * keep)]);
        var ex = Assert.Throws<EnrichmentDatabaseException>(() => CountryDatabase.Open(f));
        Assert.StartsWith(f + ":", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"({(int)(bytes.Length * keep)} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_search_tree_fails_at_open_or_lookup_naming_the_file()
    {
        if (!DataPackages.Require()) return;
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(DataPackages.PrimaryMmdb);
        // Overwrite the start of the search tree: records then point past the tree and the data section.
        Array.Fill(bytes, (byte)0xFF, 0, 4096);
        var f = dir.File("damaged.mmdb");
        File.WriteAllBytes(f, bytes);
        var ex = Assert.Throws<EnrichmentDatabaseException>(() =>
        {
            using var db = CountryDatabase.Open(f);
            foreach (var a in new[] { "1.1.1.1", "8.8.8.8", "100.1.2.3", "200.1.2.3", "2a00::1" }) db.Lookup(IPAddress.Parse(a));
        });
        Assert.StartsWith(f + ":", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_named_explicitly_is_an_error()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<EnrichmentDatabaseException>(() => EnrichmentDatabases.Open(new EnrichmentOptions(GeoDb: dir.File("nope.mmdb"), DataRoot: dir.Path)));
        Assert.Contains("nope.mmdb: country database not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_default_databases_are_skipped_with_a_note()
    {
        using var dir = new TempDir();
        using var dbs = EnrichmentDatabases.Open(new EnrichmentOptions(DataRoot: dir.Path));
        Assert.False(dbs.Any);
        Assert.Equal(3, dbs.Notes.Count(n => n.Contains("skipped, not installed", StringComparison.Ordinal)));
        Assert.Null(new SourceEnricher(dbs).Enrich(Apiary.Core.IpAddress128.Parse("8.8.8.8")).Country);
    }

    [Fact]
    public void GeoLite2_style_records_are_read_from_country_iso_code()
    {
        // No GeoLite2 file can be shipped; the record type is checked directly on both shapes instead.
        Assert.Equal("DE", new CountryRecord(countryCode: null, country: new CountryNode("DE")).IsoCode);
        Assert.Equal("FR", new CountryRecord(countryCode: "FR").IsoCode);
        Assert.Null(new CountryRecord().IsoCode);
    }
}
