namespace Apiary.Enrich;

/// <summary>
/// A geolocation or ASN database that cannot be used (truncated, not of the expected format, a bad CSV row).
/// Databases are trusted input: loading fails fast, and the message names the file and the line or byte offset.
/// </summary>
public sealed class EnrichmentDatabaseException : Exception
{
    public EnrichmentDatabaseException(string message) : base(message) { }

    public EnrichmentDatabaseException(string message, Exception inner) : base(message, inner) { }

    public EnrichmentDatabaseException() { }
}
