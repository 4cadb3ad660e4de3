namespace Apiary.Bench;

/// <summary>Finds ../shared/data/pcaps beside the repository (benchmarks never copy captures into it).</summary>
internal static class SharedCaptures
{
    public static string Path(string relativeName)
    {
        var fromEnv = Environment.GetEnvironmentVariable("APIARY_PCAP_DIR");
        if (!string.IsNullOrEmpty(fromEnv)) return System.IO.Path.Combine(fromEnv, relativeName);
        // BenchmarkDotNet runs a generated copy under bin/: walk up to the folder holding Apiary.slnx.
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(d.FullName, "Apiary.slnx")))
                    return System.IO.Path.Combine(d.FullName, "..", "shared", "data", "pcaps", relativeName);
            }
        }
        throw new InvalidOperationException("cannot find the repository root (Apiary.slnx); set APIARY_PCAP_DIR");
    }
}
