using System.CommandLine;
using System.Globalization;
using Apiary.Capture;
using Apiary.Decode;
using Apiary.Ingest;
using Apiary.Store.DuckDb;
using DuckDB.NET.Data;

namespace Apiary.Cli.Commands;

/// <summary><c>apiary ingest &lt;files|folders|globs&gt;</c>: capture files into the store, idempotent and crash-safe.</summary>
public static class IngestCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Capture files, folders (searched recursively; non-captures inside are ignored) or globs (*.pcap)",
            Arity = ArgumentArity.OneOrMore,
        };
        var db = new Option<string?>("--db") { Description = "Store file (default: $APIARY_DB, else ./apiary.duckdb)" };
        var sensor = new Option<string>("--sensor") { Description = "Platform (sensor site) name stored with each file", DefaultValueFactory = _ => "default" };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per batch between decoder and loader", DefaultValueFactory = _ => IngestOptions.DefaultBatchSize };
        var lanes = new Option<int>("--lanes") { Description = "Parallel loader connections per file (default: one per core)", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var fpDb = new Option<string>("--fp-db") { Description = "p0f v3 fingerprint database for the fingerprints table", DefaultValueFactory = _ => Apiary.Fingerprint.P0fDatabaseLoader.DefaultPath };
        var noFingerprints = new Option<bool>("--no-fingerprints") { Description = "Do not fill the fingerprints table (passive OS fingerprints)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Diagnostic: read and decode on one thread, store nothing, print the rate", Hidden = true };
        var dryRunFingerprints = new Option<bool>("--dry-run-fingerprints") { Description = "Diagnostic: --dry-run that also runs the p0f tracker and matcher (--fp-db), stores nothing", Hidden = true };

        var command = new Command("ingest", "Read, decode and store capture files (pcap, pcapng, gzip); files already stored are skipped");
        command.Arguments.Add(paths);
        command.Options.Add(db);
        command.Options.Add(sensor);
        command.Options.Add(batchSize);
        command.Options.Add(lanes);
        command.Options.Add(fpDb);
        command.Options.Add(noFingerprints);
        command.Options.Add(dryRun);
        command.Options.Add(dryRunFingerprints);
        command.SetAction(parse =>
        {
            var inputs = IngestInputs.Expand(parse.GetValue(paths) ?? [], out var missing);
            foreach (var m in missing) Console.Error.WriteLine($"apiary ingest: {m}: no such file, folder or matching file");
            if (parse.GetValue(batchSize) < 1 || parse.GetValue(lanes) < 1)
            {
                Console.Error.WriteLine("apiary ingest: --batch-size and --lanes must be at least 1");
                return 2;
            }
            // First Ctrl+C: stop cleanly (the file being loaded is removed). A second one ends the process.
            using var cancel = new CtrlCCancellation("apiary ingest: cancelling (the file being loaded is removed; press Ctrl+C again to abort)");
            var code = parse.GetValue(dryRun) || parse.GetValue(dryRunFingerprints)
                ? DryRun(inputs, cancel.Token, parse.GetValue(dryRunFingerprints) ? parse.GetValue(fpDb) : null)
                : Ingest(inputs, StoreLocation.Resolve(parse.GetValue(db)), parse.GetValue(sensor) ?? "default",
                    parse.GetValue(batchSize), parse.GetValue(lanes), cancel.Token,
                    parse.GetValue(noFingerprints) ? null : parse.GetValue(fpDb));
            return missing.Count > 0 && code == 0 ? 1 : code;
        });
        return command;
    }

    /// <summary>Ingests, then enriches the new sources. <paramref name="quiet"/>: only failures and the summary are printed (demo).</summary>
    internal static int Ingest(List<IngestInput> inputs, string dbPath, string sensor, int batchSize, int lanes, CancellationToken cancellation,
        string? fingerprintDb = null, bool quiet = false)
    {
        // Passive OS fingerprints (docs/enrichment.md): one observer fills the fingerprints table per file.
        if (!TryCreateFingerprintObserver(fingerprintDb, out var fingerprints)) return 2;
        IPacketObserver[] observers = fingerprints is null ? [] : [fingerprints];
        DuckDbStore store;
        try
        {
            store = DuckDbStore.Open(dbPath);
        }
        catch (DuckDBException e)
        {
            Console.Error.WriteLine($"apiary ingest: cannot open the store {dbPath}: {e.Message}");
            return 1;
        }
        using (store)
        {
            var options = new IngestOptions { Sensor = sensor, BatchSize = batchSize, Lanes = lanes };
            IngestResult result;
            try
            {
                Func<IIngestProgress, IngestResult> run = progress =>
                    new IngestPipeline(store, options, PacketDecoder.Decode, observers: observers, progress).Run(inputs, cancellation);
                result = quiet ? run(IngestProgressView.FailuresOnly) : IngestProgressView.Run(run);
                store.Checkpoint();
            }
            catch (IngestStoreException e)
            {
                Console.Error.WriteLine($"apiary ingest: {e.Message}");
                return 1;
            }
            PrintSummary(result, dbPath);
            var enrichCode = result.Ingested > 0 ? EnrichCommand.AfterIngest(store, quiet) : 0;
            return result.ExitCode != 0 ? result.ExitCode : enrichCode;
        }
    }

    /// <summary>The fingerprint observer for <paramref name="fingerprintDb"/> (none when null); false after printing why the database cannot be loaded.</summary>
    private static bool TryCreateFingerprintObserver(string? fingerprintDb, out FingerprintObserver? observer)
    {
        observer = null;
        if (fingerprintDb is null) return true;
        try
        {
            observer = new FingerprintObserver(Apiary.Fingerprint.P0fDatabase.Load(fingerprintDb));
            return true;
        }
        catch (Apiary.Fingerprint.FingerprintDatabaseException e)
        {
            Console.Error.WriteLine($"apiary ingest: {e.Message} (use --fp-db PATH or --no-fingerprints)");
            return false;
        }
    }

    private static void PrintSummary(IngestResult r, string dbPath)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"{(r.Cancelled ? "cancelled: " : "")}{r.Ingested} file(s) ingested, {r.Packets:N0} packets, {r.Anomalies:N0} anomalies in {r.Elapsed.TotalSeconds:F1} s ({r.PacketsPerSecond:N0} packets/s); {r.Skipped} skipped (already stored), {r.Ignored} ignored (not captures), {r.Failed} failed -> {dbPath}"));
        foreach (var f in r.Files.Where(f => f.Status == IngestFileStatus.Failed))
            Console.Error.WriteLine($"apiary ingest: {f.Message}");
    }

    /// <summary>Read + decode on this thread; with <paramref name="fingerprintDb"/> also the fingerprint observer (nothing stored).</summary>
    private static int DryRun(List<IngestInput> inputs, CancellationToken cancellation, string? fingerprintDb = null)
    {
        if (!TryCreateFingerprintObserver(fingerprintDb, out var fingerprints)) return 2;
        var inv = CultureInfo.InvariantCulture;
        var failed = 0;
        long packets = 0;
        var total = TimeSpan.Zero;
        foreach (var input in inputs)
        {
            try
            {
                fingerprints?.OnFileStart(new IngestFileInfo(0, input.Path, "", "dry-run"));
                var r = IngestPipeline.DecodeOnly(input.Path, PacketDecoder.Decode, cancellation, fingerprints is null ? [] : [fingerprints]);
                fingerprints?.OnFileAborted(0);
                packets += r.Packets;
                total += r.Elapsed;
                Console.WriteLine(string.Create(inv,
                    $"{r.Path}: {r.Packets:N0} packets ({r.IpPackets:N0} IP), {r.Anomalies:N0} anomalies, read+decode {r.Elapsed.TotalSeconds:F2} s = {r.Packets / Math.Max(r.Elapsed.TotalSeconds, 1e-9):N0} packets/s"));
            }
            catch (CaptureFormatException e) when (!input.Explicit)
            {
                Console.WriteLine($"ignored (not a capture): {e.Message}");
            }
            catch (CaptureFormatException e)
            {
                Console.Error.WriteLine($"apiary ingest: not a capture file: {e.Message}");
                failed++;
            }
            catch (OperationCanceledException)
            {
                return 130;
            }
        }
        Console.WriteLine(string.Create(inv, $"dry run: {packets:N0} packets read and decoded in {total.TotalSeconds:F2} s ({packets / Math.Max(total.TotalSeconds, 1e-9):N0} packets/s, one thread); nothing stored"));
        return failed > 0 ? 1 : 0;
    }
}
