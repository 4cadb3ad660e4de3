namespace Apiary.Store;

/// <summary>
/// The tables every store holds (documented column by column in docs/schema.md). DDL in the
/// DuckDB dialect; other adapters translate types.
/// </summary>
public static class Schema
{
    public const string CaptureFiles = """
        CREATE TABLE IF NOT EXISTS capture_files (
            file_id INTEGER PRIMARY KEY,
            sha256 VARCHAR NOT NULL UNIQUE,
            path VARCHAR NOT NULL,
            sensor VARCHAR NOT NULL,
            format VARCHAR,
            link_types VARCHAR,
            snaplen INTEGER,
            first_ts TIMESTAMP,
            last_ts TIMESTAMP,
            packets BIGINT,
            bytes BIGINT,
            anomalies BIGINT,
            truncated BOOLEAN,
            status VARCHAR NOT NULL,
            ingested_at TIMESTAMP
        )
        """;

    public const string Packets = """
        CREATE TABLE IF NOT EXISTS packets (
            file_id INTEGER NOT NULL,
            frame BIGINT NOT NULL,
            ts TIMESTAMP NOT NULL,
            wire_len INTEGER,
            cap_len INTEGER,
            eth_type USMALLINT,
            vlan USMALLINT,
            ip_ver UTINYINT,
            src VARCHAR,
            dst VARCHAR,
            proto UTINYINT,
            ttl UTINYINT,
            ip_id UINTEGER,
            ip_len INTEGER,
            ip_opt_len UTINYINT,
            df BOOLEAN,
            frag_off INTEGER,
            mf BOOLEAN,
            sport USMALLINT,
            dport USMALLINT,
            tcp_flags UTINYINT,
            tcp_seq UINTEGER,
            tcp_ack UINTEGER,
            tcp_win USMALLINT,
            tcp_mss USMALLINT,
            tcp_wscale UTINYINT,
            tcp_olayout VARCHAR,
            payload_len INTEGER,
            icmp_type UTINYINT,
            icmp_code UTINYINT,
            inner_src VARCHAR,
            inner_dst VARCHAR,
            inner_proto UTINYINT,
            inner_sport USMALLINT,
            inner_dport USMALLINT
        )
        """;

    public const string Anomalies = """
        CREATE TABLE IF NOT EXISTS anomalies (
            file_id INTEGER NOT NULL,
            name VARCHAR NOT NULL,
            frame BIGINT,
            file_offset BIGINT,
            detail VARCHAR
        )
        """;

    public const string AnomalyCounts = """
        CREATE TABLE IF NOT EXISTS anomaly_counts (
            file_id INTEGER NOT NULL,
            name VARCHAR NOT NULL,
            count BIGINT NOT NULL
        )
        """;

    /// <summary>Passive OS fingerprints (p0f v3) of TCP SYNs and SYN+ACKs; see docs/enrichment.md.</summary>
    public const string Fingerprints = """
        CREATE TABLE IF NOT EXISTS fingerprints (
            file_id INTEGER NOT NULL,
            frame BIGINT NOT NULL,
            ts TIMESTAMP NOT NULL,
            src VARCHAR NOT NULL,
            dst VARCHAR NOT NULL,
            sport USMALLINT NOT NULL,
            dport USMALLINT NOT NULL,
            direction VARCHAR NOT NULL,
            raw_sig VARCHAR NOT NULL,
            label_type VARCHAR,
            os_class VARCHAR,
            os_name VARCHAR,
            os_flavor VARCHAR,
            is_app BOOLEAN NOT NULL,
            fuzzy BOOLEAN NOT NULL,
            dist INTEGER NOT NULL,
            params VARCHAR NOT NULL,
            mtu INTEGER,
            link VARCHAR,
            stray BOOLEAN NOT NULL,
            fp_db VARCHAR NOT NULL
        )
        """;

    public static IReadOnlyList<string> All { get; } = [CaptureFiles, Packets, Anomalies, AnomalyCounts, Fingerprints];
}
