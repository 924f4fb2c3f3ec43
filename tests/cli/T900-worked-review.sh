#!/usr/bin/env bash
# The worked review (corpora/ketamine-sud) end to end, as tools/demo runs it
# after building: tools/worked-review.sh with the built binaries, then the
# report's key numbers checked against expectations computed here,
# independently of litrev, from the corpus's own files: the PRISMA counts add
# up and match the screening CSVs, Cohen's kappa from the two screeners' CSVs,
# the Mantel-Haenszel risk ratio from outcomes/abstinence.csv; and
# report/index.html is well-formed and every file it links exists.
. "$(dirname "$0")/test-lib.sh"
: "${LITREV_TEST_SERVER:?LITREV_TEST_SERVER must name litrev-test-server}"

corpus="$LITREV_SOURCE_DIR/corpora/ketamine-sud"
review="$TMP/ketamine-review"
report="$review/report"

begin "tools/worked-review.sh runs the whole review to a report folder in under a minute"
start=$(date +%s)
run env PYTHON="$PYTHON" bash "$LITREV_SOURCE_DIR/tools/worked-review.sh" "$LITREV" "$LITREV_TEST_SERVER" "$review"
seconds=$(( $(date +%s) - start ))
expect_exit 0
[ "$seconds" -lt 60 ] || fail "took $seconds s"
printf '%s\n' "$out" >"$TMP/worked-review.out"
out=$(printf '%s' "$out" | tr -s '\n' ' ')   # the notes are folded at 100 columns
expect_contains "$out" "This machine has no internet"
expect_contains "$out" "local replay of NCBI E-utilities responses recorded"
expect_contains "$out" "[recorded data]"
expect_contains "$out" "[curated facts]"
expect_contains "$out" "NOT recorded database responses"
expect_contains "$out" "[grey literature]"
expect_contains "$out" "## Summary of findings: Ketamine-assisted therapy"
expect_contains "$out" "file://$report/index.html"
expect_contains "$(tail -8 "$TMP/worked-review.out" | tr -s '\n' ' ')" "are curated facts written by the project"
[ -s "$report/index.html" ] || fail "no index.html"

begin "a folder that is not a litrev review is refused and left alone"
mkdir -p "$TMP/precious" && echo keep >"$TMP/precious/file.txt"
run bash "$LITREV_SOURCE_DIR/tools/worked-review.sh" "$LITREV" "$LITREV_TEST_SERVER" "$TMP/precious"
expect_exit 2
expect_contains "$err" "is not a litrev review"
expect_eq "$(cat "$TMP/precious/file.txt")" "keep"
run bash "$LITREV_SOURCE_DIR/tools/worked-review.sh" "$LITREV" "$LITREV_TEST_SERVER" "$corpus"
expect_exit 2
expect_contains "$err" "is not a litrev review"
[ -f "$corpus/litrev.json" ] || fail "the corpus was touched"

begin "the fetch went over HTTP to the replay and landed a run with its manifest, honestly empty"
run "$PYTHON" - "$review" <<'PY'
import glob, json, sys
ms = [json.load(open(p)) for p in glob.glob(sys.argv[1] + "/sources/*fetch*/manifest.json")]
m = ms[0]
print(len(ms), m["database"], m["counts"]["received"], m["counts"]["reported"], m["search"]["query"].startswith("(\"Ketamine\"[mh]"))
PY
expect_eq "$out" "1 PubMed 0 3 True"

begin "the PRISMA counts add up and match the screening CSVs"
run "$PYTHON" - "$report/prisma.json" "$corpus" <<'PY'
import csv, json, sys
p = json.load(open(sys.argv[1]))
corpus = sys.argv[2]
bad = []
def eq(name, got, want):
    if got != want:
        bad.append("%s: %r != %r" % (name, got, want))
ident = p["identified"]
eq("identified = sum of sources", ident["total"],
   sum(s["records"] for s in ident["databases"]) + sum(s["records"] for s in ident["registers"]))
