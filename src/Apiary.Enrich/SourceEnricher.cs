using Apiary.Core;

namespace Apiary.Enrich;

/// <summary>
/// Answers country (two opinions) and AS for addresses, with a per-address cache. <see cref="Enrich"/> is not
/// thread-safe (the cache): use one enricher per thread; <see cref="Lookup"/> (no cache) is.
/// </summary>
public sealed class SourceEnricher
{
    /// <summary>
    /// Cache bound: 262,144 addresses (about 25 MB). Honeypot runs see far fewer distinct sources per batch, so
    /// repeated addresses (the same attacker in many files) hit; when full the cache is cleared and refills,
    /// which keeps memory bounded on a scan of millions of distinct addresses at the cost of a few misses.
    /// </summary>
    public const int CacheCapacity = 262_144;

    private readonly EnrichmentDatabases _databases;
    private readonly Dictionary<IpAddress128, SourceEnrichment> _cache = [];

    public long CacheHits { get; private set; }
    public long Lookups { get; private set; }

    public SourceEnricher(EnrichmentDatabases databases) => _databases = databases;

    public EnrichmentDatabases Databases => _databases;

    public SourceEnrichment Enrich(IpAddress128 address)
    {
        Lookups++;
        if (_cache.TryGetValue(address, out var cached)) { CacheHits++; return cached; }
        var result = Lookup(address);
        if (_cache.Count >= CacheCapacity) _cache.Clear();
        _cache[address] = result;
        return result;
    }

    /// <summary>
    /// The answer without the cache, for callers whose addresses are distinct already (the pending addresses of an
    /// enrichment run: a cache would only cost time). Thread-safe: the databases are read-only.
    /// </summary>
    public SourceEnrichment Lookup(IpAddress128 address) =>
        _databases.Country != null || _databases.Country2 != null ? Lookup(address, address.ToIPAddress()) : WithAsn(address, null, null);

    /// <summary>As <see cref="Lookup(IpAddress128)"/>, for a caller that holds the address as an <see cref="System.Net.IPAddress"/> too.</summary>
    public SourceEnrichment Lookup(IpAddress128 address, System.Net.IPAddress ip) =>
        WithAsn(address, _databases.Country?.Lookup(ip), _databases.Country2?.Lookup(ip));

    private SourceEnrichment WithAsn(IpAddress128 address, string? country, string? country2)
    {
        var asn = _databases.Asn?.Lookup(address);
        return new SourceEnrichment(country, country2, asn?.Number, asn?.Organisation);
    }
}
