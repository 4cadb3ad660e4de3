namespace Apiary.Sensor.Link;

/// <summary>Where the sensor reads and writes raw Ethernet frames (one interface).</summary>
public interface IFrameLink : IDisposable
{
    /// <summary>The interface's own MAC address (the management side; virtual hosts use their own MACs).</summary>
    ReadOnlySpan<byte> OwnMac { get; }

    /// <summary>Waits up to the link's poll interval for one frame; returns its length, or 0 on timeout.</summary>
    int Receive(byte[] buffer);

    /// <summary>Frames the kernel dropped because the sensor was too slow (since the last call).</summary>
    long TakeKernelDrops();

    void Send(ReadOnlySpan<byte> frame);
}
