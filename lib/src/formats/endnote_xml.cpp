// The EndNote XML reader (<xml><records><record>...</record></records></xml>).
//
// How it works, as in the PubMed XML reader: the byte stream (plain or .gz,
// through zlib) is scanned for <record>...</record>; each record's bytes are
// copied into a reused buffer and parsed alone by pugixml in place. Memory
// is one record plus one read block. No DTD or external entity is ever
// read: the prolog is only checked, never parsed, and pugixml leaves unknown
// entity references as text. A record larger than 64 MiB is refused.
//
// Encoding: UTF-8 (EndNote's own). A file whose XML declaration names
// ISO-8859-1 or windows-1252, and any record that is not valid UTF-8, is
// read as Windows-1252. UTF-16 files are refused with a message.
//
// Dialect. Text is split across <style face=... font=... size=...> runs:
// every text node below an element is concatenated (white-space-only text
// between elements is indentation and dropped; inside <style> it is kept).
// Some exporters omit <style>. A carriage return (&#xD;) separates several
// values in one element ("Embase&#xD;Medline", two ISSNs, two DOIs).
//
// Mapping: ref-type name -> publication type and kind; contributors/authors
// -> authors ("Last, First", a trailing comma marks a corporate author);
// titles/title -> title; periodical/full-title, else titles/secondary-title
// -> journal title for journal-like types (book title for others);
// periodical/abbr-1 -> ISO abbreviation; pages; volume; number (or issue) ->
// issue; dates/year, pub-dates/date; isbn -> ISSNs when they are ISSNs
// ("1532-1827 (Electronic)"), else kept; electronic-resource-num -> DOI;
// accession-num -> PMID when remote-database-name/provider names PubMed or
// MEDLINE (or a related URL is the same PubMed record), an Embase accession
// -> other id "embase", a WoS one ("ISI:", "WOS:") -> other id "wos", else
// kept; related URLs are kept and searched for a DOI, PMID or PMCID;
// abstract; keywords/keyword (also split on ';'); language;
// remote-database-name/provider -> database; publisher; a custom or user
// field holding exactly a PMCID -> PMCID. Every other element (label,
// custom1-7, notes, auth-address, alt-title, rec-number, ...) is kept in
// extra_fields under its element path. A record with neither a title nor
// an identifier is a RecordError.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <zlib.h>

#include <pugixml.hpp>

#include <litrev/error.hpp>

#include "formats/readers.hpp"
#include "formats/ref_fields.hpp"
#include "formats/text_input.hpp"
#include "util/normalize.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

namespace rf = ref_fields;

constexpr std::size_t k_block = std::size_t{1} << 20;
constexpr std::size_t k_max_record = std::size_t{64} << 20;
constexpr int k_max_depth = 100;
constexpr unsigned k_parse_options = pugi::parse_escapes | pugi::parse_cdata | pugi::parse_ws_pcdata;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool name_is(pugi::xml_node n, const char* name) {
  return std::strcmp(n.name(), name) == 0;
}

// All text below `node`, in document order. White-space-only text outside
// <style> is indentation between elements and is dropped.
void collect_text(pugi::xml_node node, std::string& out, int depth) {
  if (depth > k_max_depth) {
    return;
  }
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      const char* v = c.value();
      const bool blank = trim_xml_space(v).empty();
      if (!blank || name_is(node, "style")) {
        out += v;
      }
    } else if (c.type() == pugi::node_element) {
      collect_text(c, out, depth + 1);
    }
  }
}

// The values of an element: its text split at carriage returns (EndNote's
// separator), each folded and trimmed; empty values dropped.
std::vector<std::string> values_of(pugi::xml_node node) {
  std::string raw;
  collect_text(node, raw, 0);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t end = raw.find('\r', start);
    if (end == std::string::npos) {
      end = raw.size();
    }
    std::string v = rf::valid_utf8(std::string_view(raw).substr(start, end - start));
    fold_xml_space(v);
    if (!v.empty()) {
      out.push_back(std::move(v));
    }
    start = end + 1;
  }
  return out;
}

