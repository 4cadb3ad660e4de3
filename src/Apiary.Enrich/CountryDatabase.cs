using System.Net;
using System.Net.Sockets;
using MaxMind.Db;

namespace Apiary.Enrich;

/// <summary>
/// A country database in MaxMind DB format (ip-location-db country mmdb, GeoLite2 Country/City, DB-IP),
/// read with MaxMind.Db fully into memory (the files are a few MB; memory mode avoids page faults in bulk runs).
/// Answers the ISO 3166-1 alpha-2 code of an IPv4 or IPv6 address, or null when the database has none.
/// Thread-safe: MaxMind.Db's reader is.
/// </summary>
public sealed class CountryDatabase : IDisposable
{
    private readonly Reader _reader;
    private readonly bool _ipv4Only;

    public DatabaseProvenance Provenance { get; }

    /// <summary>The mmdb metadata database_type (e.g. "country ipvAll", "GeoLite2-Country").</summary>
    public string DatabaseType => _reader.Metadata.DatabaseType;

    private CountryDatabase(Reader reader, DatabaseProvenance provenance)
    {
        _reader = reader;
        Provenance = provenance;
        _ipv4Only = reader.Metadata.IPVersion == 4;
    }

    /// <summary>Opens <paramref name="path"/>; a missing, truncated or non-mmdb file fails with the path in the message.</summary>
    public static CountryDatabase Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new EnrichmentDatabaseException($"{full}: country database not found");
        var length = new FileInfo(full).Length;
        Reader reader;
        try
        {
            reader = new Reader(full, FileAccessMode.Memory);
        }
        catch (InvalidDatabaseException ex)
        {
            throw new EnrichmentDatabaseException(
                $"{full}: not a usable MaxMind DB file ({length} bytes; truncated or another format): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            throw new EnrichmentDatabaseException($"{full}: cannot read the MaxMind DB file: {ex.Message}", ex);
        }

        var package = NpmPackageInfo.TryRead(System.IO.Path.GetDirectoryName(full));
        var name = System.IO.Path.GetFileName(full);
        var provenance = new DatabaseProvenance(
            package is null ? name : $"{package.Name}/{name}", full,
            DateTime.SpecifyKind(reader.Metadata.BuildDate, DateTimeKind.Utc), package?.Version);
        var db = new CountryDatabase(reader, provenance);
        db.CheckReadable();
        return db;
    }

    /// <summary>
    /// One lookup at open time, so that a file whose metadata survived but whose tree or data section is broken
    /// fails here, with the path, rather than in the middle of a bulk run.
    /// </summary>
    private void CheckReadable()
    {
        Lookup(IPAddress.Parse(_ipv4Only ? "1.1.1.1" : "2001:db8::1"));
        Lookup(IPAddress.Parse("8.8.8.8"));
    }

    /// <summary>The country code of <paramref name="address"/>; null when not found (or IPv6 in an IPv4-only database).</summary>
    public string? Lookup(IPAddress address)
    {
        if (_ipv4Only && address.AddressFamily == AddressFamily.InterNetworkV6) return null;
        try
        {
            return _reader.Find<CountryRecord>(address)?.IsoCode;
        }
        catch (InvalidDatabaseException ex)
        {
            throw new EnrichmentDatabaseException($"{Provenance.Path}: corrupt data found while looking up {address}: {ex.Message}", ex);
        }
        catch (DeserializationException ex)
        {
            throw new EnrichmentDatabaseException($"{Provenance.Path}: record for {address} has an unexpected shape: {ex.Message}", ex);
        }
    }

    public void Dispose() => _reader.Dispose();
}
