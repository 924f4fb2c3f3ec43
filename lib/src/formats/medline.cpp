// The MEDLINE reader: PubMed's MEDLINE text format (.nbib, .txt from "Send
// to > File > PubMed" or EFetch rettype=medline) and the nbib-like files
// ERIC exports, one record at a time through TextInput.
//
// Lines. A tag is left-aligned in columns 1-4 and followed by "- " in
// columns 5-6 ("PMID- 123", "TI  - ...", "FAU - ..."). Malformed forms seen
// in real files are accepted too: no space after the dash ("PMID-123",
// "TI  -x", "PMC -123"), a dash right after the tag ("TI-", "SO- x"). A line
// starting with white space (normally six spaces) continues the previous
// field, joined with a space. Any other line is not MEDLINE ("SO  invalid
// line", "This line should be omitted") and is ignored, counted in notes().
//
// Records are separated by blank lines; a PMID line also starts a new record
// when the blank line is missing, and the last record needs no trailing
// blank line. An empty file gives no records; a file whose start is not
// MEDLINE is refused when the reader is made.
//
// Fields:
//   PMID, PMC (PMC prefix added when missing), AID/LID "x [doi]" / "[pii]"
//   (a bare DOI or DOI URL without a type, as ERIC writes, is a DOI too),
//   MID (other "mid"), OID "EJ..."/"ED..." (other "eric").
//   TI (repeated TI lines joined), BTI (book title, of PubMed Bookshelf
//   records, which are "book-chapter"s; the title of a whole book when
//   there is no TI), PB (publisher), TT (vernacular title), AB (one section; a
//   structured abstract stays one text), CI (copyright).
//   Authors: FAU (full name) preferred, the AU that follows it supplies the
//   initials; an AU without FAU is parsed alone ("Smith JA"); CN is a group
//   author, in order; AD lines and AUID ORCIDs belong to the author before.
//   Journal: JT title, TA (MEDLINE abbreviation, also taken as iso_abbrev),
//   JID (NLM id), PL (country), IS/ISSN with "(Print)", "(Electronic)",
//   "(Linking)". VI, IP, PG (as given, "616-7"), DP (free text: "2017 Nov
//   15", "2006 Mar-Apr" kept in text, "1999 Winter" as season).
//   LA, PT ("Retracted Publication" sets retracted), MH ("Term/*qual/qual",
//   '*' marks major), OT with OTO as owner, STAT (status), SI
//   "ClinicalTrials.gov/NCT..." (registry ids), CIN/CON/EIN/EFR/RIN/ROF/...
//   (links to other reports; RIN sets retracted).
//   database: the user's, else "ERIC" when OWN is ERIC, else "PubMed".
// Every field not used is kept in extra_fields, raw, in file order.
#include "formats/readers.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/names.hpp"
#include "formats/tagged.hpp"
#include "formats/text_input.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

constexpr std::size_t k_sniff_bytes = 64 * 1024;
constexpr std::size_t k_max_record_bytes = std::size_t{64} << 20;
constexpr std::size_t k_max_fields = 100000;

struct MedlineTag {
  std::string_view tag;
  std::string_view value;
  bool standard = false; // the dash in column 5
};

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_tag_char(char c) { return is_upper(c) || (c >= '0' && c <= '9'); }

bool parse_medline_tag(std::string_view line, MedlineTag& out) {
  if (line.empty() || !is_upper(line[0])) {
    return false;
  }
  std::size_t i = 1;
  while (i < line.size() && i < 4 && is_tag_char(line[i])) {
    ++i;
  }
  if (i < 2 || (i < line.size() && is_tag_char(line[i]))) {
    return false;
  }
  const std::size_t tag_len = i;
  while (i < line.size() && line[i] == ' ') {
    ++i;
  }
  if (i >= line.size() || line[i] != '-' || i > 5) {
    return false;
  }
  out.tag = line.substr(0, tag_len);
  out.value = trim_space(line.substr(i + 1));
  out.standard = i == 4;
  return true;
}

