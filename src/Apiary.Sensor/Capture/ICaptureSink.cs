namespace Apiary.Sensor.Capture;

/// <summary>Where the sensor records frames (both directions) for the pipeline.</summary>
public interface ICaptureSink
{
    /// <summary>Records one Ethernet frame; <paramref name="timestampNs"/> is nanoseconds since the Unix epoch.</summary>
    void Write(long timestampNs, ReadOnlySpan<byte> frame);
}
