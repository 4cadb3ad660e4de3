using Apiary.Capture;
using Apiary.Core;
using Apiary.Decode;
using BenchmarkDotNet.Attributes;

namespace Apiary.Bench;

/// <summary>
/// The packet decoder on a realistic mix: every frame of the lab capture (nmap SYN/connect/UDP/OS scans,
/// HTTP, ICMP, IPv6, ARP, SYN flood backscatter), of a spoofed SYN flood and of an xscan sweep, held in memory.
/// DecodeOnly measures the decoder alone; ReadAndDecode adds the capture reader over the lab file in memory.
/// Figures are per packet (OperationsPerInvoke = frames in the mix).
/// </summary>
[MemoryDiagnoser]
public class DecoderBenchmarks
{
    private static readonly string[] MixFiles =
        ["lab/lab_c_ether_nsec.pcap", "stopddos_pkt.TCP.synflood.spoofed.pcap", "evilfingers_xscan_capture.pcap", "lab/lab_e_ipv6only.pcap"];

    /// <summary>Frames of the mix, laid out back to back as a reader's buffer would hold them.</summary>
    private byte[] _bytes = [];
    private (int Offset, int Length, int LinkType)[] _frames = [];
    private byte[] _labFile = [];
    private readonly AnomalyLog _anomalies = new();
    private long _sink;

    public const int MixFrames = 7858 + 37841 + 12014 + 265;
    public const int LabFrames = 7858;

    [GlobalSetup]
    public void Setup()
    {
        var bytes = new List<byte>();
        var frames = new List<(int, int, int)>();
        foreach (var name in MixFiles)
        {
            using var reader = CaptureReader.Open(SharedCaptures.Path(name), new AnomalyLog());
            while (reader.TryReadNext(out var frame))
            {
                frames.Add((bytes.Count, frame.Data.Length, frame.LinkType));
                bytes.AddRange(frame.Data);
            }
        }
        _bytes = [.. bytes];
        _frames = [.. frames];
        if (_frames.Length != MixFrames) throw new InvalidOperationException($"mix has {_frames.Length} frames, expected {MixFrames}");
        _labFile = File.ReadAllBytes(SharedCaptures.Path("lab/lab_c_ether_nsec.pcap"));
    }

    [Benchmark(OperationsPerInvoke = MixFrames)]
    public long DecodeOnly()
    {
        var p = new DecodedPacket();
        long sum = 0;
        var bytes = _bytes.AsSpan();
        foreach (var (offset, length, linkType) in _frames)
        {
            PacketDecoder.Decode(linkType, bytes.Slice(offset, length), 1, 0, ref p, _anomalies);
            sum += p.SourcePort + p.Protocol;
        }
        return _sink = sum;
    }

    [Benchmark(OperationsPerInvoke = LabFrames)]
    public long ReadAndDecode()
    {
        using var stream = new MemoryStream(_labFile, writable: false);
        using var reader = CaptureReader.Open(stream, "lab_c_ether_nsec.pcap", _anomalies);
        var p = new DecodedPacket();
        long sum = 0;
        while (reader.TryReadNext(out var frame))
        {
            PacketDecoder.Decode(frame, ref p, _anomalies);
            sum += p.SourcePort + p.Protocol;
        }
        return _sink = sum;
    }
}
