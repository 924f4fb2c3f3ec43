#!/usr/bin/env bash
# litrev rob judge / assess / compare / agreement / consensus, and rob table
# and plot from the review's agreed assessments: on the worked review's
# records and RoB 2 answers (corpora/ketamine-sud), with a second assessor who
# overrides one domain. Ledger lines validate against the schema; refused
# assessments change nothing; the agreed table equals the corpus's own
# robvis summary, which was derived by hand from the same answers.
. "$(dirname "$0")/test-lib.sh"

corpus="$LITREV_SOURCE_DIR/corpora/ketamine-sud"
review="$TMP/review"
"$LITREV" init "$review" --title t >/dev/null
cp "$corpus/litrev.json" "$review/litrev.json"
cp -r "$corpus/outcomes" "$corpus/rob" "$review/"
"$LITREV" -C "$review" import "$corpus/records/curated.ris" >/dev/null
answers="$corpus/rob/rob2-answers.json"

begin "rob judge computes every domain by the RoB 2 flowcharts, without a review"
run litrev rob judge --tool rob2 --answers "$answers"
expect_exit 0
expect_contains "$out" "Dakwar 2019 — abstinence over the last 2 weeks"
expect_contains "$out" "  D3   High             3.1 N/PN/NI; 3.2 N/PN; 3.3 Y/PY/NI; 3.4 Y/PY/NI -> High"
expect_contains "$out" "  Overall High          High in at least one domain (D3) -> High"
printf '{"1.1": "Y", "1.2": "Y", "1.3": "N", "2.1": "N"}' >partial.json
run litrev rob judge --tool rob2 --answers partial.json --format json
expect_exit 0
run "$PYTHON" -c '
import json, sys
j = json.loads(sys.argv[1])
d = {x["domain"]: x for x in j["domains"]}
print(d["D1"]["level"], d["D2"]["status"], d["D2"]["unanswered"], j["complete"])' "$out"
expect_eq "$out" "low incomplete ['2.2', '2.6'] False"
printf '{"1.1": "Y", "1.2": "Y", "1.3": "N", "1.4": "Y"}' >bad.json
run litrev rob judge --tool rob2 --answers bad.json
expect_exit 2
expect_contains "$err" "1.4"

begin "rob assess records each assessment as a ledger event, checked first"
before=$(cd "$review" && find ledger -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum)
"$PYTHON" - "$answers" ben.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["assessments"][0]["levels"] = {"D1": {"level": "High"}}   # an override with no justification
json.dump(d, open(sys.argv[2], "w"))
EOF
run litrev -C "$review" rob assess --answers ben.json --reviewer ben
expect_exit 2
expect_contains "$err" "assessment 1 (\"Dakwar 2019\""
expect_contains "$err" "needs a justification"
run litrev -C "$review" rob assess --answers "$answers" --reviewer zed
expect_exit 2
expect_contains "$err" "\"zed\" is not a reviewer"
run litrev -C "$review" rob assess --reviewer ana
expect_exit 2
expect_eq "$(cd "$review" && find ledger -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum)" "$before"
run litrev -C "$review" rob assess --answers "$answers" --reviewer ana
expect_exit 0
expect_contains "$out" "Dakwar 2019 (abstinence over the last 2 weeks of the trial (end-of-study abstinence)): RoB 2 (assignment) assessment overall High (ana #1)"
expect_contains "$out" "(ana #3)"

