#!/usr/bin/env bash
# Opens each workbook with LibreOffice (headless) and converts every sheet to CSV; fails when
# LibreOffice reports an error, or when a sheet produced no CSV.
#
#   scripts/lo-check.sh FILE|DIR...
#
# A DIR stands for every .xlsx/.xlsm below it (e.g. `scripts/lo-check.sh target/lo-check`
# after `cargo test`, which keeps the workbooks the tests write there); a DIR holding none is
# an error, so a CI step cannot pass by checking nothing.
#
# Needs LibreOffice 7.2+ (Debian: apt-get install libreoffice-calc-nogui). Each run uses its
# own throwaway LibreOffice profile, so it never touches a user's settings and can run beside
# another LibreOffice.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 FILE|DIR..." >&2
    exit 2
fi

files=()
for arg in "$@"; do
    if [ -d "$arg" ]; then
        found=$(find "$arg" -type f \( -iname '*.xlsx' -o -iname '*.xlsm' \) | LC_ALL=C sort)
        if [ -z "$found" ]; then
            echo "lo-check: no .xlsx/.xlsm files under $arg" >&2
            exit 2
        fi
        while IFS= read -r f; do files+=("$f"); done <<<"$found"
    else
        files+=("$arg")
    fi
done
command -v soffice >/dev/null || { echo "lo-check: soffice not found (install LibreOffice)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
profile="file://$work/profile"
failed=0

for file in "${files[@]}"; do
    if [ ! -f "$file" ]; then
        echo "FAIL $file: no such file" >&2
        failed=1
        continue
    fi
    # Sheet names from the package itself (xl/workbook.xml), to know how many CSVs to expect.
    sheets=$(python3 - "$file" <<'EOF'
import re, sys, zipfile, html
with zipfile.ZipFile(sys.argv[1]) as z:
    wb = z.read("xl/workbook.xml").decode("utf-8")
for m in re.finditer(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', wb):
    print(html.unescape(m.group(1)))
EOF
)
    expected=$(printf '%s\n' "$sheets" | grep -c . || true)
    out="$work/out/$(basename "$file")"
    mkdir -p "$out"
    log="$work/log.txt"
    # Field 12 = -1: one CSV per sheet (NAME-SHEET.csv); UTF-8 (76), comma, double quote.
    if ! soffice -env:UserInstallation="$profile" --headless --norestore \
        --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
        --outdir "$out" "$file" >"$log" 2>&1; then
        echo "FAIL $file: soffice exited with an error" >&2
        cat "$log" >&2
        failed=1
        continue
    fi
    if grep -qi "error" "$log"; then
        echo "FAIL $file: LibreOffice reported an error" >&2
        cat "$log" >&2
        failed=1
        continue
    fi
    got=$(find "$out" -name '*.csv' | wc -l)
    if [ "$got" -ne "$expected" ]; then
        echo "FAIL $file: $expected sheets but $got CSV files" >&2
        failed=1
        continue
    fi
    echo "ok   $file ($got sheets: $(printf '%s' "$sheets" | tr '\n' ',' ))"
done

exit "$failed"
