#!/usr/bin/env bash
# litrev import's options and what follows from them, on small inline files:
# --database labels a file for PRISMA (and the label survives rebuild); --map
# reads a CSV with headers litrev does not know (refused without it); export
# --where 'status:...' follows the screening votes and carries them; a
# malformed RIS, BibTeX, CSV, MEDLINE or EndNote XML file is refused (exit 65,
# file and line named) leaving the review byte for byte unchanged; dedup lists
# a "maybe" pair that fires no rule. DOIs use Crossref's test prefix 10.5555;
# no record has a PMID.
. "$(dirname "$0")/test-lib.sh"

# Every file of a review directory (index/ included) with its hash, and every
# path (so that a left-over empty folder shows too).
snapshot() {
  (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum && find . | sort)
}

litrev init r >/dev/null
"$PYTHON" - r/litrev.json <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["stages"] = [{"stage": "title-abstract", "mode": "single", "blind": True},
               {"stage": "full-text", "mode": "single", "blind": True}]
d["reviewers"] = [{"name": "ana", "role": "screener"}]
d["exclusion_reasons"] = ["wrong population", "wrong design"]
json.dump(d, open(p, "w"), indent=2)
EOF

cat >embase.ris <<'EOF'
TY  - JOUR
TI  - Widget therapy for gadget syndrome: a randomised trial
AU  - Alpha, Ann
AU  - Beta, Bo
PY  - 2019
JO  - Journal of Imaginary Medicine
VL  - 12
SP  - 101
EP  - 110
DO  - 10.5555/t072.0001
ER  - 

TY  - JOUR
TI  - Sprocket supplementation in adults with cog deficiency
AU  - Gamma, Gil
PY  - 2020
JO  - Journal of Imaginary Medicine
VL  - 13
SP  - 55
EP  - 61
DO  - 10.5555/t072.0002
ER  - 
EOF
cat >wos.ris <<'EOF'
TY  - JOUR
TI  - Gear lubrication and outcomes in chronic cog deficiency
AU  - Delta, Dee
PY  - 2021
JO  - Gadget Research
VL  - 4
SP  - 9
EP  - 17
DO  - 10.5555/t072.0003
ER  - 
EOF
cat >unlabelled.ris <<'EOF'
TY  - JOUR
TI  - Flywheel counselling for widget dependence
AU  - Epsilon, Eva
PY  - 2022
JO  - Gadget Research
VL  - 5
SP  - 1
EP  - 8
DO  - 10.5555/t072.0004
ER  - 
EOF

# identified.total, then name=records per database, from prisma --format json.
prisma_sources() {
  litrev -C r prisma --format json | "$PYTHON" -c '
import json, sys
j = json.load(sys.stdin)["identified"]
print("total=%d" % j["total"])
for d in j["databases"]:
    print("%s=%d" % (d["name"], d["records"]))'
}

begin "import --database labels the file's records; PRISMA counts them by that name, also after rebuild"
run litrev -C r import --database Embase embase.ris
expect_exit 0
run litrev -C r import --database "Web of Science" wos.ris
expect_exit 0
run litrev -C r import unlabelled.ris
expect_exit 0
run litrev -C r prisma
expect_exit 0
expect_contains "$out" '| Identification | Records identified from databases and registers | `identified` | 4 |'
expect_contains "$out" '| Identification | ↳ Database: Embase | `identified:Embase` | 2 |'
expect_contains "$out" '| Identification | ↳ Database: Web of Science | `identified:Web of Science` | 1 |'
sources=$(prisma_sources)
expect_contains "$sources" "total=4"
expect_contains "$sources" "Embase=2"
expect_contains "$sources" "Web of Science=1"
run litrev -C r prisma --explain identified:Embase
expect_eq "$(printf '%s\n' "$out" | cut -d' ' -f1 | sort | tr '\n' ' ')" "doi:10.5555/t072.0001 doi:10.5555/t072.0002 "
expect_contains "$(litrev -C r show doi:10.5555/t072.0003 --format json)" '"database":"Web of Science"'
# The index is derived: remove it and rebuild it from sources/.
rm -rf r/index
run litrev -C r rebuild
expect_exit 0
expect_eq "$(prisma_sources)" "$sources"
expect_contains "$(litrev -C r prisma)" '`identified:Web of Science` | 1 |'
expect_contains "$(litrev -C r show doi:10.5555/t072.0001 --format json)" '"database":"Embase"'
expect_contains "$(litrev -C r show doi:10.5555/t072.0003 --format json)" '"database":"Web of Science"'

