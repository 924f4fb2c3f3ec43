#!/usr/bin/env bash
# End-to-end browser test of `litrev serve` (schemas/serve.md): sets up a small
# review (dual blind title-abstract stage, screeners ana and ben, adjudicator
# cy), starts the server, and drives Debian's Chromium through e2e.mjs with
# playwright-core (pinned in package-lock.json; no browser download).
#
# Environment:
#   LITREV, LITREV_SOURCE_DIR   the binary and the source tree (required)
#   LITREV_NODE_CACHE           where node_modules is kept between runs
#                               (default: the run's work dir, removed at exit)
#   LITREV_SCREENSHOTS          where screening.png and conflicts.png go
#                               (default: the work dir)
#   LITREV_REQUIRE_BROWSER=1    a missing Chromium/node/npm fails (exit 1)
#                               instead of skipping (exit 77)
#   LITREV_WEB_DIR              development only: passed to serve as --web-dir
#   LITREV_KEEP_WORK=1          keep the work dir (the review, logs) for a look
set -euo pipefail

: "${LITREV:?LITREV must name the litrev binary}"
: "${LITREV_SOURCE_DIR:?LITREV_SOURCE_DIR must name the source tree}"
LITREV=$(readlink -f "$LITREV")
LITREV_SOURCE_DIR=$(readlink -f "$LITREV_SOURCE_DIR")
here="$LITREV_SOURCE_DIR/tests/browser"
corpus="$LITREV_SOURCE_DIR/corpora/pubmed-efetch"
chromium=/usr/bin/chromium
started=$(date +%s)

skip() {
  if [ "${LITREV_REQUIRE_BROWSER:-0}" = 1 ]; then
    printf 'FAIL: %s (LITREV_REQUIRE_BROWSER=1, so this is an error)\n' "$*" >&2
    exit 1
  fi
  printf 'SKIP: %s\n' "$*" >&2
  exit 77
}

[ -x "$chromium" ] || skip "no Chromium at $chromium (Debian package chromium)"
command -v node >/dev/null 2>&1 || skip "node is not installed (Debian package nodejs)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || skip "node $(node --version) is too old: playwright-core needs node 20 or later"

work=$(mktemp -d "${TMPDIR:-/tmp}/litrev-browser.XXXXXX")
server_pid_file="$work/serve.pid"

stop_server() {
  # Stops the server whose pid is in serve.pid (this script's, or the one
  # e2e.mjs restarted), gently first.
  local pid
  [ -s "$server_pid_file" ] || return 0
  pid=$(cat "$server_pid_file")
  rm -f "$server_pid_file"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  printf 'note: the server (pid %s) ignored SIGTERM for 10 s; killing it\n' "$pid" >&2
  kill -KILL "$pid" 2>/dev/null || true
  return 1
}

