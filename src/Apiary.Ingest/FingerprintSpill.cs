using System.Globalization;
using Apiary.Core;
using Apiary.Store;

namespace Apiary.Ingest;

/// <summary>
/// Writes the fingerprints a <see cref="FingerprintObserver"/> attached to packets into the stored packet rows
/// (<c>packet_rows.fp</c>) when the packets themselves are not being stored (re-fingerprinting stored captures,
/// <see cref="Refingerprinter"/>): it runs after the observer, spills one line (frame, packed fingerprint) per
/// fingerprinted packet to a temporary CSV file (memory stays flat however many SYNs a flood holds) and applies
/// it with one <c>UPDATE ... FROM read_csv</c> in the caller's transaction. During ingest the store writes the
/// fingerprints with the packets instead.
/// </summary>
public sealed class FingerprintSpill : IPacketObserver, IDisposable
{
    /// <summary>The spill's columns, in order (file_id is the same for the whole file and given in the UPDATE).</summary>
    private const string SpillColumns = "{'frame':'BIGINT','fp':'BIGINT'}";

    /// <summary>Spill buffer: flushed to the file when less than one row's worth (2 numbers) is left.</summary>
    private const int SpillBufferBytes = 1 << 16, MaxRowBytes = 2 * 21;

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
        if (_used > SpillBufferBytes - MaxRowBytes) FlushBuffer();
        Number(packet.FrameNumber); Comma();
        Number(packet.Fingerprint.Packed);
        _buffer[_used++] = (byte)'\n';
        Rows++;
    }

    /// <summary>Writes the spilled fingerprints into file <paramref name="fileId"/>'s packet rows, inside the caller's transaction.</summary>
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
                UPDATE packet_rows SET fp = s.fp
                FROM read_csv({SqlLiteral.Text(_spillPath)}, header = false, delim = ',', quote = '', auto_detect = false, columns = {SpillColumns}) s
                WHERE packet_rows.file_id = {fileId} AND packet_rows.frame = s.frame
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

    private void Comma() => _buffer[_used++] = (byte)',';

    private void FlushBuffer()
    {
        _spill!.Write(_buffer, 0, _used);
        _used = 0;
    }
}
