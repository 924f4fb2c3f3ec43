#!/bin/bash
# Benchmarks of `litrev fetch pubmed` against the loopback test server
# (tests/servers, litrev-test-server), with Biopython's Bio.Entrez as the peer
# (bench_fetch_biopython.py). README.md, section "Fetching", says what each
# part measures and gives the latest figures.
#
#   tests/bench/run_fetch.sh              both parts, then the tables
#   PARTS=rate tests/bench/run_fetch.sh   only part 1 (PARTS=faults: only part 2)
#   tests/bench/run_fetch.sh --summary OUT/fetch-*/results.jsonl
#                                         the tables over earlier runs together
#                                         (FAULT_MIX etc. as the runs had them)
#
# Part 1 (rate): --synthetic-pubmed RATE_N --ncbi-rate-limit, NCBI_API_KEY set
#   (the server allows 10 requests/s per key, in a sliding one-second window in
#   which rejected requests count too). litrev fetch --batch-size B for each B
#   in RATE_BATCHES: records/s against the ceiling B x 10/s, and the 429s the
#   server's limiter gave (its own count, /_replay/stats and --log), not only
#   the 429s the client saw. Biopython on the same server options, searching
#   year by year past the 9,999 cap: careful (Entrez.read, as users parse),
#   careful with a regex (network-bound) and plain (where it dies); and plain
#   with the single ESearch most scripts have. REPEAT rounds, interleaved.
# Part 2 (faults): --synthetic-pubmed FAULT_N with a 20% mix of faults
#   (FAULT_MIX, marginal probabilities; see below), no limiter; for each seed in
#   SEEDS: litrev fetch, then every PMID checked in the index, in the kept raw
#   EFetch files and in the manifest (exactly once each); Biopython plain and
#   careful, Entrez.read and regex, on servers with the same options and seed.
#
# Every run gets its own server (killed after the run) and, for litrev, its
# own review under a temp dir. No timing here is an assertion; the script exits
# 0 once everything ran. Settings (environment variables):
#   BUILD=/work/main/build          where build/tools/litrev and the server are
#   OUT=tests/bench/out             results go to OUT/fetch-<time>/ (git-ignored)
#   RATE_N=30000 RATE_BATCHES="200 500" REPEAT=2
#   FAULT_N=5000 FAULT_BATCH=100 SEEDS="1 2 3 4 5"
#   STALL_MS=4000 TIMEOUT=2         server stall length; litrev --timeout (s)
#   FAULT_MIX="429:0.02 429-bare:0.01 500:0.03 502:0.02 503:0.03 truncate:0.02
#              stall:0.01 stall-body:0.01 error-200:0.02 invalid-json:0.01
#              empty-200:0.02"      (sums to 0.20)
#   BIO_SLEEP=""                    Bio.Entrez.sleep_between_tries if set
#                                   (default: Biopython's own, 15 s)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/../.." && pwd)"
BUILD="${BUILD:-$SRC/build}"
OUT="${OUT:-$HERE/out}"
PARTS="${PARTS:-rate faults}"
RATE_N="${RATE_N:-30000}"
RATE_BATCHES="${RATE_BATCHES:-200 500}"
REPEAT="${REPEAT:-2}"
FAULT_N="${FAULT_N:-5000}"
FAULT_BATCH="${FAULT_BATCH:-100}"
SEEDS="${SEEDS:-1 2 3 4 5}"
STALL_MS="${STALL_MS:-4000}"
TIMEOUT="${TIMEOUT:-2}"
FAULT_MIX="${FAULT_MIX:-429:0.02 429-bare:0.01 500:0.03 502:0.02 503:0.03 truncate:0.02 stall:0.01 stall-body:0.01 error-200:0.02 invalid-json:0.01 empty-200:0.02}"
BIO_SLEEP="${BIO_SLEEP:-}"
PY=/usr/bin/python3
LITREV="$BUILD/tools/litrev"
SERVER="$BUILD/tests/servers/litrev-test-server"
BIO="$HERE/bench_fetch_biopython.py"
QUERY=synthetic

# A made-up key and address: the server keys its limiter on api_key.
export NCBI_API_KEY=benchfetch0123456789abcdef0123456789
export NCBI_EMAIL=bench.fetch@example.org

log() { echo "[run_fetch.sh $(date +%H:%M:%S)] $*" >&2; }

