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

    /// <summary>
    /// The stored packet rows. Addresses are integers, not text: DuckDB stores and compresses an integer column
    /// about ten times faster than the dotted text (bench/README.md), and analyses group and join on them.
    /// IPv4 headers fill <c>src4</c>/<c>dst4</c>, IPv6 headers <c>src6</c>/<c>dst6</c>; ICMP quotes keep the
    /// 128-bit form of <see cref="Apiary.Core.IpAddress128"/> (IPv4 mapped into ::ffff:0:0/96). Read through the
    /// <c>packets</c> view, which adds the text columns.
    /// </summary>
    public const string PacketRows = """
        CREATE TABLE IF NOT EXISTS packet_rows (
            file_id INTEGER NOT NULL,
            frame BIGINT NOT NULL,
            ts TIMESTAMP NOT NULL,
            wire_len INTEGER,
            cap_len INTEGER,
            eth_type USMALLINT,
            vlan USMALLINT,
            ip_ver UTINYINT,
            src4 UINTEGER,
            dst4 UINTEGER,
            src6 UHUGEINT,
            dst6 UHUGEINT,
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
            inner_src_ip UHUGEINT,
            inner_dst_ip UHUGEINT,
            inner_proto UTINYINT,
            inner_sport USMALLINT,
            inner_dport USMALLINT,
            fp BIGINT
        )
        """;

    /// <summary>
    /// How <c>packet_rows.fp</c> packs a packet's p0f fingerprint into one integer (NULL: not fingerprinted):
    /// <c>sig_id &lt;&lt; 18 | syn &lt;&lt; 17 | stray &lt;&lt; 16 | (dist + 32768)</c>, where <c>sig_id</c> names the file's row of
    /// <c>fingerprint_signatures</c>. One mostly-NULL column of the packet rows costs DuckDB about a third of what a
    /// separate row per fingerprint with the packet's time, addresses and ports repeated did (bench/README.md);
    /// the <c>fingerprints</c> view unpacks it. <see cref="Apiary.Core.PacketFingerprint.Packed"/> writes it.
    /// </summary>
    public const string FingerprintSigIdSql = "CAST(fp >> 18 AS INTEGER)";

    /// <summary>The TTL distance of <c>packet_rows.fp</c> (<see cref="FingerprintSigIdSql"/>).</summary>
    public const string FingerprintDistSql = "CAST((fp & 65535) - 32768 AS INTEGER)";

    /// <summary>The stray flag of <c>packet_rows.fp</c> (<see cref="FingerprintSigIdSql"/>).</summary>
    public const string FingerprintStraySql = "((fp & 65536) <> 0)";

    /// <summary>The direction of <c>packet_rows.fp</c>: true for a SYN, false for a SYN+ACK (<see cref="FingerprintSigIdSql"/>).</summary>
    public const string FingerprintSynSql = "((fp & 131072) <> 0)";

    /// <summary>
    /// SQL macros turning stored integer addresses into the text tshark (and .NET's IPAddress) prints:
    /// <c>ip4_text(u32)</c> dotted quad; <c>ip6_text(u128)</c> RFC 5952 (longest run of two or more zero groups,
    /// leftmost on ties, becomes ::) with the embedded dotted quad .NET prints for ::a.b.c.d, ::ffff:a.b.c.d,
    /// ::ffff:0:a.b.c.d and ISATAP (x:x:x:x:0:5efe:a.b.c.d); <c>ip_key(u32, u128)</c> one 128-bit key per address
    /// (IPv4 mapped into ::ffff:0:0/96) for grouping and joining; <c>ip_text(u128)</c> the text of such a key;
    /// <c>addr_text(u32, u128)</c> the text of a stored src4/src6 (or dst4/dst6) pair, i.e. <c>packets.src</c>.
    /// The zero-run helpers work on ':h0:h1:...:' so every group is delimited on both sides (the first match of
    /// the longest run is replaced by ::, then the added colons are dropped unless they are part of ::); the
    /// lambda binds that string once, since macro arguments are substituted textually.
    /// </summary>
    public const string AddressMacros = """
        CREATE OR REPLACE MACRO ip4_text(a) AS
            ((a::BIGINT >> 24) & 255)::VARCHAR || '.' || ((a::BIGINT >> 16) & 255)::VARCHAR || '.'
            || ((a::BIGINT >> 8) & 255)::VARCHAR || '.' || (a::BIGINT & 255)::VARCHAR;
        CREATE OR REPLACE MACRO ip6_group(a, i) AS ((a >> (112 - 16 * i)::UHUGEINT) & 65535::UHUGEINT)::INTEGER;
        CREATE OR REPLACE MACRO ip6_squeeze(s) AS CASE
            WHEN contains(s, ':0:0:0:0:0:0:0:0:') THEN regexp_replace(s, ':0:0:0:0:0:0:0:0:', '::')
            WHEN contains(s, ':0:0:0:0:0:0:0:') THEN regexp_replace(s, ':0:0:0:0:0:0:0:', '::')
            WHEN contains(s, ':0:0:0:0:0:0:') THEN regexp_replace(s, ':0:0:0:0:0:0:', '::')
            WHEN contains(s, ':0:0:0:0:0:') THEN regexp_replace(s, ':0:0:0:0:0:', '::')
            WHEN contains(s, ':0:0:0:0:') THEN regexp_replace(s, ':0:0:0:0:', '::')
            WHEN contains(s, ':0:0:0:') THEN regexp_replace(s, ':0:0:0:', '::')
            WHEN contains(s, ':0:0:') THEN regexp_replace(s, ':0:0:', '::')
            ELSE s END;
        CREATE OR REPLACE MACRO ip6_trim_start(s) AS regexp_replace(s, '^:([^:])', '\1');
        CREATE OR REPLACE MACRO ip6_trim_end(s) AS regexp_replace(s, '([^:]):$', '\1');
        CREATE OR REPLACE MACRO ip6_embeds_v4(a) AS
            ((a >> 64::UHUGEINT) = 0 AND ip6_group(a, 6) <> 0 AND ip6_group(a, 4)::BIGINT * 65536 + ip6_group(a, 5) IN (0, 65535, 4294901760))
            OR (ip6_group(a, 4) = 0 AND ip6_group(a, 5) = 24318);
        CREATE OR REPLACE MACRO ip6_text(a) AS CASE
            WHEN a IS NULL THEN NULL
            WHEN ip6_embeds_v4(a) THEN
                list_transform([':' || format('{:x}:{:x}:{:x}:{:x}:{:x}:{:x}', ip6_group(a, 0), ip6_group(a, 1),
                    ip6_group(a, 2), ip6_group(a, 3), ip6_group(a, 4), ip6_group(a, 5)) || ':'],
                    lambda s: ip6_trim_start(ip6_squeeze(s)))[1]
                || ip4_text((a & 4294967295::UHUGEINT)::UINTEGER)
            ELSE
                list_transform([':' || format('{:x}:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}', ip6_group(a, 0), ip6_group(a, 1),
                    ip6_group(a, 2), ip6_group(a, 3), ip6_group(a, 4), ip6_group(a, 5), ip6_group(a, 6), ip6_group(a, 7)) || ':'],
                    lambda s: ip6_trim_end(ip6_trim_start(ip6_squeeze(s))))[1]
            END;
        CREATE OR REPLACE MACRO addr_text(v4, v6) AS CASE WHEN v4 IS NOT NULL THEN ip4_text(v4) ELSE ip6_text(v6) END;
        CREATE OR REPLACE MACRO ip_is_mapped_v4(k) AS (k >> 32::UHUGEINT) = 65535::UHUGEINT;
        CREATE OR REPLACE MACRO ip_key(v4, v6) AS COALESCE(v6, v4::UHUGEINT + 281470681743360::UHUGEINT);
        CREATE OR REPLACE MACRO ip_text(k) AS CASE WHEN ip_is_mapped_v4(k) THEN ip4_text((k & 4294967295::UHUGEINT)::UINTEGER) ELSE ip6_text(k) END;
        """;

    /// <summary>
    /// <c>packets</c>: every column of <c>packet_rows</c> with the addresses as text (the columns and order the
    /// table had before addresses were stored as integers, so user SQL keeps working), followed by the integer
    /// forms: <c>src_ip</c>/<c>dst_ip</c> (ip_key: one 128-bit key per address), <c>src4</c>, <c>dst4</c>,
    /// <c>src6</c>, <c>dst6</c>, <c>inner_src_ip</c>, <c>inner_dst_ip</c>. Queries that only group or join on
    /// addresses should use the integer columns: the text is computed per row when selected.
    /// </summary>
    public const string PacketsView = """
        CREATE OR REPLACE VIEW packets AS
        SELECT file_id, frame, ts, wire_len, cap_len, eth_type, vlan, ip_ver,
               addr_text(src4, src6) AS src, addr_text(dst4, dst6) AS dst,
               proto, ttl, ip_id, ip_len, ip_opt_len, df, frag_off, mf, sport, dport, tcp_flags, tcp_seq, tcp_ack,
               tcp_win, tcp_mss, tcp_wscale, tcp_olayout, payload_len, icmp_type, icmp_code,
               CASE WHEN ip_is_mapped_v4(inner_src_ip) AND ip_is_mapped_v4(inner_dst_ip)
                    THEN ip4_text((inner_src_ip & 4294967295::UHUGEINT)::UINTEGER) ELSE ip6_text(inner_src_ip) END AS inner_src,
               CASE WHEN ip_is_mapped_v4(inner_src_ip) AND ip_is_mapped_v4(inner_dst_ip)
                    THEN ip4_text((inner_dst_ip & 4294967295::UHUGEINT)::UINTEGER) ELSE ip6_text(inner_dst_ip) END AS inner_dst,
               inner_proto, inner_sport, inner_dport,
               ip_key(src4, src6) AS src_ip, ip_key(dst4, dst6) AS dst_ip,
               src4, dst4, src6, dst6, inner_src_ip, inner_dst_ip
        FROM packet_rows
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

    /// <summary>
    /// The distinct outcomes of p0f matching in one capture file (a few hundred at most, however many SYNs): raw
    /// signature, label, match quality, MTU/link and the database that answered. <c>packet_rows.fp</c> refers to
    /// them by <c>(file_id, sig_id)</c>, so the strings are stored once per file instead of once per SYN (storing
    /// them per SYN cost more than the rest of a full ingest; bench/RESULTS.md). Read through <c>fingerprints</c>.
    /// </summary>
    public const string FingerprintSignatures = """
        CREATE TABLE IF NOT EXISTS fingerprint_signatures (
            file_id INTEGER NOT NULL,
            sig_id INTEGER NOT NULL,
            raw_sig VARCHAR NOT NULL,
            label_type VARCHAR,
            os_class VARCHAR,
            os_name VARCHAR,
            os_flavor VARCHAR,
            is_app BOOLEAN NOT NULL,
            fuzzy BOOLEAN NOT NULL,
            params VARCHAR NOT NULL,
            mtu INTEGER,
            link VARCHAR,
            fp_db VARCHAR NOT NULL
        )
        """;

    /// <summary>
    /// Passive OS fingerprints (p0f v3) of TCP SYNs and SYN+ACKs, one row per packet (docs/enrichment.md): the
    /// columns the table had before it was folded into the packet rows (so user SQL keeps working), then the
    /// integer address keys <c>src_ip</c>/<c>dst_ip</c> to group and join on without computing the text. Time,
    /// addresses and ports are the packet's.
    /// </summary>
    public const string FingerprintsView = $"""
        CREATE OR REPLACE VIEW fingerprints AS
        SELECT p.file_id, p.frame, p.ts, ip_text(ip_key(p.src4, p.src6)) AS src, ip_text(ip_key(p.dst4, p.dst6)) AS dst,
               p.sport, p.dport, CASE WHEN p.syn THEN 'syn' ELSE 'syn+ack' END AS direction,
               s.raw_sig, s.label_type, s.os_class, s.os_name, s.os_flavor, s.is_app, s.fuzzy, p.dist, s.params,
               s.mtu, s.link, p.stray, s.fp_db, ip_key(p.src4, p.src6) AS src_ip, ip_key(p.dst4, p.dst6) AS dst_ip
        FROM (SELECT *, {FingerprintSigIdSql} AS sig_id, {FingerprintDistSql} AS dist, {FingerprintStraySql} AS stray,
                     {FingerprintSynSql} AS syn
              FROM packet_rows WHERE fp IS NOT NULL) p
        JOIN fingerprint_signatures s ON s.file_id = p.file_id AND s.sig_id = p.sig_id
        """;

    /// <summary>
    /// SQL literals for the <c>src4</c>/<c>src6</c> (or <c>dst4</c>/<c>dst6</c>) columns of <c>packet_rows</c> for an
    /// address written as text (test fixtures and synthetic data write rows in SQL): a dotted quad fills the IPv4
    /// column, anything else is parsed as IPv6. Throws on text that is not an address (trusted input).
    /// </summary>
    public static (string V4, string V6) AddressLiterals(string text)
    {
        if (!System.Net.IPAddress.TryParse(text, out var parsed))
            throw new FormatException($"not an IP address: '{text}'");
        var a = Apiary.Core.IpAddress128.FromIPAddress(parsed);
        return parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? (a.V4.ToString(System.Globalization.CultureInfo.InvariantCulture), "NULL")
            : ("NULL", new UInt128(a.Hi, a.Lo).ToString(System.Globalization.CultureInfo.InvariantCulture) + "::UHUGEINT");
    }

    public static IReadOnlyList<string> All { get; } =
        [CaptureFiles, PacketRows, AddressMacros, PacketsView, Anomalies, AnomalyCounts, FingerprintSignatures, FingerprintsView];
}
