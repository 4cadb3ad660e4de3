using Apiary.Core;
using Apiary.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Apiary.Enrich.Tests;

/// <summary>
/// Apiary's answers against independent judges on 11,000 addresses: countries against Debian's mmdblookup on
/// the same mmdb files, AS numbers and organisations against a separate scan of the package's text CSVs.
/// </summary>
public sealed class AgreementTests(ITestOutputHelper output)
{
    private const int FromCaptures = 7_000, RandomV4 = 2_500, RandomV6 = 1_500, SecondOpinionSample = 1_500;

    private static List<string>? _addresses;

    private static List<string> Addresses()
    {
        if (_addresses != null) return _addresses;
        var captured = SampleAddresses.FromCaptures();
        // Every IPv6 address of the captures, then IPv4 ones sampled, up to FromCaptures.
        var v6 = captured.Where(a => a.Contains(':', StringComparison.Ordinal)).ToList();
        var v4 = SampleAddresses.Sample(captured.Where(a => !a.Contains(':', StringComparison.Ordinal)).ToList(), FromCaptures - v6.Count, seed: 7);
        var all = new HashSet<string>(v6.Concat(v4));
        all.UnionWith(SampleAddresses.RandomV4(RandomV4, seed: 11));
        all.UnionWith(SampleAddresses.RandomV6(RandomV6, seed: 13));
        return _addresses = all.Order(StringComparer.Ordinal).ToList();
    }

    private static bool Ready() =>
        SharedData.RequireShared() && ExternalTool.Require("mmdblookup") && ExternalTool.Require("tshark") && DataPackages.Require();

    [Fact]
    public void Primary_country_equals_mmdblookup_on_at_least_10000_addresses()
    {
        if (!Ready()) return;
        var addresses = Addresses();
        Assert.True(addresses.Count >= 10_000, $"only {addresses.Count} addresses");
        using var db = CountryDatabase.Open(DataPackages.PrimaryMmdb);
        var judge = MmdbJudge.Countries(DataPackages.PrimaryMmdb, addresses);
        var mismatches = addresses.Where(a => db.Lookup(System.Net.IPAddress.Parse(a)) != judge[a])
            .Select(a => $"{a}: apiary {db.Lookup(System.Net.IPAddress.Parse(a)) ?? "-"}, mmdblookup {judge[a] ?? "-"}").ToList();
        var found = judge.Values.Count(v => v != null);
        output.WriteLine($"{addresses.Count} addresses ({addresses.Count(a => a.Contains(':', StringComparison.Ordinal))} IPv6), {found} with a country, {mismatches.Count} mismatches");
        Assert.True(found > addresses.Count / 3, $"only {found} addresses have a country: the sample does not exercise the database");
        Assert.Empty(mismatches.Take(20));
    }

    [Fact]
    public void Second_opinion_country_equals_mmdblookup_on_a_sample()
    {
        if (!Ready()) return;
        var sample = SampleAddresses.Sample(Addresses(), SecondOpinionSample, seed: 17);
        using var db = CountryDatabase.Open(DataPackages.SecondMmdb);
        var judge = MmdbJudge.Countries(DataPackages.SecondMmdb, sample);
        var mismatches = sample.Where(a => db.Lookup(System.Net.IPAddress.Parse(a)) != judge[a]).ToList();
        output.WriteLine($"{sample.Count} addresses, {judge.Values.Count(v => v != null)} with a country, {mismatches.Count} mismatches");
        Assert.Empty(mismatches.Take(20));
    }

    [Fact]
    public void Asn_equals_an_independent_scan_of_the_text_csv()
    {
        if (!Ready()) return;
        var addresses = Addresses();
        var judge = AsnJudge.Lookup(DataPackages.AsnDir, addresses);
        var asn = DataPackages.Asn;
        var mismatches = new List<string>();
        foreach (var a in addresses)
        {
            var mine = asn.Lookup(IpAddress128.Parse(a));
            var theirs = judge[a];
            if (mine?.Number != theirs?.Asn || mine?.Organisation != theirs?.Org)
                mismatches.Add($"{a}: apiary {mine?.Number}/{mine?.Organisation}, scan {theirs?.Asn}/{theirs?.Org}");
        }
        var found = judge.Values.Count(v => v != null);
        output.WriteLine($"{addresses.Count} addresses, {found} with an AS, {mismatches.Count} mismatches; {asn.ClippedRows} overlapping rows clipped");
        Assert.True(found > addresses.Count / 3, $"only {found} addresses have an AS");
        Assert.Empty(mismatches.Take(20));
    }

    [Fact]
    public void Build_dates_are_the_mmdb_metadata_build_epoch()
    {
        if (!ExternalTool.Require("mmdblookup") || !DataPackages.Require()) return;
        foreach (var path in new[] { DataPackages.PrimaryMmdb, DataPackages.SecondMmdb })
        {
            using var db = CountryDatabase.Open(path);
            Assert.Equal(MmdbJudge.BuildDate(path), db.Provenance.BuildDate);
            Assert.Equal(Path.GetFullPath(path), db.Provenance.Path);
            Assert.NotNull(db.Provenance.Version);
        }
        // The ASN CSV carries its build time in the npm version (2.3.YYYYMMDDHH).
        var asn = DataPackages.Asn;
        Assert.Equal("@ip-location-db/asn", asn.Provenance.Name);
        var v = asn.Provenance.Version!;
        var stamp = v.Split('.')[^1];
        Assert.Equal(stamp, asn.Provenance.BuildDate!.Value.ToString("yyyyMMddHH", System.Globalization.CultureInfo.InvariantCulture));
    }
}
