using Apiary.Capture;
using Apiary.Core;
using Apiary.Decode;

namespace Apiary.Fingerprint;

/// <summary>
/// Fingerprints every SYN and SYN+ACK of one capture file, in file order: the capture reader and the decoder
/// find the IP header (after any link layer and VLAN tags), the <see cref="P0fFlowTracker"/> does the rest.
/// This is what <c>apiary fingerprint</c> prints; ingest uses the tracker directly through its packet observer.
/// </summary>
public static class CaptureFingerprinter
{
    public static IEnumerable<FingerprintObservation> Run(string capturePath, P0fDatabase db, FingerprintMode mode, IAnomalySink anomalies)
    {
        using var reader = CaptureReader.Open(capturePath, anomalies);
        var tracker = new P0fFlowTracker(db, mode);
        var packet = default(DecodedPacket);
        while (true)
        {
            if (!reader.TryReadNext(out var frame)) yield break;
            var o = Observe(tracker, frame, ref packet, anomalies);
            if (o is not null) yield return o;
        }
    }

    private static FingerprintObservation? Observe(P0fFlowTracker tracker, in CapturedFrame frame, ref DecodedPacket packet, IAnomalySink anomalies)
    {
        PacketDecoder.Decode(frame, ref packet, anomalies);
        if (packet.NetworkOffset < 0) return null;
        return tracker.Process(frame.Data, packet.NetworkOffset, frame.WireLength, frame.TimestampNs, frame.FrameNumber);
    }
}