// One value: all values joined by a space.
std::string value_of(pugi::xml_node node) {
  std::string out;
  for (const auto& v : values_of(node)) {
    if (!out.empty()) {
      out += ' ';
    }
    out += v;
  }
  return out;
}

bool has_element_children(pugi::xml_node node) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && !name_is(c, "style")) {
      return true;
    }
  }
  return false;
}

bool contains_ci(std::string_view hay, std::string_view needle) {
  const std::string h = rf::lower(hay);
  return h.find(rf::lower(needle)) != std::string::npos;
}

bool journal_like(std::string_view ref_type) {
  const std::string t = rf::lower(ref_type);
  return t.find("journal") != std::string::npos || t.find("article") != std::string::npos ||
         t.find("magazine") != std::string::npos || t.find("newspaper") != std::string::npos ||
         t.empty();
}

class RecordMapper {
public:
  RecordMapper(const ReaderOptions& options) : m_options(options) {}

  Record map(pugi::xml_node rec) {
    Record r;
    r.source = "endnote-xml";
    std::string ref_type;
    if (pugi::xml_node t = rec.child("ref-type")) {
      ref_type = rf::valid_utf8(t.attribute("name").value());
      fold_xml_space(ref_type);
    }
    if (!ref_type.empty()) {
      r.publication_types.push_back({"", ref_type});
      rf::note_source(r, "publication_types", "ref-type");
    }
    r.kind = rf::kind_of_type(ref_type);
    if (r.kind.empty()) {
      r.kind = "article";
    } else {
      rf::note_source(r, "kind", "ref-type");
    }
    std::vector<std::string> db_names;
    std::string secondary_title;
    std::vector<std::string> accession;
    std::vector<std::string> related_urls;
    for (pugi::xml_node c = rec.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) {
        continue;
      }
      const std::string name = c.name();
      if (name == "ref-type") {
        continue;
      }
      if (name == "contributors") {
        contributors(c, r);
      } else if (name == "titles") {
        for (pugi::xml_node t = c.first_child(); t; t = t.next_sibling()) {
          if (t.type() != pugi::node_element) {
            continue;
          }
          const std::string tn = t.name();
          const std::string v = rf::clean_text(value_of(t));
          if (tn == "title" && r.title.empty() && !v.empty()) {
            r.title = v;
            rf::note_source(r, "title", "titles/title");
          } else if (tn == "secondary-title" && secondary_title.empty() && !v.empty()) {
            secondary_title = v;
          } else if (!v.empty()) {
            r.extra_fields.push_back({"titles/" + tn, v});
          }
        }
      } else if (name == "periodical") {
        for (pugi::xml_node t = c.first_child(); t; t = t.next_sibling()) {
          if (t.type() != pugi::node_element) {
            continue;
          }
          const std::string tn = t.name();
          const std::string v = rf::clean_text(value_of(t));
          if (v.empty()) {
            continue;
          }
          if (tn == "full-title" && r.journal.title.empty()) {
            r.journal.title = v;
            rf::note_source(r, "journal.title", "periodical/full-title");
          } else if (tn == "abbr-1" && r.journal.iso_abbrev.empty()) {
            r.journal.iso_abbrev = v;
            rf::note_source(r, "journal.iso_abbrev", "periodical/abbr-1");
          } else {
            r.extra_fields.push_back({"periodical/" + tn, v});
          }
        }
      } else if (name == "pages") {
        set_once(r, r.pages, rf::normalize_pages(value_of(c)), "pages", name);
      } else if (name == "volume") {
        set_once(r, r.volume, value_of(c), "volume", name);
      } else if (name == "number" || name == "issue") {
        set_once(r, r.issue, value_of(c), "issue", name);
      } else if (name == "dates") {
        dates(c, r);
      } else if (name == "isbn") {
        bool any = false;
        for (const auto& v : values_of(c)) {
          if (rf::add_issn(r.journal, v)) {
            any = true;
          } else {
            r.extra_fields.push_back({name, v});
          }
        }
        if (any) {
          rf::note_source(r, "journal.issn", name);
        }
      } else if (name == "electronic-resource-num") {
        for (const auto& v : values_of(c)) {
          const std::string doi = rf::normalize_doi(v);
          if (!doi.empty() && r.ids.doi.empty()) {
            r.ids.doi = doi;
            rf::note_source(r, "ids.doi", name);
          } else if (doi.empty() || doi != r.ids.doi) {
            r.extra_fields.push_back({name, v});
          }
        }
      } else if (name == "accession-num") {
        for (auto& v : values_of(c)) {
          accession.push_back(std::move(v));
        }
      } else if (name == "remote-database-name" || name == "remote-database-provider") {
        for (const auto& v : values_of(c)) {
          if (std::find(db_names.begin(), db_names.end(), v) == db_names.end()) {
            db_names.push_back(v);
          }
          r.extra_fields.push_back({name, v});
        }
      } else if (name == "urls") {
        urls(c, "urls", r, related_urls);
      } else if (name == "abstract") {
        const std::string a = rf::clean_text(value_of(c));
        if (!a.empty() && r.abstract.empty()) {
          r.abstract.push_back({"", "", a});
          rf::note_source(r, "abstract", name);
        }
      } else if (name == "keywords") {
        for (pugi::xml_node k = c.child("keyword"); k; k = k.next_sibling("keyword")) {
          for (const auto& v : values_of(k)) {
            for (auto& item : rf::split_trimmed(v, ';')) {
              std::string k = rf::clean_text(item);
              if (!k.empty()) {
                r.keywords.push_back({std::move(k), "", false});
              }
            }
          }
        }
        if (!r.keywords.empty()) {
          rf::note_source(r, "keywords", "keywords/keyword");
        }
      } else if (name == "language") {
        for (const auto& v : values_of(c)) {
          for (auto& l : rf::split_trimmed(v, v.find(';') != std::string::npos ? ';' : ',')) {
            if (std::find(r.languages.begin(), r.languages.end(), l) == r.languages.end()) {
              r.languages.push_back(std::move(l));
            }
          }
        }
        rf::note_source(r, "languages", name);
      } else if (name == "publisher") {
        set_once(r, r.publisher, rf::clean_text(value_of(c)), "publisher", name);
      } else {
        extra(c, name, r, 0);
      }
    }
    // Journal or book: by the reference type.
    if (!secondary_title.empty()) {
      if (journal_like(ref_type) || !r.journal.title.empty()) {
        if (r.journal.title.empty()) {
          r.journal.title = secondary_title;
          rf::note_source(r, "journal.title", "titles/secondary-title");
        } else if (secondary_title != r.journal.title) {
          r.extra_fields.push_back({"titles/secondary-title", secondary_title});
        }
      } else {
        r.book_title = secondary_title;
        rf::note_source(r, "book_title", "titles/secondary-title");
      }
    }
    // Identifiers in the related URLs, then the accession number.
    for (const auto& u : related_urls) {
      rf::ids_from_url(u, r, "urls/related-urls/url");
    }
    std::string dbs;
    for (const auto& d : db_names) {
      dbs += d + " ";
    }
    const bool pubmed_db = contains_ci(dbs, "pubmed") || contains_ci(dbs, "medline") || contains_ci(dbs, "nlm");
    const bool embase_db = contains_ci(dbs, "embase");
    for (const auto& a : accession) {
      const bool numeric = rf::is_pmid(a);
      if (numeric && (r.ids.pmid.empty() || r.ids.pmid == a) && (pubmed_db || r.ids.pmid == a)) {
        r.ids.pmid = a;
        r.field_sources.erase(std::remove_if(r.field_sources.begin(), r.field_sources.end(),
                                             [](const FieldSource& fs) { return fs.field == "ids.pmid"; }),
                              r.field_sources.end());
        rf::note_source(r, "ids.pmid", "accession-num");
      } else if (a.size() > 4 && (rf::iequals(std::string_view(a).substr(0, 4), "isi:") ||
                                  rf::iequals(std::string_view(a).substr(0, 4), "wos:"))) {
        r.ids.other.push_back({"wos", normalize_wos_id(a)});
        rf::note_source(r, "ids.other", "accession-num");
      } else if (embase_db && !pubmed_db) {
        r.ids.other.push_back({"embase", a});
        rf::note_source(r, "ids.other", "accession-num");
      } else {
        r.extra_fields.push_back({"accession-num", a});
      }
    }
    // Database.
    if (!m_options.database.empty()) {
      r.database = m_options.database;
    } else {
      for (const auto& d : db_names) {
        r.database += r.database.empty() ? d : "; " + d;
      }
    }
    return r;
  }

