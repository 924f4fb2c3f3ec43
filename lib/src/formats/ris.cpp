// The RIS reader: reads RIS files of every common producer (RefMan/RIS 2011
// spec, Ovid, EBSCO, Scopus, Web of Science RIS, EndNote, Zotero, Lens,
// Dimensions, JSTOR, IEEE, ProQuest, JabRef, PubMed Central) one record at a
// time through TextInput (gzip, BOMs, UTF-16, cp1252 fallback, any line end).
//
// Lines. A tag line is two characters [A-Z][A-Z0-9], one to three spaces
// and '-', then the value ("TY  - JOUR"; also "KW - x", "TI  -x" and an
// empty "SP  -"); "PMID - 123" (PsycINFO) is taken as the PMID tag. A line
// that is exactly "ER" also ends a record. Any other line inside a record
// continues the previous field; such a line starting with "ER" ("ER then
// ...") is text, not the end. For list tags (AU, A1-A4, ED, KW, UR, L1-L4,
// SN) each continuation line is a new value (EndNote writes one keyword per
// untagged line); for the others it is joined to the value with a space.
// After a blank line inside a record, only the free-text fields (AB, N1, N2)
// continue; other untagged text there is ignored ("% Comment").
//
// Records. A record starts at TY, or at the first tag line outside a record
// when the TY is missing (JabRef's corrupted file), and ends at ER. A TY in a
// record that already has a TY ends it (a missing ER) and starts the next;
// a TY that is not the first tag of a record stays in it. Lines outside
// records are ignored and counted in notes(): Ovid counters ("3001. "),
// "Link to the Ovid Full Text ..." after ER, vendor preambles ("Provider:",
// "Record #1 of 2"). The Ovid NL tag that comes after ER is given to the
// record it follows. An empty file gives no records; a file whose start has
// no RIS tag lines is refused when the reader is made.
//
// Fields (the producer table of formats_dedup.md §4):
//   kind        TY: CHAP/ECHAP/BOOK/EBOOK/EDBOOK/CONF/CPAPER (and long forms
//               naming a book, chapter or conference) -> "book-chapter",
//               everything else "article".
//   title       T1, else TI (T1 is the original spec's primary title; no
//               producer writes both), else CT; else BT for whole books;
//               else ST (short title) when nothing better exists.
//   book_title  T2 for chapters and conference papers (IEEE, JabRef), else BT.
//   journal     title: JF, else T2 (not for EBSCO, where T2 is an alternate
//               title, nor for book types), else JO, JA, J1, J2. Abbreviation
//               (iso_abbrev): JI, JA, J2, J1, else JO when it differs from
//               the title (publisher RIS writes JF full and JO abbreviated).
//               NL (Ovid) -> medline_ta. SN -> ISSNs with their "(Print)",
//               "(Electronic)" qualifiers; unqualified ones fill issn_print
//               then issn_electronic in file order (the file does not say
//               which is which, so an SN holding two of them is also kept
//               raw); ISBNs stay extra.
//   abstract    AB, else N2; "NA" placeholders dropped; EBSCO's "Copyright
//               of ... is the property of ..." AB goes to copyright. Lens
//               HTML/JATS markup is flattened, AbstractText labels kept.
//   authors     AU and A1 in file order ("Surname, Given", "Surname,G.",
//               "G. Surname", ";"-separated lists, EndNote's "Golde T. E.,
//               DeKosky S. T." packing; names.hpp); a name ending in a
//               comma ("Name,") is a group author (EndNote's mark). A2-A4
//               and ED stay extra.
//   date        the first of PY, Y1, DA that has a year; month and day from
//               it or from another of them with the same (or no) year (WoS
//               RIS writes "DA  - AUG"). Y2 (access date) is never used.
//   pages       SP-EP; SP alone when it already holds a range ("1-22"); else
//               C7 (article number).
//   ids         DOI from DO (bare, doi:, URL, %-escaped), else the first DOI
//               in UR, L3, L2, L1, L4, M3, N1. PMID from PMID, "123[pmid]"
//               values, AN when DB is PubMed/MEDLINE, PubMed URLs and Ovid
//               MEDLINE links (D=med...&AN=). PMCID from AN "PMC...",
//               "[pmcid]" values and PMC URLs; PII from "[pii]" values.
//               Other: AN "WOS:..."/"ISI:..." (wos, stored "WOS:..."),
//               Scopus eid in UR (scopus),
//               Dimensions "pub.123" (dimensions), Lens: ID when UR is its
//               lens.org page (lens); AN "id[type]" (litrev's export, after
//               PubMed Central's "123[pmid]"): type nct -> the NCT id, any
//               other type an other id.
//   keywords    KW, a leading '*' (Ovid/PsycINFO major heading) -> major.
//   pub. types  M3 (the RIS "type of work"), except Ovid's classification
//               codes ("Psychopharmacology [2580]") and notes that repeat
//               the DOI, which stay extra.
//   other       VL (VO), IS (CP), LA (names -> ISO 639-2), PB (PU); database
//               from DB (EBSCO codes such as "psyh" named), else "Web of
//               Science" for AN "WOS:", else the database of Ovid links
//               (D=psyc...), else DP.
// Every field not used is kept in extra_fields, raw, in file order.
#include "formats/readers.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/names.hpp"
#include "formats/ref_fields.hpp"
#include "formats/tagged.hpp"
#include "formats/text_input.hpp"
#include "util/normalize.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

