// Private: a record reduced to the normalised fields the duplicate
// comparison needs (see litrev/dedup.hpp for the method).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <litrev/record.hpp>

namespace litrev::dedup {

// What kind of report a record is, when it is not an ordinary one. Two
// records of different kinds are never the same report.
enum class Notice : std::uint8_t { none, erratum, retraction, comment, concern };

const char* notice_name(Notice n);

struct AuthorKey {
  std::string family;      // normalised words, e.g. "le quintrec"
  std::string given_words; // full given names (>= 3 letters), normalised, for mangled names
  char initial = 0;        // first initial, lower case; 0 when unknown
};

struct PageInfo {
  std::string first; // digits of the first page, no leading zeros; "" when none
  std::string last;  // digits of the last page after expansion; "" when none
  std::string text;  // expand_page_range() form, for explanations
  bool suspect = false;  // the range runs backwards: which end is wrong is unknown
  bool elocator = false; // an article number (e123, or 5+ digits without a range)
};

constexpr std::size_t k_sketch = 16;

struct Prepared {
  std::string doi;
  std::string pmid;
  std::string title;         // dedup_title_key()
  std::string title_compact; // title without spaces
  std::uint16_t title_sig = 0; // significant (non-stop) words in the title
  bool translated = false;     // bracketed title or language tag: a translation
  Notice notice = Notice::none;
  bool registration = false; // a trial registry entry
  std::vector<AuthorKey> authors; // the first k_max_authors persons
  std::string journal;            // normalised words, stop words dropped
  std::string journal_acronym;
  bool conference = false; // conference / meeting / supplement signals
  std::string volume;      // "12", "77-78"; "" unknown
  std::string issue;       // "3", "1-3"; "" unknown or a supplement
  bool supplement = false;
  PageInfo pages;
  int year = 0;
  std::string isbn;
  // MinHash sketch of the abstract's word pairs; abstract_words is 0 (and
  // the sketch unused) when the abstract has fewer than k_min_abstract_words
  // words.
  std::array<std::uint32_t, k_sketch> abstract_sketch{};
  std::uint16_t abstract_words = 0;
};

constexpr std::size_t k_max_authors = 10;
constexpr std::size_t k_min_abstract_words = 30;

Prepared prepare(const Record& r);

// True when the page range spans three or more pages: a full article.
bool article_like(const Prepared& p);

// Title helpers, shared with the public dedup_title_key().
struct TitleInfo {
  std::string key;
  bool translated = false;
  Notice notice = Notice::none;
};
TitleInfo analyse_title(std::string_view raw);

std::string normalize_words(std::string_view s); // match_key + spelling folds
bool is_stop_word(std::string_view w);

PageInfo parse_pages(std::string_view pages);

} // namespace litrev::dedup
