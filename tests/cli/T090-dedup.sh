#!/usr/bin/env bash
# litrev dedup, evaluation mode: --input FILE.csv --format csv prints
# record_id,cluster_id for every row in input order; --explain says why; the
# labelled haematology set is deduplicated without merging distinct works;
# bad input gives exit 65 naming the file and line.
. "$(dirname "$0")/test-lib.sh"

cat > refs.csv <<'CSV'
record_id,author,title,year,journal,volume,number,pages,doi
a1,"Zipfel, P. F. and Skerka, C.",Complement dysfunction in hemolytic uremic syndrome.,2006,Current Opinion in Rheumatology,18,5,548-555,
a2,Zipfel PF; Skerka C,COMPLEMENT DYSFUNCTION IN HAEMOLYTIC URAEMIC SYNDROME,2006,Curr Opin Rheumatol,18,5,548-55,
b1,"Noris, M. and Remuzzi, G.",Atypical hemolytic-uremic syndrome,2009,New England Journal of Medicine,361,17,1676-1687,10.1056/NEJMra0902814
c1,"Noris, M.",Erratum: Atypical hemolytic-uremic syndrome,2010,New England Journal of Medicine,362,4,368,
b2,"Noris M, Remuzzi G",Atypical Hemolytic–Uremic Syndrome,2009,N Engl J Med,361,17,1676-87,https://doi.org/10.1056/NEJMra0902814
d1,"Noris, M. and Remuzzi, G.","Atypical hemolytic-uremic syndrome, a conference abstract",2009,N Engl J Med.Conference: Kidney Week,361,S1,S12,
CSV

begin "one row per input row, in input order, duplicates share a cluster_id"
run litrev dedup --input refs.csv --format csv
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | tr -d '\r')" "record_id,cluster_id
a1,a1
a2,a1
b1,b1
c1,c1
b2,b1
d1,d1"

begin "--explain writes JSON Lines: merges with rule, key and field scores, then a summary"
run litrev dedup --input refs.csv --format csv --explain
expect_exit 0
merges=$(printf '%s\n' "$err" | grep -c '"type":"merge"')
expect_eq "$merges" "2"
expect_contains "$err" '"rule":"title+volume+page"'
expect_contains "$err" '"blocking_key":'
expect_contains "$err" '"field":"pages","outcome":"agree"'
expect_contains "$err" '"type":"summary"'
printf '%s\n' "$err" | "$PYTHON" -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.strip()]
s = lines[-1]
assert s["type"] == "summary" and s["records"] == 6 and s["removed"] == 2, s
for l in lines[:-1]:
    assert l["type"] in ("merge", "maybe", "vetoed"), l
    assert l["rule"] and l["blocking_key"] and l["fields"], l
' || fail "explanations are not the expected JSON Lines"

begin "--explain FILE writes the explanations to FILE, stdout unchanged"
run litrev dedup --input refs.csv --format csv --explain why.jsonl
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" "7"
expect_contains "$(cat why.jsonl)" '"type":"summary"'
expect_eq "$err" ""

begin "the same input gives the same output"
first=$(litrev dedup --input refs.csv --format csv --explain 2>&1)
second=$(litrev dedup --input refs.csv --format csv --explain 2>&1)
expect_eq "$first" "$second"

begin "labelled haematology set: no distinct works merged, sensitivity at its measured floor"
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/bench/dedup_accuracy.py" --litrev "$LITREV" \
  --input "$FIXTURES/dedup/sra_haematology.csv" --min-sensitivity 0.87 --max-false-merges 0
expect_exit 0
expect_contains "$out" "false merges (clusters with >= 2 true groups): 0"

check_bad() { # name file expected-message-part
  begin "$1: exit 65, names the file"
  run litrev dedup --input "$2" --format csv
  expect_exit 65
  expect_contains "$err" "$2"
  expect_contains "$err" "$3"
}
printf 'foo,bar\n1,2\n' > nocols.csv
printf 'record_id,title\nr1,"never closed\nr2,x\n' > open.csv
printf 'record_id,title\nr1,a,b\n' > wide.csv
printf 'record_id,title\nr1,a\nr1,b\n' > twice.csv
: > empty.csv
check_bad "a missing file" nosuch.csv "no such file"
check_bad "no known column" nocols.csv "nocols.csv:1: no known column"
check_bad "an unclosed quote" open.csv "open.csv:2:"
check_bad "a row with extra fields" wide.csv "wide.csv:2:"
check_bad "a repeated record_id" twice.csv "twice.csv:3:"
check_bad "an empty file" empty.csv "empty"

begin "usage errors: no --input, an unknown format"
run litrev dedup --format csv
expect_exit 2
run litrev dedup --input refs.csv --format json
expect_exit 2

done_testing