constexpr std::size_t k_sniff_bytes = 64 * 1024;
constexpr std::size_t k_max_record_bytes = std::size_t{64} << 20;
constexpr std::size_t k_max_fields = 100000;

struct RisTag {
  std::string_view tag;
  std::string_view value;
};

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Recognises a tag line (see the file comment). `value` is trimmed.
bool parse_ris_tag(std::string_view line, RisTag& out) {
  if (line.size() < 2 || !is_upper(line[0]) || !(is_upper(line[1]) || is_digit(line[1]))) {
    return false;
  }
  std::size_t tag_len = 2;
  if (line.substr(0, 4) == "PMID") {
    tag_len = 4;
  }
  if (tag_len == 2 && line.substr(0, 2) == "ER" && is_blank(line.substr(2))) {
    out = {line.substr(0, 2), {}};
    return true;
  }
  std::size_t i = tag_len;
  std::size_t spaces = 0;
  while (i < line.size() && line[i] == ' ' && spaces < 4) {
    ++i;
    ++spaces;
  }
  const std::size_t max_spaces = tag_len == 2 ? 3 : 2;
  if (spaces < 1 || spaces > max_spaces || i >= line.size() || line[i] != '-') {
    return false;
  }
  const std::string_view rest = line.substr(i + 1);
  if (!rest.empty() && rest[0] != ' ' && rest[0] != '\t' && !(tag_len == 2 && spaces == 2)) {
    return false;
  }
  out = {line.substr(0, tag_len), trim_space(rest)};
  return true;
}

// True for a standard "XX  - " line (exactly two spaces), the form sniffing
// counts.
bool is_standard_tag_line(std::string_view line) {
  return line.size() >= 5 && is_upper(line[0]) && (is_upper(line[1]) || is_digit(line[1])) &&
         line.substr(2, 3) == "  -";
}

bool is_list_tag(std::string_view tag) {
  static constexpr std::string_view k_list[] = {"AU", "A1", "A2", "A3", "A4", "ED", "KW",
                                                "UR", "L1", "L2", "L3", "L4", "SN"};
  return std::find(std::begin(k_list), std::end(k_list), tag) != std::end(k_list);
}

// Fields whose text may hold blank lines (paragraphs).
bool is_paragraph_tag(std::string_view tag) { return tag == "AB" || tag == "N1" || tag == "N2"; }

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

bool is_book_type(std::string_view type) {
  static constexpr std::string_view k_book[] = {"CHAP", "ECHAP", "BOOK", "EBOOK", "EDBOOK", "CONF", "CPAPER"};
  if (std::find(std::begin(k_book), std::end(k_book), type) != std::end(k_book)) {
    return true;
  }
  return type.size() > 6 && (icontains(type, "book") || icontains(type, "chapter") || icontains(type, "conference"));
}

// A whole book rather than a part of one.
bool is_whole_book(std::string_view type) {
  return type == "BOOK" || type == "EBOOK" || type == "EDBOOK" || iequals(type, "Book");
}

// EBSCO DB codes with the database's name.
std::string ebsco_database(std::string_view code) {
  static constexpr std::pair<std::string_view, std::string_view> k_codes[] = {
      {"psyh", "APA PsycInfo"},
      {"pdh", "APA PsycArticles"},
      {"ecn", "EconLit"},
      {"aph", "Academic Search Premier"},
      {"a9h", "Academic Search Complete"},
      {"cmedm", "MEDLINE"},
      {"mdc", "MEDLINE Complete"},
      {"eric", "ERIC"},
      {"bth", "Business Source Premier"},
      {"buh", "Business Source Complete"},
      {"rzh", "CINAHL Plus with Full Text"},
      {"ccm", "CINAHL Complete"},
      {"cin20", "CINAHL"}};
  for (const auto& [c, name] : k_codes) {
    if (iequals(code, c)) {
      return std::string(name);
    }
  }
  return std::string(code);
}

// The Ovid database named by the D= parameter of an Ovid link, or "".
std::string ovid_database(std::string_view url) {
  if (url.find("ovid") == std::string_view::npos) {
    return {};
  }
  const std::size_t at = url.find("D=");
  if (at == std::string_view::npos) {
    return {};
  }
  const std::string_view code = url.substr(at + 2, 4);
  static constexpr std::pair<std::string_view, std::string_view> k_ovid[] = {
      {"psyc", "APA PsycInfo"}, {"emed", "Embase"},   {"emez", "Embase"},        {"oeme", "Embase"},
      {"medl", "Ovid MEDLINE(R)"}, {"medp", "Ovid MEDLINE(R)"}, {"mesz", "Ovid MEDLINE(R)"},
      {"prem", "Ovid MEDLINE(R)"}, {"caba", "CAB Abstracts"}, {"cagh", "Global Health"},
      {"coch", "Cochrane Database of Systematic Reviews"}, {"cctr", "Cochrane Central Register of Controlled Trials"}};
  for (const auto& [prefix, name] : k_ovid) {
    if (code.substr(0, prefix.size()) == prefix) {
      return std::string(name);
    }
  }
  return {};
}

