#!/usr/bin/env bash
# litrev rob table / rob plot on robvis's example data (../shared/fixtures/robvis):
# robvis's input layout written back byte for byte, RevMan Web style rows,
# SVG plots with a cell per study and domain, and bad files named by line.
. "$(dirname "$0")/test-lib.sh"

RV="$FIXTURES/robvis"

begin "robvis layout: robvis's example files come back byte for byte"
for pair in data_rob2.csv:rob2 data_rob2_cluster.csv:rob2-cluster data_robins_i.csv:robins-i \
            data_robins_e.csv:robins-e data_quadas.csv:quadas-2 data_rob2_weighted_bcg9.csv:rob2; do
  f=${pair%%:*}; tool=${pair#*:}
  run litrev rob table "$RV/$f" --tool "$tool" --format robvis
  expect_exit 0
  expect_eq "$out" "$(cat "$RV/$f")"
done

begin "every spelling a person writes, tool-aware"
printf 'Study,D1,D2,D3,D4,D5,D6,D7,Overall\n"Lee, 2019",L,M,S,C,NI,Low risk,moderate,Critical\n' > robins.csv
run litrev rob table robins.csv --tool robins-i --format csv
expect_exit 0
expect_eq "$out" 'Study,D1,D2,D3,D4,D5,D6,D7,Overall
"Lee, 2019",Low,Moderate,Serious,Critical,No information,Low,Moderate,Critical'
printf 'Study,D1,D2,D3,D4,D5,Overall\nT1,L,S,H,NI,L,S\n' > rob2.csv
run litrev rob table rob2.csv --tool rob2 --format robvis
expect_eq "$out" '"Study","D1","D2","D3","D4","D5","Overall"
"T1","Low","Some concerns","High","No information","Low","Some concerns"'

begin "RevMan Web style: one row per study and domain, RevMan's words"
run litrev rob table "$RV/data_rob1.csv" --tool rob1 --format revman
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | sed -n 1p)" "Study,Domain,Judgement,Support for judgement"
expect_eq "$(printf '%s\n' "$out" | wc -l)" "73"
expect_contains "$out" "Study 4,Blinding of outcome assessment (detection bias),High risk,"
expect_contains "$out" "Study 7,Other bias,No information,"
run litrev rob table "$RV/data_robins_i.csv" --tool robins-i --format revman
expect_exit 2
expect_contains "$err" "RoB 1 and RoB 2 assessments only"

begin "Markdown and HTML tables, escaped"
printf 'Study,D1,D2,D3,D4,D5,Overall\n"<b>A|B</b>",L,L,L,L,L,L\n' > esc.csv
run litrev rob table esc.csv --tool rob2 --format html -o esc.html
expect_exit 0
expect_contains "$(cat esc.html)" "&lt;b&gt;A|B&lt;/b&gt;"
run litrev rob table esc.csv --tool rob2 --format md
expect_contains "$out" '\<b\>A\|B\</b\>'
expect_contains "$out" "- D1: Bias arising from the randomization process"

begin "traffic-light plot: a cell per study and domain, robvis's colours and glyphs"
run litrev rob plot traffic-light "$RV/data_rob2.csv" --tool rob2 -o tl.svg
expect_exit 0
expect_contains "$out" "Wrote"
run "$PYTHON" - tl.svg <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
cells = root.findall(".//s:g[@class='cell']", ns)
first = [c for c in cells if c.get("data-row") == "2" and c.get("data-domain") == "D1"][0]
print(len(cells), first.find("s:circle", ns).get("fill"), first.find("s:text", ns).text,
      len(root.findall(".//s:rect[@class='overall-column']", ns)))
PY
expect_eq "$out" "54 #4EA1F7 ? 1"
run litrev rob plot traffic-light "$RV/data_robins_i.csv" --tool robins-i --colours colourblind -o tl2.svg
expect_exit 0
expect_contains "$(cat tl2.svg)" 'fill="#993404"'
expect_contains "$(cat tl2.svg)" '>!</text>'

begin "summary plot, weighted by the meta-analysis weights"
run litrev rob plot summary "$RV/data_rob2_weighted_bcg9.csv" --tool rob2 --weighted -o w.svg
expect_exit 0
expect_contains "$(cat w.svg)" 'data-domain="Overall" data-level="high" data-proportion="0.624568"'
run litrev rob plot summary "$RV/data_rob2.csv" --tool rob2 --weighted -o x.svg
expect_exit 2
expect_contains "$err" "Weight"
expect_eq "$(ls x.svg 2>/dev/null)" ""

begin "a bad file: exit 65 naming file, line and column"
printf 'Study,D1,D2,D3,D4,D5,Overall\nT1,L,L,L,L,L,L\nT2,L,N,L,L,L,L\n' > bad.csv
run litrev rob table bad.csv --tool rob2 --format robvis
expect_exit 65
expect_contains "$err" "bad.csv:3: column 3 (D2)"
expect_contains "$err" "ambiguous"
run litrev rob plot summary bad.csv --tool rob2 -o bad.svg
expect_exit 65
expect_eq "$(ls bad.svg 2>/dev/null)" ""
run litrev rob table rob2.csv --tool rob3 --format robvis
expect_exit 2

done_testing