# print_summary RESULTS_JSONL LOAD_START LOAD_END [SHOWN_NAME]: the tables.
print_summary() {
  "$PY" - "$1" "$2" "$3" "$FAULT_MIX" "$STALL_MS" "$TIMEOUT" "${4:-$1}" <<'EOF'
import json, os, statistics, sys

path, load_start, load_end, mix, stall_ms, timeout, shown = sys.argv[1:8]
rows = [json.loads(l) for l in open(path) if l.strip()]
med = statistics.median


def runs(bench, label_prefix):
    return [r for r in rows if r["bench"] == bench and r["label"].startswith(label_prefix)]


def fmt_runs(xs, f="{:.0f}"):
    return " ".join(f.format(x) for x in xs)


print()
print(f"Raw results (JSON lines): {shown}")
print(f"Machine: {os.cpu_count()} cores; load average (1/5/15 min) at start {load_start}, at end {load_end}")

rate = [r for r in rows if r["bench"] == "rate"]
if rate:
    print()
    print("RATE: --synthetic-pubmed N --ncbi-rate-limit, api_key set (10 requests/s); ceiling = batch x 10/s.")
    print("  net rec/s: litrev received / seconds_fetching (ESearch + EFetch, no landing); Biopython unique PMIDs /")
    print("  whole script (ESearch + EFetch + its parse; it lands nothing). EFetch pace: server clock, first to last")
    print("  EFetch, (k-1)/span x batch. e2e: litrev received / (fetching + landing). Medians; each run in [].")
    print(f"{'tool':<26}{'batch':>6}{'got/N':>13}{'net rec/s':>10}{'%ceil':>7}{'EFetch pace':>12}{'%ceil':>7}"
          f"{'e2e rec/s':>10}{'req':>6}{'ESrch':>6}{'429 cli':>8}{'429 srv':>8}{'max/s':>6}  died")
    for b in sorted({r["batch"] for r in rate}):
        ceiling = b * 10
        for prefix, name in [("rate-litrev", "litrev"), ("rate-bio-careful-read", "Biopython careful+read"),
                             ("rate-bio-careful-regex", "Biopython careful+regex"),
                             ("rate-bio-plain-read", "Biopython plain+read"),
                             ("rate-bio-1search-plain-read", "Bio plain+read 1 ESearch")]:
            rs = [r for r in runs("rate", prefix) if r["batch"] == b]
            if not rs:
                continue
            n = rs[0]["n"]
            if name == "litrev":
                got = [r["client"].get("received", 0) for r in rs]
                net = [r["client"].get("received", 0) / r["client"]["seconds_fetching"] if r["client"].get("seconds_fetching") else 0 for r in rs]
                e2e = [r["client"].get("received", 0) / (r["client"]["seconds_fetching"] + r["client"]["seconds_landing"]) if r["client"].get("seconds_fetching") else 0 for r in rs]
                cli429 = [r["client"].get("responses_429", 0) for r in rs]
                died = ["" if r.get("rc") == 0 else f"exit {r.get('rc')}" for r in rs]
            else:
                got = [r["client"].get("unique", 0) for r in rs]
                net = [r["client"].get("records_per_s", 0) for r in rs]
                e2e = None
                cli429 = [r["client"].get("client_429", 0) for r in rs]
                died = []
                for r in rs:
                    d = r["client"].get("died")
                    if not d:
                        died.append("")
                        continue
                    where = (f" {d['batch'] + 1}/{d['of_batches']}" if "batch" in d else
                             f" {d['search'] + 1}/{d['of_searches']}" if "search" in d else "")
                    died.append(f"{d['phase']}{where} {d['exception']}")
            pace = [(r["server"]["efetch_per_s"] or 0) * b for r in rs]
            srv429 = [r["server"]["rate_limited"] for r in rs]
            req = [r["server"]["requests"] for r in rs]
            es = [r["server"]["esearch"] for r in rs]
            mx = [r["server"]["max_per_second"] for r in rs]
            print(f"{name:<26}{b:>6}{f'{med(got):.0f}/{n}':>13}{med(net):>10.0f}{100*med(net)/ceiling:>6.0f}%"
                  f"{med(pace):>12.0f}{100*med(pace)/ceiling:>6.0f}%"
                  f"{(f'{med(e2e):.0f}' if e2e else '-'):>10}{med(req):>6.0f}{med(es):>6.0f}{med(cli429):>8.0f}"
                  f"{med(srv429):>8.0f}{max(mx):>6}  {'; '.join(d for d in died if d)}")
            print(f"{'':<26}{'':>6}  net [{fmt_runs(net)}] pace [{fmt_runs(pace)}] 429 srv [{fmt_runs(srv429)}]"
                  + (f" e2e [{fmt_runs(e2e)}]" if e2e else ""))
    print()
    for b in sorted({r["batch"] for r in rate}):
        lit = [r for r in runs("rate", "rate-litrev") if r["batch"] == b]
        for prefix, name in [("rate-bio-careful-read", "careful+read"), ("rate-bio-careful-regex", "careful+regex")]:
            bio = [r for r in runs("rate", prefix) if r["batch"] == b]
            pairs = [(l["client"]["received"] / l["client"]["seconds_fetching"], x["client"]["records_per_s"])
                     for l, x in zip(lit, bio) if l["client"].get("seconds_fetching") and x["client"].get("records_per_s")]
            if pairs:
                print(f"  batch {b}: litrev net / Biopython {name} (rec/s), median of rounds: "
                      f"{med(a / c for a, c in pairs):.2f}x  [{fmt_runs([a / c for a, c in pairs], '{:.2f}')}]")

faults = [r for r in rows if r["bench"] == "faults"]
if faults:
    print()
    print(f"FAULTS: mix {mix} (marginal; 20% in all), --stall-ms {stall_ms}, litrev --timeout {timeout}; no limiter.")
    print("  got = distinct expected PMIDs obtained; lost = expected - got; dup = copies beyond one;")
    print("  litrev: index (search CSV) / kept raw EFetch files / manifest; Biopython: PMIDs its loop collected.")
    print(f"{'seed':>4}  {'tool':<24}{'req':>5}{'faults':>7}{'got/N':>12}{'lost':>6}{'dup':>5}{'retries':>8}"
          f"{'failed b.':>10}{'silent':>8}{'secs':>7}  notes")
    for seed in sorted({r["seed"] for r in faults}):
        for r in [x for x in faults if x["seed"] == seed]:
            c, s, n = r["client"], r["server"], r["n"]
            nf = sum(s["faults"].values())
            if r["tool"] == "litrev":
                k = r["check"]
                got = k["index_unique"] - k["index_unexpected"]
                lost = k["index_missing"]
                dup = max(k["index_duplicates"], k["raw_duplicates"])
                notes = (f"raw files: {k['raw_records']} records, {k['raw_duplicates']} dup, {k['raw_missing']} missing;"
                         f" manifest received {k['manifest_received']} missing {k['manifest_missing']};"
                         f" retry reasons {c.get('retry_reasons')}" + ("" if r.get("rc") == 0 else f"; EXIT {r.get('rc')}"))
                print(f"{seed:>4}  {'litrev':<24}{s['requests']:>5}{nf:>7}{f'{got}/{n}':>12}{lost:>6}{dup:>5}"
                      f"{c.get('retries', 0):>8}{'-':>10}{'-':>8}{c.get('seconds_fetching', 0) + c.get('seconds_landing', 0):>7.1f}  {notes}")
            else:
                name = f"Biopython {c.get('variant')}+{'read' if c.get('parse') == 'Entrez.read' else 'regex'}"
                d = c.get("died")
                notes = ""
                if d:
                    notes = f"DIED in {d['phase']}" + (f" at batch {d['batch'] + 1}/{d['of_batches']}" if "batch" in d else "") + f": {d['exception']} {d['message'][:60]}"
                if c.get("batch_exceptions"):
                    notes += f" failed batches: {c['batch_exceptions']}"
                if c.get("accepted_faulty_bodies"):
                    notes += f" accepted as data: {c['accepted_faulty_bodies']}"
                silent = sum(x["asked"] - x["got"] for x in c.get("silent_short_batches", []))
                retries = c.get("retries", 0)
                uniq = c.get("unique", 0)
                print(f"{seed:>4}  {name:<24}{s['requests']:>5}{nf:>7}{f'{uniq}/{n}':>12}"
                      f"{c.get('missing', 0):>6}{c.get('duplicates', 0):>5}{retries:>8}{c.get('batches_failed', 0):>10}"
                      f"{silent:>8}{c.get('seconds', 0):>7.1f}  {notes.strip()}")
    print("  retries (Biopython) = urlopen calls beyond one per ESearch/EFetch call (its own max_tries loop);")
    print("  failed b. = batches whose exception the careful script caught; silent = PMIDs lost in batches that")
    print("  raised nothing (a faulty 200 body taken as data).")
EOF
}

