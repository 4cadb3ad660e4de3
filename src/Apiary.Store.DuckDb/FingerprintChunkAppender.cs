using Apiary.Core;
using DuckDB.NET.Data;

namespace Apiary.Store.DuckDb;

/// <summary>
/// Appends the fingerprints attached to decoded packets (<see cref="DecodedPacket.Fingerprint"/>) to
/// <c>fingerprint_rows</c>, beside the packets' own rows in the same lane transaction: time and addresses are the
/// packet's, the rest comes from the fingerprint. Single-threaded: one instance per connection and thread.
/// </summary>
public sealed class FingerprintChunkAppender : ChunkAppender
{
    /// <summary>The column order of Schema.FingerprintRows; the constructor checks that the table still has it.</summary>
    private const int ColumnCount = 11;

    public const string Table = "fingerprint_rows";

    private enum Col { FileId, Frame, Ts, SrcIp, DstIp, Sport, Dport, Syn, Stray, Dist, SigId }

    public FingerprintChunkAppender(DuckDBConnection connection) : base(connection, Table, ColumnCount, "Schema.FingerprintRows") { }

    /// <summary>Appends the fingerprint attached to <paramref name="p"/> (the caller checked that it has one).</summary>
    public void Append(int fileId, in DecodedPacket p)
    {
        ThrowIfClosed();
        var r = Row;
        var f = p.Fingerprint;
        Set((int)Col.FileId, r, fileId);
        Set((int)Col.Frame, r, p.FrameNumber);
        Set((int)Col.Ts, r, p.TimestampNs >= 0 ? p.TimestampNs / 1000 : (p.TimestampNs - 999) / 1000);
        Set((int)Col.SrcIp, r, new UHugeInt(p.Source.Lo, p.Source.Hi));
        Set((int)Col.DstIp, r, new UHugeInt(p.Destination.Lo, p.Destination.Hi));
        Set((int)Col.Sport, r, f.SourcePort);
        Set((int)Col.Dport, r, f.DestinationPort);
        Set((int)Col.Syn, r, f.Syn);
        Set((int)Col.Stray, r, f.Stray);
        Set((int)Col.Dist, r, f.Distance);
        Set((int)Col.SigId, r, f.SignatureId);
        EndRow();
    }
}