// "123[pmid]", "PMC456 [pmcid]", "x [PII]": the id when `v` is `id[kind]`.
std::string bracketed_id(std::string_view v, std::string_view kind) {
  v = trim_space(v);
  const std::string suffix = "[" + std::string(kind) + "]";
  if (v.size() <= suffix.size() || !iequals(v.substr(v.size() - suffix.size()), suffix)) {
    return {};
  }
  const std::string_view id = trim_space(v.substr(0, v.size() - suffix.size()));
  if (id.empty() || id.find(' ') != std::string_view::npos) {
    return {};
  }
  return std::string(id);
}

// The digits after `key` in `s` ("pubmed.ncbi.nlm.nih.gov/" -> "26957754").
std::string digits_after(std::string_view s, std::string_view key) {
  const std::size_t at = s.find(key);
  if (at == std::string_view::npos) {
    return {};
  }
  std::size_t i = at + key.size();
  std::size_t j = i;
  while (j < s.size() && is_digit(s[j])) {
    ++j;
  }
  return j > i && j - i <= 10 ? std::string(s.substr(i, j - i)) : std::string();
}

// The PMCID in a PMC article URL.
std::string pmcid_in_url(std::string_view s) {
  const std::size_t at = s.find("/pmc/articles/PMC");
  if (at == std::string_view::npos) {
    return {};
  }
  const std::string digits = digits_after(s.substr(at), "/pmc/articles/PMC");
  return digits.empty() ? std::string() : "PMC" + digits;
}

// The PMID in a PubMed URL or an Ovid MEDLINE link, or "".
std::string pmid_in_url(std::string_view s) {
  for (std::string_view key : {"pubmed.ncbi.nlm.nih.gov/", "ncbi.nlm.nih.gov/pubmed/"}) {
    if (std::string d = digits_after(s, key); !d.empty()) {
      return d;
    }
  }
  if (s.find("ovid") != std::string_view::npos) {
    for (std::string_view db : {"D=med", "D=prem", "D=mesx", "D=mesz"}) {
      if (s.find(db) != std::string_view::npos) {
        return digits_after(s, "AN=");
      }
    }
  }
  return {};
}

// The Scopus EID in a Scopus record URL ("eid=2-s2.0-85214459603").
std::string scopus_eid(std::string_view s) {
  const std::size_t at = s.find("eid=2-s2.0-");
  if (at == std::string_view::npos) {
    return {};
  }
  std::size_t j = at + 11;
  while (j < s.size() && is_digit(s[j])) {
    ++j;
  }
  return j > at + 11 ? std::string(s.substr(at + 4, j - at - 4)) : std::string();
}

// Builds the Record of one RIS record from its fields (see the file comment
// for the mapping).
class RisRecordBuilder {
public:
  RisRecordBuilder(std::vector<TaggedField>& fields, const TagIndex& index, const ReaderOptions& options)
    : m_f(fields), m_ix(index), m_options(options) {}

  void build(Record& r) {
    r.source = "ris";
    read_type(r);
    read_producer();
    read_title(r);
    read_journal(r);
    read_authors(r);
    read_abstract(r);
    read_date(r);
    read_numbers(r);
    read_ids(r);
    read_subjects(r);
    read_database(r);
    add_unused_fields(r, m_f);
  }

private:
  TaggedField* first(std::string_view tag) {
    for (auto i : m_ix.of(tag)) {
      if (!m_f[i].value.empty()) {
        return &m_f[i];
      }
    }
    return nullptr;
  }

  // Marks every field of `tag` whose cleaned value equals `value` as used.
  void use_equal(std::string_view tag, const std::string& value) {
    for (auto i : m_ix.of(tag)) {
      if (!m_f[i].used && clean_text(m_f[i].value) == value) {
        m_f[i].used = true;
      }
    }
  }

  void source(Record& r, const char* field, const std::string& tag) { r.field_sources.push_back({field, tag}); }

  void read_type(Record& r) {
    if (TaggedField* ty = first("TY")) {
      m_type = upper_ascii(ty->value);
      ty->used = true;
      use_equal("TY", ty->value);
      source(r, "kind", "TY");
    }
    m_book = is_book_type(m_type);
    r.kind = m_book ? "book-chapter" : "article";
  }

  void read_producer() {
    const TaggedField* dp = first("DP");
    m_ebsco = dp && icontains(dp->value, "ebsco");
    const TaggedField* db = first("DB");
    m_pubmed_db = db && (icontains(db->value, "pubmed") || icontains(db->value, "medline") ||
                         iequals(trim_space(db->value), "NLM"));
  }