// Links to other reports, by MEDLINE tag, with PubMed XML's RefType names.
const char* link_type(std::string_view tag) {
  static constexpr std::pair<std::string_view, const char*> k_links[] = {
      {"CIN", "CommentIn"},          {"CON", "CommentOn"},          {"EIN", "ErratumIn"},
      {"EFR", "ErratumFor"},         {"RIN", "RetractionIn"},       {"ROF", "RetractionOf"},
      {"UIN", "UpdateIn"},           {"UOF", "UpdateOf"},           {"RPI", "RepublishedIn"},
      {"RPF", "RepublishedFrom"},    {"SPIN", "SummaryForPatientsIn"}, {"ORI", "OriginalReportIn"},
      {"CRI", "CorrectedandRepublishedIn"}, {"CRF", "CorrectedandRepublishedFrom"},
      {"ECI", "ExpressionOfConcernIn"}, {"ECF", "ExpressionOfConcernFor"},
      {"PRIN", "PartialRetractionIn"}, {"PROF", "PartialRetractionOf"}};
  for (const auto& [t, name] : k_links) {
    if (tag == t) {
      return name;
    }
  }
  return nullptr;
}

// "10.1/x [doi]" -> {"10.1/x", "doi"}; without a bracketed type, {value, ""}.
std::pair<std::string_view, std::string> typed_id(std::string_view v) {
  v = trim_space(v);
  if (!v.empty() && v.back() == ']') {
    const std::size_t open = v.rfind('[');
    if (open != std::string_view::npos) {
      std::string type(trim_space(v.substr(open + 1, v.size() - open - 2)));
      for (char& c : type) {
        if (c >= 'A' && c <= 'Z') {
          c = static_cast<char>(c - 'A' + 'a');
        }
      }
      return {trim_space(v.substr(0, open)), type};
    }
  }
  return {v, ""};
}

// "Women, Working/*history/psychology", "*Software".
MeshHeading parse_mesh(std::string_view v) {
  MeshHeading h;
  std::size_t start = 0;
  bool first = true;
  for (std::size_t i = 0; i <= v.size(); ++i) {
    if (i < v.size() && v[i] != '/') {
      continue;
    }
    std::string_view part = trim_space(v.substr(start, i - start));
    start = i + 1;
    bool major = false;
    if (!part.empty() && part[0] == '*') {
      major = true;
      part = trim_space(part.substr(1));
    }
    if (first) {
      h.descriptor = folded_xml_space(part);
      h.major = major;
      first = false;
    } else if (!part.empty()) {
      h.qualifiers.push_back({"", folded_xml_space(part), major});
    }
  }
  return h;
}

class MedlineRecordBuilder {
public:
  MedlineRecordBuilder(std::vector<TaggedField>& fields, const ReaderOptions& options)
    : m_f(fields), m_options(options) {}

