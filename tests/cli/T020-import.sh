#!/usr/bin/env bash
# litrev import: PubMed XML files, plain and gzip, manifest, idempotence.
. "$(dirname "$0")/test-lib.sh"

litrev init r >/dev/null

begin "import the corpus: every record, one run, manifest valid"
run litrev -C r import "$CORPUS"/*.xml
expect_exit 0
expect_contains "$out" "15 added, 0 updated, 0 deleted"
runs=$(ls r/sources)
expect_eq "$(echo "$runs" | wc -l)" "1"
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/manifest.schema.json" "r/sources/$runs/manifest.json"
expect_exit 0
expect_eq "$(ls r/sources/$runs | grep -c '\.xml$')" "13"

begin "stored files are byte-identical to the originals"
for f in "$CORPUS"/*.xml; do
  cmp -s "$f" "r/sources/$runs/$(basename "$f")" || fail "differs: $(basename "$f")"
done

begin "re-importing the same files is a no-op"
run litrev -C r import "$CORPUS"/efetch_metapub_38011560.xml
expect_exit 0
expect_contains "$out" "already imported"
expect_contains "$out" "Nothing new to import"
expect_eq "$(ls r/sources | wc -l)" "1"

begin ".xml.gz is read directly; same records upsert (updated, not added)"
gzip -c "$CORPUS"/efetch_metapub_38011560.xml > ketamine.xml.gz
run litrev -C r import ketamine.xml.gz
expect_exit 0
expect_contains "$out" "0 added, 1 updated"
expect_eq "$(ls r/sources | wc -l)" "2"
run litrev -C r search 'pmid:38011560' --format csv
expect_contains "$out" "pmid:38011560"

begin "records carry provenance to their run and file"
run litrev -C r show pmid:38011560 --format json
expect_exit 0
expect_contains "$out" '"file":"ketamine.xml.gz"'

done_testing
