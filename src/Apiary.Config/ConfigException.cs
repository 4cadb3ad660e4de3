namespace Apiary.Config;

/// <summary>A configuration error with its place: "file:line: problem". Trusted input fails fast with this.</summary>
public sealed class ConfigException : Exception
{
    public string File { get; }
    public int Line { get; }

    public ConfigException(string file, int line, string problem)
        : base($"{file}:{line}: {problem}")
    {
        File = file;
        Line = line;
    }

    public ConfigException() : this("?", 0, "configuration error") { }
    public ConfigException(string message) : base(message) { File = "?"; }
    public ConfigException(string message, Exception inner) : base(message, inner) { File = "?"; }
}
