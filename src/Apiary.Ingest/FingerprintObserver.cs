using System.Globalization;
using System.Text;
using Apiary.Core;
using Apiary.Fingerprint;
using Apiary.Store;

namespace Apiary.Ingest;

/// <summary>
/// Fills the <c>fingerprints</c> table during ingest: every packet goes through a per-file
/// <see cref="P0fFlowTracker"/> (stray SYN+ACKs included, flagged), each fingerprint becomes one row.
/// Rows are spilled to a temporary CSV file while the file is read (memory stays flat however many SYNs a
/// flood holds) and loaded inside the transaction that completes the file, so they commit or vanish with it.
/// </summary>
public sealed class FingerprintObserver : IPacketObserver, IDisposable
{
    private const string Columns =
        "file_id, frame, ts, src, dst, sport, dport, direction, raw_sig, label_type, os_class, os_name, os_flavor, " +
        "is_app, fuzzy, dist, params, mtu, link, stray, fp_db";

    /// <summary>Rows per INSERT statement for stores that cannot read a CSV file (keeps statements small).</summary>
    private const int InsertBatchRows = 500;

    /// <summary>Address texts cached per file: a flood repeats few addresses; the bound keeps a random-source flood from growing it.</summary>
    private const int MaxCachedAddresses = 65536;

    private readonly P0fDatabase _db;
    private readonly string _provenance;
    private readonly string _spillDir;
    private readonly Dictionary<IpAddress128, string> _addressText = [];
    private P0fFlowTracker? _tracker;
    private StreamWriter? _spill;
    private string? _spillPath;
    private int _fileId;

    /// <summary>Rows written for the current (or last completed) file.</summary>
    public long Rows { get; private set; }

    public FingerprintObserver(P0fDatabase db, string? spillDirectory = null)
    {
        _db = db;
        _provenance = db.Provenance;
        _spillDir = spillDirectory ?? Path.GetTempPath();
    }

    public void OnFileStart(IngestFileInfo file)
    {
        DropSpill();
        _fileId = file.FileId;
        _tracker = new P0fFlowTracker(_db, FingerprintMode.IncludeStraySynAcks);
        _spillPath = Path.Combine(_spillDir, $"apiary-fingerprints-{Environment.ProcessId}-{file.FileId}-{Guid.NewGuid():N}.csv");
        _spill = new StreamWriter(_spillPath, false, new UTF8Encoding(false), 1 << 16);
        _addressText.Clear();
        Rows = 0;
    }

    public void OnPacket(in CapturedFrame frame, in DecodedPacket packet)
    {
        if (packet.NetworkOffset < 0 || _tracker is null) return;
        // Cheap rejection before the tracker: p0f's filter passes TCP only.
        if (packet.Protocol != IpProtocols.Tcp) return;
        var o = _tracker.Process(frame.Data, packet.NetworkOffset, frame.WireLength, frame.TimestampNs, frame.FrameNumber);
        if (o is not null) WriteRow(o);
    }

    public void OnFileComplete(IStore store, int fileId)
    {
        if (_spill is null || _spillPath is null) return;
        _spill.Dispose();
        _spill = null;
        if (Rows > 0)
        {
            if (store.Dialect == "duckdb") LoadCsv(store, _spillPath);
            else InsertValues(store, _spillPath);
        }
        DropSpill();
        _tracker = null;
    }

    public void OnFileAborted(int fileId)
    {
        DropSpill();
        _tracker = null;
    }

    public void Dispose() => DropSpill();

    private void DropSpill()
    {
        _spill?.Dispose();
        _spill = null;
        if (_spillPath is not null && File.Exists(_spillPath)) File.Delete(_spillPath);
        _spillPath = null;
    }

    private string Address(IpAddress128 a)
    {
        if (_addressText.TryGetValue(a, out var s)) return s;
        s = a.ToString();
        if (_addressText.Count < MaxCachedAddresses) _addressText[a] = s;
        return s;
    }