begin "a second assessor's override shows in compare and agreement"
"$PYTHON" - "$answers" ben.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
a = d["assessments"][0]
a["levels"] = {"D1": {"level": "High", "justification": "baseline imbalance in the article's table 1"}}
a.pop("judgements")   # ben's own view: the stated D1 no longer holds
json.dump(d, open(sys.argv[2], "w"))
EOF
run litrev -C "$review" rob assess --answers ben.json --reviewer ben
expect_exit 0
run litrev -C "$review" rob compare
expect_exit 0
expect_contains "$out" "Dakwar 2019 — abstinence over the last 2 weeks of the trial (end-of-study abstinence) (RoB 2 (assignment)): 1 disagreement(s)"
expect_contains "$out" "  D1       ana Some concerns | ben High"
expect_contains "$out" "Krupitsky 2007 — abstinence from heroin at 1-year follow-up (RoB 2 (assignment)): the assessors agree"
run litrev -C "$review" rob agreement --tool rob2 --assessors ana,ben --format json
expect_exit 0
run "$PYTHON" -c '
import json, sys
rows = {j["domain"]: j for j in map(json.loads, sys.argv[1].splitlines())}
# D1 by hand: ana (some concerns, some concerns, some concerns), ben (high, some concerns, some concerns):
# po = 2/3; both margins put ana all in one category, so pe = ben share of some concerns = 2/3; kappa = 0.
d1 = rows["D1"]
print(d1["n"], round(d1["p_observed"], 6), round(d1["kappa"], 12) + 0.0, rows["D3"]["p_observed"])' "$out"
expect_eq "$out" "3 0.666667 0.0 1.0"

begin "the agreed table: pending without consensus, complete after it, equal to the corpus summary"
run litrev -C "$review" rob table --tool rob2 --format csv
expect_exit 2
expect_contains "$err" "Dakwar 2019 (abstinence over the last 2 weeks of the trial (end-of-study abstinence)): 2 assessors and no consensus"
run litrev -C "$review" rob consensus --adopt ana --study "Dakwar 2019" \
  --result "abstinence over the last 2 weeks of the trial (end-of-study abstinence)" --tool rob2 --reviewer cy
expect_exit 0
expect_contains "$out" "RoB 2 (assignment) consensus overall High (cy #1)"
run litrev -C "$review" rob table --tool rob2 --format csv
expect_exit 0
expect_contains "$out" "Dakwar 2019"
expect_contains "$err" "not in the table: Krupitsky 2007 (abstinence from heroin at 1-year follow-up): 2 assessors and no consensus"
run litrev -C "$review" rob consensus --adopt ben --study "Krupitsky 2007" --tool rob2 --reviewer cy
expect_exit 2
expect_contains "$err" "ben has no rob2-parallel-itt assessment of \"Krupitsky 2007\""
run litrev -C "$review" rob consensus --answers "$answers" --reviewer cy
expect_exit 0
run litrev -C "$review" rob table --tool rob2 --format robvis
expect_exit 0
run "$PYTHON" - "$corpus/rob/rob2-summary.csv" "$out" <<'EOF'
import csv, io, sys
want = {r["Study"]: [r[k] for k in ("D1", "D2", "D3", "D4", "D5", "Overall")] for r in csv.DictReader(open(sys.argv[1]))}
got = {r["Study"].split(" (")[0]: [r[k] for k in ("D1", "D2", "D3", "D4", "D5", "Overall")]
       for r in csv.DictReader(io.StringIO(sys.argv[2]))}
print("same" if got == want else "differ: %r vs %r" % (got, want))
EOF
expect_eq "$out" "same"
run litrev -C "$review" rob table --tool rob2 --format md
expect_contains "$out" "1.2 NI: allocation concealment not described in the sources read."
run litrev -C "$review" rob table --tool rob2 --format latex --weights-from abstinence
expect_exit 0
expect_contains "$out" "Study & Result & D1 & D2 & D3 & D4 & D5 & Overall & Weight (\\%) \\\\"
expect_contains "$out" "& High & 33.3 \\\\"
expect_contains "$err" "Krupitsky 2002: not in the meta-analysis of abstinence"
run litrev -C "$review" rob plot summary --tool rob2 --weighted --weights-from abstinence -o summary.svg
expect_exit 0
expect_contains "$(cat summary.svg)" "<svg"
run litrev -C "$review" rob table --tool rob2 --format csv --result nothing
expect_exit 2
expect_contains "$err" "no agreed RoB 2 (assignment) assessment of nothing"

begin "every rob.* ledger line validates against the schema"
run "$PYTHON" - "$SCHEMAS/ledger-event.schema.json" "$review"/ledger/*.jsonl <<'EOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
types = {}
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8"):
        e = json.loads(line)
        jsonschema.validate(e, schema)
        types[e["type"]] = types.get(e["type"], 0) + 1
print(sorted(types.items()))
EOF
expect_eq "$out" "[('rob.assessment', 6), ('rob.consensus', 4)]"

done_testing
