using System.Buffers.Binary;
using Apiary.Capture;
using Apiary.Core;
using Apiary.Testbed;

namespace Apiary.Simulator.Tests;

/// <summary>
/// What the tests measure in generated captures, read back with the project's <see cref="CaptureReader"/> and a
/// minimal Ethernet/IPv4 parse of its own (independent of the generator's bookkeeping). "Inbound" packets are
/// those sent to a target's address by anyone else: the paper's "packets coming from sources".
/// </summary>
public sealed class CaptureFacts
{
    public long Frames;
    public long Inbound;
    public long InboundTcp, InboundUdp, InboundIcmp;
    public readonly Dictionary<int, long> InboundByPort = [];
    public readonly Dictionary<int, HashSet<uint>> SourcesByPort = [];
    public readonly Dictionary<(int Month, int Port), HashSet<uint>> SourcesByMonthPort = [];
    public readonly Dictionary<uint, SourceFacts> Sources = [];
    public readonly long[] InboundByTarget = new long[3];

    /// <summary>Per (month, target): inbound packets (Figure 1 is per target per month).</summary>
    public readonly Dictionary<(int Month, int Target), long> InboundByMonthTarget = [];

    /// <summary>Per target: TCP/UDP packets that are not backscatter (the analyses' "requests"), and those to closed ports.</summary>
    public readonly long[] RequestsByTarget = new long[3], ClosedRequestsByTarget = new long[3];

    /// <summary>Per (month, target): requests and closed requests (Figure 3 is per target per month).</summary>
    public readonly Dictionary<(int Month, int Target), (long Requests, long Closed)> ClosedByMonthTarget = [];
    /// <summary>UTC hours (start of the hour) in which any frame was captured, in any direction (capture gaps).</summary>
    public readonly HashSet<DateTime> FrameHours = [];
    public bool TimeOrdered = true;
    public long Anomalies;

    public sealed class SourceFacts
    {
        public long First = long.MaxValue, Last = long.MinValue;
        public readonly long[] FirstContact = [long.MaxValue, long.MaxValue, long.MaxValue];
        public readonly HashSet<int> Ports = [];
        public long Packets;
        public long OpenPortPackets;
        /// <summary>TCP SYN+ACK, RST, RST+ACK and ICMP errors: answers to spoofed packets.</summary>
        public long BackscatterPackets;
        /// <summary>First SYN's fields: TTL, window, options bytes, DF.</summary>
        public (byte Ttl, ushort Window, byte[] Options, bool Df)? Syn;

        public int TargetCount => FirstContact.Count(t => t != long.MaxValue);
    }

