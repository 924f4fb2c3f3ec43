#!/usr/bin/python3
"""Fidelity: litrev's PubMed XML reader against Biopython's Bio.Entrez.

usage: pubmed_biopython.py DUMP_RECORDS FIXTURES_DIR

For every efetch_*.xml file in FIXTURES_DIR, parses it with Biopython
(Debian python3-biopython, Bio.Entrez.read) and with litrev (the dump_records
tool, one JSON record per line), matches the records by PMID and compares,
field by field: PMID, status, titles, abstract sections, copyright, authors,
journal, volume/issue/pages, publication date, DOI/PMC/PII, languages,
publication types, MeSH headings, keywords, databank accessions, comment and
correction links and the retraction flag. Text is compared whitespace-folded.
Prints one line per file and a last line "N passed, M failed"; exits 1 on any
mismatch.

Documented, legitimate differences (each is checked, never skipped):

1. Word boundaries at inline markup. Biopython returns inline markup as raw
   text ("at the<i>TERT</i>gene"); removing the tags would glue the words
   ("theTERTgene"). litrev inserts one space at a boundary of <i>, <b>, <u>
   (or any element other than <sub>/<sup>) when letters or digits touch on
   both sides: "at the TERT gene"; <sub>/<sup> attach to what precedes them
   ("<i>I</i><sup>2</sup>" reads "I2"). Such a field must equal Biopython's text
   with litrev's rule applied, and must equal Biopython's plain text once all
   white space is removed, so only spaces may differ.
2. Pretty-printer indentation before <sub>/<sup>. A fixture re-indented by a
   pretty printer has "&#946;\\n\\t\\t<sub>2</sub>-agonist"; Biopython keeps
   the white space ("β 2-agonist"), litrev drops white space holding a line
   feed right before <sub>/<sup> ("β2-agonist"). Checked the same way as 1.
3. MathML. Biopython returns MathML as markup text with its indentation;
   litrev reads it as a line of tokens (rules in lib/src/formats/pubmed_xml.cpp:
   tokens joined, accents of mover dropped, prescripts of mmultiscripts first,
   mfrac "a/b", ...). Such a field must equal Biopython's text with the same
   rules applied by the independent implementation below, so every character
   outside the formulas is still compared exactly.
4. Authors with ValidYN="N" (names PubMed lists in error) are left out by
   litrev; the Biopython side drops them too.
"""

import glob
import json
import os
import re
import subprocess
import sys
import unicodedata

import Bio.Entrez.Parser
from Bio import Entrez

XML_SPACE = re.compile(r"[ \t\n\r]+")


def fold(s):
    """Folds runs of XML white space (not U+00A0) to one space and trims."""
    return XML_SPACE.sub(" ", s).strip(" ")


def no_space(s):
    return XML_SPACE.sub("", s)


# --- Biopython's markup text -> a small tree --------------------------------

