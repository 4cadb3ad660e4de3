using System.Globalization;
using System.Text.Json;

namespace Apiary.Enrich;

/// <summary>
/// Name and version of the npm data package a database file came from (read from the package.json beside it),
/// so that provenance names the exact package. ip-location-db versions end in the build time: 2.3.YYYYMMDDHH.
/// </summary>
public sealed record NpmPackageInfo(string Name, string Version)
{
    /// <summary>Reads package.json in <paramref name="directory"/>; null when there is none or it has no name/version.</summary>
    public static NpmPackageInfo? TryRead(string? directory)
    {
        if (directory is null) return null;
        var file = Path.Combine(directory, "package.json");
        if (!File.Exists(file)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (!root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String) return null;
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.String) return null;
            return new NpmPackageInfo(name.GetString()!, version.GetString()!);
        }
        catch (JsonException ex)
        {
            throw new EnrichmentDatabaseException($"{file}: not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The build time carried by an ip-location-db version (last component YYYYMMDDHH, UTC); null for other
    /// version shapes.
    /// </summary>
    public DateTime? BuildDateFromVersion()
    {
        var last = Version.Split('.')[^1];
        return DateTime.TryParseExact(last, "yyyyMMddHH", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? d : null;
    }
}