  void read_title(Record& r) {
    for (const char* tag : {"T1", "TI", "CT"}) {
      if (TaggedField* t = first(tag)) {
        r.title = clean_text(t->value);
        if (!r.title.empty()) {
          t->used = true;
          source(r, "title", tag);
          break;
        }
      }
    }
    TaggedField* bt = first("BT");
    if (r.title.empty() && bt && is_whole_book(m_type)) {
      r.title = clean_text(bt->value);
      bt->used = true;
      source(r, "title", "BT");
    }
    if (r.title.empty()) {
      if (TaggedField* st = first("ST")) {
        r.title = clean_text(st->value);
        st->used = true;
        source(r, "title", "ST");
      }
    }
    if (m_book) {
      TaggedField* t2 = first("T2");
      TaggedField* bk = t2 ? t2 : (bt && !bt->used ? bt : nullptr);
      if (bk) {
        r.book_title = clean_text(bk->value);
        bk->used = true;
        source(r, "book_title", bk->tag);
      }
    }
  }

  void read_journal(Record& r) {
    std::vector<const char*> title_tags = {"JF"};
    if (!m_book && !m_ebsco) {
      title_tags.push_back("T2");
    }
    for (const char* tag : {"JO", "JA", "J1", "J2"}) {
      title_tags.push_back(tag);
    }
    const TaggedField* title_field = nullptr;
    for (const char* tag : title_tags) {
      if (TaggedField* t = first(tag)) {
        r.journal.title = clean_text(t->value);
        if (!r.journal.title.empty()) {
          t->used = true;
          title_field = t;
          source(r, "journal.title", tag);
          break;
        }
      }
    }
    for (const char* tag : {"JI", "JA", "J2", "J1"}) {
      TaggedField* t = first(tag);
      if (t && t != title_field) {
        r.journal.iso_abbrev = clean_text(t->value);
        t->used = true;
        source(r, "journal.iso_abbrev", tag);
        break;
      }
    }
    if (r.journal.iso_abbrev.empty()) {
      TaggedField* jo = first("JO");
      if (jo && !jo->used && clean_text(jo->value) != r.journal.title) {
        r.journal.iso_abbrev = clean_text(jo->value);
        jo->used = true;
        source(r, "journal.iso_abbrev", "JO");
      }
    }
    for (const char* tag : {"JF", "JO", "JA", "J1", "J2", "JI", "T2"}) {
      if (std::string_view(tag) == "T2" && (m_book || m_ebsco)) {
        continue;
      }
      if (!r.journal.title.empty()) {
        use_equal(tag, r.journal.title);
      }
      if (!r.journal.iso_abbrev.empty()) {
        use_equal(tag, r.journal.iso_abbrev);
      }
    }
    if (TaggedField* nl = first("NL")) {
      r.journal.medline_ta = clean_text(nl->value);
      nl->used = true;
      source(r, "journal.medline_ta", "NL");
    }
    bool issn = false;
    for (auto i : m_ix.of("SN")) {
      const std::vector<IssnValue> issns = find_issns(m_f[i].value);
      if (assign_issns(r.journal, issns)) {
        // Two unqualified ISSNs (Zotero "1573-3602 1050-5350") fill
        // issn_print and issn_electronic in order, which the file did not
        // say: the raw value stays in extra_fields as well.
        const auto unqualified = std::count_if(issns.begin(), issns.end(),
                                               [](const IssnValue& v) { return v.kind.empty(); });
        m_f[i].used = unqualified <= 1;
        issn = true;
      }
    }
    if (issn) {
      source(r, "journal.issn", "SN");
    }
  }

  void read_authors(Record& r) {
    std::string first_tag;
    for (auto& f : m_f) {
      if (f.tag != "AU" && f.tag != "A1") {
        continue;
      }
      const std::string value = decode_entities(f.value);
      for (const auto& part : split_author_list(value)) {
        // "Name,": EndNote's (and litrev's export's) mark of a group
        // author, whatever its words look like.
        const std::string_view t = trim_space(part);
        const bool group = t.size() > 1 && t.back() == ',';
        Author a = group ? collective_author(t.substr(0, t.size() - 1)) : parse_author_name(part);
        if (!author_is_empty(a)) {
          r.authors.push_back(std::move(a));
        }
      }
      f.used = true;
      if (first_tag.empty()) {
        first_tag = f.tag;
      }
    }
    if (!first_tag.empty()) {
      source(r, "authors", first_tag);
    }
  }

  static bool is_placeholder(std::string_view v) {
    v = trim_space(v);
    return v == "NA" || v == "N/A" || v == "[No abstract available]" || v == "No abstract available";
  }

  static bool is_copyright_notice(std::string_view v) {
    return istarts_with(trim_space(v), "Copyright of ") && icontains(v, "is the property of");
  }