    private void WriteRow(FingerprintObservation o)
    {
        var label = o.Match.Label;
        var src = o.IsSyn ? o.Client : o.Server;
        var dst = o.IsSyn ? o.Server : o.Client;
        var w = _spill!;
        w.Write(_fileId.ToString(CultureInfo.InvariantCulture)); w.Write(',');
        w.Write(o.FrameNumber.ToString(CultureInfo.InvariantCulture)); w.Write(',');
        w.Write(Timestamp(o.TimestampNs)); w.Write(',');
        w.Write(Address(src)); w.Write(',');
        w.Write(Address(dst)); w.Write(',');
        w.Write((o.IsSyn ? o.ClientPort : o.ServerPort).ToString(CultureInfo.InvariantCulture)); w.Write(',');
        w.Write((o.IsSyn ? o.ServerPort : o.ClientPort).ToString(CultureInfo.InvariantCulture)); w.Write(',');
        w.Write(o.IsSyn ? "syn" : "syn+ack"); w.Write(',');
        Quoted(w, o.RawSignature); w.Write(',');
        Nullable(w, label is null ? null : label.Generic ? "g" : "s"); w.Write(',');
        Nullable(w, label?.Class); w.Write(',');
        Nullable(w, label?.Name); w.Write(',');
        Nullable(w, label?.Flavor); w.Write(',');
        w.Write(label?.IsApplication == true ? "true" : "false"); w.Write(',');
        w.Write(o.Match.Fuzzy ? "true" : "false"); w.Write(',');
        w.Write(o.Match.Distance.ToString(CultureInfo.InvariantCulture)); w.Write(',');
        Quoted(w, o.Params); w.Write(',');
        w.Write(o.Mtu is { } m ? m.ToString(CultureInfo.InvariantCulture) : "\\N"); w.Write(',');
        Nullable(w, o.Link); w.Write(',');
        w.Write(o.Stray ? "true" : "false"); w.Write(',');
        Quoted(w, _provenance);
        w.Write('\n');
        Rows++;
    }

    private static string Timestamp(long ns) =>
        DateTime.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    private static void Nullable(StreamWriter w, string? s)
    {
        if (s is null) w.Write("\\N");
        else Quoted(w, s);
    }

    private static void Quoted(StreamWriter w, string s)
    {
        w.Write('"');
        w.Write(s.Replace("\"", "\"\"", StringComparison.Ordinal));
        w.Write('"');
    }

    private static void LoadCsv(IStore store, string path)
    {
        var types = "{'file_id':'INTEGER','frame':'BIGINT','ts':'TIMESTAMP','src':'VARCHAR','dst':'VARCHAR','sport':'USMALLINT'," +
                    "'dport':'USMALLINT','direction':'VARCHAR','raw_sig':'VARCHAR','label_type':'VARCHAR','os_class':'VARCHAR'," +
                    "'os_name':'VARCHAR','os_flavor':'VARCHAR','is_app':'BOOLEAN','fuzzy':'BOOLEAN','dist':'INTEGER','params':'VARCHAR'," +
                    "'mtu':'INTEGER','link':'VARCHAR','stray':'BOOLEAN','fp_db':'VARCHAR'}";
        store.Execute($"INSERT INTO fingerprints ({Columns}) SELECT {Columns} FROM read_csv('{path.Replace("'", "''", StringComparison.Ordinal)}', " +
                      $"header = false, delim = ',', quote = '\"', escape = '\"', nullstr = '\\N', auto_detect = false, columns = {types})");
    }

    /// <summary>Stores without CSV loading get plain INSERT ... VALUES statements, a few hundred rows each.</summary>
    private static void InsertValues(IStore store, string path)
    {
        var sql = new StringBuilder();
        var rows = 0;
        foreach (var line in File.ReadLines(path))
        {
            sql.Append(rows == 0 ? $"INSERT INTO fingerprints ({Columns}) VALUES (" : ",(");
            sql.Append(CsvToSqlValues(line)).Append(')');
            if (++rows == InsertBatchRows)
            {
                store.Execute(sql.ToString());
                sql.Clear();
                rows = 0;
            }
        }
        if (rows > 0) store.Execute(sql.ToString());
    }

    /// <summary>One spilled CSV line as SQL literals (quoted fields become strings, \N becomes NULL, ts a timestamp).</summary>
    private static string CsvToSqlValues(string line)
    {
        var values = new List<string>(21);
        var i = 0;
        while (i <= line.Length)
        {
            if (i < line.Length && line[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < line.Length)
                {
                    if (line[i] == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i += 2; }
                    else if (line[i] == '"') { i++; break; }
                    else sb.Append(line[i++]);
                }
                values.Add("'" + sb.ToString().Replace("'", "''", StringComparison.Ordinal) + "'");
                i++; // the comma
            }
            else
            {
                var end = line.IndexOf(',', i);
                if (end < 0) end = line.Length;
                var raw = line[i..end];
                values.Add(raw == "\\N" ? "NULL" : values.Count is 2 or 3 or 4 or 7 ? "'" + raw + "'" : raw);
                i = end + 1;
            }
        }
        return string.Join(',', values);
    }
}