# tests/bench/run_fetch.sh --summary RESULTS.jsonl...: the tables again, from
# one or more earlier runs together (medians over all their rounds).
if [[ "${1:-}" == "--summary" ]]; then
  shift
  all="$(mktemp /tmp/litrev-bench-fetch-summary.XXXXXX)"
  cat "$@" > "$all"
  print_summary "$all" "n/a" "n/a" "$*"
  rm -f "$all"
  exit 0
fi

# Others rebuild the build dir now and then: wait for the binaries.
for _ in $(seq 10); do
  [[ -x "$LITREV" && -x "$SERVER" ]] && break
  log "waiting for $LITREV and $SERVER (a rebuild may be under way)"
  sleep 60
done
[[ -x "$LITREV" && -x "$SERVER" ]] || { log "missing $LITREV or $SERVER"; exit 1; }

RUN_DIR="$OUT/fetch-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN_DIR"
RESULTS="$RUN_DIR/results.jsonl"
: > "$RESULTS"
WORK="$(mktemp -d /tmp/litrev-bench-fetch.XXXXXX)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

server_pid=""
port=""
stop_server() { # [STATS_FILE]
  if [[ -n "$server_pid" ]]; then
    if [[ -n "${1:-}" ]]; then
      "$PY" -c 'import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=30).read().decode())' \
        "http://127.0.0.1:$port/_replay/stats" > "$1" || echo '{}' > "$1"
    fi
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

start_server() { # LOG_FILE SERVER_OPTIONS...
  local logfile="$1"
  shift
  stop_server
  rm -f "$WORK/port"
  "$SERVER" --ignore-stdin --max-lifetime 900 --log "$logfile" "$@" > "$WORK/port" 2> "$WORK/server.err" &
  server_pid=$!
  for _ in $(seq 100); do
    [[ -s "$WORK/port" ]] && break
    sleep 0.1
  done
  port="$(cat "$WORK/port")"
  [[ -n "$port" ]] || { cat "$WORK/server.err" >&2; exit 1; }
  export LITREV_EUTILS_URL="http://127.0.0.1:$port/entrez/eutils/"
}

# Fault probabilities: the server tries the --fault-rate options in order and
# the first that fires wins, so each is given as a conditional probability
# q / (1 - the q of those before it); then each kind fires with its marginal q
# and some fault with the sum (0.20), not 1 - prod(1 - q).
FAULT_ARGS=()
read -r -a FAULT_ARGS <<< "$("$PY" - "$FAULT_MIX" <<'EOF'
import sys
acc, out = 0.0, []
for item in sys.argv[1].split():
    kind, q = item.split(":")
    q = float(q)
    out += ["--fault-rate", f"{kind}:{q / (1 - acc):.6f}"]
    acc += q
print(" ".join(out))
EOF
)"