cleanup() {
  stop_server || true
  if [ "${LITREV_KEEP_WORK:-0}" = 1 ]; then
    printf 'work dir kept: %s\n' "$work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# --- node_modules (playwright-core), outside the source tree -----------------
cache_base=${LITREV_NODE_CACHE:-$work}
lock_hash=$(sha256sum "$here/package-lock.json" | cut -c1-16)
node_dir="$cache_base/litrev-browser-node-$lock_hash"
if [ ! -f "$node_dir/node_modules/playwright-core/package.json" ]; then
  command -v npm >/dev/null 2>&1 || skip "npm is not installed (Debian package npm) and $node_dir holds no node_modules"
  mkdir -p "$cache_base"
  tmp_node_dir=$(mktemp -d "$cache_base/.litrev-browser-node.XXXXXX")
  cp "$here/package.json" "$here/package-lock.json" "$tmp_node_dir/"
  if ! (cd "$tmp_node_dir" && npm ci --no-audit --no-fund >npm.log 2>&1); then
    cat "$tmp_node_dir/npm.log" >&2 || true
    rm -rf "$tmp_node_dir"
    skip "npm ci failed (is the npm registry reachable?)"
  fi
  # Another run may have filled the cache meanwhile: keep the first one.
  mv -T "$tmp_node_dir" "$node_dir" 2>/dev/null || rm -rf "$tmp_node_dir"
fi
export LITREV_NODE_MODULES="$node_dir/node_modules"

# --- the review ----------------------------------------------------------------
review="$work/review"
"$LITREV" init "$review" --title "Browser test review" >/dev/null
node - "$review/litrev.json" <<'EOF'
const fs = require('fs');
const p = process.argv[2];
const d = JSON.parse(fs.readFileSync(p, 'utf8'));
d.stages = [
  { stage: 'title-abstract', mode: 'dual', blind: true, reason_required: false },
  { stage: 'full-text', mode: 'dual', blind: true, reason_required: true },
];
d.reviewers = [
  { name: 'ana', role: 'screener' },
  { name: 'ben', role: 'screener' },
  { name: 'cy', role: 'adjudicator' },
];
d.exclusion_reasons = ['wrong population', 'wrong intervention', 'wrong design', 'not primary research'];
d.eligibility = {
  include: ['Adults with alcohol use disorder given ketamine'],
  exclude: ['Animal studies (rats, mice)'],
};
d.highlight = { include: ['ketamine', 'alcohol*'], exclude: ['rat*', 'depress*'] };
fs.writeFileSync(p, JSON.stringify(d, null, 2) + '\n');
EOF
for f in efetch_biopython_pubmed1.xml efetch_biopython_pubmed2.xml \
         efetch_biopython_pubmed4.xml efetch_biopython_pubmed5.xml \
         efetch_metapub_23435529.xml efetch_metapub_38011560.xml \
         efetch_pubmedparser_29768149.xml; do
  "$LITREV" -C "$review" import "$corpus/$f" >/dev/null
done
"$LITREV" -C "$review" import "$here/data/xss-record.ris" >/dev/null

# Every record's key (the second CSV column; these keys hold no comma).
keys=$("$LITREV" -C "$review" search 'NOT zzzznotaword' --limit 100000 --format csv | tail -n +2 | cut -d, -f2 | sort)
xss_key=$("$LITREV" -C "$review" search 'NOT zzzznotaword' --limit 100000 --format csv |
  grep 'Test-only record for the litrev browser test' | cut -d, -f2)
[ "$(printf '%s\n' "$keys" | wc -l)" -eq 10 ] || { printf 'setup: expected 10 records, got:\n%s\n' "$keys" >&2; exit 1; }
[ -n "$xss_key" ] || { echo "setup: the test-only RIS record is not in the review" >&2; exit 1; }
printf '%s\n' "$keys" | grep -qx 'pmid:38011560' || { echo "setup: pmid:38011560 (the ketamine record) is missing" >&2; exit 1; }

# --- the server ------------------------------------------------------------------
# --port 0: the server takes a free port and prints it in the links; a restart
# (e2e.mjs) asks for that same port again.
web_dir_args=()
if [ -n "${LITREV_WEB_DIR:-}" ]; then
  web_dir_args=(--web-dir "$(readlink -f "$LITREV_WEB_DIR")")
  printf 'note: serving the page from %s (LITREV_WEB_DIR), not from the binary\n' "$LITREV_WEB_DIR" >&2
fi
"$LITREV" -C "$review" serve --port 0 "${web_dir_args[@]}" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
disown "$server_pid" # no "Killed" job notice when e2e.mjs kills it on purpose
echo "$server_pid" >"$server_pid_file"

server_died() {
  printf 'the server exited early. stdout:\n' >&2
  cat "$work/serve.out" >&2
  printf 'stderr:\n' >&2
  cat "$work/serve.err" >&2
  exit 1
}

# The links: one line per reviewer, "… NAME … http://ADDR:PORT/#token=TOKEN".
link_of() {
  grep -E "(^|[^[:alnum:]_])$1([^[:alnum:]_]|\$)" "$work/serve.out" |
    grep -oE 'http://[^[:space:]]+#token=[0-9a-f]{64}' | head -n 1 || true
}
for _ in $(seq 1 600); do
  kill -0 "$server_pid" 2>/dev/null || server_died
  [ -n "$(link_of ana)" ] && [ -n "$(link_of ben)" ] && [ -n "$(link_of cy)" ] && break
  sleep 0.1
done
link_ana=$(link_of ana)
link_ben=$(link_of ben)
link_cy=$(link_of cy)
if [ -z "$link_ana" ] || [ -z "$link_ben" ] || [ -z "$link_cy" ]; then
  printf 'the server printed no link for each of ana, ben and cy within 60 s (stdout not flushed?). stdout:\n' >&2
  cat "$work/serve.out" >&2
  exit 1
fi
base=${link_ana%%#*}
port=$(printf '%s\n' "$base" | sed -nE 's,^http://(127\.0\.0\.1|localhost):([0-9]+)/$,\2,p')
if [ -z "$port" ] || [ "$port" = 0 ]; then
  printf 'the link %s does not name 127.0.0.1:PORT or localhost:PORT\n' "$link_ana" >&2
  exit 1
fi
for l in "$link_ben" "$link_cy"; do
  [ "${l%%#*}" = "$base" ] || { printf 'the links name different servers: %s and %s\n' "$link_ana" "$l" >&2; exit 1; }
done

# Wait until it answers.
ready=0
for _ in $(seq 1 600); do
  kill -0 "$server_pid" 2>/dev/null || server_died
  if node -e 'fetch(process.argv[1]).then(r => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$base"; then
    ready=1
    break
  fi
  sleep 0.1
done
[ "$ready" = 1 ] || { printf 'the server did not answer GET %s within 60 s\n' "$base" >&2; exit 1; }

# --- the browser test -------------------------------------------------------------
export LITREV LITREV_SOURCE_DIR
export LITREV_WORK="$work"
export LITREV_REVIEW_DIR="$review"
export LITREV_PORT="$port"
export LITREV_BASE="$base"
export LITREV_LINK_ANA="$link_ana" LITREV_LINK_BEN="$link_ben" LITREV_LINK_CY="$link_cy"
export LITREV_KEYS="$keys"
export LITREV_XSS_KEY="$xss_key"
export LITREV_KETAMINE_KEY="pmid:38011560"
export LITREV_SERVER_PID_FILE="$server_pid_file"
LITREV_SCREENSHOTS_SET=${LITREV_SCREENSHOTS:-}
export LITREV_SCREENSHOTS="${LITREV_SCREENSHOTS:-$work}"
export LITREV_CHROMIUM="$chromium"
mkdir -p "$LITREV_SCREENSHOTS"
rc=0
if command -v timeout >/dev/null 2>&1; then
  timeout -k 10 1200 node "$here/e2e.mjs" || rc=$?
else
  node "$here/e2e.mjs" || rc=$?
fi
if [ "$rc" -ne 0 ]; then
  [ "$rc" -eq 124 ] && echo "FAIL: e2e.mjs did not finish within 20 minutes" >&2
  for f in "$work"/serve*.err; do
    [ -s "$f" ] && { printf -- '--- %s:\n' "$(basename "$f")" >&2; tail -n 40 "$f" >&2; }
  done
  exit 1
fi

if ! stop_server; then
  echo "FAIL: the server did not stop on SIGTERM" >&2
  exit 1
fi
printf 'browser test passed in %d s\n' "$(($(date +%s) - started))"
if [ -z "${LITREV_SCREENSHOTS_SET:-}" ] && [ "${LITREV_KEEP_WORK:-0}" != 1 ]; then
  echo "(the screenshots go with the work dir: set LITREV_SCREENSHOTS=DIR or LITREV_KEEP_WORK=1 to keep them)"
fi
