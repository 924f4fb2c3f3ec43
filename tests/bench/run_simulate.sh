#!/usr/bin/env bash
# Prioritised screening against its peers (issue 7). For each labelled set in
# shared/fixtures/screening, 5 seeds: `litrev simulate` (svm, the default,
# and nb) next to the scikit-learn reimplementations of ASReview's v1 default
# (NB, TF-IDF unigrams) and v2 default (linear SVM, TF-IDF 1-2-grams) in
# asreview_baseline.py; prints WSS@95, RRF@10, ATD, n95/n100 (mean ± sd) and
# the ratios of our WSS@95 to the peers'. Then the retrain + rerank time for
# 10,000 records on one core (Kitchenham_2010 replicated to 10,000 records
# with each copy's words shifted, so copies are not identical) against the
# 100 ms target.
#
# Usage: tests/bench/run_simulate.sh [BUILD_DIR]   (a Release build; default build-rel)
# Needs Debian's python3-sklearn (/usr/bin/python3).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build-rel}
litrev="$build/tools/litrev"
data="$src/../shared/fixtures/screening"
py=/usr/bin/python3
seeds=${SEEDS:-5}
out=$(mktemp -d "${TMPDIR:-/tmp}/litrev-bench-sim.XXXXXX")
trap 'rm -rf "$out"' EXIT

for csv in "$data"/*.csv; do
  name=$(basename "$csv" .csv)
  taskset -c 0 "$litrev" simulate "$csv" --seeds "$seeds" --model svm --format json >"$out/$name-svm.json"
  taskset -c 0 "$litrev" simulate "$csv" --seeds "$seeds" --model nb --format json >"$out/$name-nb.json"
  taskset -c 0 "$py" "$here/asreview_baseline.py" "$csv" --seeds "$seeds" --json >"$out/$name-sk.json"
  "$py" - "$name" "$out" <<'PY'
import json, sys
name, out = sys.argv[1], sys.argv[2]
ours = json.load(open(f"{out}/{name}-svm.json"))
nb = json.load(open(f"{out}/{name}-nb.json"))
sk = json.load(open(f"{out}/{name}-sk.json"))
rows = [("litrev svm", ours), ("litrev nb", nb), ("sklearn ASReview v1 (NB)", sk["v1"]),
        ("sklearn ASReview v2 (SVM)", sk["v2"])]
print(f"\n{name}: {ours['records']} records, {ours['included']} included")
print(f"  {'model':28s} {'WSS@95':>13s} {'RRF@10':>13s} {'ATD':>12s} {'n95':>14s} {'n100':>14s}")
for label, m in rows:
    f = lambda k, d=1: f"{m[k]['mean']:.{d}f} ± {m[k]['sd']:.{d}f}"
    print(f"  {label:28s} {f('wss95'):>13s} {f('rrf10'):>13s} {f('atd'):>12s} {f('n95'):>14s} {f('n100'):>14s}")
w = ours["wss95"]["mean"]
print(f"  WSS@95 ratio litrev svm / v1 = {w / sk['v1']['wss95']['mean']:.2f}, "
      f"/ v2 = {w / sk['v2']['wss95']['mean']:.2f}")
PY
done

# 10,000 records: Kitchenham_2010 copied, each copy's tokens suffixed with
# its copy number in half of the words so the vocabulary grows as it would.
"$py" - "$data/Kitchenham_2010.csv" "$out/big.csv" <<'PY'
import csv, sys
csv.field_size_limit(1 << 24)
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
w = csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8"))
w.writerow(["id", "title", "abstract", "label_included"])
n = 0
copy = 0
while n < 10000:
    for r in rows:
        if n == 10000:
            break
        def shift(t):
            return " ".join(x + (f"x{copy}" if copy and i % 2 else "") for i, x in enumerate(t.split()))
        w.writerow([f"{r['id']}-{copy}", shift(r["title"]), shift(r["abstract"]), r["label_included"]])
        n += 1
    copy += 1
PY
echo
for labelled in 500 2000 5000; do
  for model in svm logistic nb; do
    echo "retrain + rerank, 10,000 records, $labelled labelled, $model (one core; target < 100 ms):"
    taskset -c 0 "$litrev" simulate "$out/big.csv" --model "$model" --time-step "$labelled" | sed 's/^/  /'
  done
done