# Biopython re-serialises inline markup and MathML (without the mml: prefix)
# into the string. Only these element names are taken as tags; any other "<"
# is text (Biopython decodes &lt; to "<").
TAG = re.compile(
    r"<(/?)(i|b|u|sub|sup|math|m[a-z]+|none|semantics|annotation(?:-xml)?)"
    r"((?:\s[^<>]*?)?)(/?)>"
)
ATTR = re.compile(r"([A-Za-z_][\w:.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


class Elem:
    def __init__(self, name, attrs):
        self.name = name
        self.attrs = attrs
        self.children = []  # str or Elem


def parse_markup(s):
    root = Elem("#root", {})
    stack = [root]
    pos = 0
    for m in TAG.finditer(s):
        if m.start() > pos:
            stack[-1].children.append(s[pos : m.start()])
        pos = m.end()
        closing, name, attrs, selfclosing = m.groups()
        if closing:
            # Close the innermost open element of that name.
            for k in range(len(stack) - 1, 0, -1):
                if stack[k].name == name:
                    del stack[k:]
                    break
            continue
        e = Elem(name, {a.group(1): a.group(2) if a.group(2) is not None else a.group(3)
                        for a in ATTR.finditer(attrs or "")})
        stack[-1].children.append(e)
        if not selfclosing:
            stack.append(e)
    if pos < len(s):
        stack[-1].children.append(s[pos:])
    return root


def has_tags(s):
    return TAG.search(s) is not None


def strip_tags(s):
    """Biopython's text with the markup simply removed."""
    return TAG.sub("", s)


# --- the documented flattening rules, implemented independently --------------

ACCENTS = {".", "^", "~", "`", "\u00b4", "\u00a8", "\u00af", "\u02d9", "\u02c6",
           "\u02dc", "\u02d8", "\u02c7", "\u203e", "\u2192", "\u20d7", "\u0307"}


def is_word_char(c):
    return unicodedata.category(c)[0] in "LMN"


class Flattener:
    def __init__(self):
        self.out = ""
        self.boundary = False

    def append(self, s):
        if not s:
            return
        if self.boundary:
            self.boundary = False
            if self.out and is_word_char(self.out[-1]) and is_word_char(s[0]):
                self.out += " "
        self.out += s

    def content(self, e):
        for c in e.children:
            if isinstance(c, str):
                self.append(c)
            elif c.name in ("sub", "sup"):
                stripped = self.out.rstrip(" \t\n\r")
                if "\n" in self.out[len(stripped):]:
                    self.out = stripped
                self.boundary = False  # a script attaches to what precedes it
                self.content(c)
            elif c.name == "math":
                self.boundary = True
                self.math(c)
                self.boundary = True
            else:
                self.boundary = True
                self.content(c)
                self.boundary = True

    @staticmethod
    def elements(e):
        return [c for c in e.children if isinstance(c, Elem)]

    def token_text(self, e):
        for c in e.children:
            if isinstance(c, str):
                self.append(c)
            else:
                self.token_text(c)

    @staticmethod
    def is_accent(e):
        if e.name != "mo" or any(isinstance(c, Elem) for c in e.children):
            return False
        return "".join(e.children).strip(" \t\n\r") in ACCENTS

    def math(self, e):
        n = e.name
        kids = self.elements(e)
        if n in ("mi", "mn", "mo", "mtext", "ms"):
            self.token_text(e)
        elif n == "mspace":
            self.append(" ")
        elif n in ("none", "mprescripts", "annotation", "annotation-xml"):
            pass
        elif n == "semantics":
            if kids:
                self.math(kids[0])
        elif n in ("mover", "munder", "munderover"):
            for i, k in enumerate(kids):
                if i == 0 or not self.is_accent(k):
                    self.math(k)
        elif n == "mmultiscripts":
            names = [k.name for k in kids]
            if "mprescripts" in names:
                p = names.index("mprescripts")
                order = kids[p + 1 :] + kids[:p]
            else:
                order = kids
            for k in order:
                self.math(k)
        elif n == "mfrac":
            for i, k in enumerate(kids):
                if i:
                    self.append("/")
                self.math(k)
        elif n == "mfenced":
            seps = [c for c in e.attrs.get("separators", ",") if c not in " \t\n\r"]
            self.append(e.attrs.get("open", "("))
            for i, k in enumerate(kids):
                if i and seps:
                    self.append(seps[min(i - 1, len(seps) - 1)])
                self.math(k)
            self.append(e.attrs.get("close", ")"))
        else:
            for k in kids:
                self.math(k)


def flatten(s):
    f = Flattener()
    f.content(parse_markup(s))
    return fold(f.out)


# --- comparing ---------------------------------------------------------------


class Check:
    def __init__(self, pmid):
        self.pmid = pmid
        self.mismatches = []
        self.notes = set()

    def eq(self, field, ours, theirs):
        if ours == theirs:
            return
        if isinstance(ours, str) and isinstance(theirs, str) and max(len(ours), len(theirs)) > 120:
            # Show where long texts part.
            i = next((k for k, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
            start = max(0, i - 40)
            field += f" (from character {start})"
            ours, theirs = ours[start : i + 40], theirs[start : i + 40]
        self.mismatches.append(f"PMID {self.pmid} {field}: litrev {ours!r} != biopython {theirs!r}")

    def text(self, field, ours, bio_raw):
        """Compares a text field; see the module docstring for the rules."""
        ours = ours or ""
        bio_raw = str(bio_raw or "")
        plain = fold(strip_tags(bio_raw))
        if ours == plain:
            return
        ruled = flatten(bio_raw)
        if ours != ruled:
            self.eq(field, ours, ruled if has_tags(bio_raw) else plain)
            return
        if "<math" in bio_raw:
            self.notes.add("MathML flattened by rule")
            return
        # Only white space may differ from Biopython's plain text.
        if no_space(ours) != no_space(plain):
            self.eq(field + " (white space removed)", no_space(ours), no_space(plain))
            return
        if re.search(r"[ \t\r]*\n[ \t\n\r]*<su[bp]>", bio_raw):
            self.notes.add("indentation before <sub>/<sup> dropped")
        if ruled != fold(strip_tags(re.sub(r"[ \t\r]*\n[ \t\n\r]*(?=<su[bp]>)", "", bio_raw))):
            self.notes.add("space at inline-markup word boundary")


def attr(x, name, default=""):
    return getattr(x, "attributes", {}).get(name, default)


MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def month_number(s):
    s = str(s).strip()
    if s.isdigit():
        m = int(s)
        return m if 1 <= m <= 12 else 0
    return MONTHS.index(s[:3].lower()) + 1 if s[:3].lower() in MONTHS else 0


def normalise_orcid(raw):
    s = str(raw).strip()
    tail = s.rsplit("/", 1)[-1]
    d = tail.replace("-", "").replace(" ", "").upper()
    if re.fullmatch(r"\d{15}[\dX]", d):
        return "-".join(d[i : i + 4] for i in range(0, 16, 4))
    return s


def compare_date(c, ours, pd):
    pd = pd or {}
    year = int(str(pd["Year"]).strip()) if "Year" in pd else 0
    text = fold(str(pd.get("MedlineDate", "")))
    if not year and text:
        m = re.search(r"(?<!\d)\d{4}(?!\d)", text)
        year = int(m.group(0)) if m else 0
    c.eq("pub_date.year", ours.get("year", 0), year)
    c.eq("pub_date.month", ours.get("month", 0), month_number(pd["Month"]) if "Month" in pd else 0)
    c.eq("pub_date.day", ours.get("day", 0), int(str(pd["Day"]).strip()) if "Day" in pd else 0)
    c.text("pub_date.season", ours.get("season", ""), pd.get("Season", ""))
    c.eq("pub_date.text", ours.get("text", ""), text)


def compare_authors(c, ours, author_lists):
    theirs = []
    for al in author_lists:
        if attr(al, "Type", "authors") == "editors":
            continue
        theirs += [a for a in al if attr(a, "ValidYN", "Y") != "N"]
    c.eq("number of authors", len(ours), len(theirs))
    for i, (o, t) in enumerate(zip(ours, theirs)):
        f = f"authors[{i}]"
        c.text(f + ".family", o.get("family"), t.get("LastName", ""))
        c.text(f + ".given", o.get("given"), t.get("ForeName", ""))
        c.text(f + ".initials", o.get("initials"), t.get("Initials", ""))
        c.text(f + ".suffix", o.get("suffix"), t.get("Suffix", ""))
        c.text(f + ".collective", o.get("collective"), t.get("CollectiveName", ""))
        orcids = [normalise_orcid(x) for x in t.get("Identifier", []) if attr(x, "Source") == "ORCID"]
        c.eq(f + ".orcid", o.get("orcid", ""), orcids[0] if orcids else "")
        affs = [fold(str(x["Affiliation"])) for x in t.get("AffiliationInfo", []) if fold(str(x["Affiliation"]))]
        c.eq(f + ".affiliations", o.get("affiliations", []), affs)
        c.eq(f + ".equal_contrib", o.get("equal_contrib", False), attr(t, "EqualContrib") == "Y")


def compare_abstract(c, ours, abstract):
    sections = [s for s in (abstract or {}).get("AbstractText", [])
                if fold(str(s)) or attr(s, "Label")]
    ours_sections = ours.get("abstract", [])
    c.eq("number of abstract sections", len(ours_sections), len(sections))
    for i, (o, t) in enumerate(zip(ours_sections, sections)):
        c.eq(f"abstract[{i}].label", o.get("label", ""), fold(attr(t, "Label")))
        c.eq(f"abstract[{i}].category", o.get("category", ""), fold(attr(t, "NlmCategory")))
        c.text(f"abstract[{i}].text", o.get("text", ""), t)
    c.text("copyright", ours.get("copyright", ""), (abstract or {}).get("CopyrightInformation", ""))


def compare_ids(c, ours, id_lists, elocations):
    ids = ours.get("ids", {})
    theirs = {}
    other = []
    for id_list in id_lists:
        for x in id_list:
            kind, value = attr(x, "IdType", "pubmed"), fold(str(x))
            if not value or kind == "pubmed":
                continue
            if kind in ("doi", "pmc", "pii"):
                theirs.setdefault(kind, value)
            else:
                other.append({"type": kind, "value": value})
    for e in elocations:
        if attr(e, "ValidYN", "Y") != "N":
            theirs.setdefault(attr(e, "EIdType"), fold(str(e)))
    c.eq("ids.doi", ids.get("doi", ""), theirs.get("doi", "").lower())
    c.eq("ids.pmcid", ids.get("pmcid", ""), theirs.get("pmc", ""))
    c.eq("ids.pii", ids.get("pii", ""), theirs.get("pii", ""))
    c.eq("ids.other", ids.get("other", []), other)


def compare_keywords(c, ours, keyword_lists):
    theirs = [(k, attr(kl, "Owner")) for kl in keyword_lists for k in kl if fold(str(k))]
    got = ours.get("keywords", [])
    c.eq("number of keywords", len(got), len(theirs))
    for i, (o, (k, owner)) in enumerate(zip(got, theirs)):
        c.text(f"keywords[{i}].text", o.get("text"), k)
        c.eq(f"keywords[{i}].owner", o.get("owner", ""), owner)
        c.eq(f"keywords[{i}].major", o.get("major", False), attr(k, "MajorTopicYN") == "Y")


def compare_publication_types(c, ours, pts):
    c.eq("publication_types", [(p.get("ui", ""), p["name"]) for p in ours.get("publication_types", [])],
         [(attr(p, "UI"), fold(str(p))) for p in pts])
    return any(attr(p, "UI") == "D016441" or fold(str(p)) == "Retracted Publication" for p in pts)


def compare_article(c, r, a):
    mc = a["MedlineCitation"]
    art = mc["Article"]
    c.eq("kind", r.get("kind"), "article")
    c.eq("status", r.get("status", ""), attr(mc, "Status"))
    version = attr(mc["PMID"], "Version", "1")
    c.eq("ids.pmid_version", r["ids"].get("pmid_version", ""), "" if version == "1" else version)
    c.text("title", r.get("title"), art.get("ArticleTitle", ""))
    c.text("vernacular_title", r.get("vernacular_title"), art.get("VernacularTitle", ""))
    compare_abstract(c, r, art.get("Abstract"))
    compare_authors(c, r.get("authors", []), [art["AuthorList"]] if "AuthorList" in art else [])
    j = art["Journal"]
    rj = r.get("journal", {})
    c.text("journal.title", rj.get("title"), j.get("Title", ""))
    c.text("journal.iso_abbrev", rj.get("iso_abbrev"), j.get("ISOAbbreviation", ""))
    issn = j.get("ISSN")
    c.eq("journal.issn_print", rj.get("issn_print", ""),
         fold(str(issn)) if issn is not None and attr(issn, "IssnType") != "Electronic" else "")
    c.eq("journal.issn_electronic", rj.get("issn_electronic", ""),
         fold(str(issn)) if issn is not None and attr(issn, "IssnType") == "Electronic" else "")
    info = mc.get("MedlineJournalInfo", {})
    c.text("journal.medline_ta", rj.get("medline_ta"), info.get("MedlineTA", ""))
    c.text("journal.nlm_id", rj.get("nlm_id"), info.get("NlmUniqueID", ""))
    c.text("journal.issn_linking", rj.get("issn_linking"), info.get("ISSNLinking", ""))
    c.text("journal.country", rj.get("country"), info.get("Country", ""))
    issue = j["JournalIssue"]
    c.text("volume", r.get("volume"), issue.get("Volume", ""))
    c.text("issue", r.get("issue"), issue.get("Issue", ""))
    pg = art.get("Pagination", {})
    pages = fold(str(pg.get("MedlinePgn", "")))
    if not pages and pg.get("StartPage"):
        pages = fold(str(pg["StartPage"])) + ("-" + fold(str(pg["EndPage"])) if pg.get("EndPage") else "")
    c.eq("pages", r.get("pages", ""), pages)
    compare_date(c, r.get("pub_date", {}), issue.get("PubDate"))
    data = a.get("PubmedData", {})
    compare_ids(c, r, [data.get("ArticleIdList", [])], art.get("ELocationID", []))
    c.eq("languages", r.get("languages", []), [fold(str(x)) for x in art.get("Language", [])])
    retracted = compare_publication_types(c, r, art.get("PublicationTypeList", []))
    mesh = []
    for h in mc.get("MeshHeadingList", []):
        d = h["DescriptorName"]
        m = {"ui": attr(d, "UI"), "descriptor": fold(str(d))}
        if attr(d, "MajorTopicYN") == "Y":
            m["major"] = True
        if attr(d, "Type"):
            m["type"] = attr(d, "Type")
        quals = []
        for q in h.get("QualifierName", []):
            qo = {"ui": attr(q, "UI"), "name": fold(str(q))}
            if attr(q, "MajorTopicYN") == "Y":
                qo["major"] = True
            quals.append(qo)
        if quals:
            m["qualifiers"] = quals
        mesh.append(m)
    got = r.get("mesh", [])
    c.eq("number of MeSH headings", len(got), len(mesh))
    for i, (o, t) in enumerate(zip(got, mesh)):
        c.eq(f"mesh[{i}]", o, t)
    compare_keywords(c, r, mc.get("KeywordList", []))
    banks = []
    for bank in art.get("DataBankList", []):
        for acc in bank.get("AccessionNumberList", []):
            banks.append({"registry": fold(str(bank["DataBankName"])), "id": fold(str(acc)),
                          "origin": "databank"})
    c.eq("registry_ids (databank)", [g for g in r.get("registry_ids", []) if g["origin"] == "databank"], banks)
    links = []
    for cc in mc.get("CommentsCorrectionsList", []):
        if attr(cc, "RefType") == "Cites":
            continue
        link = {"type": attr(cc, "RefType")}
        if fold(str(cc.get("RefSource", ""))):
            link["ref_source"] = fold(str(cc["RefSource"]))
        if fold(str(cc.get("PMID", ""))):
            link["pmid"] = fold(str(cc["PMID"]))
        links.append(link)
        retracted = retracted or link["type"] == "RetractionIn"
    c.eq("links", r.get("links", []), links)
    retracted = retracted or any(attr(d, "PubStatus") == "retracted" for d in data.get("History", []))
    c.eq("retracted", r.get("retracted", False), retracted)


def compare_book(c, r, b):
    bd = b["BookDocument"]
    book = bd["Book"]
    c.eq("kind", r.get("kind"), "book-chapter")
    c.text("title", r.get("title"), bd.get("ArticleTitle") or book.get("BookTitle", ""))
    c.text("book_title", r.get("book_title"), book.get("BookTitle", ""))
    c.text("publisher", r.get("publisher"), book.get("Publisher", {}).get("PublisherName", ""))
    compare_abstract(c, r, bd.get("Abstract"))
    compare_authors(c, r.get("authors", []), bd.get("AuthorList", []))
    compare_date(c, r.get("pub_date", {}), book.get("PubDate"))
    data = b.get("PubmedBookData", {})
    compare_ids(c, r, [bd.get("ArticleIdList", []), data.get("ArticleIdList", [])],
                list(bd.get("ELocationID", [])) + list(book.get("ELocationID", [])))
    c.eq("languages", r.get("languages", []), [fold(str(x)) for x in bd.get("Language", [])])
    retracted = compare_publication_types(c, r, bd.get("PublicationType", []))
    compare_keywords(c, r, bd.get("KeywordList", []))
    retracted = retracted or any(attr(d, "PubStatus") == "retracted" for d in data.get("History", []))
    c.eq("retracted", r.get("retracted", False), retracted)


def main():
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    dump, fixtures = sys.argv[1], sys.argv[2]
    # Offline: the DTDs the fixtures name are in the fixtures folder (2025) or
    # ship with Biopython (older ones).
    Bio.Entrez.Parser.DataHandler.local_dtd_dir = fixtures
    files = sorted(glob.glob(os.path.join(fixtures, "efetch_*.xml")))
    if not files:
        print(f"no efetch_*.xml fixtures in {fixtures}")
        return 1
    passed = failed = 0
    for path in files:
        name = os.path.basename(path)
        problems = []
        notes = set()
        try:
            with open(path, "rb") as h:
                bio = Entrez.read(h)
            out = subprocess.run([dump, path], check=True, capture_output=True, text=True).stdout
            ours = {}
            for line in out.splitlines():
                rec = json.loads(line)
                ours[rec["ids"]["pmid"]] = rec
            theirs = [(str(a["MedlineCitation"]["PMID"]), a, compare_article)
                      for a in bio.get("PubmedArticle", [])]
            theirs += [(str(b["BookDocument"]["PMID"]), b, compare_book)
                       for b in bio.get("PubmedBookArticle", [])]
            if sorted(ours) != sorted(p for p, _, _ in theirs):
                problems.append(f"PMIDs: litrev {sorted(ours)} != biopython {sorted(p for p, _, _ in theirs)}")
            for pmid, item, compare in theirs:
                if pmid not in ours:
                    continue
                c = Check(pmid)
                compare(c, ours[pmid], item)
                problems += c.mismatches
                notes |= c.notes
        except (subprocess.CalledProcessError, OSError, ValueError, KeyError, RuntimeError) as e:
            detail = getattr(e, "stderr", "") or ""
            problems.append(f"error: {e} {detail}".strip())
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"    {p}")
        else:
            passed += 1
            extra = f" (documented differences: {'; '.join(sorted(notes))})" if notes else ""
            print(f"ok   {name}: {len(ours)} record(s) agree{extra}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
