#!/usr/bin/env bash
# Benchmark: `dangol check` against a bare calamine streaming read of the same workbook
# (examples/bare_read.rs visits every cell of every sheet and keeps nothing).
#
# Usage: scripts/bench-check.sh [WORKBOOK.xlsx] [RUNS]
#   default workbook: ../shared/data/online-retail/derived/online_retail_II (rebuilt).xlsx
#   default runs: 3 (the median is reported)
#
# Needs GNU time at /usr/bin/time for peak RSS (Debian/Ubuntu: `apt-get install -y time`; the
# shell's `time` keyword cannot report memory). Prints, per program, every run's wall time,
# user+sys CPU time and peak RSS, then the medians, the ratio dangol/bare and dangol's peak RSS.
# On a shared machine the wall-time ratio is noisy; the CPU-time ratio is printed beside it.
# Target (issue 2): wall ratio <= 1.3 and dangol peak RSS < 100 MB.
set -euo pipefail

cd "$(dirname "$0")/.."
BOOK=${1:-"../shared/data/online-retail/derived/online_retail_II (rebuilt).xlsx"}
RUNS=${2:-3}

if [ ! -x /usr/bin/time ]; then
    echo "GNU time is missing: apt-get install -y time" >&2
    exit 2
fi
[ -f "$BOOK" ] || { echo "no such workbook: $BOOK" >&2; exit 2; }

cargo build --release --quiet --bin dangol --example bare_read
BARE=target/release/examples/bare_read
DANGOL=target/release/dangol
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# One run: prints "wall_seconds cpu_seconds peak_kb".
measure() {
    local log="$TMP/time.log"
    # dangol check exits 1 when the data has errors; that is a result, not a failure here.
    /usr/bin/time -v -o "$log" "$@" >"$TMP/out" 2>"$TMP/err" || true
    awk -F': ' '
        /Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); w = 0
            for (i = 1; i <= n; i++) w = w * 60 + p[i]
        }
        /User time/   { u = $2 }
        /System time/ { s = $2 }
        /Maximum resident set size/ { m = $2 }
        END { printf "%.2f %.2f %d\n", w, u + s, m }' "$log"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

run_many() {
    local name=$1; shift
    : >"$TMP/$name"
    for i in $(seq "$RUNS"); do
        read -r wall cpu kb < <(measure "$@")
        echo "$wall $cpu $kb" >>"$TMP/$name"
        printf '  %-7s run %d: wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MB\n' \
            "$name" "$i" "$wall" "$cpu" "$(echo "$kb / 1024" | bc -l)"
    done
}

echo "workbook: $BOOK"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
run_many bare "$BARE" "$BOOK"
run_many dangol "$DANGOL" check "$BOOK" --format json --set cancel_prefix=C
"$BARE" "$BOOK" | tail -1 | sed 's/^/bare_read: /'

col() { awk -v c="$2" '{ print $c }' "$TMP/$1" | median; }
bw=$(col bare 1); bc_=$(col bare 2); bm=$(col bare 3)
dw=$(col dangol 1); dc=$(col dangol 2); dm=$(col dangol 3)
echo
printf 'median wall: bare %.2f s, dangol check %.2f s, ratio %.2f\n' "$bw" "$dw" "$(echo "$dw / $bw" | bc -l)"
printf 'median cpu:  bare %.2f s, dangol check %.2f s, ratio %.2f\n' "$bc_" "$dc" "$(echo "$dc / $bc_" | bc -l)"
printf 'peak RSS:    bare %.1f MB, dangol check %.1f MB\n' "$(echo "$bm / 1024" | bc -l)" "$(echo "$dm / 1024" | bc -l)"
