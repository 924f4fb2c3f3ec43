#!/bin/bash
# The 1M-event fold benchmark (issue 6, "Reliability": a ledger of 1M events
# folds to state in under 2 s). Builds bench_fold (Release, LITREV_BENCH=ON),
# writes the ledger once (kept in $OUT between runs), then times
# Ledger::read_all + fold_screening (median of RUNS runs, one process, so its
# peak RSS is the fold's) and prints where the time goes (bench_fold split).
#
#   tests/bench/run_fold.sh
#
# Settings (environment variables):
#   BUILD=/work/main/build-fold    build dir (Release)
#   OUT=tests/bench/out/fold       the ledger and the results (git-ignored)
#   RECORDS=500000                 records; two screeners: 2 x RECORDS events
#   RUNS=3                         timed runs (the median is the figure)
#   REGEN=1                        write the ledger again
# No figure here is an assertion: the script exits 0 once everything ran.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/../.." && pwd)"
BUILD="${BUILD:-$SRC/build-fold}"
OUT="${OUT:-$HERE/out/fold}"
RECORDS="${RECORDS:-500000}"
RUNS="${RUNS:-3}"
REGEN="${REGEN:-0}"
log() { echo "[run_fold.sh $(date +%H:%M:%S)] $*" >&2; }

mkdir -p "$OUT"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

log "building bench_fold in $BUILD (Release)"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DLITREV_BENCH=ON > "$OUT/cmake-configure.log" 2>&1 ||
  { cat "$OUT/cmake-configure.log"; exit 1; }
cmake --build "$BUILD" -j2 --target bench_fold > "$OUT/cmake-build.log" 2>&1 ||
  { tail -50 "$OUT/cmake-build.log"; exit 1; }
BENCH="$BUILD/tests/bench/bench_fold"

DATA="$OUT/ledger-${RECORDS}"
if [ "$REGEN" = 1 ] || [ ! -f "$DATA/ledger/ben.jsonl" ]; then
  log "writing $((2 * RECORDS)) events to $DATA/ledger"
  rm -rf "$DATA"
  mkdir -p "$DATA"
  "$BENCH" gen "$DATA" "$RECORDS" | tee "$OUT/gen.json"
fi
log "ledger: $(du -sh "$DATA/ledger" | cut -f1), $(cat "$DATA"/ledger/*.jsonl | wc -l) lines"

RESULTS="$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
log "timing read_all + fold, $RUNS runs"
# Warm the page cache first, so that every run reads from memory (the figure
# is the fold's, not the disk's).
cat "$DATA"/ledger/*.jsonl > /dev/null
"$BENCH" fold "$DATA" "$RUNS" | tee -a "$RESULTS"
log "where the time goes"
"$BENCH" split "$DATA" | tee -a "$RESULTS"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

"${PYTHON:-/usr/bin/python3}" - "$RESULTS" "$LOAD_START" "$LOAD_END" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
f = next(r for r in rows if r["mode"] == "fold")
s = next(r for r in rows if r["mode"] == "split")
print()
print(f"events {f['events']:,}, records {f['records']:,} ({f['conflicts']:,} in conflict), problems {f['problems']}")
print("runs (s): " + "  ".join(f"{r['total_seconds']:.2f} (read {r['read_all_seconds']:.2f} + fold {r['fold_seconds']:.2f})" for r in f["runs"]))
verdict = "meets" if f["median_total_seconds"] < 2 else "MISSES"
print(f"median: {f['median_total_seconds']:.2f} s wall (read_all {f['median_read_all_seconds']:.2f} s, "
      f"fold_screening {f['median_fold_seconds']:.2f} s), {f['median_cpu_seconds']:.2f} s CPU; "
      f"peak RSS {f['peak_rss_mb']:.0f} MiB; target < 2 s: {verdict}")
print("where read_all's time goes (each step redone alone, one pass over all lines):")
parse = s["json_parse_seconds"]
events = s["json_parse_and_events_seconds"] - parse
for name, v in [("read the files", s["read_files_seconds"]), ("cut lines", s["cut_lines_seconds"]),
                ("JSON parse", parse), ("fields -> LedgerEvent", events), ("SHA-256 per line", s["sha256_seconds"])]:
    print(f"  {name:24s} {v:6.2f} s")
print(f"  {'(read_all, measured)':24s} {s['read_all_seconds']:6.2f} s")
print(f"  {'fold_screening':24s} {s['fold_seconds']:6.2f} s")
print(f"RSS: {s['rss_with_events_mb']:.0f} MiB holding the lines and events; after read_all {s['rss_after_read_all_mb']:.0f} MiB, "
      f"after the fold {s['rss_after_fold_mb']:.0f} MiB")
print(f"load average: {sys.argv[2]} at start, {sys.argv[3]} at end (2 cores)")
PY
log "results in $RESULTS"