  void read_abstract(Record& r) {
    for (const char* tag : {"AB", "N2"}) {
      for (auto i : m_ix.of(tag)) {
        TaggedField& f = m_f[i];
        if (f.value.empty()) {
          continue;
        }
        if (is_placeholder(f.value)) {
          f.used = true;
          continue;
        }
        if (is_copyright_notice(f.value)) {
          if (r.copyright.empty()) {
            r.copyright = clean_text(f.value);
            f.used = true;
            source(r, "copyright", tag);
          }
          continue;
        }
        if (r.abstract.empty()) {
          r.abstract = abstract_sections(f.value);
          if (!r.abstract.empty()) {
            f.used = true;
            m_abstract_raw = f.value;
            source(r, "abstract", tag);
          }
        } else if (f.value == m_abstract_raw) {
          f.used = true;
        }
      }
    }
  }

  void read_date(Record& r) {
    struct Candidate {
      PubDate date;
      TaggedField* field;
    };
    std::vector<Candidate> candidates;
    for (const char* tag : {"PY", "Y1", "DA"}) {
      for (auto i : m_ix.of(tag)) {
        if (!m_f[i].value.empty()) {
          candidates.push_back({parse_date(m_f[i].value), &m_f[i]});
        }
      }
    }
    const Candidate* base = nullptr;
    for (const auto& c : candidates) {
      if (c.date.year) {
        base = &c;
        break;
      }
    }
    if (!base) {
      return;
    }
    r.pub_date = base->date;
    base->field->used = true;
    source(r, "pub_date", base->field->tag);
    if (r.pub_date.month == 0 && r.pub_date.season.empty()) {
      for (const auto& c : candidates) {
        if (&c != base && (c.date.year == 0 || c.date.year == r.pub_date.year) &&
            (c.date.month || !c.date.season.empty())) {
          r.pub_date.month = c.date.month;
          r.pub_date.day = c.date.day;
          r.pub_date.season = c.date.season;
          c.field->used = true;
          source(r, "pub_date.month", c.field->tag);
          break;
        }
      }
    }
    // Other date fields that say nothing more.
    for (const auto& c : candidates) {
      if (!c.field->used && c.date.year == r.pub_date.year && c.date.month == r.pub_date.month &&
          c.date.day == r.pub_date.day && c.date.text.empty() && trim_space(c.field->value).size() <= 11) {
        c.field->used = true;
      }
    }
  }

  void read_numbers(Record& r) {
    for (const char* tag : {"VL", "VO"}) {
      if (TaggedField* f = first(tag)) {
        r.volume = folded_xml_space(f->value);
        f->used = true;
        use_equal("VO", r.volume);
        source(r, "volume", tag);
        break;
      }
    }
    for (const char* tag : {"IS", "CP"}) {
      if (TaggedField* f = first(tag)) {
        r.issue = folded_xml_space(f->value);
        f->used = true;
        source(r, "issue", tag);
        break;
      }
    }
    TaggedField* sp = first("SP");
    TaggedField* ep = first("EP");
    if (sp) {
      const std::string start = normalize_pages(sp->value);
      std::string end = ep ? normalize_pages(ep->value) : std::string();
      if (start.find('-') != std::string::npos || end.empty() || end == start) {
        r.pages = start;
        if (end == start && ep) {
          ep->used = true;
        }
      } else {
        r.pages = start + "-" + end;
        ep->used = true;
      }
      sp->used = true;
      source(r, "pages", "SP");
    } else if (ep) {
      r.pages = normalize_pages(ep->value);
      ep->used = true;
      source(r, "pages", "EP");
    } else if (TaggedField* c7 = first("C7")) {
      r.pages = normalize_pages(c7->value);
      c7->used = true;
      source(r, "pages", "C7");
    }
    for (const char* tag : {"PB", "PU"}) {
      if (TaggedField* pb = first(tag)) {
        r.publisher = clean_text(pb->value);
        pb->used = true;
        use_equal(tag, r.publisher);
        source(r, "publisher", tag);
        break;
      }
    }
  }

