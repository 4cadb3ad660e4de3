#!/usr/bin/env bash
# Whole-process `apiary enrich` on the 1M-distinct-source store, two CLI builds in alternating pairs
# (OLD, NEW, OLD, NEW, ...): on a shared 2-core machine whose load changes by the minute, only alternating runs
# compare two builds fairly. Each run gets a fresh copy of the store (the template is never modified) and the
# copy is deleted afterwards. Prints one line per run and the medians (wall, user CPU, peak RSS).
# Usage: bench/enrich-pairs.sh OLD_CLI NEW_CLI [PAIRS]   (run from a folder where data-packages/node_modules is
# found, e.g. the repository root; the store comes from `dotnet run -c Release --project bench/Apiary.Bench.Enrich
# -- --store /tmp/enrichbench`; STORE=path overrides it)
set -euo pipefail
old="$1"; new="$2"; pairs="${3:-5}"
store="${STORE:-/tmp/enrichbench/enrich-1000000.duckdb}"
[ -s "$store" ] || { echo "no store at $store (build it with bench/Apiary.Bench.Enrich --store)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for _ in $(seq 1 "$pairs"); do
    for which in old new; do
        cli="$old"; [ "$which" = new ] && cli="$new"
        cp "$store" "$work/copy.duckdb"
        rm -f "$work/copy.duckdb.wal"
        /usr/bin/time -f '%e %U %M' -o "$work/time.txt" "$cli" enrich --db "$work/copy.duckdb" > "$work/out.txt" 2>&1 ||
            { echo "FAILED: $cli" >&2; cat "$work/out.txt" >&2; exit 1; }
        read -r wall user rss < "$work/time.txt"
        echo "$which $wall s wall, $user s user, $((rss / 1024)) MiB peak RSS, load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$work/runs.txt"
        rm -f "$work/copy.duckdb" "$work/copy.duckdb.wal"
    done
done
for which in old new; do
    grep "^$which " "$work/runs.txt" | awk -v w="$which" '
        { wall[NR] = $2; user[NR] = $5; rss[NR] = $8 }
        function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                           return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        END { printf "%s median of %d: %.2f s wall, %.2f s user, %d MiB peak RSS\n", w, NR, median(wall, NR), median(user, NR), median(rss, NR) }'
done
