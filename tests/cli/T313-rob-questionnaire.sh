#!/usr/bin/env bash
# litrev rob assess STUDY --tool rob2 --result R (no --answers): the
# interactive RoB 2 questionnaire, driven through a pipe. Only the questions
# that apply are asked; the domain and overall judgements follow the RoB 2
# flowcharts (shared/specs/rob_grade_meta.md §1.2; the expected judgements
# below are worked out from them by hand); every answer is saved at once, so
# quitting or end of input loses nothing and the next run resumes; back
# undoes; a bad answer is refused and asked again; an override needs a
# justification and shows in the tables; text from the data cannot reach the
# terminal as control sequences.
. "$(dirname "$0")/test-lib.sh"

review="$TMP/review"
"$LITREV" init "$review" --title t >/dev/null
cp "$LITREV_SOURCE_DIR/corpora/ketamine-sud/litrev.json" "$review/litrev.json"
unset LITREV_REVIEWER
result="abstinence at 6 months"

# assess STUDY < LINES: the questionnaire for ana, answers from the lines.
assess() {
  local study=$1
  shift
  printf '%s\n' "$@" > "$TMP/answers"
  run litrev -C "$review" rob assess "$study" --tool rob2 --result "$result" --reviewer ana < "$TMP/answers"
}
# The question lines asked in $out (as "1.2", one per line), in order.
asked() { printf '%s\n' "$out" | grep -E '^[0-9]\.[0-9]  ' | cut -d' ' -f1 | tr '\n' ' '; }
ledger_lines() { cat "$review"/ledger/*.jsonl 2>/dev/null | wc -l; }

begin "a full RoB 2 assessment from piped answers: only the questions that apply, judgements by the flowcharts"
# D1: 1.1 PY, 1.2 Y, 1.3 N -> Low.
# D2: 2.1 N, 2.2 N -> 2.3 to 2.5 not asked (part 1 Low); 2.6 N -> 2.7 asked, N -> Some concerns.
# D3: 3.1 N -> 3.2 N -> 3.3 Y -> 3.4 N -> Some concerns.
# D4: 4.1 N, 4.2 N -> 4.3 asked, N -> Low; 4.4 and 4.5 not asked.
# D5: 5.1 Y, 5.2 N, 5.3 N -> Low.
# Overall: Some concerns in D2 and D3, High in none -> the assessor is asked
# whether they lower confidence substantially; no -> Some concerns.
assess "Alpha 2020" "probably yes" Y n "" \
  N no N N "" \
  N N Y N "" \
  N N N "" \
  Y N N "" \
  no ""
expect_exit 0
expect_contains "$out" "Study:    Alpha 2020"
expect_contains "$out" "Result:   abstinence at 6 months"
expect_contains "$out" "No answers yet."
expect_contains "$out" "Commands: note TEXT, back, skip, show, help, quit."
expect_contains "$out" "D1  Bias arising from the randomization process"
expect_contains "$out" "1.1  Was the allocation sequence random?  [Y/PY/PN/N/NI]"
expect_contains "$out" "3.2  Is there evidence that the result was not biased by missing outcome data?  [Y/PY/PN/N]"
expect_eq "$(asked)" "1.1 1.2 1.3 2.1 2.2 2.6 2.7 3.1 3.2 3.3 3.4 4.1 4.2 4.3 5.1 5.2 5.3 "
expect_contains "$out" "  Not asked, given this answer: 2.3, 2.4, 2.5"
expect_contains "$out" "  Not asked, given this answer: 4.4, 4.5"
expect_contains "$out" "D1 judgement by the algorithm: Low
  Rule: 1.2 Y/PY; 1.1 Y/PY/NI; 1.3 N/PN/NI -> Low"
expect_contains "$out" "D2 judgement by the algorithm: Some concerns"
expect_contains "$out" "D3 judgement by the algorithm: Some concerns"
expect_contains "$out" "D4 judgement by the algorithm: Low"
expect_contains "$out" "D5 judgement by the algorithm: Low"
expect_contains "$out" "Enter to accept, or type a level to override (Low, Some concerns or High):"
expect_contains "$out" "Some concerns in 2 domains (D2, D3) and High in none."
expect_contains "$out" "Overall judgement by the rule: Some concerns"
expect_contains "$out" "Complete: overall Some concerns. Saved."
# One snapshot per answer: 17 (answering "no" to the several-concerns
# question changes nothing, so it writes nothing).
expect_eq "$(ledger_lines)" "17"
run litrev -C "$review" rob table --tool rob2 --format csv
expect_exit 0
expect_contains "$out" "Alpha 2020,abstinence at 6 months,Low,Some concerns,Some concerns,Low,Low,Some concerns"

begin "several Some concerns judged to lower confidence substantially make the overall High (the assessor's choice)"
assess "Alpha 2020 (b)" Y Y N "" N N N N "" N N Y N "" N N N "" Y N N "" yes ""
expect_exit 0
expect_contains "$out" "Overall judgement by the rule: High
  Rule: Some concerns in several domains (D2, D3), judged by the assessor to lower confidence in the result substantially -> High"
run litrev -C "$review" rob table --tool rob2 --format csv
expect_contains "$out" "Alpha 2020 (b),abstinence at 6 months,Low,Some concerns,Some concerns,Low,Low,High"

begin "back undoes the last answer; a bad answer gets a message and is asked again; an override needs a justification"
# D1: 1.1 Y (with a note), 1.2 Y, back, 1.2 "maybe" (refused), 1.2 N, 1.3 N -> High;
# overridden to Some concerns (an empty justification is refused first).
# D2: 2.1 Y, 2.2 Y -> 2.3 asked, N -> Low part 1 (2.4, 2.5 not asked); 2.6 Y -> Low (2.7 not asked).
# D3: 3.1 Y -> Low (3.2 to 3.4 not asked). D4: 4.1 N, 4.2 N, 4.3 Y, 4.4 N -> Low (4.5 not asked).
# D5: 5.1 Y, 5.2 N, 5.3 N -> Low. Overall: Some concerns (D1, by the override) -> Some concerns.
assess "Beta 2019" "note Computer-generated random numbers (p. 3)" Y Y back maybe N N \
  "Some concerns" "" "Allocation concealed by central pharmacy, per the trial protocol" \
  Y Y N Y "" Y "" N N Y N "" Y N N "" ""
expect_exit 0
expect_contains "$out" "Note kept for 1.1; it is saved with your answer."
expect_contains "$out" "Undone: 1.2 (was Y); it is asked again."
expect_contains "$out" "(your earlier answer: Y)"
expect_contains "$out" "\"maybe\" is not an answer to 1.2: type Y, PY, PN, N or NI"
expect_eq "$(asked)" "1.1 1.2 1.3 1.2 1.3 2.1 2.2 2.3 2.6 3.1 4.1 4.2 4.3 4.4 5.1 5.2 5.3 "
expect_contains "$out" "D1 judgement by the algorithm: High
  Rule: 1.2 N/PN -> High"
expect_contains "$out" "A justification is required to override the algorithm's judgement: type it, or cancel."
expect_contains "$out" "Override saved: D1 is Some concerns (the algorithm: High)."
expect_not_contains "$out" "Do these concerns together"
expect_contains "$out" "Overall judgement by the rule: Some concerns"
expect_contains "$out" "Complete: overall Some concerns. Saved."
run litrev -C "$review" rob table --tool rob2 --format csv
expect_contains "$out" "Beta 2019,abstinence at 6 months,Some concerns,Low,Low,Low,Low,Some concerns"
run litrev -C "$review" rob table --tool rob2 --format md
expect_contains "$out" "1.1 Y: Computer-generated random numbers (p. 3). 1.2 N. 1.3 N. Override: Allocation concealed by central pharmacy, per the trial protocol"
# The standing snapshot holds the answer given after back, and the override.
run "$PYTHON" - "$review"/ledger/ana.jsonl <<'EOF'
import json, sys
last = [e for e in map(json.loads, open(sys.argv[1])) if e["payload"].get("study") == "Beta 2019"][-1]["payload"]
print(last["answers"]["1.2"]["answer"], last["levels"]["D1"]["level"], last["computed"]["D1"], last["computed"]["overall"])
EOF
expect_eq "$out" "N some_concerns high some_concerns"

begin "quit half way, then the same command resumes: answered questions are not asked again"
assess "Gamma 2021" Y Y N "" Y quit
expect_exit 0
expect_eq "$(asked)" "1.1 1.2 1.3 2.1 2.2 "
expect_contains "$out" "Stopped. All your answers are saved (4 questions answered)."
expect_contains "$out" "To carry on where you stopped, run this again in the same review:
  litrev rob assess 'Gamma 2021' --tool rob2 --result 'abstinence at 6 months' --reviewer ana"
# D2: 2.2 Y, 2.3 Y -> 2.4 Y -> 2.5 N -> part 1 High; 2.6 Y -> High.
# D3: 3.1 N -> 3.2 Y -> Low. D4: 4.1 Y -> High (4.3 to 4.5 not asked); 4.2 N.
# D5: 5.1 PN, 5.2 N, 5.3 NI -> Some concerns. Overall: High (D2, D4).
assess "Gamma 2021" Y Y Y N Y "" N Y "" Y N "" PN N NI "" ""
expect_exit 0
expect_contains "$out" "Resuming your assessment"
expect_contains "$out" "4 questions answered; answered questions are not asked again."
expect_contains "$out" "D1  Randomization process"
expect_eq "$(asked)" "2.2 2.3 2.4 2.5 2.6 3.1 3.2 4.1 4.2 5.1 5.2 5.3 "
expect_contains "$out" "  Not asked, given this answer: 4.3, 4.4, 4.5"
expect_not_contains "$out" "Do these concerns together"
expect_contains "$out" "Overall judgement by the rule: High
  Rule: High in at least one domain (D2, D4) -> High"
run litrev -C "$review" rob table --tool rob2 --format csv
expect_contains "$out" "Gamma 2021,abstinence at 6 months,Low,High,Low,High,Some concerns,High"

begin "end of input saves like quit; skip leaves a question for next time; labels cannot send escape sequences"
delta=$'Delta\e[31m 2022'
assess "$delta" PY skip N
expect_exit 0
expect_not_contains "$out" $'\e'
expect_contains "$out" "Study:    Delta^[[31m 2022"
expect_contains "$out" "Skipped 1.2: D1 cannot be judged until it is answered."
expect_contains "$out" "D1 is not judged yet: 1.2 unanswered (skipped)."
expect_contains "$out" "2.1  Were participants aware"
expect_contains "$out" "Stopped. All your answers are saved (2 questions answered)."
run "$PYTHON" - "$review"/ledger/ana.jsonl "$delta" <<'EOF'
import json, sys
last = [e for e in map(json.loads, open(sys.argv[1])) if e["payload"].get("study") == sys.argv[2]][-1]["payload"]
print(sorted((k, v["answer"]) for k, v in last["answers"].items()))
EOF
expect_eq "$out" "[('1.1', 'PY'), ('1.3', 'N')]"
# Next time the skipped question comes first.
assess "$delta"
expect_exit 0
expect_eq "$(asked)" "1.2 "

begin "a complete assessment run again is left as it is unless the assessor changes something"
before=$(ledger_lines)
assess "Alpha 2020" ""
expect_exit 0
expect_contains "$out" "This assessment is complete."
expect_contains "$out" "Nothing changed."
expect_eq "$(asked)" ""
expect_eq "$(ledger_lines)" "$before"
# change 4.3: asked again; Y now asks 4.4 (N -> Low), and the overall is confirmed again.
assess "Alpha 2020" "change 4.3" Y N "" no ""
expect_exit 0
expect_contains "$out" "Taken back: 4.3 (was N); it is asked again."
expect_eq "$(asked)" "4.3 4.4 "
expect_contains "$out" "Complete: overall Some concerns. Saved."

begin "an assessor who is not a reviewer is refused before any question"
before=$(ledger_lines)
printf 'Y\n' > "$TMP/answers"
run litrev -C "$review" rob assess "Alpha 2020" --tool rob2 --result "$result" --reviewer zed < "$TMP/answers"
expect_exit 2
expect_contains "$err" "\"zed\" is not a reviewer in litrev.json"
expect_eq "$(asked)" ""
expect_eq "$(ledger_lines)" "$before"

begin "every ledger line validates against schemas/ledger-event.schema.json"
if grep -q '"rob.assessment"' "$SCHEMAS/ledger-event.schema.json"; then
  run "$PYTHON" - "$SCHEMAS/ledger-event.schema.json" "$review"/ledger/*.jsonl <<'EOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
types = set()
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8"):
        e = json.loads(line)
        jsonschema.validate(e, schema)
        types.add(e["type"])
print(sorted(types))
EOF
  expect_exit 0
  expect_eq "$out" "['rob.assessment']"
fi

done_testing
