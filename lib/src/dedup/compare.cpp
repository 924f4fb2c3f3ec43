// Comparing two records and deciding (compare.hpp).
//
// The thresholds are round numbers chosen from what the fields mean, not
// fitted to a data set: .8 is "similar" for titles (an edit in one word in
// five), .95 "the same title with a typo", .9 for an abstract-backed rule as
// in ASySD; authors agree when the first authors match and two thirds of the
// shorter list matches. Rules and vetoes follow the published tools' logic
// (ASySD's AND-rules and "maybe" band, bib-dedupe's non-duplicate
// conditions, DedupEndNote's year/page gates), written anew.
#include "dedup/compare.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>

#include <fmt/core.h>

#include "util/text.hpp"

namespace litrev::dedup {

namespace {


std::vector<std::string_view> words_of(std::string_view s) {
  std::vector<std::string_view> out;
  split_on_spaces(s, out);
  return out;
}

bool has_digit(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Words that number or letter a part, a phase, a type: "2", "ii", "b".
bool number_like(std::string_view w) {
  if (has_digit(w)) {
    return true;
  }
  using namespace std::string_view_literals;
  static constexpr std::string_view k_roman[] = {"ii"sv, "iii"sv, "iv"sv, "vi"sv, "vii"sv,
                                                 "viii"sv, "ix"sv, "xi"sv, "xii"sv};
  for (std::string_view r : k_roman) {
    if (w == r) {
      return true;
    }
  }
  return w.size() == 1 && w != "a" && w != "s";
}

bool is_particle(std::string_view w) {
  using namespace std::string_view_literals;
  static constexpr std::string_view k_particles[] = {
      "de"sv, "da"sv, "do"sv,  "dos"sv, "das"sv, "del"sv, "della"sv, "di"sv, "du"sv, "la"sv,  "le"sv, "van"sv, "von"sv,
      "der"sv, "den"sv, "ten"sv, "ter"sv, "el"sv, "al"sv, "y"sv,   "st"sv,    "mc"sv, "mac"sv, "bin"sv, "ibn"sv};
  for (std::string_view p : k_particles) {
    if (w == p) {
      return true;
    }
  }
  return false;
}

// Levenshtein distance <= 1, in one pass.
bool within_one_edit(std::string_view x, std::string_view y) {
  if (x.size() > y.size()) {
    std::swap(x, y);
  }
  if (y.size() - x.size() > 1) {
    return false;
  }
  std::size_t i = 0;
  while (i < x.size() && x[i] == y[i]) {
    ++i;
  }
  if (x.size() == y.size()) {
    return x.substr(i + (i < x.size() ? 1 : 0)) == y.substr(i + (i < y.size() ? 1 : 0));
  }
  return x.substr(i) == y.substr(i + 1);
}

// Two title words that are the same word: equal, or a typo away when long
// enough for a typo to be told from another word. Numbers must be equal.
// 1..12 for a Roman numeral, else 0.
int roman_value(std::string_view w) {
  using namespace std::string_view_literals;
  static constexpr std::string_view k_numerals[] = {"i"sv,   "ii"sv, "iii"sv, "iv"sv, "v"sv,  "vi"sv,
                                                    "vii"sv, "viii"sv, "ix"sv, "x"sv, "xi"sv, "xii"sv};
  for (std::size_t k = 0; k < std::size(k_numerals); ++k) {
    if (w == k_numerals[k]) {
      return static_cast<int>(k) + 1;
    }
  }
  return 0;
}

bool same_word(std::string_view x, std::string_view y) {
  if (x == y) {
    return true;
  }
  if (has_digit(x) || has_digit(y)) {
    // "type II" / "type 2".
    const int rx = roman_value(x);
    const int ry = roman_value(y);
    return (rx != 0 && y == std::to_string(rx)) || (ry != 0 && x == std::to_string(ry));
  }
  const std::size_t m = std::min(x.size(), y.size());
  const std::size_t diff = std::max(x.size(), y.size()) - m;
  if (m < 5 || diff > 2) {
    return false;
  }
  if (within_one_edit(x, y)) {
    return true;
  }
  // Two edits only in long words, and (a cheap filter run for every pair of
  // unmatched words) only when the words start or end alike.
  return m >= 9 && (x.front() == y.front() || x.back() == y.back()) && bounded_levenshtein(x, y, 2) <= 2;
}

double lev_ratio(std::string_view a, std::string_view b, double floor_ratio) {
  const std::size_t n = std::max(a.size(), b.size());
  if (n == 0) {
    return 1.0;
  }
  const auto max = static_cast<std::size_t>(std::floor(static_cast<double>(n) * (1.0 - floor_ratio)));
  const std::size_t d = bounded_levenshtein(a, b, max);
  if (d > max) {
    return 0.0;
  }
  return 1.0 - static_cast<double>(d) / static_cast<double>(n);
}

std::string sig_compact(const std::vector<std::string_view>& w) {
  std::string out;
  for (std::string_view x : w) {
    if (!is_stop_word(x)) {
      out += x;
    }
  }
  return out;
}

bool informative_title(std::size_t sig, std::size_t compact) { return sig >= 4 && compact >= 35; }

// The containment is trusted alone only when it looks like truncation or an
// added subtitle or heading (the shorter title is the start or the end of
// the longer), or the shorter title is long.
void set_informative(Comparison& c) {
  c.informative = informative_title(c.title_min_sig, c.title_shorter) &&
                  (!c.title_contained || c.title_end_contained || c.title_shorter >= 60 || c.title >= 0.95);
}

void compare_titles(const Prepared& a, const Prepared& b, Comparison& c) {
  if (a.title_compact.empty() || b.title_compact.empty()) {
    return;
  }
  c.title_missing = false;
  if (a.title_compact == b.title_compact) {
    c.title = 1.0;
    c.title_equal = true;
    c.informative = informative_title(a.title_sig, a.title_compact.size());
    return;
  }
  thread_local std::vector<std::string_view> wa;
  thread_local std::vector<std::string_view> wb;
  thread_local std::vector<char> ma;
  thread_local std::vector<char> mb;
  split_on_spaces(a.title, wa);
  split_on_spaces(b.title, wb);
  ma.assign(wa.size(), 0);
  mb.assign(wb.size(), 0);
  for (std::size_t i = 0; i < wa.size(); ++i) {
    for (std::size_t j = 0; j < wb.size(); ++j) {
      if (!mb[j] && wa[i] == wb[j]) {
        ma[i] = mb[j] = 1;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < wa.size(); ++i) {
    for (std::size_t j = 0; !ma[i] && j < wb.size(); ++j) {
      if (!mb[j] && same_word(wa[i], wb[j])) {
        ma[i] = mb[j] = 1;
      }
    }
  }
  // A word written as two ("long term" / "longterm", "c 3" / "c3").
  auto joins = [](const std::vector<std::string_view>& x, std::vector<char>& mx,
                  const std::vector<std::string_view>& y, std::vector<char>& my) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (mx[i]) {
        continue;
      }
      for (std::size_t j = 0; j + 1 < y.size(); ++j) {
        if (!my[j] && !my[j + 1] && x[i].size() == y[j].size() + y[j + 1].size() &&
            x[i].substr(0, y[j].size()) == y[j] && x[i].substr(y[j].size()) == y[j + 1]) {
          mx[i] = my[j] = my[j + 1] = 1;
          break;
        }
      }
    }
  };
  joins(wa, ma, wb, mb);
  joins(wb, mb, wa, ma);
  // A title cut short may end in half a word.
  auto cut_word = [](const std::vector<std::string_view>& x, std::vector<char>& mx,
                     const std::vector<std::string_view>& y, std::vector<char>& my) {
    if (x.empty() || mx.back() || x.back().size() < 2) {
      return;
    }
    // Spelling folds happen after the cut ("ha|emolytic" -> "ha" against
    // "hemolytic"), so one edit is allowed in the fragment.
    const std::string_view frag = x.back();
    for (std::size_t j = 0; j < y.size(); ++j) {
      if (!my[j] && y[j].size() > frag.size() &&
          (y[j].substr(0, frag.size()) == frag || within_one_edit(y[j].substr(0, frag.size()), frag))) {
        mx.back() = my[j] = 1;
        return;
      }
    }
  };
  cut_word(wa, ma, wb, mb);
  cut_word(wb, mb, wa, ma);

  std::size_t extra_a = 0;
  std::size_t extra_b = 0;
  std::size_t num_a = 0;
  std::size_t num_b = 0;
  std::size_t sig_a = 0;
  std::size_t sig_b = 0;
  for (std::size_t i = 0; i < wa.size(); ++i) {
    if (is_stop_word(wa[i])) {
      continue;
    }
    ++sig_a;
    if (!ma[i]) {
      ++extra_a;
      num_a += number_like(wa[i]) ? 1 : 0;
    }
  }
  for (std::size_t j = 0; j < wb.size(); ++j) {
    if (is_stop_word(wb[j])) {
      continue;
    }
    ++sig_b;
    if (!mb[j]) {
      ++extra_b;
      num_b += number_like(wb[j]) ? 1 : 0;
    }
  }
  const double word_sim = sig_a + sig_b == 0
                              ? 0.0
                              : static_cast<double>(sig_a - extra_a + sig_b - extra_b) /
                                    static_cast<double>(sig_a + sig_b);
  c.title = 0.9 * word_sim;
  c.word_sim = word_sim;
  c.title_conflict = extra_a > 0 && extra_b > 0;
  c.title_numbers = num_a > 0 && num_b > 0;

  const bool a_shorter = a.title_compact.size() <= b.title_compact.size();
  const Prepared& s = a_shorter ? a : b;
  const Prepared& l = a_shorter ? b : a;
  const std::size_t extra_s = a_shorter ? extra_a : extra_b;
  const std::size_t sig_s = a_shorter ? sig_a : sig_b;
  const bool prefix = l.title_compact.compare(0, s.title_compact.size(), s.title_compact) == 0;
  const bool suffix =
      l.title_compact.compare(l.title_compact.size() - s.title_compact.size(), std::string::npos, s.title_compact) == 0;
  if ((extra_s == 0 && sig_s >= 3) || ((prefix || suffix) && s.title_compact.size() >= 30)) {
    c.title_contained = true;
    c.title_conflict = false;
    // A truncated title may end in a stray letter or number ("... type B"
    // cut to "... type"), which is no evidence of a different part.
    c.title_numbers = false;
  }
  c.title_end_contained = prefix || suffix;
  c.title_min_sig = std::min(sig_a, sig_b);
  c.title_shorter = s.title_compact.size();
  set_informative(c);
}

// The character-level part of the title similarity, O(length x band): run
// only for pairs no veto blocked (and for explanations), and only when the
// words mostly agree (typos inside short words, spacing, word order).
void refine_title(const Prepared& a, const Prepared& b, Comparison& c) {
  if (c.title_missing || c.title_equal || c.word_sim < 0.5) {
    return;
  }
  double t = std::max(c.title, lev_ratio(a.title_compact, b.title_compact, 0.75));
  if (t < 0.95) {
    thread_local std::vector<std::string_view> wa;
    thread_local std::vector<std::string_view> wb;
    split_on_spaces(a.title, wa);
    split_on_spaces(b.title, wb);
    t = std::max(t, lev_ratio(sig_compact(wa), sig_compact(wb), 0.75));
  }
  c.title = std::min(1.0, t);
  set_informative(c);
}

bool same_person(const AuthorKey& x, const AuthorKey& y) {
  if (x.family == y.family) {
    return true;
  }
  auto compact = [](const std::string& s) {
    std::string o;
    for (char ch : s) {
      if (ch != ' ') {
        o += ch;
      }
    }
    return o;
  };
  const std::string cx = compact(x.family);
  const std::string cy = compact(y.family);
  if (cx == cy) {
    return true;
  }
  if (std::min(cx.size(), cy.size()) >= 5 && within_one_edit(cx, cy)) {
    return true;
  }
  // "CAG B" read as initials CAG of a Mr B: a one-letter family name
  // against the other's initial, and the other way round.
  auto swapped = [](const AuthorKey& s, const AuthorKey& o) {
    return s.family.size() == 1 && o.initial == s.family[0] && s.initial != 0 && !o.family.empty() &&
           o.family[0] == s.initial;
  };
  if (swapped(x, y) || swapped(y, x)) {
    return true;
  }
  if (x.family.find(' ') == std::string::npos && y.family.find(' ') == std::string::npos &&
      x.given_words.empty() && y.given_words.empty()) {
    return false;
  }
  // Compound and mangled names: "Lopez, Rubio M." / "Rubio, M. L.",
  // "Le, Quintrec M." / "Le Quintrec, M.", "Kathryn, Liszewski M." /
  // "Liszewski, M. K.": a shared name word that is a family name on at
  // least one side.
  const std::vector<std::string_view> fx = words_of(x.family);
  const std::vector<std::string_view> fy = words_of(y.family);
  const std::vector<std::string_view> gx = words_of(x.given_words);
  const std::vector<std::string_view> gy = words_of(y.given_words);
  // "Van Der Pol" / "Pol" (a particle read as a given name): the whole of
  // one family name is a word of the other's.
  auto whole = [](const std::vector<std::string_view>& fam, const std::string& other) {
    for (std::string_view w : fam) {
      if (w.size() >= 2 && !is_particle(w) && w == other) {
        return true;
      }
    }
    return false;
  };
  if ((fx.size() > 1 && whole(fx, y.family)) || (fy.size() > 1 && whole(fy, x.family))) {
    return true;
  }
  auto hit = [](const std::vector<std::string_view>& fam, const std::vector<std::string_view>& other_fam,
                const std::vector<std::string_view>& other_given) {
    for (std::string_view w : fam) {
      if (w.size() < 4 || is_particle(w)) {
        continue;
      }
      for (std::string_view v : other_fam) {
        if (v == w) {
          return true;
        }
      }
      for (std::string_view v : other_given) {
        if (v == w) {
          return true;
        }
      }
    }
    return false;
  };
  return hit(fx, fy, gy) || hit(fy, fx, gx);
}

void compare_authors(const Prepared& a, const Prepared& b, Comparison& c) {
  if (a.authors.empty() || b.authors.empty()) {
    return;
  }
  std::vector<char> used(b.authors.size(), 0);
  std::size_t matched = 0;
  for (const AuthorKey& x : a.authors) {
    for (std::size_t j = 0; j < b.authors.size(); ++j) {
      if (!used[j] && same_person(x, b.authors[j])) {
        used[j] = 1;
        ++matched;
        break;
      }
    }
  }
  c.first_author = same_person(a.authors.front(), b.authors.front());
  const std::size_t n = std::min(a.authors.size(), b.authors.size());
  c.author_score = static_cast<double>(matched) / static_cast<double>(n);
  if (c.first_author && c.author_score >= 0.66) {
    c.authors = Agree::agree;
  } else if (matched == 0) {
    c.authors = Agree::differ;
  } else {
    c.authors = Agree::partial;
  }
}

// Abbreviation-aware journal similarity: the longest in-order alignment of
// words where a word matches another it is a prefix of ("J Am Soc Nephrol"
// / "Journal of the American Society of Nephrology", also names cut at 50
// characters), over the longer name's word count.
void compare_journals(const Prepared& a, const Prepared& b, Comparison& c) {
  if (a.journal.empty() || b.journal.empty() || (a.conference && b.conference && a.journal != b.journal &&
                                                 (a.journal.find("congress") != std::string::npos ||
                                                  b.journal.find("congress") != std::string::npos ||
                                                  a.journal.find("meeting") != std::string::npos ||
                                                  b.journal.find("meeting") != std::string::npos ||
                                                  a.journal.find("symposium") != std::string::npos ||
                                                  b.journal.find("symposium") != std::string::npos))) {
    // Missing, or two conference abstracts of which one names the meeting
    // and the other the journal supplement: the container says nothing.
    if (!a.isbn.empty() && !b.isbn.empty()) {
      c.isbn = a.isbn == b.isbn ? Agree::agree : Agree::differ;
    }
    return;
  }
  if (!a.isbn.empty() && !b.isbn.empty()) {
    c.isbn = a.isbn == b.isbn ? Agree::agree : Agree::differ;
  }
  if (a.journal == b.journal) {
    c.journal = Agree::agree;
    c.journal_score = 1.0;
    return;
  }
  const std::vector<std::string_view> x = words_of(a.journal);
  const std::vector<std::string_view> y = words_of(b.journal);
  const std::size_t n = std::min<std::size_t>(x.size(), 24);
  const std::size_t m = std::min<std::size_t>(y.size(), 24);
  std::vector<std::size_t> dp((n + 1) * (m + 1), 0);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return dp[i * (m + 1) + j]; };
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::string_view u = x[i - 1];
      const std::string_view v = y[j - 1];
      const bool match = u.size() <= v.size() ? v.compare(0, u.size(), u) == 0 : u.compare(0, v.size(), v) == 0;
      at(i, j) = match ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  const std::size_t lcs = at(n, m);
  c.journal_score = static_cast<double>(lcs) / static_cast<double>(std::max(n, m));
  const bool contained = lcs == std::min(n, m) && std::min(n, m) >= 2;
  if (c.journal_score >= 0.8 || contained) {
    c.journal = Agree::agree;
  } else if (c.journal_score >= 0.5) {
    c.journal = Agree::partial;
  } else {
    c.journal = Agree::differ;
  }
}

// "77-78" contains "77"; equal keys agree.
Agree compare_numbers(const std::string& x, const std::string& y) {
  if (x.empty() || y.empty()) {
    return Agree::missing;
  }
  if (x == y) {
    return Agree::agree;
  }
  auto in_range = [](const std::string& r, const std::string& v) {
    const std::size_t d = r.find('-');
    if (d == std::string::npos || v.find('-') != std::string::npos || v.size() > 9) {
      return false;
    }
    const std::string lo = r.substr(0, d);
    const std::string hi = r.substr(d + 1);
    if (lo.empty() || hi.empty() || lo.size() > 9 || hi.size() > 9) {
      return false;
    }
    const long l = std::stol(lo);
    const long h = std::stol(hi);
    const long q = std::stol(v);
    return q >= l && q <= h;
  };
  return in_range(x, y) || in_range(y, x) ? Agree::agree : Agree::differ;
}

void compare_pages(const Prepared& a, const Prepared& b, Comparison& c) {
  const PageInfo& x = a.pages;
  const PageInfo& y = b.pages;
  if (x.first.empty() || y.first.empty()) {
    return;
  }
  c.first_page = x.first == y.first ? Agree::agree : Agree::differ;
  if (!x.last.empty() && !y.last.empty()) {
    c.last_page = x.last == y.last ? Agree::agree : Agree::differ;
  }
  if (c.first_page == Agree::differ) {
    // A backwards range (which end is the typo?), or an article number
    // against a page count that starts at 1 (e-journals in some databases).
    c.pages_unreliable = x.suspect || y.suspect || (x.elocator && y.first == "1") || (y.elocator && x.first == "1") ||
                         (x.elocator != y.elocator);
    // "1-10" against "123": a page count given for an article number.
    if ((x.first == "1" && !x.last.empty() && y.last.empty()) ||
        (y.first == "1" && !y.last.empty() && x.last.empty())) {
      c.pages_unreliable = true;
    }
    // "2141-2147" / "2142-2147": two multi-page articles of one volume cannot
    // end on the same page, so a one-digit difference in the first page is
    // a typo.
    if (c.last_page == Agree::agree && article_like(a) && article_like(b) &&
        x.first.size() == y.first.size() && bounded_levenshtein(x.first, y.first, 1) <= 1) {
      c.pages_unreliable = true;
    }
  }
}

} // namespace

std::size_t bounded_levenshtein(std::string_view a, std::string_view b, std::size_t max) {
  if (a.size() > b.size()) {
    std::swap(a, b);
  }
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  const std::size_t inf = max + 1;
  if (m - n > max) {
    return inf;
  }
  if (n == 0) {
    return m;
  }
  thread_local std::vector<std::size_t> prev_buf;
  thread_local std::vector<std::size_t> cur_buf;
  prev_buf.assign(m + 1, inf);
  cur_buf.assign(m + 1, inf);
  std::size_t* prev = prev_buf.data();
  std::size_t* cur = cur_buf.data();
  for (std::size_t j = 0; j <= std::min(m, max); ++j) {
    prev[j] = j;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    const std::size_t lo = i > max ? i - max : 1;
    const std::size_t hi = std::min(m, i + max);
    if (i <= max) {
      cur[0] = i;
    } else {
      cur[lo - 1] = inf;
    }
    std::size_t row_min = i <= max ? cur[0] : inf;
    for (std::size_t j = lo; j <= hi; ++j) {
      std::size_t v = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      v = std::min(v, prev[j] + 1);
      v = std::min(v, cur[j - 1] + 1);
      cur[j] = std::min(v, inf);
      row_min = std::min(row_min, cur[j]);
    }
    if (hi + 1 <= m) {
      cur[hi + 1] = inf;
    }
    if (row_min > max) {
      return inf;
    }
    std::swap(prev, cur);
  }
  return std::min(prev[m], inf);
}

Comparison compare(const Prepared& a, const Prepared& b, bool full) {
  Comparison c;
  compare_titles(a, b, c);
  compare_authors(a, b, c);
  compare_journals(a, b, c);
  if (a.year != 0 && b.year != 0) {
    c.year_gap = std::abs(a.year - b.year);
  }
  c.volume = compare_numbers(a.volume, b.volume);
  c.issue = compare_numbers(a.issue, b.issue);
  compare_pages(a, b, c);
  if (!a.doi.empty() && !b.doi.empty()) {
    c.doi = a.doi == b.doi ? Agree::agree : Agree::differ;
  }
  if (!a.pmid.empty() && !b.pmid.empty()) {
    c.pmid = a.pmid == b.pmid ? Agree::agree : Agree::differ;
  }
  if (a.abstract_words > 0 && b.abstract_words > 0) {
    std::size_t same = 0;
    for (std::size_t k = 0; k < k_sketch; ++k) {
      same += a.abstract_sketch[k] == b.abstract_sketch[k] ? 1 : 0;
    }
    c.abstract_score = static_cast<double>(same) / static_cast<double>(k_sketch);
    c.abstract = c.abstract_score >= 0.6    ? Agree::agree
                 : c.abstract_score > 0.125 ? Agree::partial
                                            : Agree::differ;
  }
  c.notice_mismatch = a.notice != b.notice;
  if (c.notice_mismatch && (a.notice == Notice::none || b.notice == Notice::none) &&
      (a.notice == Notice::erratum || b.notice == Notice::erratum || a.notice == Notice::retraction ||
       b.notice == Notice::retraction) &&
      c.volume == Agree::agree && c.first_page == Agree::agree && c.last_page != Agree::differ &&
      c.issue != Agree::differ) {
    // An erratum or retraction notice is printed on its own page: a record
    // with the same volume and pages is that notice, whose title one
    // database did not prefix with "Erratum". (Not so for replies, which
    // can share a page with the letter they answer.)
    c.notice_mismatch = false;
  }
  c.abstract_vs_article = c.first_page != Agree::agree &&
                          ((a.conference && !b.conference && article_like(b)) ||
                           (b.conference && !a.conference && article_like(a)));

  const bool a_agree = c.authors == Agree::agree;
  const bool a_conflict = c.authors == Agree::differ;
  const bool a_missing = c.authors == Agree::missing;
  const bool j_agree = c.journal == Agree::agree || c.isbn == Agree::agree;
  const bool j_differ = c.journal == Agree::differ && c.isbn != Agree::agree;
  const bool v = c.volume == Agree::agree;
  const bool p = c.first_page == Agree::agree;
  const bool y_same = c.year_gap == 0;

  // Vetoes: a pair that trips one is never merged.
  const char* veto = nullptr;
  if (c.pmid == Agree::differ) {
    veto = "veto:pmid";
  } else if (c.notice_mismatch) {
    veto = "veto:notice";
  } else if (a.registration != b.registration) {
    veto = "veto:registration";
  } else if (c.year_gap > 1) {
    veto = "veto:year";
  } else if (c.volume == Agree::differ) {
    veto = "veto:volume";
  } else if (c.first_page == Agree::differ && !c.pages_unreliable) {
    veto = "veto:first-page";
  } else if (c.issue == Agree::differ && (!p || c.year_gap >= 1)) {
    // Same page, other issue and other year: the next version of a
    // continuously updated report (a Cochrane review keeps its article
    // number across updates), not a typo.
    veto = "veto:issue";
  } else if (c.abstract_vs_article) {
    veto = "veto:abstract-vs-article";
  } else if (c.title_numbers) {
    veto = "veto:title-number";
  }
  if (!veto || full) {
    refine_title(a, b, c);
  }
  if (!veto && c.doi == Agree::differ &&
      !(c.title >= 0.95 && !c.title_conflict && a_agree && y_same && v && p && !j_differ)) {
    // Supplement abstracts share a DOI, so equality proves little; a
    // different DOI is strong evidence of a different work, unless every
    // other field says the same report (then one DOI is simply wrong).
    veto = "veto:doi";
  }
  c.veto = veto;
  const bool title_similar = c.title >= 0.8 || c.title_contained;
  for (Agree f : {c.authors, c.journal, c.volume, c.issue, c.first_page, c.last_page, c.doi, c.pmid, c.abstract}) {
    c.strength += f == Agree::agree ? 1.0 : f == Agree::partial ? 0.5 : 0.0;
  }
  c.strength += c.title + (y_same ? 1.0 : 0.0);

  if (veto) {
    // Report the vetoes that decided something: pairs that looked alike.
    // (Without the character-level score the word-level one decides.)
    if (std::max(c.title, c.word_sim) >= 0.8 || (c.title_contained && c.informative) || c.doi == Agree::agree ||
        c.pmid == Agree::agree) {
      c.decided = true;
      c.verdict = PairVerdict::vetoed;
      c.rule = veto;
    }
    return c;
  }

  const char* rule = nullptr;
  if (c.pmid == Agree::agree && (c.title_missing || title_similar)) {
    rule = "same-pmid";
  } else if (c.doi == Agree::agree && !c.title_missing && (c.title >= 0.9 || c.title_contained) &&
             !c.title_conflict && !a_conflict) {
    rule = "same-doi";
  } else if (c.doi == Agree::agree && v && p && a_agree && c.year_gap >= 0 &&
             (c.title >= 0.5 || a.translated || b.translated)) {
    // Same DOI, volume, first page and authors: a title translated or
    // retitled by one database.
    rule = "same-doi";
  } else if (v && p && !a_conflict && (!a_missing || j_agree) &&
             (c.title_equal || c.title_contained || (c.title >= 0.8 && !c.title_conflict))) {
    rule = "title+volume+page";
  } else if (c.title >= 0.95 && !c.title_conflict && c.informative && a_agree && j_agree &&
             (y_same || ((c.year_gap == -1 || c.year_gap == 1) && (v || p)))) {
    rule = "title+authors+journal";
  } else if ((c.title_equal || (c.title >= 0.98 && !c.title_conflict)) && c.informative && a_agree && y_same &&
             !j_differ) {
    rule = "title+authors+year";
  } else if (c.title_contained && c.informative && a_agree && y_same &&
             (j_agree || (v && c.issue == Agree::agree && !j_differ))) {
    rule = "contained-title";
  } else if ((a.translated || b.translated) && v && p && a_agree && !j_differ && c.year_gap >= 0) {
    rule = "translated-title";
  } else if (c.title >= 0.9 && !c.title_conflict && c.abstract == Agree::agree && !a_conflict && c.year_gap <= 1) {
    rule = "title+abstract";
  }
  if (rule) {
    c.decided = true;
    if (c.abstract == Agree::differ && c.pmid != Agree::agree) {
      // Two reports of one trial share title, authors and journal; their
      // abstracts do not.
      c.verdict = PairVerdict::maybe;
      c.rule = "maybe:abstracts-differ";
    } else {
      c.verdict = PairVerdict::duplicate;
      c.rule = rule;
    }
    return c;
  }

  if (c.doi == Agree::agree && (c.title_missing || c.title >= 0.5)) {
    c.rule = "maybe:same-doi";
  } else if (title_similar && !a_conflict && (c.informative || v || p || (j_agree && y_same))) {
    c.rule = "maybe:similar-title";
  } else if (c.title_equal && c.informative && y_same) {
    c.rule = "maybe:similar-title";
  } else if (v && p && a_agree && c.year_gap >= 0) {
    c.rule = "maybe:same-citation";
  } else {
    return c;
  }
  c.decided = true;
  c.verdict = PairVerdict::maybe;
  return c;
}

std::vector<FieldComparison> explain(const Prepared& a, const Prepared& b, const Comparison& c) {
  auto name = [](Agree x) {
    switch (x) {
    case Agree::agree:
      return "agree";
    case Agree::partial:
      return "partial";
    case Agree::differ:
      return "differ";
    case Agree::missing:
      return "missing";
    }
    return "missing";
  };
  auto round3 = [](double x) { return std::round(x * 1000.0) / 1000.0; };
  std::vector<FieldComparison> out;
  {
    FieldComparison f{"title", "missing", 0.0, ""};
    if (!c.title_missing) {
      f.score = round3(c.title);
      f.outcome = c.title_equal                           ? "agree"
                  : (c.title >= 0.95 && !c.title_conflict) ? "agree"
                  : (c.title >= 0.8 || c.title_contained)  ? "partial"
                                                           : "differ";
      std::string d;
      if (c.title_equal) {
        d = "equal after normalisation";
      } else if (c.title_contained) {
        d = "one title contains the other";
      } else if (c.title_numbers) {
        d = "numbers differ";
      } else if (c.title_conflict) {
        d = "words differ";
      }
      if (a.translated || b.translated) {
        d += d.empty() ? "translated title" : "; translated title";
      }
      if (a.notice != Notice::none || b.notice != Notice::none) {
        d += (d.empty() ? "" : "; ") + std::string(notice_name(a.notice)) + " vs " + notice_name(b.notice);
      }
      f.detail = d;
    } else if (a.notice != b.notice) {
      f.detail = std::string(notice_name(a.notice)) + " vs " + notice_name(b.notice);
    }
    out.push_back(f);
  }
  {
    FieldComparison f{"authors", name(c.authors), round3(c.author_score), ""};
    if (c.authors != Agree::missing) {
      f.detail = fmt::format("{} vs {}{}", a.authors.front().family, b.authors.front().family,
                             c.first_author ? " (first authors match)" : "");
    }
    out.push_back(f);
  }
  {
    FieldComparison f{"year", "missing", 0.0, ""};
    if (c.year_gap >= 0) {
      f.outcome = c.year_gap == 0 ? "agree" : c.year_gap == 1 ? "partial" : "differ";
      f.score = c.year_gap == 0 ? 1.0 : c.year_gap == 1 ? 0.5 : 0.0;
      f.detail = fmt::format("{} vs {}", a.year, b.year);
    }
    out.push_back(f);
  }
  {
    FieldComparison f{"journal", name(c.journal), round3(c.journal_score), ""};
    if (c.journal != Agree::missing) {
      f.detail = a.journal + " | " + b.journal;
    }
    if (a.conference || b.conference) {
      f.detail += std::string(f.detail.empty() ? "" : "; ") + (a.conference ? "conference/supplement" : "journal") +
                  " vs " + (b.conference ? "conference/supplement" : "journal");
    }
    out.push_back(f);
  }
  auto simple = [&](const char* field, Agree x, const std::string& va, const std::string& vb) {
    FieldComparison f{field, name(x), x == Agree::agree ? 1.0 : 0.0, ""};
    if (!va.empty() || !vb.empty()) {
      f.detail = (va.empty() ? "-" : va) + " vs " + (vb.empty() ? "-" : vb);
    }
    out.push_back(f);
  };
  simple("volume", c.volume, a.volume, b.volume);
  simple("issue", c.issue, a.issue, b.issue);
  {
    Agree pages = c.first_page;
    if (pages == Agree::agree && c.last_page == Agree::differ) {
      pages = Agree::partial;
    }
    simple("pages", pages, a.pages.text, b.pages.text);
    if (c.pages_unreliable) {
      out.back().detail += " (unreliable: backwards range or article number)";
    }
  }
  simple("doi", c.doi, a.doi, b.doi);
  simple("pmid", c.pmid, a.pmid, b.pmid);
  {
    FieldComparison f{"abstract", name(c.abstract), round3(c.abstract_score), ""};
    if (c.abstract != Agree::missing) {
      f.detail = "word-pair overlap (MinHash estimate)";
    }
    out.push_back(f);
  }
  if (c.isbn != Agree::missing) {
    simple("isbn", c.isbn, a.isbn, b.isbn);
  }
  return out;
}

} // namespace litrev::dedup
