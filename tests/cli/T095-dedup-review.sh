#!/usr/bin/env bash
# litrev dedup on a review: clusters across imports from two databases, with
# explanations; a person's split and confirm go to the ledger and win over the
# machine.
. "$(dirname "$0")/test-lib.sh"

DB="$FIXTURES/formats/cross_db_restoration"
litrev init r >/dev/null
litrev -C r import "$DB/revtools__restoration_pubmed.nbib" >/dev/null
litrev -C r import "$DB/revtools__restoration_scopus.ris" >/dev/null

begin "records from two imports are clustered, each link explained"
run litrev -C r dedup --format json
expect_exit 0
summary=$(printf '%s\n' "$out" | grep '"type":"summary"')
clusters=$(printf '%s\n' "$out" | grep -c '"type":"cluster"')
[ "$clusters" -gt 10 ] || fail "expected more than 10 clusters, got $clusters"
expect_contains "$summary" "\"clusters\":$clusters"
# One PubMed record and its Scopus twin, joined by DOI with agreeing fields.
pair=$(printf '%s\n' "$out" | "$PYTHON" -c '
import json, sys
for line in sys.stdin:
    j = json.loads(line)
    if j["type"] == "cluster" and len(j["keys"]) == 2:
        l = j["links"][0]
        agree = [f["field"] for f in l["fields"] if f["outcome"] == "agree"]
        if l["rule"] == "same-doi" and "title" in agree and "authors" in agree:
            print(l["a"], l["b"]); break')
[ -n "$pair" ] || fail "no explained same-doi cluster"
set -- $pair
a=$1; b=$2
run litrev -C r dedup
expect_contains "$out" "$a = $b: same-doi (found by doi); agree: title, authors"

begin "split: a person keeps two records apart; the decision is a ledger event"
run litrev -C r dedup split "$a" "$b" --reviewer ana --note "different reports"
expect_exit 0
run litrev -C r dedup --format json
expect_not_contains "$out" "\"keys\":[\"$a\",\"$b\"]"
kept=$(printf '%s\n' "$out" | grep '"type":"kept_apart"')
expect_contains "$kept" "\"decided_by\":\"ana\""
expect_contains "$kept" "\"a\":\"$a\""
run "$PYTHON" - "$SCHEMAS/ledger-event.schema.json" r/ledger/ana.jsonl <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
for line in lines:
    jsonschema.validate(json.loads(line), schema)
e = json.loads(lines[-1])
print(e["type"], e["seq"], e["payload"]["note"])
PY
expect_eq "$out" "dedup.split 1 different reports"

begin "confirm: the latest decision wins, and joins records the machine kept apart"
run litrev -C r dedup confirm "$a" "$b" --reviewer ben
expect_exit 0
run litrev -C r dedup
expect_contains "$out" "$a = $b: confirmed by ben"
# Two records no rule joins: a person can still join them.
c=$(litrev -C r search 'restoration' --format csv --limit 400 | tail -n +2 | cut -d, -f2 | grep '^pmid:' | head -1)
d=$(litrev -C r search 'restoration' --format csv --limit 400 | tail -n +2 | cut -d, -f2 | grep '^pmid:' | sed -n 2p)
run litrev -C r dedup confirm "$c" "$d" --reviewer ana
expect_exit 0
run litrev -C r dedup --format json
expect_contains "$out" "\"decided_by\":\"ana\""
expect_eq "$(wc -l < r/ledger/ana.jsonl | tr -d ' ')" "2"

begin "bad decisions: unknown key (exit 1), no reviewer or one key (exit 2); the ledger is unchanged"
before=$(cat r/ledger/*.jsonl | sha256sum)
run litrev -C r dedup confirm "$a" pmid:1 --reviewer ana
expect_exit 1
expect_contains "$err" "no record pmid:1"
LITREV_REVIEWER= run litrev -C r dedup split "$a" "$b"
expect_exit 2
expect_contains "$err" "who decides"
run litrev -C r dedup split "$a" --reviewer ana
expect_exit 2
run litrev -C r dedup frobnicate "$a" "$b" --reviewer ana
expect_exit 2
run litrev -C r dedup confirm "$a" "$b" --reviewer ../x
expect_exit 2
expect_eq "$(cat r/ledger/*.jsonl | sha256sum)" "$before"

begin "verify: intact chains pass; an edited event is reported by file and line (exit 65)"
run litrev -C r verify
expect_exit 0
expect_contains "$out" "3 events in 2 ledgers: every chain is intact"
sed -i '1s/different reports/same report/' r/ledger/ana.jsonl
run litrev -C r verify
expect_exit 65
expect_contains "$out" "r/ledger/ana.jsonl:2: the hash of the previous line does not match"
printf '{"v":1,"seq":' >> r/ledger/ben.jsonl
run litrev -C r verify
expect_exit 65
expect_contains "$out" "ben.jsonl:2: torn tail"

done_testing