eq("identified = removed + screened", ident["total"], p["duplicates"] + p["automation"] + p["other_removed"] + p["screened"])
eq("screened = excluded + sought + pending", p["screened"], p["screened_excluded"] + p["sought"] + p["pending"]["screening"])
eq("sought = not retrieved + assessed", p["sought"], p["not_retrieved"] + p["assessed"])
eq("assessed = excluded + included + pending", p["assessed"],
   p["excluded"]["total"] + p["included"]["reports"] + p["pending"]["full_text"])
eq("excluded = sum of reasons", p["excluded"]["total"], sum(x["reports"] for x in p["excluded"]["reasons"]))
eq("final", p["final"], True)

# Independently: the status of each record from the votes and the adjudicator's resolutions.
def rows(name):
    return {r["key"]: r for r in csv.DictReader(open("%s/screening/%s" % (corpus, name), newline="", encoding="utf-8"))}
def fold(a, b, c, reasons_count):
    # A record's status: the adjudicator's resolution, else the screeners' common decision (at full text an
    # exclusion needs the same reason from both), else a conflict.
    status = {}
    for k in a:
        if k in c:
            status[k] = (c[k]["decision"], c[k]["reason"])
        elif a[k]["decision"] == b[k]["decision"] and (a[k]["decision"] != "exclude" or not reasons_count
                                                        or a[k]["reason"] == b[k]["reason"]):
            status[k] = (a[k]["decision"], a[k]["reason"])
        else:
            status[k] = ("conflict", "")
    return status
ta = fold(rows("ta-ana.csv"), rows("ta-ben.csv"), rows("ta-cy-resolve.csv"), False)
ft = fold(rows("ft-ana.csv"), rows("ft-ben.csv"), rows("ft-cy-resolve.csv"), True)
eq("no conflict left", [k for k, v in list(ta.items()) + list(ft.items()) if v[0] == "conflict"], [])
eq("screened = records voted on", p["screened"], len(ta))
eq("screened excluded", p["screened_excluded"], sum(1 for v in ta.values() if v[0] == "exclude"))
eq("sought", p["sought"], sum(1 for v in ta.values() if v[0] == "include"))
eq("full text assessed", p["assessed"], len(ft))
eq("full text excluded", p["excluded"]["total"], sum(1 for v in ft.values() if v[0] == "exclude"))
eq("included reports", p["included"]["reports"], sum(1 for v in ft.values() if v[0] == "include"))
reasons = {}
for d, reason in ft.values():
    if d == "exclude":
        reasons[reason] = reasons.get(reason, 0) + 1
eq("reasons", {x["reason"].lower(): x["reports"] for x in p["excluded"]["reasons"]},
   {k.lower(): v for k, v in reasons.items()})
print("; ".join(bad) or "ok %d %d %d %d %d" % (p["identified"]["total"], p["screened"], p["sought"],
                                               p["excluded"]["total"], p["included"]["studies"]))
PY
expect_eq "$out" "ok 36 36 16 7 9"
expect_contains "$(cat "$report/index.html")" "<td>studies included</td><td>9</td>"

begin "Cohen's kappa (title-abstract, ana vs ben), computed here from the two CSVs"
run "$PYTHON" - "$corpus" "$report/agreement-ta.json" "$report/index.html" <<'PY'
import csv, json, sys
corpus = sys.argv[1]
def votes(name):
    return {r["key"]: r["decision"] for r in csv.DictReader(open("%s/screening/%s" % (corpus, name), newline="", encoding="utf-8"))}
a, b = votes("ta-ana.csv"), votes("ta-ben.csv")
keys = sorted(set(a) & set(b))
cats = sorted(set(a[k] for k in keys) | set(b[k] for k in keys))
n = len(keys)
po = sum(1 for k in keys if a[k] == b[k]) / n
pe = sum((sum(1 for k in keys if a[k] == c) / n) * (sum(1 for k in keys if b[k] == c) / n) for c in cats)
kappa = (po - pe) / (1 - pe)
j = json.load(open(sys.argv[2]))
pair = [p for p in j["pairs"] if {p["a"], p["b"]} == {"ana", "ben"}][0]
ok = abs(pair["kappa"] - kappa) < 1e-9 and pair["n"] == n and abs(pair["p_observed"] - po) < 1e-12
shown = "<td>%.3f</td>" % kappa in open(sys.argv[3], encoding="utf-8").read()
print("%d %.4f %.4f %s %s" % (n, po, kappa, "matches" if ok else "litrev says %r" % pair["kappa"],
                              "shown" if shown else "not shown in index.html"))