# Helpers: the server log's own account of a run, the review check, tagging.
cat > "$WORK/h.py" <<'EOF'
import collections, csv, glob, io, json, os, re, sys

def analyse(logfile, stats_file):
    """The server's side of one run: requests, limiter 429s, faults, pacing."""
    rows = [json.loads(l) for l in open(logfile) if l.strip()]
    stats = json.load(open(stats_file)) if os.path.getsize(stats_file) else {}
    t = [r["t"] for r in rows]
    # Most requests that arrived within any one second (the limiter's window:
    # an entry leaves when it is 1.0 s old or older).
    most, j = 0, 0
    for i in range(len(t)):
        while t[j] <= t[i] - 1.0:
            j += 1
        most = max(most, i - j + 1)
    ef = [r["t"] for r in rows if r["path"].endswith("/efetch.fcgi")]
    span = ef[-1] - ef[0] if len(ef) > 1 else 0.0
    gaps = [b - a for a, b in zip(t, t[1:])]
    return {
        "requests": len(rows),
        "esearch": sum(1 for r in rows if r["path"].endswith("/esearch.fcgi")),
        "efetch": len(ef),
        "rate_limited": stats.get("rate_limited", sum(1 for r in rows if r["rate_limited"])),
        "statuses": stats.get("statuses", {}),
        "faults": dict(collections.Counter(r["fault"] for r in rows if r["fault"] != "none")),
        "max_per_second": most,
        "min_gap": round(min(gaps), 4) if gaps else None,
        "seconds_first_to_last": round(t[-1] - t[0], 3) if t else 0,
        "efetch_span": round(span, 3),
        # EFetch requests per second between the first and the last EFetch
        # (k requests, k - 1 intervals): the pace of the fetch phase alone.
        "efetch_per_s": round((len(ef) - 1) / span, 3) if span > 0 else None,
    }

