#!/usr/bin/env bash
# Two different works with one DOI (supplement abstracts printed under the
# supplement's DOI) or one title hash (an "Editorial" by J Smith in 2010 in
# two journals) both stay in the review: the second gets a key of its own
# (KEY~xxxxxxxx), the import says so, and an import in parallel parts, a
# re-import and a JSON round trip place them the same way. Copies of one
# report under one DOI are still one record.
# The DOIs use 10.5555, Crossref's test prefix: no real work has them.
. "$(dirname "$0")/test-lib.sh"

cat > shared.ris <<'EOF'
TY  - JOUR
TI  - Eculizumab in adults with atypical haemolytic uraemic syndrome: two-year outcomes
AU  - Licht, C.
AU  - Muus, P.
PY  - 2011
JO  - Journal of Thrombosis and Haemostasis
VL  - 9
IS  - S2
SP  - 120
DO  - 10.5555/jth.2011.supplement
ER  - 

TY  - JOUR
TI  - Genetic screening of complement genes in 300 patients with thrombotic microangiopathy
AU  - Noris, M.
AU  - Remuzzi, G.
PY  - 2011
JO  - Journal of Thrombosis and Haemostasis
VL  - 9
IS  - S2
SP  - 355
DO  - 10.5555/jth.2011.supplement
ER  - 

TY  - JOUR
TI  - Editorial
AU  - Smith, J.
PY  - 2010
JO  - Kidney International
VL  - 77
SP  - 1
ER  - 

TY  - JOUR
TI  - Editorial
AU  - Smith, J.
PY  - 2010
JO  - The Lancet
VL  - 375
SP  - 9
ER  - 

TY  - JOUR
TI  - ECULIZUMAB IN ADULTS WITH ATYPICAL HEMOLYTIC UREMIC SYNDROME - TWO-YEAR OUTCOMES
AU  - Licht, C
AU  - Muus, P
PY  - 2011
JO  - J Thromb Haemost
VL  - 9
IS  - S2
SP  - 120
DO  - https://doi.org/10.5555/JTH.2011.SUPPLEMENT
ER  - 
EOF

# keys R: the review's keys, sorted.
keys() { litrev -C "$1" export records --format json | "$PYTHON" -c '
import json, sys
print("\n".join(sorted(json.loads(l)["key"] for l in sys.stdin if l.strip())))'; }

litrev init one >/dev/null
begin "a work whose DOI or title hash another work holds gets a key of its own"
run litrev -C one import --jobs 1 shared.ris
expect_exit 0
expect_contains "$out" "4 added, 1 updated, 0 deleted"
expect_contains "$out" "2 records shared a DOI or title key with a different work"
k=$(keys one)
expect_eq "$(printf '%s\n' "$k" | wc -l)" "4"
printf '%s\n' "$k" | grep -qx 'doi:10.5555/jth.2011.supplement' || fail "no plain DOI key:" "$k"
printf '%s\n' "$k" | grep -qx 'doi:10.5555/jth.2011.supplement~[0-9a-f]\{8\}' || fail "no DOI key apart:" "$k"
printf '%s\n' "$k" | grep -qx 'hash:[0-9a-f]\{16\}' || fail "no plain hash key:" "$k"
printf '%s\n' "$k" | grep -qx 'hash:[0-9a-f]\{16\}~[0-9a-f]\{8\}' || fail "no hash key apart:" "$k"
run litrev -C one search 'title:editorial' --format json
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | grep -c '"title":"Editorial"')" "2"
expect_contains "$out" '"journal":"The Lancet"'
expect_contains "$out" '"journal":"Kidney International"'
run litrev -C one search 'complement genes'
expect_exit 0
expect_contains "$out" "Genetic screening of complement genes"

begin "the copy of a report under its DOI still replaces it"
run litrev -C one search 'two-year outcomes' --format json
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | grep -c '"key"')" "1"
expect_contains "$out" "ECULIZUMAB IN ADULTS"

begin "an import in parallel parts places them as one thread does"
litrev init two >/dev/null
run litrev -C two import --jobs 2 shared.ris
expect_exit 0
expect_contains "$out" "Indexed in 2 parallel parts, merged."
expect_contains "$out" "4 added, 1 updated, 0 deleted"
expect_contains "$out" "2 records shared a DOI or title key"
expect_eq "$(keys two)" "$k"

begin "a re-import updates each record under its own key"
sed 's/^PY  - 2010/PY  - 2010 /' shared.ris > again.ris
run litrev -C one import again.ris
expect_exit 0
expect_contains "$out" "0 added, 5 updated, 0 deleted"
expect_eq "$(keys one)" "$k"

begin "a rebuild keeps the keys"
run litrev -C one rebuild
expect_exit 0
expect_eq "$(keys one)" "$k"

begin "a JSON round trip gives the same keys"
litrev -C one export records --format json > all.jsonl
litrev init three >/dev/null
run litrev -C three import all.jsonl
expect_exit 0
expect_contains "$out" "4 added, 0 updated"
expect_eq "$(keys three)" "$k"

done_testing
