using Apiary.Core;
using Xunit;

namespace Apiary.Enrich.Tests;

/// <summary>Range semantics and strict loading of ASN CSV files (small files written by the test).</summary>
public sealed class AsnDatabaseTests
{
    [Fact]
    public void Text_ranges_v4_and_v6_are_found_inclusive_and_gaps_answer_nothing()
    {
        using var dir = new TempDir();
        var f = dir.Write("ranges.csv",
            "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"
            + "2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,2500,WIDE\n");
        // One file may not mix families: the IPv6 row fails with its line number.
        var ex = Assert.Throws<EnrichmentDatabaseException>(() => AsnDatabase.Load(f));
        Assert.Contains($"{f}:3:", ex.Message, StringComparison.Ordinal);

        var v4 = dir.Write("v4.csv", "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n");
        var db = AsnDatabase.Load(v4);
        Assert.Equal(new AsnAnswer(13335, "Cloudflare, Inc."), db.Lookup(IpAddress128.Parse("1.0.0.0")));
        Assert.Equal(new AsnAnswer(13335, "Cloudflare, Inc."), db.Lookup(IpAddress128.Parse("1.0.0.255")));
        Assert.Null(db.Lookup(IpAddress128.Parse("1.0.1.0")));
        Assert.Equal(38803u, db.Lookup(IpAddress128.Parse("1.0.7.255"))!.Value.Number);
        Assert.Null(db.Lookup(IpAddress128.Parse("1.0.8.0")));
        Assert.Null(db.Lookup(IpAddress128.Parse("0.255.255.255")));

        var v6 = dir.Write("v6.csv", "2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,2500,\"LLC \"\"WIDE\"\"\"\n");
        var db6 = AsnDatabase.Load(v6);
        Assert.Equal(new AsnAnswer(2500, "LLC \"WIDE\""), db6.Lookup(IpAddress128.Parse("2001:200:1::1")));
        Assert.Null(db6.Lookup(IpAddress128.Parse("2001:201::")));
        Assert.Null(db6.Lookup(IpAddress128.Parse("1.0.0.1")));
    }