def check_review(review, n, first, csv_file):
    """Every PMID first..first+n-1 exactly once: in the index, in the kept raw files, in the manifest."""
    want = {str(first + i) for i in range(n)}
    rows = list(csv.DictReader(open(csv_file, newline="")))
    idx = [r["pmid"] for r in rows]
    raw = []
    pat = re.compile(rb'<MedlineCitation[^>]*>\s*<PMID Version="\d+">(\d+)</PMID>')
    files = sorted(glob.glob(os.path.join(review, "sources", "*", "efetch-*.xml")))
    for f in files:
        raw += [m.decode() for m in pat.findall(open(f, "rb").read())]
    man = {}
    for m in glob.glob(os.path.join(review, "sources", "*", "manifest.json")):
        man = json.load(open(m))
    c = man.get("counts", {})
    return {
        "index_rows": len(idx), "index_unique": len(set(idx)),
        "index_duplicates": len(idx) - len(set(idx)),
        "index_missing": len(want - set(idx)), "index_unexpected": len(set(idx) - want),
        "raw_files": len(files), "raw_records": len(raw), "raw_duplicates": len(raw) - len(set(raw)),
        "raw_missing": len(want - set(raw)),
        "manifest_received": c.get("received"), "manifest_missing": c.get("missing"),
        "manifest_reported": c.get("reported"),
    }

def slim(obj):
    """litrev's JSON report without its long key lists (their lengths kept)."""
    out = {}
    for k, v in obj.items():
        if isinstance(v, list):
            out[k + "_count"] = len(v)
            if k == "missing":
                out["missing_sample"] = v[:10]
        else:
            out[k] = v
    return out

cmd = sys.argv[1]
if cmd == "record":  # record RESULTS TAGS_JSON CLIENT_JSON_FILE LOG STATS [CHECK_JSON_FILE]
    results, tags, client_file, logfile, stats = sys.argv[2:7]
    row = json.loads(tags)
    try:
        client = json.load(open(client_file))
    except Exception as e:  # the client printed nothing usable
        client = {"error": f"no JSON report: {e}", "stdout": open(client_file).read()[:500]}
    row["client"] = slim(client) if row["tool"] == "litrev" else client
    row["server"] = analyse(logfile, stats)
    if len(sys.argv) > 7:
        row["check"] = json.load(open(sys.argv[7]))
    with open(results, "a") as f:
        f.write(json.dumps(row) + "\n")
    c, s = row["client"], row["server"]
    brief = {k: c.get(k) for k in ("received", "unique", "missing_count", "missing", "retries", "responses_429",
                                    "client_429", "seconds_fetching", "seconds_landing", "seconds", "died",
                                    "batches_failed", "accepted_faulty_bodies") if k in c}
    print(f"  {row['label']}: server {s['requests']} requests ({s['esearch']} ESearch), limiter 429s "
          f"{s['rate_limited']}, faults {s['faults']}, max/s {s['max_per_second']}; client {json.dumps(brief)}"
          + (f"; check {json.dumps(row['check'])}" if "check" in row else ""), file=sys.stderr)
elif cmd == "check":  # check REVIEW N FIRST CSV
    print(json.dumps(check_review(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])))
EOF

n_run=0
# litrev_run LABEL TAGS_JSON N SERVER_OPTS... -- LITREV_FETCH_OPTS...
litrev_run() {
  local label="$1" tags="$2" n="$3"
  shift 3
  local sopts=()
  while [[ "$1" != "--" ]]; do sopts+=("$1"); shift; done
  shift
  n_run=$((n_run + 1))
  local slog="$RUN_DIR/server-$n_run-$label.jsonl"
  local review="$WORK/review-$n_run"
  start_server "$slog" "${sopts[@]}"
  "$LITREV" init "$review" > /dev/null
  sync
  local rc=0
  "$LITREV" -C "$review" fetch pubmed "$QUERY" --format json "$@" > "$WORK/client.json" 2> "$RUN_DIR/litrev-$n_run-$label.err" || rc=$?
  stop_server "$WORK/stats.json"
  [[ $rc == 0 ]] || log "litrev fetch exited $rc (see $RUN_DIR/litrev-$n_run-$label.err)"
  "$LITREV" -C "$review" search "$QUERY" --format csv --limit 10000000 > "$WORK/index.csv" || true
  "$PY" "$WORK/h.py" check "$review" "$n" 90000001 "$WORK/index.csv" > "$WORK/check.json"
  "$PY" "$WORK/h.py" record "$RESULTS" "$(echo "$tags" | sed "s/}\$/, \"label\": \"$label\", \"tool\": \"litrev\", \"rc\": $rc}/")" \
    "$WORK/client.json" "$slog" "$WORK/stats.json" "$WORK/check.json"
  rm -rf "$review"
}

