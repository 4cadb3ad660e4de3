using System.Security.Cryptography;
using Apiary.Capture;
using Apiary.Core;

namespace Apiary.Sensor.Tests.Lab;

/// <summary>Reads capture files with Apiary.Capture's reader into comparable frame digests.</summary>
public static class PcapFrames
{
    public sealed record Frame(long TimestampNs, string Digest, byte[] Data);

    public static List<Frame> Read(IEnumerable<string> files)
    {
        var list = new List<Frame>();
        foreach (var f in files)
        {
            using var r = CaptureReader.Open(f, new AnomalyLog());
            while (r.TryReadNext(out var frame))
                list.Add(new Frame(frame.TimestampNs, Convert.ToHexString(SHA256.HashData(frame.Data)), frame.Data.ToArray()));
        }
        return list;
    }

    /// <summary>Frames of one multiset missing from the other (digest -> surplus count).</summary>
    public static Dictionary<string, int> Difference(IEnumerable<Frame> a, IEnumerable<Frame> b)
    {
        var counts = new Dictionary<string, int>();
        foreach (var f in a) counts[f.Digest] = counts.GetValueOrDefault(f.Digest) + 1;
        foreach (var f in b) counts[f.Digest] = counts.GetValueOrDefault(f.Digest) - 1;
        return counts.Where(kv => kv.Value != 0).ToDictionary();
    }
}
