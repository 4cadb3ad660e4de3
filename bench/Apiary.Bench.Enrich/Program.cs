using System.Diagnostics;
using System.Globalization;
using Apiary.Core;
using Apiary.Enrich;

// Times bulk enrichment: N distinct addresses (half IPv4 in 1.0.0.0-223.255.255.255, half IPv6 in 2000::/3, seeded),
// each looked up in the primary and second-opinion country mmdb and the ASN ranges, as SourcesUpdater does.
// With --store: the whole `apiary enrich` step instead (SourcesUpdater.Update on a DuckDB store whose packets come
// from N distinct sources, built once through the real ingest pipeline: query the pending addresses, look them up,
// write source_enrichment, rebuild sources), timed from opening the databases to the end.
// Usage: dotnet run -c Release --project bench/Apiary.Bench.Enrich -- [--count 1000000] [--runs 3] [--store DIR [--keep]]
// (--keep leaves the store of the last run as DIR/enrich-run.duckdb, to look at its tables)
var count = 1_000_000;
var runs = 3;
string? storeDir = null;
var keep = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--store": storeDir = args[++i]; break;
        case "--keep": keep = true; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

if (storeDir is not null) return StoreBenchmark.Run(storeDir, count, runs, keep);

var open = Stopwatch.StartNew();
using var dbs = EnrichmentDatabases.Open(new EnrichmentOptions());
open.Stop();
if (dbs.Country is null || dbs.Country2 is null || dbs.Asn is null)
{
    Console.Error.WriteLine("the data packages are not installed (scripts/setup.sh)");
    return 1;
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"open databases: {open.Elapsed.TotalSeconds:F2} s"));

var rng = new Random(42);
var unique = new HashSet<IpAddress128>(count);
while (unique.Count < count)
    unique.Add(unique.Count % 2 == 0
        ? IpAddress128.FromV4((uint)rng.NextInt64(0x0100_0000, 0xE000_0000))
        : new IpAddress128(0x2000_0000_0000_0000UL | ((ulong)rng.NextInt64() & 0x1FFF_FFFF_FFFF_FFFFUL), (ulong)rng.NextInt64()));
var addresses = unique.ToArray();

for (var run = 1; run <= runs; run++)
{
    var enricher = new SourceEnricher(dbs); // a fresh cache: every lookup is a miss
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    long countries = 0, asns = 0;
    foreach (var a in addresses)
    {
        var r = enricher.Enrich(a);
        if (r.Country != null) countries++;
        if (r.Asn != null) asns++;
    }
    sw.Stop();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"run {run}: {addresses.Length:N0} distinct addresses in {sw.Elapsed.TotalSeconds:F2} s wall, {cpu.TotalSeconds:F2} s CPU ({addresses.Length / sw.Elapsed.TotalSeconds:N0}/s); {countries:N0} with a country, {asns:N0} with an AS"));
}
return 0;
