using Apiary.Capture;
using Apiary.Core;
using Apiary.Decode;
using Apiary.Fingerprint;
using Apiary.Ingest;
using BenchmarkDotNet.Attributes;

namespace Apiary.Bench;

/// <summary>
/// What fingerprinting costs the decode thread of an ingest, without the store: the first
/// <see cref="Frames"/> frames of the honeypot benchmark capture (bench/foundation.sh generates
/// bench/out/honeypot-10000000.pcap; set APIARY_FP_BENCH_PCAP for another file), held in memory, decoded into
/// a batch-sized ring of rows as the ingest does, with and without the ingest's <see cref="FingerprintObserver"/>
/// (p0f flow tracker, signature cache and matcher, Debian's /etc/p0f/p0f.fp). The difference between the two is the
/// fingerprinting cost per packet; the full-ingest overhead is measured by bench/fingerprint-overhead.sh.
/// </summary>
[MemoryDiagnoser]
public class FingerprintBenchmarks
{
    public const int Frames = 2_000_000;

    /// <summary>Rows decoded into, reused in turn like the ingest's pooled batches (8 batches of 4,096 rows).</summary>
    private const int Ring = 8 * 4096;

    private byte[] _bytes = [];
    private (long Offset, int Length, int Wire, int LinkType, long Ts)[] _frames = [];
    private readonly DecodedPacket[] _rows = new DecodedPacket[Ring];
    private DecodedPacket[] _decoded = [];
    private readonly AnomalyLog _anomalies = new();
    private P0fDatabase _db = null!;
    private long _sink;

    [GlobalSetup]
    public void Setup()
    {
        var path = Environment.GetEnvironmentVariable("APIARY_FP_BENCH_PCAP") is { Length: > 0 } p ? p : BenchOut("honeypot-10000000.pcap");
        if (!File.Exists(path)) throw new InvalidOperationException($"{path} is missing: run bench/foundation.sh first (or set APIARY_FP_BENCH_PCAP)");
        using var bytes = new MemoryStream();
        var frames = new List<(long, int, int, int, long)>(Frames);
        using (var reader = CaptureReader.Open(path, new AnomalyLog()))
        {
            while (frames.Count < Frames && reader.TryReadNext(out var frame))
            {
                frames.Add((bytes.Length, frame.Data.Length, frame.WireLength, frame.LinkType, frame.TimestampNs));
                bytes.Write(frame.Data);
            }
        }
        _bytes = bytes.ToArray();
        _frames = [.. frames];
        _db = P0fDatabaseLoader.Load(P0fDatabaseLoader.DefaultPath);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public long Decode() => Run(null);

    [Benchmark(OperationsPerInvoke = Frames)]
    public long DecodeAndFingerprint()
    {
        var observer = new FingerprintObserver(_db);
        observer.OnFileStart(new IngestFileInfo(1, "bench", "", "bench"));
        return Run(observer);
    }

    /// <summary>The observer alone over rows decoded beforehand (steadier than the difference of the two above).</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public long FingerprintDecoded()
    {
        if (_decoded.Length == 0)
        {
            _decoded = new DecodedPacket[_frames.Length];
            for (var i = 0; i < _frames.Length; i++)
            {
                var (offset, length, wire, linkType, ts) = _frames[i];
                var frame = new CapturedFrame(ts, wire, _bytes.AsSpan((int)offset, length), linkType, offset, i + 1, 0);
                PacketDecoder.Decode(in frame, ref _decoded[i], _anomalies);
            }
        }
        var observer = new FingerprintObserver(_db);
        observer.OnFileStart(new IngestFileInfo(1, "bench", "", "bench"));
        long sum = 0;
        for (var i = 0; i < _frames.Length; i++)
        {
            var (offset, length, wire, linkType, ts) = _frames[i];
            var frame = new CapturedFrame(ts, wire, _bytes.AsSpan((int)offset, length), linkType, offset, i + 1, 0);
            ref var row = ref _decoded[i];
            observer.OnPacket(in frame, ref row);
            sum += row.Fingerprint.SignatureId;
        }
        return _sink = sum;
    }

    private long Run(FingerprintObserver? observer)
    {
        long sum = 0;
        for (var i = 0; i < _frames.Length; i++)
        {
            var (offset, length, wire, linkType, ts) = _frames[i];
            var frame = new CapturedFrame(ts, wire, _bytes.AsSpan((int)offset, length), linkType, offset, i + 1, 0);
            ref var row = ref _rows[i % Ring];
            PacketDecoder.Decode(in frame, ref row, _anomalies);
            observer?.OnPacket(in frame, ref row);
            sum += row.Fingerprint.SignatureId + row.Protocol;
        }
        return _sink = sum;
    }

    private static string BenchOut(string name)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Apiary.slnx"))) return Path.Combine(d.FullName, "bench", "out", name);
            }
        }
        throw new InvalidOperationException("cannot find the repository root (Apiary.slnx)");
    }
}
