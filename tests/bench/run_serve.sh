#!/usr/bin/env bash
# litrev serve under one client (tests/bench/bench_serve.py): the worked
# review's 36 records, and 5,000 synthetic PubMed records (gen_pubmed.py),
# single screening. No peer: the figure is the latency a screener feels per
# vote. Not part of CTest.
#
#   tests/bench/run_serve.sh [BUILD_DIR]      (default build-rel; a Release build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build-rel}
litrev="$build/tools/litrev"
py=/usr/bin/python3
out=$(mktemp -d "${TMPDIR:-/tmp}/litrev-bench-serve.XXXXXX")
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$out"' EXIT
corpus="$src/corpora/ketamine-sud"

setup() { # DIR
  "$litrev" init "$1" >/dev/null
  "$py" - "$corpus/litrev.json" "$1/litrev.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["stages"][0]["mode"] = "single"
json.dump(d, open(sys.argv[2], "w"))
PY
}
setup "$out/small"
for f in records/recorded/efetch_metapub_38011560.xml records/curated.ris records/grey-literature.ris; do
  "$litrev" -C "$out/small" import "$corpus/$f" >/dev/null
done
setup "$out/big"
"$py" "$here/gen_pubmed.py" --records 5000 --out "$out/syn5k.xml" >/dev/null 2>&1
"$litrev" -C "$out/big" import "$out/syn5k.xml" >/dev/null

for rv in small big; do
  "$litrev" -C "$out/$rv" serve --port 0 >"$out/$rv.out" 2>"$out/$rv.err" &
  pid=$!
  for _ in $(seq 1 100); do grep -q "cy (adjudicator)" "$out/$rv.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's|^Serving .* on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$out/$rv.out")
  token=$(sed -n 's|^  ana (screener): .*#token=\([0-9a-f]*\)$|\1|p' "$out/$rv.out")
  echo "== $rv ($(grep -c . "$out/$rv.out") lines of links)"
  taskset -c 1 "$py" "$here/bench_serve.py" "$port" "$token" 6
  kill "$pid"
  wait "$pid" || true
done
