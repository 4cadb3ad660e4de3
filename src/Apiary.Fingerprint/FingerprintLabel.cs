namespace Apiary.Fingerprint;

/// <summary>
/// A p0f label: <c>label = type:class:name:flavor</c>. <see cref="Class"/> is null for application
/// labels (class <c>!</c>, e.g. NMap) that say which tool made the packet rather than which OS.
/// </summary>
public sealed record FingerprintLabel(bool Generic, string? Class, string Name, string? Flavor, int Line)
{
    /// <summary>'s' (specific) or 'g' (generic, a last resort).</summary>
    public char Type => Generic ? 'g' : 's';

    /// <summary>True for application signatures (class '!').</summary>
    public bool IsApplication => Class is null;

    /// <summary>Operating systems or @classes an application label runs on (its <c>sys =</c> line).</summary>
    public IReadOnlyList<string> Systems { get; init; } = [];

    /// <summary>"Name Flavor" as p0f prints it in <c>os=</c> / <c>app=</c>.</summary>
    public string Display => string.IsNullOrEmpty(Flavor) ? Name : Name + " " + Flavor;
}