  void read_ids(Record& r) {
    // DOI: DO first, then a DOI found in links and notes.
    for (auto i : m_ix.of("DO")) {
      const std::string doi = field_doi(m_f[i].value);
      if (doi.empty()) {
        continue;
      }
      if (r.ids.doi.empty()) {
        r.ids.doi = doi;
        source(r, "ids.doi", "DO");
      }
      if (doi == r.ids.doi) {
        m_f[i].used = true;
      }
    }
    if (r.ids.doi.empty()) {
      for (const char* tag : {"UR", "L3", "L2", "L1", "L4", "M3", "N1"}) {
        for (auto i : m_ix.of(tag)) {
          if (std::string doi = find_doi(m_f[i].value); !doi.empty()) {
            r.ids.doi = std::move(doi);
            source(r, "ids.doi", tag);
            break;
          }
        }
        if (!r.ids.doi.empty()) {
          break;
        }
      }
    }
    if (!r.ids.doi.empty()) {
      // Notes that only repeat the DOI ("M3  - doi: 10.1063/...").
      for (const char* tag : {"M3", "N1", "L3"}) {
        for (auto i : m_ix.of(tag)) {
          const std::string_view v = trim_space(m_f[i].value);
          if ((istarts_with(v, "doi") || istarts_with(v, "10.")) && field_doi(v) == r.ids.doi &&
              v.find(' ', istarts_with(v, "doi") ? 5 : 0) == std::string_view::npos) {
            m_f[i].used = true;
          }
        }
      }
    }
    if (TaggedField* pmid = first("PMID")) {
      const std::string_view v = trim_space(pmid->value);
      if (all_digits(v) && v.size() <= 10) {
        r.ids.pmid = std::string(v);
        pmid->used = true;
        source(r, "ids.pmid", "PMID");
      }
    }
    // "123[pmid]", "PMC1[pmcid]", "x[PII]" values (PubMed Central RIS).
    for (auto& f : m_f) {
      if (f.value.empty() || f.value.back() != ']') {
        continue;
      }
      if (std::string id = bracketed_id(f.value, "pmid"); !id.empty() && all_digits(id)) {
        if (r.ids.pmid.empty()) {
          r.ids.pmid = id;
          source(r, "ids.pmid", f.tag);
        }
        f.used = f.used || id == r.ids.pmid;
      } else if (std::string pmc = bracketed_id(f.value, "pmcid"); !pmc.empty()) {
        if (r.ids.pmcid.empty()) {
          r.ids.pmcid = pmc;
          source(r, "ids.pmcid", f.tag);
        }
        f.used = f.used || pmc == r.ids.pmcid;
      } else if (std::string pii = bracketed_id(f.value, "pii"); !pii.empty()) {
        if (r.ids.pii.empty()) {
          r.ids.pii = pii;
          source(r, "ids.pii", f.tag);
        }
        f.used = f.used || pii == r.ids.pii;
      }
    }
    for (auto i : m_ix.of("AN")) {
      TaggedField& an = m_f[i];
      const std::string v(trim_space(an.value));
      if (!v.empty() && v.back() == ']' && ref_fields::add_listed_ids(v, r, "AN")) {
        an.used = true; // "L123[embase]", "WOS:000123[wos]": litrev's export
      } else if (istarts_with(v, "WOS:") || istarts_with(v, "ISI:")) {
        r.ids.other.push_back({"wos", normalize_wos_id(v)});
        an.used = true;
        m_wos = true;
      } else if (istarts_with(v, "PMC") && all_digits(std::string_view(v).substr(3))) {
        if (r.ids.pmcid.empty()) {
          r.ids.pmcid = "PMC" + v.substr(3);
          source(r, "ids.pmcid", "AN");
        }
        an.used = true;
      } else if (all_digits(v) && v.size() <= 10 && m_pubmed_db) {
        if (r.ids.pmid.empty()) {
          r.ids.pmid = v;
          source(r, "ids.pmid", "AN");
        }
        an.used = v == r.ids.pmid;
      } else if (v.size() > 4 && v.substr(0, 4) == "pub." && all_digits(std::string_view(v).substr(4))) {
        r.ids.other.push_back({"dimensions", v});
        an.used = true;
      }
    }
    // Lens: "ID  - 001-257-578-706-377" with "UR  - https://lens.org/001-...".
    for (auto i : m_ix.of("ID")) {
      const std::string id(trim_space(m_f[i].value));
      if (id.empty()) {
        continue;
      }
      for (auto u : m_ix.of("UR")) {
        const std::string& url = m_f[u].value;
        const std::size_t at = url.find("lens.org/");
        if (at != std::string::npos && url.compare(at + 9, std::string::npos, id) == 0) {
          r.ids.other.push_back({"lens", id});
          m_f[i].used = true;
          source(r, "ids.other", "ID");
          break;
        }
      }
    }
    // Links: PubMed, PMC and Ovid MEDLINE URLs, Scopus record URLs.
    for (const char* tag : {"UR", "L2", "L1", "L3", "L4"}) {
      for (auto i : m_ix.of(tag)) {
        const std::string& v = m_f[i].value;
        if (r.ids.pmid.empty()) {
          if (std::string pmid = pmid_in_url(v); !pmid.empty()) {
            r.ids.pmid = std::move(pmid);
            source(r, "ids.pmid", tag);
          }
        }
        if (r.ids.pmcid.empty()) {
          if (std::string pmc = pmcid_in_url(v); !pmc.empty()) {
            r.ids.pmcid = std::move(pmc);
            source(r, "ids.pmcid", tag);
          }
        }
        if (std::string eid = scopus_eid(v); !eid.empty()) {
          const bool have = std::any_of(r.ids.other.begin(), r.ids.other.end(),
                                        [](const RecordIds::Other& o) { return o.type == "scopus"; });
          if (!have) {
            r.ids.other.push_back({"scopus", std::move(eid)});
            source(r, "ids.other", tag);
          }
        }
      }
    }
  }

