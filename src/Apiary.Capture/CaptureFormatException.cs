namespace Apiary.Capture;

/// <summary>
/// Thrown by <see cref="CaptureReader.Open(string, Apiary.Core.IAnomalySink)"/> when the input is not a capture
/// at all (wrong magic, empty, header cut short). The message names the file, the offset and the problem.
/// Problems inside a capture are never thrown: they are reported as anomalies.
/// </summary>
public sealed class CaptureFormatException : Exception
{
    public CaptureFormatException(string path, long offset, string problem)
        : base($"{path}: offset {offset}: {problem}")
    {
        FilePath = path;
        Offset = offset;
        Problem = problem;
    }

    public CaptureFormatException(string path, long offset, string problem, Exception inner)
        : base($"{path}: offset {offset}: {problem}", inner)
    {
        FilePath = path;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The file (or stream name) that was opened.</summary>
    public string FilePath { get; }

    /// <summary>Byte offset (in the decompressed stream for gzip files) where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>The problem without the file and offset prefix.</summary>
    public string Problem { get; }
}
