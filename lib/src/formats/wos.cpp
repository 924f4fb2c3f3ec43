// The Web of Science plain-text reader: "Plain text" / "Other file formats"
// exports of the Web of Science (.txt, .ciw, .isi; also the older "FN ISI
// Export Format" and Inspec or MEDLINE records exported through the WoS
// platform), one record at a time through TextInput.
//
// Lines. A tag is two characters [A-Z][A-Z0-9] followed by a space and the
// value ("TI Title"), or alone on its line ("ER", "EF", an empty "AU ").
// A line starting with white space (three spaces) continues the previous
// field: for the one-per-line tags (AU, AF, BA, BF, BE, CA, GP, CR, C1, C3,
// RI, OI) each continuation line is another value, for the others it is
// joined to the value with a space.
//
// Records. The header (FN, VR) and the end of file (EF) are outside records.
// A record starts at PT (or at the first other tag when PT is missing) and
// ends at ER; a PT inside a record ends it too (a missing ER), and so does
// the end of the file. Other lines outside records are ignored and counted
// in notes(). A file that has FN/VR/EF only gives no records; a file whose
// start is not WoS plain text is refused when the reader is made.
//
// Fields:
//   authors   AF (full names) in order, with the initials of the AU at the
//             same position; AU alone when there is no AF ("Surname, II",
//             older "Joffe, Hadine; Hall, Janet E" on one line, Inspec
//             "James Brown"); CA and GP (group authors) after them. C1
//             "[Name; Name] Address" lines give affiliations, OI "Name/ORCID"
//             the ORCIDs of the authors they name.
//   title     TI; journal SO (kept as given, upper case), JI (ISO
//             abbreviation), SN (print ISSN), EI (electronic ISSN).
//   date      PY year, PD month/day/season ("NOV-DEC" keeps its text,
//             "DEC 16 2020", "JUN 14", "SPR"), PD's year when PY is missing.
//   numbers   VL, IS, pages BP-EP, else AR (article number, without WoS's
//             "UNSP " marker), else PS (Inspec).
//   ids       DI (DOI), PM (PMID), UT: "WOS:..."/bare -> other "wos" stored
//             as "WOS:..." (normalize_wos_id; "ISI:..." too),
//             "MEDLINE:123" -> PMID, "INSPEC:..." -> other "inspec".
//   subjects  DE (author keywords, ';'-separated), ID (Keywords Plus,
//             owner "KeywordsPlus"), LA (ISO 639-2), DT (publication types),
//             PU (publisher), AB (abstract).
//   kind      "book-chapter" for PT B, else "article".
//   database  the user's, else "Web of Science".
// Every field not used is kept in extra_fields, raw, in file order; the
// one-per-line tags are joined with "; " there.
#include "formats/readers.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/names.hpp"
#include "formats/tagged.hpp"
#include "formats/text_input.hpp"
#include "util/normalize.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

constexpr std::size_t k_sniff_bytes = 64 * 1024;
constexpr std::size_t k_max_record_bytes = std::size_t{64} << 20;
constexpr std::size_t k_max_fields = 100000;

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct WosTag {
  std::string_view tag;
  std::string_view value;
};

bool parse_wos_tag(std::string_view line, WosTag& out) {
  if (line.size() < 2 || !is_upper(line[0]) || !(is_upper(line[1]) || is_digit(line[1]))) {
    return false;
  }
  if (line.size() > 2 && line[2] != ' ' && line[2] != '\t') {
    return false;
  }
  out.tag = line.substr(0, 2);
  out.value = trim_space(line.substr(2));
  return true;
}

bool is_list_tag(std::string_view tag) {
  static constexpr std::string_view k_list[] = {"AU", "AF", "BA", "BF", "BE", "CA", "GP",
                                                "CR", "C1", "C3", "RI", "OI"};
  return std::find(std::begin(k_list), std::end(k_list), tag) != std::end(k_list);
}

