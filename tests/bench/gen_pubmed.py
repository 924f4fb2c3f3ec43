#!/usr/bin/python3
"""Makes a large PubMed XML file for the benchmarks in tests/bench/.

The file is built only from real EFetch responses: every PubmedArticle and
PubmedBookArticle element of the fixtures (shared/fixtures/pubmed/efetch_*.xml)
is cut out byte for byte and written again and again, in a fixed order (the
fixtures sorted by name, elements in file order), so every input of a given
size has the same composition. Each copy gets a fresh, unique PMID, written
into the article's own <PMID Version="1"> and into the <ArticleId
IdType="pubmed"> of its own ArticleIdList (PubmedData, PubmedBookData or
BookDocument); PMIDs inside CommentsCorrections and ReferenceList keep pointing
at the real articles they cite.

Fresh PMIDs start at 90000001 by default. Real PMIDs are around 40 million in
2025, so a range above 90 million cannot collide with a real record.

The output has one XML declaration, the DOCTYPE of pubmed_250101.dtd (which
Biopython's Bio.Entrez needs to find its DTD) and one <PubmedArticleSet>.
The same arguments always give the same bytes (gzip output too: no timestamp,
no file name in the gzip header).

Usage:
  gen_pubmed.py --records N --out FILE [--gzip]
  gen_pubmed.py --mb M --out FILE [--gzip]       (stops at the first record
                                                  that reaches M * 10^6 bytes)
"""

import argparse
import glob
import gzip
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "fixtures", "pubmed"))

HEADER = (
    b'<?xml version="1.0" ?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)
FOOTER = b"</PubmedArticleSet>\n"

ELEMENT_RE = re.compile(rb"<(PubmedArticle|PubmedBookArticle)>.*?</\1>", re.S)
PMID_RE = re.compile(rb"<PMID\b[^>]*>\s*(\d+)\s*</PMID>")
ARTICLE_ID_LIST_RE = re.compile(rb"<ArticleIdList>.*?</ArticleIdList>", re.S)


class Template:
    """One fixture element split around the places where its PMID goes:
    parts[0] + pmid + parts[1] + pmid + ... + parts[-1]."""

    def __init__(self, name, element):
        self.name = name
        self.parts = []
        cuts = []  # (start, end) byte ranges replaced by the new PMID element/text
        m = PMID_RE.search(element)
        if m is None:
            raise SystemExit(f"{name}: element without a PMID")
        original = m.group(1)
        cuts.append((m.start(), m.end(), True))

        # The article's own ArticleIdLists: the first one after <PubmedData> or
        # <PubmedBookData>, and (books) the one right after BookDocument's PMID.
        own_lists = []
        for container in (b"<PubmedData>", b"<PubmedBookData>"):
            at = element.find(container)
            if at >= 0:
                lm = ARTICLE_ID_LIST_RE.search(element, at)
                if lm is not None:
                    own_lists.append(lm)
        if element.startswith(b"<PubmedBookArticle>"):
            lm = ARTICLE_ID_LIST_RE.search(element, m.end())
            if lm is not None and element[m.end():lm.start()].strip() == b"":
                own_lists.append(lm)
        id_re = re.compile(rb'<ArticleId IdType="pubmed">\s*' + original + rb"\s*</ArticleId>")
        for lm in own_lists:
            for im in id_re.finditer(element, lm.start(), lm.end()):
                cuts.append((im.start(), im.end(), False))
        cuts.sort()
        self.pubmed_ids = sum(1 for c in cuts if not c[2])

        pos = 0
        self.kinds = []
        for start, end, is_pmid in cuts:
            self.parts.append(element[pos:start])
            self.kinds.append(is_pmid)
            pos = end
        self.parts.append(element[pos:])
        self.size = len(element)

    def render(self, pmid):
        p = str(pmid).encode()
        out = [self.parts[0]]
        for kind, part in zip(self.kinds, self.parts[1:]):
            if kind:
                out.append(b'<PMID Version="1">' + p + b"</PMID>")
            else:
                out.append(b'<ArticleId IdType="pubmed">' + p + b"</ArticleId>")
            out.append(part)
        return b"".join(out)


def load_templates(fixtures):
    paths = sorted(glob.glob(os.path.join(fixtures, "efetch_*.xml")))
    if not paths:
        raise SystemExit(f"no efetch_*.xml in {fixtures}")
    templates = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        for i, m in enumerate(ELEMENT_RE.finditer(data)):
            templates.append(Template(f"{os.path.basename(path)}#{i + 1}", m.group(0)))
    return templates


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--records", type=int, help="number of records to write")
    size.add_argument("--mb", type=float, help="size to reach, in MB (10^6 bytes) of XML")
    ap.add_argument("--out", help="output file")
    ap.add_argument("--gzip", action="store_true", help="gzip the output (level 6, deterministic)")
    ap.add_argument("--first-pmid", type=int, default=90000001, help="first PMID (default 90000001)")
    ap.add_argument("--fixtures", default=DEFAULT_FIXTURES, help="folder of efetch_*.xml")
    ap.add_argument("--list", action="store_true", help="list the templates and exit")
    args = ap.parse_args()

    templates = load_templates(args.fixtures)
    if args.list:
        for t in templates:
            print(f"{t.name}\t{t.size} bytes\tpubmed ArticleIds replaced: {t.pubmed_ids}")
        return 0
    if args.out is None or (args.records is None and args.mb is None):
        ap.error("--out and one of --records / --mb are required")

    limit_bytes = None if args.mb is None else int(args.mb * 1e6)
    tmp = args.out + ".tmp"
    if args.gzip:
        raw = open(tmp, "wb")
        out = gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=raw, mtime=0)
    else:
        raw = None
        out = open(tmp, "wb", buffering=1 << 20)
    written = len(HEADER)
    out.write(HEADER)
    n = 0
    pmid = args.first_pmid
    while True:
        if args.records is not None and n >= args.records:
            break
        if limit_bytes is not None and written >= limit_bytes:
            break
        element = templates[n % len(templates)].render(pmid)
        out.write(element)
        out.write(b"\n")
        written += len(element) + 1
        n += 1
        pmid += 1
    out.write(FOOTER)
    written += len(FOOTER)
    out.close()
    if raw is not None:
        raw.close()
    os.replace(tmp, args.out)
    print(
        f"{args.out}: {n} records, {written} bytes of XML, PMIDs {args.first_pmid}..{pmid - 1}"
        f"{' (gzip)' if args.gzip else ''}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
