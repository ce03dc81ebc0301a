#!/usr/bin/env bash
# Benchmark: `dangol run` (read, analyse, write the result sheets back) against the bare calamine
# streaming read (examples/bare_read.rs) of the same workbook. `run` writes into the workbook, so
# each run works on a fresh copy under /tmp; the shared data is never touched.
#
# Usage: scripts/bench-run.sh [WORKBOOK.xlsx] [RUNS]
#   default workbook: ../shared/data/online-retail/derived/online_retail_II (rebuilt).xlsx
#   default runs: 3 (the median is reported)
#
# Needs GNU time at /usr/bin/time (Debian/Ubuntu: `apt-get install -y time`).
set -euo pipefail

cd "$(dirname "$0")/.."
BOOK=${1:-"../shared/data/online-retail/derived/online_retail_II (rebuilt).xlsx"}
RUNS=${2:-3}
AS_OF=${AS_OF:-2011-12-10}

[ -x /usr/bin/time ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 2; }
[ -f "$BOOK" ] || { echo "no such workbook: $BOOK" >&2; exit 2; }

cargo build --release --quiet --bin dangol --example bare_read
BARE=target/release/examples/bare_read
DANGOL=target/release/dangol
if ! "$DANGOL" run --help >/dev/null 2>&1; then
    echo "this build has no 'dangol run' command yet" >&2
    exit 2
fi
TMP=$(mktemp -d /tmp/dangol-bench-run.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

measure() {
    local log="$TMP/time.log"
    /usr/bin/time -v -o "$log" "$@" >"$TMP/out" 2>"$TMP/err" || true
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
        /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
        END { printf "%.2f %.2f %d\n", w, u + s, m }' "$log"
}
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "workbook: $BOOK (as of $AS_OF)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$TMP/bare"; : >"$TMP/run"
for i in $(seq "$RUNS"); do
    measure "$BARE" "$BOOK" >>"$TMP/bare"
    cp "$BOOK" "$TMP/copy.xlsx"
    chmod u+w "$TMP/copy.xlsx"   # the shared data is read-only; its copy must not be
    measure "$DANGOL" run "$TMP/copy.xlsx" --as-of "$AS_OF" --no-report --set cancel_prefix=C >>"$TMP/run"
    printf '  run %d: bare %s | dangol run %s (wall s, cpu s, peak KB)\n' "$i" "$(tail -1 "$TMP/bare")" "$(tail -1 "$TMP/run")"
done
tail -3 "$TMP/err" | sed 's/^/  dangol run stderr: /'
col() { awk -v c="$2" '{ print $c }' "$TMP/$1" | median; }
bw=$(col bare 1); rw=$(col run 1); rc=$(col run 2); bc_=$(col bare 2); rm_=$(col run 3)
printf 'median wall: bare %.2f s, dangol run %.2f s, ratio %.2f\n' "$bw" "$rw" "$(echo "$rw / $bw" | bc -l)"
printf 'median cpu:  bare %.2f s, dangol run %.2f s, ratio %.2f\n' "$bc_" "$rc" "$(echo "$rc / $bc_" | bc -l)"
printf 'dangol run peak RSS: %.1f MB\n' "$(echo "$rm_ / 1024" | bc -l)"
