#!/bin/bash
# Parallel import (issue 5): `litrev import` of one large file into an empty
# review with --jobs 1 (one thread) and --jobs 2 (two parts built at once,
# then merged), side by side: wall time, CPU time, docs/s, peak RSS, index
# size; then that both indexes answer every query of queries.tsv alike; then
# the choice between merging the parts and serving them together: query
# latency (bench_search, warm cache) on the merged index against the same
# records split into 2 shards searched as one (`litrev index --shards 2`).
#
#   tests/bench/run_import_parallel.sh
#
# Settings (environment variables):
#   LITREV=build/tools/litrev            the binary (an optimised build)
#   BENCH_SEARCH=                        bench_search of a -DLITREV_BENCH=ON build (query part
#                                        skipped when empty)
#   OUT=tests/bench/out/parallel         inputs and results (git-ignored)
#   RECORDS=50000                        records generated (gen_realistic.py) and imported
#   ROUNDS=20                            timed runs of each query
# No figure here is an assertion: the script exits 0 once everything ran.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/../.." && pwd)"
LITREV="${LITREV:-$SRC/build/tools/litrev}"
BENCH_SEARCH="${BENCH_SEARCH:-}"
OUT="${OUT:-$HERE/out/parallel}"
RECORDS="${RECORDS:-50000}"
ROUNDS="${ROUNDS:-20}"
PY=/usr/bin/python3
log() { echo "[run_import_parallel.sh $(date +%H:%M:%S)] $*" >&2; }

mkdir -p "$OUT"
INPUT="$OUT/realistic_$RECORDS.xml"
if [ ! -s "$INPUT" ]; then
  log "generating $RECORDS records"
  "$PY" "$HERE/gen_realistic.py" --records "$RECORDS" --out "$INPUT" >&2
fi
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

for jobs in 1 2; do
  review="$OUT/review-j$jobs"
  rm -rf "$review"
  "$LITREV" init "$review" --title "parallel import bench" > /dev/null
  sync
  /usr/bin/time -f '%e %U %S %M' -o "$OUT/time-j$jobs" \
    "$LITREV" -C "$review" import --jobs "$jobs" "$INPUT" > "$OUT/import-j$jobs.log"
  read -r wall user sys rss < "$OUT/time-j$jobs"
  size=$(du -sm "$review/index" | cut -f1)
  "$PY" - "$jobs" "$wall" "$user" "$sys" "$rss" "$size" "$RECORDS" <<'PYEOF'
import sys
jobs, wall, user, sys_, rss, size, n = sys.argv[1:]
wall, cpu = float(wall), float(user) + float(sys_)
print(f"--jobs {jobs}: {wall:.1f} s wall, {cpu:.1f} s CPU, {int(n)/wall:.0f} docs/s, "
      f"peak RSS {int(rss)/1024:.0f} MiB, index {size} MB")
PYEOF
done

log "checking that both indexes answer alike"
differ=0
while IFS=$'\t' read -r class syntax query _; do
  [ -z "$class" ] || [ "${class:0:1}" = "#" ] && continue
  args=(search --limit 50 --format json)
  [ "$syntax" = pubmed ] && args+=(--syntax pubmed)
  a=$("$LITREV" -C "$OUT/review-j1" "${args[@]}" "$query" | sed 's/"run":"[^"]*"//g' | md5sum)
  b=$("$LITREV" -C "$OUT/review-j2" "${args[@]}" "$query" | sed 's/"run":"[^"]*"//g' | md5sum)
  if [ "$a" != "$b" ]; then
    echo "differs: $query"
    differ=$((differ + 1))
  fi
done < "$HERE/queries.tsv"
echo "queries answered differently by the two indexes: $differ"

if [ -n "$BENCH_SEARCH" ]; then
  rm -rf "$OUT/shards"
  "$LITREV" -C "$OUT/review-j1" index --shards 2 --output "$OUT/shards" > /dev/null
  for idx in "$OUT/review-j2/index" "$OUT/shards"; do
    log "query latency on $idx"
    "$BENCH_SEARCH" "$idx" "$HERE/queries.tsv" "$ROUNDS" > "$OUT/search-$(basename "$idx").jsonl"
  done
  "$PY" - "$OUT/search-index.jsonl" "$OUT/search-shards.jsonl" <<'PYEOF'
import json, sys
def load(path):
    return {j["class"]: j for j in map(json.loads, open(path)) if "class" in j}
m, s = load(sys.argv[1]), load(sys.argv[2])
print("| class (queries) | merged median ms | p99 | 2 shards median ms | p99 | ratio p99 shards / merged |")
print("|---|---:|---:|---:|---:|---:|")
for c, a in m.items():
    b = s[c]
    print(f"| {c} ({a['queries']}) | {a['median_ms']:.2f} | {a['p99_ms']:.2f} | "
          f"{b['median_ms']:.2f} | {b['p99_ms']:.2f} | {b['p99_ms'] / a['p99_ms']:.2f} |")
PYEOF
fi
