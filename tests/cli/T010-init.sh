#!/usr/bin/env bash
# litrev init: the review directory and its protocol.
. "$(dirname "$0")/test-lib.sh"

begin "init creates litrev.json, sources/, ledger/"
run litrev init myreview --title "Ketamine for SUD"
expect_exit 0
for p in myreview/litrev.json myreview/sources myreview/ledger; do
  [ -e "$p" ] || fail "missing $p"
done

begin "litrev.json is valid against schemas/litrev.schema.json"
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/litrev.schema.json" myreview/litrev.json
expect_exit 0
expect_eq "$(grep -c '"Ketamine for SUD"' myreview/litrev.json)" "1"

begin "init on an existing review is a usage error and changes nothing"
before=$(sha256sum myreview/litrev.json)
run litrev init myreview
expect_exit 2
expect_contains "$err" "already a litrev review"
expect_eq "$(sha256sum myreview/litrev.json)" "$before"

begin "searching a review with no records says to import some"
run litrev -C myreview search ketamine
expect_exit 1
expect_contains "$err" "no records yet"

begin "-C DIR init, and commands outside a review say so"
run litrev -C other init
expect_exit 0
[ -f other/litrev.json ] || fail "no other/litrev.json"
mkdir empty
run litrev -C empty search ketamine
expect_exit 2
expect_contains "$err" "not a litrev review"

begin "--help lists every command; bad usage exits 2"
run litrev --help
expect_exit 0
for c in init import rebuild search show; do expect_contains "$out" "$c"; done
expect_contains "$out" "Exit codes"
run litrev frobnicate
expect_exit 2
run litrev
expect_exit 2
run litrev search
expect_exit 2
run litrev --version
expect_exit 0
expect_contains "$out" "litrev 0."

done_testing
