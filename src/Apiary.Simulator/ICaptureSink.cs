namespace Apiary.Simulator;

/// <summary>Where generated frames go, in time order.</summary>
public interface ICaptureSink : IDisposable
{
    void Write(long timestampNs, ReadOnlySpan<byte> frame);
}