PY
expect_eq "$out" "36 0.7778 0.5556 matches shown"

begin "pooled RR (Mantel-Haenszel), computed here from outcomes/abstinence.csv"
run "$PYTHON" - "$corpus/outcomes/abstinence.csv" "$report/meta-mh.json" "$report/index.html" <<'PY'
import csv, json, sys
num = den = 0.0
for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    a, n1, c, n2 = (float(r[k]) for k in ("ai", "n1i", "ci", "n2i"))
    N = n1 + n2
    num += a * n2 / N
    den += c * n1 / N
rr = num / den
m = json.load(open(sys.argv[2]))
ok = m["method"] == "MH" and m["measure"] == "RR" and abs(m["exp_estimate"] - rr) <= 1e-9 * rr
shown = "Pooled RR <strong>%.2f</strong>" % rr in open(sys.argv[3], encoding="utf-8").read()
print("%.6f %s %s" % (rr, "matches" if ok else "litrev says %r" % m["exp_estimate"],
                      "shown" if shown else "not shown in index.html"))
PY
expect_eq "$out" "2.998291 matches shown"

begin "the Summary of Findings: absolute effects and certainty, computed here from the CSV and the judgements"
run "$PYTHON" - "$corpus/outcomes/abstinence.csv" "$report/sof.jsonl" "$report/grade.jsonl" "$report/index.html" <<'PY'
import csv, json, math, sys
num = den = p = 0.0
events = control = 0.0
for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    a, n1, c, n2 = (float(r[k]) for k in ("ai", "n1i", "ci", "n2i"))
    N = n1 + n2
    num += a * n2 / N
    den += c * n1 / N
    p += (n1 * n2 * (a + c) - a * c * N) / (N * N)   # Greenland-Robins variance of ln RR_MH
    events += c
    control += n2
rr = num / den
se = math.sqrt(p / (num * den))
lb, ub = rr * math.exp(-1.959963984540054 * se), rr * math.exp(1.959963984540054 * se)
cr = events / control
sof = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
grade = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
s, g = sof[0], grade[0]
bad = []
want_cells = {
    "Risk with comparator": "%d per 1,000" % round(1000 * cr),
    "Risk with intervention (95% CI)": "%d per 1,000 (%d to %d)" % (round(1000 * cr * rr), round(1000 * cr * lb),
                                                                    round(1000 * cr * ub)),
    "Relative effect (95% CI)": "RR %.2f (%.2f to %.2f)" % (rr, lb, ub),
}
for col, want in want_cells.items():
    if s["row"][col]["text"] != want:
        bad.append("%s: %r != %r" % (col, s["row"][col]["text"], want))
# Certainty: High for RCTs, minus every judged level (no upgrades apply to evidence that starts High).
levels = {f["factor"]: f["levels"] for f in g["factors"]}
names = ["Very low", "Low", "Moderate", "High"]
want = names[max(0, 3 - sum(levels.values()))]
if g["certainty"] != want or s["row"]["Certainty of the evidence (GRADE)"]["text"].split(" ", 1)[1] != want:
    bad.append("certainty %s, expected %s" % (g["certainty"], want))
if not g["final"] or not all(f["judged"] for f in g["factors"]):
    bad.append("not every factor judged")
if g["link_problems"]:
    bad.append("pooled studies not linked to included records: %r" % g["link_problems"])
just = [f.get("justification", "") for f in g["factors"] if f["factor"] == "indirectness"][0]
if not any(just in t for t in s["footnotes"].values()):
    bad.append("the indirectness justification is not a footnote")
html = open(sys.argv[4], encoding="utf-8").read()
if want_cells["Relative effect (95% CI)"] not in html:
    bad.append("the SoF table is not in index.html")
print("; ".join(bad) or "ok %s %s %s" % (want_cells["Risk with comparator"], want_cells["Relative effect (95% CI)"], want))
PY
expect_eq "$out" "ok 164 per 1,000 RR 3.00 (1.55 to 5.78) Very low"

