using System.Diagnostics;
using System.Globalization;
using Apiary.Store.DuckDb;

// DuckDB's own write floor for the packet rows: on a store that a full ingest filled, copies packet_rows into a new
// table inside DuckDB (CREATE TABLE AS SELECT: no .NET, no decoding, no appender; DuckDB scans, compresses and
// writes with all its threads), then the same for narrower column sets, and drops the copies. An ingest cannot
// store rows faster than DuckDB writes them from its own tables, so this is the ceiling of any ingest into this
// schema on this machine. The store is opened with a 4 GB memory limit: under the store's default of 512 MB
// DuckDB copied the 37 columns on one thread (10.6 s instead of 6.2 s for 10M rows), which would understate the
// floor. Usage: dotnet run -c Release --project bench/Apiary.Bench.StoreFloor -- STORE.duckdb
if (args.Length != 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: Apiary.Bench.StoreFloor STORE.duckdb (a store filled by apiary ingest; it gets two temporary tables)");
    return 2;
}
using var store = DuckDbStore.Open(args[0], memoryLimit: "4GB");
var rows = Convert.ToInt64(store.Query("SELECT count(*) FROM packet_rows").Scalar(), CultureInfo.InvariantCulture);
var allColumns = store.Query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'packet_rows'").Scalar();
// The fields the foundation issue names for the packets table (timestamp, file, v4 and v6 addresses, protocol,
// ports, TCP flags, ICMP type/code, TTL, IP ID, window, lengths, the ICMP quote, the fingerprinting fields), i.e.
// packet_rows without eth_type, vlan, ip_ver, cap_len, frag_off, mf, tcp_seq and tcp_ack.
const string named = "file_id, frame, ts, wire_len, src4, dst4, src6, dst6, proto, ttl, ip_id, ip_len, ip_opt_len, df, sport, dport, " +
    "tcp_flags, tcp_win, tcp_mss, tcp_wscale, tcp_olayout, payload_len, icmp_type, icmp_code, inner_src_ip, inner_dst_ip, inner_proto, " +
    "inner_sport, inner_dport";
// The narrow set: what the paper's analyses read (time, file, addresses, protocol, ports, flags, ICMP type).
const string narrow = "file_id, frame, ts, src4, dst4, proto, sport, dport, tcp_flags, icmp_type, icmp_code";
foreach (var (name, select) in new[] { ($"all {allColumns} columns", "*"), ("29 columns the foundation issue names", named), ("11 columns the analyses read", narrow) })
{
    store.Execute("DROP TABLE IF EXISTS bench_floor_copy");
    store.Execute("CHECKPOINT");
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    store.Execute($"CREATE TABLE bench_floor_copy AS SELECT {select} FROM packet_rows");
    store.Execute("CHECKPOINT");
    clock.Stop();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"packet_rows, {name}: {rows:N0} rows in {clock.Elapsed.TotalSeconds:F2} s wall ({rows / clock.Elapsed.TotalSeconds / 1e6:F2}M rows/s), {cpu.TotalSeconds:F2} s CPU"));
}
store.Execute("DROP TABLE IF EXISTS bench_floor_copy");
store.Execute("CHECKPOINT");
return 0;
