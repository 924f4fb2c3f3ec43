#!/bin/bash
# Search benchmarks (issue 5): realistic synthetic records (gen_realistic.py),
# indexing speed of litrev's Index next to the raw-Xapian program of the
# Foundation bench (bench_index raw) and to Lucene++ (bench_lucene index), the
# whole import, index size, and query latency by class with a warm cache:
# litrev (bench_search, queries.tsv) next to Lucene++ (bench_lucene search,
# queries_lucene.tsv: the same queries in Lucene syntax) on the same records.
# Ends with a side-by-side table, the ratios litrev / Lucene++ and a check of
# the match counts query by query.
#
#   tests/bench/run_search.sh
#
# Settings (environment variables):
#   BUILD=/work/main/build-bench   build dir (Release)
#   OUT=tests/bench/out/search     inputs and results (git-ignored)
#   RECORDS=100000                 records generated, imported (litrev) and indexed (Lucene++) for queries
#   INDEX_RECORDS=20000            records for the raw / litrev / Lucene++ indexing runs
#   ROUNDS=20                      timed runs of each query
#   REPEAT=1                       indexing rounds (raw, litrev, lucene interleaved in each)
#   REUSE_IMPORT=0                 1: keep the import of RECORDS records (OUT/review) and the Lucene++
#                                  index of them (OUT/lucene-RECORDS) from an earlier run of this script
#                                  when present (their figures are then printed again, marked "reused")
#   LUCENE=1                       0: leave out the Lucene++ peer (it is also left out when the
#                                  build has no bench_lucene, i.e. liblucene++-dev is not installed)
# No figure here is an assertion: the script exits 0 once everything ran.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/../.." && pwd)"
BUILD="${BUILD:-$SRC/build-bench}"
OUT="${OUT:-$HERE/out/search}"
RECORDS="${RECORDS:-100000}"
INDEX_RECORDS="${INDEX_RECORDS:-20000}"
ROUNDS="${ROUNDS:-20}"
REPEAT="${REPEAT:-1}"
REUSE_IMPORT="${REUSE_IMPORT:-0}"
LUCENE="${LUCENE:-1}"
PY=/usr/bin/python3
log() { echo "[run_search.sh $(date +%H:%M:%S)] $*" >&2; }
# Adds "phase" to a JSON line, so the summary can tell the runs apart.
tag() { sed -u "s/^{/{\"phase\":\"$1\",/"; }

mkdir -p "$OUT"
RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)"
RES="$OUT/results-$RUN_ID.jsonl"
: > "$RES"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average at start: $LOAD_START ($(nproc) cores)"

cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DLITREV_BENCH=ON > "$OUT/cmake-configure.log" 2>&1 ||
  { cat "$OUT/cmake-configure.log"; exit 1; }
# tests/bench/CMakeLists.txt defines bench_lucene only where Lucene++ is installed.
build_targets="$(cmake --build "$BUILD" --target help)"
if [ "$LUCENE" = 1 ] && [[ "$build_targets" != *bench_lucene* ]]; then
  log "Lucene++ not found (tools/install-deps installs liblucene++-dev): running without the peer"
  LUCENE=0
fi
targets=(bench_index bench_search litrev)
if [ "$LUCENE" = 1 ]; then targets+=(bench_lucene); fi
log "building ${targets[*]} in $BUILD (Release)"
cmake --build "$BUILD" -j2 --target "${targets[@]}" > "$OUT/cmake-build.log" 2>&1 ||
  { tail -50 "$OUT/cmake-build.log"; exit 1; }
BENCH_INDEX="$BUILD/tests/bench/bench_index"
BENCH_SEARCH="$BUILD/tests/bench/bench_search"
BENCH_LUCENE="$BUILD/tests/bench/bench_lucene"
LITREV="$BUILD/tools/litrev"

for n in "$INDEX_RECORDS" "$RECORDS"; do
  if [ ! -f "$OUT/realistic_$n.xml" ]; then
    log "generating $n records"
    "$PY" "$HERE/gen_realistic.py" --records "$n" --out "$OUT/realistic_$n.xml"
  fi
done

# --- indexing: raw Xapian, litrev Index, Lucene++ on the same records -------
modes=(raw litrev)
if [ "$LUCENE" = 1 ]; then modes+=(lucene); fi
for round in $(seq 1 "$REPEAT"); do
  log "indexing $INDEX_RECORDS records, round $round of $REPEAT: ${modes[*]}"
  for mode in "${modes[@]}"; do
    rm -rf "$OUT/db-$mode"
    sync
    if [ "$mode" = lucene ]; then
      "$BENCH_LUCENE" index "$OUT/db-$mode" "$OUT/realistic_$INDEX_RECORDS.xml"
    else
      "$BENCH_INDEX" "$mode" "$OUT/realistic_$INDEX_RECORDS.xml" "$OUT/db-$mode"
    fi | tag index | tee -a "$RES"
  done