private:
  void set_once(Record& r, std::string& field, std::string value, const char* field_name, const std::string& tag) {
    if (value.empty()) {
      return;
    }
    if (field.empty()) {
      field = std::move(value);
      rf::note_source(r, field_name, tag);
    } else {
      r.extra_fields.push_back({tag, std::move(value)});
    }
  }

  void contributors(pugi::xml_node c, Record& r) {
    for (pugi::xml_node group = c.first_child(); group; group = group.next_sibling()) {
      if (group.type() != pugi::node_element) {
        continue;
      }
      const std::string gname = group.name();
      for (pugi::xml_node a = group.first_child(); a; a = a.next_sibling()) {
        if (a.type() != pugi::node_element) {
          continue;
        }
        for (const auto& v : values_of(a)) {
          if (gname == "authors") {
            Author author = rf::parse_name(v, true);
            if (!author.family.empty() || !author.collective.empty() || !author.given.empty()) {
              r.authors.push_back(std::move(author));
            }
          } else {
            r.extra_fields.push_back({"contributors/" + gname, v});
          }
        }
      }
    }
    if (!r.authors.empty()) {
      rf::note_source(r, "authors", "contributors/authors/author");
    }
  }

  void dates(pugi::xml_node c, Record& r) {
    if (pugi::xml_node y = c.child("year")) {
      const std::string v = value_of(y);
      const int year = rf::first_year(v);
      if (year != 0) {
        r.pub_date.year = year;
        rf::note_source(r, "pub_date", "dates/year");
        if (rf::trim(v).size() != 4) {
          r.pub_date.text = v;
        }
      } else if (!v.empty()) {
        r.extra_fields.push_back({"dates/year", v});
      }
    }
    for (pugi::xml_node d = c.child("pub-dates").child("date"); d; d = d.next_sibling("date")) {
      const std::string v = value_of(d);
      PubDate parsed;
      if (!v.empty() && rf::parse_loose_date(v, parsed) && (parsed.year == 0 || parsed.year == r.pub_date.year ||
                                                             r.pub_date.year == 0)) {
        if (r.pub_date.year == 0) {
          r.pub_date.year = parsed.year;
        }
        if (r.pub_date.month == 0 && parsed.month != 0) {
          r.pub_date.month = parsed.month;
          r.pub_date.day = parsed.day;
          rf::note_source(r, "pub_date.month", "dates/pub-dates/date");
        }
        if (r.pub_date.season.empty()) {
          r.pub_date.season = parsed.season;
        }
      } else if (!v.empty()) {
        r.extra_fields.push_back({"dates/pub-dates/date", v});
      }
    }
    for (pugi::xml_node d = c.first_child(); d; d = d.next_sibling()) {
      if (d.type() == pugi::node_element && !name_is(d, "year") && !name_is(d, "pub-dates")) {
        extra(d, "dates/" + std::string(d.name()), r, 1);
      }
    }
  }

  void urls(pugi::xml_node c, const std::string& path, Record& r, std::vector<std::string>& related) {
    for (pugi::xml_node g = c.first_child(); g; g = g.next_sibling()) {
      if (g.type() != pugi::node_element) {
        continue;
      }
      const std::string gpath = path + "/" + g.name();
      if (name_is(g, "url")) {
        for (const auto& v : values_of(g)) {
          r.extra_fields.push_back({gpath, v});
        }
        continue;
      }
      for (pugi::xml_node u = g.first_child(); u; u = u.next_sibling()) {
        if (u.type() != pugi::node_element) {
          continue;
        }
        for (const auto& v : values_of(u)) {
          r.extra_fields.push_back({gpath + "/" + u.name(), v});
          if (name_is(g, "related-urls") || name_is(g, "web-urls")) {
            related.push_back(v);
          }
        }
      }
    }
  }

  // An element litrev has no field for, kept under its path; containers are
  // walked. A custom or user field holding a PMCID gives the PMCID.
  void extra(pugi::xml_node c, const std::string& path, Record& r, int depth) {
    if (depth > 8) {
      return;
    }
    if (has_element_children(c)) {
      for (pugi::xml_node k = c.first_child(); k; k = k.next_sibling()) {
        if (k.type() == pugi::node_element && !name_is(k, "style")) {
          extra(k, path + "/" + k.name(), r, depth + 1);
        }
      }
      return;
    }
    const bool custom = path.rfind("custom", 0) == 0 || path.rfind("user", 0) == 0;
    for (const auto& v : values_of(c)) {
      if (custom && r.ids.pmcid.empty() && rf::is_pmcid(v)) {
        r.ids.pmcid = v;
        rf::note_source(r, "ids.pmcid", path);
        continue;
      }
      r.extra_fields.push_back({path, v});
    }
  }

  const ReaderOptions& m_options;
};

