using System.Globalization;

namespace Apiary.Enrich;

/// <summary>
/// What is the same for every answer of one enrichment run (one <c>enrichment_runs</c> row): the databases with
/// their build dates, the key of that set of databases and when the run wrote its answers.
/// </summary>
public sealed record EnrichmentRun(
    string DbSet,
    string? CountryDb, DateTime? CountryDbBuild,
    string? Country2Db, DateTime? Country2DbBuild,
    string? AsnDb, DateTime? AsnDbBuild,
    DateTime EnrichedAt)
{
    /// <summary>The run of <paramref name="d"/> at <paramref name="now"/> (labels are <c>name@version (path)</c>).</summary>
    public static EnrichmentRun Of(EnrichmentDatabases d, DateTime now)
    {
        static string? Label(DatabaseProvenance? p) => p is null ? null : p.Label + " (" + p.Path + ")";
        return new EnrichmentRun(DatabaseSetKey(d),
            Label(d.Country?.Provenance), d.Country?.Provenance.BuildDate,
            Label(d.Country2?.Provenance), d.Country2?.Provenance.BuildDate,
            Label(d.Asn?.Provenance), d.Asn?.Provenance.BuildDate, now);
    }

    /// <summary>
    /// Identifies the set of databases of a run (labels and build dates): an address is enriched again only when
    /// this set changes, so re-running with the same databases adds nothing and a newer database adds a row.
    /// </summary>
    public static string DatabaseSetKey(EnrichmentDatabases d)
    {
        static string One(DatabaseProvenance? p) => p is null ? "-" :
            p.Label + "@" + (p.BuildDate?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "?");
        return string.Join(" | ", One(d.Country?.Provenance), One(d.Country2?.Provenance), One(d.Asn?.Provenance));
    }
}
