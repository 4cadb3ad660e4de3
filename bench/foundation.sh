#!/usr/bin/env bash
# Foundation benchmarks (documented in bench/README.md): generates a honeypot-like classic pcap once
# (default 10M packets, ~1.8 GB, with `apiary simulate --packets`), then measures whole processes, one after the
# other, with /usr/bin/time (wall time, CPU time, peak RSS):
#   cat FILE > /dev/null             the disk/page-cache floor
#   tcpdump -nr FILE > /dev/null     libpcap read + print (the usual tool)
#   p0f -r FILE                      optional (P0F=1): passive fingerprinting of the same file
#   apiary ingest --dry-run FILE     Apiary read + decode only, one thread, nothing stored
#   apiary ingest FILE --db NEW      full ingest into a fresh DuckDB file (with fingerprints and enrichment)
#   ... --no-fingerprints            the same without the passive OS fingerprints
#   Apiary.Bench.StoreFloor NEW      DuckDB copying the stored packet rows into a new table (the write floor),
#                                    all columns, the columns the foundation issue names, the analyses' columns
# Prints one Markdown row per measurement in bench/RESULTS.md's format; with RECORD=1 appends them there.
# Environment: PACKETS (default 10000000), GEO_DB (country database for the simulator if ./scripts/setup.sh
# has not installed it), P0F=1, RECORD=1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="$here/out"
mkdir -p "$out"
packets="${PACKETS:-10000000}"
pcap="$out/honeypot-$packets.pcap"
cli="$out/cli/apiary"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "building the CLI (Release) into $out/cli ..." >&2
dotnet publish "$repo/src/Apiary.Cli/Apiary.Cli.csproj" -c Release -o "$out/cli" --nologo -v q >&2

if [ ! -s "$pcap" ]; then
    echo "generating $pcap ($packets packets) ..." >&2
    "$cli" simulate --packets "$packets" --out "$pcap" ${GEO_DB:+--geo-db "$GEO_DB"} >&2
fi
size_mb=$(( $(stat -c %s "$pcap") / 1048576 ))
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
ram="$(free -g | awk '/^Mem/ {print $2}')"
machine="$(nproc) cores ($cpu), ${ram} GB RAM"
day="$(date -u +%Y-%m-%d)"
rows=()

# measure NAME COMPARED-WITH COMMAND...: runs the command once (stdout to /dev/null), prints a RESULTS.md row.
measure() {
    local name="$1" compared="$2"; shift 2
    local load; load="$(cut -d' ' -f1 /proc/loadavg)"
    cat "$pcap" > /dev/null   # same page-cache state for every run
    local sink=/dev/null   # what the tools print is not part of the measurement; Apiary's summary line is kept
    case "$name" in apiary*) sink="$out/last.out" ;; esac
    /usr/bin/time -f '%e %U %S %M' -o "$out/time.txt" "$@" > "$sink" 2> "$out/last.err" || {
        echo "FAILED: $*" >&2; cat "$out/last.err" >&2; return 1; }
    local wall user sys rss; read -r wall user sys rss < "$out/time.txt"
    local figure
    figure="$(awk -v p="$packets" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
        printf "%.2fM packets/s wall (%.1f s), %.2fM packets per CPU-second (%.1f s user+sys), peak RSS %d MiB",
               p / w / 1e6, w, p / (u + s) / 1e6, u + s, r / 1024 }')"
    local row="| $name | $compared | $figure | $machine; load average $load at start | \`${*/#$repo\//}\` on ${size_mb} MiB, $packets packets | $day |"
    echo "$row"
    rows+=("$row")
}

measure "read file (floor)" "-" cat "$pcap"
if command -v tcpdump > /dev/null; then measure "tcpdump read+print" "tcpdump 4.99 (Debian)" tcpdump -nr "$pcap"; fi
if [ "${P0F:-0}" = 1 ] && command -v p0f > /dev/null; then measure "p0f read+fingerprint" "p0f 3 (Debian)" p0f -r "$pcap"; fi
measure "apiary read+decode, 1 thread" "tcpdump row above; target >= 8M packets/s" "$cli" ingest --dry-run "$pcap"
db="$out/bench.duckdb"; rm -f "$db" "$db.wal"
measure "apiary full ingest into DuckDB" "target >= 2M packets/s, peak RSS < 1 GiB" "$cli" ingest "$pcap" --db "$db"
echo "store file: $(( $(stat -c %s "$db") / 1048576 )) MiB; $(cat "$out/last.out" | tail -1)" >&2
# The same without the passive OS fingerprints (enrichment issue): the foundation's own load.
db2="$out/bench-nofp.duckdb"; rm -f "$db2" "$db2.wal"
measure "apiary full ingest into DuckDB, --no-fingerprints" "target >= 2M packets/s, peak RSS < 1 GiB" "$cli" ingest "$pcap" --db "$db2" --no-fingerprints
rm -f "$db2" "$db2.wal"

# DuckDB's own write floor on the same rows: packet_rows copied inside DuckDB (no .NET, no decoding), all columns
# and the 11 the analyses read. No ingest into this schema can be faster than these lines on this machine.
floor_load="$(cut -d' ' -f1 /proc/loadavg)"
echo "DuckDB write floor (load average $floor_load):" >&2
while IFS= read -r line; do
    echo "$line" >&2
    rows+=("| DuckDB's own copy of the stored rows (write floor): ${line%%:*} | no ingest into this schema can be faster | ${line#*: } | $machine; load average $floor_load at start | \`dotnet run -c Release --project bench/Apiary.Bench.StoreFloor -- STORE\` on the store of the full ingest above | $day |")
done < <(dotnet run -c Release --project "$here/Apiary.Bench.StoreFloor" -- "$db")

if [ "${RECORD:-0}" = 1 ]; then
    printf '%s\n' "${rows[@]}" >> "$here/RESULTS.md"
    echo "appended ${#rows[@]} rows to $here/RESULTS.md" >&2
fi
