#!/usr/bin/env bash
# Fingerprinting overhead on a full ingest (enrichment issue: "fingerprint matching adds under 10 % to a full
# ingest of the 10M-packet benchmark file"). Uses the CLI and the file bench/foundation.sh publishes and generates
# (run it first). Ingests the same file into a fresh store with and without --no-fingerprints, alternating, RUNS
# pairs (default 2), and prints one Markdown row per pair in bench/RESULTS.md's format (RECORD=1 appends them).
# Wall and CPU (user+sys) come from /usr/bin/time; the overhead is given for both, since on 2 cores a busy machine
# inflates wall time much more than CPU time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/out"
packets="${PACKETS:-10000000}"
pcap="$out/honeypot-$packets.pcap"
cli="$out/cli/apiary"
[ -x "$cli" ] && [ -s "$pcap" ] || { echo "run bench/foundation.sh first (it publishes $cli and generates $pcap)" >&2; exit 1; }
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
machine="$(nproc) cores ($cpu), $(free -g | awk '/^Mem/ {print $2}') GB RAM"
rows=()
walls0=(); walls1=(); cpus0=(); cpus1=()

# run MODE: one ingest into a fresh store; prints "wall cpu rss_mib load"
run() {
    local db="$out/fp-overhead.duckdb"; rm -f "$db" "$db.wal"
    local load; load="$(cut -d' ' -f1 /proc/loadavg)"
    cat "$pcap" > /dev/null
    /usr/bin/time -f '%e %U %S %M' -o "$out/time.txt" "$cli" ingest "$pcap" --db "$db" "$@" > "$out/last.out" 2> "$out/last.err" || {
        echo "FAILED: $cli ingest $pcap $*" >&2; cat "$out/last.err" >&2; exit 1; }
    local wall user sys rss; read -r wall user sys rss < "$out/time.txt"
    echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') $((rss / 1024)) $load"
}

for pair in $(seq 1 "${RUNS:-2}"); do
    read -r w0 c0 m0 l0 < <(run --no-fingerprints)
    read -r w1 c1 m1 l1 < <(run)
    walls0+=("$w0"); walls1+=("$w1"); cpus0+=("$c0"); cpus1+=("$c1")
    fps="$("$cli" query "SELECT count(*) FROM fingerprints" --db "$out/fp-overhead.duckdb" --format csv | tail -1)"
    figure="$(awk -v w0="$w0" -v c0="$c0" -v w1="$w1" -v c1="$c1" -v m0="$m0" -v m1="$m1" -v f="$fps" 'BEGIN {
        printf "with fingerprints %.1f s wall, %.1f s CPU, %d MiB; without %.1f s wall, %.1f s CPU, %d MiB: **%+.1f %% wall, %+.1f %% CPU**; %d fingerprint rows",
               w1, c1, m1, w0, c0, m0, 100 * (w1 - w0) / w0, 100 * (c1 - c0) / c0, f }')"
    row="| apiary full ingest with vs without fingerprints (pair $pair) | target: fingerprints add < 10 % | $figure | $machine; load average $l0 / $l1 at the starts | \`apiary ingest FILE --db NEW [--no-fingerprints]\` on $packets packets (bench/fingerprint-overhead.sh) | $(date -u +%Y-%m-%d) |"
    echo "$row"
    rows+=("$row")
done
# The machine is noisy (the same ingest varies by +-20 % within minutes): a summary row with the medians of the runs.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
mw0="$(median "${walls0[@]}")"; mw1="$(median "${walls1[@]}")"; mc0="$(median "${cpus0[@]}")"; mc1="$(median "${cpus1[@]}")"
figure="$(awk -v w0="$mw0" -v w1="$mw1" -v c0="$mc0" -v c1="$mc1" -v n="${#walls0[@]}" 'BEGIN {
    printf "medians of %d runs each: with fingerprints %.1f s wall, %.1f s CPU; without %.1f s wall, %.1f s CPU: **%+.1f %% wall, %+.1f %% CPU**",
           n, w1, c1, w0, c0, 100 * (w1 - w0) / w0, 100 * (c1 - c0) / c0 }')"
row="| apiary full ingest with vs without fingerprints (medians of the pairs above) | target: fingerprints add < 10 % | $figure | $machine | \`RUNS=${#walls0[@]} bench/fingerprint-overhead.sh\` on $packets packets | $(date -u +%Y-%m-%d) |"
echo "$row"
rows+=("$row")
rm -f "$out/fp-overhead.duckdb" "$out/fp-overhead.duckdb.wal"
if [ "${RECORD:-0}" = 1 ]; then printf '%s\n' "${rows[@]}" >> "$here/RESULTS.md"; echo "appended ${#rows[@]} rows to $here/RESULTS.md" >&2; fi
