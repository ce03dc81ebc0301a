#!/usr/bin/env bash
# Benchmark: dangol against its peers on the same machine, in paired runs (dangol and its peer
# back to back, RUNS times, medians), so the ratios hold while a shared machine's speed drifts.
#
#   1. `dangol customers FILE.csv --format csv` on the UCI Online Retail II rows as one CSV,
#      against DuckDB (`read_csv` + `GROUP BY`, the Python package);
#   2. `dangol customers` on `online_retail_II (rebuilt).xlsx`, against polars + fastexcel;
#   3. `dangol run` on a fresh copy of that workbook, against the bare calamine read
#      (examples/bare_read.rs);
#   4. `dangol customers` on `dangol sample` CSVs of 1,000,000 and 4,000,000 rows (time ratio
#      and peak memory).
#
# Usage: scripts/bench-peers.sh [RUNS]        (default 3)
#   DATA=../shared/data/online-retail   where the UCI workbook is
#   VENV=/tmp/dangol-bench-venv         a throwaway venv for duckdb, polars and fastexcel
#   SKIP_SAMPLE=1                       leave out step 4 (its 4M-row CSV takes a while)
#   DANGOL=PATH BARE=PATH               use these binaries instead of building them
#
# Everything it writes (the CSVs, copies, the venv) goes under /tmp, never into the repo.
# Needs GNU time at /usr/bin/time (Debian/Ubuntu: `apt-get install -y time`) and python3.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${1:-3}
DATA=${DATA:-../shared/data/online-retail}
BOOK="$DATA/derived/online_retail_II (rebuilt).xlsx"
VENV=${VENV:-/tmp/dangol-bench-venv}
UCI=(--as-of 2011-12-10 --set cancel_prefix=C)

[ -x /usr/bin/time ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 2; }
[ -f "$BOOK" ] || { echo "no such workbook: $BOOK (set DATA)" >&2; exit 2; }

# DANGOL=… BARE=…: binaries built already (e.g. a copy of an earlier build to compare with).
if [ -z "${DANGOL:-}" ] || [ -z "${BARE:-}" ]; then
    cargo build --release --quiet --bin dangol --example bare_read
