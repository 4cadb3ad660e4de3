using Apiary.Core;
using Apiary.Testbed;

namespace Apiary.Simulator;

/// <summary>
/// The calibrated traffic simulator: draws sources from the paper's processes (arrival, kind, OS, country),
/// builds each source's frames with <see cref="SourceScript"/>, and merges all sources' frames in time order into
/// a capture sink. Streaming: only the sources still active at the current time are held in memory.
/// Deterministic: the same inventory, model, database and seed give byte-identical captures.
/// </summary>
public sealed class TrafficGenerator
{
    // Random streams: one generator per purpose so that changing one draw does not shift the others.
    private const ulong ArrivalStream = 1, SourceStream = 2, PilotStream = 3;

    private readonly Platform _platform;
    private readonly SimulationModel _model;
    private readonly CountryPrefixTable _geo;
    private readonly CountryMix _countries;
    private readonly PortCatalogue _ports = new();
    private readonly List<TargetStack> _targets;
    private readonly ulong _seed;
    private readonly double _scale;
    private readonly double _backscatterShare;
    private readonly double[] _osCumulative;

    /// <param name="platform">The platform whose targets are simulated (its capture periods and time zone apply).</param>
    /// <param name="scale">Multiplies the number of sources (1 = the paper's 6285 sources in 4 months).</param>
    public TrafficGenerator(Platform platform, SimulationModel model, CountryPrefixTable geo, ulong seed, double scale = 1.0)
    {
        if (scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be positive");
        _platform = platform;
        _model = model;
        _geo = geo;
        _seed = seed;
        _scale = scale;
        _countries = new CountryMix(model, geo);
        _targets = [.. platform.Targets.Where(t => t.Address.IsV4).Select((t, i) => new TargetStack(i, t))];
        if (_targets.Count == 0) throw new ArgumentException($"platform '{platform.Name}' has no IPv4 target to simulate", nameof(platform));
        _backscatterShare = DeriveBackscatterShare();
        _osCumulative = OsCumulative();
    }

    public CountryMix Countries => _countries;

    public PortCatalogue Ports => _ports;

    /// <summary>Probability that a single-target source is a backscatter victim.</summary>
    public double BackscatterSourceShare => _backscatterShare;

    /// <summary>
    /// Simulates <paramref name="months"/> months from <paramref name="start"/> (UTC) into daily files in
    /// <paramref name="directory"/>, within the platform's capture periods.
    /// </summary>
    public SimulationSummary WriteDaily(string directory, DateTime start, int months, CancellationToken cancel = default)
    {
        var end = start.AddMonths(months);
        var windows = ArrivalProcess.Windows(_platform, start, end);
        var summary = NewSummary();
        using (var sink = new DailyPcapSink(directory, _platform.Name))
        {
            Run(sink, windows, long.MaxValue, summary, cancel);
            summary.Files.AddRange(sink.Files);
            summary.Bytes = sink.Bytes;
        }
        // Header-only files for captured days without traffic (only happens at tiny scales).
        foreach (var (from, to) in windows)
        {
            for (var day = from.Date; day < to; day = day.AddDays(1))
            {
                var path = Path.Combine(directory, DailyPcapSink.FileName(_platform.Name, day));
                if (summary.Files.Contains(path)) continue;
                using (Apiary.Capture.PcapWriter.Create(path, LinkTypes.Ethernet)) { }
                summary.Files.Add(path);
            }
        }
        summary.Files.Sort(StringComparer.Ordinal);
        return summary;
    }

    /// <summary>Writes exactly <paramref name="packets"/> frames into one file (capture periods ignored: time runs on).</summary>
    public SimulationSummary WriteSingle(string path, long packets, DateTime start, CancellationToken cancel = default)
    {
        var summary = NewSummary();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        using (var sink = new SinglePcapSink(path))
        {
            Run(sink, [(start, DateTime.MaxValue.AddYears(-1))], packets, summary, cancel);
            summary.Bytes = sink.Bytes;
        }
        summary.Files.Add(path);
        return summary;
    }

    private SimulationSummary NewSummary() => new()
    {
        BackscatterSourceShare = _backscatterShare,
        GeoDatabase = _geo.File,
        GeoDatabaseBuildDate = _geo.BuildDate,
    };

    private void Run(ICaptureSink sink, IReadOnlyList<(DateTime From, DateTime To)> windows, long maxFrames, SimulationSummary summary, CancellationToken cancel)
    {
        var arrivals = new ArrivalProcess(_model, _platform.TimeZoneInfo, windows, _scale, new SimRandom(_seed * 31 + ArrivalStream));
        var script = new SourceScript(_model, _ports, _targets);
        var queue = new PriorityQueue<SourceBatch, (long Ns, long Source)>();
        var pool = new Stack<SourceBatch>();
        // One entry per source (6,285 per 4 months at scale 1; ~70,000 for the 10M-packet benchmark): addresses
        // are never reused, so a source never "comes back" (§5.1).
        var usedAddresses = new HashSet<uint>(_targets.Select(t => t.Address));
        long sourceIndex = 0;
        var first = true;

        void WriteUntil(long limitNs)
        {
            while (summary.Frames < maxFrames && queue.TryPeek(out var batch, out var key) && key.Ns < limitNs)
            {
                queue.Dequeue();
                ref var e = ref batch[batch.Cursor];
                sink.Write(e.TimestampNs, batch.Frame(e));
                Count(summary, e, ref first);
                batch.Cursor++;
                if (batch.Cursor < batch.Count) queue.Enqueue(batch, (batch[batch.Cursor].TimestampNs, key.Source));
                else { batch.Clear(); pool.Push(batch); }
            }
        }

        while (summary.Frames < maxFrames)
        {
            cancel.ThrowIfCancellationRequested();
            var arrival = arrivals.Next();
            if (arrival is null) break;
            var startNs = (arrival.Value - DateTime.UnixEpoch).Ticks * 100;
            WriteUntil(startNs);
            var windowEnd = windows.First(w => arrival.Value >= w.From && arrival.Value < w.To).To;
            var endNs = windowEnd >= DateTime.MaxValue.AddYears(-2) ? long.MaxValue : (windowEnd - DateTime.UnixEpoch).Ticks * 100;

            var rng = SimRandom.Derive(_seed, SourceStream, (ulong)sourceIndex);
            var kind = PickKind(rng);
            var os = kind is SourceKind.Backscatter or SourceKind.MessengerSpam or SourceKind.Slammer ? AttackerOs.NoSyn : PickOs(rng);
            var stack = AttackerStack.Create(os, rng);
            var country = _countries.Pick(rng);
            var address = _geo.PickAddress(country, rng);
            for (var tries = 0; !usedAddresses.Add(address) && tries < 50; tries++) address = _geo.PickAddress(country, rng);

            var batch = pool.Count > 0 ? pool.Pop() : new SourceBatch();
            script.Run(batch, rng, kind, stack, address, startNs, endNs);
            summary.Sources++;
            Increment(summary.SourcesByKind, kind);
            Increment(summary.SourcesByOs, os);
            summary.SourcesByCountry[country] = summary.SourcesByCountry.GetValueOrDefault(country) + 1;
            if (batch.Count > 0) queue.Enqueue(batch, (batch[0].TimestampNs, sourceIndex));
            else pool.Push(batch);
            sourceIndex++;
        }
        WriteUntil(long.MaxValue);
    }

    private static void Increment<T>(Dictionary<T, long> d, T key) where T : notnull => d[key] = d.GetValueOrDefault(key) + 1;

    private static void Count(SimulationSummary s, in SourceBatch.Entry e, ref bool first)
    {
        var utc = DateTime.UnixEpoch.AddTicks(e.TimestampNs / 100);
        if (first) { s.FirstPacketUtc = utc; first = false; }
        s.LastPacketUtc = utc;
        s.Frames++;
        if (!e.Inbound) return;
        s.InboundFrames++;
        switch (e.Protocol)
        {
            case IpProtocols.Tcp: s.InboundTcp++; if (e.DestinationPort == 139) s.InboundPort139++; break;
            case IpProtocols.Udp: s.InboundUdp++; break;
            default: s.InboundIcmp++; break;
        }
    }

    private SourceKind PickKind(SimRandom rng)
    {
        var u = rng.NextDouble();
        if (u < _model.ThreeTargetShare)
        {
            var v = rng.NextDouble();
            return v < _model.MessengerSpamShare ? SourceKind.MessengerSpam
                : v < _model.MessengerSpamShare + _model.SlammerShare ? SourceKind.Slammer
                : SourceKind.ThreeTargetScan;
        }
        if (u < _model.ThreeTargetShare + _model.TwoTargetShare) return SourceKind.TwoTargetScan;
        return rng.Chance(_backscatterShare) ? SourceKind.Backscatter : SourceKind.SingleTargetAttack;
    }

    private AttackerOs PickOs(SimRandom rng) => (AttackerOs)rng.PickCumulative(_osCumulative);

    /// <summary>
    /// OS of SYN-sending sources, conditioned so that over all sources Windows is 71 % and "unrecognised"
    /// (odd SYNs plus sources without any SYN) is 22 % (§5.2.2); Linux takes the rest.
    /// </summary>
    private double[] OsCumulative()
    {
        var single = 1 - _model.ThreeTargetShare - _model.TwoTargetShare;
        var noSyn = _model.ThreeTargetShare * (_model.MessengerSpamShare + _model.SlammerShare) + single * _backscatterShare;
        var windows = _model.WindowsShare / (1 - noSyn);
        var odd = Math.Max(0, _model.UnrecognisedShare - noSyn) / (1 - noSyn);
        var linux = Math.Max(0, 1 - windows - odd);
        return [windows, windows + linux, windows + linux + odd];
    }

    /// <summary>
    /// Figure 2: 95 % of single-target requests go to open ports, 5 % are backscatter. A pilot run of single-target
    /// attackers and backscatter victims measures how many packets each sends; the source share follows.
    /// </summary>
    private double DeriveBackscatterShare()
    {
        const int pilotSources = 400; // enough for a mean within a few percent; costs a few milliseconds
        var script = new SourceScript(_model, _ports, _targets);
        var batch = new SourceBatch();
        var startNs = ((_platform.CapturePeriods.FirstOrDefault()?.From ?? new DateTime(2003, 3, 1, 0, 0, 0, DateTimeKind.Utc)) - DateTime.UnixEpoch).Ticks * 100;
        double attackPackets = 0, backscatterPackets = 0;
        for (var i = 0; i < pilotSources; i++)
        {
            var rng = SimRandom.Derive(_seed, PilotStream, (ulong)i);
            batch.Clear();
            script.Run(batch, rng, SourceKind.SingleTargetAttack, AttackerStack.Create(AttackerOs.Windows, rng), 0x0A000001, startNs, long.MaxValue);
            attackPackets += InboundCount(batch);
            batch.Clear();
            script.Run(batch, rng, SourceKind.Backscatter, AttackerStack.Create(AttackerOs.NoSyn, rng), 0x0A000001, startNs, long.MaxValue);
            backscatterPackets += InboundCount(batch);
        }
        var meanAttack = attackPackets / pilotSources;
        var meanBackscatter = Math.Max(1, backscatterPackets / pilotSources);
        var s = 1 - _model.SingleTargetOpenRequestShare;
        return s * meanAttack / (meanBackscatter * (1 - s) + s * meanAttack);
    }

    private static int InboundCount(SourceBatch b)
    {
        var n = 0;
        for (var i = 0; i < b.Count; i++) if (b[i].Inbound) n++;
        return n;
    }
}
