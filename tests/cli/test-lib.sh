# A small harness for the CLI tests (after notmuch's test-lib.sh and ccache's
# test/run). Each T<NNN>-<topic>.sh sources this, then runs subtests:
#   begin "what is tested"; ...commands...; expect_eq / expect_contains / expect_exit
# Environment (set by CTest): LITREV (the binary), LITREV_SOURCE_DIR, LITREV_SHARED_DIR, PYTHON.
set -u

: "${LITREV:?LITREV must name the litrev binary}"
: "${LITREV_SOURCE_DIR:?}"
: "${LITREV_SHARED_DIR:?}"
LITREV=$(readlink -f "$LITREV")
LITREV_SOURCE_DIR=$(readlink -f "$LITREV_SOURCE_DIR")
LITREV_SHARED_DIR=$(readlink -f "$LITREV_SHARED_DIR")
PYTHON=${PYTHON:-/usr/bin/python3}
CORPUS="$LITREV_SOURCE_DIR/corpora/pubmed-efetch"
FIXTURES="$LITREV_SHARED_DIR/fixtures"
SCHEMAS="$LITREV_SOURCE_DIR/schemas"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/litrev-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1

n_pass=0
n_fail=0
current=""
current_failed=0

finish_subtest() {
  if [ -n "$current" ]; then
    if [ "$current_failed" -eq 0 ]; then
      n_pass=$((n_pass + 1))
      printf 'PASS %s\n' "$current"
    else
      n_fail=$((n_fail + 1))
      printf 'FAIL %s\n' "$current"
    fi
  fi
  current=""
  current_failed=0
}

begin() {
  finish_subtest
  current="$1"
}

fail() {
  current_failed=1
  printf '  %s\n' "$@" >&2
}

# run CMD...: runs it, keeping stdout in $out, stderr in $err, exit code in $rc.
run() {
  out=$("$@" 2>"$TMP/.stderr")
  rc=$?
  err=$(cat "$TMP/.stderr")
}

litrev() { "$LITREV" "$@"; }

expect_exit() {
  if [ "$rc" -ne "$1" ]; then
    fail "expected exit $1, got $rc" "stdout: $out" "stderr: $err"
  fi
}

expect_eq() {
  if [ "$1" != "$2" ]; then
    fail "expected: $2" "     got: $1"
  fi
}

expect_contains() {
  case "$1" in
    *"$2"*) ;;
    *) fail "expected to contain: $2" "got: $1" ;;
  esac
}

expect_not_contains() {
  case "$1" in
    *"$2"*) fail "expected not to contain: $2" "got: $1" ;;
    *) ;;
  esac
}

# A fingerprint of a review directory (names, sizes and hashes of every file
# outside index/, plus the index's record keys), to prove a failed command
# changed nothing.
fingerprint() {
  (cd "$1" && find . -path ./index -prune -o -type f -print0 | sort -z | xargs -0 -r sha256sum)
  "$LITREV" -C "$1" search 'NOT zzzznotaword' --limit 100000 --format csv 2>/dev/null | cut -d, -f2 | sort
}

done_testing() {
  finish_subtest
  printf '%d passed, %d failed\n' "$n_pass" "$n_fail"
  [ "$n_fail" -eq 0 ]
}
