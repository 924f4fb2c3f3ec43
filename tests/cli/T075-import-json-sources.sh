#!/usr/bin/env bash
# litrev import of raw service answers as `litrev fetch` saves them: a Europe
# PMC search page and ClinicalTrials.gov API v2 answers, recognised by content,
# indexed like any imported file, and read again by rebuild.
. "$(dirname "$0")/test-lib.sh"

epmc="$FIXTURES/europepmc"
ctgov="$FIXTURES/ctgov"
litrev init r >/dev/null

# Counts taken from the files themselves, not from litrev.
count() { "$PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(len(eval("d" + sys.argv[2])))' "$@"; }

begin "each answer is recognised by content and every record is read"
n_core=$(count "$epmc/search_cancer_core.json" '["resultList"]["result"]')
n_page=$(count "$ctgov/search_phelan_limit5_20260811.json" '["studies"]')
cp "$ctgov/get_nct02576665_20260811.json" study.txt   # the extension says nothing
run litrev -C r import "$epmc/search_cancer_core.json" study.txt "$ctgov/search_phelan_limit5_20260811.json"
expect_exit 0
expect_contains "$out" "search_cancer_core.json: europepmc-json, $n_core records"
expect_contains "$out" "study.txt: ctgov-json, 1 record"
expect_contains "$out" "search_phelan_limit5_20260811.json: ctgov-json, $n_page records"
run_dir=$(ls r/sources)
expect_contains "$(cat "r/sources/$run_dir/manifest.json")" '"format": "ctgov-json"'

begin "a registration shows as JSON that validates, with its registry fields"
run litrev -C r show nct:NCT02576665 --format json
expect_exit 0
echo "$out" > nct.json
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/record.schema.json" nct.json
expect_exit 0
rec=$(cat nct.json)
expect_contains "$rec" '"kind":"registration"'
expect_contains "$rec" '"database":"ClinicalTrials.gov"'
expect_contains "$rec" '"overall_status":"TERMINATED"'
expect_contains "$rec" '"phases":["PHASE1"]'
expect_contains "$rec" '"enrollment":21'

begin "Europe PMC records and every registration validate too"
for k in pmid:40468710 pmid:39709208 nct:NCT02710084 nct:NCT05105685 nct:NCT07119606; do
  litrev -C r show "$k" --format json
done > some.jsonl
expect_eq "$(wc -l < some.jsonl)" "5"
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/record.schema.json" some.jsonl --lines
expect_exit 0
expect_contains "$(head -1 some.jsonl)" '"source":"europepmc-json"'

begin "records of both services are searchable"
run litrev -C r search 'Toca' --format csv
expect_exit 0
expect_contains "$out" "nct:NCT02576665"
run litrev -C r search 'psychological flexibility' --format csv
expect_contains "$out" "pmid:40468710"

begin "rebuild reads the answers again with the same result"
before=$(litrev -C r search 'NOT zzzz' --limit 1000 --format csv)
[ "$(echo "$before" | tail -n +2 | wc -l)" -eq $((n_core + 1 + n_page)) ] || fail "expected $((n_core + 1 + n_page)) records"
run litrev -C r rebuild
expect_exit 0
expect_eq "$(litrev -C r search 'NOT zzzz' --limit 1000 --format csv)" "$before"

begin "an answer without results is refused with the file's name, nothing is stored"
litrev init r2 >/dev/null
printf '{"version":"6.9"}' > bare.json
run litrev -C r2 import --format europepmc-json bare.json
expect_exit 65
expect_contains "$err" "bare.json"
expect_contains "$err" "version"
printf '{"studies": [\n{"protocolSection": }\n]}' > broken.json
run litrev -C r2 import broken.json
expect_exit 65
expect_contains "$err" "broken.json:2"
expect_eq "$(ls r2/sources 2>/dev/null | wc -l)" "0"

done_testing