done

# --- the query sets: litrev import, Lucene++ index of the same file ---------
if [ "$REUSE_IMPORT" = 1 ] && [ -d "$OUT/review/index" ] && [ -f "$OUT/import-$RECORDS.json" ]; then
  log "reusing the import of $RECORDS records in $OUT/review (REUSE_IMPORT=1)"
  sed 's/^{/{"reused":true,/' "$OUT/import-$RECORDS.json" | tag import | tee -a "$RES"
else
  log "importing $RECORDS records with litrev import"
  rm -rf "$OUT/review" "$OUT/import-$RECORDS.json"
  "$LITREV" init "$OUT/review" > /dev/null
  sync
  start=$(date +%s%N)
  "$LITREV" -C "$OUT/review" import "$OUT/realistic_$RECORDS.xml" > /dev/null
  end=$(date +%s%N)
  size=$(du -sm "$OUT/review/index" | cut -f1)
  ms=$(( (end - start) / 1000000 ))
  echo "{\"mode\":\"import\",\"records\":$RECORDS,\"milliseconds\":$ms,\"docs_per_s\":$(( RECORDS * 1000 / ms )),\"index_mb\":$size}" |
    tee "$OUT/import-$RECORDS.json" | tag import | tee -a "$RES"
fi
if [ "$LUCENE" = 1 ]; then
  if [ "$REUSE_IMPORT" = 1 ] && [ -d "$OUT/lucene-$RECORDS" ] && [ -f "$OUT/lucene-$RECORDS.json" ]; then
    log "reusing the Lucene++ index of $RECORDS records in $OUT/lucene-$RECORDS (REUSE_IMPORT=1)"
    sed 's/^{/{"reused":true,/' "$OUT/lucene-$RECORDS.json" | tag lucene-import | tee -a "$RES"
  else
    log "indexing $RECORDS records with Lucene++ for the queries"
    rm -rf "$OUT/lucene-$RECORDS" "$OUT/lucene-$RECORDS.json"
    sync
    "$BENCH_LUCENE" index "$OUT/lucene-$RECORDS" "$OUT/realistic_$RECORDS.xml" |
      tee "$OUT/lucene-$RECORDS.json" | tag lucene-import | tee -a "$RES"
  fi
fi

# --- query latency -----------------------------------------------------------
log "query latency on $RECORDS records, $ROUNDS runs per query after a warm-up: litrev"
"$BENCH_SEARCH" "$OUT/review/index" "$HERE/queries.tsv" "$ROUNDS" | tag search | tee -a "$RES"
if [ "$LUCENE" = 1 ]; then
  log "query latency on $RECORDS records, $ROUNDS runs per query after a warm-up: Lucene++"
  if ! "$BENCH_LUCENE" search "$OUT/lucene-$RECORDS" "$HERE/queries_lucene.tsv" "$ROUNDS" \
    2> "$OUT/lucene-queries-$RUN_ID.jsonl" | tag search | tee -a "$RES"; then
    cat "$OUT/lucene-queries-$RUN_ID.jsonl" >&2
    exit 1
  fi

  # Match counts query by query: litrev's (litrev search, the same index)
  # next to Lucene++'s (bench_lucene's per-query lines), in file order.
  log "match counts per query (litrev search --index)"
  : > "$OUT/litrev-queries-$RUN_ID.jsonl"
  grep -v '^#' "$HERE/queries.tsv" | grep -v '^$' | while IFS=$'\t' read -r cls syntax query _; do
    total=$("$LITREV" search --index "$OUT/review/index" --syntax "$syntax" --facets year --format json \
      --limit 0 -- "$query" < /dev/null | tail -1 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["summary"]["total"])')
    "$PY" -c 'import json,sys; print(json.dumps({"class":sys.argv[1],"litrev":sys.argv[2]+": "+sys.argv[3],"total":int(sys.argv[4])}))' \
      "$cls" "$syntax" "$query" "$total" >> "$OUT/litrev-queries-$RUN_ID.jsonl"
  done
fi
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average at end: $LOAD_END"
cat "$RES" >> "$OUT/results.jsonl"

# --- the table -----------------------------------------------------------------
"$PY" - "$RES" "$OUT/litrev-queries-$RUN_ID.jsonl" "$OUT/lucene-queries-$RUN_ID.jsonl" \
  "$LOAD_START" "$LOAD_END" "$RUN_ID" <<'EOF'
import json, os, statistics, sys

res, litrev_q, lucene_q, load_start, load_end, run_id = sys.argv[1:7]
lines = [json.loads(l) for l in open(res) if l.strip()]
print(f"\n== run {run_id}, load average {load_start} at start, {load_end} at end, {os.cpu_count()} cores ==")

