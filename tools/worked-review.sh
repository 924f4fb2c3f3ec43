#!/usr/bin/env bash
# The worked review (corpora/ketamine-sud, issue 10) from nothing to a report
# folder, through the real code paths, with binaries that are already built:
#
#   tools/worked-review.sh LITREV_BIN TEST_SERVER_BIN REVIEW_DIR
#
# init, a fetch over HTTP from the loopback replay server, imports of the
# shipped records, dedup, thesaurus, searches (native and a PubMed-syntax
# strategy with hits per line and recall), the screening ledgers of two
# screeners and an adjudicator, agreement, progress, the PRISMA 2020 flow,
# risk-of-bias tables and plots, the meta-analysis with forest (with RoB
# columns) and funnel plots, GRADE judgements and the Summary of Findings,
# record exports, and REVIEW_DIR/report/index.html (tools/report.py).
# tools/demo runs it after building; tests/cli/T900-worked-review.sh runs it
# and checks the numbers. PYTHON names the Python 3 to use (default python3).
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: tools/worked-review.sh LITREV_BIN TEST_SERVER_BIN REVIEW_DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
litrev_bin=$(realpath -m "$1")
server_bin=$(realpath -m "$2")
review=$(realpath -m "$3")
report="$review/report"
corpus="$root/corpora/ketamine-sud"
python=${PYTHON:-python3}
started_ns=$(date +%s%N)

for bin in "$litrev_bin" "$server_bin"; do
  [ -x "$bin" ] || { echo "tools/worked-review.sh: $bin is not an executable (build it first)" >&2; exit 2; }
done

# Start afresh, but never delete a folder that is not a litrev review (litrev.json, sources/ and ledger/:
# corpora/ketamine-sud has a litrev.json too), nor the source tree or a folder holding it.
case "$root/" in "$review"/*) echo "tools/worked-review.sh: $review holds the source tree; choose another folder" >&2; exit 2 ;; esac
if [ -e "$review" ]; then
  if [ -f "$review/litrev.json" ] && [ -d "$review/sources" ] && [ -d "$review/ledger" ]; then rm -rf "${review:?}"; else
    echo "tools/worked-review.sh: $review exists and is not a litrev review; choose another folder" >&2; exit 2
  fi
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/litrev-worked-review.XXXXXX")
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$scratch"' EXIT

# Every command the review runs is shown as a person would type it.
show() {
  printf '\n$ litrev'
  for a in "$@"; do
    case "$a" in
      "$review") printf ' %s' "$review" ;;
      *[!A-Za-z0-9_./:=@+,-]*) printf " '%s'" "${a//\'/\'\\\'\'}" ;;
      *) printf ' %s' "$a" ;;
    esac
  done
  printf '\n'
}
step() { show "$@"; "$litrev_bin" "$@"; }
# quiet ARGS...: a command whose output only the report needs.
quiet() { "$litrev_bin" "$@" >/dev/null; }
say() { printf '\n== %s\n' "$*"; }
note() { printf '%s\n' "$*" | fold -s -w 100; }   # the arguments, joined by spaces, folded

cd "$corpus"   # the corpus's paths (records/, strategies/, ...) are shown as written in its README

say "1. A new review: ketamine-assisted therapy for alcohol, opioid and cocaine use disorders"
step init "$review" --title "Ketamine-assisted therapy for alcohol, opioid and cocaine use disorders"
cp litrev.json "$review/litrev.json"
note "(copied corpora/ketamine-sud/litrev.json, the protocol: a worked example written by the project, into the review)"
mkdir -p "$report"

say "2. Fetch from PubMed over HTTP: a local replay of recorded NCBI responses"
# The query: line #6 of the combined PubMed strategy, with #1..#4 written out, as one would paste it into PubMed.
query=$("$python" - strategies/pubmed-combined.txt <<'PY'
import re, sys
lines = {}
for raw in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"#(\d+)\s+(.*\S)", raw)
    if m:
        lines[m.group(1)] = m.group(2)
def expand(q, depth=0):
    return re.sub(r"#(\d+)", lambda m: "(" + expand(lines[m.group(1)], depth + 1) + ")", q)
print(expand(lines["6"]))
PY
)
"$server_bin" --ignore-stdin --max-lifetime 300 --log "$scratch/server.log" >"$scratch/server.port" 2>"$scratch/server.err" &
server_pid=$!
for _ in $(seq 100); do
  [ -s "$scratch/server.port" ] && break
  sleep 0.1
done
port=$(cat "$scratch/server.port")
[ -n "$port" ] || { echo "tools/worked-review.sh: litrev-test-server did not start: $(cat "$scratch/server.err")" >&2; exit 1; }
note "This machine has no internet. litrev fetches over HTTP (libcurl) from litrev-test-server on 127.0.0.1:$port," \
  "a local replay of NCBI E-utilities responses recorded from the real service (shared/fixtures/pubmed, see its" \
  "PROVENANCE.md). No recording answers a ketamine query: the replay serves its recorded answers whatever is asked."
show -C "$review" fetch pubmed "$query"
LITREV_EUTILS_URL="http://127.0.0.1:$port/entrez/eutils/" \
  LITREV_EUROPEPMC_URL="http://127.0.0.1:$port/europepmc/webservices/rest/" \
  LITREV_CTGOV_URL="http://127.0.0.1:$port/api/v2/" \
  "$litrev_bin" -C "$review" fetch pubmed "$query" --attempts 2
stop_server
# What the replay actually gave, read back from the run's manifest (sources/*-fetch-*/manifest.json).
"$python" - "$review" "$(wc -l <"$scratch/server.log")" <<'PY' | fold -s -w 100
import glob, json, sys
m = json.load(open(sorted(glob.glob(sys.argv[1] + "/sources/*fetch*/manifest.json"))[-1], encoding="utf-8"))
c, s = m["counts"], m["search"]
print("The replay server is stopped (it served %s HTTP requests). Its ESearch answer was NCBI's recorded answer to "
      "another search, %s: %s PMIDs. %s" % (sys.argv[2], s.get("translation", "?"), c.get("reported", "?"),
      "No EFetch response was recorded for them, so no record arrived and litrev lists them as missing: the fetch "
      "ran every real step (ESearch, EFetch, retries, the run's manifest) and honestly received nothing. The review's "
      "records come from the imports below." if not c.get("received") else
      "%s real PubMed records arrived from the recordings; they are not about ketamine." % c["received"]))
