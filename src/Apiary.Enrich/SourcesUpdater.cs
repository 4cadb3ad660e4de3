using System.Diagnostics;
using System.Globalization;
using Apiary.Core;
using Apiary.Store;

namespace Apiary.Enrich;

/// <summary>What one update of the enrichment tables did; <see cref="Phases"/> says where the time went.</summary>
public sealed record SourcesUpdate(bool EnrichmentSkipped, long AddressesEnriched, long AddressesAlreadyEnriched,
    long SourceRows, TimeSpan LookupTime, TimeSpan Elapsed, IReadOnlyList<string> Notes,
    IReadOnlyList<SourcesUpdatePhase> Phases);

/// <summary>
/// One step of an update: wall time and the process's CPU time (all threads, DuckDB's included) during it. On a
/// shared machine the CPU time is the steadier figure.
/// </summary>
public sealed record SourcesUpdatePhase(string Phase, TimeSpan Time, TimeSpan Cpu);

/// <summary>
/// Answers every source address that has no answer yet from the current set of databases (older answers are
/// kept: a newer database adds a run and its answers, it never overwrites), then rebuilds <c>sources</c>. Used
/// after ingest and by <c>apiary enrich</c>. Addresses travel as 128-bit keys from <c>packet_rows</c> to the
/// lookups and back; the text is written once per answer, by the enricher.
/// </summary>
public static class SourcesUpdater
{
    public static SourcesUpdate Update(IStore store, EnrichmentDatabases databases)
    {
        var total = Stopwatch.StartNew();
        var phases = new List<SourcesUpdatePhase>();
        var phase = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        void Phase(string name)
        {
            var now = Process.GetCurrentProcess().TotalProcessorTime;
            phases.Add(new SourcesUpdatePhase(name, phase.Elapsed, now - cpu));
            cpu = now;
            phase.Restart();
        }

        var notes = new List<string>(databases.Notes);
        if (SourceEnrichmentMigration.MigrateIfOld(store) is { } migrated) notes.Add(migrated);
        foreach (var ddl in SourcesSchema.All) store.Execute(ddl);
        Phase("schema");

        long enriched = 0, already = 0;
        var lookupTime = TimeSpan.Zero;
        var skipped = !databases.Any;
        store.Execute(SourcesSchema.CreateActivity);
        try
        {
            Phase("activity (group packet_rows by platform and address)");
            if (skipped)
            {
                notes.Add("enrichment skipped: no geolocation or ASN database available (run scripts/setup.sh, or pass --geo-db/--asn-db)");
            }
            else
            {
                var run = EnrichmentRun.Of(databases, DateTime.UtcNow);
                // Earlier runs with the same databases: their addresses are not looked up again (one answer per
                // address and set of databases, so their address counts add up to the addresses answered).
                var sameDatabases = store.Query($"SELECT run_id, addresses FROM enrichment_runs WHERE db_set = {SqlLiteral.Text(run.DbSet)} ORDER BY run_id").Rows;
                already = sameDatabases.Sum(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
                var pending = store.Read(SourcesSchema.PendingAddresses(sameDatabases.Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture)).ToList()),
                    r => new IpAddress128(r.GetFieldValue<ulong>(0), r.GetFieldValue<ulong>(1))).ToList();
                Phase("pending addresses");
                var files = new List<EnrichmentAnswerFile>();
                try
                {
                    var threads = LookUp(new SourceEnricher(databases), pending, files);
                    enriched = pending.Count;
                    lookupTime = phase.Elapsed;
                    Phase($"lookups and answer spill ({threads} thread(s))");
                    long conflicts = 0;
                    store.InTransaction(() => EnrichmentRunLoader.Load(store, run, files, out conflicts));
                    Phase("answer load");
                    if (conflicts > 0)
                        notes.Add($"{conflicts} answer(s) named their AS differently than an earlier answer of this run (the first name is kept)");
                }
                finally
                {
                    foreach (var f in files) f.Dispose();
                }
                notes.Add($"enriched {enriched} address(es) in {lookupTime.TotalSeconds:F2} s (lookups and answer spill); {already} already had answers from these databases");
            }
            var severalSets = Convert.ToInt64(store.Query("SELECT count(DISTINCT db_set) FROM enrichment_runs").Scalar(), CultureInfo.InvariantCulture) > 1;
            store.InTransaction(() =>
            {
                store.Execute(SourcesSchema.RebuildSourceRows(severalSets));
                // Stores written before sources was a view hold it as a table (derived data: rebuilt right here).
                if (store.TableType("sources") == "BASE TABLE") store.Execute("DROP TABLE sources");
                store.Execute(SourcesSchema.SourcesView);
            });
            Phase("sources rebuild");
        }
        finally
        {
            store.Execute(SourcesSchema.DropActivity);
        }
        var sourceRows = Convert.ToInt64(store.Query("SELECT count(*) FROM sources").Scalar(), CultureInfo.InvariantCulture);
        return new SourcesUpdate(skipped, enriched, already, sourceRows, lookupTime, total.Elapsed, notes, phases);
    }

    /// <summary>
    /// Lookup threads: the lookups are CPU-bound and DuckDB is idle meanwhile, so one per core; at most 4 because
    /// each writes its own answer file and more would only add files.
    /// </summary>
    public const int MaxLookupThreads = 4;

    /// <summary>Below this many addresses one thread does the lookups (starting threads would not pay).</summary>
    private const int AddressesPerExtraThread = 50_000;

    /// <summary>Looks up every address and spills the answers to one file per thread; returns the thread count.</summary>
    private static int LookUp(SourceEnricher enricher, List<IpAddress128> addresses, List<EnrichmentAnswerFile> files)
    {
        var threads = Math.Clamp(Math.Min(Environment.ProcessorCount, addresses.Count / AddressesPerExtraThread), 1, MaxLookupThreads);
        for (var t = 0; t < threads; t++) files.Add(new EnrichmentAnswerFile());
        try
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var file = files[t];
                var end = (int)((long)addresses.Count * (t + 1) / threads);
                for (var i = (int)((long)addresses.Count * t / threads); i < end; i++)
                    file.Add(addresses[i], enricher.Lookup(addresses[i]));
            });
        }
        catch (AggregateException e)
        {
            // A broken database surfaces as its own exception (the CLI reports EnrichmentDatabaseException).
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        return threads;
    }
}