begin "import --map reads a CSV with unknown headers; without it the CSV is refused (exit 65, file:line, columns named)"
litrev init r2 >/dev/null
cat >odd.csv <<'EOF'
Article Name,Identifier,Published,Writers
"Cog deficiency, sprockets and gears: a cohort study",10.5555/t072.0101,2018,Zeta Z; Eta E
Lubricant exposure and widget failure,10.5555/T072.0102,2022,Theta T
EOF
before=$(snapshot r2)
run litrev -C r2 import odd.csv
expect_exit 65
expect_contains "$err" "odd.csv:1: cannot tell which column holds the title"
expect_contains "$err" '"Article Name", "Identifier", "Published", "Writers"'
expect_contains "$err" "--map"
expect_eq "$(snapshot r2)" "$before"
run litrev -C r2 import --map 'title=Article Name,doi=Identifier,year=Published' odd.csv
expect_exit 0
expect_contains "$out" "odd.csv: csv, 2 records"
run litrev -C r2 export records --format json
expect_exit 0
printf '%s\n' "$out" >odd.jsonl
run "$PYTHON" - odd.jsonl <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(r["key"], r["ids"].get("doi"), r["pub_date"].get("year"), r["title"], sep=" | ")
EOF
expect_eq "$out" "doi:10.5555/t072.0101 | 10.5555/t072.0101 | 2018 | Cog deficiency, sprockets and gears: a cohort study
doi:10.5555/t072.0102 | 10.5555/t072.0102 | 2022 | Lubricant exposure and widget failure"
# The map is kept with the run, so that rebuild reads the file the same way.
expect_contains "$(cat r2/sources/*/manifest.json)" '"title": "Article Name"'
run litrev -C r2 rebuild
expect_exit 0
expect_eq "$(litrev -C r2 export records --format json)" "$(cat odd.jsonl)"

begin "export --where 'status:...' keeps the records in that screening state, each carrying its vote and note"
run litrev -C r decide doi:10.5555/t072.0001 include --reviewer ana --note "adults with gadget syndrome"
expect_exit 0
run litrev -C r decide doi:10.5555/t072.0002 exclude --reason "wrong population" --reviewer ana --note "children only"
expect_exit 0
run litrev -C r decide doi:10.5555/t072.0003 maybe --reviewer ana
expect_exit 0
dois() { printf '%s\n' "$1" | tr -d '\r' | sed -n 's/^DO  - //p' | tr '\n' ' '; }
# export_where Q: the RIS export of the records matching Q, in $out without CRs.
export_where() {
  run litrev -C r export records --format ris --where "$1"
  expect_exit 0
  out=$(printf '%s\n' "$out" | tr -d '\r')
}
export_where 'status:ta-included'
expect_eq "$(dois "$out")" "10.5555/t072.0001 "
expect_contains "$out" "N1  - title-abstract: included [ana: include]"
expect_contains "$out" "N1  - note by ana (title-abstract): adults with gadget syndrome"
export_where 'status:ta-excluded'
expect_eq "$(dois "$out")" "10.5555/t072.0002 "
expect_contains "$out" "N1  - title-abstract: excluded (wrong population) [ana: exclude, wrong population]"
expect_contains "$out" "N1  - note by ana (title-abstract): children only"
export_where 'status:ta-maybe'
expect_eq "$(dois "$out")" "10.5555/t072.0003 "
export_where 'status:ta-unscreened'
expect_eq "$(dois "$out")" "10.5555/t072.0004 "
expect_not_contains "$out" "N1  -"
# A later vote replaces the earlier one: the maybe becomes an include.
run litrev -C r decide doi:10.5555/t072.0003 include --reviewer ana
expect_exit 0
export_where 'status:ta-included'
expect_eq "$(dois "$out")" "10.5555/t072.0001 10.5555/t072.0003 "
expect_contains "$out" "N1  - title-abstract: included [ana: include]"
expect_not_contains "$out" "maybe"
export_where 'status:ta-included AND year:2021'
expect_eq "$(dois "$out")" "10.5555/t072.0003 "

begin "malformed RIS, BibTeX, CSV, MEDLINE and EndNote XML: exit 65, file and line named, review byte for byte unchanged"
mkdir bad
cat >good.ris <<'EOF'
TY  - JOUR
TI  - A readable record imported beside each broken file
AU  - Iota, Ida
PY  - 2023
DO  - 10.5555/t072.0200
ER  - 
EOF
cat >good.csv <<'EOF'
Title,Authors,Year,DOI
A readable row imported beside the broken CSV,Iota I,2023,10.5555/t072.0210
EOF
# RIS: the second record has no title and no identifier (line 8).
cat >bad/broken.ris <<'EOF'
TY  - JOUR
TI  - A readable first record about widgets
AU  - Alpha, Ann
PY  - 2019
DO  - 10.5555/t072.0201
ER  - 

TY  - JOUR
AU  - Beta, Bo
PY  - 2020
JO  - Journal of Imaginary Medicine
ER  - 
EOF
# BibTeX: the entry at line 8 is never closed.
cat >bad/broken.bib <<'EOF'
@article{alpha2019,
  title = {A readable first entry about widgets},
  author = {Alpha, Ann},
  year = {2019},
  doi = {10.5555/t072.0301}
}

