using System.CommandLine;
using System.Diagnostics;
using Apiary.Simulator;
using Apiary.Testbed;

namespace Apiary.Cli.Commands;

/// <summary>
/// <c>apiary simulate</c>: writes captures of a testbed like the paper's from the calibrated traffic model
/// (docs/simulator.md). Two modes: daily-rotated files for N months (--months), or one file of exactly N
/// packets (--packets, the benchmark capture).
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var testbed = new Option<string?>("--testbed") { Description = "Testbed inventory (TOML, docs/testbed.md). Default: the paper's testbed (examples/testbed-paper.toml)." };
        var platform = new Option<string?>("--platform") { Description = "Platform of the inventory to simulate. Default: the first." };
        var months = new Option<int>("--months") { Description = "Months to simulate (daily files).", DefaultValueFactory = _ => SimulatorDefaults.PaperMonths };
        var packets = new Option<long?>("--packets") { Description = "Write exactly this many packets into the single file --out (benchmark capture)." };
        var output = new Option<string>("--out") { Description = "Output folder (daily files), or file with --packets.", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Random seed: the same seed gives byte-identical files.", DefaultValueFactory = _ => 2003UL };
        var start = new Option<DateTime?>("--start") { Description = "First day (UTC), e.g. 2003-03-01. Default: the paper's 2003-03-01." };
        var scale = new Option<double>("--scale") { Description = "Multiplies the number of sources (1 = the paper's 6285 in 4 months).", DefaultValueFactory = _ => 1.0 };
        var geoDb = new Option<string?>("--geo-db") { Description = "Country database (MaxMind DB format) that places sources in countries. Default: the one enrichment uses." };

        var command = new Command("simulate", "Write captures of a honeypot testbed from the traffic model calibrated on the paper (docs/simulator.md).");
        foreach (var o in new Option[] { testbed, platform, months, packets, output, seed, start, scale, geoDb }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            try
            {
                var inventory = parse.GetValue(testbed) is { } path ? TestbedLoader.Load(path) : SimulatorDefaults.PaperTestbed();
                var platformName = parse.GetValue(platform);
                var p = platformName is null ? inventory.Platforms[0]
                    : inventory.FindPlatform(platformName) ?? throw new ArgumentException($"{inventory.File}: no platform named '{platformName}'");
                var scaleValue = parse.GetValue(scale);
                if (scaleValue <= 0 || double.IsNaN(scaleValue)) throw new ArgumentException($"--scale must be positive (got {scaleValue})");
                var monthsValue = parse.GetValue(months);
                if (monthsValue is < 1 or > 120) throw new ArgumentException($"--months must be 1..120 (got {monthsValue})");
                var startValue = parse.GetValue(start) is { } s ? DateTime.SpecifyKind(s.Date, DateTimeKind.Utc) : SimulatorDefaults.PaperStart;
                var dbPath = parse.GetValue(geoDb) ?? SimulatorDefaults.GeoDatabase;

                var clock = Stopwatch.StartNew();
                var geo = CountryPrefixTable.Load(dbPath);
                var generator = new TrafficGenerator(p, new SimulationModel(), geo, parse.GetValue(seed), scaleValue);
                var outPath = parse.GetValue(output)!;
                SimulationSummary summary;
                if (parse.GetValue(packets) is { } n)
                {
                    if (n < 1) throw new ArgumentException($"--packets must be positive (got {n})");
                    summary = generator.WriteSingle(outPath, n, startValue);
                }
                else
                {
                    summary = generator.WriteDaily(outPath, startValue, monthsValue);
                }
                Print(summary, p.Name, clock.Elapsed);
                return 0;
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or Apiary.Config.ConfigException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"apiary simulate: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static void Print(SimulationSummary s, string platform, TimeSpan elapsed)
    {
        double Pct(long part, long whole) => whole == 0 ? 0 : 100.0 * part / whole;
        Console.WriteLine($"simulated platform '{platform}': {s.Files.Count} file(s), {s.Frames:N0} packets ({s.Bytes / 1e6:N1} MB) in {elapsed.TotalSeconds:N1} s");
        Console.WriteLine($"  from sources: {s.InboundFrames:N0} packets, {s.Sources:N0} sources, {s.FirstPacketUtc:yyyy-MM-dd HH:mm} .. {s.LastPacketUtc:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"  protocols (from sources): TCP {Pct(s.InboundTcp, s.InboundFrames):N1} %, ICMP {Pct(s.InboundIcmp, s.InboundFrames):N1} %, UDP {Pct(s.InboundUdp, s.InboundFrames):N1} %; port 139: {Pct(s.InboundPort139, s.InboundFrames):N1} %");
        Console.WriteLine("  sources by process: " + string.Join(", ", s.SourcesByKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {Pct(k.Value, s.Sources):N1} %")));
        Console.WriteLine("  sources by SYN signature: " + string.Join(", ", s.SourcesByOs.OrderBy(k => k.Key).Select(k => $"{k.Key} {Pct(k.Value, s.Sources):N1} %")));
        Console.WriteLine("  top countries: " + string.Join(", ", s.SourcesByCountry.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Take(6).Select(k => $"{k.Key} {Pct(k.Value, s.Sources):N1} %"))
            + $" ({s.SourcesByCountry.Count} countries; database {s.GeoDatabase}, built {s.GeoDatabaseBuildDate:yyyy-MM-dd})");
        if (s.Files.Count == 1) Console.WriteLine($"  wrote {s.Files[0]}");
        else if (s.Files.Count > 1) Console.WriteLine($"  wrote {s.Files[0]} .. {Path.GetFileName(s.Files[^1])}");
    }
}