// A name as WoS writes it in C1 brackets and OI/RI, compared loosely.
std::string name_key(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '.' || c == ',') {
      continue;
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

class WosRecordBuilder {
public:
  WosRecordBuilder(std::vector<TaggedField>& fields, const TagIndex& index, const ReaderOptions& options)
    : m_f(fields), m_ix(index), m_options(options) {}

  void build(Record& r) {
    r.source = "wos";
    if (TaggedField* pt = first("PT")) {
      pt->used = true;
      r.kind = iequals(trim_space(pt->value), "B") ? "book-chapter" : "article";
      source(r, "kind", "PT");
    } else {
      r.kind = "article";
    }
    read_authors(r);
    text_field(r, "TI", r.title, "title");
    text_field(r, "SO", r.journal.title, "journal.title");
    text_field(r, "JI", r.journal.iso_abbrev, "journal.iso_abbrev");
    for (const char* tag : {"SN", "EI"}) {
      for (auto i : m_ix.of(tag)) {
        std::vector<IssnValue> issns = find_issns(m_f[i].value);
        for (auto& v : issns) {
          if (v.kind.empty()) {
            v.kind = std::string_view(tag) == "EI" ? "electronic" : "print";
          }
        }
        if (assign_issns(r.journal, issns)) {
          m_f[i].used = true;
          source(r, std::string_view(tag) == "EI" ? "journal.issn_electronic" : "journal.issn_print", tag);
        }
      }
    }
    text_field(r, "VL", r.volume, "volume");
    text_field(r, "IS", r.issue, "issue");
    text_field(r, "PU", r.publisher, "publisher");
    read_pages(r);
    read_date(r);
    read_ids(r);
    if (TaggedField* ab = first("AB")) {
      std::string text = folded_xml_space(decode_entities(ab->value));
      if (!text.empty()) {
        r.abstract.push_back({"", "", std::move(text)});
        ab->used = true;
        source(r, "abstract", "AB");
      }
    }
    keywords(r, "DE", "");
    keywords(r, "ID", "KeywordsPlus");
    for (auto i : m_ix.of("LA")) {
      for (const auto& part : split_list(m_f[i].value, true)) {
        r.languages.push_back(language_code(part));
      }
      m_f[i].used = true;
      source(r, "languages", "LA");
    }
    for (auto i : m_ix.of("DT")) {
      for (const auto& part : split_list(m_f[i].value)) {
        if (part != "-") {
          r.publication_types.push_back({"", part});
        }
      }
      m_f[i].used = true;
      source(r, "publication_types", "DT");
    }
    r.database = m_options.database.empty() ? "Web of Science" : m_options.database;
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

  void source(Record& r, const char* field, const std::string& tag) { r.field_sources.push_back({field, tag}); }

  void text_field(Record& r, const char* tag, std::string& to, const char* field) {
    if (TaggedField* f = first(tag)) {
      to = folded_xml_space(decode_entities(f->value));
      f->used = true;
      source(r, field, tag);
    }
  }

  // The values of a one-per-line tag: one per line, and split on ';' (older
  // exports put several names on one AU line).
  std::vector<std::string> values(std::string_view tag) {
    std::vector<std::string> out;
    for (auto i : m_ix.of(tag)) {
      for (auto& part : split_list(m_f[i].value)) {
        out.push_back(std::move(part));
      }
    }
    return out;
  }

  void mark_used(std::string_view tag) {
    for (auto i : m_ix.of(tag)) {
      m_f[i].used = true;
    }
  }

  void read_authors(Record& r) {
    const std::vector<std::string> af = values("AF");
    const std::vector<std::string> au = values("AU");
    const bool full = !af.empty();
    const std::vector<std::string>& names = full ? af : au;
    std::vector<std::string> keys; // the name as written, for C1 and OI
    for (std::size_t i = 0; i < names.size(); ++i) {
      Author a = parse_author_name(decode_entities(names[i]));
      if (author_is_empty(a)) {
        continue;
      }
      if (full && i < au.size()) {
        const Author short_form = parse_author_name(au[i]);
        if (!short_form.initials.empty() && iequals(short_form.family, a.family)) {
          a.initials = short_form.initials;
        }
      }
      keys.push_back(name_key(names[i]));
      r.authors.push_back(std::move(a));
    }
    if (!names.empty()) {
      mark_used(full ? "AF" : "AU");
      if (full && au.size() == af.size()) {
        mark_used("AU");
      }
      source(r, "authors", full ? "AF" : "AU");
    }
    for (const char* tag : {"CA", "GP"}) {
      for (const auto& name : values(tag)) {
        r.authors.push_back(collective_author(decode_entities(name)));
        keys.emplace_back();
      }
      if (!m_ix.of(tag).empty()) {
        mark_used(tag);
        source(r, "authors", tag);
      }
    }
    // C1: "[Li, Wei; Dou, Zhiguo] Chinese Acad Forestry, ..." lines.
    bool all_assigned = !m_ix.of("C1").empty();
    for (auto i : m_ix.of("C1")) {
      const std::string_view line = trim_space(m_f[i].value);
      const std::size_t close = line.find(']');
      if (line.empty() || line[0] != '[' || close == std::string_view::npos) {
        all_assigned = false;
        continue;
      }
      const std::string address = folded_xml_space(line.substr(close + 1));
      bool any = false;
      for (const auto& who : split_list(line.substr(1, close - 1))) {
        const std::string key = name_key(who);
        for (std::size_t k = 0; k < keys.size(); ++k) {
          if (!key.empty() && keys[k] == key) {
            r.authors[k].affiliations.push_back(address);
            any = true;
          }
        }
      }
      all_assigned = all_assigned && any && !address.empty();
    }
    if (all_assigned) {
      mark_used("C1");
    }
    // OI: "Name/0000-0002-..." entries.
    for (auto i : m_ix.of("OI")) {
      for (const auto& entry : split_list(m_f[i].value)) {
        const std::size_t slash = entry.rfind('/');
        if (slash == std::string::npos) {
          continue;
        }
        const std::string orcid = normalize_orcid(std::string_view(entry).substr(slash + 1));
        const std::string key = name_key(std::string_view(entry).substr(0, slash));
        for (std::size_t k = 0; k < keys.size() && !orcid.empty(); ++k) {
          if (keys[k] == key && r.authors[k].orcid.empty()) {
            r.authors[k].orcid = orcid;
          }
        }
      }
    }
  }

  void read_pages(Record& r) {
    TaggedField* bp = first("BP");
    TaggedField* ep = first("EP");
    if (bp) {
      const std::string start = normalize_pages(bp->value);
      const std::string end = ep ? normalize_pages(ep->value) : std::string();
      r.pages = end.empty() || end == start ? start : start + "-" + end;
      bp->used = true;
      if (ep) {
        ep->used = true;
      }
      source(r, "pages", "BP");
    } else if (TaggedField* ar = first("AR")) {
      std::string_view v = trim_space(ar->value);
      if (istarts_with(v, "UNSP ")) {
        v = trim_space(v.substr(5));
      }
      r.pages = normalize_pages(v);
      ar->used = true;
      source(r, "pages", "AR");
    } else if (TaggedField* ps = first("PS")) {
      r.pages = normalize_pages(ps->value);
      ps->used = true;
      source(r, "pages", "PS");
    }
  }

  void read_date(Record& r) {
    TaggedField* py = first("PY");
    TaggedField* pd = first("PD");
    if (py) {
      const PubDate d = parse_date(py->value);
      if (d.year) {
        r.pub_date.year = d.year;
        py->used = true;
        source(r, "pub_date", "PY");
      }
    }
    if (pd) {
      const PubDate d = parse_date(pd->value);
      if (r.pub_date.year == 0) {
        r.pub_date.year = d.year;
      }
      if (d.year == 0 || d.year == r.pub_date.year) {
        r.pub_date.month = d.month;
        r.pub_date.day = d.day;
        r.pub_date.season = d.season;
        if (!d.text.empty()) {
          r.pub_date.text = folded_xml_space(pd->value);
        }
        pd->used = true;
        source(r, "pub_date.month", "PD");
      }
    }
  }

  void read_ids(Record& r) {
    for (auto i : m_ix.of("DI")) {
      std::string doi = field_doi(m_f[i].value);
      if (doi.empty()) {
        continue;
      }
      if (r.ids.doi.empty()) {
        r.ids.doi = std::move(doi);
        source(r, "ids.doi", "DI");
      }
      m_f[i].used = m_f[i].used || field_doi(m_f[i].value) == r.ids.doi;
    }
    if (TaggedField* pm = first("PM")) {
      const std::string_view v = trim_space(pm->value);
      if (all_digits(v) && v.size() <= 10) {
        r.ids.pmid = std::string(v);
        pm->used = true;
        source(r, "ids.pmid", "PM");
      }
    }
    for (auto i : m_ix.of("UT")) {
      const std::string v(trim_space(m_f[i].value));
      const std::size_t colon = v.find(':');
      const std::string prefix = colon == std::string::npos ? "" : v.substr(0, colon);
      const std::string rest = colon == std::string::npos ? v : v.substr(colon + 1);
      if (v.empty()) {
        continue;
      }
      if (iequals(prefix, "MEDLINE") && all_digits(rest) && rest.size() <= 10) {
        if (r.ids.pmid.empty()) {
          r.ids.pmid = rest;
          source(r, "ids.pmid", "UT");
        }
        m_f[i].used = rest == r.ids.pmid;
      } else if (iequals(prefix, "INSPEC")) {
        r.ids.other.push_back({"inspec", v});
        m_f[i].used = true;
      } else {
        // WOS:000..., ISI:000... (the older "FN ISI Export Format") and
        // accession numbers without a prefix become "WOS:000..."
        // (normalize_wos_id), the form every reader stores, so one record
        // has one key whatever format it came in. Other databases'
        // prefixes (BCI:, CCC:, ...) stay as given.
        const bool wos_prefix = prefix.empty() || iequals(prefix, "WOS") || iequals(prefix, "ISI");
        r.ids.other.push_back({"wos", wos_prefix ? normalize_wos_id(v) : v});
        m_f[i].used = true;
      }
    }
  }

  void keywords(Record& r, const char* tag, const char* owner) {
    for (auto i : m_ix.of(tag)) {
      for (const auto& part : split_list(decode_entities(m_f[i].value))) {
        r.keywords.push_back({folded_xml_space(part), owner, false});
      }
      m_f[i].used = true;
      source(r, "keywords", tag);
    }
  }

  std::vector<TaggedField>& m_f;
  const TagIndex& m_ix;
  const ReaderOptions& m_options;
};

class WosReader final : public RecordReader {
public:
  WosReader(const std::string& path, const ReaderOptions& options)
    : m_in(path, options.display_name), m_options(options) {
    const std::string head = m_in.peek(k_sniff_bytes);
    if (!looks_like_wos(head) && !is_blank(sniff_text(head))) {
      throw DataError(m_in.display_name(), 0,
                      looks_like_ris(head)
                          ? "not Web of Science plain text: it looks like a RIS file (export \"Plain text "
                            "file\" from the Web of Science, or import it as RIS)"
                          : "not Web of Science plain text: it does not start with an 'FN' header or a 'PT' "
                            "record");
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
        continue;
      }
      WosTag t;
      const bool tagged = parse_wos_tag(m_line, t);
      if (!m_in_record) {
        if (!tagged || t.tag == "FN" || t.tag == "VR" || t.tag == "EF" || t.tag == "ER") {
          if (!tagged) {
            ++m_ignored;
          }
          continue;
        }
        start_record();
        add_field(t.tag, t.value);
        continue;
      }
      if (tagged) {
        if (t.tag == "ER") {
          return emit(item);
        }
        if (t.tag == "EF") {
          return emit(item); // a record without its ER at the end of the file
        }
        if (t.tag == "PT" || t.tag == "FN") {
          m_pushed_back = true; // a missing ER
          return emit(item);
        }
        add_field(t.tag, t.value);
        continue;
      }
      if ((m_line[0] == ' ' || m_line[0] == '\t') && !m_fields.empty()) {
        add_continuation(trim_space(m_line));
        continue;
      }
      ++m_ignored;
    }
  }

  std::vector<std::string> notes() const override {
    return reader_notes(m_in.cp1252_lines(), m_ignored, "without a tag or a continuation indent");
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
    m_index.build(m_building);
    WosRecordBuilder(m_building, m_index, m_options).build(item.record);
    // One-per-line tags left for extra_fields: one entry, values joined.
    join_list_extras(item.record);
    if (!has_title_or_id(item.record)) {
      throw RecordError(m_in.display_name(), start, "record has no title and no identifier");
    }
    finish_record(item.record);
    return true;
  }

  // Merges consecutive extra fields of the same one-per-line tag (CR with
  // hundreds of cited references) into one, joined with "; ".
  static void join_list_extras(Record& r) {
    std::vector<SourceField> merged;
    merged.reserve(r.extra_fields.size());
    for (auto& f : r.extra_fields) {
      if (!merged.empty() && merged.back().tag == f.tag && is_list_tag(f.tag)) {
        merged.back().value += "; ";
        merged.back().value += f.value;
      } else {
        merged.push_back(std::move(f));
      }
    }
    r.extra_fields = std::move(merged);
  }

  TextInput m_in;
  ReaderOptions m_options;
  std::string m_line;
  std::uint64_t m_line_number = 0;
  bool m_pushed_back = false;
  bool m_in_record = false;
  std::vector<TaggedField> m_fields;
  std::vector<TaggedField> m_building;
  TagIndex m_index;
  std::uint64_t m_start_line = 0;
  std::size_t m_bytes = 0;
  bool m_oversize = false;
  std::uint64_t m_ignored = 0;
};

} // namespace

// Web of Science plain text when the first non-blank line is the "FN "
// header, or a "PT x" record start followed within a few lines by another
// WoS tag line ("AU ", "TI ", ...) and no RIS "XX  - " line.
bool looks_like_wos(std::string_view head) {
  const std::string text = sniff_text(head);
  int seen = 0;
  bool started = false;
  bool result = false;
  for_each_line(text, 50, [&](std::string_view line) {
    if (line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      line.remove_prefix(3);
    }
    if (is_blank(line)) {
      return true;
    }
    if (!started) {
      started = true;
      if (line.substr(0, 3) == "FN ") {
        result = true;
        return false;
      }
      WosTag t;
      if (!parse_wos_tag(line, t) || t.tag != "PT" || t.value.empty() || t.value.size() > 3) {
        return false;
      }
      return true;
    }
    WosTag t;
    if (line.size() >= 5 && line.substr(2, 3) == "  -") {
      return false;
    }
    if (parse_wos_tag(line, t) && !t.value.empty()) {
      if (++seen >= 2) {
        result = true;
        return false;
      }
    }
    return true;
  });
  return result;
}

std::unique_ptr<RecordReader> make_wos_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<WosReader>(path, options);
}

} // namespace litrev
