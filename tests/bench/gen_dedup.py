#!/usr/bin/python3
"""Deterministic synthetic reference sets with known duplicates, for timing
`litrev dedup` at 10k, 100k and 1M records (and checking it stays accurate).

Usage:
  gen_dedup.py --records N --out FILE.csv [--seed S] [--dup-rate R]
  gen_dedup.py --records N --out FILE.csv --base path/to/labelled.csv

Everything comes from real records: the words, titles, surnames and journal
names of the labelled haematology set in shared/fixtures/dedup (or --base).
A *work* is a real title with about half of its content words replaced by
words drawn from the whole vocabulary (so there are many distinct works with
similar titles, a hard case for precision), real surnames with random
initials, a real journal name, and random year, volume, issue and pages. A
share of the works (--dup-rate, default .25; a fifth of those get a third
record) is written more than once, each copy a variant the way databases
differ: title case, punctuation, a truncated title, an added "[Language]"
tag or HTML markup, author formats ("Smith, J. A. and Doe, B." / "Smith JA;
Doe B" / "J. A. Smith and ..."), authors cut to three plus "et al.", an
abbreviated or missing journal, abbreviated page ranges (1234-9), missing
volume, issue, pages or DOI, DOI URL forms, a year one off.

Synthetic identifiers are marked as such: record_id "syn<n>", group_id
"w<n>", and DOIs (about half the works have one) use the DOI test prefix
10.5555 ("10.5555/syn.<n>"), which belongs to no real work.

Columns: record_id, group_id, author, title, year, journal, volume, number,
pages, doi. Rows are shuffled with the seed, so output is the same for the
same arguments; a smaller file is not a prefix of a larger one.
"""
import argparse
import csv
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BASE = os.path.join(HERE, "..", "..", "..", "shared", "fixtures", "dedup", "sra_haematology.csv")
STOP = {"a", "an", "the", "of", "in", "on", "for", "and", "or", "to", "with", "by", "at", "from", "as", "is",
        "are", "after", "during", "between", "without", "its", "their", "into", "via"}
LANGS = ["German", "French", "Spanish", "Japanese", "Italian", "Polish", "Chinese"]


