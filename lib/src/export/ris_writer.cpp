// The RIS writer. One record:
//
//   TY  - JOUR (article), CHAP (book-chapter), DBASE (registration)
//   TI  - title
//   T2  - book title (chapters only: the reader takes T2 as the book there)
//   AU  - one per author: "Family, Given", "Family, Given, Jr", "Family, J. A."
//         (initials only), "Family"; a group as "Name," (EndNote's mark of a
//         corporate author, which litrev's reader honours)
//   PY  - the year, or the free-text date ("1998 Dec-1999 Jan") when there is
//         one that holds the year
//   DA  - YYYY/MM/DD/ or YYYY/MM// or YYYY///Season, when there is a month or
//         a season
//   JF  - journal title; JA - its ISO abbreviation (JI when there is no
//         title, as JA alone would be read as the title); NL - NLM's
//         abbreviation (Ovid's tag)
//   VL, IS, SP + EP (a range "a-b"; anything else whole in SP)
//   SN  - one per ISSN, qualified "(Print)", "(Electronic)", "(Linking)"
//   PB  - publisher
//   AB  - the abstract as one text, labelled sections as "LABEL: text"
//   KW  - one per keyword, "*" before a major one
//   LA  - one per language
//   M3  - one per publication type
//   DO  - DOI
//   UR  - the PubMed page (which carries the PMID) and the PMC page (PMCID)
//   AN  - one per identifier RIS has no tag for, "id[type]" as PubMed
//         Central's RIS writes "123[pmid]": the NCT id, the PII and every
//         other id (wos, scopus, embase, ...), in the record's order
//   DB  - the database
//   ER  -
// Lines end with CRLF (the RIS specification). Text values that litrev's
// reader would decode or strip (entities, HTML tags) are written with '&'
// and '<' as entities.
#include <ostream>

#include <fmt/core.h>

#include "export/writers.hpp"
#include "formats/names.hpp"
#include "formats/tagged.hpp"

namespace litrev::export_detail {

namespace {

// A text value that the RIS reader's clean_text() reads back as `s`.
std::string ris_text(std::string_view s) {
  std::string v = one_line(s);
  if (clean_text(v) == v) {
    return v;
  }
  std::string escaped = html_escape(v);
  if (clean_text(escaped) == v) {
    return escaped;
  }
  return v;
}

// The abstract as the reader's abstract_sections() reads back one
// unlabelled section with text `s`.
std::string ris_abstract(std::string_view s) {
  const std::string v = one_line(s);
  auto reads_back = [&](const std::string& candidate) {
    const auto sections = abstract_sections(candidate);
    return sections.size() == 1 && sections[0].label.empty() && sections[0].text == v;
  };
  if (reads_back(v)) {
    return v;
  }
  std::string escaped = html_escape(v);
  if (reads_back(escaped)) {
    return escaped;
  }
  return v;
}

// What the RIS reader makes of one AU value: the names in it (ris.cpp
// read_authors).
std::vector<Author> read_au(const std::string& value) {
  std::vector<Author> out;
  for (const auto& part : split_author_list(decode_entities(value))) {
    const std::string_view t = trim_space(part);
    if (t.size() > 1 && t.back() == ',') {
      out.push_back(collective_author(t.substr(0, t.size() - 1)));
      continue;
    }
    Author a = parse_author_name(part);
    if (!author_is_empty(a)) {
      out.push_back(std::move(a));
    }
  }
  return out;
}

std::string ris_author(const Author& a) {
  std::vector<std::string> candidates;
  if (!a.collective.empty()) {
    candidates.push_back(one_line(a.collective) + ",");
  } else {
    const std::string family = one_line(a.family);
    const std::string suffix = a.suffix.empty() ? std::string() : ", " + one_line(a.suffix);
    if (!a.given.empty()) {
      candidates.push_back(family + ", " + one_line(a.given) + suffix);
    }
    if (!a.initials.empty()) {
      candidates.push_back(family + ", " + dotted_initials(a.initials) + suffix);
      candidates.push_back(family + ", " + one_line(a.initials) + suffix);
    }
    if (a.given.empty() && a.initials.empty()) {
      candidates.push_back(family + suffix);
    }
  }
  // The reader decodes entities in names: each spelling also with '&'
  // written as one, for a name that holds something like "&amp;".
  const std::size_t plain = candidates.size();
  for (std::size_t i = 0; i < plain; ++i) {
    if (candidates[i].find('&') != std::string::npos) {
      candidates.push_back(html_escape(candidates[i]));
    }
  }
  // The first spelling that reads back exactly; when none does (initials
  // that differ from the given name's, a name with a comma or ';'), the
  // one that keeps the most.
  const std::string* best = &candidates.front();
  int best_score = -1;
  for (const auto& c : candidates) {
    const auto back = read_au(c);
    if (back.size() != 1) {
      continue;
    }
    if (same_name(back[0], a)) {
      return c;
    }
    if (const int score = name_score(a, back[0]); score > best_score) {
      best = &c;
      best_score = score;
    }
  }
  return *best;
}

class RisWriter final : public RecordWriter {
public:
  explicit RisWriter(std::ostream& out) : m_out(out) {}

