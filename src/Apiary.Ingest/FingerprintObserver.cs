using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Apiary.Core;
using Apiary.Fingerprint;
using Apiary.Store;

namespace Apiary.Ingest;

/// <summary>
/// Fills the fingerprint tables during ingest: every packet goes through a per-file <see cref="P0fFlowTracker"/>
/// (stray SYN+ACKs included, flagged). Each fingerprint becomes one narrow row of numbers in
/// <c>fingerprint_rows</c>; its strings (raw signature, label, match quality, database) go once per distinct
/// outcome of the file into <c>fingerprint_signatures</c> (Schema). Rows are spilled to a temporary CSV file of
/// numbers while the file is read (memory stays flat however many SYNs a flood holds) and loaded inside the
/// transaction that completes the file, so they commit or vanish with it.
/// </summary>
public sealed class FingerprintObserver : IPacketObserver, IDisposable
{
    /// <summary>The spill's columns, in order (file_id is the same for the whole file and given in the INSERT).</summary>
    private const string SpillColumns =
        "{'frame':'BIGINT','ts_us':'BIGINT','src_hi':'UBIGINT','src_lo':'UBIGINT','dst_hi':'UBIGINT','dst_lo':'UBIGINT'," +
        "'sport':'USMALLINT','dport':'USMALLINT','syn':'BOOLEAN','stray':'BOOLEAN','dist':'INTEGER','sig_id':'INTEGER'}";

    /// <summary>Signature rows per INSERT statement (a file has a few hundred distinct outcomes at most).</summary>
    private const int SignatureBatchRows = 200;

    /// <summary>Identity keys remembered per file: texts built per SYN (rare params) would otherwise grow it per SYN.</summary>
    private const int MaxIdentityKeys = 4096;

    /// <summary>Spill buffer: flushed to the file when less than one row's worth (13 numbers) is left.</summary>
    private const int SpillBufferBytes = 1 << 16, MaxRowBytes = 13 * 21;