@article{beta2020,
  title = {An entry whose braces never close},
  author = {Beta, Bo},
  year = {2020
}
EOF
# CSV: row 3 has a field more than the header (not recognised as CSV by
# sniffing, hence --format csv).
cat >bad/broken.csv <<'EOF'
Title,Authors,Year,DOI
A readable first row about widgets,Alpha A,2019,10.5555/t072.0401
A row with one field too many,Beta B,2020,10.5555/t072.0402,extra
EOF
# MEDLINE: the record at line 6 has no title and no identifier.
cat >bad/broken.nbib <<'EOF'
TI  - A readable first record about widgets.
AU  - Alpha A
DP  - 2019
LID - 10.5555/t072.0501 [doi]

AU  - Beta B
DP  - 2020
TA  - J Imag Med
EOF
# EndNote XML: the record started at line 4 closes its tags out of order (line 5).
cat >bad/broken.xml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<xml><records>
<record><ref-type name="Journal Article">17</ref-type><contributors><authors><author>Alpha, Ann</author></authors></contributors><titles><title>A readable first record about widgets</title></titles><dates><year>2019</year></dates><electronic-resource-num>10.5555/t072.0601</electronic-resource-num></record>
<record><ref-type name="Journal Article">17</ref-type>
<titles><title>A record with its closing tags out of order</titles></title>
<dates><year>2020</year></dates></record>
</records></xml>
EOF
# A readable file goes first: an import is all or nothing.
check_broken() { # good-file broken-file expected-line-prefix expected-problem [import options...]
  local good=$1 file=$2 where=$3 problem=$4
  shift 4
  before=$(snapshot r)
  run litrev -C r import "$@" "$good" "$file"
  expect_exit 65
  expect_contains "$err" "$where"
  expect_contains "$err" "$problem"
  expect_eq "$(snapshot r)" "$before"
}
check_broken good.ris bad/broken.ris "bad/broken.ris:8:" "record has no title and no identifier"
check_broken good.ris bad/broken.bib "bad/broken.bib:8:" "unterminated entry 'beta2020'"
check_broken good.csv bad/broken.csv "bad/broken.csv:3:" "row has 5 fields, the header has 4" --format csv
check_broken good.ris bad/broken.nbib "bad/broken.nbib:6:" "record has no title and no identifier"
check_broken good.ris bad/broken.xml "bad/broken.xml:5:" "malformed XML in the <record> started at line 4"
# Nothing of the readable files came in either.
for key in doi:10.5555/t072.0200 doi:10.5555/t072.0210; do
  run litrev -C r show "$key"
  [ "$rc" -ne 0 ] || fail "$key was imported beside a broken file"
done

begin "dedup lists a maybe pair (alike, but no rule fires) in text and JSON, and clusters nothing"
litrev init r5 >/dev/null
# Same authors, year and journal; titles differ in one word; no volume, pages
# or identifiers to decide (tests/unit/test_dedup.cpp, "the maybe band").
cat >alike.ris <<'EOF'
TY  - JOUR
TI  - Sprocket therapy in adult patients with treatment-resistant chronic cog deficiency syndrome
AU  - Kappa, Karl
AU  - Lambda, Lise
AU  - Mu, Max
PY  - 2017
JO  - Journal of Imaginary Medicine
ER  - 

TY  - JOUR
TI  - Sprocket therapy in adolescent patients with treatment-resistant chronic cog deficiency syndrome
AU  - Kappa, Karl
AU  - Lambda, Lise
AU  - Mu, Max
PY  - 2017
JO  - Journal of Imaginary Medicine
ER  - 
EOF
litrev -C r5 import alike.ris >/dev/null
adult=$(litrev -C r5 search 'title:adult' --format csv | tail -n +2 | cut -d, -f2)
adolescent=$(litrev -C r5 search 'title:adolescent' --format csv | tail -n +2 | cut -d, -f2)
[ -n "$adult" ] && [ -n "$adolescent" ] && [ "$adult" != "$adolescent" ] ||
  fail "expected two records, got '$adult' and '$adolescent'"
run litrev -C r5 dedup
expect_exit 0
expect_contains "$out" "maybe (decide with \`litrev dedup confirm KEY KEY\` or \`litrev dedup split KEY KEY\`):"
case "$out" in
  *"$adult ? $adolescent: maybe:similar-title"* | *"$adolescent ? $adult: maybe:similar-title"*) ;;
  *) fail "no maybe line for $adult and $adolescent" "got: $out" ;;
esac
expect_contains "$out" "agree: authors, year, journal"
expect_contains "$out" "2 records, 0 duplicate clusters, 0 duplicates to remove, 1 maybe pair"
run litrev -C r5 dedup --format json
expect_exit 0
printf '%s\n' "$out" >dedup.jsonl
run "$PYTHON" - dedup.jsonl <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    if j["type"] == "maybe":
        print("maybe", " ".join(sorted([j["a"], j["b"]])), j["rule"],
              [f["outcome"] for f in j["fields"] if f["field"] == "title"][0])
    elif j["type"] == "summary":
        print("summary clusters=%d maybe=%d removed=%d" % (j["clusters"], j["maybe"], j["removed"]))
    else:
        print(j["type"])
EOF
expect_eq "$out" "maybe $(printf '%s\n' "$adult" "$adolescent" | sort | tr '\n' ' ')maybe:similar-title partial
summary clusters=0 maybe=1 removed=0"

done_testing
