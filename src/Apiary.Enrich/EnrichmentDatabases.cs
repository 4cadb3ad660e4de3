namespace Apiary.Enrich;

/// <summary>
/// Paths chosen on the command line; null means "use the default database, and skip it with a note when it is
/// not installed". <paramref name="DataRoot"/> overrides where defaults are looked for (see <see cref="EnrichmentDataPaths"/>).
/// </summary>
public sealed record EnrichmentOptions(string? GeoDb = null, string? GeoDb2 = null, string? AsnDb = null, string? DataRoot = null);

/// <summary>
/// The databases of one enrichment run: primary country, second-opinion country, ASN ranges. A database named
/// explicitly must load (a missing or broken file is an error); a default database that is not installed is
/// skipped, and <see cref="Notes"/> says so.
/// </summary>
public sealed class EnrichmentDatabases : IDisposable
{
    public CountryDatabase? Country { get; }
    public CountryDatabase? Country2 { get; }
    public AsnDatabase? Asn { get; }

    /// <summary>Human-readable lines: what was loaded, what was skipped and why.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>True when at least one database is loaded.</summary>
    public bool Any => Country != null || Country2 != null || Asn != null;

    public EnrichmentDatabases(CountryDatabase? country, CountryDatabase? country2, AsnDatabase? asn, IReadOnlyList<string>? notes = null)
    {
        Country = country;
        Country2 = country2;
        Asn = asn;
        Notes = notes ?? [];
    }

    /// <summary>Opens the databases named in <paramref name="options"/>, or the installed defaults.</summary>
    public static EnrichmentDatabases Open(EnrichmentOptions options)
    {
        var notes = new List<string>();
        CountryDatabase? country = null, country2 = null;
        AsnDatabase? asn = null;
        try
        {
            country = OpenOne(options.GeoDb, options.DataRoot, EnrichmentDataPaths.PrimaryCountryRelative, "country database", CountryDatabase.Open, notes);
            country2 = OpenOne(options.GeoDb2, options.DataRoot, EnrichmentDataPaths.SecondCountryRelative, "second-opinion country database", CountryDatabase.Open, notes);
            asn = OpenOne(options.AsnDb, options.DataRoot, EnrichmentDataPaths.AsnRelative, "ASN database", AsnDatabase.Load, notes);
        }
        catch
        {
            country?.Dispose();
            country2?.Dispose();
            throw;
        }
        if (asn is { ClippedRows: > 0 })
            notes.Add($"ASN database: {asn.ClippedRows} overlapping row(s) clipped (the first row in file order keeps the shared addresses)");
        return new EnrichmentDatabases(country, country2, asn, notes);
    }

    private static T? OpenOne<T>(string? explicitPath, string? dataRoot, string relative, string what, Func<string, T> open, List<string> notes) where T : class
    {
        if (explicitPath != null)
        {
            var db = open(explicitPath);
            notes.Add($"{what}: {Describe(db)}");
            return db;
        }
        var path = EnrichmentDataPaths.Default(relative, dataRoot);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            notes.Add($"{what}: skipped, not installed at {path} (run scripts/setup.sh, or name one with the option)");
            return null;
        }
        var loaded = open(path);
        notes.Add($"{what}: {Describe(loaded)}");
        return loaded;
    }

    private static string Describe(object db) => db switch
    {
        CountryDatabase c => c.Provenance.ToString(),
        AsnDatabase a => $"{a.Provenance} ({a.V4Ranges} IPv4 and {a.V6Ranges} IPv6 ranges)",
        _ => db.ToString() ?? "",
    };

    public void Dispose()
    {
        Country?.Dispose();
        Country2?.Dispose();
    }
}
