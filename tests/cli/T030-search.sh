#!/usr/bin/env bash
# litrev search: fields, ranges, formats, errors.
. "$(dirname "$0")/test-lib.sh"

litrev init r >/dev/null
litrev -C r import "$CORPUS"/*.xml >/dev/null

begin "free text finds the ketamine review"
run litrev -C r search ketamine --format csv
expect_exit 0
expect_contains "$out" "pmid:38011560"

begin "the issue's example query runs and filters by year"
run litrev -C r search 'ketamine AND (alcohol OR cocaine OR depression) AND year:2015..2024' --format csv
expect_exit 0
expect_contains "$out" "pmid:38011560"
run litrev -C r search 'ketamine AND year:1990..2000' --format csv
expect_eq "$(echo "$out" | wc -l)" "1"

begin "fielded queries: author, pt, mesh, journal, lang, doi, title"
run litrev -C r search 'author:"TAX 325"' --format csv
expect_contains "$out" "pmid:23435529"
run litrev -C r search 'pt:"randomized controlled trial"' --format csv
expect_contains "$out" "pmid:23435529"
expect_contains "$out" "pmid:29768149"
run litrev -C r search 'mesh:ketamine' --format csv
expect_contains "$out" "pmid:38011560"
run litrev -C r search 'lang:nor' --format csv
expect_eq "$(echo "$out" | tail -n +2 | cut -d, -f2)" "pmid:36987902"
run litrev -C r search 'doi:10.1097/ACM.0000000000003093' --format csv
expect_eq "$(echo "$out" | tail -n +2 | cut -d, -f2)" "pmid:31789841"
run litrev -C r search 'title:positivism' --format csv
expect_contains "$out" "pmid:31789841"

begin "json output validates against schemas/search-hit.schema.json"
litrev -C r search 'NOT zzzz' --limit 100 --format json > hits.jsonl
expect_eq "$(wc -l < hits.jsonl)" "15"
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/search-hit.schema.json" hits.jsonl --lines
expect_exit 0

begin "text output shows rank, key, year, author, title, journal and a total"
run litrev -C r search 'title:positivism'
expect_exit 0
expect_contains "$out" "pmid:31789841  2020"
expect_contains "$out" "The Positivism Paradigm of Research."
expect_contains "$out" "Acad Med"
expect_contains "$out" "1 record match"

begin "limit and offset page through the results"
all=$(litrev -C r search 'NOT zzzz' --limit 100 --format csv | tail -n +2 | cut -d, -f2)
p1=$(litrev -C r search 'NOT zzzz' --limit 5 --format csv | tail -n +2 | cut -d, -f2)
p2=$(litrev -C r search 'NOT zzzz' --limit 5 --offset 5 --format csv | tail -n +2 | cut -d, -f2)
expect_eq "$(printf '%s\n%s' "$p1" "$p2")" "$(echo "$all" | head -10)"

begin "a syntax error gives Xapian's message and exit 2"
run litrev -C r search 'ketamine AND'
expect_exit 2
expect_contains "$err" "query syntax"
run litrev -C r search ketamine --format xml
expect_exit 2

done_testing
