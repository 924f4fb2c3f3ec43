#!/usr/bin/env bash
# litrev rebuild: the index is derived, and a rebuild answers the same.
. "$(dirname "$0")/test-lib.sh"

litrev init r >/dev/null
litrev -C r import "$CORPUS"/efetch_biopython_*.xml >/dev/null
litrev -C r import "$CORPUS"/efetch_metapub_*.xml "$CORPUS"/efetch_pubmedparser_*.xml >/dev/null

queries=("ketamine" "thyroid OR depression" "year:2015..2020" "pt:review" "NOT cancer" 'author:"TAX 325"')
snapshot() {
  for q in "${queries[@]}"; do
    litrev -C r search "$q" --limit 100 --format json
  done
}

begin "rebuild gives the same search results (ranks and scores) as before"
before=$(snapshot)
run litrev -C r rebuild
expect_exit 0
expect_contains "$out" "2 runs: 15 records"
expect_eq "$(snapshot)" "$before"

begin "rebuild restores a deleted index"
rm -rf r/index
run litrev -C r search ketamine
expect_exit 1
expect_contains "$err" "litrev rebuild"
run litrev -C r rebuild
expect_exit 0
expect_eq "$(snapshot)" "$before"

done_testing
