#!/usr/bin/python3
"""Makes synthetic PubMed XML records whose text behaves like real abstracts.

gen_pubmed.py repeats 16 real articles, which is right for parsing and
indexing speed but wrong for search: its vocabulary is tiny and every query
matches a fixed sixteenth of the records. This generator learns from real text
instead and samples new text from it:

  * words: a word-bigram Markov chain trained on the titles and abstracts of
    the labelled screening sets (shared/fixtures/screening/*.csv: about 2,700
    real abstracts, medicine and software engineering) and of the PubMed
    fixtures; title and abstract lengths (in words) are drawn from the real
    lengths, so term frequencies and document lengths follow real ones;
  * authors, journals, MeSH descriptors, publication types and languages:
    drawn from the pools found in the PubMed fixtures, with their real
    frequencies; years 1975-2025, months 1-12.

Every record gets a fresh PMID from 90000001 (real PMIDs are near 40
million). The same arguments always give the same bytes (seeded).

Limits, said plainly: the chain has the vocabulary of its training text
(tens of thousands of words), while all of PubMed has millions; bigrams give
locally plausible but globally meaningless sentences. Query latencies on this
text are realistic for common-word and phrase queries, optimistic for rare-term
queries.

Usage: gen_realistic.py --records N --out FILE [--seed S] [--shared DIR]
"""

import argparse
import bisect
import csv
import glob
import os
import random
import re
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

WORD = re.compile(r"\S+")


def load_texts(shared):
    texts = []  # (title, abstract)
    csv.field_size_limit(sys.maxsize)
    for path in sorted(glob.glob(os.path.join(shared, "fixtures/screening/*.csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                texts.append((row.get("title") or "", row.get("abstract") or ""))
    pools = {"author": [], "journal": [], "mesh": [], "pt": [], "lang": []}
    for path in sorted(glob.glob(os.path.join(shared, "fixtures/pubmed/efetch_*.xml"))):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError:
            continue
        for art in root.iter("PubmedArticle"):
            title = "".join(art.findtext(".//ArticleTitle") or "")
            abstract = " ".join("".join(a.itertext()) for a in art.iter("AbstractText"))
            texts.append((title, abstract))
            for a in art.iter("Author"):
                last, ini = a.findtext("LastName"), a.findtext("Initials")
                if last:
                    pools["author"].append((last, a.findtext("ForeName") or "", ini or ""))
            j = art.findtext(".//Journal/Title")
            if j:
                pools["journal"].append((j, art.findtext(".//Journal/ISOAbbreviation") or j,
                                         art.findtext(".//MedlineTA") or j))
            pools["mesh"] += [d.text for d in art.iter("DescriptorName") if d.text]
            pools["pt"] += [p.text for p in art.iter("PublicationType") if p.text]
            pools["lang"] += [l.text for l in art.iter("Language") if l.text]
    return texts, pools


class Chain:
    """Word bigrams with their counts; sampling by cumulative weights."""

    def __init__(self, texts):
        counts = {}
        self.starts = []
        for title, abstract in texts:
            for text in (title, abstract):
                words = WORD.findall(text)
                if not words:
                    continue
                self.starts.append(words[0])
                for a, b in zip(words, words[1:]):
                    counts.setdefault(a, {}).setdefault(b, 0)
                    counts[a][b] += 1
        self.next = {}
        for a, following in counts.items():
            words = sorted(following)
            cum, total = [], 0
            for w in words:
                total += following[w]
                cum.append(total)
            self.next[a] = (words, cum, total)

    def sample(self, rng, length):
        out = [rng.choice(self.starts)]
        while len(out) < length:
            nxt = self.next.get(out[-1])
            if not nxt:
                out.append(rng.choice(self.starts))
                continue
            words, cum, total = nxt
            out.append(words[bisect.bisect_right(cum, rng.randrange(total))])
        return " ".join(out)


def article(rng, pmid, chain, title_lengths, abstract_lengths, pools):
    title = chain.sample(rng, rng.choice(title_lengths))
    abstract = chain.sample(rng, rng.choice(abstract_lengths))
    year, month = rng.randint(1975, 2025), rng.randint(1, 12)
    authors = [rng.choice(pools["author"]) for _ in range(rng.choice((1, 2, 3, 4, 5, 6, 8, 12)))]
    journal = rng.choice(pools["journal"])
    mesh = sorted(set(rng.choice(pools["mesh"]) for _ in range(rng.randint(0, 12))))
    pts = sorted(set([rng.choice(pools["pt"]) for _ in range(rng.randint(1, 3))]))
    lang = rng.choice(pools["lang"])
    e = escape
    parts = [f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>',
             f"<Article PubModel=\"Print\"><Journal><JournalIssue CitedMedium=\"Print\"><PubDate><Year>{year}</Year>"
             f"<Month>{month:02d}</Month></PubDate></JournalIssue><Title>{e(journal[0])}</Title>"
             f"<ISOAbbreviation>{e(journal[1])}</ISOAbbreviation></Journal>",
             f"<ArticleTitle>{e(title)}</ArticleTitle>"]
    if abstract:
        parts.append(f"<Abstract><AbstractText>{e(abstract)}</AbstractText></Abstract>")
    parts.append('<AuthorList CompleteYN="Y">')
    for last, fore, ini in authors:
        parts.append(f'<Author ValidYN="Y"><LastName>{e(last)}</LastName><ForeName>{e(fore)}</ForeName>'
                     f"<Initials>{e(ini)}</Initials></Author>")
    parts.append(f"</AuthorList><Language>{e(lang)}</Language><PublicationTypeList>")
    for p in pts:
        parts.append(f'<PublicationType UI="">{e(p)}</PublicationType>')
    parts.append(f"</PublicationTypeList></Article><MedlineJournalInfo><MedlineTA>{e(journal[2])}</MedlineTA>"
                 "</MedlineJournalInfo>")
    if mesh:
        parts.append('<MeshHeadingList>')
        for d in mesh:
            parts.append(f'<MeshHeading><DescriptorName UI="" MajorTopicYN="{"Y" if rng.random() < 0.2 else "N"}">'
                         f"{e(d)}</DescriptorName></MeshHeading>")
        parts.append("</MeshHeadingList>")
    parts.append(f'</MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>'
                 "</ArticleIdList></PubmedData></PubmedArticle>\n")
    return "".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "..", "shared"))
    args = ap.parse_args()
    texts, pools = load_texts(args.shared)
    if not texts or not pools["author"]:
        sys.exit(f"gen_realistic.py: no training text under {args.shared}/fixtures")
    chain = Chain(texts)
    title_lengths = [len(WORD.findall(t)) for t, _ in texts if t.strip()]
    abstract_lengths = [len(WORD.findall(a)) for _, a in texts]  # 0 = no abstract, as in real data
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        for i in range(args.records):
            out.write(article(rng, 90000001 + i, chain, title_lengths, abstract_lengths, pools))
        out.write("</PubmedArticleSet>\n")


if __name__ == "__main__":
    main()
