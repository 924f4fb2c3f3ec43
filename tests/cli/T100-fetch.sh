#!/usr/bin/env bash
# litrev fetch against the loopback test server (tests/servers): what the user
# sees, the manifest, the exit codes, resuming and --update. The services'
# base URLs come from LITREV_*_URL, as they would for a mirror.
. "$(dirname "$0")/test-lib.sh"
: "${LITREV_TEST_SERVER:?LITREV_TEST_SERVER must name litrev-test-server}"

export NCBI_API_KEY=5ecre7a91c0ffee0123456789abcdef0123
export NCBI_EMAIL=reviewer.private@example.org

server_pid=""
start_server() { # options for litrev-test-server
  stop_server
  "$LITREV_TEST_SERVER" --ignore-stdin --max-lifetime 600 "$@" > server.port 2> server.log &
  server_pid=$!
  for _ in $(seq 100); do
    [ -s server.port ] && break
    sleep 0.1
  done
  port=$(cat server.port)
  export LITREV_EUTILS_URL="http://127.0.0.1:$port/entrez/eutils/"
  export LITREV_EUROPEPMC_URL="http://127.0.0.1:$port/europepmc/webservices/rest/"
  export LITREV_CTGOV_URL="http://127.0.0.1:$port/api/v2/"
}
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
    rm -f server.port
  fi
}
trap 'stop_server; rm -rf "$TMP"' EXIT

no_secrets() { # where...
  for where in "$@"; do
    expect_not_contains "$where" "$NCBI_API_KEY"
    expect_not_contains "$where" "$NCBI_EMAIL"
  done
}

litrev init r >/dev/null
start_server --synthetic-pubmed 120 --synthetic-not-found p.E1317Q

begin "fetch pubmed: records land; PubMed's translation and dropped phrases are shown"
run litrev -C r fetch pubmed 'ketamine[tiab] AND p.E1317Q'
expect_exit 0
expect_contains "$out" "PubMed ran the query as:"
expect_contains "$out" "ketamine[tiab] AND p.E1317Q"
expect_contains "$out" "did not find these and searched without them"
expect_contains "$out" "phrase not found: p.E1317Q"
expect_contains "$out" "PubMed reported 120 records; the search listed 120 PMIDs."
expect_contains "$out" "Received 120 records in 2 requests"
expect_contains "$out" ": 120 new, 0 revised, 0 unchanged"
no_secrets "$out" "$err"
run litrev -C r search 'title:synthetic' --format csv --limit 1000
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" "120"

begin "the fetch run's manifest: database, query, translation, counts, requests, version; no secrets"
run_dir=$(ls -d r/sources/*-fetch-01)
manifest="$run_dir/manifest.json"
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/manifest.schema.json" "$manifest"
expect_exit 0
run "$PYTHON" - "$manifest" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
s = m["search"]
print(m["kind"], m["database"], s["query"], "|", s["translation"], "|", s["phrases_not_found"],
      m["counts"]["reported"], m["counts"]["received"], m["counts"]["missing"], m["requests"]["requests"],
      m["litrev_version"] != "", [f["role"] for f in m["files"]])
PY
expect_eq "$out" "fetch PubMed ketamine[tiab] AND p.E1317Q | ketamine[tiab] AND p.E1317Q | ['p.E1317Q'] 120 120 0 2 True ['search', 'records']"
no_secrets "$(cat r/sources/*/manifest.json)"
grep -rq -e "$NCBI_API_KEY" -e "$NCBI_EMAIL" r && fail "a secret was written under the review"

begin "the raw responses are kept byte for byte, and rebuild reads the fetched records back"
before=$(litrev -C r search 'synthetic' --format csv --limit 1000 | sort)
run litrev -C r rebuild
expect_exit 0
expect_eq "$(litrev -C r search 'synthetic' --format csv --limit 1000 | sort)" "$before"
expect_contains "$(head -c 300 "$run_dir/efetch-0001.xml")" "<PubmedArticleSet>"

begin "--format json gives the report as one object"
run litrev -C r fetch pubmed 'esketamine' --format json
expect_exit 0
expect_eq "$(printf '%s' "$out" | "$PYTHON" -c 'import json,sys; r=json.load(sys.stdin); print(r["received"], r["added"], r["unchanged"], len(r["missing"]))')" "120 0 120 0"

begin "a query PubMed finds nothing for fails with its own words (exit 65); the review is unchanged"
before=$(fingerprint r)
run litrev -C r fetch pubmed 'p.E1317Q'
expect_exit 65
expect_contains "$err" "phrase not found: p.E1317Q"
expect_contains "$err" "No items found."
expect_eq "$(fingerprint r)" "$before"
[ -z "$(ls -A r/sources | grep '^\.fetch')" ] || fail "staging folder left behind"