  void build(Record& r) {
    r.source = "medline";
    r.kind = "article";
    std::string keyword_owner;
    bool eric = false;
    for (const auto& f : m_f) {
      if (f.tag == "OTO" && keyword_owner.empty()) {
        keyword_owner = folded_xml_space(f.value);
      } else if (f.tag == "OWN" && iequals(trim_space(f.value), "ERIC")) {
        eric = true;
      }
    }
    bool author_from_fau = false;
    bool au_attached = false;
    for (auto& f : m_f) {
      const std::string& tag = f.tag;
      const std::string_view v = trim_space(f.value);
      if (v.empty()) {
        continue;
      }
      bool used = true;
      if (tag == "PMID") {
        if (all_digits(v) && v.size() <= 10 && r.ids.pmid.empty()) {
          r.ids.pmid = std::string(v);
          source(r, "ids.pmid", tag);
        } else {
          used = false;
        }
      } else if (tag == "TI") {
        append(r.title, v);
        source_once(r, "title", tag);
      } else if (tag == "BTI") {
        append(r.book_title, v);
        source_once(r, "book_title", tag);
      } else if (tag == "TT") {
        append(r.vernacular_title, v);
        source_once(r, "vernacular_title", tag);
      } else if (tag == "AB") {
        append(m_abstract, v);
        source_once(r, "abstract", tag);
      } else if (tag == "PB") {
        set_once(r, r.publisher, v, "publisher", tag, used);
      } else if (tag == "CI") {
        append(r.copyright, v);
      } else if (tag == "FAU") {
        Author a = parse_author_name(v);
        used = !author_is_empty(a);
        if (used) {
          r.authors.push_back(std::move(a));
          author_from_fau = true;
          au_attached = false;
          source_once(r, "authors", tag);
        }
      } else if (tag == "AU") {
        Author a = parse_author_name(v);
        if (author_from_fau && !au_attached && !r.authors.empty()) {
          // The short form of the FAU just read: its initials are PubMed's.
          if (!a.initials.empty()) {
            r.authors.back().initials = a.initials;
          }
          au_attached = true;
        } else if (!author_is_empty(a)) {
          r.authors.push_back(std::move(a));
          author_from_fau = false;
          source_once(r, "authors", tag);
        }
      } else if (tag == "CN") {
        r.authors.push_back(collective_author(v));
        author_from_fau = false;
        source_once(r, "authors", tag);
      } else if (tag == "AD") {
        if (!r.authors.empty()) {
          r.authors.back().affiliations.push_back(folded_xml_space(v));
        } else {
          used = false;
        }
      } else if (tag == "AUID") {
        std::string orcid = normalize_orcid(v);
        if (!r.authors.empty() && !orcid.empty() && r.authors.back().orcid.empty()) {
          r.authors.back().orcid = std::move(orcid);
        } else {
          used = false;
        }
      } else if (tag == "LA") {
        r.languages.push_back(language_code(v));
        source_once(r, "languages", tag);
      } else if (tag == "PT") {
        const std::string name = folded_xml_space(v);
        if (name == "Retracted Publication") {
          r.retracted = true;
        }
        r.publication_types.push_back({"", name});
        source_once(r, "publication_types", tag);
      } else if (tag == "DP") {
        if (r.pub_date.year == 0 && r.pub_date.text.empty()) {
          r.pub_date = medline_date(v);
          source(r, "pub_date", tag);
        } else {
          used = false;
        }
      } else if (tag == "JT") {
        set_once(r, r.journal.title, v, "journal.title", tag, used);
      } else if (tag == "TA") {
        set_once(r, r.journal.medline_ta, v, "journal.medline_ta", tag, used);
        if (used && r.journal.iso_abbrev.empty()) {
          r.journal.iso_abbrev = r.journal.medline_ta;
        }
      } else if (tag == "JID") {
        set_once(r, r.journal.nlm_id, v, "journal.nlm_id", tag, used);
      } else if (tag == "PL") {
        set_once(r, r.journal.country, v, "journal.country", tag, used);
      } else if (tag == "IS" || tag == "ISSN") {
        used = assign_issns(r.journal, find_issns(v));
      } else if (tag == "VI") {
        set_once(r, r.volume, v, "volume", tag, used);
      } else if (tag == "IP") {
        set_once(r, r.issue, v, "issue", tag, used);
      } else if (tag == "PG") {
        if (r.pages.empty()) {
          r.pages = normalize_pages(v);
          source(r, "pages", tag);
        } else {
          used = false;
        }
      } else if (tag == "AID" || tag == "LID") {
        used = read_article_id(r, v, tag);
      } else if (tag == "PMC") {
        std::string pmc(v);
        if (all_digits(pmc)) {
          pmc = "PMC" + pmc;
        }
        if (r.ids.pmcid.empty() && pmc.size() > 3 && all_digits(std::string_view(pmc).substr(3))) {
          r.ids.pmcid = std::move(pmc);
          source(r, "ids.pmcid", tag);
        } else {
          used = pmc == r.ids.pmcid;
        }
      } else if (tag == "MID") {
        r.ids.other.push_back({"mid", std::string(v)});
      } else if (tag == "OID" && eric && v.size() > 2 && (v.substr(0, 2) == "EJ" || v.substr(0, 2) == "ED") &&
                 all_digits(v.substr(2))) {
        r.ids.other.push_back({"eric", std::string(v)});
        source(r, "ids.other", tag);
      } else if (tag == "MH") {
        MeshHeading h = parse_mesh(v);
        used = !h.descriptor.empty();
        if (used) {
          r.mesh.push_back(std::move(h));
          source_once(r, "mesh", tag);
        }
      } else if (tag == "OT") {
        Keyword k;
        std::string_view text = v;
        if (!text.empty() && text[0] == '*') {
          k.major = true;
          text = trim_space(text.substr(1));
        }
        k.text = folded_xml_space(text);
        k.owner = keyword_owner;
        r.keywords.push_back(std::move(k));
        source_once(r, "keywords", tag);
      } else if (tag == "OTO") {
        used = !r.keywords.empty() || keyword_owner == folded_xml_space(v);
      } else if (tag == "STAT") {
        set_once(r, r.status, v, "status", tag, used);
      } else if (tag == "SI") {
        const std::size_t slash = v.find('/');
        if (slash != std::string_view::npos && slash > 0 && slash + 1 < v.size()) {
          r.registry_ids.push_back({std::string(trim_space(v.substr(0, slash))),
                                    std::string(trim_space(v.substr(slash + 1))), "databank"});
        } else {
          used = false;
        }
      } else if (const char* type = link_type(tag)) {
        RecordLink link;
        link.type = type;
        const std::size_t at = v.rfind("PMID:");
        if (at != std::string_view::npos) {
          link.ref_source = folded_xml_space(v.substr(0, at));
          const std::string_view id = trim_space(v.substr(at + 5));
          link.pmid = all_digits(id) ? std::string(id) : std::string();
        } else {
          link.ref_source = folded_xml_space(v);
        }
        if (link.type == std::string("RetractionIn")) {
          r.retracted = true;
        }
        r.links.push_back(std::move(link));
      } else {
        used = false;
      }
      f.used = used;
    }
    if (!r.book_title.empty()) {
      r.kind = "book-chapter"; // a PubMed Bookshelf record
    }
    if (r.title.empty() && !r.book_title.empty()) {
      r.title = r.book_title;
      source(r, "title", "BTI");
    }
    if (!m_abstract.empty()) {
      r.abstract.push_back({"", "", std::move(m_abstract)});
    }
    if (!m_options.database.empty()) {
      r.database = m_options.database;
    } else {
      r.database = eric ? "ERIC" : "PubMed";
    }
    add_unused_fields(r, m_f);
  }

private:
  static void append(std::string& to, std::string_view v) {
    if (!to.empty()) {
      to += ' ';
    }
    to += folded_xml_space(v);
  }

