using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using Apiary.Capture;
using Apiary.Core;
using Apiary.Store;

namespace Apiary.Ingest;

/// <summary>Decodes one frame into a reused packet (Apiary.Decode's PacketDecoder.Decode in production).</summary>
public delegate void FrameDecoder(in CapturedFrame frame, ref DecodedPacket packet, IAnomalySink anomalies);

/// <summary>
/// Capture files in, rows in the store out. For each file: sha256 first (a file already <c>complete</c> is
/// skipped), a <c>loading</c> row, then one decode thread (reader + decoder + observers) filling pooled
/// <see cref="PacketBatch"/>es that a bounded channel hands to the store's loader lanes, and finally the
/// <c>complete</c> status committed with the last rows. Files are processed one after another: loading is the
/// costly stage and the lanes already spread it over every core. Crash-safe (interrupted files are removed and
/// reloaded at the next start) and cancellable (Ctrl+C removes the file being loaded).
/// </summary>
public sealed class IngestPipeline
{
    /// <summary>Size of the buffer used to hash files: large sequential reads, one reused array.</summary>
    private const int HashBufferBytes = 1 << 20;

    private readonly IIngestStore _store;
    private readonly IngestOptions _options;
    private readonly FrameDecoder _decode;
    /// <summary>
    /// An array, not the list it came as: a foreach over an IReadOnlyList allocates an enumerator, which once per
    /// packet kept the garbage collector busy (bench/README.md, fingerprint overhead).
    /// </summary>
    private readonly IPacketObserver[] _observers;
    private readonly IIngestProgress _progress;