begin "the RoB 2 table recomputed from the ledger equals the corpus's hand-derived summary"
run "$PYTHON" - "$corpus/rob/rob2-summary.csv" "$report/rob2-robvis.csv" "$review" <<'PY'
import csv, glob, json, sys
cols = ("D1", "D2", "D3", "D4", "D5", "Overall")
want = {r["Study"]: [r[k] for k in cols] for r in csv.DictReader(open(sys.argv[1]))}
got = {r["Study"].split(" (")[0]: [r[k] for k in cols] for r in csv.DictReader(open(sys.argv[2]))}
events = [json.loads(l) for p in glob.glob(sys.argv[3] + "/ledger/*.jsonl") for l in open(p)]
rob = [e for e in events if e["type"] == "rob.assessment"]
print("same" if got == want else "differ: %r" % got, len(rob), sorted({e["payload"]["record"] for e in rob}))
PY
expect_eq "$out" "same 3 ['doi:10.1016/s0740-5472(02)00275-1', 'hash:1d2c820cc62d0731', 'pmid:31230464']"

begin "the strategy's hits per line and its recall are in the report"
run "$PYTHON" - "$report/search-strategy.jsonl" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
summary = [x["summary"] for x in s if "summary" in x][0]
print(len(summary["strategy"]), len(summary["recall"]["found"]), summary["recall"]["known"])
PY
expect_eq "$out" "7 3 3"
expect_contains "$(cat "$report/index.html")" "Recall: 3 of 3 known relevant records found"

begin "index.html is well-formed, self-contained, and every file it links exists"
run "$PYTHON" - "$report" <<'PY'
import os, sys
from html.parser import HTMLParser
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.links = [], [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.problems.append("script")
        for k in ("href", "src"):
            v = a.get(k)
            if v is not None:
                if v.startswith("#"):
                    continue
                if "://" in v or v.startswith("//"):
                    self.problems.append("external " + v)
                self.links.append(v)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append("</%s> at line %d closes %s" % (tag, self.getpos()[0], self.stack[-1] if self.stack else "nothing"))
        else:
            self.stack.pop()
report = sys.argv[1]
c = Check()
c.feed(open(os.path.join(report, "index.html"), encoding="utf-8").read())
c.close()
if c.stack:
    c.problems.append("unclosed: %s" % c.stack)
missing = [l for l in c.links if not os.path.isfile(os.path.join(report, l))]
need = {"prisma.svg", "rob2-traffic-light.svg", "rob2-summary.svg", "records.ris", "records.csv", "rob2-table.html",
        "rob2-table.tex", "rob2-robvis.csv",
        "prisma.md", "meta-mh.json", "agreement-ta.json", "sof.md", "sof.csv", "sof.jsonl", "grade.jsonl",
        "evidence-profile.html"}
if "--forest" in os.popen(os.environ["LITREV"] + " meta --help").read():
    need |= {"forest-mh.svg", "funnel-mh.svg", "forest-dl-by-substance.svg"}
print("; ".join(c.problems) or "well-formed", "missing: %s" % missing if missing else "links ok",
      "not linked: %s" % sorted(need - set(c.links)) if need - set(c.links) else "all linked")
PY
expect_eq "$out" "well-formed links ok all linked"
html=$(cat "$report/index.html")
expect_contains "$html" "<table class=\"grade\">"
expect_contains "$html" "not a published GRADE assessment"
expect_contains "$html" "1 is recorded data"
expect_contains "$html" "30 are curated facts"
expect_contains "$html" "5 are grey literature"
expect_contains "$html" "not published risk-of-bias judgements"
expect_not_contains "$html" "<script"

begin "the report escapes what it embeds"
# The same review with a title no HTML page may embed raw: report.py escapes it.
cp -r "$review" "$TMP/escaped"
"$PYTHON" - "$TMP/escaped/litrev.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["title"] = 'Ketamine <script>alert("x")</script> & <b>bold</b>'
json.dump(p, open(sys.argv[1], "w"))
PY
run "$PYTHON" "$LITREV_SOURCE_DIR/tools/report.py" "$TMP/escaped" "$corpus"
expect_exit 0
html=$(cat "$TMP/escaped/report/index.html")
expect_contains "$html" "<h1>Ketamine &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;</h1>"
expect_not_contains "$html" "<script"

done_testing