def load_base(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    titles, vocab, surnames, journals = [], [], set(), set()
    for r in rows:
        t = re.sub(r"\[[^\]]*\]", " ", r.get("title", "")).strip(" .")
        words = t.split()
        if len(words) >= 4:
            titles.append(words)
            vocab += [w.strip(".,:;()") for w in words if w.lower() not in STOP and w.isalpha()]
        for a in re.split(r" and |;", r.get("author", "")):
            fam = a.split(",")[0].strip()
            if fam and fam.replace("-", "").replace(" ", "").isalpha() and len(fam) > 2:
                surnames.add(fam)
        j = r.get("journal", "").split(".Conference")[0].strip(" .")
        if len(j) > 3:
            journals.add(j)
    return titles, sorted(set(vocab)), sorted(surnames), sorted(journals)


def make_work(rng, n, titles, vocab, surnames, journals):
    template = rng.choice(titles)
    words = []
    for w in template:
        core = w.strip(".,:;()")
        if core.lower() not in STOP and core.isalpha() and rng.random() < 0.5:
            w = w.replace(core, rng.choice(vocab))
        words.append(w)
    n_auth = rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 8, 10])
    authors = [(rng.choice(surnames), "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(rng.choice([1, 1, 2]))))
               for _ in range(n_auth)]
    start = rng.randint(1, 3000)
    return {
        "title": " ".join(words),
        "authors": authors,
        "year": rng.randint(1990, 2024),
        "journal": rng.choice(journals),
        "volume": str(rng.randint(1, 300)),
        "number": str(rng.randint(1, 12)) if rng.random() < 0.85 else "",
        "first": start,
        "last": start + rng.choice([0, 1, 3, 5, 7, 9, 12, 15]),
        "doi": f"10.5555/syn.{n:07d}" if rng.random() < 0.5 else "",
    }


def fmt_authors(rng, authors, style):
    if style == 0:
        return " and ".join(f"{s}, {'. '.join(i)}." for s, i in authors)
    if style == 1:
        return "; ".join(f"{s} {i}" for s, i in authors)
    return " and ".join(f"{'. '.join(i)}. {s}" for s, i in authors)


def render(rng, w, variant):
    """One record of work `w`; variant 0 is the plain form."""
    title, authors, journal = w["title"], list(w["authors"]), w["journal"]
    volume, number, doi, year = w["volume"], w["number"], w["doi"], w["year"]
    pages = f"{w['first']}-{w['last']}" if w["last"] != w["first"] else str(w["first"])
    style = rng.randrange(3) if variant else 0
    if variant:
        for _ in range(rng.choice([1, 2, 2, 3, 4])):
            op = rng.randrange(14)
            if op == 0:
                title = title.upper()
            elif op == 1:
                title = title.lower()
            elif op == 2:
                title = title.rstrip(".") + "." if not title.endswith(".") else title[:-1]
            elif op == 3 and len(title) > 70:
                title = title[: int(len(title) * rng.uniform(0.65, 0.9))]
            elif op == 4:
                title = f"{title}. [{rng.choice(LANGS)}]"
            elif op == 5:
                ws = title.split()
                k = rng.randrange(len(ws))
                ws[k] = f"<i>{ws[k]}</i>"
                title = " ".join(ws)
            elif op == 6:
                title = title.replace(":", " -").replace("-", " ")
            elif op == 7 and len(authors) > 3:
                authors = authors[:3] + [("et al.", "")]
            elif op == 8:
                journal = " ".join(x[:5] if len(x) > 5 else x for x in journal.split()
                                   if x.lower() not in ("of", "the", "and", "&"))
            elif op == 9:
                journal = ""
            elif op == 10 and w["last"] > w["first"]:
                a, b = str(w["first"]), str(w["last"])
                k = 0
                while k < len(a) - 1 and a[k] == b[k]:
                    k += 1
                pages = f"{a}-{b[k:]}"
            elif op == 11:
                which = rng.randrange(3)
                if which == 0:
                    pages = ""
                elif which == 1:
                    volume = ""
                else:
                    number = ""
            elif op == 12 and doi:
                doi = rng.choice([f"https://doi.org/{doi}", f"doi:{doi.upper()}", "", f"{doi}."])
            elif op == 13 and rng.random() < 0.3:
                year = w["year"] + 1  # print year after the online year
    a_text = fmt_authors(rng, [x for x in authors if x[1]], style)
    if authors and not authors[-1][1]:
        a_text += " and et al." if style != 1 else "; et al."
    return {"author": a_text, "title": title, "year": str(year), "journal": journal, "volume": volume,
            "number": number, "pages": pages, "doi": doi}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--dup-rate", type=float, default=0.25)
    ap.add_argument("--base", default=DEFAULT_BASE)
    args = ap.parse_args()
    titles, vocab, surnames, journals = load_base(args.base)
    rng = random.Random(args.seed)
    out = []
    n_work = 0
    while len(out) < args.records:
        n_work += 1
        w = make_work(rng, n_work, titles, vocab, surnames, journals)
        copies = 1
        if rng.random() < args.dup_rate:
            copies = 3 if rng.random() < 0.2 else 2
        for v in range(copies):
            if len(out) >= args.records:
                break
            rec = render(rng, w, v)
            rec["group_id"] = f"w{n_work:07d}"
            out.append(rec)
    rng.shuffle(out)
    cols = ["record_id", "group_id", "author", "title", "year", "journal", "volume", "number", "pages", "doi"]
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(cols)
        for i, rec in enumerate(out, 1):
            rec["record_id"] = f"syn{i:07d}"
            wr.writerow([rec[c] for c in cols])
    print(f"{args.out}: {len(out)} records, {n_work} works", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