// `s` with every byte that is not part of a valid UTF-8 sequence read as
// Windows-1252.
std::string utf8_or_cp1252(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  while (!s.empty()) {
    const std::size_t bad = find_invalid_utf8(s);
    if (bad == std::string_view::npos) {
      out.append(s);
      break;
    }
    out.append(s.substr(0, bad));
    out += cp1252_to_utf8(s.substr(bad, 1));
    s.remove_prefix(bad + 1);
  }
  return out;
}

// True when `s` starts with "<record" as a whole tag name.
bool record_tag_at(std::string_view s, std::size_t pos) {
  const std::size_t after = pos + 7;
  return after < s.size() && (s[after] == '>' || is_space(s[after]) || s[after] == '/');
}

class EndnoteXmlReader : public RecordReader {
public:
  EndnoteXmlReader(const std::string& path, const ReaderOptions& options)
    : m_options(options), m_mapper(m_options) {
    m_name = options.display_name.empty() ? path : options.display_name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      throw IoError(m_name + ": " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
      throw IoError(m_name + ": is a directory");
    }
    m_gz.reset(gzopen(path.c_str(), "rb"));
    if (m_gz == nullptr) {
      throw IoError(m_name + ": cannot open: " + std::strerror(errno));
    }
    gzbuffer(m_gz.get(), 256 * 1024);
    check_prolog();
  }


