namespace Apiary.Fingerprint;

/// <summary>A p0f.fp database is malformed: the message names the file, the line and the offending token.</summary>
public sealed class FingerprintDatabaseException : Exception
{
    public string File { get; }
    public int Line { get; }
    public string? Token { get; }

    public FingerprintDatabaseException(string file, int line, string problem, string? token = null)
        : base(token is null ? $"{file}:{line}: {problem}" : $"{file}:{line}: {problem} ('{token}')")
    {
        File = file;
        Line = line;
        Token = token;
    }

    public FingerprintDatabaseException() { File = ""; }
    public FingerprintDatabaseException(string message) : base(message) { File = ""; }
    public FingerprintDatabaseException(string message, Exception inner) : base(message, inner) { File = ""; }
}
