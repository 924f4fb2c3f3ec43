#!/usr/bin/env bash
# Bad input: every case gives a clear message naming the file (and line),
# exit 65, and leaves the review exactly as it was.
. "$(dirname "$0")/test-lib.sh"

litrev init r >/dev/null
litrev -C r import "$CORPUS"/efetch_metapub_31789841.xml >/dev/null
good="$CORPUS/efetch_metapub_38011560.xml"

mkdir bad
head -c 6000 "$CORPUS/efetch_metapub_35573891.xml" > bad/truncated.xml
printf '<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>\n<body>Error 503</body></html>\n' > bad/html.xml
: > bad/empty.xml
# A valid file with one byte of invalid UTF-8 (0xFF) on line 3.
awk 'NR==3{print $0 "\xff"; next} {print}' "$CORPUS/efetch_pubmedparser_29768149.xml" > bad/utf8.xml
# An article without its PMID element.
sed 's#<PMID Version="1">31789841</PMID>##' "$CORPUS/efetch_metapub_31789841.xml" > bad/nopmid.xml
mkdir bad/adirectory

check_bad() { # name file expected-message-part
  begin "$1: exit 65, names the file, review unchanged"
  before=$(fingerprint r)
  run litrev -C r import "$good" "$2"
  expect_exit 65
  expect_contains "$err" "$2"
  expect_contains "$err" "$3"
  expect_eq "$(fingerprint r)" "$before"
  [ -z "$(ls -A r/sources | grep '^\.tmp')" ] || fail "temporary run left behind"
}

check_bad "truncated XML" bad/truncated.xml "ends inside"
check_bad "HTML instead of XML" bad/html.xml "HTML page"
check_bad "empty file" bad/empty.xml "empty"
check_bad "invalid UTF-8" bad/utf8.xml "UTF-8"
check_bad "article without PMID" bad/nopmid.xml "no PMID"
check_bad "a directory" bad/adirectory "is a directory"
check_bad "a missing file" bad/nosuchfile.xml "no such file"

begin "line numbers point at the problem"
run litrev -C r import bad/utf8.xml
expect_contains "$err" "bad/utf8.xml:3:"

begin "--skip-bad imports the good records and lists each skipped one"
run litrev -C r import --skip-bad "$good" bad/truncated.xml bad/html.xml
expect_exit 0
expect_contains "$out" "skipped bad/truncated.xml:"
expect_contains "$out" "skipped bad/html.xml"
run litrev -C r show pmid:38011560
expect_exit 0

done_testing
