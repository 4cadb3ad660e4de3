using System.Diagnostics;
using System.Globalization;
using Apiary.Ingest;
using Spectre.Console;

namespace Apiary.Cli.Commands;

/// <summary>Shows ingest progress: a Spectre.Console progress bar on a terminal, plain lines when stdout is redirected.</summary>
public static class IngestProgressView
{
    public static IngestResult Run(Func<IIngestProgress, IngestResult> ingest)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return ingest(new PlainProgress());
        IngestResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx => result = ingest(new BarProgress(ctx)));
        return result!;
    }

    /// <summary>Prints failures only (stderr); used where the caller prints its own summary (apiary demo).</summary>
    public static IIngestProgress FailuresOnly { get; } = new FailuresOnlyProgress();

    private sealed class FailuresOnlyProgress : IIngestProgress
    {
        public void FileStarted(string path, long bytes) { }
        public void FileAdvanced(string path, long bytesRead, long packets) { }
        public void FileFinished(IngestFileOutcome outcome)
        {
            if (outcome.Status == IngestFileStatus.Failed) Console.Error.WriteLine("error: " + Describe(outcome));
        }
        public void Notice(string message) => Console.Error.WriteLine(message);
    }

    private static string Describe(IngestFileOutcome o) => o.Status switch
    {
        IngestFileStatus.Ingested => string.Create(CultureInfo.InvariantCulture,
            $"{o.Path}: {o.Packets:N0} packets, {o.Anomalies:N0} anomalies, file_id {o.FileId}, {o.Elapsed.TotalSeconds:F1} s"),
        _ => o.Message ?? $"{o.Path}: {o.Status}",
    };

    /// <summary>Plain lines: one when a file starts, one every few seconds while it loads, one with its outcome.</summary>
    private sealed class PlainProgress : IIngestProgress
    {
        /// <summary>Seconds between progress lines for a long file (often enough to see it moves, rare enough for logs).</summary>
        private const double IntervalSeconds = 5;

        private readonly Stopwatch _sinceLine = new();
        private long _bytes;

        public void FileStarted(string path, long bytes)
        {
            _bytes = bytes;
            _sinceLine.Restart();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingesting {path} ({bytes / 1048576.0:F1} MiB)"));
        }

        public void FileAdvanced(string path, long bytesRead, long packets)
        {
            if (_sinceLine.Elapsed.TotalSeconds < IntervalSeconds) return;
            _sinceLine.Restart();
            var pct = _bytes > 0 ? Math.Min(100.0, 100.0 * bytesRead / _bytes) : 100.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {path}: {packets:N0} packets ({pct:F0}%)"));
        }

        public void FileFinished(IngestFileOutcome outcome)
        {
            var line = Describe(outcome);
            if (outcome.Status == IngestFileStatus.Failed) Console.Error.WriteLine("error: " + line);
            else Console.WriteLine(line);
        }

        public void Notice(string message) => Console.WriteLine(message);
    }

    private sealed class BarProgress(ProgressContext ctx) : IIngestProgress
    {
        private ProgressTask? _task;

        public void FileStarted(string path, long bytes)
        {
            _task = ctx.AddTask(Markup.Escape(Path.GetFileName(path)), maxValue: Math.Max(1, bytes));
        }

        public void FileAdvanced(string path, long bytesRead, long packets)
        {
            if (_task is null) return;
            _task.Value = Math.Min(bytesRead, _task.MaxValue);
            _task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)} {packets:N0} pkts"));
        }

        public void FileFinished(IngestFileOutcome outcome)
        {
            if (_task != null && outcome.Status == IngestFileStatus.Ingested)
            {
                _task.Value = _task.MaxValue;
                _task.StopTask();
            }
            else if (_task != null)
            {
                _task.StopTask();
            }
            _task = null;
            var line = Markup.Escape(Describe(outcome));
            AnsiConsole.MarkupLine(outcome.Status switch
            {
                IngestFileStatus.Failed => $"[red]error:[/] {line}",
                IngestFileStatus.Ingested => line,
                _ => $"[grey]{line}[/]",
            });
        }

        public void Notice(string message) => AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");
    }
}
