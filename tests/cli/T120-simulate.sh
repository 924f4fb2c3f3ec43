#!/usr/bin/env bash
# litrev simulate: prioritised screening replayed on a labelled set (the
# shared Donners_2021 fixture, 258 records, 15 included), JSON shape,
# determinism, the recall curve, and bad input.
. "$(dirname "$0")/test-lib.sh"

DATA="$FIXTURES/screening/Donners_2021.csv"

begin "simulate --format json reports records, included and the metrics over 2 seeds"
run litrev simulate "$DATA" --seeds 2 --format json --curve curve.csv
expect_exit 0
printf '%s\n' "$out" >sim.json
check=$("$PYTHON" - sim.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
problems = []
if j["records"] != 258: problems.append("records %r" % j["records"])
if j["included"] != 15: problems.append("included %r" % j["included"])
for k in ("wss95", "rrf10", "atd", "n95", "n100"):
    if set(j[k]) != {"mean", "sd"}: problems.append("%s keys %r" % (k, sorted(j[k])))
if not j["wss95"]["mean"] > 20: problems.append("wss95 %r not above 20 (random order ~0)" % j["wss95"])
if not j["rrf10"]["mean"] > 20: problems.append("rrf10 %r not above 20 (random order ~10)" % j["rrf10"])
if not j["atd"]["mean"] < 35: problems.append("atd %r not below 35 (random order ~50)" % j["atd"])
if not 14 <= j["n95"]["mean"] <= j["n100"]["mean"] <= 256: problems.append("n95/n100 %r %r" % (j["n95"], j["n100"]))
if len(j["runs"]) != 2: problems.append("runs %d" % len(j["runs"]))
# The summary is the mean of the runs.
m = sum(r["wss95"] for r in j["runs"]) / 2
if abs(m - j["wss95"]["mean"]) > 1e-9: problems.append("wss95 mean %r vs runs %r" % (j["wss95"]["mean"], m))
# Per run, WSS@95 follows from n95: (N' - n95) / N' - 0.05 with N' = 256.
for r in j["runs"]:
    if abs(100 * ((256 - r["n95"]) / 256 - 0.05) - r["wss95"]) > 1e-9: problems.append("run %r" % r)
print("; ".join(problems) or "ok")
PY
)
expect_eq "$check" "ok"

begin "the recall curve goes from 0 to 100 over N' + 1 rows"
expect_eq "$(head -1 curve.csv)" "screened,screened_pct,recall_pct,random_pct"
expect_eq "$(tail -n +2 curve.csv | wc -l | tr -d ' ')" "257"
expect_eq "$(sed -n 2p curve.csv)" "0,0.000,0.000,0.000"
expect_eq "$(tail -1 curve.csv)" "256,100.000,100.000,100.000"

begin "the same seeds give the same figures"
run litrev simulate "$DATA" --seeds 2 --format json
expect_exit 0
expect_eq "$out" "$(cat sim.json)"

begin "text output names the model and the metrics"
run litrev simulate "$DATA" --seeds 1 --model nb --priors 2,3
expect_exit 0
expect_contains "$out" "258 records, 15 included"
expect_contains "$out" "multinomial Naive Bayes"
expect_contains "$out" "N' = 253, K' = 13"
expect_contains "$out" "WSS@95"

begin "bad options and bad input are usage and data errors"
run litrev simulate "$DATA" --model forest
expect_exit 2
run litrev simulate "$DATA" --priors 1
expect_exit 2
run litrev simulate "$DATA" --priors 15,1
expect_exit 2
printf 'id,title,abstract,label_included\na,T,A,1\nb,T,A,perhaps\n' >bad.csv
run litrev simulate bad.csv
expect_exit 65
expect_contains "$err" "bad.csv"
run litrev simulate missing.csv
expect_exit 65

begin "simulate --svg draws the mean recall curve, written whole"
run litrev simulate "$DATA" --seeds 2 --svg curve.svg --title "Test set"
expect_exit 0
run "$PYTHON" -c '
import xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse("curve.svg").getroot()
poly = [p for p in root.iter(ns + "polyline") if p.get("class") == "recall"]
print(root.get("class"), len(poly), len(poly[0].get("points").split()) > 1)'
expect_eq "$out" "recall-curve 1 True"
run litrev simulate "$DATA" --seeds 1 --svg /nonexistent-dir/curve.svg
expect_exit 74

done_testing
