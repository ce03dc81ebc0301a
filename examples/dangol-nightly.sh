#!/bin/sh
# Wrapper for running `dangol run` from cron (see examples/crontab).
#
#   dangol-nightly.sh WORKBOOK [more dangol run flags...]
#
# Changes into the workbook's folder (so a dangol.toml there is found and reports/ lands
# beside it), runs `dangol run --quiet`, appends a time-stamped record of anything printed to
# dangol.log in that folder, and exits with dangol's own exit status:
#   0 ok, 1 data or write error, 2 usage error, 3 locked by another run or open in Excel.
# Set DANGOL to the binary's path if it is not on cron's PATH; DANGOL_LOG to log elsewhere.
set -u

if [ "$#" -lt 1 ]; then
    echo "usage: $0 WORKBOOK [dangol run flags...]" >&2
    exit 2
fi
workbook=$1
shift
dangol=${DANGOL:-dangol}
dir=$(dirname -- "$workbook")
name=$(basename -- "$workbook")

cd -- "$dir" || exit 1
log=${DANGOL_LOG:-$PWD/dangol.log}

out=$("$dangol" run "$name" --quiet "$@" 2>&1)
status=$?
if [ "$status" -ne 0 ] || [ -n "$out" ]; then
    {
        printf '%s dangol run %s: exit %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$name" "$status"
        [ -n "$out" ] && printf '%s\n' "$out"
    } >>"$log"
fi
exit "$status"
