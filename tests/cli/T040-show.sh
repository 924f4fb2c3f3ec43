#!/usr/bin/env bash
# litrev show: one record, text and json.
. "$(dirname "$0")/test-lib.sh"

litrev init r >/dev/null
litrev -C r import "$CORPUS"/*.xml >/dev/null

begin "show --format json is the whole record and validates"
run litrev -C r show pmid:36987902 --format json
expect_exit 0
echo "$out" > rec.json
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/record.schema.json" rec.json
expect_exit 0
expect_contains "$(cat rec.json)" '"languages":["eng","nor"]'

begin "every record in the corpus validates against record.schema.json"
for k in $(litrev -C r search 'NOT zzzz' --limit 100 --format csv | tail -n +2 | cut -d, -f2); do
  litrev -C r show "$k" --format json
done > all.jsonl
expect_eq "$(wc -l < all.jsonl)" "15"
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/record.schema.json" all.jsonl --lines
expect_exit 0

begin "show text: title, authors, source, abstract sections"
run litrev -C r show pmid:23435529
expect_exit 0
expect_contains "$out" "TAX 325 Study Group"
expect_contains "$out" "Randomized Controlled Trial"
expect_contains "$out" "PURPOSE:"

begin "a bare PMID works; an unknown key exits 1"
run litrev -C r show 31789841
expect_exit 0
expect_contains "$out" "Positivism"
run litrev -C r show pmid:1
expect_exit 1
expect_contains "$err" "no record with key pmid:1"

done_testing