begin "usage errors: unknown service, no query, ctgov options for pubmed (exit 2)"
run litrev -C r fetch medline 'x'
expect_exit 2
expect_contains "$err" "unknown service"
run litrev -C r fetch pubmed
expect_exit 2
run litrev -C r fetch pubmed 'x' --cond y
expect_exit 2
run litrev -C r fetch ctgov
expect_exit 2

begin "an unreachable service: exit 69 after the retries, naming the URL without the key"
saved=$LITREV_EUTILS_URL
export LITREV_EUTILS_URL="http://127.0.0.1:9/entrez/eutils/"
run litrev -C r fetch pubmed 'ketamine' --attempts 2
expect_exit 69
expect_contains "$err" "127.0.0.1:9/entrez/eutils/esearch.fcgi"
expect_contains "$err" "after 2 attempts"
no_secrets "$err"
export LITREV_EUTILS_URL=$saved

begin "an interrupted fetch resumes with the same command; finished batches are not fetched again"
# ESearch and the first EFetch batch succeed, then the service fails for good.
start_server --synthetic-pubmed 120 --fault 3:503 --fault 4:503 --log requests.log
staged_before=$(ls -A r/sources | grep '^\.fetch' | sort)
run litrev -C r fetch pubmed 'cocaine[tiab]' --batch-size 50 --attempts 2
expect_exit 69
staged=$(comm -13 <(printf '%s\n' "$staged_before") <(ls -A r/sources | grep '^\.fetch' | sort))
[ -n "$staged" ] || fail "no partial fetch kept"
start_server --synthetic-pubmed 120 --log requests2.log
run litrev -C r fetch pubmed 'cocaine[tiab]' --batch-size 50
expect_exit 0
expect_contains "$out" "Resumed an interrupted fetch"
expect_contains "$out" "Received 120 records"
expect_eq "$(grep -c efetch requests2.log)" "2"
expect_eq "$(grep -c esearch requests2.log)" "0"
[ ! -e "r/sources/$staged" ] || fail "staging folder $staged left behind"

begin "Ctrl-C in the middle of a fetch: the same command resumes it"
# The third request (the second EFetch batch) stalls; litrev gets SIGINT while it waits.
start_server --synthetic-pubmed 120 --fault 3:stall --stall-ms 20000 --log requests3.log
# (A background job of a script ignores SIGINT; put the default action back, as a terminal has it.)
"$PYTHON" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
  "$LITREV" -C r fetch pubmed 'opioid[tiab]' --batch-size 50 > /dev/null 2>&1 &
fetch_pid=$!
for _ in $(seq 100); do
  [ "$(grep -c efetch requests3.log 2>/dev/null)" -ge 1 ] && [ "$(ls r/sources/.fetch-*/efetch-0001.xml 2>/dev/null)" ] && break
  sleep 0.1
done
sleep 0.5
kill -INT "$fetch_pid"
wait "$fetch_pid"
rc=$?
expect_eq "$rc" "130"
start_server --synthetic-pubmed 120 --log requests4.log
run litrev -C r fetch pubmed 'opioid[tiab]' --batch-size 50
expect_exit 0
expect_contains "$out" "Resumed an interrupted fetch"
expect_contains "$out" "Received 120 records"
expect_eq "$(grep -c efetch requests4.log)" "2"
expect_eq "$(grep -c esearch requests4.log)" "0"

begin "fetch --update: only records entered or revised since, reported as such"
start_server --synthetic-pubmed 120 --synthetic-added 4 --synthetic-revised 1 --synthetic-not-found p.E1317Q
run litrev -C r fetch pubmed --update 'ketamine[tiab] AND p.E1317Q'
expect_exit 0
expect_contains "$out" "Update since"
expect_contains "$out" ": 4 new, 1 revised, 0 unchanged"
run litrev -C r fetch pubmed --update 'never fetched before'
expect_exit 2
expect_contains "$err" "no earlier fetch"

begin "fetch europepmc: one recorded page, the record indexed"
start_server
run litrev -C r fetch europepmc 'EXT_ID:20516115'
expect_exit 0
expect_contains "$out" "Europe PMC reported 1 record."
expect_contains "$out" ": 1 new"
run litrev -C r show pmid:20516115 --format json
expect_exit 0

begin "fetch ctgov: pages of registrations by --cond"
cat > routes.json <<'JSON'
[{"method": "GET", "path": "/api/v2/studies",
  "params": {"pageToken": "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4bmjeauvk_IQ"},
  "body": "{\"studies\":[]}", "content_type": "application/json"}]
JSON
start_server --routes routes.json
run litrev -C r fetch ctgov --cond "Phelan-McDermid syndrome"
expect_exit 0
expect_contains "$out" "ClinicalTrials.gov reported 21 records."
expect_contains "$out" ": 10 new"
run litrev -C r search 'Phelan' --format csv --limit 100
expect_contains "$out" "nct:NCT"

done_testing
