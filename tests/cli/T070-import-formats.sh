#!/usr/bin/env bash
# litrev import of the formats other databases export: one real search run in
# PubMed (nbib), Scopus (RIS) and Web of Science (plain text), sniffed by content.
. "$(dirname "$0")/test-lib.sh"

dir="$FIXTURES/formats/cross_db_restoration"
litrev init r >/dev/null

begin "each file is recognised by content and every record is read"
# Record counts taken from the files themselves, not from litrev.
n_nbib=$(grep -c '^PMID-' "$dir/revtools__restoration_pubmed.nbib")
n_ris=$(grep -c '^TY  -' "$dir/revtools__restoration_scopus.ris")
n_wos=$(grep -c '^PT ' "$dir/revtools__restoration_WoS.ciw")
cp "$dir/revtools__restoration_scopus.ris" scopus.txt   # the extension says nothing
run litrev -C r import "$dir/revtools__restoration_pubmed.nbib" scopus.txt "$dir/revtools__restoration_WoS.ciw"
expect_exit 0
expect_contains "$out" "restoration_pubmed.nbib: medline, $n_nbib records"
expect_contains "$out" "scopus.txt: ris, $n_ris records"
expect_contains "$out" "restoration_WoS.ciw: wos, $n_wos records"

begin "the manifest names each file's format and validates"
run_dir=$(ls r/sources)
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/manifest.schema.json" "r/sources/$run_dir/manifest.json"
expect_exit 0
expect_contains "$(cat r/sources/$run_dir/manifest.json)" '"format": "wos"'

begin "records from every file are searchable and keep their source"
run litrev -C r search 'restoration' --limit 1000 --format json
expect_exit 0
[ "$(echo "$out" | wc -l)" -gt 10 ] || fail "expected many hits, got $(echo "$out" | wc -l)"
first_wos=$(litrev -C r search 'NOT zzzz' --limit 100000 --format csv | tail -n +2 | cut -d, -f2 | while read -r k; do
  litrev -C r show "$k" --format json | grep -q '"source":"wos"' && { echo "$k"; break; }
done)
[ -n "$first_wos" ] || fail "no record with source wos"

begin "rebuild reads the files with the same formats"
before=$(litrev -C r search 'restoration OR forest' --limit 2000 --format csv)
run litrev -C r rebuild
expect_exit 0
expect_eq "$(litrev -C r search 'restoration OR forest' --limit 2000 --format csv)" "$before"

begin "--format overrides sniffing, and a wrong one is refused cleanly"
litrev init r2 >/dev/null
run litrev -C r2 import --format bibtex "$dir/revtools__restoration_scopus.ris"
[ "$rc" -ne 0 ] || fail "a RIS file read as BibTeX should not import"
expect_eq "$(ls r2/sources | wc -l)" "0"
run litrev -C r2 import --format nosuch "$dir/revtools__restoration_scopus.ris"
expect_exit 2

done_testing
