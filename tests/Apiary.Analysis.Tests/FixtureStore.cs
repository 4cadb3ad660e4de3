using Apiary.Store;
using System.Globalization;
using System.Text;
using Apiary.Analysis;
using Apiary.Store.DuckDb;

namespace Apiary.Analysis.Tests;

/// <summary>
/// A real DuckDB file in a temp folder, filled with hand-written capture_files and packets rows (docs/schema.md)
/// so each analysis can be checked against answers worked out by hand.
/// </summary>
public sealed class FixtureStore : IDisposable
{
    private readonly string _dir;
    private readonly List<string> _packets = [];
    private readonly Dictionary<int, (string Sensor, List<DateTime> Times)> _files = [];

    public FixtureStore()
    {
        _dir = Path.Combine(Path.GetTempPath(), "apiary-analysis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        Store = DuckDbStore.Open(Path.Combine(_dir, "test.duckdb"));
    }

    public DuckDbStore Store { get; }

    public const int Tcp = 6, Udp = 17, Icmp = 1;
    public const int Syn = 2, SynAck = 18, Rst = 4, RstAck = 20, Ack = 16;

    /// <summary>Adds one packet row to <paramref name="fileId"/> (a file per platform; created on first use).</summary>
    public FixtureStore Packet(DateTime ts, string src, string dst, int proto, int? sport = null, int? dport = null, int? flags = null,
        int? icmpType = null, int fileId = 1, string sensor = "eurecom")
    {
        if (!_files.TryGetValue(fileId, out var f)) _files[fileId] = f = (sensor, []);
        f.Times.Add(ts);
        string N(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "NULL";
        var (src4, src6) = Schema.AddressLiterals(src);
        var (dst4, dst6) = Schema.AddressLiterals(dst);
        _packets.Add(string.Create(CultureInfo.InvariantCulture,
            $"({fileId}, {f.Times.Count}, {SqlDialect.Timestamp(ts)}, 60, 60, 2048, {(src6 == "NULL" ? 4 : 6)}, {src4}, {src6}, {dst4}, {dst6}, {proto}, {N(sport)}, {N(dport)}, {N(flags)}, {N(icmpType)})"));
        return this;
    }

    /// <summary>Writes the rows (capture_files spans computed from the packets).</summary>
    public FixtureStore Commit()
    {
        foreach (var (id, (sensor, times)) in _files)
            Store.Execute(string.Create(CultureInfo.InvariantCulture,
                $"INSERT INTO capture_files (file_id, sha256, path, sensor, format, first_ts, last_ts, packets, bytes, anomalies, truncated, status, ingested_at) VALUES ({id}, 'sha{id}', '/x/{id}.pcap', '{sensor}', 'pcap', {SqlDialect.Timestamp(times.Min())}, {SqlDialect.Timestamp(times.Max())}, {times.Count}, 1000, 0, false, 'complete', now())"));
        var sb = new StringBuilder("INSERT INTO packet_rows (file_id, frame, ts, wire_len, cap_len, eth_type, ip_ver, src4, src6, dst4, dst6, proto, sport, dport, tcp_flags, icmp_type) VALUES ");
        sb.AppendJoin(", ", _packets);
        if (_packets.Count > 0) Store.Execute(sb.ToString());
        _packets.Clear();
        return this;
    }

    public void Dispose()
    {
        Store.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