  void read_subjects(Record& r) {
    bool any = false;
    for (auto i : m_ix.of("KW")) {
      TaggedField& f = m_f[i];
      std::string_view v = trim_space(f.value);
      Keyword k;
      if (!v.empty() && v[0] == '*') {
        k.major = true;
        v.remove_prefix(1);
      }
      k.text = clean_text(v);
      if (!k.text.empty()) {
        r.keywords.push_back(std::move(k));
        any = true;
      }
      f.used = true;
    }
    if (any) {
      source(r, "keywords", "KW");
    }
    for (auto i : m_ix.of("LA")) {
      for (const auto& part : split_list(m_f[i].value, true)) {
        std::string code = language_code(part);
        if (std::find(r.languages.begin(), r.languages.end(), code) == r.languages.end()) {
          r.languages.push_back(std::move(code));
        }
      }
      m_f[i].used = true;
    }
    if (!m_ix.of("LA").empty() && !r.languages.empty()) {
      source(r, "languages", "LA");
    }
    for (auto i : m_ix.of("M3")) {
      TaggedField& f = m_f[i];
      const std::string v = clean_text(f.value);
      const bool code_like = v.find('[') != std::string::npos || !field_doi(v).empty();
      if (v.empty() || f.used || code_like || v.size() > 60) {
        continue;
      }
      r.publication_types.push_back({"", v});
      f.used = true;
      if (r.publication_types.size() == 1) {
        source(r, "publication_types", "M3");
      }
    }
  }

  void read_database(Record& r) {
    if (!m_options.database.empty()) {
      r.database = m_options.database;
      return;
    }
    for (auto i : m_ix.of("DB")) {
      const std::string v = folded_xml_space(m_f[i].value);
      if (v.empty() || all_digits(v)) {
        continue;
      }
      r.database = m_ebsco ? ebsco_database(v) : v;
      m_f[i].used = true;
      source(r, "database", "DB");
      return;
    }
    if (m_wos) {
      r.database = "Web of Science";
      return;
    }
    // Ovid names its database in its links ("ovidweb.cgi?...&D=psyc3&...").
    for (const char* tag : {"L2", "UR"}) {
      for (auto i : m_ix.of(tag)) {
        if (std::string db = ovid_database(m_f[i].value); !db.empty()) {
          r.database = std::move(db);
          source(r, "database", tag);
          return;
        }
      }
    }
    if (TaggedField* dp = first("DP")) {
      r.database = folded_xml_space(dp->value);
      dp->used = true;
      source(r, "database", "DP");
    }
  }

  std::vector<TaggedField>& m_f;
  const TagIndex& m_ix;
  const ReaderOptions& m_options;
  std::string m_type;
  std::string m_abstract_raw;
  bool m_book = false;
  bool m_ebsco = false;
  bool m_pubmed_db = false;
  bool m_wos = false;
};

class RisReader final : public RecordReader {
public:
  RisReader(const std::string& path, const ReaderOptions& options)
    : m_in(path, options.display_name), m_options(options) {
    const std::string head = m_in.peek(k_sniff_bytes);
    if (!looks_like_ris(head) && !is_blank(sniff_text(head))) {
      throw DataError(m_in.display_name(), 0, why_not_ris(head));
    }
  }

  bool next(ReadItem& item) override {
    for (;;) {
      if (!m_pushed_back) {
        if (!m_in.next_line(m_line)) {
          if (m_state != State::outside) {
            m_state = State::outside;
            return emit(item);
          }
          return false;
        }
        if (m_line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
          m_line.erase(0, 3); // a BOM where two files were concatenated
        }
        m_line_number = m_in.line_number();
      }
      m_pushed_back = false;
      RisTag t;
      const bool tagged = parse_ris_tag(m_line, t);
      const bool blank = !tagged && is_blank(m_line);
      switch (m_state) {
      case State::outside:
        if (blank) {
          continue;
        }
        if (!tagged || t.tag == "ER") {
          ++m_ignored;
          continue;
        }
        start_record();
        add_field(t.tag, t.value);
        m_state = State::in_record;
        continue;
      case State::in_record:
        if (blank) {
          m_after_blank = true;
          continue;
        }
        if (tagged) {
          if (t.tag == "ER") {
            m_state = State::after_end;
            continue;
          }
          if (t.tag == "TY" && m_has_type) {
            m_pushed_back = true; // a missing ER: this TY starts the next record
            m_state = State::outside;
            return emit(item);
          }
          add_field(t.tag, t.value);
          m_after_blank = false;
          continue;
        }
        if (m_fields.empty() || (m_after_blank && !is_paragraph_tag(m_fields.back().tag))) {
          ++m_ignored;
          continue;
        }
        m_after_blank = false;
        add_continuation(trim_space(m_line));
        continue;
      case State::after_end:
        if (blank) {
          continue;
        }
        if (!tagged || t.tag == "ER") {
          ++m_ignored;
          continue;
        }
        if (t.tag == "NL") {
          add_field(t.tag, t.value); // Ovid writes NL after ER
          continue;
        }
        m_pushed_back = true;
        m_state = State::outside;
        return emit(item);
      }
    }
  }