    public static CaptureFacts Read(IEnumerable<string> files, Platform platform)
    {
        var facts = new CaptureFacts();
        var targets = platform.Targets.Select(t => t.Address.V4).ToArray();
        var anomalies = new AnomalyLog();
        var last = long.MinValue;
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            using var reader = CaptureReader.Open(file, anomalies);
            while (reader.TryReadNext(out var frame))
            {
                facts.Frames++;
                if (frame.TimestampNs < last) facts.TimeOrdered = false;
                last = frame.TimestampNs;
                var t = DateTime.UnixEpoch.AddTicks(frame.TimestampNs / 100);
                facts.FrameHours.Add(new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc));
                facts.Add(frame.TimestampNs, frame.Data, targets, platform);
            }
        }
        facts.Anomalies = anomalies.Total;
        return facts;
    }

    private void Add(long ts, ReadOnlySpan<byte> d, uint[] targets, Platform platform)
    {
        if (d.Length < 34 || BinaryPrimitives.ReadUInt16BigEndian(d[12..]) != 0x0800) return;
        var ip = d[14..];
        var ihl = (ip[0] & 0x0F) * 4;
        var proto = ip[9];
        var src = BinaryPrimitives.ReadUInt32BigEndian(ip[12..]);
        var dst = BinaryPrimitives.ReadUInt32BigEndian(ip[16..]);
        var ti = Array.IndexOf(targets, dst);
        if (ti < 0 || Array.IndexOf(targets, src) >= 0) return;
        Inbound++;
        InboundByTarget[ti]++;
        var utc = DateTime.UnixEpoch.AddTicks(ts / 100);
        InboundByMonthTarget[(utc.Month, ti)] = InboundByMonthTarget.GetValueOrDefault((utc.Month, ti)) + 1;
        if (!Sources.TryGetValue(src, out var s)) Sources[src] = s = new SourceFacts();
        s.Packets++;
        s.First = Math.Min(s.First, ts);
        s.Last = Math.Max(s.Last, ts);
        s.FirstContact[ti] = Math.Min(s.FirstContact[ti], ts);
        var l4 = ip[ihl..];
        var port = -1;
        switch (proto)
        {
            case 6:
                InboundTcp++;
                port = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                if (l4[13] == 0x02 && s.Syn is null)
                {
                    var dataOffset = (l4[12] >> 4) * 4;
                    s.Syn = (ip[8], BinaryPrimitives.ReadUInt16BigEndian(l4[14..]), l4[20..dataOffset].ToArray(), (ip[6] & 0x40) != 0);
                }
                var flags = l4[13];
                var backscatter = flags == 0x12 || (flags & 0x04) != 0;
                if (backscatter) s.BackscatterPackets++;
                var openTcp = platform.Targets[ti].IsOpen(6, port, utc);
                if (openTcp) s.OpenPortPackets++;
                if (!backscatter) CountRequest(utc.Month, ti, openTcp);
                break;
            case 17:
                InboundUdp++;
                port = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                var openUdp = platform.Targets[ti].IsOpen(17, port, utc);
                if (openUdp) s.OpenPortPackets++;
                CountRequest(utc.Month, ti, openUdp);
                break;
            default:
                InboundIcmp++;
                if (l4[0] is 3 or 11) s.BackscatterPackets++;
                break;
        }
        if (port < 0) return;
        s.Ports.Add(port);
        InboundByPort[port] = InboundByPort.GetValueOrDefault(port) + 1;
        if (!SourcesByPort.TryGetValue(port, out var set)) SourcesByPort[port] = set = [];
        set.Add(src);
        var key = (utc.Month, port);
        if (!SourcesByMonthPort.TryGetValue(key, out var mset)) SourcesByMonthPort[key] = mset = [];
        mset.Add(src);
    }

    private void CountRequest(int month, int target, bool open)
    {
        RequestsByTarget[target]++;
        if (!open) ClosedRequestsByTarget[target]++;
        var c = ClosedByMonthTarget.GetValueOrDefault((month, target));
        ClosedByMonthTarget[(month, target)] = (c.Requests + 1, c.Closed + (open ? 0 : 1));
    }

    /// <summary>Requests to closed ports over requests, per target.</summary>
    public double[] ClosedShareByTarget() => [.. RequestsByTarget.Select((r, i) => Share(ClosedRequestsByTarget[i], r))];

    /// <summary>Among single-target sources: share of their packets that are backscatter.</summary>
    public double SingleTargetBackscatterShare()
    {
        var singles = Sources.Values.Where(s => s.TargetCount == 1).ToList();
        return Share(singles.Sum(s => s.BackscatterPackets), singles.Sum(s => s.Packets));
    }

    public double Share(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    /// <summary>Fractions of sources that contacted 3, 2 and 1 targets.</summary>
    public (double Three, double Two, double One) TargetSplit()
    {
        var n = (double)Sources.Count;
        return (Sources.Values.Count(s => s.TargetCount == 3) / n, Sources.Values.Count(s => s.TargetCount == 2) / n, Sources.Values.Count(s => s.TargetCount == 1) / n);
    }

    /// <summary>Among single-target sources: share of their packets sent to open ports.</summary>
    public double SingleTargetOpenShare()
    {
        var singles = Sources.Values.Where(s => s.TargetCount == 1).ToList();
        return Share(singles.Sum(s => s.OpenPortPackets), singles.Sum(s => s.Packets));
    }

    /// <summary>Three-target sources whose first contacts are in target order.</summary>
    public double ThreeTargetInOrderShare()
    {
        var three = Sources.Values.Where(s => s.TargetCount == 3).ToList();
        return Share(three.Count(s => s.FirstContact[0] < s.FirstContact[1] && s.FirstContact[1] < s.FirstContact[2]), three.Count);
    }

    public string Describe()
    {
        var split = TargetSplit();
        var top = InboundByPort.OrderByDescending(kv => kv.Value).Take(8).Select(kv => $"{kv.Key}:{Share(kv.Value, Inbound):P1}");
        var topSources = SourcesByPort.OrderByDescending(kv => kv.Value.Count).Take(8).Select(kv => $"{kv.Key}:{kv.Value.Count}");
        return $"frames {Frames}, inbound {Inbound}, sources {Sources.Count}, TCP {Share(InboundTcp, Inbound):P2} UDP {Share(InboundUdp, Inbound):P2} ICMP {Share(InboundIcmp, Inbound):P2}, " +
            $"ports {InboundByPort.Count}, split {split.Three:P1}/{split.Two:P1}/{split.One:P1}, single-target open {SingleTargetOpenShare():P1}, " +
            $"in order {ThreeTargetInOrderShare():P1}, by target {string.Join('/', InboundByTarget.Select(x => Share(x, Inbound).ToString("P1")))}, " +
            $"closed by target {string.Join('/', ClosedShareByTarget().Select(x => x.ToString("P1")))}, single-target backscatter {SingleTargetBackscatterShare():P1}\n" +
            $"  packets by port {string.Join(' ', top)}\n  sources by port {string.Join(' ', topSources)}";
    }
}