fi
DANGOL=${DANGOL:-target/release/dangol}
BARE=${BARE:-target/release/examples/bare_read}
TMP=$(mktemp -d /tmp/dangol-bench-peers.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet duckdb polars fastexcel pyarrow
fi
PY="$VENV/bin/python"

# The peers. Both compute what `dangol customers` computes at its core: per customer, the
# distinct invoices, the net total (quantity × price) and the last order date.
cat >"$TMP/duck.py" <<'EOF'
import sys, duckdb
rows = duckdb.sql(f"""
    SELECT "Customer ID" AS customer, count(DISTINCT Invoice) AS orders,
           sum(Quantity * Price) AS total, max(InvoiceDate) AS last_order
    FROM read_csv('{sys.argv[1]}', header = true)
    WHERE "Customer ID" IS NOT NULL
    GROUP BY ALL ORDER BY total DESC""").fetchall()
print(len(rows), "customers")
EOF
cat >"$TMP/polars_peer.py" <<'EOF'
import sys, polars as pl
sheets = pl.read_excel(sys.argv[1], sheet_id=0, engine="calamine")
df = pl.concat(list(sheets.values()))
out = (df.filter(pl.col("Customer ID").is_not_null())
         .group_by("Customer ID")
         .agg(pl.col("Invoice").n_unique().alias("orders"),
              (pl.col("Quantity") * pl.col("Price")).sum().alias("total"),
              pl.col("InvoiceDate").max().alias("last_order"))
         .sort("total", descending=True))
print(out.height, "customers")
EOF
# The UCI II rows as one CSV, written from the workbook by polars (calamine) with ISO dates.
cat >"$TMP/prep.py" <<'EOF'
import sys, polars as pl
sheets = pl.read_excel(sys.argv[1], sheet_id=0, engine="calamine")
df = pl.concat([d.with_columns(pl.col("Customer ID").cast(pl.Int64)) for d in sheets.values()])
df.write_csv(sys.argv[2], datetime_format="%Y-%m-%d %H:%M:%S")
print(df.height, "rows", file=sys.stderr)
EOF
CSV="$TMP/online_retail_II.csv"
"$PY" "$TMP/prep.py" "$BOOK" "$CSV"

measure() {
    local log="$TMP/time.log"
    /usr/bin/time -v -o "$log" "$@" >"$TMP/out" 2>"$TMP/err" || { echo "failed: $*" >&2; cat "$TMP/err" >&2; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
        /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
        END { printf "%.2f %.2f %d\n", w, u + s, m }' "$log"
}
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
col() { awk -v c="$2" '{ print $c }' "$TMP/$1" | median; }
mb() { echo "$1 / 1024" | bc -l; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CSV: $(wc -c <"$CSV") bytes, $(($(wc -l <"$CSV") - 1)) rows"
for f in csv duck xlsx polars run bare; do : >"$TMP/$f"; done
for i in $(seq "$RUNS"); do
    measure "$DANGOL" customers "$CSV" --format csv "${UCI[@]}" >>"$TMP/csv"
    measure "$PY" "$TMP/duck.py" "$CSV" >>"$TMP/duck"
    measure "$DANGOL" customers "$BOOK" --format csv "${UCI[@]}" >>"$TMP/xlsx"
    measure "$PY" "$TMP/polars_peer.py" "$BOOK" >>"$TMP/polars"
    cp "$BOOK" "$TMP/copy.xlsx" && chmod u+w "$TMP/copy.xlsx"
    measure "$DANGOL" run "$TMP/copy.xlsx" --no-report --quiet "${UCI[@]}" >>"$TMP/run"
    measure "$BARE" "$BOOK" >>"$TMP/bare"
    echo "  round $i: csv $(tail -1 "$TMP/csv") | duckdb $(tail -1 "$TMP/duck") | xlsx $(tail -1 "$TMP/xlsx") | polars $(tail -1 "$TMP/polars") | run $(tail -1 "$TMP/run") | bare $(tail -1 "$TMP/bare")   (wall s, cpu s, peak KB)"
done

row() { # label dangol-file peer-label peer-file
    local dw pw
    dw=$(col "$2" 1); pw=$(col "$4" 1)
    printf '| %s | %.2f s, %.0f MB | %s %.2f s, %.0f MB | **%.2f×** (CPU %.2f×) |\n' "$1" "$dw" "$(mb "$(col "$2" 3)")" \
        "$3" "$pw" "$(mb "$(col "$4" 3)")" "$(echo "$dw / $pw" | bc -l)" "$(echo "$(col "$2" 2) / $(col "$4" 2)" | bc -l)"
}
echo
echo "| job | dangol (median wall, peak RSS) | peer | ratio (wall) |"
echo "|---|---|---|---|"
row "customers, UCI II as one CSV" csv "DuckDB" duck
row "customers, rebuilt xlsx" xlsx "polars + fastexcel" polars
row "run, rebuilt xlsx" run "bare calamine read" bare

if [ -z "${SKIP_SAMPLE:-}" ]; then
    "$DANGOL" sample --out "$TMP/s1m.csv" --customers 20000 --rows 1000000 --as-of 2026-11-22 >/dev/null
    "$DANGOL" sample --out "$TMP/s4m.csv" --customers 80000 --rows 4000000 --as-of 2026-11-22 >/dev/null
    : >"$TMP/s1"; : >"$TMP/s4"
    for i in $(seq "$RUNS"); do
        measure "$DANGOL" customers "$TMP/s1m.csv" --format csv --as-of 2026-11-22 >>"$TMP/s1"
        measure "$DANGOL" customers "$TMP/s4m.csv" --format csv --as-of 2026-11-22 >>"$TMP/s4"
        echo "  sample round $i: 1M $(tail -1 "$TMP/s1") | 4M $(tail -1 "$TMP/s4")"
    done
    s1=$(col s1 1); s4=$(col s4 1)
    printf '| customers, sample CSV 1M → 4M rows | %.2f s, %.0f MB → %.2f s, %.0f MB | — | **%.2f×** time for 4× rows |\n' \
        "$s1" "$(mb "$(col s1 3)")" "$s4" "$(mb "$(col s4 3)")" "$(echo "$s4 / $s1" | bc -l)"
fi
