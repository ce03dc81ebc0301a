#!/usr/bin/env bash
# Snapshot every command's output — terminal text, `--format csv`, `--format json`, the
# generated sheets of `run --out` (every part of the written workbook, one XML tag a line) and
# the weekly PDF's text — on the sample workbooks and the UCI workbooks, so that a refactoring
# of the presentation layer can be checked to change nothing:
#
#   scripts/snapshot-outputs.sh /tmp/before          # on the old code
#   scripts/snapshot-outputs.sh /tmp/after           # on the new code
#   diff -r /tmp/before /tmp/after                   # must print nothing
#
# BIN names the binary (default: $CARGO_TARGET_DIR/debug/dangol, built first with
# `cargo build`). The UCI workbooks come from ../shared/data (see its README); the two
# rebuilt full-size ones (0.5–1M rows) only with SNAPSHOT_FULL=1. Needs python3 and
# pdftotext (poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-/tmp/h17-before}
target=${CARGO_TARGET_DIR:-target}
bin=${BIN:-$target/debug/dangol}
data=../shared/data
if [ -z "${BIN:-}" ]; then
    cargo build --quiet --bin dangol
fi
[ -x "$bin" ] || { echo "snapshot-outputs: no binary at $bin" >&2; exit 2; }
bin=$(realpath "$bin")
command -v pdftotext >/dev/null || { echo "snapshot-outputs: pdftotext missing" >&2; exit 2; }

# A hermetic environment: no DANGOL_* setting of the caller's leaks in.
while IFS='=' read -r name _; do
    case $name in DANGOL_*) unset "$name" ;; esac
done < <(env)
export NO_COLOR=1 TZ=UTC LC_ALL=C.UTF-8

rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One command's stdout, stderr and exit code, under NAME in the snapshot folder.
# Paths of the temporary folder are replaced by WORK so two snapshots compare.
snap() {
    local name=$1
    shift
    local rc=0
    (cd "$work" && "$bin" "$@") >"$out/$name.stdout" 2>"$out/$name.stderr" || rc=$?
    echo "$rc" >"$out/$name.rc"
    sed -i "s#$work#WORK#g" "$out/$name.stdout" "$out/$name.stderr"
}

# Every part of an .xlsx as text, one tag a line (the zip's own timestamps are left out).
dump_xlsx() {
    python3 - "$1" "$2" <<'PY'
import re, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z, open(dst, "w", encoding="utf-8") as f:
    for name in sorted(z.namelist()):
        data = z.read(name)
        f.write(f"=== {name} ({len(data)} bytes)\n")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            f.write("(binary)\n")
            continue
        f.write(re.sub(r">\s*<", ">\n<", text))
        f.write("\n")
PY
}

pdf_text() {
    if [ -s "$1" ]; then
        pdftotext -layout "$1" "$2"
    else
        echo "(no pdf)" >"$2"
    fi
}

