using Apiary.Capture;
using Apiary.Core;

namespace Apiary.Simulator;

/// <summary>Writes every frame to one classic Ethernet pcap file (the benchmark capture).</summary>
public sealed class SinglePcapSink(string path) : ICaptureSink
{
    private readonly PcapWriter _writer = PcapWriter.Create(path, LinkTypes.Ethernet);

    public long Bytes { get; private set; } = 24;

    public void Write(long timestampNs, ReadOnlySpan<byte> frame)
    {
        _writer.WritePacket(timestampNs, frame, frame.Length);
        Bytes += 16 + frame.Length;
    }

    public void Dispose() => _writer.Dispose();
}
