#!/usr/bin/env bash
# litrev grade, litrev sof and litrev meta --outcome on a review whose
# litrev.json declares the worked review's abstinence outcome (data and RoB 2
# table from corpora/ketamine-sud): suggestions with reasons, judgements as
# ledger events (validated against schemas/ledger-event.schema.json), refused
# judgements that leave the review unchanged, the Summary of Findings in its
# four formats and the evidence profile, and the forest plot with RoB columns.
. "$(dirname "$0")/test-lib.sh"

corpus="$LITREV_SOURCE_DIR/corpora/ketamine-sud"
review="$TMP/review"
"$LITREV" init "$review" --title t >/dev/null
cp "$corpus/litrev.json" "$review/litrev.json"
cp -r "$corpus/outcomes" "$corpus/rob" "$review/"
export LITREV_REVIEWER=ana

# Fingerprint of the review's files (no index: nothing was imported).
files() { (cd "$review" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

begin "grade shows litrev's suggestions with their reasons before anyone judges"
run litrev -C "$review" grade
expect_exit 0
expect_contains "$out" "abstinence: RR by MH (z test); 2 studies, 108 participants"
expect_contains "$out" "RR 3.00 (95% CI 1.55 to 5.78)"
expect_contains "$out" "Start: High. Randomised trials start at High."
expect_contains "$out" "100% of the weight comes from studies at high (or serious) risk of bias"
expect_contains "$out" "optimal information size of 2294"
expect_contains "$out" "[the reviewers' call: not yet judged]"
expect_contains "$out" "Certainty: ⊕◯◯◯ Very low (provisional: 5 not yet judged, 0 stale)"
run litrev -C "$review" grade --format json
expect_exit 0
run "$PYTHON" -c '
import json, sys
j = json.loads(sys.argv[1])
f = {x["factor"]: (x["suggested"], x["needs_judgement"], x["judged"]) for x in j["factors"]}
print(j["outcome"], j["k"], j["participants"], j["events_comparator"], j["total_comparator"], j["certainty"], j["final"],
      f["risk-of-bias"], f["indirectness"], f["imprecision"], [r["overall"] for r in j["rob"]])' "$out"
expect_eq "$out" "abstinence 2 108 9 55 Very low False (1, False, False) (0, True, False) (2, False, False) ['high', 'high']"

begin "refused judgements name the problem, exit 2 and write nothing"
before=$(files)
run litrev -C "$review" grade --outcome abstinence --set indirectness=1
expect_exit 2
expect_contains "$err" "Indirectness is the reviewers' call: say why"
run litrev -C "$review" grade --outcome abstinence --accept publication-bias
expect_exit 2
expect_contains "$err" "the reviewers' call, with nothing to accept"
run litrev -C "$review" grade --outcome abstinence --set imprecision=1
expect_exit 2
expect_contains "$err" "differs from the suggestion"
run litrev -C "$review" grade --outcome abstinence --accept risk-of-bias,precision
expect_exit 2
expect_contains "$err" "judgement 2 (precision): no GRADE factor \"precision\""
run litrev -C "$review" grade --outcome abstinence --set large-effect=1 --why big
expect_exit 2
expect_contains "$err" "upgrades apply only to evidence that starts at Low"
run litrev -C "$review" grade --outcome relapse --accept all
expect_exit 2
expect_contains "$err" "outcome \"relapse\" has no data file in litrev.json; pooled outcomes: \"abstinence\""
run litrev -C "$review" grade --outcome abstinence --accept all --reviewer zed
expect_exit 2
expect_contains "$err" "\"zed\" is not a reviewer in litrev.json"
run litrev -C "$review" grade --outcome abstinence --set imprecision=x --why y
expect_exit 2
run litrev -C "$review" grade --accept all
expect_exit 2
expect_contains "$err" "need --outcome NAME"
expect_eq "$(files)" "$before"

begin "judgements and a comment are ledger events, and the certainty follows them"
run litrev -C "$review" grade --outcome abstinence --accept all
expect_exit 0
expect_eq "$out" "abstinence: Risk of bias down 1 (ana #1)
abstinence: Inconsistency down 0 (ana #2)
abstinence: Imprecision down 2 (ana #3)"
run litrev -C "$review" grade --outcome abstinence --accept all
expect_exit 0
expect_contains "$out" "nothing to accept"
run litrev -C "$review" grade --outcome abstinence --set indirectness=1 \
  --why "Krupitsky 2007 compares three ketamine sessions with one session"
expect_exit 0
run litrev -C "$review" grade --outcome abstinence --set publication-bias=0 --why "two small trials" --reviewer ben
expect_exit 0
run litrev -C "$review" grade --outcome abstinence --comment 'Two small trials | <b>demo</b>' --reviewer cy
expect_exit 0
run litrev -C "$review" grade --outcome abstinence
expect_contains "$out" "Certainty: ⊕◯◯◯ Very low (every factor judged)"
expect_contains "$out" "ana: Krupitsky 2007 compares three ketamine sessions with one session"
expect_contains "$out" "Comment: Two small trials | <b>demo</b>"
run "$PYTHON" - "$SCHEMAS/ledger-event.schema.json" "$review"/ledger/*.jsonl <<'EOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
types = []
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8"):
        e = json.loads(line)
        jsonschema.validate(e, schema)
        types.append(e["type"])
print(len(types), sorted(set(types)))
EOF
expect_eq "$out" "6 ['grade.comment', 'grade.judgement']"

begin "sof prints the Summary of Findings in md, html, csv and json"
run litrev -C "$review" sof
expect_exit 0
expect_contains "$out" "## Summary of findings: Ketamine-assisted therapy"
expect_contains "$out" "| 164 per 1,000<sup>a</sup> | 491 per 1,000 (254 to 946) | 327 more per 1,000 (91 more to 783 more) | RR 3.00 (1.55 to 5.78) | 108 (2 RCTs) | ⊕◯◯◯ Very low<sup>b,c,d,e</sup> | Two small trials \\| <b>demo</b> |"
expect_contains "$out" "- <sup>c</sup> Indirectness: rated down one level (judged by ana; litrev suggested 0). Krupitsky 2007"
expect_not_contains "$out" "Provisional"
run litrev -C "$review" sof --format html -o sof.html
expect_exit 0
expect_contains "$out" "Wrote the Summary of Findings to sof.html (html)"
run "$PYTHON" -c '
import sys, xml.etree.ElementTree as ET
root = ET.fromstring("<div>" + open("sof.html", encoding="utf-8").read() + "</div>")
cells = [c for c in root.iter("td")]
notes = [li.get("id") for li in root.iter("li")]
print(len(cells), notes, "".join(cells[-1].itertext()))'
expect_eq "$out" "8 ['fn-a', 'fn-b', 'fn-c', 'fn-d', 'fn-e'] Two small trials | <b>demo</b>"
run litrev -C "$review" sof --format csv
expect_exit 0
run "$PYTHON" -c '
import csv, io, sys
rows = list(csv.reader(io.StringIO(sys.argv[1])))
print(len(rows[0]), rows[1][1], rows[1][6])' "$out"
expect_eq "$out" "8 164 per 1,000 [a] ⊕◯◯◯ Very low [b,c,d,e]"
run litrev -C "$review" sof --format json
expect_exit 0
run "$PYTHON" -c '
import json, sys
j = json.loads(sys.argv[1])
p = j["per_1000"]
print(round(p["comparator"]), round(p["intervention"]), j["row"]["Relative effect (95% CI)"]["text"], sorted(j["footnotes"]))' "$out"
expect_eq "$out" "164 491 RR 3.00 (1.55 to 5.78) ['a', 'b', 'c', 'd', 'e']"
run litrev -C "$review" sof --format pdf
expect_exit 2

begin "sof --profile prints the evidence profile"
run litrev -C "$review" sof --profile --format csv
expect_exit 0
run "$PYTHON" -c '
import csv, io, sys
rows = list(csv.reader(io.StringIO(sys.argv[1])))
h, r = rows[0], rows[1]
print(r[h.index("Risk of bias")], "|", r[h.index("Indirectness")], "|", r[h.index("Imprecision")], "|",
      r[h.index("№ of patients: intervention")], "|", r[h.index("Importance")])' "$out"
expect_eq "$out" "serious [a] | serious [b] | very serious [c] | 26/53 (49.1%) | CRITICAL"

begin "a changed RoB table makes an accepted suggestion stale"
cp "$review/rob/rob2-summary.csv" "$TMP/rob.bak"
printf 'Study,D1,D2,D3,D4,D5,Overall\nDakwar 2019,Low,Low,Low,Low,Low,Low\nKrupitsky 2007,Low,Low,Low,Low,Low,Low\n' \
  >"$review/rob/rob2-summary.csv"
run litrev -C "$review" grade --outcome abstinence
expect_contains "$out" "STALE: litrev now suggests 0, it suggested 1 then"
expect_contains "$out" "(provisional: 0 not yet judged, 1 stale)"
run litrev -C "$review" sof
expect_contains "$out" "Provisional: abstinence has 1 judgement made against an earlier suggestion."
cp "$TMP/rob.bak" "$review/rob/rob2-summary.csv"

begin "meta --outcome pools the review's data and draws its RoB columns"
run litrev -C "$review" meta --outcome abstinence --format json
expect_exit 0
expect_contains "$out" "\"exp_estimate\":2.998"
run litrev -C "$review" meta --outcome abstinence --forest forest.svg
expect_exit 0
run "$PYTHON" -c '
import xml.etree.ElementTree as ET
root = ET.parse("forest.svg").getroot()
cells = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "rob-cell"]
print(len(cells), sorted({g.get("data-level") for g in cells if g.get("data-domain") == "overall"}))'
expect_eq "$out" "12 ['high']"
run litrev -C "$review" meta --outcome abstinence --method DL
expect_exit 0
expect_contains "$out" "Random-effects model"
run litrev -C "$review" meta
expect_exit 2
expect_contains "$err" "give either DATA.csv or --outcome NAME"
run litrev meta "$review/outcomes/abstinence.csv" --measure RR
expect_exit 2
expect_contains "$err" "needs --measure and --method"
run litrev -C "$review" meta --outcome abstinence --rob-tool rob2
expect_exit 2

begin "a protocol with a typo in an outcome is refused, naming the field"
"$PYTHON" - "$review/litrev.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["outcomes"][0]["mesure"] = d["outcomes"][0].pop("measure")
json.dump(d, open(sys.argv[1], "w"))
EOF
run litrev -C "$review" sof
expect_exit 65
expect_contains "$err" "outcomes[0].mesure: unknown field"

done_testing
