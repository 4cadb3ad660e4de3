using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Apiary.Core;
using Apiary.Fingerprint;
using Apiary.Store;

namespace Apiary.Ingest;

/// <summary>
/// Fingerprints every packet during ingest: each goes through a per-file <see cref="P0fFlowTracker"/> (stray
/// SYN+ACKs included, flagged), and each SYN or SYN+ACK it fingerprints gets a <see cref="PacketFingerprint"/>
/// attached on the decode thread. The store writes it, packed into one integer, in the packet's own row
/// (<c>packet_rows.fp</c>): no spill, no load at the end of the file, no second table repeating the packet's
/// time, addresses and ports (each of those cost a large share of the fingerprinting overhead of an ingest,
/// bench/README.md). The strings (raw signature, label, match quality, database) go once per distinct outcome of
/// the file into <c>fingerprint_signatures</c>, written in the transaction that completes the file (Schema).
/// </summary>
public sealed class FingerprintObserver : IPacketObserver
{
    /// <summary>Signature rows per INSERT statement (a file has a few hundred distinct outcomes at most).</summary>
    private const int SignatureBatchRows = 200;

    private readonly P0fDatabase _db;
    private readonly string _provenance;
    private readonly Dictionary<SignatureKey, int> _signatures = [];
    /// <summary>1 + the signature id of each outcome of the file's tracker, by <see cref="SignatureOutcome.Serial"/> (0: not seen yet).</summary>
    private int[] _bySerial = new int[256];
    private P0fFlowTracker? _tracker;
    private int _fileId;

    public FingerprintObserver(P0fDatabase db)
    {
        _db = db;
        _provenance = db.Provenance;
    }

    public void OnFileStart(IngestFileInfo file)
    {
        _fileId = file.FileId;
        _tracker = new P0fFlowTracker(_db, FingerprintMode.IncludeStraySynAcks);
        _signatures.Clear();
        Array.Clear(_bySerial);
    }

    public void OnPacket(in CapturedFrame frame, ref DecodedPacket packet)
    {
        if (packet.NetworkOffset < 0 || _tracker is null) return;
        // Cheap rejection before the tracker: p0f's filter passes TCP only.
        if (packet.Protocol != IpProtocols.Tcp) return;
        if (!_tracker.TryProcess(frame.Data, packet.NetworkOffset, frame.WireLength, frame.TimestampNs, out var o)) return;
        // The tracker reports on the packet it was given (p0f prints a SYN or SYN+ACK when it sees it), so the
        // row can take the packet's own time, addresses and ports.
        if (o.Subject != packet.Source)
            throw new InvalidOperationException($"the flow tracker's report is not about the packet it was given (frame {frame.FrameNumber})");
        packet.Fingerprint = new PacketFingerprint
        {
            Present = true,
            SignatureId = SignatureId(in o),
            Distance = o.Match.Distance,
            Syn = o.IsSyn,
            Stray = o.Stray,
        };
    }

    /// <summary>Writes the file's distinct outcomes; its rows went in with its packets.</summary>
    public void OnFileComplete(IStore store, int fileId)
    {
        if (_tracker is null) return;
        if (_signatures.Count > 0) InsertSignatures(store);
        _tracker = null;
    }

    public void OnFileAborted(int fileId) => _tracker = null;

    private int SignatureId(in TrackedFingerprint o)
    {
        // The tracker hands out one outcome object per distinct signature, numbered: nearly every repeat is found by
        // its number, without hashing the texts; a new number (or an outcome made outside the tracker's cache, -1)
        // goes through the by-value map, which also merges outcomes the bounded cache made twice.
        var serial = o.Outcome.Serial;
        if ((uint)serial < (uint)_bySerial.Length && _bySerial[serial] != 0) return _bySerial[serial] - 1;
        var key = new SignatureKey(o.Outcome.RawSignature, o.Match.Signature, o.Match.Fuzzy, o.Outcome.Params, o.Outcome.Mtu, o.Outcome.Link);
        if (!_signatures.TryGetValue(key, out var sigId))
        {
            sigId = _signatures.Count;
            _signatures.Add(key, sigId);
        }
        if (serial >= 0)
        {
            if (serial >= _bySerial.Length) Array.Resize(ref _bySerial, Math.Max(_bySerial.Length * 2, serial + 1));
            _bySerial[serial] = sigId + 1;
        }
        return sigId;
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
}