# bio_run LABEL TAGS_JSON N SERVER_OPTS... -- BIO_OPTS...
bio_run() {
  local label="$1" tags="$2" n="$3"
  shift 3
  local sopts=()
  while [[ "$1" != "--" ]]; do sopts+=("$1"); shift; done
  shift
  n_run=$((n_run + 1))
  local slog="$RUN_DIR/server-$n_run-$label.jsonl"
  start_server "$slog" "${sopts[@]}"
  local extra=()
  [[ -n "$BIO_SLEEP" ]] && extra+=(--sleep-between-tries "$BIO_SLEEP")
  "$PY" "$BIO" --url "http://127.0.0.1:$port" --query "$QUERY" --expect "$n" --label "$label" "${extra[@]}" "$@" \
    > "$WORK/client.json" 2> "$RUN_DIR/bio-$n_run-$label.err" || true
  stop_server "$WORK/stats.json"
  "$PY" "$WORK/h.py" record "$RESULTS" "$(echo "$tags" | sed "s/}\$/, \"label\": \"$label\", \"tool\": \"biopython\"}/")" \
    "$WORK/client.json" "$slog" "$WORK/stats.json"
}

# --- part 1: rate against the 10/s limiter -----------------------------------
if [[ " $PARTS " == *" rate "* ]]; then
  log "rate: $RATE_N synthetic records, --ncbi-rate-limit (10/s with a key), batches $RATE_BATCHES, $REPEAT rounds"
  for round in $(seq "$REPEAT"); do
    for b in $RATE_BATCHES; do
      tags="{\"bench\": \"rate\", \"round\": $round, \"batch\": $b, \"n\": $RATE_N}"
      so=(--synthetic-pubmed "$RATE_N" --ncbi-rate-limit)
      litrev_run "rate-litrev-b$b" "$tags" "$RATE_N" "${so[@]}" -- --batch-size "$b"
      bio_run "rate-bio-careful-read-b$b" "$tags" "$RATE_N" "${so[@]}" -- \
        --batch "$b" --slices year --variant careful --parse read
      bio_run "rate-bio-careful-regex-b$b" "$tags" "$RATE_N" "${so[@]}" -- \
        --batch "$b" --slices year --variant careful --parse regex
      bio_run "rate-bio-plain-read-b$b" "$tags" "$RATE_N" "${so[@]}" -- \
        --batch "$b" --slices year --variant plain --parse read
      # The same plain script with the single search most scripts have: past
      # 9,999 hits ESearch lists 9,999 PMIDs and no error is raised.
      bio_run "rate-bio-1search-plain-read-b$b" "$tags" "$RATE_N" "${so[@]}" -- \
        --batch "$b" --slices none --variant plain --parse read
    done
  done
fi

# --- part 2: faults ----------------------------------------------------------
if [[ " $PARTS " == *" faults "* ]]; then
  log "faults: $FAULT_N synthetic records, batch $FAULT_BATCH, mix $FAULT_MIX, --stall-ms $STALL_MS, litrev --timeout $TIMEOUT, seeds $SEEDS"
  for seed in $SEEDS; do
    tags="{\"bench\": \"faults\", \"seed\": $seed, \"batch\": $FAULT_BATCH, \"n\": $FAULT_N}"
    so=(--synthetic-pubmed "$FAULT_N" --seed "$seed" --stall-ms "$STALL_MS" "${FAULT_ARGS[@]}")
    litrev_run "faults-litrev-s$seed" "$tags" "$FAULT_N" "${so[@]}" -- --batch-size "$FAULT_BATCH" --timeout "$TIMEOUT"
    for variant in plain careful; do
      for parse in read regex; do
        bio_run "faults-bio-$variant-$parse-s$seed" "$tags" "$FAULT_N" "${so[@]}" -- \
          --batch "$FAULT_BATCH" --variant "$variant" --parse "$parse"
      done
    done
  done
fi

# --- summary -----------------------------------------------------------------
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
print_summary "$RESULTS" "$LOAD_START" "$LOAD_END"