PY

say "3. Import the shipped records (corpora/ketamine-sud/records, see records/PROVENANCE.md)"
note "[recorded data] the NCBI EFetch response for PMID 38011560, byte for byte (1 record, a ketamine and depression review):"
step -C "$review" import records/recorded/efetch_metapub_38011560.xml
echo; note "[curated facts] 30 records written by the project from named sources (PubMed/PMC, publisher and registry pages);" \
  "NOT recorded database responses:"
step -C "$review" import records/curated.ris
echo; note "[grey literature] the project's 5 seed web articles, text copied verbatim:"
step -C "$review" import records/grey-literature.ris
# What each import is, for the report (tools/report.py matches the file names in sources/*/manifest.json).
cat >"$report/data-kinds.json" <<'JSON'
[{"file": "efetch_metapub_38011560.xml", "kind": "recorded data",
  "what": "an NCBI EFetch response recorded from the real service, byte for byte (PMID 38011560, via shared/fixtures)"},
 {"file": "curated.ris", "kind": "curated fact",
  "what": "records written by the project holding only facts read in named sources (each record's N1 lines); not recorded database responses"},
 {"file": "grey-literature.ris", "kind": "grey literature",
  "what": "the project's five seed web articles, text copied verbatim"}]
JSON

say "4. Duplicates, thesaurus and searches"
step -C "$review" dedup
"$litrev_bin" -C "$review" dedup --format json >"$report/dedup.jsonl"
step -C "$review" thesaurus thesaurus.txt
native='(ketamine OR esketamine) AND (alcohol OR alcoholism OR cocaine OR heroin OR opioid)'
step -C "$review" search "$native" --snippets --facets year,pt --limit 5
"$litrev_bin" -C "$review" search "$native" --snippets --facets year,pt --limit 100 --format json >"$report/search-native.jsonl"
printf '%s\n' "$native" >"$report/search-native-query.txt"
cp strategies/pubmed-combined.txt strategies/known-relevant.txt "$report/"
step -C "$review" search --syntax pubmed --strategy strategies/pubmed-combined.txt \
  --check-recall strategies/known-relevant.txt --limit 5
"$litrev_bin" -C "$review" search --syntax pubmed --strategy strategies/pubmed-combined.txt \
  --check-recall strategies/known-relevant.txt --limit 100 --format json >"$report/search-strategy.jsonl"

say "5. Screening (worked example: the votes and resolutions in screening/ are the project's, not published decisions)"
step -C "$review" decide --from screening/ta-ana.csv --reviewer ana
step -C "$review" decide --from screening/ta-ben.csv --reviewer ben
step -C "$review" conflicts --reviewer cy
step -C "$review" resolve --from screening/ta-cy-resolve.csv --reviewer cy
step -C "$review" decide --from screening/ft-ana.csv --stage ft --reviewer ana
step -C "$review" decide --from screening/ft-ben.csv --stage ft --reviewer ben
step -C "$review" conflicts --stage ft --reviewer cy
step -C "$review" resolve --from screening/ft-cy-resolve.csv --stage ft --reviewer cy
step -C "$review" agreement
"$litrev_bin" -C "$review" agreement --format json >"$report/agreement-ta.json"
"$litrev_bin" -C "$review" agreement --stage ft --format json >"$report/agreement-ft.json"
step -C "$review" progress
"$litrev_bin" -C "$review" progress --format json >"$report/progress.json"
step -C "$review" prisma --format md
step -C "$review" prisma --format svg -o "$report/prisma.svg"
quiet -C "$review" prisma --format md -o "$report/prisma.md"
quiet -C "$review" prisma --format json -o "$report/prisma.json"
quiet -C "$review" prisma --format csv -o "$report/prisma.csv"
quiet -C "$review" export decisions --state --format json --output "$report/decisions.jsonl"
quiet -C "$review" export decisions --state --format csv --output "$report/decisions.csv"

