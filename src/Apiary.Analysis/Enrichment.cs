namespace Apiary.Analysis;

/// <summary>
/// Reads the enrichment helper's <c>sources</c> table (one row per platform and address: country, ASN, OS
/// summary; docs/schema.md) when it exists. Column names are looked up, so a renamed column shows up as
/// "not enriched" with the reason instead of a SQL error.
/// </summary>
internal static class Enrichment
{
    public sealed record SourcesTable(string PlatformColumn, string AddressColumn, IReadOnlyList<string> Columns)
    {
        public string? Find(params string[] candidates) =>
            candidates.FirstOrDefault(c => Columns.Contains(c, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The sources table with its key columns, or null with the reason.</summary>
    public static SourcesTable? Open(AnalysisContext context, out string reason)
    {
        if (!context.TableExists("sources")) { reason = "not enriched: no `sources` table (run `apiary enrich`)"; return null; }
        var columns = context.ColumnsOf("sources");
        var platform = columns.FirstOrDefault(c => c is "platform" or "sensor");
        var address = columns.FirstOrDefault(c => c is "address" or "src" or "ip");
        if (platform is null || address is null)
        {
            reason = $"not enriched: table `sources` has no platform/address columns (has: {string.Join(", ", columns)})";
            return null;
        }
        reason = "";
        return new SourcesTable(platform, address, columns);
    }
}