    [Fact]
    public void A_byte_order_mark_crlf_line_ends_and_utf8_names_are_read_like_plain_lines()
    {
        using var dir = new TempDir();
        var f = dir.Write("bom.csv", "\uFEFF1.0.0.0,1.0.0.255,13335,Société Générale\r\n1.0.4.0,1.0.7.255,38803,\"Gtelecom, Pty\"\r\n\r\n1.0.8.0,1.0.8.9,7,x");
        var db = AsnDatabase.Load(f);
        Assert.Equal(new AsnAnswer(13335, "Société Générale"), db.Lookup(IpAddress128.Parse("1.0.0.7")));
        Assert.Equal(new AsnAnswer(38803, "Gtelecom, Pty"), db.Lookup(IpAddress128.Parse("1.0.7.255")));
        Assert.Equal(new AsnAnswer(7, "x"), db.Lookup(IpAddress128.Parse("1.0.8.9")));
        // Line numbers count the blank line: the bad row is line 5.
        var bad = dir.Write("bad.csv", "1.0.0.0,1.0.0.255,1,a\r\n1.0.4.0,1.0.7.255,2,b\r\n\r\n1.0.8.0,1.0.8.9,3,c\r\n1.0.9.0,1.0.9.9,x9,d\r\n");
        var ex = Assert.Throws<EnrichmentDatabaseException>(() => AsnDatabase.Load(bad));
        Assert.Contains($"{bad}:5: AS number 'x9'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Numeric_files_take_their_family_from_the_name()
    {
        using var dir = new TempDir();
        dir.Write("pkg/asn-ipv4-num.csv", "16777216,16777471,13335,Cloudflare\n");
        dir.Write("pkg/asn-ipv6-num.csv", "42540528726795050063891204319802818560,42540528727329395276160870415022948351,2500,WIDE Project\n");
        dir.Write("pkg/package.json", """{"name":"@ip-location-db/asn","version":"2.3.2026070112"}""");
        var db = AsnDatabase.Load(dir.File("pkg"));
        Assert.Equal(13335u, db.Lookup(IpAddress128.Parse("1.0.0.7"))!.Value.Number);
        Assert.Equal(2500u, db.Lookup(IpAddress128.Parse("2001:200::1"))!.Value.Number);
        Assert.Equal(new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc), db.Provenance.BuildDate);
        Assert.Equal("2.3.2026070112", db.Provenance.Version);

        var anonymous = dir.Write("ranges.csv", "16777216,16777471,13335,Cloudflare\n");
        var ex = Assert.Throws<EnrichmentDatabaseException>(() => AsnDatabase.Load(anonymous));
        Assert.Contains($"{anonymous}:1:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("neither ipv4 nor ipv6", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_rows_keep_the_first_row_in_file_order()
    {
        using var dir = new TempDir();
        var f = dir.Write("asn-ipv4.csv", string.Join('\n',
            "10.0.0.0,10.0.255.255,1,Outer",      // covers the nested row below entirely
            "10.0.1.0,10.0.1.255,2,Nested",
            "10.0.200.0,10.1.0.255,3,Overlapping",  // only 10.1.0.0-10.1.0.255 is new
            "10.2.0.0,10.2.0.255,4,Next") + "\n");
        var db = AsnDatabase.Load(f);
        Assert.Equal(2, db.ClippedRows);
        Assert.Equal(1u, db.Lookup(IpAddress128.Parse("10.0.1.7"))!.Value.Number);
        Assert.Equal(1u, db.Lookup(IpAddress128.Parse("10.0.255.255"))!.Value.Number);
        Assert.Equal(3u, db.Lookup(IpAddress128.Parse("10.1.0.0"))!.Value.Number);
        Assert.Null(db.Lookup(IpAddress128.Parse("10.1.1.0")));
        Assert.Equal(4u, db.Lookup(IpAddress128.Parse("10.2.0.9"))!.Value.Number);
    }

    [Theory]
    [InlineData("1.0.0.0,1.0.0.255,13335,Cloudflare\n1.0.4.0,1.0.7.255,38803\n", 2, "expected 4 fields")]
    [InlineData("1.0.0.0,1.0.0.255,13335,Cloudflare\n1.0.4.0,1.0.x.255,38803,G\n", 2, "'1.0.x.255' is not an IP address")]
    [InlineData("1.0.0.0,1.0.0.255,AS13335,Cloudflare\n", 1, "AS number 'AS13335'")]
    [InlineData("1.0.4.0,1.0.7.255,1,A\n1.0.0.0,1.0.0.255,2,B\n", 2, "must be sorted")]
    [InlineData("1.0.7.0,1.0.4.255,1,A\n", 1, "below its start")]
    [InlineData("1.0.0.0,1.0.0.255,1,\"Unterminated\n", 1, "unterminated quoted field")]
    [InlineData("1.0.0.0,2001:db8::,1,A\n", 1, "different address families")]
    [InlineData("\n\n", 0, "no ASN ranges")]
    public void A_bad_row_fails_naming_file_line_and_token(string csv, int line, string problem)
    {
        using var dir = new TempDir();
        var f = dir.Write("asn-ipv4.csv", csv);
        var ex = Assert.Throws<EnrichmentDatabaseException>(() => AsnDatabase.Load(f));
        Assert.Contains(line > 0 ? $"{f}:{line}:" : f, ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_row_is_skipped()
    {
        using var dir = new TempDir();
        var f = dir.Write("asn-ipv4.csv", "ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization\n1.0.0.0,1.0.0.255,13335,Cloudflare\n");
        Assert.Equal(13335u, AsnDatabase.Load(f).Lookup(IpAddress128.Parse("1.0.0.1"))!.Value.Number);
    }

    [Fact]
    public void A_bad_row_in_a_copy_of_the_real_file_is_reported_at_its_line()
    {
        if (!DataPackages.Require()) return;
        using var dir = new TempDir();
        var lines = File.ReadAllLines(Path.Combine(DataPackages.AsnDir, "asn-ipv6-num.csv"));
        lines[5000] = lines[5000].Replace(',', ';');
        var f = dir.File("asn-ipv6-num.csv");
        File.WriteAllLines(f, lines);
        var ex = Assert.Throws<EnrichmentDatabaseException>(() => AsnDatabase.Load(f));
        Assert.StartsWith($"{f}:5001: expected 4 fields", ex.Message, StringComparison.Ordinal);
    }
}
