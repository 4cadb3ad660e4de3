using Apiary.Enrich;
using Apiary.TestSupport;

namespace Apiary.Enrich.Tests;

/// <summary>
/// The npm data packages installed by scripts/setup.sh in data-packages/node_modules. Under CI their absence
/// fails the test (test.sh installs them); elsewhere the test returns early.
/// </summary>
internal static class DataPackages
{
    public static string Root => Path.Combine(SharedData.RepoRoot, "data-packages", "node_modules");

    public static string PrimaryMmdb => Path.Combine(Root, EnrichmentDataPaths.PrimaryCountryRelative);

    public static string SecondMmdb => Path.Combine(Root, EnrichmentDataPaths.SecondCountryRelative);

    public static string AsnDir => Path.Combine(Root, EnrichmentDataPaths.AsnRelative);

    public static bool Require()
    {
        if (File.Exists(PrimaryMmdb) && File.Exists(SecondMmdb) && Directory.Exists(AsnDir)) return true;
        if (SharedData.IsCi) throw new InvalidOperationException($"CI=true but the npm data packages are missing under {Root} (scripts/setup.sh installs them)");
        return false;
    }

    /// <summary>The ASN database is 500k rows: load it once for the whole test run.</summary>
    public static AsnDatabase Asn => LazyAsn.Value;

    private static readonly Lazy<AsnDatabase> LazyAsn = new(() => AsnDatabase.Load(AsnDir));
}
