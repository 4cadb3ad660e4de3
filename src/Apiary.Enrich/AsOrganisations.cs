using System.Runtime.InteropServices;

namespace Apiary.Enrich;

/// <summary>
/// The AS organisation names of one enrichment run, once per AS number (stored in <c>enrichment_as_orgs</c> instead
/// of on every answer). The first name met for an AS is kept; a different name for the same AS in the same run is
/// counted as a conflict (the ip-location-db files have one name per AS, so there are none with them). Bounded by
/// the number of AS numbers in the database (about 90,000).
/// </summary>
internal sealed class AsOrganisations
{
    public Dictionary<uint, string> Names { get; } = [];

    /// <summary>Answers that named their AS differently than the name kept.</summary>
    public long Conflicts { get; private set; }

    public void Add(uint asn, string org)
    {
        ref var known = ref CollectionsMarshal.GetValueRefOrAddDefault(Names, asn, out var exists);
        if (!exists) known = org;
        else if (!ReferenceEquals(known, org) && !string.Equals(known, org, StringComparison.Ordinal)) Conflicts++;
    }

    /// <summary>Adds the names and conflicts of another part of the same run.</summary>
    public void Merge(AsOrganisations other)
    {
        foreach (var (asn, org) in other.Names) Add(asn, org);
        Conflicts += other.Conflicts;
    }
}