    private readonly P0fDatabase _db;
    private readonly string _provenance;
    private readonly string _spillDir;
    private readonly Dictionary<SignatureKey, int> _signatures = [];
    private readonly Dictionary<SignatureKey, int> _byIdentity = new(ByIdentity.Instance);
    private readonly byte[] _buffer = new byte[SpillBufferBytes];
    private int _used;
    private P0fFlowTracker? _tracker;
    private FileStream? _spill;
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
        _spill = new FileStream(_spillPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        _used = 0;
        _signatures.Clear();
        _byIdentity.Clear();
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
        FlushBuffer();
        _spill.Dispose();
        _spill = null;
        if (Rows > 0)
        {
            if (store.Dialect != "duckdb") throw new NotSupportedException($"the fingerprint bulk load is written for DuckDB, not {store.Dialect}");
            InsertSignatures(store);
            store.Execute($"""
                INSERT INTO fingerprint_rows (file_id, frame, ts, src_ip, dst_ip, sport, dport, syn, stray, dist, sig_id)
                SELECT {_fileId}, frame, make_timestamp(ts_us), (src_hi::UHUGEINT << 64) | src_lo::UHUGEINT,
                       (dst_hi::UHUGEINT << 64) | dst_lo::UHUGEINT, sport, dport, syn, stray, dist, sig_id
                FROM read_csv({SqlLiteral.Text(_spillPath)}, header = false, delim = ',', quote = '', auto_detect = false, columns = {SpillColumns})
                """);
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

    private void WriteRow(FingerprintObservation o)
    {
        var key = new SignatureKey(o.RawSignature, o.Match.Signature, o.Match.Fuzzy, o.Params, o.Mtu, o.Link);
        if (!_byIdentity.TryGetValue(key, out var sigId))
        {
            if (!_signatures.TryGetValue(key, out sigId))
            {
                sigId = _signatures.Count;
                _signatures.Add(key, sigId);
            }
            if (_byIdentity.Count == MaxIdentityKeys) _byIdentity.Clear();
            _byIdentity[key] = sigId;
        }
        var src = o.IsSyn ? o.Client : o.Server;
        var dst = o.IsSyn ? o.Server : o.Client;
        var ns = o.TimestampNs;
        if (_used > SpillBufferBytes - MaxRowBytes) FlushBuffer();
        Number(o.FrameNumber); Comma();
        Number(ns >= 0 ? ns / 1000 : (ns - 999) / 1000); Comma();
        Number(src.Hi); Comma(); Number(src.Lo); Comma();
        Number(dst.Hi); Comma(); Number(dst.Lo); Comma();
        Number(o.IsSyn ? o.ClientPort : o.ServerPort); Comma();
        Number(o.IsSyn ? o.ServerPort : o.ClientPort); Comma();
        Number(o.IsSyn ? 1 : 0); Comma();
        Number(o.Stray ? 1 : 0); Comma();
        Number(o.Match.Distance); Comma();
        Number(sigId);
        _buffer[_used++] = (byte)'\n';
        Rows++;
    }

    private void Number(long v)
    {
        v.TryFormat(_buffer.AsSpan(_used), out var n, default, CultureInfo.InvariantCulture);
        _used += n;
    }

    private void Number(ulong v)
    {
        v.TryFormat(_buffer.AsSpan(_used), out var n, default, CultureInfo.InvariantCulture);
        _used += n;
    }

    private void Comma() => _buffer[_used++] = (byte)',';

    private void FlushBuffer()
    {
        _spill!.Write(_buffer, 0, _used);
        _used = 0;
    }

    /// <summary>The file's distinct outcomes, a few INSERT ... VALUES statements.</summary>
    private void InsertSignatures(IStore store)
    {
        var sql = new StringBuilder();
        var rows = 0;
        foreach (var (k, id) in _signatures.OrderBy(kv => kv.Value))
        {
            var label = k.Signature?.Label;
            sql.Append(rows == 0
                ? "INSERT INTO fingerprint_signatures (file_id, sig_id, raw_sig, label_type, os_class, os_name, os_flavor, is_app, fuzzy, params, mtu, link, fp_db) VALUES ("
                : ",(");
            sql.Append(CultureInfo.InvariantCulture, $"{_fileId}, {id}, {SqlLiteral.Text(k.RawSignature)}, ");
            sql.Append(CultureInfo.InvariantCulture, $"{SqlLiteral.Text(label is null ? null : label.Generic ? "g" : "s")}, {SqlLiteral.Text(label?.Class)}, {SqlLiteral.Text(label?.Name)}, {SqlLiteral.Text(label?.Flavor)}, ");
            sql.Append(CultureInfo.InvariantCulture, $"{(label?.IsApplication == true ? "true" : "false")}, {(k.Fuzzy ? "true" : "false")}, {SqlLiteral.Text(k.Params)}, ");
            sql.Append(CultureInfo.InvariantCulture, $"{(k.Mtu is { } m ? m.ToString(CultureInfo.InvariantCulture) : "NULL")}, {SqlLiteral.Text(k.Link)}, {SqlLiteral.Text(_provenance)})");
            if (++rows == SignatureBatchRows)
            {
                store.Execute(sql.ToString());
                sql.Clear();
                rows = 0;
            }
        }
        if (rows > 0) store.Execute(sql.ToString());
    }

    /// <summary>
    /// Everything of a fingerprint that is not per packet: two SYNs with equal keys get the same signature row.
    /// The matched signature is compared by reference (one object per database line), the strings by value.
    /// </summary>
    private readonly record struct SignatureKey(string RawSignature, TcpReferenceSignature? Signature, bool Fuzzy, string Params, int? Mtu, string? Link)
    {
        public bool Equals(SignatureKey other) =>
            ReferenceEquals(Signature, other.Signature) && Fuzzy == other.Fuzzy && Mtu == other.Mtu &&
            string.Equals(RawSignature, other.RawSignature, StringComparison.Ordinal) &&
            string.Equals(Params, other.Params, StringComparison.Ordinal) && string.Equals(Link, other.Link, StringComparison.Ordinal);

        public override int GetHashCode() =>
            HashCode.Combine(RawSignature, RuntimeHelpers.GetHashCode(Signature), Fuzzy, Params, Mtu, Link);
    }

    /// <summary>
    /// The same keys compared by object identity: the fingerprinter's text caches hand out one string object per
    /// distinct text, so this finds nearly every repeat without hashing ~40 characters per SYN (that was the
    /// observer's largest cost); a miss falls back to the by-value map.
    /// </summary>
    private sealed class ByIdentity : IEqualityComparer<SignatureKey>
    {
        public static readonly ByIdentity Instance = new();

        public bool Equals(SignatureKey a, SignatureKey b) =>
            ReferenceEquals(a.RawSignature, b.RawSignature) && ReferenceEquals(a.Signature, b.Signature) && a.Fuzzy == b.Fuzzy &&
            a.Mtu == b.Mtu && ReferenceEquals(a.Params, b.Params) && ReferenceEquals(a.Link, b.Link);

        public int GetHashCode(SignatureKey k) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(k.RawSignature), RuntimeHelpers.GetHashCode(k.Signature), k.Fuzzy, k.Mtu,
                RuntimeHelpers.GetHashCode(k.Params), RuntimeHelpers.GetHashCode(k.Link));
    }
}
