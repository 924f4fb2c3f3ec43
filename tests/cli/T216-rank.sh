#!/usr/bin/env bash
# litrev rank: the prioritised order of the records not settled yet, with
# scores and the model, on the worked review's records after part of the
# title-abstract votes (two screeners, dual mode: a record is settled when
# both agree). Counts are worked out here from the vote CSVs.
. "$(dirname "$0")/test-lib.sh"

corpus="$LITREV_SOURCE_DIR/corpora/ketamine-sud"
review="$TMP/review"
"$LITREV" init "$review" --title t >/dev/null
cp "$corpus/litrev.json" "$review/litrev.json"
for f in records/recorded/efetch_metapub_38011560.xml records/curated.ris records/grey-literature.ris; do
  "$LITREV" -C "$review" import "$corpus/$f" >/dev/null
done

begin "before any vote: every record, unranked, in key order"
run litrev -C "$review" rank --limit 0 --format json
expect_exit 0
run "$PYTHON" -c '
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines()]
s = lines[0]["summary"]
keys = [l["key"] for l in lines[1:]]
print(s["records"], s["trained"], keys == sorted(keys), all(l["score"] == 0 for l in lines[1:]))' "$out"
expect_eq "$out" "36 False True True"

begin "after 20 votes each: the unsettled records, best first, the same for the same seed"
head -21 "$corpus/screening/ta-ana.csv" >ana.csv
head -21 "$corpus/screening/ta-ben.csv" >ben.csv
"$LITREV" -C "$review" decide --from ana.csv --reviewer ana >/dev/null
"$LITREV" -C "$review" decide --from ben.csv --reviewer ben >/dev/null
want=$("$PYTHON" -c '
import csv, sys
a = {r["key"]: r["decision"] for r in csv.DictReader(open("ana.csv"))}
b = {r["key"]: r["decision"] for r in csv.DictReader(open("ben.csv"))}
settled = [k for k in a if k in b and a[k] == b[k] and a[k] != "maybe"]
inc = sum(1 for k in settled if a[k] == "include")
print(36 - len(settled), inc, len(settled) - inc)')
run litrev -C "$review" rank --limit 0 --format json --seed 7
expect_exit 0
printf '%s\n' "$out" >rank1.jsonl
run "$PYTHON" -c '
import json, sys
lines = [json.loads(l) for l in open("rank1.jsonl")]
s = lines[0]["summary"]
scores = [l["score"] for l in lines[1:]]
ok = all(x >= y for x, y in zip(scores, scores[1:])) and len(set(l["key"] for l in lines[1:])) == len(lines) - 1
print(s["records"], s["included"], s["excluded"], s["trained"], s["seed"], "svm (liblinear" in s["model"], ok)'
expect_eq "$out" "$want True 7 True True"
run litrev -C "$review" rank --limit 0 --format json --seed 7
expect_eq "$out" "$(cat rank1.jsonl)"
run litrev -C "$review" rank --limit 3
expect_exit 0
expect_contains "$out" "not settled yet; trained on"
expect_contains "$out" "Model: svm (liblinear"
expect_eq "$(printf '%s\n' "$out" | grep -c '^ *[0-9]  ')" "3"

begin "for one screener: their own unsettled votes train it, a colleague's never do"
# ana has voted 20, ben 20 (a different 20 in part), with conflicts: ana's
# ranking learns from the settled records and ana's own include/exclude
# votes on the others, and leaves out what she voted on; cy, who has not
# voted, gets the settled records only (had any unsettled vote leaked, cy's
# counts would hold it).
for who in ana ben cy; do
  want=$("$PYTHON" -c '
import csv, sys
who = sys.argv[1]
a = {r["key"]: r["decision"] for r in csv.DictReader(open("ana.csv"))}
b = {r["key"]: r["decision"] for r in csv.DictReader(open("ben.csv"))}
mine = {"ana": a, "ben": b, "cy": {}}[who]
settled = {k: a[k] for k in a if k in b and a[k] == b[k] and a[k] != "maybe"}
own = {k: v for k, v in mine.items() if k not in settled and v != "maybe"}
labels = list(settled.values()) + list(own.values())
inc = labels.count("include")
print(36 - len(settled) - sum(1 for k in mine if k not in settled), inc, len(labels) - inc, len(own))' "$who")
  run litrev -C "$review" rank --limit 0 --format json --reviewer "$who"
  expect_exit 0
  printf '%s
' "$out" >"rank-$who.jsonl"
  run "$PYTHON" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
s = lines[0]["summary"]
print(s["records"], s["included"], s["excluded"], s["own_votes"])' "rank-$who.jsonl"
  expect_eq "$out" "$want"
done
# What ana voted on is not in her ranking; the order is her screen's
# (the seed defaults to hers).
run "$PYTHON" -c '
import csv, json
voted = {r["key"] for r in csv.DictReader(open("ana.csv"))}
keys = [json.loads(l)["key"] for l in list(open("rank-ana.jsonl"))[1:]]
print(len(keys) > 0, not (set(keys) & voted))'
expect_eq "$out" "True True"
run litrev -C "$review" rank --limit 2 --reviewer ana
expect_contains "$out" "that ana has not voted on"
expect_contains "$out" "of them ana's own votes"

begin "bad options are usage errors"
run litrev -C "$review" rank --stage xx
expect_exit 2
run litrev -C "$review" rank --format csv
expect_exit 2

done_testing
