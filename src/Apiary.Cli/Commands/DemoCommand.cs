using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Apiary.Analysis;
using Apiary.Ingest;
using Apiary.Report;
using Apiary.Simulator;
using Apiary.Store.DuckDb;
using Apiary.Testbed;
using DuckDB.NET.Data;

namespace Apiary.Cli.Commands;

/// <summary>
/// <c>apiary demo</c>: the whole pipeline on the paper's testbed. Simulates four months of captures
/// (docs/simulator.md), ingests them with passive OS fingerprints, enriches the sources, runs every analysis
/// and writes the HTML report; then prints the paper's figures beside the measured ones.
/// Re-running is safe: the simulation is deterministic and ingest skips files already stored (by sha256),
/// so an interrupted demo finishes where it stopped without counting anything twice.
/// </summary>
public static class DemoCommand
{
    /// <summary>The platform name the demo stores its captures under (the paper's first site).</summary>
    private const string Platform = "eurecom";

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for the captures, the store and report.html", DefaultValueFactory = _ => "demo" };
        var seed = new Option<ulong>("--seed") { Description = "Simulation seed (the same seed gives the same captures)", DefaultValueFactory = _ => 2003UL };
        var months = new Option<int>("--months") { Description = "Months to simulate", DefaultValueFactory = _ => SimulatorDefaults.PaperMonths };
        var command = new Command("demo", "Simulate the paper's testbed for four months, ingest, enrich, analyse and write report.html");
        command.Options.Add(output);
        command.Options.Add(seed);
        command.Options.Add(months);
        command.SetAction(parse =>
        {
            var dir = Path.GetFullPath(parse.GetValue(output) ?? "demo");
            var monthsValue = parse.GetValue(months);
            if (monthsValue is < 1 or > 24)
            {
                Console.Error.WriteLine($"apiary demo: --months must be 1..24 (got {monthsValue})");
                return 2;
            }
            try
            {
                return Run(dir, parse.GetValue(seed), monthsValue);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or DuckDBException or UserError)
            {
                Console.Error.WriteLine($"apiary demo: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static int Run(string dir, ulong seed, int months)
    {
        var inv = CultureInfo.InvariantCulture;
        var total = Stopwatch.StartNew();
        var capturesDir = Path.Combine(dir, "captures");
        var dbPath = Path.Combine(dir, "apiary.duckdb");
        var reportPath = Path.Combine(dir, "report.html");
        Directory.CreateDirectory(dir);

        // A folder holds one demo: another seed or length would overwrite the captures the store came from.
        var parametersPath = Path.Combine(dir, "demo-parameters.txt");
        var parameters = string.Create(inv, $"seed={seed} months={months} start={SimulatorDefaults.PaperStart:yyyy-MM-dd}\n");
        if (File.Exists(parametersPath) && File.ReadAllText(parametersPath) != parameters)
            throw new UserError($"{dir} holds a demo made with other parameters ({File.ReadAllText(parametersPath).Trim()}); " +
                "remove the folder or give another --out");
        File.WriteAllText(parametersPath, parameters);

        // 1. Simulate. Deterministic, so a re-run rewrites identical files and ingest recognises them.
        var step = Stopwatch.StartNew();
        var testbed = SimulatorDefaults.PaperTestbed();
        var platform = testbed.Platforms[0];
        var geoPath = SimulatorDefaults.GeoDatabase;
        if (!File.Exists(geoPath))
            throw new UserError($"{geoPath}: geolocation database not installed (run scripts/setup.sh runtime, or ./apiary demo which runs it)");
        var generator = new TrafficGenerator(platform, new SimulationModel(), CountryPrefixTable.Load(geoPath), seed, 1.0);
        var simulated = generator.WriteDaily(capturesDir, SimulatorDefaults.PaperStart, months);
        Console.WriteLine(string.Create(inv,
            $"1/4 simulated {simulated.Files.Count} daily captures of platform '{platform.Name}': {simulated.Frames:N0} packets, {simulated.Sources:N0} sources ({step.Elapsed.TotalSeconds:F1} s) -> {capturesDir}"));

        // The store must hold this run's captures only, or the analyses would mix two demos.
        RefuseForeignCaptures(dbPath, simulated.Files);

        // 2. Ingest (with p0f fingerprints) and 3. enrich the new sources (country, AS).
        step.Restart();
        var inputs = simulated.Files.Select(f => new IngestInput(f, Explicit: true)).ToList();
        int code;
        using (var cancel = new CtrlCCancellation("apiary demo: cancelling; run it again to finish where it stopped"))
        {
            code = IngestCommand.Ingest(inputs, dbPath, Platform, IngestOptions.DefaultBatchSize, Math.Max(1, Environment.ProcessorCount),
                cancel.Token, Apiary.Fingerprint.P0fDatabaseLoader.DefaultPath, quiet: true);
            if (code == 0 && cancel.Requested) code = 130;
        }
        if (code != 0) return code;
        Console.WriteLine(string.Create(inv, $"2/4 ingested, fingerprinted and 3/4 enriched in {step.Elapsed.TotalSeconds:F1} s -> {dbPath}"));

        // 4. Every analysis, then the report.
        step.Restart();
        using var store = DuckDbStore.Open(dbPath);
        TestbedTables.Store(store, testbed, SimulatorDefaults.PaperTestbedText());
        var context = new AnalysisContext(store, testbed, new AnalysisOptions());
        var data = ReportWriter.Build(context, dbPath);
        ReportWriter.Write(data, ReportFormat.Html, reportPath);
        Console.WriteLine(string.Create(inv,
            $"4/4 ran {data.Results.Count} analyses ({data.Results.Count(r => r.Unavailable is null)} with data) and wrote the report in {step.Elapsed.TotalSeconds:F1} s"));
        Console.WriteLine();
        PrintSummary(data.Results);
        Console.WriteLine();
        Console.WriteLine(string.Create(inv, $"report: {reportPath}"));
        Console.WriteLine(string.Create(inv, $"demo finished in {total.Elapsed.TotalSeconds:F1} s; explore further with: ./apiary analyze all --db {dbPath}"));
        return 0;
    }

    /// <summary>Stops when the store already holds captures that this simulation did not write (compared by sha256).</summary>
    private static void RefuseForeignCaptures(string dbPath, IReadOnlyList<string> files)
    {
        if (!File.Exists(dbPath)) return;
        using var store = DuckDbStore.Open(dbPath);
        var stored = store.Query("SELECT path, sha256 FROM capture_files").Rows.Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
        if (stored.Count == 0) return;
        var ours = new HashSet<string>(files.Select(f => IngestPipeline.Sha256(f)), StringComparer.OrdinalIgnoreCase);
        var foreign = stored.Where(p => !ours.Contains(p.Item2)).Select(p => p.Item1).ToList();
        if (foreign.Count > 0)
            throw new UserError($"{dbPath} already holds {foreign.Count} capture file(s) from another run (e.g. {foreign[0]}); " +
                "remove the folder or give another --out");
    }

    /// <summary>The headline figures of the paper (section 5) beside what this run measured.</summary>
    private static void PrintSummary(IReadOnlyList<AnalysisResult> results)
    {
        string[] picks =
        [
            "totals/packets", "totals/sources", "totals/tcp_pct", "totals/udp_pct", "totals/icmp_pct", "totals/distinct_request_ports",
            "targets-per-source/three_targets_pct", "targets-per-source/two_targets_pct", "targets-per-source/one_target_pct",
            "source-lifetime/over_one_day_pct", "geography/countries", "geography/top3_pct", "attacker-os/windows_pct",
            "targets-monthly/packets_pct_mach0", "targets-monthly/packets_pct_mach1", "closed-ports/closed_pct_min", "closed-ports/closed_pct_max",
            "ports/port_139_pct",
        ];
        var rows = new List<(string Label, string Measured, string Paper)>();
        foreach (var pick in picks)
        {
            var parts = pick.Split('/');
            var figure = results.FirstOrDefault(r => r.Name == parts[0])?.FindFigure(parts[1]);
            if (figure is null) continue;
            rows.Add((figure.Label, Format(figure), figure.Paper ?? ""));
        }
        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Label.Length);
        var measuredWidth = rows.Count == 0 ? 0 : Math.Max(8, rows.Max(r => r.Measured.Length));
        Console.WriteLine($"{"".PadRight(width)}  {"measured".PadLeft(measuredWidth)}  paper (2004)");
        foreach (var r in rows) Console.WriteLine($"{r.Label.PadRight(width)}  {r.Measured.PadLeft(measuredWidth)}  {r.Paper}");
    }

    private static string Format(Figure f)
    {
        if (f.Value is not { } v) return "n/a";
        var inv = CultureInfo.InvariantCulture;
        return f.Unit == "%" ? v.ToString("F1", inv) + " %" : Math.Abs(v - Math.Round(v)) < 1e-9 ? v.ToString("N0", inv) : v.ToString("N2", inv);
    }
}
