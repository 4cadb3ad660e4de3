using System.Runtime.CompilerServices;
using Xunit;

namespace Apiary.TestSupport;

/// <summary>
/// Locates ../shared (the test captures beside the repository). Under CI (CI=true) a missing
/// folder fails the test loudly; on a developer machine the test is skipped with a message.
/// </summary>
public static class SharedData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string PcapDir => Path.Combine(SharedDir, "data", "pcaps");

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every capture file in ../shared/data/pcaps and its lab/ folder (documentation files excluded).</summary>
    public static IReadOnlyList<string> AllCaptures()
    {
        RequireShared();
        if (!Directory.Exists(PcapDir)) return [];
        return Directory.EnumerateFiles(PcapDir, "*", SearchOption.AllDirectories)
            .Where(p => !p.EndsWith(".md", StringComparison.Ordinal) && !p.EndsWith(".txt", StringComparison.Ordinal) && !p.EndsWith(".sh", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Names of every capture, for [MemberData] theories.</summary>
    public static TheoryData<string> CaptureNames()
    {
        var data = new TheoryData<string>();
        foreach (var p in AllCaptures()) data.Add(Path.GetRelativePath(PcapDir, p));
        return data;
    }

    public static string Capture(string relativeName)
    {
        RequireShared();
        return Path.Combine(PcapDir, relativeName);
    }

    /// <summary>Throws (fails the test) under CI when ../shared is missing; otherwise reports whether it is there.</summary>
    public static bool RequireShared()
    {
        if (Directory.Exists(PcapDir)) return true;
        if (IsCi) throw new InvalidOperationException($"CI=true but the shared test data is missing: {PcapDir}");
        return false;
    }

    /// <summary>The npm data packages scripts/setup.sh installs (geolocation, ASN).</summary>
    public static string DataPackagesDir => Path.Combine(RepoRoot, "data-packages", "node_modules", "@ip-location-db");

    /// <summary>Throws under CI when the npm data packages are missing; otherwise reports whether they are there.</summary>
    public static bool RequireDataPackages()
    {
        if (Directory.Exists(DataPackagesDir)) return true;
        if (IsCi) throw new InvalidOperationException($"CI=true but the npm data packages are missing: {DataPackagesDir} (scripts/setup.sh installs them)");
        return false;
    }

    private static string FindRepoRoot([CallerFilePath] string here = "")
    {
        // Walk up from the test binary, then from this source file, to the folder holding Apiary.slnx.
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(here) ?? "." })
        {
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Apiary.slnx"))) return d.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (Apiary.slnx)");
    }
}
