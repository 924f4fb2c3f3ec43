#!/usr/bin/env bash
# litrev export records: the review's records as RIS, BibTeX, CSV and JSON
# Lines; each export imported into a fresh review gives the same records
# (same keys, and the fields each format carries); --where, --output.
. "$(dirname "$0")/test-lib.sh"

dir="$FIXTURES/formats/cross_db_restoration"
litrev init r >/dev/null
litrev -C r import "$CORPUS"/*.xml "$dir/revtools__restoration_pubmed.nbib" \
  "$dir/revtools__restoration_scopus.ris" "$dir/revtools__restoration_WoS.ciw" >/dev/null

# Every key of review $1, sorted.
keys() {
  litrev -C "$1" search 'NOT zzzznotaword' --limit 100000 --format csv | tail -n +2 | cut -d, -f2 | LC_ALL=C sort
}
keys r >keys.orig
n=$(wc -l <keys.orig)

begin "the review holds records from PubMed XML, MEDLINE, RIS and WoS"
[ "$n" -gt 500 ] || fail "expected over 500 records, got $n"

begin "each format writes every record, in key order"
for f in ris bibtex csv json; do
  litrev -C r export records --format "$f" >"export.$f" 2>"$TMP/.stderr"
  rc=$? out="" err=$(cat "$TMP/.stderr")
  expect_exit 0
  expect_eq "$err" ""
done
expect_eq "$(grep -c '^TY  - ' export.ris)" "$n"
expect_eq "$(grep -c '^ER  - ' export.ris)" "$n"
expect_eq "$(grep -c '^@' export.bibtex)" "$n"
expect_eq "$(wc -l <export.json)" "$n"
expect_eq "$(head -1 export.csv | tr -d '\r')" \
  "Key,Title,Authors,Year,Date,Journal,Journal Abbreviation,ISSN,eISSN,Volume,Issue,Pages,DOI,PMID,PMCID,Other IDs,Abstract,Keywords,Language,Publication Type,Publisher,Database,Screening"
expect_eq "$(tail -n +2 export.csv | wc -l)" "$n"
# The CSV's first column is the key: the same keys, already sorted.
tail -n +2 export.csv | cut -d, -f1 >csv.keys
expect_eq "$(cat csv.keys)" "$(cat keys.orig)"
litrev -C r export records --format ris >again.ris
cmp -s again.ris export.ris || fail "a second export differs from the first"

begin "JSON Lines is what show --format json prints, and validates"
for k in $(sed -n '1p;200p;$p' keys.orig); do
  line=$(grep -F "\"key\":\"$k\"" export.json)
  expect_eq "$line" "$(litrev -C r show "$k" --format json)"
done
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/record.schema.json" export.json --lines
expect_exit 0
expect_contains "$out" "$n valid"

begin "each export imported into a fresh review gives the same keys"
for f in ris bibtex csv; do
  litrev init "r_$f" >/dev/null
  run litrev -C "r_$f" import "export.$f"
  expect_exit 0
  expect_contains "$out" "export.$f: $f, $n records"
  keys "r_$f" >"keys.$f"
  expect_eq "$(cat "keys.$f")" "$(cat keys.orig)"
done

begin "re-imported records keep the fields their format carries"
for f in ris bibtex csv; do
  litrev -C "r_$f" export records --format json >"back.$f.json"
  run "$PYTHON" - "$f" export.json "back.$f.json" <<'EOF'
import json, sys

fmt, before_path, after_path = sys.argv[1:4]

def load(path):
    with open(path, encoding="utf-8") as f:
        return {r["key"]: r for r in map(json.loads, f)}

def abstract(r):
    return " ".join((s["label"] + ": " if s.get("label") else "") + s["text"] for s in r.get("abstract", []))

def names(r):
    return [a.get("collective") or a.get("family", "") for a in r.get("authors", [])]

# The fields every format carries, then each format's own.
fields = {
    "title": lambda r: r.get("title", ""),
    "authors": names,
    "year": lambda r: r.get("pub_date", {}).get("year", 0),
    "pmid": lambda r: r.get("ids", {}).get("pmid", ""),
    "doi": lambda r: r.get("ids", {}).get("doi", "").lower(),
    "pmcid": lambda r: r.get("ids", {}).get("pmcid", ""),
    "other ids": lambda r: r.get("ids", {}).get("other", []),
    "journal": lambda r: r.get("journal", {}).get("title", ""),
    "volume": lambda r: r.get("volume", ""),
    "issue": lambda r: r.get("issue", ""),
    "pages": lambda r: r.get("pages", ""),
    "abstract": abstract,
}
if fmt in ("ris", "csv"):
    fields["database"] = lambda r: r.get("database", "")
def month(r):
    # A free-text date that holds the year is carried as text, and RIS reads
    # the month from it; other dates carry their month.
    d = r.get("pub_date", {})
    return 0 if str(d.get("year")) in d.get("text", "") else d.get("month", 0)

if fmt in ("ris", "bibtex"):
    fields["month"] = month
if fmt == "ris":
    fields["publication types"] = lambda r: [p["name"] for p in r.get("publication_types", [])]
    fields["keywords"] = lambda r: [k["text"] for k in r.get("keywords", [])]

before, after = load(before_path), load(after_path)
bad = []
for key, r in before.items():
    b = after.get(key)
    if b is None:
        bad.append(f"{key}: missing")
        continue
    for name, get in fields.items():
        if get(r) != get(b):
            bad.append(f"{key}: {name}: {get(r)!r} -> {get(b)!r}")
print(f"{len(before)} records, {len(bad)} differences")
print("\n".join(bad[:20]))
sys.exit(1 if bad or len(before) != len(after) else 0)
EOF
  expect_exit 0
done

begin "JSON Lines imports back whole: every field but where it came from"
litrev init r_json >/dev/null
run litrev -C r_json import export.json
expect_exit 0
expect_contains "$out" "export.json: litrev-jsonl, $n records"
litrev -C r_json export records --format json >back.json.json
run "$PYTHON" - export.json back.json.json <<'EOF'
import json, sys
def load(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        r.pop("provenance", None)  # the run, file and line in *this* review
        out[r["key"]] = r
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
diff = [k for k in a if a[k] != b.get(k)]
print(len(a), len(b), diff[:5])
sys.exit(1 if diff or len(a) != len(b) else 0)
EOF
expect_exit 0
expect_eq "$(keys r_json)" "$(cat keys.orig)"

begin "a broken line of JSON Lines is refused by file and line, and nothing is imported"
{ head -3 export.json; echo '{"key": "pmid:1", "title": 5}'; sed -n 4,6p export.json; } >broken.jsonl
litrev init r_bad >/dev/null
run litrev -C r_bad import broken.jsonl
expect_exit 65
expect_contains "$err" "broken.jsonl"
expect_contains "$err" ":4"
[ ! -d r_bad/index ] || expect_eq "$(keys r_bad)" ""
run litrev -C r_bad import --skip-bad broken.jsonl
expect_exit 0
expect_contains "$out" "6 records"

begin "--where exports the records a search finds, in key order"
litrev -C r search 'year:2019' --limit 100000 --format csv | tail -n +2 | cut -d, -f2 | LC_ALL=C sort >where.search
[ "$(wc -l <where.search)" -gt 10 ] || fail "expected records from 2019"
run litrev -C r export records --format csv --where 'year:2019'
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1)" "$(cat where.search)"
run litrev -C r export records --format ris --where 'restoration AND year:2018..2019'
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | grep -c '^TY  - ')" \
  "$(litrev -C r search 'restoration AND year:2018..2019' --limit 100000 --format csv | tail -n +2 | wc -l)"

begin "--where that matches nothing writes an empty export and says so"
run litrev -C r export records --format csv --where 'zzzznotaword'
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" "1"
expect_contains "$err" "no records match"

begin "--output writes the file whole and replaces an old one by renaming"
echo "old content" >out.bib
inode=$(stat -c %i out.bib)
run litrev -C r export records --format bibtex --output out.bib
expect_exit 0
expect_contains "$out" "Wrote $n records to out.bib (bibtex)"
cmp -s out.bib export.bibtex || fail "out.bib differs from the export to standard output"
[ "$(stat -c %i out.bib)" != "$inode" ] || fail "out.bib was rewritten in place, not replaced"
expect_eq "$(ls -A | grep -c litrev-)" "0"

begin "--output leaves the old file as it was when the export fails midway"
cp out.bib out.bib.before
# A file size limit makes the write fail after the first 64 KiB.
run bash -c "trap '' XFSZ; ulimit -f 64; \"$LITREV\" -C r export records --format json --output out.bib"
expect_exit 74
expect_contains "$err" "out.bib"
cmp -s out.bib out.bib.before || fail "out.bib changed although the export failed"
expect_eq "$(ls -A | grep -c litrev-)" "0"

begin "--output into a folder that does not exist is an I/O error"
run litrev -C r export records --format ris --output no/such/dir/out.ris
expect_exit 74
[ ! -e no ] || fail "a folder was created"

begin "a bad --format is a usage error, and writes nothing"
run litrev -C r export records --format endnote --output bad.out
expect_exit 2
expect_contains "$err" "--format endnote"
[ ! -e bad.out ] || fail "bad.out was written"
run litrev -C r export records
expect_exit 2
run litrev -C r export --format ris
expect_exit 2

begin "a review without records says so"
litrev init empty >/dev/null
run litrev -C empty export records --format ris
expect_exit 1
expect_contains "$err" "no records"
expect_eq "$out" ""

begin "help points to where decisions are exported"
run litrev export records --help
expect_exit 0
expect_contains "$out" "litrev export decisions"

begin "re-importing an export into the review keeps the richer PubMed records"
litrev init rich >/dev/null
litrev -C rich import "$CORPUS"/*.xml >/dev/null
mesh_before=$(litrev -C rich show pmid:31789841 --format json | "$PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin).get("mesh", [])))')
litrev -C rich export records --format ris --output rich.ris
run litrev -C rich import rich.ris
expect_exit 0
expect_contains "$out" "0 added, 0 updated"
expect_contains "$out" "already in the review from a richer source"
expect_eq "$(litrev -C rich show pmid:31789841 --format json | "$PYTHON" -c 'import json,sys; r=json.load(sys.stdin); print(len(r.get("mesh", [])), r["source"])')" "$mesh_before pubmed-xml"
# A rebuild replays the runs in order and reaches the same state.
litrev -C rich rebuild >/dev/null
expect_eq "$(litrev -C rich show pmid:31789841 --format json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["source"])')" "pubmed-xml"

done_testing
