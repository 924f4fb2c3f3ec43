// The BibTeX writer. One entry per record:
//
//   @article{KEY,            article; @incollection for a book chapter;
//                            @misc for a registration. KEY is the record key
//                            with characters BibTeX keys cannot hold as '_'.
//     author = {Family, Given and Family, Jr, Given and {Group Name}},
//     title = {{Title}},     inner braces keep the title's capitals
//     journal, shortjournal (ISO abbreviation), booktitle (chapters),
//     year (or the free-text date, "2006 Mar-Apr", when one holds the year),
//     month (a macro: mar), day,
//     volume, number, pages (a range as "a--b"),
//     publisher, issn (print), eissn (electronic),
//     doi, pmid, pmcid,
//     otherids = {NCT01234567 [nct]; WOS:000123 [wos]},  every identifier
//                            BibTeX has no field for, in the record's order
//     abstract (one text, labelled sections as "LABEL: text"),
//     keywords, language, source = {Scopus} (the one database the reader
//     recognises by a field)
//   }
// Text is UTF-8 (non-ASCII kept as it is, as BibLaTeX and biber expect);
// LaTeX specials are escaped (\& \% \$ \# \_ \textbackslash{} ...), "--"
// written as "-{}-" so that it stays two hyphens, and braces as
// \textbraceleft{} / \textbraceright{} so that classic BibTeX's brace
// counting still works. The reader also decodes HTML entities after the
// LaTeX, so text holding one ("&amp;") gets its '&' written as "\&amp;".
// Each value is checked with the reader's own decoders.
#include <algorithm>
#include <ostream>

#include <fmt/core.h>

#include "export/writers.hpp"
#include "formats/latex.hpp"
#include "formats/ref_fields.hpp"

namespace litrev::export_detail {

namespace rf = ref_fields;

namespace {

// LaTeX for plain text `s` (text mode of latex::to_unicode undoes it).
std::string latex_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    switch (c) {
    case '\\':
      out += "\\textbackslash{}";
      break;
    case '{':
      out += "\\textbraceleft{}";
      break;
    case '}':
      out += "\\textbraceright{}";
      break;
    case '&':
    case '%':
    case '$':
    case '#':
    case '_':
      out += '\\';
      out += c;
      break;
    case '~':
      out += "\\textasciitilde{}";
      break;
    case '^':
      out += "\\textasciicircum{}";
      break;
    case '`':
      out += "\\char96{}"; // a bare ` is an opening quote
      break;
    case '-':
    case '\'':
      // "--" would be an en dash, "''" a closing quote.
      out += c;
      if (next == c) {
        out += "{}";
      }
      break;
    case '\r':
    case '\n':
    case '\t':
      out += ' ';
      break;
    default:
      out += c;
      break;
    }
  }
  return out;
}

// What the BibTeX reader makes of a text field's raw value (bibtex.cpp
// text_of).
std::string text_of(std::string_view raw) { return rf::clean_text(latex::to_unicode(raw)); }

// The raw value of a text field that reads back as `s`.
std::string bib_text(std::string_view s) {
  const std::string v(s);
  std::string escaped = latex_escape(v);
  if (text_of(escaped) == v) {
    return escaped;
  }
  std::string html = latex_escape(html_escape(v));
  if (text_of(html) == v) {
    return html;
  }
  return escaped;
}

// A value for a field the reader reads verbatim (doi, pmid, ids): only
// braces and backslashes would be changed by it.
std::string bib_verbatim(std::string_view s) {
  std::string out;
  for (char c : one_line(s)) {
    if (c == '{' || c == '}') {
      out += '\\';
    }
    if (c == '\\') {
      continue; // nothing spells a backslash in verbatim mode
    }
    out += c;
  }
  return out;
}

// True when splitting `s` on " and " (any case, at brace depth 0) would cut
// it, as the reader splits author lists.
bool has_and(std::string_view s) {
  for (std::size_t i = 0; i + 5 <= s.size(); ++i) {
    if (s[i] == ' ' && s[i + 4] == ' ' && (s[i + 1] == 'a' || s[i + 1] == 'A') &&
        (s[i + 2] == 'n' || s[i + 2] == 'N') && (s[i + 3] == 'd' || s[i + 3] == 'D')) {
      return true;
    }
  }
  return false;
}

// One part of a name ("Family", "Given", "Jr"): escaped, and in braces when
// a comma or " and " would otherwise split it.
std::string name_part(std::string_view s) {
  const std::string e = latex_escape(one_line(s));
  if (s.find(',') != std::string_view::npos || has_and(s)) {
    return "{" + e + "}";
  }
  return e;
}

std::string bib_name(const Author& a) {
  if (!a.collective.empty()) {
    // One brace group: the reader's (and every BibTeX style's) mark of a
    // name that is not split into parts.
    return "{" + latex_escape(one_line(a.collective)) + "}";
  }
  std::string given = a.given;
  if (given.empty() && !a.initials.empty()) {
    given = dotted_initials(a.initials);
  }
  const std::string family = name_part(a.family);
  if (given.empty() && a.suffix.empty()) {
    // A family name alone. Several words in one brace group would be read
    // as a group author; "{...}{}" is one word to BibTeX and to litrev.
    return a.family.find(' ') == std::string::npos ? family : "{" + latex_escape(one_line(a.family)) + "}{}";
  }
  if (a.suffix.empty()) {
    return family + ", " + name_part(given);
  }
  return family + ", " + name_part(a.suffix) + ", " + name_part(given);
}