index = {}
for l in lines:
    if l.get("phase") == "index":
        index.setdefault(l["mode"], []).append(l)
if index:
    print(f"\nIndexing {index[next(iter(index))][0]['docs']:,} records (median of {len(next(iter(index.values())))} round(s)):")
    print(f"{'mode':8} {'docs/s':>8} {'best':>8} {'CPU s':>7} {'docs/CPU-s':>10} {'peak RSS':>9} {'DB MB':>7}")
    med = {}
    for mode, runs in index.items():
        rate = statistics.median(r["docs_per_s"] for r in runs)
        cpu = statistics.median(r["cpu_seconds"] for r in runs)
        per_cpu = runs[0]["docs"] / cpu
        med[mode] = (rate, per_cpu, statistics.median(r["db_mb"] for r in runs))
        print(f"{mode:8} {rate:8.0f} {max(r['docs_per_s'] for r in runs):8.0f} {cpu:7.1f} {per_cpu:10.0f} "
              f"{max(r['peak_rss_mb'] for r in runs):9.0f} {med[mode][2]:7.0f}")
    for a, b in (("litrev", "raw"), ("litrev", "lucene"), ("raw", "lucene")):
        if a in med and b in med:
            print(f"ratio {a} / {b}: {med[a][0] / med[b][0]:.2f}x docs/s, {med[a][1] / med[b][1]:.2f}x docs per CPU-s, "
                  f"{med[a][2] / med[b][2]:.2f}x DB size")
    if "litrev" in med and "raw" in med:
        r = med["litrev"][1] / med["raw"][1]
        print(f"target litrev >= 0.8x raw Xapian per core: {'met' if r >= 0.8 else 'missed'} ({r:.2f}x)")

for l in lines:
    if l.get("phase") in ("import", "lucene-import"):
        print(f"{l['phase']}: " + json.dumps({k: v for k, v in l.items() if k not in ('phase', 'file')}))

lit = {l["class"]: l for l in lines if l.get("phase") == "search" and "class" in l and "tool" not in l}
luc = {l["class"]: l for l in lines if l.get("phase") == "search" and "class" in l and l.get("tool") == "lucene++"}
if lit:
    print("\nQuery latency, ms (litrev | Lucene++ | ratio litrev / Lucene++; < 1 means litrev is faster):")
    print(f"{'class':16} {'lit med':>8} {'p99':>7} {'max':>7} {'luc med':>8} {'p99':>7} {'max':>7} "
          f"{'med x':>6} {'p99 x':>6} {'matches lit':>11} {'luc':>9}  targets")
    for cls in [c for c in lit if c != "all"] + ["all"]:
        a = lit[cls]
        b = luc.get(cls)
        row = f"{cls:16} {a['median_ms']:8.2f} {a['p99_ms']:7.2f} {a['max_ms']:7.2f} "
        if b:
            row += (f"{b['median_ms']:8.2f} {b['p99_ms']:7.2f} {b['max_ms']:7.2f} "
                    f"{a['median_ms'] / b['median_ms']:6.2f} {a['p99_ms'] / b['p99_ms']:6.2f} "
                    f"{a['mean_total']:11.0f} {b['mean_total']:9.0f}")
        else:
            row += f"{'-':>8} {'-':>7} {'-':>7} {'-':>6} {'-':>6} {a['mean_total']:11.0f} {'-':>9}"
        if cls != "all":
            t = []
            if cls != "wildcard-broad":
                t.append("<50ms " + ("met" if a["p99_ms"] < 50 else "MISSED"))
            if b:
                t.append("p99<Lucene " + ("met" if a["p99_ms"] < b["p99_ms"] else "MISSED"))
            row += "  " + ", ".join(t)
        if b and b.get("approx"):
            row += "  (approx: " + "; ".join(b["approx"]) + ")"
        print(row)

if os.path.exists(litrev_q) and os.path.exists(lucene_q) and os.path.getsize(litrev_q) > 0:
    a = [json.loads(l) for l in open(litrev_q) if l.strip()]
    b = [json.loads(l) for l in open(lucene_q) if l.strip().startswith("{")]
    print("\nMatches per query (litrev | Lucene++ | Lucene++ median ms):")
    for x, y in zip(a, b):
        mark = "" if x["total"] == y["total"] else f"  differs by {100.0 * (y['total'] - x['total']) / max(x['total'], 1):+.1f}%"
        print(f"{x['class']:16} {x['total']:7} {y['total']:7} {y['median_ms']:7.2f}  {x['litrev']}{mark}")
    if len(a) != len(b):
        print(f"(queries.tsv has {len(a)} queries, queries_lucene.tsv {len(b)}: they should pair line by line)")
EOF
