#!/usr/bin/env bash
# Time and peak memory of `litrev dedup` on synthetic sets of 10k, 100k and
# 1M references (tests/bench/gen_dedup.py), plus its accuracy on each (the
# generator knows the true duplicate groups). Not part of CTest.
#
#   tests/bench/run_dedup.sh [N ...]       default: 10000 100000 1000000
#
# Settings: LITREV (the binary; default build-tagged/tools/litrev), OUT (where
# inputs and outputs go; default tests/bench/out), REGEN=1 (remake inputs).
# Wall time and peak RSS come from /usr/bin/time -v around one run; the
# input is generated beforehand and read once before timing, so the page
# cache holds it. No peer is run: no bibliographic deduplicator is packaged
# for Debian 12 or installable offline here (see README.md).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LITREV=${LITREV:-$root/build-tagged/tools/litrev}
OUT=${OUT:-$here/out}
PY=/usr/bin/python3
mkdir -p "$OUT"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)

echo "litrev: $LITREV ($("$LITREV" --version))"
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %9s %9s %9s %10s %8s %8s %7s %8s %8s\n' records wall_s cpu_s peak_MB rec_per_s sens spec f_merge pair_P pair_R
for n in "${sizes[@]}"; do
  in="$OUT/dedup_$n.csv"
  if [ ! -f "$in" ] || [ "${REGEN:-0}" = 1 ]; then
    "$PY" "$here/gen_dedup.py" --records "$n" --out "$in" 2>/dev/null
  fi
  cat "$in" > /dev/null
  res="$OUT/dedup_$n.out"
  tim="$OUT/dedup_$n.time"
  /usr/bin/time -v "$LITREV" dedup --input "$in" --format csv > "$res" 2> "$tim"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$tim")
  cpu=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{print u+s}' "$tim")
  rss=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$tim")
  acc=$("$PY" "$here/dedup_accuracy.py" --input "$in" --predicted "$res" --json)
  read -r sens spec fm pp pr < <(echo "$acc" | "$PY" -c 'import json,sys; m=json.load(sys.stdin); print("%.4f %.4f %d %.4f %.4f" % (m["sensitivity"], m["specificity"], m["false_merges"], m["pair_precision"], m["pair_recall"]))')
  rate=$(awk -v n="$n" -v w="$wall" 'BEGIN{printf "%.0f", n / (w > 0 ? w : 1)}')
  printf '%-9s %9s %9s %9s %10s %8s %8s %7s %8s %8s\n' "$n" "$wall" "$cpu" "$rss" "$rate" "$sens" "$spec" "$fm" "$pp" "$pr"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peer: none (no bibliographic deduplicator is runnable offline on this machine)"