  std::vector<std::string> notes() const override {
    return reader_notes(m_in.cp1252_lines(), m_ignored, "outside records or without a tag (record counters, vendor notes)");
  }


private:
  enum class State { outside, in_record, after_end };

  static std::string why_not_ris(std::string_view head) {
    const std::string text = sniff_text(head);
    std::string_view first;
    for_each_line(text, 1000, [&](std::string_view line) {
      if (is_blank(line)) {
        return true;
      }
      first = line;
      return false;
    });
    if (!first.empty() && first[0] == '%') {
      return "not a RIS file: it looks like an EndNote tagged (Refer, .enw) file, whose lines start with "
             "'%'; export the references from EndNote as RIS or EndNote XML instead";
    }
    if (looks_like_medline(head)) {
      return "not a RIS file: it looks like a MEDLINE/PubMed (.nbib) file";
    }
    if (looks_like_wos(head)) {
      return "not a RIS file: it looks like Web of Science plain text";
    }
    return "not a RIS file: no RIS tag lines (such as 'TY  - JOUR') at its start";
  }

  void start_record() {
    m_fields.clear();
    m_start_line = m_line_number;
    m_bytes = 0;
    m_oversize = false;
    m_has_type = false;
    m_after_blank = false;
  }

  void add_field(std::string_view tag, std::string_view value) {
    if (tag == "TY") {
      m_has_type = true;
    }
    m_bytes += tag.size() + value.size();
    if (m_oversize || m_bytes > k_max_record_bytes || m_fields.size() >= k_max_fields) {
      m_oversize = true;
      return;
    }
    m_fields.push_back({std::string(tag), std::string(value), m_line_number, false});
  }

  void add_continuation(std::string_view text) {
    TaggedField& last = m_fields.back();
    if (is_list_tag(last.tag)) {
      const std::string tag = last.tag;
      add_field(tag, text);
      return;
    }
    m_bytes += text.size() + 1;
    if (m_oversize || m_bytes > k_max_record_bytes) {
      m_oversize = true;
      return;
    }
    if (!last.value.empty()) {
      last.value += ' ';
    }
    last.value += text;
  }

  bool emit(ReadItem& item) {
    std::swap(m_fields, m_building);
    m_fields.clear();
    const std::uint64_t start = m_start_line;
    if (m_oversize) {
      m_oversize = false;
      throw RecordError(m_in.display_name(), start,
                        "record is too large (over 64 MiB or 100000 fields); it was skipped");
    }
    item.kind = ReadItem::Kind::record;
    item.pmids.clear();
    item.line = start;
    item.record = Record{};
    m_index.build(m_building);
    RisRecordBuilder(m_building, m_index, m_options).build(item.record);
    if (!has_title_or_id(item.record)) {
      throw RecordError(m_in.display_name(), start, "record has no title and no identifier");
    }
    finish_record(item.record);
    return true;
  }

  TextInput m_in;
  ReaderOptions m_options;
  std::string m_line;
  std::uint64_t m_line_number = 0;
  bool m_pushed_back = false;
  State m_state = State::outside;
  std::vector<TaggedField> m_fields;
  std::vector<TaggedField> m_building;
  TagIndex m_index;
  std::uint64_t m_start_line = 0;
  std::size_t m_bytes = 0;
  bool m_oversize = false;
  bool m_has_type = false;
  bool m_after_blank = false;
  std::uint64_t m_ignored = 0;
};

} // namespace

// RIS when, after at most 50 non-blank lines of preamble, the text has a
// "TY  - x" line plus another standard tag line, or an "ER  -" line plus two
// other standard tag lines (a record whose TY is missing). MEDLINE files
// (also "XX  - " lines) have neither TY nor ER; EndNote .enw files ("%0 ")
// have no tag lines at all.
bool looks_like_ris(std::string_view head) {
  const std::string text = sniff_text(head);
  std::size_t preamble = 0;
  bool seen_tag = false;
  bool type = false;
  bool end = false;
  std::size_t standard = 0;
  bool result = false;
  for_each_line(text, 5000, [&](std::string_view line) {
    if (line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      line.remove_prefix(3);
    }
    if (is_blank(line)) {
      return true;
    }
    RisTag t;
    if (!parse_ris_tag(line, t)) {
      if (!seen_tag && ++preamble > 50) {
        return false;
      }
      return true;
    }
    seen_tag = true;
    if (is_standard_tag_line(line) || t.tag == "ER") {
      ++standard;
    }
    if (t.tag == "TY" && !t.value.empty()) {
      type = true;
    }
    if (t.tag == "ER") {
      end = true;
    }
    if ((type && standard >= 2) || (end && standard >= 3)) {
      result = true;
      return false;
    }
    return true;
  });
  return result;
}

std::unique_ptr<RecordReader> make_ris_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<RisReader>(path, options);
}

} // namespace litrev