  using RecordWriter::write;
  void write(const Record& r, const ScreeningLines& screening) override {
    m_buf.clear();
    line("TY", type_of(r));
    line("TI", ris_text(r.title));
    if (r.kind == "book-chapter") {
      line("T2", ris_text(r.book_title));
    }
    for (const auto& a : r.authors) {
      line("AU", ris_author(a));
    }
    date(r.pub_date);
    if (!r.journal.title.empty()) {
      line("JF", ris_text(r.journal.title));
      line("JA", ris_text(r.journal.iso_abbrev));
    } else {
      line("JI", ris_text(r.journal.iso_abbrev));
    }
    line("NL", ris_text(r.journal.medline_ta));
    line("VL", one_line(r.volume));
    line("IS", one_line(r.issue));
    pages(r.pages);
    sn(r.journal.issn_print, "Print");
    sn(r.journal.issn_electronic, "Electronic");
    sn(r.journal.issn_linking, "Linking");
    line("PB", ris_text(r.publisher));
    line("AB", ris_abstract(r.abstract_text()));
    for (const auto& k : r.keywords) {
      std::string text = ris_text(k.text);
      if (!k.major && !text.empty() && text[0] == '*') {
        text.replace(0, 1, "&#42;"); // a leading '*' marks a major keyword
      }
      if (!text.empty()) {
        line("KW", k.major ? "*" + text : text);
      }
    }
    for (const auto& l : r.languages) {
      line("LA", one_line(l));
    }
    for (const auto& p : r.publication_types) {
      line("M3", ris_text(p.name));
    }
    line("DO", one_line(r.ids.doi));
    if (!r.ids.pmid.empty()) {
      line("UR", "https://pubmed.ncbi.nlm.nih.gov/" + one_line(r.ids.pmid) + "/");
    }
    if (!r.ids.pmcid.empty()) {
      line("UR", "https://www.ncbi.nlm.nih.gov/pmc/articles/" + one_line(r.ids.pmcid) + "/");
    }
    for (const auto& id : listed_ids(r)) {
      // "id [type]" -> "id[type]", the form PubMed Central's RIS uses.
      const std::size_t open = id.rfind(" [");
      line("AN", id.substr(0, open) + id.substr(open + 1));
    }
    line("DB", one_line(r.database));
    for (const auto& s : screening) {
      line("N1", ris_text(s));
    }
    m_buf += "ER  - \r\n\r\n";
    put(m_out, m_buf);
  }

  void finish() override { flush(m_out); }

private:
  static const char* type_of(const Record& r) {
    if (r.kind == "book-chapter") {
      return "CHAP";
    }
    if (r.kind == "registration") {
      return "DBASE";
    }
    return "JOUR";
  }

  void line(const char* tag, std::string_view value) {
    if (value.empty()) {
      return;
    }
    m_buf += tag;
    m_buf += "  - ";
    m_buf += value;
    m_buf += "\r\n";
  }

  void date(const PubDate& d) {
    if (d.year == 0) {
      return;
    }
    const std::string year = fmt::format("{:04d}", d.year);
    bool month_known = false;
    if (const std::string text = one_line(d.text); !text.empty() && parse_date(text).year == d.year) {
      // The free-text date as given; the reader takes the month from it
      // when it names one ("2006 Mar-Apr"), else from DA.
      line("PY", text);
      const PubDate p = parse_date(text);
      month_known = p.month != 0 || !p.season.empty();
    } else {
      line("PY", year);
    }
    if (month_known) {
      return;
    }
    std::string da;
    if (d.month != 0) {
      da = d.day != 0 ? fmt::format("{}/{:02d}/{:02d}/", year, d.month, d.day)
                      : fmt::format("{}/{:02d}//", year, d.month);
    } else if (!d.season.empty()) {
      da = year + "///" + one_line(d.season);
    }
    if (!da.empty()) {
      line("DA", da);
    }
  }

  void pages(const std::string& p) {
    const std::size_t dash = p.find('-');
    if (dash != std::string::npos && dash > 0 && dash + 1 < p.size() && p.find('-', dash + 1) == std::string::npos) {
      const std::string start = p.substr(0, dash);
      const std::string end = p.substr(dash + 1);
      if (start != end && normalize_pages(start) == start && normalize_pages(end) == end) {
        line("SP", one_line(start));
        line("EP", one_line(end));
        return;
      }
    }
    line("SP", one_line(p));
  }

  void sn(const std::string& issn, const char* qualifier) {
    if (!issn.empty()) {
      line("SN", one_line(issn) + " (" + qualifier + ")");
    }
  }

  std::ostream& m_out;
  std::string m_buf;
};

} // namespace

std::unique_ptr<RecordWriter> make_ris_writer(std::ostream& out) { return std::make_unique<RisWriter>(out); }

} // namespace litrev::export_detail
