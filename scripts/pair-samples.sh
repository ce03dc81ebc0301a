#!/usr/bin/env bash
# Paired rounds of `dangol customers` on the 1M- and 4M-row `dangol sample` CSVs, for two
# builds back to back (issue 21's "4M time ≤ 4.2× the 1M time" and "≤ 150 MB"), then the
# medians and the 4M/1M ratios.
#
#   scripts/pair-samples.sh ROUNDS OLD_BIN NEW_BIN
#
# The samples are made once in ${TMPDIR:-/tmp} with NEW_BIN (the same file on any machine).
set -euo pipefail
rounds=${1:?rounds}; old=${2:?old binary}; new=${3:?new binary}
tmp=${TMPDIR:-/tmp}
[ -f "$tmp/s1m.csv" ] || "$new" sample --out "$tmp/s1m.csv" --customers 20000 --rows 1000000 --as-of 2026-11-22 >/dev/null
[ -f "$tmp/s4m.csv" ] || "$new" sample --out "$tmp/s4m.csv" --customers 80000 --rows 4000000 --as-of 2026-11-22 >/dev/null
log=$(mktemp)
for _ in $(seq "$rounds"); do
  for size in 1m 4m; do
    for bin in "$old" "$new"; do
      name=old; [ "$bin" = "$new" ] && name=new
      /usr/bin/time -f "$name $size %e %U %S %M" -a -o "$log" \
        "$bin" customers "$tmp/s$size.csv" --format csv --as-of 2026-11-22 >/dev/null
    done
  done
done
python3 - "$log" <<'PY'
import collections, statistics as st, sys
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    b, size, wall, user, sys_, kb = line.split()
    d[b, size].append((float(wall), float(user) + float(sys_), int(kb)))
for b in ("old", "new"):
    one, four = d[b, "1m"], d[b, "4m"]
    med = lambda xs, i: st.median(x[i] for x in xs)
    print(f"{b}: 1M {med(one,0):.2f} s wall, {med(one,1):.2f} s CPU, {max(x[2] for x in one)/1024:.1f} MiB; "
          f"4M {med(four,0):.2f} s wall, {med(four,1):.2f} s CPU, {max(x[2] for x in four)/1024:.1f} MiB ({max(x[2] for x in four)*1.024/1000:.1f} MB); "
          f"4M/1M {med(four,0)/med(one,0):.2f}x wall, {med(four,1)/med(one,1):.2f}x CPU")
    # Each round's own ratio (its 4M run over its 1M run): how far the machine moved them.
    rounds = [f"{f[0]/o[0]:.2f}" for o, f in zip(one, four)]
    print(f"{b}: per round 4M/1M wall {' '.join(rounds)}")
PY
rm -f "$log"
