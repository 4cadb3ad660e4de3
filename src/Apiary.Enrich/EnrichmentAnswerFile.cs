using System.Globalization;
using System.Text;
using Apiary.Store;

namespace Apiary.Enrich;

/// <summary>
/// Collects the per-address answers of one enrichment run and inserts them into <c>source_enrichment</c>.
/// The rows are spilled to a temporary CSV file (memory stays flat for millions of addresses) and loaded with one
/// <c>INSERT ... SELECT FROM read_csv</c>; the columns that are the same for the whole run are given once, as SQL
/// literals. DuckDB only (the one store adapter today): another adapter needs its own bulk path here.
/// </summary>
internal sealed class EnrichmentAnswerFile : IDisposable
{
    private const string RowColumns = "address, ip_ver, country, country2, asn, as_org";

    private readonly IStore _store;
    private readonly IReadOnlyList<(string Column, string Value)> _constants;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"apiary-enrichment-{Environment.ProcessId}-{Guid.NewGuid():N}.csv");
    private StreamWriter? _writer;
    private long _rows;

    public EnrichmentAnswerFile(IStore store, IReadOnlyList<(string Column, string Value)> constants)
    {
        if (store.Dialect != "duckdb") throw new NotSupportedException($"bulk enrichment load is written for DuckDB, not {store.Dialect}");
        _store = store;
        _constants = constants;
        _writer = new StreamWriter(_path, false, new UTF8Encoding(false), 1 << 16);
    }

    public void Add(string address, int ipVersion, SourceEnrichment answer)
    {
        var w = _writer ?? throw new InvalidOperationException("answers already loaded");
        Quoted(w, address); w.Write(',');
        w.Write(ipVersion.ToString(CultureInfo.InvariantCulture)); w.Write(',');
        Quoted(w, answer.Country); w.Write(',');
        Quoted(w, answer.Country2); w.Write(',');
        w.Write(answer.Asn is { } asn ? asn.ToString(CultureInfo.InvariantCulture) : "\\N"); w.Write(',');
        Quoted(w, answer.AsOrg);
        w.Write('\n');
        _rows++;
    }

    /// <summary>Inserts every row added (one statement on DuckDB).</summary>
    public void Load()
    {
        _writer?.Dispose();
        _writer = null;
        if (_rows == 0) return;
        var columns = RowColumns + ", " + string.Join(", ", _constants.Select(c => c.Column));
        var constants = string.Join(", ", _constants.Select(c => c.Value + " AS " + c.Column));
        const string types = "{'address':'VARCHAR','ip_ver':'UTINYINT','country':'VARCHAR','country2':'VARCHAR','asn':'UINTEGER','as_org':'VARCHAR'}";
        _store.Execute($"INSERT INTO source_enrichment ({columns}) SELECT {RowColumns}, {constants} FROM read_csv({SqlLiteral.Text(_path)}, " +
                       $"header = false, delim = ',', quote = '\"', escape = '\"', nullstr = '\\N', auto_detect = false, columns = {types})");
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        try { File.Delete(_path); } catch (IOException) { }
    }

    private static void Quoted(StreamWriter w, string? s)
    {
        if (s is null) { w.Write("\\N"); return; }
        w.Write('"');
        w.Write(s.Replace("\"", "\"\"", StringComparison.Ordinal));
        w.Write('"');
    }
}
