namespace Apiary.Core;

/// <summary>
/// Where Apiary's own files are (examples). The npm data packages' paths are defined once, in
/// Apiary.Enrich's EnrichmentDataPaths.
/// $APIARY_HOME (set by the ./apiary wrapper) wins; otherwise the folder holding Apiary.slnx above the
/// running binary; otherwise the current directory.
/// </summary>
public static class ApiaryPaths
{
    private static readonly Lazy<string> LazyHome = new(FindHome);

    public static string Home => LazyHome.Value;

    private static string FindHome()
    {
        var env = Environment.GetEnvironmentVariable("APIARY_HOME");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Apiary.slnx"))) return d.FullName;
        return Directory.GetCurrentDirectory();
    }
}
