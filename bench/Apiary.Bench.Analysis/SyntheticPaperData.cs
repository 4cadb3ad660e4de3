using System.Globalization;
using Apiary.Store;

namespace Apiary.Bench.Analysis;

/// <summary>
/// Fills a store with paper-shaped rows by SQL alone (no capture files), fast enough for 10M rows: ~6285
/// sources per 970718 packets over March-June 2003 on the three-target testbed of examples/testbed-paper.toml;
/// 70 % of sources hit mach0 -> mach1 -> mach2, 6 % two targets, 24 % one target (mostly open ports, 5 %
/// backscatter); TCP ~98 %; ports weighted towards 139, 445, 80. Plus a `sources` table shaped like the
/// enrichment's (sensor, address, country, os_class, os_name, os_syns). Used by the analysis benchmark and the
/// report tests; it is a load generator, not the simulator (`apiary simulate` is the calibrated one).
/// </summary>
public static class SyntheticPaperData
{
    public static void Fill(IStore store, long packets, int seed = 1)
    {
        var sources = Math.Max(10, packets / 155);
        var inv = CultureInfo.InvariantCulture;
        store.Execute(string.Create(inv, $"""
            CREATE OR REPLACE TEMP TABLE syn_sources AS
            SELECT s,
                   TIMESTAMP '2003-03-01 00:00:00' + to_microseconds(CAST(((hash(s * 7 + {seed}) % 10540800000) * 1000) AS BIGINT)) AS start_ts,
                   CASE WHEN hash(s * 11 + {seed}) % 1000 < 704 THEN 3 WHEN hash(s * 11 + {seed}) % 1000 < 760 THEN 2 ELSE 1 END AS ntargets,
                   CAST(hash(s * 13 + {seed}) % 3 AS INTEGER) AS single_target,
                   CAST(1 + (s * 7919) % 223 AS VARCHAR) || '.' || CAST((s * 31) % 256 AS VARCHAR) || '.' || CAST((s * 17 + 3) % 256 AS VARCHAR) || '.' || CAST(1 + s % 254 AS VARCHAR) AS src,
                   CAST((1 + (s * 7919) % 223) * 16777216 + ((s * 31) % 256) * 65536 + ((s * 17 + 3) % 256) * 256 + 1 + s % 254 AS UINTEGER) AS src4
            FROM range(0, {sources}) t(s)
            """));
        store.Execute("""
            INSERT INTO capture_files (file_id, sha256, path, sensor, format, first_ts, last_ts, packets, bytes, anomalies, truncated, status, ingested_at)
            VALUES (1, 'synthetic', '/synthetic/paper-shaped.pcap', 'eurecom', 'pcap', TIMESTAMP '2003-03-01 00:00:00', TIMESTAMP '2003-06-30 23:59:59', 0, 0, 0, false, 'complete', now())
            """);
        // Packet p belongs to source p % S and is its (p / S)-th packet, 0.7 s after the previous one.
        store.Execute(string.Create(inv, $"""
            INSERT INTO packet_rows (file_id, frame, ts, wire_len, cap_len, eth_type, ip_ver, src4, dst4, proto, ttl, sport, dport, tcp_flags, icmp_type, payload_len)
            SELECT 1, p + 1, ts, 60, 60, 2048, 4, src4,
                   3221225984 + 10 + target,
                   proto, 113, CASE WHEN proto = 1 THEN NULL WHEN backscatter THEN dport_open ELSE 1024 + CAST(h % 60000 AS INTEGER) END,
                   CASE WHEN proto = 1 THEN NULL WHEN backscatter THEN 1024 + CAST(h % 60000 AS INTEGER) ELSE dport_req END,
                   CASE WHEN proto <> 6 THEN NULL WHEN backscatter THEN 18 WHEN j = 0 THEN 2 ELSE 24 END,
                   CASE WHEN proto = 1 THEN (CASE WHEN backscatter THEN 3 ELSE 8 END) ELSE NULL END, 0
            FROM (
                SELECT p, j, src4, ts, h, target, backscatter,
                       CASE WHEN h % 1000 < 979 OR backscatter THEN 6 WHEN h % 1000 < 993 THEN 1 ELSE 17 END AS proto,
                       CASE target WHEN 0 THEN [139, 445, 80, 21][1 + CAST(h % 4 AS INTEGER)]
                                   WHEN 1 THEN [139, 445, 80, 135, 21, 25, 443][1 + CAST(h % 7 AS INTEGER)]
                                   ELSE [80, 21, 22, 111][1 + CAST(h % 4 AS INTEGER)] END AS dport_open,
                       CASE WHEN single THEN (CASE target WHEN 0 THEN [139, 445, 80, 21][1 + CAST(h % 4 AS INTEGER)]
                                                          WHEN 1 THEN [139, 445, 80, 135, 21, 25, 443][1 + CAST(h % 7 AS INTEGER)]
                                                          ELSE [80, 21, 22, 111][1 + CAST(h % 4 AS INTEGER)] END)
                            ELSE [139, 139, 139, 139, 139, 445, 445, 80, 80, 135, 21, 1433, 3389, 4899, 57][1 + CAST((h >> 8) % 15 AS INTEGER)] END AS dport_req
                FROM (
                    SELECT p, j, s.src4, s.start_ts + to_microseconds(j * 700000) AS ts, hash(p * 2654435761 + {seed}) AS h,
                           CASE WHEN s.ntargets = 1 THEN s.single_target ELSE LEAST(CAST(j * s.ntargets / GREATEST(1, {packets} / {sources}) AS INTEGER), s.ntargets - 1) END AS target,
                           s.ntargets = 1 AS single,
                           s.ntargets = 1 AND hash(p * 40503 + {seed}) % 100 < 5 AS backscatter
                    FROM (SELECT p, p % {sources} AS s, p // {sources} AS j FROM range(0, {packets}) t(p)) x
                    JOIN syn_sources s ON s.s = x.s
                ) y
            ) z
            """));
        store.Execute(string.Create(inv, $"UPDATE capture_files SET packets = {packets} WHERE file_id = 1"));
        store.Execute("""
            CREATE OR REPLACE TABLE sources AS
            SELECT 'eurecom' AS sensor, src AS address, CAST(4 AS UTINYINT) AS ip_ver,
                   CASE WHEN r < 33 THEN 'AU' WHEN r < 54 THEN 'NL' WHEN r < 71 THEN 'US' WHEN r < 76 THEN 'DE' WHEN r < 80 THEN 'FR'
                        WHEN r < 83 THEN 'GB' WHEN r < 86 THEN 'CN' WHEN r < 88 THEN 'KR' WHEN r < 90 THEN 'JP'
                        ELSE ['BR', 'CA', 'IT', 'ES', 'PL', 'SE', 'TW', 'IN', 'RU', 'MX'][1 + CAST(hash(s) % 10 AS INTEGER)] END AS country,
                   CASE WHEN o < 71 THEN 'win' WHEN o < 78 THEN 'unix' ELSE 'unknown' END AS os_class,
                   CASE WHEN o < 71 THEN 'Windows' WHEN o < 78 THEN 'Linux' ELSE NULL END AS os_name,
                   CAST(1 AS BIGINT) AS os_syns
            FROM (SELECT s, src, CAST(hash(s * 3 + 1) % 100 AS INTEGER) AS r, CAST(hash(s * 5 + 2) % 100 AS INTEGER) AS o FROM syn_sources) q
            """);
        store.Execute("DROP TABLE syn_sources");
    }
}
