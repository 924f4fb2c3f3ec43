#!/usr/bin/env bash
# A first import (and a rebuild) built by several threads in parts and merged
# gives the index one thread gives: the same records, in the same document
# order (unranked results and equal scores come out in that order), the same
# counts, spelling data and metadata, with updates, a richer source kept,
# deletions and a record deleted and added again falling on both sides of the
# cut between the parts.
. "$(dirname "$0")/test-lib.sh"

# 400 copies of the real EFetch records under synthetic PMIDs 90000001...
"$PYTHON" "$LITREV_SOURCE_DIR/tests/bench/gen_pubmed.py" --records 400 --out base.xml \
  --fixtures "$FIXTURES/pubmed" >/dev/null || { echo "gen_pubmed.py failed" >&2; exit 1; }

# A second file: an update of a record from the first half (part 1), an
# update from the second half, deletions of one record from each half, and
# the first of them added again after its deletion.
"$PYTHON" - base.xml update.xml <<'PYEOF'
import re, sys
data = open(sys.argv[1], encoding="utf-8").read()
arts = re.findall(r"<PubmedArticle>.*?</PubmedArticle>", data, re.S)
def pick(pmid):
    for a in arts:
        if f'<PMID Version="1">{pmid}</PMID>' in a:
            return a
    raise SystemExit(f"no {pmid}")
head = data[:data.index("<PubmedArticleSet>") + len("<PubmedArticleSet>")]
upd = pick(90000005).replace("<ArticleTitle>", "<ArticleTitle>Revised: ", 1)
body = "\n".join([
    upd,
    pick(90000390),
    "<DeleteCitation>\n<PMID Version=\"1\">90000010</PMID>\n<PMID Version=\"1\">90000350</PMID>\n</DeleteCitation>",
    pick(90000010),
])
open(sys.argv[2], "w", encoding="utf-8").write(head + "\n" + body + "\n</PubmedArticleSet>\n")
PYEOF

# A RIS copy of a PubMed record: the review keeps the richer PubMed copy.
cat > copy.ris <<'EOF'
TY  - JOUR
TI  - A poorer copy of a record the review has from PubMed
AU  - Nobody, A
PY  - 2001
AN  - 90000020[pmid]
ER  - 
EOF
printf 'ketamine, esketamine\n' > thes.txt

queries=("year:2000..2030" "NOT pt:review" "ketamine" "thyroid OR depression OR cancer" \
         "revised" "pt:review" 'title:"paradigm of research"' "canc*" "depresion")
snapshot() {
  for q in "${queries[@]}"; do
    litrev -C "$1" search "$q" --limit 1000 --format json
  done
  litrev -C "$1" search "~ketamine" --limit 1000 --format json
  # Run ids name the second the import started: the only expected difference.
  litrev -C "$1" export records --format json | sed 's/"run":"[^"]*"/"run":"R"/'
}
# same_as A B: reviews A and B answer alike (a short diff when not).
same_as() {
  snapshot "$1" > "$TMP/.a"
  snapshot "$2" > "$TMP/.b"
  if ! cmp -s "$TMP/.a" "$TMP/.b"; then
    fail "$1 and $2 answer differently:" "$(diff "$TMP/.a" "$TMP/.b" | cut -c1-200 | head -8)"
  fi
  [ -s "$TMP/.a" ] || fail "no output from $1"
}

for j in 1 2 3; do
  litrev init "r$j" >/dev/null
  litrev -C "r$j" thesaurus "$TMP/thes.txt" >/dev/null
done

begin "a first import in 2 and 3 parts reports what one thread reports"
run litrev -C r1 import --jobs 1 base.xml update.xml copy.ris
expect_exit 0
one=$(printf '%s\n' "$out" | grep -v '^Run ')
expect_contains "$out" "401 added, 2 updated, 2 deleted"
expect_contains "$out" "1 already in the review from a richer source"
for j in 2 3; do
  run litrev -C "r$j" import --jobs "$j" base.xml update.xml copy.ris
  expect_exit 0
  expect_contains "$out" "Indexed in $j parallel parts, merged."
  expect_eq "$(printf '%s\n' "$out" | grep -v '^Run \|^Indexed in')" "$one"
done

begin "the parts give the same records in the same order, scores, spelling and thesaurus"
expect_contains "$(snapshot r1)" '"title":"Revised: '
same_as r1 r2
same_as r1 r3
run litrev -C r2 verify
expect_exit 0

begin "no scratch folders are left behind"
expect_eq "$(ls r2)" "$(ls r1)"

begin "a later import into the merged index adds to it as into the other"
"$PYTHON" "$LITREV_SOURCE_DIR/tests/bench/gen_pubmed.py" --records 5 --first-pmid 90001001 \
  --out more.xml --fixtures "$FIXTURES/pubmed" >/dev/null
for j in 1 2; do
  run litrev -C "r$j" import --jobs 2 more.xml
  expect_exit 0
  expect_not_contains "$out" "parallel parts"
done
same_as r1 r2

begin "rebuild in parts answers as before"
run litrev -C r1 rebuild --jobs 2
expect_exit 0
expect_contains "$out" "(in 2 parallel parts, merged)"
same_as r1 r2
run litrev -C r1 rebuild --jobs 1
expect_exit 0
same_as r1 r2

begin "a bad file leaves the review as it was"
litrev init bad >/dev/null
before=$(cd bad && find . | sort)
printf '<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle>\n' > broken.xml
run litrev -C bad import --jobs 2 base.xml broken.xml
expect_exit 65
expect_eq "$(cd bad && find . | sort)" "$before"
run litrev -C bad search ketamine
expect_exit 1
expect_contains "$err" "no records yet"

begin "parts left by a killed import in parts are removed by the next import"
litrev init left >/dev/null
mkdir -p left/index.parts/part-1 && printf 'scratch' > left/index.parts/part-1/junk
run litrev -C left import --jobs 1 more.xml
expect_exit 0
[ ! -e left/index.parts ] || fail "left/index.parts is still there"

begin "--jobs 0 is refused"
run litrev -C bad import --jobs 0 base.xml
expect_exit 2

done_testing