  bool next(ReadItem& item) override {
    // Find the next "<record".
    std::size_t start = std::string::npos;
    for (;;) {
      std::size_t from = m_begin;
      while ((from = m_buf.find("<record", from)) != std::string::npos) {
        if (from + 7 >= m_buf.size() && !m_eof) {
          break; // cannot tell "<record>" from "<records>" yet
        }
        if (record_tag_at(m_buf, from)) {
          const std::size_t gt = m_buf.find('>', from);
          if (gt != std::string::npos && m_buf[gt - 1] == '/') {
            from = gt; // an empty <record/>
            continue;
          }
          start = from;
          break;
        }
        from += 7;
      }
      if (start != std::string::npos) {
        break;
      }
      if (m_eof) {
        consume(m_buf.size() - m_begin);
        return false;
      }
      // Keep a tail that may hold the start of "<record".
      const std::size_t keep = std::min<std::size_t>(m_buf.size() - m_begin, 8);
      consume(m_buf.size() - m_begin - keep);
      fill();
    }
    consume(start - m_begin);
    const std::uint64_t record_line = m_line;
    // Find its end.
    std::size_t end = std::string::npos;
    std::size_t from = m_begin;
    for (;;) {
      end = m_buf.find("</record>", from);
      if (end != std::string::npos) {
        break;
      }
      if (m_buf.size() - m_begin > k_max_record) {
        throw DataError(m_name, record_line, "<record> starting at line " + std::to_string(record_line) +
                                                 " is larger than 64 MiB");
      }
      if (m_eof) {
        const std::uint64_t last = m_line + count_newlines(std::string_view(m_buf).substr(m_begin));
        throw DataError(m_name, last, "file ends inside the <record> started at line " +
                                          std::to_string(record_line));
      }
      // Offsets are kept relative to m_begin: fill() may move the buffer.
      const std::size_t rel = std::max(m_begin, m_buf.size() >= 9 ? m_buf.size() - 9 : 0) - m_begin;
      fill();
      from = m_begin + rel;
    }
    const std::size_t length = end + 9 - m_begin;
    std::string_view xml(m_buf.data() + m_begin, length);
    std::string converted;
    if (m_cp1252) {
      converted = cp1252_to_utf8(xml);
      xml = converted;
    } else if (find_invalid_utf8(xml) != std::string_view::npos) {
      converted = utf8_or_cp1252(xml);
      xml = converted;
    }
    if (m_parse_buffer.size() < xml.size() + 1) {
      m_parse_buffer.resize(std::max(xml.size() + 1, m_parse_buffer.size() * 2));
    }
    std::memcpy(m_parse_buffer.data(), xml.data(), xml.size());
    const pugi::xml_parse_result result =
        m_doc.load_buffer_inplace(m_parse_buffer.data(), xml.size(), k_parse_options, pugi::encoding_utf8);
    if (!result) {
      const std::size_t at = std::min<std::size_t>(static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0)),
                                                   xml.size());
      const std::uint64_t error_line = record_line + count_newlines(xml.substr(0, at));
      consume(length);
      throw RecordError(m_name, error_line, "malformed XML in the <record> started at line " +
                                                std::to_string(record_line) + ": " + result.description());
    }
    consume(length);
    pugi::xml_node rec = m_doc.document_element();
    Record record = m_mapper.map(rec);
    if (!rf::has_title_or_id(record)) {
      throw RecordError(m_name, record_line, "record has no title and no identifier");
    }
    rf::finish_record(record);
    item = ReadItem{};
    item.kind = ReadItem::Kind::record;
    item.line = record_line;
    item.record = std::move(record);
    return true;
  }

