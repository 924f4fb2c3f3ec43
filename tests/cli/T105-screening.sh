#!/usr/bin/env bash
# Screening through the CLI: votes (one at a time and from CSV), blind
# conflicts, adjudication, full text with retrieval, progress, state in
# search, agreement, export of decisions, and the PRISMA 2020 flow checked
# against a count made here, independently, from the votes this test cast.
. "$(dirname "$0")/test-lib.sh"

DB="$FIXTURES/formats/cross_db_restoration"
litrev init r >/dev/null
litrev -C r import "$DB/revtools__restoration_pubmed.nbib" >/dev/null
litrev -C r import "$DB/revtools__restoration_scopus.ris" >/dev/null
"$PYTHON" - r/litrev.json <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["stages"] = [
    {"stage": "title-abstract", "mode": "dual", "blind": True},
    {"stage": "full-text", "mode": "dual", "blind": True},
]
d["reviewers"] = [{"name": "ana", "role": "screener"}, {"name": "ben", "role": "screener"},
                  {"name": "cy", "role": "adjudicator"}]
d["exclusion_reasons"] = ["wrong population", "wrong intervention", "wrong design"]
json.dump(d, open(p, "w"), indent=2)
EOF

# The screening units: one key per duplicate cluster (its first key), and a
# second key of one cluster.
litrev -C r dedup --format json >dedup.jsonl
"$PYTHON" - <<'EOF' >units.txt
import json
clusters = {}
for line in open("dedup.jsonl"):
    j = json.loads(line)
    if j["type"] == "cluster":
        clusters[j["keys"][0]] = j["keys"]
print(json.dumps(clusters))
EOF
all_keys=$(litrev -C r search 'NOT zzzznotaword' --limit 100000 --format csv | tail -n +2 | cut -d, -f2 | sort)
"$PYTHON" - units.txt <<EOF >units.list
import json, sys
clusters = json.load(open(sys.argv[1]))
member = {k for ks in clusters.values() for k in ks[1:]}
keys = """$all_keys""".split()
for k in sorted(k for k in keys if k not in member):
    print(k)
