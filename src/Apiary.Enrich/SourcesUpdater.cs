using System.Collections.Concurrent;
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
                long conflicts = 0;
                var threads = 0;
                store.InTransaction(() =>
                {
                    using var writer = EnrichmentRunWriter.Begin(store, run);
                    threads = LookUp(new SourceEnricher(databases), pending, writer);
                    writer.Complete(out conflicts);
                });
                enriched = pending.Count;
                lookupTime = phase.Elapsed;
                Phase($"lookups and answer load ({threads} lookup thread(s))");
                if (conflicts > 0)
                    notes.Add($"{conflicts} answer(s) named their AS differently than an earlier answer of this run (the first name is kept)");
                notes.Add($"enriched {enriched} address(es) in {lookupTime.TotalSeconds:F2} s (lookups and answer load); {already} already had answers from these databases");
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
    /// Lookup threads: the lookups are CPU-bound, so one per core; at most 4, because the one thread that appends
    /// the answers (DuckDB compresses them as they come) could not keep up with more.
    /// </summary>
    public const int MaxLookupThreads = 4;

    /// <summary>Below this many addresses one thread does the lookups (starting threads would not pay).</summary>
    private const int AddressesPerExtraThread = 50_000;

    /// <summary>
    /// Bound of the queue from the lookup threads to the appending thread: 16 blocks of 2048 answers (about 3 MB);
    /// enough to even out the two sides' pace, and the memory stays flat however many addresses there are.
    /// </summary>
    private const int QueuedBlocks = 16;

    /// <summary>
    /// Looks up every address on lookup threads, which hand full blocks of answers to this thread; it appends them
    /// to <paramref name="writer"/> meanwhile. Returns the number of lookup threads.
    /// </summary>
    private static int LookUp(SourceEnricher enricher, List<IpAddress128> addresses, EnrichmentRunWriter writer)
    {
        var threads = Math.Clamp(Math.Min(Environment.ProcessorCount, addresses.Count / AddressesPerExtraThread), 1, MaxLookupThreads);
        using var full = new BlockingCollection<EnrichmentAnswerBlock>(QueuedBlocks);
        var spare = new ConcurrentBag<EnrichmentAnswerBlock>();
        using var stop = new CancellationTokenSource();
        EnrichmentAnswerBlock Spare() => spare.TryTake(out var b) ? b : new EnrichmentAnswerBlock();
        var lookups = Task.Run(() =>
        {
            try
            {
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                {
                    try
                    {
                        var block = Spare();
                        var end = (int)((long)addresses.Count * (t + 1) / threads);
                        for (var i = (int)((long)addresses.Count * t / threads); i < end; i++)
                        {
                            block.LookUp(enricher, addresses[i]);
                            if (!block.IsFull) continue;
                            full.Add(block, stop.Token);
                            block = Spare();
                        }
                        if (block.Count > 0) full.Add(block, stop.Token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // A failed lookup (broken database) stops the other lookup threads too: the run is lost anyway.
                        stop.Cancel();
                        throw;
                    }
                });
            }
            finally
            {
                full.CompleteAdding();
            }
        });
        try
        {
            foreach (var block in full.GetConsumingEnumerable())
            {
                writer.Add(block);
                block.Clear();
                spare.Add(block);
            }
        }
        catch
        {
            // The append failed: stop the lookup threads (they may be waiting for room in the queue), then report it.
            stop.Cancel();
            try { lookups.Wait(); } catch (AggregateException) { }
            throw;
        }
        try
        {
            lookups.Wait();
        }
        catch (AggregateException e)
        {
            // A broken database surfaces as its own exception (the CLI reports EnrichmentDatabaseException).
            // The other threads then report their cancellation: the cause is the exception that is not one.
            var all = e.Flatten().InnerExceptions;
            var first = all.FirstOrDefault(x => x is not OperationCanceledException) ?? all[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
        return threads;
    }
}
