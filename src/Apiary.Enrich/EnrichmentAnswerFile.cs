using System.Globalization;
using System.Text;
using Apiary.Core;

namespace Apiary.Enrich;

/// <summary>
/// One temporary CSV file of narrow answer rows (address key as two halves, address text, country, country2, AS
/// number) for <see cref="EnrichmentRunLoader"/>, plus the AS organisation names met, once per AS number. Spilling
/// to a file keeps memory flat for millions of addresses and lets DuckDB load them with one <c>read_csv</c>;
/// several files (one per lookup thread) are loaded together. Not thread-safe: one per writer.
/// </summary>
internal sealed class EnrichmentAnswerFile : IDisposable
{
    private readonly char[] _number = new char[40];
    private StreamWriter? _writer;

    public EnrichmentAnswerFile()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"apiary-enrichment-{Environment.ProcessId}-{Guid.NewGuid():N}.csv");
        _writer = new StreamWriter(Path, false, new UTF8Encoding(false), 1 << 16);
    }

    public string Path { get; }

    public long Rows { get; private set; }

    /// <summary>The AS organisation names of the answers written.</summary>
    public AsOrganisations Organisations { get; } = new();

    public void Add(IpAddress128 address, SourceEnrichment answer)
    {
        var w = _writer ?? throw new InvalidOperationException("answer file already closed");
        Number(w, address.Hi); w.Write(',');
        Number(w, address.Lo); w.Write(',');
        w.Write(address.ToString()); w.Write(',');
        Quoted(w, answer.Country); w.Write(',');
        Quoted(w, answer.Country2); w.Write(',');
        if (answer.Asn is { } asn)
        {
            Number(w, asn);
            if (answer.AsOrg is { } org) Organisations.Add(asn, org);
        }
        else w.Write("\\N");
        w.Write('\n');
        Rows++;
    }

    /// <summary>Flushes and closes the file (before DuckDB reads it).</summary>
    public void Close()
    {
        _writer?.Dispose();
        _writer = null;
    }

    public void Dispose()
    {
        Close();
        try { File.Delete(Path); } catch (IOException) { }
    }

    private void Number<T>(StreamWriter w, T value) where T : ISpanFormattable
    {
        value.TryFormat(_number, out var n, default, CultureInfo.InvariantCulture);
        w.Write(_number, 0, n);
    }

    internal static void Quoted(StreamWriter w, string? s)
    {
        if (s is null) { w.Write("\\N"); return; }
        w.Write('"');
        w.Write(s.Replace("\"", "\"\"", StringComparison.Ordinal));
        w.Write('"');
    }
}
