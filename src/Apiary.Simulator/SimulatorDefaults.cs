using System.Reflection;
using Apiary.Enrich;
using Apiary.Testbed;

namespace Apiary.Simulator;

/// <summary>Defaults of the simulate command: the paper's testbed and the geolocation database enrichment reads.</summary>
public static class SimulatorDefaults
{
    /// <summary>§5.1: the paper's data starts on 1 March 2003.</summary>
    public static readonly DateTime PaperStart = new(2003, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>§5.1: four complete months.</summary>
    public const int PaperMonths = 4;

    /// <summary>
    /// The country database enrichment reads by default (one definition: <see cref="EnrichmentDataPaths"/>), so
    /// simulated sources land in the countries that enrichment will report.
    /// </summary>
    public static string GeoDatabase => EnrichmentDataPaths.Default(EnrichmentDataPaths.PrimaryCountryRelative);

    /// <summary>examples/testbed-paper.toml, embedded at build time (used when no inventory is given).</summary>
    public static TestbedInventory PaperTestbed() => TestbedLoader.Parse(PaperTestbedText(), PaperTestbedName);

    /// <summary>How the built-in inventory is named in messages and provenance.</summary>
    public const string PaperTestbedName = "examples/testbed-paper.toml (built in)";

    /// <summary>The text of examples/testbed-paper.toml as built in (stored with the analyses for provenance).</summary>
    public static string PaperTestbedText()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("testbed-paper.toml")
            ?? throw new InvalidOperationException("embedded testbed-paper.toml is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
