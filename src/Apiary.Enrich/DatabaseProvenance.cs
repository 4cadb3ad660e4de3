namespace Apiary.Enrich;

/// <summary>
/// Which database gave an answer: a short name (file or package name), the path it was read from,
/// its build date (mmdb metadata build epoch; for the ASN CSV the date inside the npm package version)
/// and, for npm data packages, the package version.
/// </summary>
public sealed record DatabaseProvenance(string Name, string Path, DateTime? BuildDate, string? Version)
{
    /// <summary>One text label stored beside each answer: name, version when known, build date.</summary>
    public string Label => Version is null ? Name : $"{Name}@{Version}";

    public override string ToString() =>
        $"{Label} ({Path}; built {(BuildDate is { } d ? d.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "unknown")})";
}
