#!/usr/bin/env bash
# litrev search beyond matching: strategies, recall checks, snippets, facets,
# sorting, the thesaurus, "did you mean", and the errors around them.
. "$(dirname "$0")/test-lib.sh"

litrev init r >/dev/null
litrev -C r import "$CORPUS"/*.xml >/dev/null

begin "a numbered strategy prints every line's hits and the last line's records"
cat > strategy.txt <<'S'
#1 ketamine OR depression
#2 year:2020..2024
#3 #1 AND #2
S
run litrev -C r search --strategy strategy.txt
expect_exit 0
expect_contains "$out" "#1   ketamine OR depression"
expect_contains "$out" "pmid:38011560"
run litrev -C r search --strategy strategy.txt --format json
expect_exit 0
summary=$(echo "$out" | tail -1)
expect_eq "$(echo "$summary" | "$PYTHON" -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print([l["number"] for l in s["strategy"]], s["total"])')" "[1, 2, 3] 1"
echo "$out" > hits.jsonl
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/search-hit.schema.json" hits.jsonl --lines
expect_exit 0

begin "a strategy line referring to a later line is an error naming the line"
printf '#1 ketamine\n#2 #1 OR #3\n#3 depression\n' > bad.txt
run litrev -C r search --strategy bad.txt
expect_exit 65
expect_contains "$err" "bad.txt"

begin "--check-recall names the known records a query misses"
printf '38011560  # Krystal 2023\n31789841\n99999999 # not in the review\n' > known.txt
run litrev -C r search 'ketamine' --check-recall known.txt
expect_exit 0
expect_contains "$out" "Recall: 1 of 3 known relevant records found (1 not in the review)."
expect_contains "$out" "missed: pmid:31789841"
expect_contains "$out" "not in the review: pmid:99999999"
printf 'ketamine\n' > notpmid.txt
run litrev -C r search 'ketamine' --check-recall notpmid.txt
expect_exit 65
expect_contains "$err" "notpmid.txt:1"

begin "snippets mark the matches: ** off a terminal and offsets in JSON"
run litrev -C r search 'ketamine findings' --snippets
expect_contains "$out" "our **ketamine** **findings** in depression"
run litrev -C r search 'ketamine findings' --snippets --format json
expect_eq "$(echo "$out" | "$PYTHON" -c '
import json,sys
h=json.loads(sys.stdin.readline())["snippet"]
t=h["text"].encode()
print(" ".join(t[a:b].decode() for a,b in h["highlights"]), "<b>ketamine</b>" in h["html"])')" "ketamine findings ketamine True"

begin "facets count the matching set"
run litrev -C r search 'NOT zzzz' --facets year,lang --limit 1
expect_exit 0
expect_contains "$out" "lang: eng (15), nor (1)"   # the Norwegian article is in both
run litrev -C r search 'NOT zzzz' --facets year,lang,journal,pt --format json --limit 0
expect_eq "$(echo "$out" | "$PYTHON" -c '
import json,sys
s=json.loads(sys.stdin.readline())["summary"]
print(s["total"], sum(c["count"] for c in s["facets"]["lang"]), [c["value"] for c in s["facets"]["year"]][:2])')" "15 16 ['2023', '2021']"
run litrev -C r search ketamine --facets authors
expect_exit 2
expect_contains "$err" "year, pt, lang, journal"

begin "sorting by date and by first author"
run litrev -C r search 'NOT zzzz' --sort date --format csv --limit 2
expect_eq "$(echo "$out" | tail -n +2 | cut -d, -f4 | tr -d '\r' | tr '\n' ' ')" "2023 2023 "
run litrev -C r search 'NOT zzzz' --sort author --format csv --limit 100
authors=$(echo "$out" | tail -n +2 | "$PYTHON" -c 'import csv,sys; print([r[4] for r in csv.reader(sys.stdin)])')
expect_eq "$("$PYTHON" -c "a=$authors; n=[x for x in a if x]; print(n==sorted(n,key=str.lower))")" "True"
run litrev -C r search ketamine --sort year
expect_exit 2

begin "a thesaurus expands ~word; --expand expands every known term"
printf '# test\nketamine, positivism\n' > th.txt
run litrev -C r search '~ketamine'
expect_exit 2
expect_contains "$err" "thesaurus"
run litrev -C r thesaurus th.txt
expect_exit 0
expect_contains "$out" "1 concept"
expect_eq "$(cat r/thesaurus.txt)" "$(cat th.txt)"
run litrev -C r search '~ketamine' --format csv
expect_contains "$out" "pmid:31789841"
expect_contains "$out" "pmid:38011560"
run litrev -C r search 'ketamine' --expand --format csv
expect_contains "$out" "pmid:31789841"
begin "the thesaurus survives a rebuild"
litrev -C r rebuild >/dev/null
run litrev -C r search '~ketamine' --format csv
expect_contains "$out" "pmid:31789841"
begin "a malformed thesaurus is refused with its line and changes nothing"
printf 'a, b\nc, a\n' > th2.txt
run litrev -C r thesaurus th2.txt
expect_exit 65
expect_contains "$err" "th2.txt:2"
run litrev -C r thesaurus
expect_contains "$out" "ketamine, positivism"

begin "a query that finds nothing gets a spelling suggestion"
run litrev -C r search 'ketamne AND depresion'
expect_exit 0
expect_contains "$out" "Did you mean: ketamine AND depression"
run litrev -C r search 'ketamne' --format json
expect_contains "$out" '"suggestion":"ketamine"'

begin "usage errors: no query, both query and strategy, a bad syntax name"
run litrev -C r search
expect_exit 2
run litrev -C r search ketamine --strategy strategy.txt
expect_exit 2
run litrev -C r search ketamine --syntax ovid
expect_exit 2
expect_contains "$err" "native, pubmed or auto"

done_testing