say "6. Risk of bias: RoB 2 (worked example by the project from the published reports, not published judgements)"
cp rob/rob2-summary.csv "$report/rob2-summary.csv"
step rob judge --tool rob2 --answers rob/rob2-answers.json
step -C "$review" rob assess --answers rob/rob2-answers.json --reviewer ana
note "(one assessor's worked example: with two, \`rob compare\`, \`rob agreement\` and \`rob consensus\` come in between)"
step -C "$review" rob table --tool rob2 --format md
quiet -C "$review" rob table --tool rob2 --format md -o "$report/rob2-table.md"
quiet -C "$review" rob table --tool rob2 --format html -o "$report/rob2-table.html"
quiet -C "$review" rob table --tool rob2 --format latex -o "$report/rob2-table.tex"
quiet -C "$review" rob table --tool rob2 --format robvis -o "$report/rob2-robvis.csv"
step -C "$review" rob plot traffic-light --tool rob2 -o "$report/rob2-traffic-light.svg"
step -C "$review" rob plot summary --tool rob2 -o "$report/rob2-summary.svg"

say "7. Meta-analysis: abstinence (published counts, see outcomes/PROVENANCE.md; two small trials, a demonstration)"
cp -r outcomes rob "$review/"
note "(copied outcomes/ and rob/ into the review: litrev.json's outcome \"abstinence\" names outcomes/abstinence.csv," \
  "pooled as RR by Mantel-Haenszel, and rob/rob2-summary.csv, its studies' RoB 2 judgements)"
cp outcomes/abstinence.csv "$report/abstinence.csv"
step -C "$review" meta --outcome abstinence --forest "$report/forest-mh.svg" --funnel "$report/funnel-mh.svg" \
  --label-left "Favours control" --label-right "Favours ketamine"
"$litrev_bin" -C "$review" meta --outcome abstinence --format json >"$report/meta-mh.json" 2>/dev/null
step -C "$review" meta --outcome abstinence --method DL --by substance --forest "$report/forest-dl-by-substance.svg" \
  --label-left "Favours control" --label-right "Favours ketamine"
"$litrev_bin" -C "$review" meta --outcome abstinence --method DL --by substance --format json \
  >"$report/meta-dl-by-substance.json" 2>/dev/null

say "8. GRADE and the Summary of Findings (worked example: the judgements are the project's, not published ones)"
step -C "$review" grade --outcome abstinence
step -C "$review" grade --outcome abstinence --accept all --reviewer ana
step -C "$review" grade --outcome abstinence --set indirectness=1 --reviewer ana --why \
  "The pooled effect mixes ketamine against an active placebo (Dakwar 2019: midazolam) with three against one ketamine session (Krupitsky 2007), which estimates the effect of extra sessions rather than of ketamine; and the two trials studied different substances (cocaine, heroin)."
step -C "$review" grade --outcome abstinence --set publication-bias=0 --reviewer ben --why \
  "Two trials: too few for a funnel plot or Egger's test. Not rated down, but undetected is not the same as absent."
step -C "$review" grade --outcome abstinence --reviewer cy --comment \
  "Two small trials in different substances; a worked example of the method, not a clinical conclusion."
step -C "$review" sof
quiet -C "$review" sof --format md -o "$report/sof.md"
quiet -C "$review" sof --format html -o "$report/sof.html"
quiet -C "$review" sof --format csv -o "$report/sof.csv"
quiet -C "$review" sof --format json -o "$report/sof.jsonl"
quiet -C "$review" sof --profile --format html -o "$report/evidence-profile.html"
quiet -C "$review" sof --profile --format csv -o "$report/evidence-profile.csv"
"$litrev_bin" -C "$review" grade --format json >"$report/grade.jsonl"

say "9. Records exported, and the report"
step -C "$review" export records --format ris --output "$report/records.ris"
step -C "$review" export records --format csv --output "$report/records.csv"
quiet -C "$review" export records --format json --output "$report/records.jsonl"
"$litrev_bin" --version >"$report/litrev-version.txt" 2>&1 || true
show_py() { printf '\n$ python3 tools/report.py %s\n' "$review"; }
show_py
"$python" "$root/tools/report.py" "$review" "$corpus"

elapsed_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
printf '\nThe worked review ran in %d.%01d s. The report: file://%s/index.html\n' \
  $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100)) "$report"
fold -s -w 100 "$report/data-note.txt"