  static void source(Record& r, const char* field, const std::string& tag) {
    r.field_sources.push_back({field, tag});
  }

  static void source_once(Record& r, const char* field, const std::string& tag) {
    for (const auto& s : r.field_sources) {
      if (s.field == field) {
        return;
      }
    }
    source(r, field, tag);
  }

  static void set_once(Record& r, std::string& to, std::string_view v, const char* field, const std::string& tag,
                       bool& used) {
    if (!to.empty()) {
      used = to == folded_xml_space(v);
      return;
    }
    to = folded_xml_space(v);
    source(r, field, tag);
  }

  // MEDLINE DP: "2017 Nov 15", "2006 Mar-Apr" (kept as text, like PubMed
  // XML's MedlineDate), "1999 Winter".
  static PubDate medline_date(std::string_view v) {
    PubDate d = parse_date(v);
    if (!d.text.empty()) {
      d.month = 0;
      d.day = 0;
      d.season.clear();
      d.text = folded_xml_space(v);
    }
    return d;
  }

  bool read_article_id(Record& r, std::string_view v, const std::string& tag) {
    const auto [id, type] = typed_id(v);
    if (type == "doi" || type.empty()) {
      std::string doi = field_doi(id);
      if (doi.empty() || (type.empty() && !istarts_with(id, "10.") && !icontains(id, "doi"))) {
        return false;
      }
      if (r.ids.doi.empty()) {
        r.ids.doi = std::move(doi);
        source(r, "ids.doi", tag);
        return true;
      }
      return doi == r.ids.doi;
    }
    if (type == "pii") {
      if (r.ids.pii.empty()) {
        r.ids.pii = std::string(id);
        source(r, "ids.pii", tag);
        return true;
      }
      return id == r.ids.pii;
    }
    return false;
  }

  std::vector<TaggedField>& m_f;
  const ReaderOptions& m_options;
  std::string m_abstract;
};