private:
  // Reads one more block; sets m_eof at the end.
  void fill() {
    if (m_eof) {
      return;
    }
    if (m_begin > 0 && m_begin >= m_buf.size() / 2) {
      m_buf.erase(0, m_begin);
      m_begin = 0;
    }
    // Small blocks first (most libraries are small), 1 MiB once it pays.
    const std::size_t block = m_consumed_blocks++ < 4 ? k_block / 16 : k_block;
    const std::size_t old = m_buf.size();
    m_buf.resize(old + block);
    const int got = gzread(m_gz.get(), m_buf.data() + old, static_cast<unsigned>(block));
    if (got < 0) {
      int err = 0;
      const char* msg = gzerror(m_gz.get(), &err);
      m_buf.resize(old);
      if (err == Z_ERRNO) {
        throw IoError(m_name + ": read error: " + std::strerror(errno));
      }
      throw DataError(m_name, m_line, std::string("corrupt compressed data: ") + msg);
    }
    m_buf.resize(old + static_cast<std::size_t>(got));
    if (got == 0) {
      m_eof = true;
    }
  }

  void consume(std::size_t n) {
    m_line += count_newlines(std::string_view(m_buf).substr(m_begin, n));
    m_begin += n;
  }

  void check_prolog() {
    while (!m_eof && m_buf.size() < 64 * 1024) {
      fill();
    }
    std::string_view head(m_buf);
    head = head.substr(0, 64 * 1024);
    if (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF") {
      throw DataError(m_name, 1, "EndNote XML in UTF-16 is not supported: export it as UTF-8");
    }
    if (!looks_like_endnote_xml(head)) {
      throw DataError(m_name, 1, "not EndNote XML: expected <xml><records><record>...");
    }
    if (head.substr(0, 3) == "\xEF\xBB\xBF") {
      m_begin = 3;
    }
    // The encoding named by the XML declaration.
    const std::size_t decl_end = head.find("?>");
    if (head.find("<?xml") != std::string_view::npos && decl_end != std::string_view::npos) {
      const std::string decl = rf::lower(head.substr(0, decl_end));
      m_cp1252 = decl.find("iso-8859-1") != std::string::npos || decl.find("windows-1252") != std::string::npos ||
                 decl.find("latin1") != std::string::npos || decl.find("latin-1") != std::string::npos ||
                 decl.find("cp1252") != std::string::npos;
    }
  }

  ReaderOptions m_options;
  RecordMapper m_mapper;
  std::string m_name;
  // Closed also when the constructor throws.
  struct GzClose {
    void operator()(gzFile_s* gz) const { gzclose(gz); }
  };
  std::unique_ptr<gzFile_s, GzClose> m_gz;
  std::string m_buf;
  std::size_t m_begin = 0;
  bool m_eof = false;
  std::uint64_t m_line = 1;
  bool m_cp1252 = false;
  unsigned m_consumed_blocks = 0;
  std::vector<char> m_parse_buffer;
  pugi::xml_document m_doc;
};

