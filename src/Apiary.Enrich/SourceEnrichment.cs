namespace Apiary.Enrich;

/// <summary>
/// The answers for one address: country from the primary and the second-opinion database, AS number and
/// organisation. Null where a database has no answer or was not available.
/// </summary>
public readonly record struct SourceEnrichment(string? Country, string? Country2, uint? Asn, string? AsOrg);