class MedlineReader final : public RecordReader {
public:
  MedlineReader(const std::string& path, const ReaderOptions& options)
    : m_in(path, options.display_name), m_options(options) {
    const std::string head = m_in.peek(k_sniff_bytes);
    if (!looks_like_medline(head) && !is_blank(sniff_text(head))) {
      throw DataError(m_in.display_name(), 0,
                      looks_like_ris(head) ? "not a MEDLINE file: it looks like a RIS file"
                                           : "not a MEDLINE file: it does not start with MEDLINE tag lines "
                                             "(such as 'PMID- 12345678')");
    }
  }

  bool next(ReadItem& item) override {
    for (;;) {
      if (!m_pushed_back) {
        if (!m_in.next_line(m_line)) {
          if (m_in_record) {
            return emit(item);
          }
          return false;
        }
        if (m_line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
          m_line.erase(0, 3);
        }
        m_line_number = m_in.line_number();
      }
      m_pushed_back = false;
      if (is_blank(m_line)) {
        if (m_in_record) {
          return emit(item);
        }
        continue;
      }
      MedlineTag t;
      if (parse_medline_tag(m_line, t)) {
        if (t.tag == "PMID" && m_in_record) {
          m_pushed_back = true; // no blank line before this record
          return emit(item);
        }
        if (!m_in_record) {
          start_record();
        }
        add_field(t.tag, t.value);
        continue;
      }
      if ((m_line[0] == ' ' || m_line[0] == '\t') && m_in_record && !m_fields.empty()) {
        add_continuation(trim_space(m_line));
        continue;
      }
      ++m_ignored;
    }
  }

  std::vector<std::string> notes() const override {
    return reader_notes(m_in.cp1252_lines(), m_ignored, "not in MEDLINE tag form");
  }


private:
  void start_record() {
    m_in_record = true;
    m_fields.clear();
    m_start_line = m_line_number;
    m_bytes = 0;
    m_oversize = false;
  }

  void add_field(std::string_view tag, std::string_view value) {
    m_bytes += tag.size() + value.size();
    if (m_oversize || m_bytes > k_max_record_bytes || m_fields.size() >= k_max_fields) {
      m_oversize = true;
      return;
    }
    m_fields.push_back({std::string(tag), std::string(value), m_line_number, false});
  }

  void add_continuation(std::string_view text) {
    m_bytes += text.size() + 1;
    if (m_oversize || m_bytes > k_max_record_bytes) {
      m_oversize = true;
      return;
    }
    TaggedField& last = m_fields.back();
    if (!last.value.empty()) {
      last.value += ' ';
    }
    last.value += text;
  }

  bool emit(ReadItem& item) {
    m_in_record = false;
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
    MedlineRecordBuilder(m_building, m_options).build(item.record);
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
  bool m_in_record = false;
  std::vector<TaggedField> m_fields;
  std::vector<TaggedField> m_building;
  std::uint64_t m_start_line = 0;
  std::size_t m_bytes = 0;
  bool m_oversize = false;
  std::uint64_t m_ignored = 0;
};

} // namespace

// MEDLINE when the first non-blank line is a tag line with its dash in
// column 5 ("PMID- ", "TI  - ", "PMID-123") and the first 200 lines hold a
// three- or four-letter tag in that form (PMID, OWN, FAU, STAT, ...) and no
// RIS "TY  - " line. RIS files have two-letter tags only ("PMID  - " in
// PsycINFO RIS has its dash elsewhere).
bool looks_like_medline(std::string_view head) {
  const std::string text = sniff_text(head);
  bool first = true;
  bool first_ok = false;
  bool long_tag = false;
  bool ris = false;
  for_each_line(text, 200, [&](std::string_view line) {
    if (line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      line.remove_prefix(3);
    }
    if (is_blank(line)) {
      return true;
    }
    MedlineTag t;
    const bool tagged = parse_medline_tag(line, t) && t.standard;
    if (first) {
      first = false;
      first_ok = tagged;
      if (!first_ok) {
        return false;
      }
    }
    if (tagged && t.tag.size() >= 3) {
      long_tag = true;
    }
    if (line.substr(0, 6) == "TY  - " || line.substr(0, 6) == "ER  - " || line == "ER  -") {
      ris = true;
      return false;
    }
    return true;
  });
  return first_ok && long_tag && !ris;
}

std::unique_ptr<RecordReader> make_medline_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<MedlineReader>(path, options);
}

} // namespace litrev
