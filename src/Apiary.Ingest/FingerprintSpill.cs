using System.Globalization;
using Apiary.Core;
using Apiary.Store;

namespace Apiary.Ingest;

/// <summary>
/// Writes the fingerprints a <see cref="FingerprintObserver"/> attached to packets into <c>fingerprint_rows</c>
/// when no packet rows are being stored (re-fingerprinting stored captures, <see cref="Refingerprinter"/>): it runs
/// after the observer, spills one line of numbers per fingerprinted packet to a temporary CSV file (memory stays
/// flat however many SYNs a flood holds) and loads it with DuckDB's <c>read_csv</c> in the caller's transaction.
/// During ingest the store writes these rows with the packets instead.
/// </summary>
public sealed class FingerprintSpill : IPacketObserver, IDisposable
{
    /// <summary>The spill's columns, in order (file_id is the same for the whole file and given in the INSERT).</summary>
    private const string SpillColumns =
        "{'frame':'BIGINT','ts_us':'BIGINT','src_hi':'UBIGINT','src_lo':'UBIGINT','dst_hi':'UBIGINT','dst_lo':'UBIGINT'," +
        "'sport':'USMALLINT','dport':'USMALLINT','syn':'BOOLEAN','stray':'BOOLEAN','dist':'INTEGER','sig_id':'INTEGER'}";

    /// <summary>Spill buffer: flushed to the file when less than one row's worth (12 numbers) is left.</summary>
    private const int SpillBufferBytes = 1 << 16, MaxRowBytes = 12 * 21;

    private readonly string _spillDir;
    private readonly byte[] _buffer = new byte[SpillBufferBytes];
    private int _used;
    private FileStream? _spill;
    private string? _spillPath;

    /// <summary>Rows spilled for the current (or last loaded) file.</summary>
    public long Rows { get; private set; }

    public FingerprintSpill(string? spillDirectory = null) => _spillDir = spillDirectory ?? Path.GetTempPath();

    public void OnFileStart(IngestFileInfo file)
    {
        DropSpill();
        _spillPath = Path.Combine(_spillDir, $"apiary-fingerprints-{Environment.ProcessId}-{file.FileId}-{Guid.NewGuid():N}.csv");
        _spill = new FileStream(_spillPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        _used = 0;
        Rows = 0;
    }

    public void OnPacket(in CapturedFrame frame, ref DecodedPacket packet)
    {
        if (!packet.Fingerprint.Present || _spill is null) return;
        var f = packet.Fingerprint;
        var ns = packet.TimestampNs;
        if (_used > SpillBufferBytes - MaxRowBytes) FlushBuffer();
        Number(packet.FrameNumber); Comma();
        Number(ns >= 0 ? ns / 1000 : (ns - 999) / 1000); Comma();
        Number(packet.Source.Hi); Comma(); Number(packet.Source.Lo); Comma();
        Number(packet.Destination.Hi); Comma(); Number(packet.Destination.Lo); Comma();
        Number(f.SourcePort); Comma();
        Number(f.DestinationPort); Comma();
        Number(f.Syn ? 1 : 0); Comma();
        Number(f.Stray ? 1 : 0); Comma();
        Number(f.Distance); Comma();
        Number(f.SignatureId);
        _buffer[_used++] = (byte)'\n';
        Rows++;
    }

    /// <summary>Loads the spilled rows as file <paramref name="fileId"/>'s, inside the caller's transaction.</summary>
    public void OnFileComplete(IStore store, int fileId)
    {
        if (_spill is null || _spillPath is null) return;
        FlushBuffer();
        _spill.Dispose();
        _spill = null;
        if (Rows > 0)
        {
            if (store.Dialect != "duckdb") throw new NotSupportedException($"the fingerprint bulk load is written for DuckDB, not {store.Dialect}");
            store.Execute($"""
                INSERT INTO fingerprint_rows (file_id, frame, ts, src_ip, dst_ip, sport, dport, syn, stray, dist, sig_id)
                SELECT {fileId}, frame, make_timestamp(ts_us), (src_hi::UHUGEINT << 64) | src_lo::UHUGEINT,
                       (dst_hi::UHUGEINT << 64) | dst_lo::UHUGEINT, sport, dport, syn, stray, dist, sig_id
                FROM read_csv({SqlLiteral.Text(_spillPath)}, header = false, delim = ',', quote = '', auto_detect = false, columns = {SpillColumns})
                """);
        }
        DropSpill();
    }

    public void OnFileAborted(int fileId) => DropSpill();

    public void Dispose() => DropSpill();

    private void DropSpill()
    {
        _spill?.Dispose();
        _spill = null;
        if (_spillPath is not null && File.Exists(_spillPath)) File.Delete(_spillPath);
        _spillPath = null;
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
}
