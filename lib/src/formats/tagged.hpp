// Private: helpers shared by the line-tagged readers (RIS, MEDLINE/nbib and
// Web of Science plain text): the field list a reader collects for one
// record, and the value parsers every one of them needs (DOIs, dates, ISSNs,
// languages, pages, inline markup and character entities).
//
// Nothing here reads files; every function takes text and returns text or
// values, never throws except std::bad_alloc, and copes with any bytes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <litrev/record.hpp>

#include "util/normalize.hpp"

namespace litrev {

// One tagged field of a record as read: the tag, the value with its
// continuation lines joined, the 1-based line of the tag. `used` is set by
// the record builder when the value is fully represented in the Record; the
// fields left unused become Record::extra_fields.
struct TaggedField {
  std::string tag;
  std::string value;
  std::uint64_t line = 0;
  bool used = false;
};

// The fields of one record by tag, for the record builders: built once per
// record, then looked up by tag. Reused across records to save allocations.
class TagIndex {
public:
  void build(const std::vector<TaggedField>& fields);
  // The positions in `fields` of the fields with `tag`, in file order.
  const std::vector<std::uint32_t>& of(std::string_view tag) const;

private:
  // Tags are at most four ASCII characters in every tagged format; packed
  // into a number they compare in one instruction. Longer tags (none are
  // produced by the readers) share their first four characters' slot.
  static std::uint32_t key_of(std::string_view tag) noexcept {
    std::uint32_t key = static_cast<std::uint32_t>(std::min<std::size_t>(tag.size(), 4)) << 28;
    for (std::size_t i = 0; i < tag.size() && i < 4; ++i) {
      key ^= static_cast<std::uint32_t>(static_cast<unsigned char>(tag[i]) & 0x7F) << (7 * i);
    }
    return key;
  }
  struct Entry {
    std::uint32_t key = 0;
    std::string tag;
    std::vector<std::uint32_t> positions;
  };
  std::vector<Entry> m_entries;
  std::size_t m_count = 0;
};

// Appends every unused field with a non-empty value to `r.extra_fields`, in
// file order.
void add_unused_fields(Record& r, const std::vector<TaggedField>& fields);

// True when the record can be keyed: it has a title or an identifier (PMID,
// DOI, PMCID, NCT, PII or another id). A record with neither would get the
// same hash key as every other such record.
bool has_title_or_id(const Record& r);

// Sets `r.key` and adds the NCT ids found in the title and abstract. Call
// once the record is complete.
void finish_record(Record& r);

// The notes every tagged reader gives (RecordReader::notes): how many lines
// were read as Windows-1252, and how many lines were ignored, described by
// `ignored_what` ("outside records").
std::vector<std::string> reader_notes(std::uint64_t cp1252_lines, std::uint64_t ignored_lines,
                                      std::string_view ignored_what);

// ---------------------------------------------------------------------------
// Text

// `s` without leading and trailing spaces and tabs (and CR/LF).
std::string_view trim_space(std::string_view s) noexcept;
// True when `s` holds nothing but spaces and tabs.
bool is_blank(std::string_view s) noexcept;
// ASCII case-insensitive comparisons.
bool iequals(std::string_view a, std::string_view b) noexcept;
bool istarts_with(std::string_view s, std::string_view prefix) noexcept;
bool icontains(std::string_view s, std::string_view needle) noexcept;
bool all_digits(std::string_view s) noexcept;

// Decodes character references and the common named entities (&amp; &lt;
// &gt; &quot; &apos; &nbsp; &#39; &#x3b2;). Unknown or invalid ones stay as
// they are. Returns `s` unchanged when it holds no '&'.
std::string decode_entities(std::string_view s);

// percent_decode: see util/normalize.hpp.

// `s` with inline HTML/JATS/MathML markup removed (p, i, b, sub, sup, br,
// jats:*, mml:*, AbstractText, ...), entities decoded and white space folded.
// Only known tag names are treated as markup, so "p<0.05 and q>1" survives.
std::string clean_text(std::string_view s);

// The abstract in `s` as sections: markup is flattened as by clean_text, and
// <AbstractText Label="..." NlmCategory="..."> elements or <jats:title>
// headings (Lens exports) start labelled sections. Text without markup gives
// one unlabelled section. Empty when `s` has no text.
std::vector<AbstractSection> abstract_sections(std::string_view s);

// ---------------------------------------------------------------------------
// Identifiers

// The DOI a DOI field (RIS DO, MEDLINE LID/AID, WoS DI) holds:
// normalize_doi(value) (util/normalize.hpp, the canonical form), or else the
// first DOI anywhere in the value, as find_doi finds it ("Available from
// http://example.org/?doi=10.3390%2Fani1"). "" when there is none.
std::string field_doi(std::string_view value);

// The first DOI anywhere in free text or a URL ("...&doi=10.3390%2fani1&..."),
// lower-cased, without trailing punctuation; "" when there is none.
std::string find_doi(std::string_view text);

// A bare ORCID (0000-0002-1825-0097) from "ORCID: ...", a URL or the bare
// form; "" when `value` holds none.
std::string normalize_orcid(std::string_view value);

// ---------------------------------------------------------------------------
// Dates

// 1..12 for a month name or its abbreviation in English ("Jan", "JAN",
// "January", "Sept", "sep."), else 0.
int month_from_name(std::string_view s) noexcept;

// Parses a publication date as reference files write it:
//   RIS       "2016", "2016/09//", "2013/02/15/received", "2015/october",
//             "1975-1976//", "2001///", "YEAR/MONTH/DAY/" (nothing)
//   MEDLINE   "2017 Nov 15", "2006 Mar-Apr", "1999 Winter", "2013 06 10"
//   WoS       "DEC 16 2020", "NOV-DEC", "JUN 14", "04 2006", "SPR"
//   others    "2019-03-28", "Mar. 2017", "4-8 Aug. 2020", "20170812"
// The year is the first four-digit year (1000..2999); two-digit years are not
// guessed. A range of months or years keeps the first and puts the whole
// date in `text`; a season goes to `season` ("Spring", ...).
PubDate parse_date(std::string_view s);

// ---------------------------------------------------------------------------
// Journals, pages, languages

struct IssnValue {
  std::string issn; // 1234-567X
  std::string kind; // "print", "electronic", "linking" or "" when not said
};

// The ISSNs in `s` with the qualifier that follows each, as exporters write
// them: "0955-2359 (Print)", "0964-6906 (Print)0964-6906", "20762615 (ISSN)",
// "1573-3602 1050-5350", "1999-7777(Electronic),0222-6666(Print)",
// "ISSN-1234-4567". Digit runs that are part of an ISBN are skipped.
std::vector<IssnValue> find_issns(std::string_view s);

// Puts `issns` into `j`: qualified ones where they belong, unqualified ones
// into issn_print, then issn_electronic, when those are still empty. Returns
// true when at least one was stored.
bool assign_issns(Journal& j, const std::vector<IssnValue>& issns);

// Pages as given, with "--", en and em dashes turned into "-", spaces around
// the dash dropped and a leading "pp."/"p." removed ("pp 37-64" -> "37-64").
std::string normalize_pages(std::string_view s);

// The ISO 639-2 code of a language written as its English name ("English"
// -> "eng", "Portuguese" -> "por"); anything else as given (trimmed).
std::string language_code(std::string_view s);

// Splits on ';' (and ',' when `also_comma`), trims, drops empty parts.
std::vector<std::string> split_list(std::string_view s, bool also_comma = false);

// ---------------------------------------------------------------------------
// Sniffing

// The first bytes of a file as UTF-8 text for sniffing: a UTF-8 BOM dropped,
// UTF-16 with a BOM decoded (only as far as `head` goes).
std::string sniff_text(std::string_view head);

// Calls `each(line)` for the lines of `text` (LF, CRLF or CR ends), at most
// `max_lines`, stopping early when `each` returns false.
template <typename Each>
void for_each_line(std::string_view text, std::size_t max_lines, Each each) {
  std::size_t pos = 0;
  for (std::size_t n = 0; n < max_lines && pos < text.size(); ++n) {
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    if (!each(text.substr(pos, end - pos))) {
      return;
    }
    pos = end;
    if (pos < text.size() && text[pos] == '\r') {
      ++pos;
    }
    if (pos < text.size() && text[pos] == '\n') {
      ++pos;
    }
  }
}

} // namespace litrev