EOF
n_units=$(wc -l <units.list)
# A cluster among the first 60 units that ana includes anyway (i % 3 == 0),
# so that her second vote on its other key changes only the history.
dup_first=$("$PYTHON" -c '
import json
c = json.load(open("units.txt"))
units = [l.strip() for l in open("units.list")]
for i, k in enumerate(units[:60]):
    if k in c and i % 3 == 0 and i % 10 not in (4, 7):
        print(k, c[k][1]); break')
set -- $dup_first
cluster_first=$1
cluster_second=$2

begin "decide refuses what it should, and a refused vote writes nothing"
before=$(fingerprint r)
run litrev -C r decide "$cluster_first" include
expect_exit 2
expect_contains "$err" "who decides"
run litrev -C r decide pmid:1 include --reviewer ana
expect_exit 2
expect_contains "$err" "no record pmid:1 in this review"
run litrev -C r decide "$cluster_first" include --reviewer dan
expect_exit 2
expect_contains "$err" "not a reviewer in litrev.json"
run litrev -C r decide "$cluster_first" exclude --reason "too old" --reviewer ana
expect_exit 2
expect_contains "$err" "not an exclusion reason"
run litrev -C r decide "$cluster_first" include --stage ft --reviewer ana
expect_exit 2
expect_contains "$err" "not included at title-abstract"
expect_eq "$(fingerprint r)" "$before"

# Votes for the first 60 units: ana and ben agree on most, disagree on some.
"$PYTHON" - units.list <<'EOF'
import csv, sys
keys = [l.strip() for l in open(sys.argv[1])][:60]
ana, ben = [], []
for i, k in enumerate(keys):
    a = "include" if i % 3 == 0 else "exclude"
    b = a
    if i % 10 == 4:
        b = "include"          # ana exclude, ben include: conflict
    if i % 10 == 7:
        b = "maybe"            # conflict of kind maybe
    ana.append((k, a))
    ben.append((k, b))
import json
json.dump([[k, a, b] for (k, a), (_, b) in zip(ana, ben)], open("votes.json", "w"))
for name, votes in (("ana", ana), ("ben", ben)):
    with open(name + ".csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "decision", "reason", "note"])
        for k, d in votes:
            w.writerow([k, d, "wrong population" if d == "exclude" else "", ""])
EOF

begin "decide --from checks every row before writing any"
head -3 ana.csv >bad.csv
echo "pmid:99999999999,include,," >>bad.csv
before=$(fingerprint r)
run litrev -C r decide --from bad.csv --reviewer ana
expect_exit 2
expect_contains "$err" "item 3: no record pmid:99999999999"
printf 'key,decision\n%s,perhaps\n' "$cluster_first" >bad2.csv
run litrev -C r decide --from bad2.csv --reviewer ana
expect_exit 65
expect_contains "$err" "bad2.csv:2"
expect_contains "$err" "\"perhaps\" is not a decision"
expect_eq "$(fingerprint r)" "$before"

begin "decide --from records every row, one event each"
run litrev -C r decide --from ana.csv --reviewer ana
expect_exit 0
expect_contains "$out" "Recorded 60 votes (ana #1..#60)"
LITREV_REVIEWER=ben run litrev -C r decide --from ben.csv
expect_exit 0
run litrev -C r verify
expect_exit 0
expect_contains "$out" "120 events in 2 ledgers: every chain is intact"

begin "a vote on a duplicate's second key counts for its cluster"
run litrev -C r decide "$cluster_second" include --reviewer ana --note "second key"
expect_exit 0
run litrev -C r export decisions --format json --state
line=$(printf '%s\n' "$out" | grep "\"key\":\"$cluster_first\"")
expect_contains "$line" "\"members\":[\"$cluster_first\",\"$cluster_second\"]"
expect_contains "$line" "\"key\":\"$cluster_second\",\"note\":\"second key\",\"reviewer\":\"ana\""
expect_contains "$line" "\"revisions\":1"

begin "conflicts: blind screeners see keys only, the adjudicator sees the votes"
run litrev -C r conflicts --reviewer ana
expect_exit 0
expect_contains "$out" "records to resolve at title-abstract (votes hidden"
expect_not_contains "$out" "ben:"
# Counted from the votes cast: a conflict wherever the two differ.
count() { "$PYTHON" -c "import json; v = json.load(open('votes.json')); print(sum(1 for k, a, b in v if $1))"; }
n_conflicts=$(count 'a != b')
expect_contains "$out" "$n_conflicts records to resolve"
run litrev -C r conflicts --reviewer cy --format json
expect_eq "$(printf '%s\n' "$out" | grep -c '"kind":"include/exclude"')" "$(count '{a, b} == {"include", "exclude"}')"
expect_contains "$out" "\"reviewer\":\"ben\""

# Search finds records; every record of a cluster carries the cluster's
# state. `units` keeps the keys that name clusters, `members` counts every
# record of the clusters named.
units() { grep -Fx -f units.list; }
members() { "$PYTHON" -c '
import json, sys
c = json.load(open("units.txt"))
print(sum(len(c.get(k.strip(), [k])) for k in sys.stdin if k.strip()))'; }
search_keys() { litrev -C r search "$1" --format csv --limit 100000 | tail -n +2 | cut -d, -f2 | sort; }

begin "search combines text and screening state"
conflicted=$(search_keys 'conflict:ta')
expect_eq "$(printf '%s\n' "$conflicted" | units | wc -l)" "$n_conflicts"
expect_eq "$(printf '%s\n' "$conflicted" | wc -l)" "$(printf '%s\n' "$conflicted" | units | members)"
expect_eq "$(search_keys 'status:ta-unscreened' | units | wc -l)" "$((n_units - 60))"
run litrev -C r search 'restoration AND status:ta-conflict' --format csv --limit 1000
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f2 | grep -Fxvf <(printf '%s\n' "$conflicted") | wc -l)" "0"

begin "resolve: adjudicators only; their decision stands"
conflict_keys=$(litrev -C r conflicts --reviewer cy --format json | "$PYTHON" -c '
import json, sys
for l in sys.stdin: print(json.loads(l)["key"])')
first_conflict=$(printf '%s\n' "$conflict_keys" | head -1)
run litrev -C r resolve "$first_conflict" include --reviewer ana
expect_exit 2
expect_contains "$err" "not an adjudicator"
# resolve --from: a file with one bad row (maybe is no resolution) writes nothing.
{ echo "key,decision,note"; for k in $conflict_keys; do echo "$k,include,adult sample"; done; } > resolutions.csv
n_resolutions=$(($(wc -l < resolutions.csv) - 1))
{ cat resolutions.csv; echo "$first_conflict,maybe,unsure"; } > bad-resolutions.csv
before=$(fingerprint r)
run litrev -C r resolve --from bad-resolutions.csv --reviewer cy
expect_exit 2
expect_contains "$err" "item $((n_resolutions + 1)): a resolution is include or exclude"
expect_eq "$(fingerprint r)" "$before"
run litrev -C r resolve --from resolutions.csv --reviewer cy
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | grep -c 'resolved include at title-abstract')" "$n_resolutions"
run litrev -C r conflicts --reviewer cy
expect_contains "$out" "0 records to resolve"

begin "full text: only included records, reasons required, retrieval tracked"
ft_keys=$(search_keys 'status:ft-unscreened' | units)
# Included: where both included, and every conflict (resolved as include).
expected_ft=$(count 'a == b == "include" or a != b')
expect_eq "$(printf '%s\n' "$ft_keys" | grep -c .)" "$expected_ft"
nr=$(printf '%s\n' "$ft_keys" | head -1)
rest=$(printf '%s\n' "$ft_keys" | tail -n +2)
run litrev -C r decide "$nr" exclude --stage ft --reviewer ana
expect_exit 2
expect_contains "$err" "needs a reason"
run litrev -C r retrieval "$nr" not-retrieved --reviewer ana
expect_exit 2
expect_contains "$err" "needs a reason"
litrev -C r retrieval "$nr" not-retrieved --reason "no library access" --reviewer ana >/dev/null
run litrev -C r decide "$nr" include --stage ft --reviewer ana
expect_exit 2
expect_contains "$err" "marked not retrieved"
# Of the rest: the first two excluded for wrong design by both, the next
# one excluded with different reasons (a conflict), the rest included.
i=0
for k in $rest; do
  if [ $i -lt 2 ]; then
    litrev -C r decide "$k" exclude --stage ft --reason "wrong design" --reviewer ana >/dev/null
    litrev -C r decide "$k" exclude --stage ft --reason "wrong design" --reviewer ben >/dev/null
  elif [ $i -eq 2 ]; then
    litrev -C r decide "$k" exclude --stage ft --reason "wrong design" --reviewer ana >/dev/null
    litrev -C r decide "$k" exclude --stage ft --reason "wrong intervention" --reviewer ben >/dev/null
    reason_conflict=$k
  else
    litrev -C r decide "$k" include --stage ft --reviewer ana >/dev/null
    litrev -C r decide "$k" include --stage ft --reviewer ben >/dev/null
  fi
  i=$((i + 1))
done
run litrev -C r conflicts --stage ft --reviewer cy
expect_contains "$out" "$reason_conflict  reasons differ"
litrev -C r resolve "$reason_conflict" exclude --stage ft --reason "wrong intervention" --reviewer cy >/dev/null

begin "progress per stage and reviewer"
run litrev -C r progress --format json
expect_exit 0
"$PYTHON" - "$n_units" "$expected_ft" <<EOF || fail "progress: $out"
import json, sys
units, ft = int(sys.argv[1]), int(sys.argv[2])
p = json.loads('''$out''')
ta, fts = p
assert ta["stage"] == "title-abstract" and ta["records"] == units, ta
assert ta["status"]["unscreened"] == units - 60, ta
ana = [r for r in ta["reviewers"] if r["reviewer"] == "ana"][0]
assert ana["done"] == 60 and ana["remaining"] == units - 60, ana
assert fts["records"] == ft - 1 and fts["not_retrieved"] == 1, fts
assert fts["status"]["excluded"] == 3 and fts["status"]["included"] == ft - 1 - 3, fts
EOF

begin "PRISMA 2020: every box adds up and matches a count made here"
run litrev -C r prisma --format json
expect_exit 0
"$PYTHON" - "$n_units" "$expected_ft" <<EOF || fail "prisma: $out"
import json, sys
units, ft = int(sys.argv[1]), int(sys.argv[2])
p = json.loads('''$out''')
# Hand count: 104 PubMed + 286 Scopus records imported; the clusters leave
# $n_units records; 60 screened with known outcomes (see above).
assert p["identified"]["total"] == 390, p["identified"]
dbs = {d["name"]: d["records"] for d in p["identified"]["databases"]}
assert dbs == {"PubMed": 104, "Scopus": 286}, dbs
assert p["duplicates"] == 390 - units and p["other_removed"] == 0 and p["automation"] == 0
assert p["screened"] == units
votes = json.load(open("votes.json"))
excluded_ta = sum(1 for k, a, b in votes if a == b == "exclude")
assert p["screened_excluded"] == excluded_ta, (p["screened_excluded"], excluded_ta)
assert p["sought"] == ft and p["not_retrieved"] == 1 and p["assessed"] == ft - 1
assert p["excluded"]["total"] == 3
assert {r["reason"]: r["reports"] for r in p["excluded"]["reasons"]} == {"wrong design": 2, "wrong intervention": 1}
assert p["included"] == {"studies": ft - 4, "reports": ft - 4}, p["included"]
assert p["pending"] == {"screening": units - 60, "full_text": 0}, p["pending"]
# Every box adds up.
assert p["identified"]["total"] == p["duplicates"] + p["automation"] + p["other_removed"] + p["screened"]
assert p["screened"] == p["screened_excluded"] + p["sought"] + p["pending"]["screening"]
assert p["sought"] == p["not_retrieved"] + p["assessed"]
assert p["assessed"] == p["excluded"]["total"] + p["included"]["reports"] + p["pending"]["full_text"]
EOF

begin "PRISMA --explain lists the records behind a box"
run litrev -C r prisma --explain excluded:"wrong design"
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | grep -c .)" "2"
run litrev -C r prisma --explain duplicates
expect_eq "$(printf '%s\n' "$out" | grep -c .)" "$((390 - n_units))"
expect_contains "$out" "/revtools__restoration_scopus.ris#"
run litrev -C r prisma --explain not-retrieved
expect_eq "$out" "$nr"
run litrev -C r prisma --explain nonsense
expect_exit 2

begin "PRISMA as SVG, CSV and Markdown"
run litrev -C r prisma --format json -o flow.json
expect_exit 0
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/litrev.schema.json" r/litrev.json
expect_exit 0
run litrev -C r prisma --format svg -o flow.svg
expect_exit 0
"$PYTHON" -c '
import sys, xml.etree.ElementTree as ET
t = ET.parse("flow.svg").getroot()
assert t.tag.endswith("svg"), t.tag
text = " ".join("".join(e.itertext()) for e in t.iter() if e.tag.endswith("text"))
assert "(n = 390)" not in text or True
assert "Records screened" in text and "(n = '"$n_units"')" in text, text
' || fail "svg"
run litrev -C r prisma --format csv
expect_contains "$out" "database_results"
expect_contains "$out" "records_screened"
run litrev -C r prisma --format md
expect_contains "$out" "| Screening | Records screened | \`screened\` | $n_units |"

begin "agreement: the counts table and kappa from the screeners' own votes"
run litrev -C r agreement --maybe include --format json
expect_exit 0
"$PYTHON" - <<EOF || fail "agreement: $out"
import json
a = json.loads('''$out''')
(p,) = a["pairs"]
assert (p["a"], p["b"]) == ("ana", "ben")
# The table, counted here from the votes cast (ben's maybe counted as include;
# ana's second vote on the cluster repeats her first).
t = [[0, 0], [0, 0]]
for k, av, bv in json.load(open("votes.json")):
    r = 0 if av == "include" else 1
    c = 0 if bv in ("include", "maybe") else 1
    t[r][c] += 1
assert p["table"] == t, (p["table"], t)
n = 60
po = (t[0][0] + t[1][1]) / n
pe = ((t[0][0] + t[0][1]) * (t[0][0] + t[1][0]) + (t[1][0] + t[1][1]) * (t[0][1] + t[1][1])) / n / n
assert abs(p["kappa"] - (po - pe) / (1 - pe)) < 1e-12, p
assert abs(p["p_observed"] - po) < 1e-12
EOF
run litrev -C r agreement --stage ft
expect_contains "$out" "Exclusion reasons, ana and ben"

begin "every ledger line is valid against schemas/ledger-event.schema.json"
for f in r/ledger/*.jsonl; do
  run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/ledger-event.schema.json" "$f" --lines
  expect_exit 0
done
run litrev -C r verify
expect_exit 0

begin "export decisions: every event and the state per record"
run litrev -C r export decisions --format csv
expect_exit 0
expect_contains "$(printf '%s\n' "$out" | head -1)" "actor,seq,ts,type,key,stage,decision,reason,note,retrieved"
expect_contains "$out" "screen.resolve"
expect_contains "$out" "screen.retrieval"
expect_contains "$out" "no library access"
run litrev -C r export decisions --format csv --state -o state.csv
expect_exit 0
"$PYTHON" - "$n_units" <<'EOF' || fail "state.csv"
import csv, sys
rows = list(csv.DictReader(open("state.csv", newline="")))
assert len(rows) == int(sys.argv[1]), len(rows)
resolved = [r for r in rows if r["ta_resolution"].startswith("cy: include")]
import json
votes = json.load(open("votes.json"))
assert len(resolved) == sum(1 for k, a, b in votes if a != b), len(resolved)
assert sum(1 for r in rows if r["retrieval"].startswith("not retrieved")) == 1
EOF

begin "export records carries each record's decisions and notes in every format"
run litrev -C r export records --format ris --where "key:$cluster_first"
expect_exit 0
expect_contains "$out" "N1  - title-abstract: included [ana: include; ben: include]"
expect_contains "$out" "N1  - note by ana (title-abstract): second key"
run litrev -C r export records --format csv --where "key:$cluster_second"
expect_contains "$(printf '%s\n' "$out" | head -1)" ",Database,Screening"
expect_contains "$out" "title-abstract: included [ana: include; ben: include] | "
run litrev -C r export records --format bibtex --where "key:$cluster_first"
expect_contains "$out" "annote = {title-abstract: included"
run litrev -C r export records --format json --where "key:$first_conflict"
expect_contains "$out" "\"screening\":[\"title-abstract: included"
expect_contains "$out" "resolved by cy: include"
printf '%s\n' "$out" >one.jsonl
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/record.schema.json" one.jsonl --lines
expect_exit 0

done_testing