// Skips XML white space, comments, processing instructions and a DOCTYPE
// from `pos`; returns the position of the next element or text, or npos.
std::size_t skip_misc(std::string_view s, std::size_t pos) {
  for (int guard = 0; guard < 1000; ++guard) {
    while (pos < s.size() && is_space(s[pos])) {
      ++pos;
    }
    if (pos >= s.size()) {
      return std::string_view::npos;
    }
    if (s.substr(pos, 4) == "<!--") {
      const std::size_t end = s.find("-->", pos + 4);
      if (end == std::string_view::npos) {
        return std::string_view::npos;
      }
      pos = end + 3;
    } else if (s.substr(pos, 2) == "<?") {
      const std::size_t end = s.find("?>", pos + 2);
      if (end == std::string_view::npos) {
        return std::string_view::npos;
      }
      pos = end + 2;
    } else if (s.substr(pos, 9) == "<!DOCTYPE") {
      // Up to the '>' outside quotes and outside an internal subset [...].
      std::size_t i = pos + 9;
      bool subset = false;
      char quote = 0;
      for (; i < s.size(); ++i) {
        const char c = s[i];
        if (quote != 0) {
          quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '[') {
          subset = true;
        } else if (c == ']') {
          subset = false;
        } else if (c == '>' && !subset) {
          break;
        }
      }
      if (i >= s.size()) {
        return std::string_view::npos;
      }
      pos = i + 1;
    } else {
      return pos;
    }
  }
  return std::string_view::npos;
}

bool tag_at(std::string_view s, std::size_t pos, std::string_view name) {
  if (pos == std::string_view::npos || s.substr(pos, 1 + name.size()) != std::string("<") + std::string(name)) {
    return false;
  }
  const std::size_t after = pos + 1 + name.size();
  return after < s.size() && (s[after] == '>' || s[after] == '/' || is_space(s[after]));
}

} // namespace

bool looks_like_endnote_xml(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") {
    head.remove_prefix(3);
  }
  const std::size_t root = skip_misc(head, 0);
  if (!tag_at(head, root, "xml")) {
    return false;
  }
  const std::size_t gt = head.find('>', root);
  if (gt == std::string_view::npos) {
    return false;
  }
  const std::size_t next = skip_misc(head, gt + 1);
  return tag_at(head, next, "records");
}

std::unique_ptr<RecordReader> make_endnote_xml_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<EndnoteXmlReader>(path, options);
}

} // namespace litrev