// A BibTeX key from the record key: letters, digits and ":._/+-" are kept,
// anything else becomes '_'.
std::string citation_key(const Record& r) {
  std::string key = r.key.empty() ? record_key(r) : r.key;
  for (char& c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
                    c == '.' || c == '_' || c == '/' || c == '+' || c == '-';
    if (!ok) {
      c = '_';
    }
  }
  return key;
}

const char* month_macro(int month) {
  static const char* const k_macros[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
  return month >= 1 && month <= 12 ? k_macros[month - 1] : nullptr;
}

// A keyword list that the reader's split_keywords() splits back into
// `words`: ", " between them, or "; " when one holds a comma.
std::string keyword_list(const std::vector<std::string>& words) {
  for (const char* sep : {", ", "; "}) {
    std::string joined;
    for (const auto& w : words) {
      joined += joined.empty() ? w : sep + w;
    }
    if (words.size() == 1 && sep[0] == ';') {
      joined += ";";
    }
    if (rf::split_keywords(joined) == words) {
      return joined;
    }
  }
  std::string joined;
  for (const auto& w : words) {
    joined += joined.empty() ? w : "; " + w;
  }
  return joined;
}

class BibtexWriter final : public RecordWriter {
public:
  explicit BibtexWriter(std::ostream& out) : m_out(out) {}

  using RecordWriter::write;
  void write(const Record& r, const ScreeningLines& screening) override {
    m_buf.clear();
    const char* type = r.kind == "book-chapter" ? "incollection" : r.kind == "registration" ? "misc" : "article";
    m_buf += fmt::format("@{}{{{},\n", type, citation_key(r));
    std::string authors;
    for (const auto& a : r.authors) {
      authors += authors.empty() ? bib_name(a) : " and " + bib_name(a);
    }
    field("author", authors);
    if (!r.title.empty()) {
      field("title", "{" + bib_text(r.title) + "}");
    }
    field("journal", bib_text(r.journal.title));
    field("shortjournal", bib_text(r.journal.iso_abbrev));
    if (r.kind == "book-chapter") {
      field("booktitle", bib_text(r.book_title));
    }
    date(r.pub_date);
    field("volume", bib_text(r.volume));
    field("number", bib_text(r.issue));
    pages(r.pages);
    field("publisher", bib_text(r.publisher));
    field("issn", bib_verbatim(r.journal.issn_print));
    field("eissn", bib_verbatim(r.journal.issn_electronic));
    field("doi", bib_verbatim(r.ids.doi));
    field("pmid", bib_verbatim(r.ids.pmid));
    field("pmcid", bib_verbatim(r.ids.pmcid));
    std::string ids;
    for (const auto& id : listed_ids(r)) {
      ids += ids.empty() ? bib_verbatim(id) : "; " + bib_verbatim(id);
    }
    field("otherids", ids);
    field("abstract", bib_text(r.abstract_text()));
    std::vector<std::string> words;
    for (const auto& k : r.keywords) {
      if (!k.text.empty()) {
        words.push_back(k.text);
      }
    }
    if (!words.empty()) {
      field("keywords", bib_text(keyword_list(words)));
    }
    std::string languages;
    const bool comma = std::any_of(r.languages.begin(), r.languages.end(),
                                   [](const std::string& l) { return l.find(',') != std::string::npos; });
    for (const auto& l : r.languages) {
      languages += languages.empty() ? l : (comma ? "; " : ", ") + l;
    }
    field("language", bib_text(languages));
    if (r.database == "Scopus") {
      field("source", "Scopus");
    }
    std::string annote;
    for (const auto& s : screening) {
      annote += annote.empty() ? s : "; " + s;
    }
    field("annote", bib_text(annote));
    // The last field has a comma too; BibTeX and every reader allow it, and
    // it keeps each field line alike.
    m_buf += "}\n\n";
    put(m_out, m_buf);
  }

  void finish() override { flush(m_out); }

private:
  void field(const char* name, std::string_view value) {
    if (value.empty()) {
      return;
    }
    m_buf += "  ";
    m_buf += name;
    m_buf += " = {";
    m_buf += value;
    m_buf += "},\n";
  }

  void date(const PubDate& d) {
    if (d.year == 0) {
      return;
    }
    if (!d.text.empty() && rf::first_year(d.text) == d.year) {
      field("year", bib_text(d.text));
    } else {
      field("year", fmt::format("{:04d}", d.year));
    }
    if (const char* macro = month_macro(d.month)) {
      // A month macro is written bare, as BibTeX styles expect.
      m_buf += fmt::format("  month = {},\n", macro);
      if (d.day != 0) {
        field("day", std::to_string(d.day));
      }
    } else if (!d.season.empty()) {
      field("month", bib_text(d.season));
    }
  }

  void pages(const std::string& p) {
    if (p.empty()) {
      return;
    }
    const std::size_t dash = p.find('-');
    if (dash != std::string::npos && dash > 0 && p.find('-', dash + 1) == std::string::npos) {
      const std::string range = latex_escape(p.substr(0, dash)) + "--" + latex_escape(p.substr(dash + 1));
      if (rf::normalize_pages(latex::to_unicode(range)) == p) {
        field("pages", range);
        return;
      }
    }
    field("pages", latex_escape(p));
  }

  std::ostream& m_out;
  std::string m_buf;
};

} // namespace

std::unique_ptr<RecordWriter> make_bibtex_writer(std::ostream& out) {
  return std::make_unique<BibtexWriter>(out);
}

} // namespace litrev::export_detail
