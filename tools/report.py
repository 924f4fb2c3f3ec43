#!/usr/bin/env python3
"""Writes REVIEW/report/index.html for the worked review (tools/worked-review.sh).

    python3 tools/report.py REVIEW_DIR CORPUS_DIR

A plain, self-contained HTML page (inline CSS, no JavaScript, nothing from the
internet) that shows or links every table and figure litrev wrote into
REVIEW/report/: the fetch and the imports (what kind of data each is), the
search strategy with hits per line and recall, deduplication, screening
agreement, progress, the PRISMA 2020 flow, exclusion reasons, risk of bias,
the meta-analysis and its plots, GRADE and the Summary of Findings, and the
exported records. Every number comes
from litrev's JSON outputs and the review's manifests; every text is escaped.
Also writes report/data-note.txt, the closing line on which data are what.
Standard library only.
"""
import csv
import glob
import html
import json
import math
import os
import sys


def esc(value):
    return html.escape("" if value is None else str(value), quote=True)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def num(x, digits=2):
    if x is None:
        return "–"
    if isinstance(x, int):
        return str(x)
    return "%.*f" % (digits, x)


def pval(p):
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else "%.3f" % p


def table(header, rows, cls=""):
    out = ['<table%s>' % (' class="%s"' % esc(cls) if cls else ""), "<thead><tr>"]
    out += ["<th>%s</th>" % esc(h) for h in header]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join("<td>%s</td>" % esc(c) for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


class Report:
    def __init__(self, review, corpus):
        self.review = review
        self.corpus = corpus
        self.dir = os.path.join(review, "report")
        self.parts = []
        self.missing = []

    def path(self, name):
        return os.path.join(self.dir, name)

    def have(self, name):
        return os.path.isfile(self.path(name))

    def add(self, text):
        self.parts.append(text)

    def link(self, name, label=None):
        """A link to a file of the report folder (only if it exists)."""
        if not self.have(name):
            self.missing.append(name)
            return esc(label or name) + " (not written)"
        return '<a href="%s">%s</a>' % (esc(name), esc(label or name))

    def figure(self, name, caption):
        if not self.have(name):
            self.missing.append(name)
            return "<p><em>%s: not written by this litrev.</em></p>" % esc(caption)
        return ('<figure><a href="%s"><img src="%s" alt="%s"></a><figcaption>%s (%s)</figcaption></figure>'
                % (esc(name), esc(name), esc(caption), esc(caption), self.link(name, "SVG")))


def manifests(review):
    out = []
    for path in sorted(glob.glob(os.path.join(review, "sources", "*", "manifest.json"))):
        out.append(load_json(path))
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: tools/report.py REVIEW_DIR CORPUS_DIR")
    review, corpus = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    r = Report(review, corpus)
    protocol = load_json(os.path.join(review, "litrev.json"))
    title = protocol.get("title") or "Systematic review"
    version = open(r.path("litrev-version.txt"), encoding="utf-8").read().strip() if r.have("litrev-version.txt") else ""
    runs = manifests(review)
    kinds = load_json(r.path("data-kinds.json")) if r.have("data-kinds.json") else []

    # ---- what the data are ----
    imported = []   # (kind, what, file, records, database, run)
    counts_by_kind = {}
    for m in runs:
        if m.get("kind") != "import":
            continue
        for f in m.get("files", []):
            base = os.path.basename(f.get("original_path") or f.get("name", ""))
            kind = next((k for k in kinds if k["file"] == base), {"kind": "unlabelled", "what": ""})
            n = f.get("records", 0)
            imported.append((kind["kind"], kind["what"], base, n, m.get("run", "")))
            counts_by_kind[kind["kind"]] = counts_by_kind.get(kind["kind"], 0) + n
    total_imported = sum(x[3] for x in imported)
    fetches = [m for m in runs if m.get("kind") == "fetch"]
    fetched = sum(m.get("counts", {}).get("received", 0) for m in fetches)
    curated = counts_by_kind.get("curated fact", 0)
    recorded = counts_by_kind.get("recorded data", 0) + fetched
    grey = counts_by_kind.get("grey literature", 0)
    def are(n):
        return "%d is" % n if n == 1 else "%d are" % n
    data_note = ("Which data are what: of the %d records, %s recorded data (responses recorded from NCBI, byte for "
                 "byte), %s curated facts written by the project from named sources (not recorded responses) and %s "
                 "grey literature (the project's seed web articles); the protocol, search strategies, thesaurus, "
                 "screening votes and resolutions, the risk-of-bias answers and the GRADE judgements are worked "
                 "examples by the project; the outcome counts are published figures (two derived from published "
                 "percentages). See "
                 "corpora/ketamine-sud/README.md." % (total_imported + fetched, are(recorded), are(curated), are(grey)))
    with open(r.path("data-note.txt"), "w", encoding="utf-8") as f:
        f.write(data_note + "\n")

    r.add('<p class="note"><strong>Real data only, in three kinds, plus worked examples.</strong> %s</p>' % esc(data_note))
    r.add("<h2 id=\"data\">1. The data and where they come from</h2>")
    r.add(table(["kind", "file", "records", "what it is", "import run"],
                [(k, f, n, w, run) for k, w, f, n, run in imported]))
    r.add("<p>Worked examples by the project (not published decisions or judgements): the protocol "
          "(<code>litrev.json</code>), the search strategies, the thesaurus, the screening votes and resolutions "
          "(<code>screening/</code>) and the RoB 2 answers (<code>rob/</code>). Nothing was fetched live: this machine "
          "has no internet. Details: <code>corpora/ketamine-sud/README.md</code> and its PROVENANCE.md files.</p>")

    # ---- search ----
    r.add('<h2 id="search">2. Searches</h2>')
    for m in fetches:
        s, c = m.get("search", {}), m.get("counts", {})
        r.add("<h3>Fetch from PubMed over HTTP (a local replay of recorded NCBI responses)</h3>")
        r.add("<p>This machine has no internet. The fetch went over HTTP to <code>litrev-test-server</code> on "
              "127.0.0.1, which replays E-utilities responses recorded from NCBI. No recording answers this query: "
              "the replay's ESearch answer is NCBI's recorded answer to another search, and "
              + ("no EFetch response was recorded for the PMIDs it lists, so no record arrived (litrev lists them as "
                 "missing in the run's manifest)." if not c.get("received") else
                 "the %d records it returned are real PubMed records that are not about ketamine." % c["received"])
              + "</p>")
        missing = m.get("missing") or []
        r.add(table(["", ""], [
            ("query as typed", s.get("query", "")),
            ("query as the (replayed) service ran it", s.get("translation", "")),
            ("records reported", c.get("reported", "")),
            ("records received", c.get("received", 0)),
            ("PMIDs missing", ", ".join(str(x.get("id", x)) if isinstance(x, dict) else str(x) for x in missing)
             if isinstance(missing, list) and missing else c.get("missing", 0)),
            ("run", m.get("run", "")),
        ], "kv"))
    strategy = load_jsonl(r.path("search-strategy.jsonl")) if r.have("search-strategy.jsonl") else []
    summary = next((x["summary"] for x in strategy if "summary" in x), None)
    r.add("<h3>PubMed strategy run on the review's records (<code>--syntax pubmed</code>)</h3>")
    if summary and summary.get("strategy"):
        r.add("<p>%s, hits per line in this review's %d records; recall checked against %s.</p>"
              % (r.link("pubmed-combined.txt", "strategies/pubmed-combined.txt"), total_imported + fetched,
                 r.link("known-relevant.txt", "strategies/known-relevant.txt")))
        r.add(table(["line", "query", "hits"],
                    [("#%s" % x.get("number"), x.get("query"), x.get("hits")) for x in summary["strategy"]],
                    "strategy"))
        rec = summary.get("recall")
        if rec:
            found, known = rec.get("found", []), rec.get("known", 0)
            known = len(known) if isinstance(known, list) else known
            r.add("<p><strong>Recall: %d of %d known relevant records found</strong> by the last line "
                  "(PMIDs found: %s; missed: %s; not in the review: %s).</p>"
                  % (len(found), known, esc(", ".join(found) or "none"),
                     esc(", ".join(rec.get("missed", [])) or "none"), esc(", ".join(rec.get("not_in_review", [])) or "none")))
    else:
        r.add("<p><em>The strategy did not run: this litrev has no <code>--syntax pubmed</code>.</em></p>")
        r.missing.append("search-strategy.jsonl")
    if r.have("search-native.jsonl"):
        native = load_jsonl(r.path("search-native.jsonl"))
        hits = [x for x in native if "key" in x]
        nsum = next((x["summary"] for x in native if "summary" in x), {})
        q = open(r.path("search-native-query.txt"), encoding="utf-8").read().strip()
        r.add("<h3>A native query with snippets and facets</h3><p><code>%s</code>: %s records.</p>"
              % (esc(q), esc(nsum.get("total", len(hits)))))
        rows = []
        for h in hits[:10]:
            snip = (h.get("snippet") or {}).get("html")
            if (h.get("snippet") or {}).get("text") == h.get("title"):
                snip = ""   # no match in the abstract: the snippet is the title again
            rows.append("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s<br><small>%s</small></td></tr>" % (
                esc(h.get("rank")), esc(h.get("key")), esc(h.get("year")), esc(h.get("title")),
                # litrev's snippet html is its own escaped text with <b> marks; re-escape, then restore only <b>.
                esc(snip or "").replace("&lt;b&gt;", "<b>").replace("&lt;/b&gt;", "</b>")))
        r.add("<table><thead><tr><th>rank</th><th>key</th><th>year</th><th>title and snippet</th></tr></thead>"
              "<tbody>%s</tbody></table>" % "\n".join(rows))
        for facet, values in (nsum.get("facets") or {}).items():
            r.add("<p>%s: %s</p>" % (esc(facet), esc(", ".join("%s (%s)" % (v["value"], v["count"]) for v in values))))

    # ---- dedup ----
    if r.have("dedup.jsonl"):
        d = load_jsonl(r.path("dedup.jsonl"))
        ds = next((x for x in d if x.get("type") == "summary"), {})
        maybes = [x for x in d if x.get("type") == "maybe"]
        r.add('<h2 id="dedup">3. Duplicates</h2><p>%s records, %s duplicate clusters, %s removed; %s pair(s) left for a '
              "person: %s (%s).</p>" % (esc(ds.get("records")), esc(ds.get("clusters")), esc(ds.get("removed")),
                                       esc(ds.get("maybe")), esc("; ".join("%s / %s (%s)" % (x.get("a"), x.get("b"),
                                                                                            x.get("rule")) for x in maybes) or "none"),
                                       r.link("dedup.jsonl")))

    # ---- screening ----
    r.add('<h2 id="screening">4. Screening (worked example)</h2>')
    if r.have("prisma.json"):
        p = load_json(r.path("prisma.json"))
        r.add(r.figure("prisma.svg", "PRISMA 2020 flow diagram"))
        r.add("<p>Also as %s, %s (the PRISMA2020 R package's layout) and %s.%s</p>" % (
            r.link("prisma.md", "Markdown"), r.link("prisma.csv", "CSV"), r.link("prisma.json", "JSON"),
            "" if p.get("final") else " <strong>Not final: records are still pending.</strong>"))
        srcs = p["identified"].get("databases", []) + p["identified"].get("registers", [])
        r.add(table(["PRISMA box", "n"], [
            ("identified (" + "; ".join("%s: %s" % (s["name"], s["records"]) for s in srcs) + ")", p["identified"]["total"]),
            ("duplicates removed", p["duplicates"]), ("removed by automation", p["automation"]),
            ("removed for other reasons", p["other_removed"]), ("screened (title and abstract)", p["screened"]),
            ("excluded at screening", p["screened_excluded"]), ("reports sought", p["sought"]),
            ("reports not retrieved", p["not_retrieved"]), ("reports assessed (full text)", p["assessed"]),
            ("reports excluded at full text", p["excluded"]["total"]),
            ("studies included", p["included"]["studies"]), ("reports of included studies", p["included"]["reports"]),
        ], "prisma"))
    for stage, name in (("ta", "agreement-ta.json"), ("ft", "agreement-ft.json")):
        if not r.have(name):
            continue
        a = load_json(r.path(name))
        label = "title and abstract" if stage == "ta" else "full text"
        r.add("<h3>Agreement between the screeners, %s (%s)</h3>" % (esc(label), r.link(name, "JSON")))
        rows = []
        for pr in a.get("pairs", []) + [dict(x, reasons=True) for x in a.get("reasons", []) or []]:
            rows.append(("%s / %s%s" % (pr["a"], pr["b"], " (exclusion reasons, records both excluded)"
                                        if pr.get("reasons") else ""), pr["n"], num(100 * pr["p_observed"], 1) + "%",
                         num(pr["kappa"], 3), "%s to %s" % (num(pr["ci_lb"], 3), num(pr["ci_ub"], 3)),
                         num(pr["pabak"], 3), num(pr["ac1"], 3)))
        r.add(table(["screeners", "records", "observed agreement", "Cohen's kappa", "95% CI", "PABAK", "AC1"], rows))
        for pr in a.get("pairs", []):
            cats = pr["categories"]
            r.add("<table class=\"cross\"><caption>%s (rows) against %s (columns); a maybe counts as: %s</caption>"
                  "<thead><tr><th></th>%s</tr></thead><tbody>%s</tbody></table>" % (
                      esc(pr["a"]), esc(pr["b"]), esc(a.get("maybe")), "".join("<th>%s</th>" % esc(c) for c in cats),
                      "".join("<tr><th>%s</th>%s</tr>" % (esc(c), "".join("<td>%s</td>" % esc(v) for v in row))
                              for c, row in zip(cats, pr["table"]))))
    if r.have("progress.json"):
        prog = load_json(r.path("progress.json"))
        r.add("<h3>Progress (%s)</h3>" % r.link("progress.json", "JSON"))
        r.add(table(["stage", "records", "status"], [
            (s["stage"], s["records"], ", ".join("%s %s" % (k, v) for k, v in s.get("status", {}).items()))
            for s in prog]))

    # ---- exclusion reasons ----
    r.add('<h2 id="exclusions">5. Exclusion reasons</h2>')
    titles = {}
    if r.have("records.jsonl"):
        for rec in load_jsonl(r.path("records.jsonl")):
            titles[rec["key"]] = rec.get("title", "")
    if r.have("prisma.json"):
        p = load_json(r.path("prisma.json"))
        r.add("<p>Full-text reports excluded, by reason (PRISMA):</p>")
        r.add(table(["reason", "reports"], [(x["reason"], x["reports"]) for x in p["excluded"]["reasons"]]))
    if r.have("decisions.jsonl"):
        rows = []
        for d in load_jsonl(r.path("decisions.jsonl")):
            for stage_key, stage_name in (("title_abstract", "title-abstract"), ("full_text", "full text")):
                st = d.get(stage_key)
                if st and st.get("status") == "excluded":
                    res = st.get("resolution")
                    reason = st.get("reason") or "; ".join(
                        "%s: %s" % (v.get("reviewer"), v.get("reason") or "no reason") for v in st.get("votes", []))
                    rows.append((d["key"], titles.get(d["key"], ""), stage_name, reason,
                                 "adjudicated by %s" % res["adjudicator"] if res else "both screeners"))
        r.add("<p>Every excluded record (%s; %s):</p>" % (r.link("decisions.csv", "all decisions as CSV"),
                                                         r.link("decisions.jsonl", "JSON Lines")))
        r.add(table(["record", "title", "excluded at", "reason", "decided by"], rows))

    # ---- risk of bias ----
    r.add('<h2 id="rob">6. Risk of bias: RoB 2 (worked example)</h2>')
    r.add("<p>Judgements made by the project from the published reports as read (mostly abstracts), to show the "
          "workflow; <strong>not published risk-of-bias judgements</strong>. The answers were recorded in the "
          "review's ledger (<code>litrev rob assess</code>) and every judgement recomputed by the RoB 2 "
          "algorithms; the table as %s, %s, %s and robvis's input layout (%s); the corpus's summary %s.</p>"
          % (r.link("rob2-table.html", "HTML"), r.link("rob2-table.md", "Markdown"), r.link("rob2-table.tex", "LaTeX"),
             r.link("rob2-robvis.csv"), r.link("rob2-summary.csv")))
    if r.have("rob2-summary.csv"):
        with open(r.path("rob2-summary.csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        r.add(table(rows[0], rows[1:], "rob"))
    r.add(r.figure("rob2-traffic-light.svg", "RoB 2 traffic-light plot"))
    r.add(r.figure("rob2-summary.svg", "RoB 2 summary plot"))

    # ---- meta-analysis ----
    r.add('<h2 id="meta">7. Meta-analysis: abstinence</h2>')
    r.add("<p>Abstinence, ketamine arm against control arm (%s; counts as published, two derived from published "
          "percentages and arm sizes: see <code>outcomes/PROVENANCE.md</code>). Two small trials, one per substance: "
          "a demonstration of the method, not evidence.</p>" % r.link("abstinence.csv"))
    z = 1.959963984540054
    for name, heading in (("meta-mh.json", "Risk ratio, Mantel-Haenszel fixed effect"),
                          ("meta-dl-by-substance.json", "Risk ratio, DerSimonian-Laird random effects, by substance")):
        if not r.have(name):
            continue
        m = load_json(r.path(name))
        r.add("<h3>%s (%s)</h3>" % (esc(heading), r.link(name, "JSON")))
        rows = []
        for s in m.get("studies", []):
            if s.get("yi") is None:
                rows.append((s["study"], "–", "–", num(s.get("weight"), 1) + "%"))
                continue
            se = math.sqrt(s["vi"])
            rows.append((s["study"], num(math.exp(s["yi"])), "%s to %s" % (num(math.exp(s["yi"] - z * se)),
                                                                          num(math.exp(s["yi"] + z * se))),
                         num(s.get("weight"), 1) + "%"))
        for g in m.get("subgroups", []) or []:
            rows.append(("subgroup %s (k = %d)" % (g["name"], g["k"]), num(g.get("exp_estimate")),
                         "%s to %s" % (num(g.get("exp_ci_lb")), num(g.get("exp_ci_ub"))), ""))
        rows.append(("pooled (k = %d)" % m["k"], num(m.get("exp_estimate")),
                     "%s to %s" % (num(m.get("exp_ci_lb")), num(m.get("exp_ci_ub"))), "100%"))
        r.add(table(["study", "RR", "95% CI", "weight"], rows, "meta"))
        extra = ""
        st = m.get("subgroup_test")
        if st:
            extra = "; test for subgroup differences Q = %s (df %s), p = %s" % (num(st["q"]), st["df"], pval(st["pval"]))
        r.add("<p>Pooled RR <strong>%s</strong> (95%% CI %s to %s), p = %s; heterogeneity Q = %s (df %s, p = %s), "
              "I² = %s%%, τ² = %s%s.</p>" % (
                  esc(num(m.get("exp_estimate"))), esc(num(m.get("exp_ci_lb"))), esc(num(m.get("exp_ci_ub"))),
                  esc(pval(m.get("pval"))), esc(num(m.get("q"))), esc(m.get("q_df")), esc(pval(m.get("q_pval"))),
                  esc(num(m.get("i2"), 1)), esc(num(m.get("tau2"), 3)), esc(extra)))
        for w in m.get("warnings", []) or []:
            r.add("<p class=\"small\">litrev: %s</p>" % esc(w))
    if r.have("forest-mh.svg") or r.have("forest-dl-by-substance.svg"):
        r.add(r.figure("forest-mh.svg", "Forest plot, RR (Mantel-Haenszel)"))
        r.add(r.figure("funnel-mh.svg", "Funnel plot (two studies: for show only)"))
        r.add(r.figure("forest-dl-by-substance.svg", "Forest plot by substance, RR (DerSimonian-Laird)"))
    else:
        r.add("<p><em>Forest and funnel plots: not available in this litrev build (no <code>litrev meta --forest</code>)."
              "</em></p>")

    # ---- summary of findings ----
    r.add('<h2 id="sof">8. GRADE and the Summary of Findings (worked example)</h2>')
    if r.have("sof.html"):
        r.add("<p>GRADE certainty for abstinence: litrev's suggestions (from the RoB 2 table weighted by the "
              "meta-analysis weights, I², the CI and the optimal information size) accepted or overridden by the "
              "project's reviewers with a justification, each a ledger event. <strong>A worked example, not a "
              "published GRADE assessment.</strong> Also as %s, %s and %s; the evidence profile as %s (%s); every "
              "factor with its suggestion and judgement in %s.</p>"
              % (r.link("sof.md", "Markdown"), r.link("sof.csv", "CSV"), r.link("sof.jsonl", "JSON Lines"),
                 r.link("evidence-profile.html", "HTML"), r.link("evidence-profile.csv", "CSV"),
                 r.link("grade.jsonl")))
        # litrev's own HTML fragment: every text in it is escaped by litrev (lib/src/evidence/sof_table.cpp).
        with open(r.path("sof.html"), encoding="utf-8") as f:
            r.add(f.read())
    else:
        r.add("<p><em>Summary of Findings: not available in this litrev build (no <code>litrev sof</code>).</em></p>")

    # ---- records and files ----
    r.add('<h2 id="files">9. Records and every file of this report</h2>')
    r.add("<p>The review's records, with their screening decisions: %s, %s.</p>"
          % (r.link("records.ris", "RIS"), r.link("records.csv", "CSV")))
    listing = sorted(n for n in os.listdir(r.dir) if n != "index.html" and os.path.isfile(r.path(n)))
    r.add("<ul class=\"files\">%s</ul>" % "".join("<li>%s (%d bytes)</li>" % (r.link(n), os.path.getsize(r.path(n)))
                                                  for n in listing))
    r.add("<h2 id=\"note\">Closing note</h2><p>%s</p>" % esc(data_note))
    if version:
        r.add("<p class=\"small\">Made by %s with tools/report.py from the review in <code>%s</code>.</p>"
              % (esc(version), esc(review)))

    css = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 62em; margin: 1.5em auto; padding: 0 1em;
       line-height: 1.45; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; margin-top: 2em; }
h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
thead th { background: #f1f1f1; }
caption { text-align: left; font-size: 0.9em; color: #555; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #555; }
.note { background: #fff8e1; border: 1px solid #e0c060; padding: 0.6em 0.8em; }
.small, small { font-size: 0.85em; color: #555; }
code { background: #f4f4f4; padding: 0 0.2em; }
nav a { margin-right: 0.8em; }
"""
    nav = " ".join('<a href="#%s">%s</a>' % (i, esc(t)) for i, t in (
        ("data", "Data"), ("search", "Searches"), ("dedup", "Duplicates"), ("screening", "Screening"),
        ("exclusions", "Exclusions"), ("rob", "Risk of bias"), ("meta", "Meta-analysis"),
        ("sof", "Summary of Findings"), ("files", "Files")))
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n"
            "<style>%s</style>\n</head>\n<body>\n<h1>%s</h1>\n<p>The worked review of litrev (corpora/ketamine-sud), "
            "run end to end by <code>tools/worked-review.sh</code>.</p>\n<nav>%s</nav>\n%s\n</body>\n</html>\n"
            % (esc(title), css, esc(title), nav, "\n".join(r.parts)))
    tmp = r.path("index.html.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, r.path("index.html"))
    print("Wrote %s (%d sections%s)" % (r.path("index.html"), 9,
                                       "; not available: " + ", ".join(sorted(set(r.missing))) if r.missing else ""))


if __name__ == "__main__":
    main()