    public IngestPipeline(IIngestStore store, IngestOptions options, FrameDecoder decode,
        IReadOnlyList<IPacketObserver>? observers = null, IIngestProgress? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Lanes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchesPerLane, 1);
        _store = store;
        _options = options;
        _decode = decode;
        _observers = observers is null ? [] : [.. observers];
        _progress = progress ?? SilentProgress.Instance;
    }

    /// <summary>
    /// Removes what an interrupted earlier run left behind and returns those files' paths that still exist, so
    /// the caller can ingest them again (<see cref="Run"/> does this itself).
    /// </summary>
    public IReadOnlyList<string> RecoverInterrupted()
    {
        var again = new List<string>();
        foreach (var f in _store.RemoveInterruptedFiles())
        {
            var exists = File.Exists(f.Path);
            _progress.Notice(exists
                ? $"{f.Path}: an earlier ingest was interrupted; its partial rows were removed and the file is ingested again"
                : $"{f.Path}: an earlier ingest was interrupted; its partial rows were removed (the file is gone, not reloaded)");
            if (exists) again.Add(f.Path);
        }
        return again;
    }

    /// <summary>Ingests <paramref name="inputs"/> (after crash recovery). Never throws for a bad input file; store failures propagate.</summary>
    public IngestResult Run(IReadOnlyList<IngestInput> inputs, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = new List<IngestFileOutcome>();
        var work = new List<IngestInput>(inputs);
        foreach (var path in RecoverInterrupted())
            if (!work.Any(w => w.Path == path)) work.Add(new IngestInput(path, true));

        var seenThisRun = new Dictionary<string, string>(StringComparer.Ordinal);
        var cancelled = false;
        foreach (var input in work)
        {
            if (cancellation.IsCancellationRequested) { cancelled = true; break; }
            var outcome = IngestFile(input, seenThisRun, cancellation);
            outcomes.Add(outcome);
            _progress.FileFinished(outcome);
            if (outcome.Status == IngestFileStatus.Cancelled) { cancelled = true; break; }
        }
        return new IngestResult(outcomes, clock.Elapsed, cancelled);
    }

    private IngestFileOutcome IngestFile(IngestInput input, Dictionary<string, string> seenThisRun, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var path = input.Path;
        IngestFileOutcome Outcome(IngestFileStatus status, string? message, int? fileId = null, long packets = 0, long anomalies = 0) =>
            new(path, status, fileId, packets, anomalies, clock.Elapsed, message);

        string sha;
        long bytes;
        try
        {
            bytes = new FileInfo(path).Length;
            sha = Sha256(path, cancellation);
        }
        catch (OperationCanceledException)
        {
            return Outcome(IngestFileStatus.Cancelled, "cancelled");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Outcome(IngestFileStatus.Failed, $"{path}: cannot read: {e.Message}");
        }

        if (seenThisRun.TryGetValue(sha, out var first))
            return Outcome(IngestFileStatus.Skipped, $"{path}: skipped, same content as {first} (sha256 {sha[..12]})");
        var stored = _store.FindFile(sha);
        if (stored is { Status: "complete" })
            return Outcome(IngestFileStatus.Skipped, $"{path}: skipped, already ingested as file_id {stored.FileId} ({stored.Packets} packets, sha256 {sha[..12]})", stored.FileId);
        seenThisRun[sha] = path;

        var anomalies = new AnomalyLog();
        CaptureReader reader;
        try
        {
            reader = CaptureReader.Open(path, anomalies);
        }
        catch (CaptureFormatException e)
        {
            return input.Explicit
                ? Outcome(IngestFileStatus.Failed, $"not a capture file: {e.Message}; nothing stored for it")
                : Outcome(IngestFileStatus.NotCaptureIgnored, $"ignored (not a capture): {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Outcome(IngestFileStatus.Failed, $"{path}: cannot read: {e.Message}");
        }

        using (reader)
        {
            var fileId = _store.RegisterLoading(sha, path, _options.Sensor, bytes);
            _progress.FileStarted(path, bytes);
            var info = new IngestFileInfo(fileId, path, sha, _options.Sensor);
            try
            {
                var summary = Load(reader, info, anomalies, cancellation);
                return Outcome(IngestFileStatus.Ingested, null, fileId, summary.Packets, summary.Anomalies);
            }
            catch (OperationCanceledException)
            {
                _store.RemoveFile(fileId);
                return Outcome(IngestFileStatus.Cancelled, $"{path}: cancelled; nothing stored for it", fileId);
            }
        }
    }

    /// <summary>Decodes on this thread, loads on the lane threads, completes the file. Throws on store failure (after cleaning up).</summary>
    private CaptureFileSummary Load(CaptureReader reader, IngestFileInfo info, AnomalyLog anomalies, CancellationToken cancellation)
    {
        using var load = _store.BeginLoad(info.FileId, _options.Lanes);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = failed.Token;

        // Pool of batches: the only packet memory of the load. Bounded: decoder blocks when every batch is in use.
        var inFlight = _options.Lanes * _options.BatchesPerLane + 1;
        var free = Channel.CreateBounded<PacketBatch>(inFlight);
        for (var i = 0; i < inFlight; i++) free.Writer.TryWrite(new PacketBatch(_options.BatchSize));
        var full = Channel.CreateBounded<PacketBatch>(new BoundedChannelOptions(inFlight) { SingleWriter = true });

        Exception? laneError = null;
        var lanes = new Thread[load.Lanes.Count];
        for (var i = 0; i < lanes.Length; i++)
        {
            var lane = load.Lanes[i];
            lanes[i] = new Thread(() =>
            {
                try
                {
                    while (full.Reader.WaitToReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
                    {
                        while (full.Reader.TryRead(out var batch))
                        {
                            if (!token.IsCancellationRequested) lane.Append(batch);
                            batch.Count = 0;
                            free.Writer.TryWrite(batch);
                        }
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref laneError, e, null);
                    failed.Cancel();
                    // Keep draining so the decoder never blocks on a full channel.
                    while (full.Reader.TryRead(out var batch)) { batch.Count = 0; free.Writer.TryWrite(batch); }
                }
            }) { IsBackground = true, Name = $"apiary-load-{i}" };
            lanes[i].Start();
        }

        var observers = _observers;
        foreach (var o in observers) o.OnFileStart(info);
        long packets = 0, firstTs = long.MaxValue, lastTs = long.MinValue;
        var completed = false;
        try
        {
            var batch = Take(free, token);
            while (reader.TryReadNext(out var frame))
            {
                ref var p = ref batch.Rows[batch.Count];
                _decode(in frame, ref p, anomalies);
                for (var i = 0; i < observers.Length; i++) observers[i].OnPacket(in frame, ref p);
                if (frame.TimestampNs < firstTs) firstTs = frame.TimestampNs;
                if (frame.TimestampNs > lastTs) lastTs = frame.TimestampNs;
                packets++;
                if (++batch.Count == batch.Capacity)
                {
                    Send(full, batch, token);
                    _progress.FileAdvanced(info.Path, reader.BytesRead, packets);
                    batch = Take(free, token);
                }
            }
            if (batch.Count > 0) Send(full, batch, token);
            _progress.FileAdvanced(info.Path, reader.BytesRead, packets);
            full.Writer.Complete();
            foreach (var t in lanes) t.Join();
            if (laneError != null) throw new IngestStoreException($"{info.Path}: loading into the store failed: {laneError.Message}", laneError);
            cancellation.ThrowIfCancellationRequested();

            var summary = new CaptureFileSummary(
                reader.Format,
                string.Join(",", reader.LinkTypes.Select(LinkTypes.Name).Distinct()),
                reader.Snaplen,
                packets > 0 ? firstTs : null,
                packets > 0 ? lastTs : null,
                packets,
                anomalies.Total,
                reader.Truncated);
            load.Complete(summary, anomalies, store =>
            {
                foreach (var o in _observers) o.OnFileComplete(store, info.FileId);
            });
            completed = true;
            return summary;
        }
        catch (OperationCanceledException) when (laneError != null)
        {
            throw new IngestStoreException($"{info.Path}: loading into the store failed: {laneError.Message}", laneError);
        }
        finally
        {
            if (!completed)
            {
                full.Writer.TryComplete();
                foreach (var t in lanes) t.Join();
                load.Abort();
                foreach (var o in _observers) o.OnFileAborted(info.FileId);
                if (laneError != null || !cancellation.IsCancellationRequested) _store.RemoveFile(info.FileId);
            }
        }
    }

    private static PacketBatch Take(Channel<PacketBatch> free, CancellationToken token)
    {
        if (free.Reader.TryRead(out var b)) return b;
        return free.Reader.ReadAsync(token).AsTask().GetAwaiter().GetResult();
    }

    private static void Send(Channel<PacketBatch> full, PacketBatch batch, CancellationToken token)
    {
        if (!full.Writer.TryWrite(batch)) full.Writer.WriteAsync(batch, token).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Lower-case hex sha256 of the file's bytes as stored.</summary>
    public static string Sha256(string path, CancellationToken cancellation = default)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[HashBufferBytes];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            hash.AppendData(buffer, 0, n);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Reads and decodes a file on the calling thread without storing anything (the benchmark's "read + decode"
    /// figure and <c>apiary ingest --dry-run</c>); the <paramref name="observers"/> see every packet in order, as during
    /// ingest (re-fingerprinting stored captures).
    /// </summary>
    public static DecodeOnlyResult DecodeOnly(string path, FrameDecoder decode, CancellationToken cancellation = default, params IPacketObserver[] observers)
    {
        var clock = Stopwatch.StartNew();
        var anomalies = new AnomalyLog();
        using var reader = CaptureReader.Open(path, anomalies);
        var packet = default(DecodedPacket);
        long packets = 0, ipPackets = 0;
        while (reader.TryReadNext(out var frame))
        {
            decode(in frame, ref packet, anomalies);
            foreach (var o in observers) o.OnPacket(in frame, ref packet);
            if (packet.IpVersion != 0) ipPackets++;
            if ((++packets & 0xFFFF) == 0) cancellation.ThrowIfCancellationRequested();
        }
        return new DecodeOnlyResult(path, packets, ipPackets, anomalies.Total, reader.BytesRead, clock.Elapsed);
    }
}

/// <summary>Result of <see cref="IngestPipeline.DecodeOnly"/>.</summary>
public sealed record DecodeOnlyResult(string Path, long Packets, long IpPackets, long Anomalies, long Bytes, TimeSpan Elapsed);

/// <summary>The store failed while loading a file (disk full, constraint broken, ...): the run stops.</summary>
public sealed class IngestStoreException(string message, Exception inner) : Exception(message, inner);
