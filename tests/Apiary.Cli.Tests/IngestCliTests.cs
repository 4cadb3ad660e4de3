using Apiary.Store.DuckDb;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Cli.Tests;

public sealed class IngestCliTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"apiary-cli-{Guid.NewGuid():N}");

    public IngestCliTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private string Db(string name = "store.duckdb") => Path.Combine(_folder, name);

    [Fact]
    public void A_non_capture_among_captures_is_named_stores_nothing_and_fails_the_run_after_the_others()
    {
        if (!SharedData.RequireShared()) return;
        var junk = Path.Combine(_folder, "notes.pcap");
        File.WriteAllText(junk, "this is not a capture file\n");
        var a = SharedData.Capture("ppa_portscan.pcap");
        var b = SharedData.Capture("ncsa_445_scan.pcap");

        var r = Cli.Run("ingest", a, junk, b, "--db", Db());
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(junk, r.StdErr, StringComparison.Ordinal);
        Assert.Contains("not a capture", r.StdErr, StringComparison.Ordinal);

        using var store = DuckDbStore.Open(Db(), readOnly: true);
        var paths = store.Query("SELECT path, status FROM capture_files ORDER BY path").Rows.Select(x => $"{x[0]} {x[1]}").ToList();
        Assert.Equal(new[] { $"{b} complete", $"{a} complete" }.Order(StringComparer.Ordinal), paths);
        Assert.Equal(0L, Convert.ToInt64(store.Query($"SELECT count(*) FROM capture_files WHERE path = '{junk}'").Scalar()));
    }

    [Fact]
    public void A_malformed_fingerprint_database_is_named_with_its_line_and_nothing_is_stored()
    {
        if (!SharedData.RequireShared()) return;
        var fp = Path.Combine(_folder, "bad.fp");
        File.WriteAllText(fp, "[tcp:request]\nbogus line\n");
        var a = SharedData.Capture("ppa_blaster.pcap");
        foreach (var args in new[] { new[] { "ingest", a, "--db", Db(), "--fp-db", fp }, ["ingest", "--dry-run-fingerprints", a, "--fp-db", fp] })
        {
            var r = Cli.Run(args);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains($"{fp}:2:", r.StdErr, StringComparison.Ordinal);
            Assert.Contains("--no-fingerprints", r.StdErr, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(Db()), "the store was created although the run failed before reading anything");
    }

    [Fact]
    public void Second_run_says_it_skips_and_exits_zero()
    {
        if (!SharedData.RequireShared()) return;
        var a = SharedData.Capture("ppa_blaster.pcap");
        Assert.Equal(0, Cli.Run("ingest", a, "--db", Db()).ExitCode);
        var again = Cli.Run("ingest", a, "--db", Db());
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("skipped, already ingested as file_id 1", again.StdOut, StringComparison.Ordinal);
        Assert.Contains("1 skipped", again.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Killed_mid_file_then_rerun_equals_a_clean_ingest()
    {
        var capture = Path.Combine(_folder, "big.pcap");
        SyntheticCapture.Write(capture, 2_000_000);

        var clean = Cli.Run("ingest", capture, "--db", Db("clean.duckdb"));
        Assert.True(clean.ExitCode == 0, clean.StdErr);

        // Kill (SIGKILL) once the file is registered as loading and rows are flowing.
        using (var p = Cli.Start("ingest", capture, "--db", Db("crashed.duckdb"), "--batch-size", "1000"))
        {
            var line = p.StandardOutput.ReadLine();
            if (line == null || !line.StartsWith("ingesting ", StringComparison.Ordinal))
                Assert.Fail($"unexpected first line: {line} / {p.StandardError.ReadToEnd()}"); // (ReadToEnd waits for the exit: only on failure)
            Thread.Sleep(1500);
            if (p.HasExited)
                Assert.Fail($"the ingest ended (exit {p.ExitCode}) before it could be killed: {p.StandardOutput.ReadToEnd()} {p.StandardError.ReadToEnd()}");
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        using (var crashed = DuckDbStore.Open(Db("crashed.duckdb"), readOnly: true))
            Assert.Equal("loading", crashed.Query("SELECT status FROM capture_files").Scalar());

        var rerun = Cli.Run("ingest", capture, "--db", Db("crashed.duckdb"));
        Assert.True(rerun.ExitCode == 0, rerun.StdErr);
        Assert.Contains("interrupted", rerun.StdOut, StringComparison.Ordinal);

        Assert.Equal(Checksums(Db("clean.duckdb")), Checksums(Db("crashed.duckdb")));
        using var store = DuckDbStore.Open(Db("crashed.duckdb"), readOnly: true);
        Assert.Equal(2_000_000L, Convert.ToInt64(store.Query("SELECT count(DISTINCT frame) FROM packets").Scalar()));
        Assert.Equal(2_000_000L, Convert.ToInt64(store.Query("SELECT count(*) FROM packets").Scalar()));
    }

    [Fact]
    public void Ctrl_c_cancels_cleanly_exits_130_and_leaves_nothing_of_the_file()
    {
        var capture = Path.Combine(_folder, "big.pcap");
        SyntheticCapture.Write(capture, 2_000_000);
        using (var p = Cli.Start("ingest", capture, "--db", Db("cancelled.duckdb")))
        {
            var line = p.StandardOutput.ReadLine();
            if (line == null || !line.StartsWith("ingesting ", StringComparison.Ordinal))
                Assert.Fail($"unexpected first line: {line}");
            Thread.Sleep(1000);
            Assert.False(p.HasExited, "the ingest finished before it could be interrupted: make the capture larger");
            Assert.Equal(0, ExternalTool.Run("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode);
            var stderr = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(60_000), "the ingest did not stop after SIGINT");
            Assert.Equal(130, p.ExitCode);
            Assert.Contains("cancelling", stderr, StringComparison.Ordinal);
        }
        using var store = DuckDbStore.Open(Db("cancelled.duckdb"), readOnly: true);
        Assert.Equal(0L, Convert.ToInt64(store.Query("SELECT count(*) FROM capture_files").Scalar()));
        Assert.Equal(0L, Convert.ToInt64(store.Query("SELECT count(*) FROM packets").Scalar()));
    }

    /// <summary>Row counts and an order-independent checksum of every column of every table (file ids excluded).</summary>
    private static string Checksums(string db)
    {
        using var store = DuckDbStore.Open(db, readOnly: true);
        var lines = new List<string>();
        foreach (var table in new[] { "packets", "anomalies", "anomaly_counts", "capture_files" })
        {
            var columns = store.Query($"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' AND column_name NOT IN ('file_id', 'ingested_at') ORDER BY ordinal_position")
                .Rows.Select(r => (string)r[0]!).ToList();
            var sums = string.Join(", ", columns.Select(c => $"sum(hash(\"{c}\"))::VARCHAR"));
            var row = store.Query($"SELECT count(*), {sums} FROM {table}").Rows[0];
            lines.Add($"{table}: " + string.Join(" ", row));
        }
        return string.Join("\n", lines);
    }
}
