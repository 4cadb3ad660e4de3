using MaxMind.Db;

namespace Apiary.Enrich;

/// <summary>
/// The part of an mmdb record that holds a country, in the two shapes met in practice:
/// MaxMind GeoLite2 / DB-IP (<c>country.iso_code</c>) and ip-location-db (<c>country_code</c>).
/// Every other key of the record is skipped by the decoder.
/// </summary>
internal sealed class CountryRecord
{
    [Constructor]
    public CountryRecord([MapKey("country_code")] string? countryCode = null, [MapKey("country")] CountryNode? country = null)
    {
        CountryCode = countryCode;
        Country = country;
    }

    public string? CountryCode { get; }

    public CountryNode? Country { get; }

    /// <summary>The ISO 3166-1 alpha-2 code: <c>country.iso_code</c> when present, else <c>country_code</c>.</summary>
    public string? IsoCode => Country?.IsoCode ?? CountryCode;
}

/// <summary>The <c>country</c> map of GeoLite2 / DB-IP records (only its ISO code is read).</summary>
internal sealed class CountryNode
{
    [Constructor]
    public CountryNode([MapKey("iso_code")] string? isoCode = null) => IsoCode = isoCode;

    public string? IsoCode { get; }
}
