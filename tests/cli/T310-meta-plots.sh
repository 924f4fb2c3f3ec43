#!/usr/bin/env bash
# litrev meta --forest / --funnel: the plots are written as well-formed,
# standalone SVG (checked with Python's xml.etree and, when installed,
# rendered with rsvg-convert), complete or not at all; bad paths and options
# exit with the documented codes and leave nothing behind.
. "$(dirname "$0")/test-lib.sh"

data="$LITREV_SOURCE_DIR/tests/cli/data/meta"

# svg_check FILE ROWS: FILE is an SVG document (root <svg> in the SVG
# namespace with width, height and viewBox); ROWS, if given, is the number of
# study rows of a forest plot or points of a funnel plot. Prints "ok".
svg_check() {
  "$PYTHON" - "$@" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
problems = []
if root.tag != ns + "svg":
    problems.append("root is %s" % root.tag)
for a in ("width", "height", "viewBox"):
    if a not in root.attrib:
        problems.append("no " + a)
if len(sys.argv) > 2:
    kind = root.get("class")
    if kind == "forest-plot":
        n = sum(1 for g in root.iter(ns + "g") if g.get("class") == "study")
    else:
        n = sum(1 for c in root.iter(ns + "circle") if c.get("class") == "point")
    if n != int(sys.argv[2]):
        problems.append("%s: %d rows, expected %s" % (kind, n, sys.argv[2]))
print("ok" if not problems else "; ".join(problems))
EOF
}

# render FILE: rsvg-convert renders FILE to PNG without a complaint (skipped
# when rsvg-convert is not installed).
render() {
  if command -v rsvg-convert >/dev/null 2>&1; then
    if ! rsvg-convert -o "$1.png" "$1" 2>"$TMP/.rsvg"; then
      fail "rsvg-convert $1: $(cat "$TMP/.rsvg")"
    elif [ ! -s "$1.png" ]; then
      fail "rsvg-convert $1: empty PNG"
    fi
  fi
}

begin "forest and funnel plots of the BCG trials, with the text results unchanged"
run litrev meta "$data/bcg.csv" --measure RR --method REML --forest forest.svg --funnel funnel.svg \
  --label-left "Favours vaccine" --label-right "Favours control"
expect_exit 0
expect_contains "$out" "RR 0.4894 (95% CI 0.3441 to 0.6962)"
expect_contains "$out" "Wrote the forest plot to forest.svg"
expect_contains "$out" "Wrote the funnel plot to funnel.svg"
expect_eq "$(svg_check forest.svg 13)" ok
expect_eq "$(svg_check funnel.svg 13)" ok
expect_contains "$(cat forest.svg)" "Favours vaccine"
expect_contains "$(cat forest.svg)" ">0.49 [0.34, 0.70]</text>"
expect_contains "$(cat forest.svg)" "data-scale=\"log\""
render forest.svg
render funnel.svg

begin "JSON output stays one object when plots are written"
run litrev meta "$data/bcg.csv" --measure OR --method MH --format json --forest mh.svg
expect_exit 0
expect_eq "$(printf '%s' "$out" | "$PYTHON" -c 'import json,sys; j=json.load(sys.stdin); print(j["method"], len(j["studies"]))')" "MH 13"
expect_eq "$(svg_check mh.svg 13)" ok
expect_contains "$(cat mh.svg)" "Fixed-effect model (Mantel-Haenszel)"
render mh.svg

begin "subgroups: a heading, rows and a subtotal per group, and the test for differences"
run litrev meta "$data/bcg.csv" --measure RR --method DL --by alloc --forest by.svg
expect_exit 0
expect_eq "$(svg_check by.svg 13)" ok
expect_eq "$("$PYTHON" -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse("by.svg").getroot()
print([g.find(ns + "text").text for g in root.iter(ns + "g") if g.get("class") == "subgroup-header"],
      sum(1 for g in root.iter(ns + "g") if g.get("data-kind") == "subgroup"))')" \
  "['alloc: random', 'alloc: alternate', 'alloc: systematic'] 3"
expect_contains "$(cat by.svg)" "Test for subgroup differences: Q = 1.54 (df = 2)"
render by.svg

begin "continuous data: SMD forest plot with means, SDs and totals; funnel on a linear axis"
run litrev meta "$data/normand1999.csv" --measure SMD --method PM --forest smd.svg --funnel smd-funnel.svg
expect_exit 0
expect_eq "$(svg_check smd.svg 9)" ok
expect_eq "$(svg_check smd-funnel.svg 9)" ok
expect_contains "$(cat smd.svg)" ">Mean</text>"
expect_contains "$(cat smd-funnel.svg)" "data-scale=\"linear\""
render smd.svg
render smd-funnel.svg

begin "a study label with markup characters is escaped"
printf 'study,yi,vi\n"A <&> ""B""",0.1,0.04\nC,-0.2,0.05\nD,0.3,0.02\n' >esc.csv
run litrev meta esc.csv --measure MD --method DL --forest esc.svg --funnel esc-funnel.svg
expect_exit 0
expect_eq "$(svg_check esc.svg 3)" ok
expect_eq "$(svg_check esc-funnel.svg 3)" ok
expect_contains "$(cat esc.svg)" "A &lt;&amp;&gt; &quot;B&quot;"

begin "an unwritable plot path exits 74 and writes neither plot nor results"
run litrev meta "$data/bcg.csv" --measure RR --method DL --forest ok.svg --funnel no/such/dir/f.svg
expect_exit 74
expect_contains "$err" "no/such/dir/f.svg"
expect_eq "$out" ""
[ ! -e ok.svg ] || fail "ok.svg was written although the command failed"
[ -z "$(ls -A . | grep 'litrev-' || true)" ] || fail "temporary files left over: $(ls -A .)"

begin "bad plot options exit 2"
run litrev meta "$data/bcg.csv" --measure RR --method DL --label-left "Favours vaccine"
expect_exit 2
expect_contains "$err" "--forest"
run litrev meta "$data/bcg.csv" --measure RR --method DL --forest same.svg --funnel same.svg
expect_exit 2
expect_contains "$err" "same file"
[ ! -e same.svg ] || fail "same.svg was written"

begin "bad data still exits 65 before any plot is written"
printf 'study,ai,bi,ci,di\nA,4,x,11,128\n' >bad.csv
run litrev meta bad.csv --measure RR --method DL --forest bad.svg
expect_exit 65
[ ! -e bad.svg ] || fail "bad.svg was written"

done_testing