# All the commands on one workbook: LABEL PATH [EXTRA GLOBAL FLAGS…].
snap_workbook() {
    local label=$1 src=$2
    shift 2
    local wb="$work/$label.${src##*.}"
    cp "$src" "$wb"
    local g=(--as-of latest "$@")
    local fmt
    for fmt in table csv json; do
        local f=(--format "$fmt")
        snap "$label.customers.$fmt" customers "$wb" "${g[@]}" "${f[@]}"
        snap "$label.customers-verbose.$fmt" customers "$wb" "${g[@]}" "${f[@]}" --verbose
        snap "$label.customers-top-orders.$fmt" customers "$wb" "${g[@]}" "${f[@]}" --top 5 --sort orders
        snap "$label.customers-movement.$fmt" customers "$wb" "${g[@]}" "${f[@]}" --movement
        snap "$label.customers-duplicates.$fmt" customers "$wb" "${g[@]}" "${f[@]}" --duplicates
        snap "$label.funnel.$fmt" funnel "$wb" "${g[@]}" "${f[@]}"
        snap "$label.funnel-strict-customer.$fmt" funnel "$wb" "${g[@]}" "${f[@]}" --mode strict --unit customer
        snap "$label.funnel-pipeline.$fmt" funnel "$wb" "${g[@]}" "${f[@]}" --pipeline
        local by
        for by in week month channel vip responder; do
            snap "$label.funnel-by-$by.$fmt" funnel "$wb" "${g[@]}" "${f[@]}" --by "$by"
        done
        snap "$label.groups.$fmt" groups "$wb" "${g[@]}" "${f[@]}"
        snap "$label.remind.$fmt" remind "$wb" "${g[@]}" "${f[@]}"
        snap "$label.value.$fmt" value "$wb" "${g[@]}" "${f[@]}"
        snap "$label.stock.$fmt" stock "$wb" "${g[@]}" "${f[@]}"
        snap "$label.stock-low.$fmt" stock "$wb" "${g[@]}" "${f[@]}" --low
        snap "$label.check.$fmt" check "$wb" "${g[@]}" "${f[@]}"
        snap "$label.value-top.$fmt" value "$wb" "${g[@]}" "${f[@]}" --top 5
        snap "$label.remind-verbose.$fmt" remind "$wb" "${g[@]}" "${f[@]}" --verbose
        snap "$label.today.$fmt" today "$wb" "${g[@]}" "${f[@]}" --at 10:00
        snap "$label.today-evening.$fmt" today "$wb" "${g[@]}" "${f[@]}" --at 21:30
        snap "$label.customers-grade.$fmt" customers "$wb" "${g[@]}" "${f[@]}" --grade VIP --verbose
    done
    snap "$label.today-csv" today "$wb" "${g[@]}" --at 10:00 --csv "$work/$label.today.csv"
    cp "$work/$label.today.csv" "$out/$label.today-file.csv" 2>/dev/null || true
    dump_dir() {
        local dir=$1 dst=$2 f
        : >"$dst"
        for f in "$dir"/*; do
            [ -e "$f" ] || continue
            { echo "=== $(basename "$f")"; cat "$f"; echo; } >>"$dst"
        done
    }
    mkdir -p "$work/$label.today-eml" "$work/$label.remind-eml" "$work/$label.stock-orders"
    snap "$label.today-eml" today "$wb" "${g[@]}" --at 10:00 --eml "$work/$label.today-eml"
    dump_dir "$work/$label.today-eml" "$out/$label.today-eml.txt"
    snap "$label.remind-eml" remind "$wb" "${g[@]}" --eml "$work/$label.remind-eml"
    dump_dir "$work/$label.remind-eml" "$out/$label.remind-eml.txt"
    snap "$label.stock-orders" stock "$wb" "${g[@]}" --orders "$work/$label.stock-orders"
    dump_dir "$work/$label.stock-orders" "$out/$label.stock-orders.txt"
    printf '%s\n' "$woo" >"$work/woo.csv"
    snap "$label.import-products" import-products "$wb" "$work/woo.csv" "${g[@]}"
    printf 'dawoo.oh63@hanmail.net\ncheolkyung.ahn36@naver.com\nnobody@example.com\nnobody@example.com\n' >"$work/list.txt"
    snap "$label.groups-add" groups add "$wb" --group 클럽 --emails "$work/list.txt" "${g[@]}"
    if [ "${src##*.}" = xlsx ]; then
        local ap="$work/$label.apply.xlsx"
        cp "$src" "$ap"
        snap "$label.import-products-apply" import-products "$ap" "$work/woo.csv" "${g[@]}" --apply
        dump_xlsx "$ap" "$out/$label.import-products-apply.xlsx.txt"
        cp "$src" "$ap"
        snap "$label.remind-apply" remind "$ap" "${g[@]}" --apply --out "$work/$label.remind-apply.xlsx"
        [ -s "$work/$label.remind-apply.xlsx" ] && dump_xlsx "$work/$label.remind-apply.xlsx" "$out/$label.remind-apply.xlsx.txt"
        cp "$src" "$ap"
        snap "$label.today-apply" today "$ap" "${g[@]}" --at 10:00 --apply --out "$work/$label.today-apply.xlsx"
        [ -s "$work/$label.today-apply.xlsx" ] && dump_xlsx "$work/$label.today-apply.xlsx" "$out/$label.today-apply.xlsx.txt"
        rm -f "$ap"
    fi
    snap "$label.remind-csv" remind "$wb" "${g[@]}" --csv "$work/$label.remind.csv"
    cp "$work/$label.remind.csv" "$out/$label.remind-file.csv" 2>/dev/null || true
    snap "$label.groups-csv" groups "$wb" "${g[@]}" --csv "$work/$label.promo.csv"
    cp "$work/$label.promo.csv" "$out/$label.groups-file.csv" 2>/dev/null || true
    snap "$label.report" report "$wb" "${g[@]}" --out "$work/$label.report.pdf"
    pdf_text "$work/$label.report.pdf" "$out/$label.report.pdf.txt"
    mkdir -p "$work/$label.reports"
    snap "$label.run" run "$wb" "${g[@]}" --out "$work/$label.out.xlsx" --report-dir "$work/$label.reports"
    if [ -s "$work/$label.out.xlsx" ]; then
        dump_xlsx "$work/$label.out.xlsx" "$out/$label.run.xlsx.txt"
    fi
    local pdf
    for pdf in "$work/$label.reports"/*.pdf; do
        [ -e "$pdf" ] || continue
        pdf_text "$pdf" "$out/$label.run.$(basename "$pdf").txt"
    done
    rm -f "$wb"
}

# A WooCommerce product export for `import-products` (good rows, a variation, bad lines).
woo='ID,Type,SKU,Name,Published,"In stock?",Stock,"Low stock amount","Sale price","Regular price",Parent,"Attribute 1 name","Attribute 1 value(s)"
10,simple,A-1,Mug,1,1,8,5,,12000,,,
20,variable,TS,T-shirt,1,1,,4,,,,Size,"S, M, L"
21,variation,TS-S,T-shirt - S,1,1,6,,,20000,id:20,Size,S
23,variation,TS-X,T-shirt - XL,1,1,ten,,,20000,id:20,Size,XL
30,grouped,G-1,Gift set,1,1,,,,,,,'

snap_workbook shop sample-data/shop.xlsx
snap_workbook shop-lang-en sample-data/shop.xlsx --lang en
snap_workbook shop-en sample-data/shop-en.xlsx
snap_workbook shop-en-lang-ko sample-data/shop-en.xlsx --lang ko
snap_workbook sales-cp949 sample-data/sales-cp949.csv

uci=(
    "uci-excel:$data/online-retail/beautifugift__Online_Retail.xlsx"
    "uci-ii-mac:$data/online-retail/Sammy-E__online_retail_II.xlsx"
)
if [ "${SNAPSHOT_FULL:-0}" = 1 ]; then
    uci+=(
        "uci-full:$data/online-retail/derived/Online Retail (rebuilt from parquet).xlsx"
        "uci-ii-full:$data/online-retail/derived/online_retail_II (rebuilt).xlsx"
    )
fi
for entry in "${uci[@]}"; do
    label=${entry%%:*}
    path=${entry#*:}
    [ -e "$path" ] || { echo "snapshot-outputs: missing $path (see $data/README.md)" >&2; exit 2; }
    snap_workbook "$label" "$path"
done

echo "snapshot-outputs: $(find "$out" -type f | wc -l) files in $out"
