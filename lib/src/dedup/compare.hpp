// Private: comparing two prepared records, field by field, then applying the
// vetoes and the duplicate rules (see litrev/dedup.hpp for the method).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <litrev/dedup.hpp>

#include "dedup/fields.hpp"

namespace litrev::dedup {

// Outcome of one field. `missing` when either side lacks it.
enum class Agree : unsigned char { missing, differ, partial, agree };

struct Comparison {
  // Title.
  double title = 0.0;          // max(edit-distance ratio, .9 x word overlap)
  bool title_missing = true;
  bool title_equal = false;     // equal after normalisation (spaces ignored)
  bool title_contained = false; // one title's words all in the other (truncation, subtitle)
  bool title_conflict = false;  // each title has words the other lacks
  bool title_numbers = false;   // ... and on both sides some are numbers
  bool informative = false;     // long enough to identify a work by itself
  double word_sim = 0.0;        // share of significant words matched
  bool title_end_contained = false; // the shorter title starts or ends the longer
  std::size_t title_min_sig = 0;
  std::size_t title_shorter = 0;    // characters of the shorter title
  Agree authors = Agree::missing;
  double author_score = 0.0;
  bool first_author = false;
  int year_gap = -1; // -1 when a year is missing
  Agree journal = Agree::missing;
  double journal_score = 0.0;
  Agree volume = Agree::missing;
  Agree issue = Agree::missing;
  Agree first_page = Agree::missing;
  Agree last_page = Agree::missing;
  bool pages_unreliable = false; // a backwards range or an article number vs page 1
  Agree doi = Agree::missing;
  Agree pmid = Agree::missing;
  Agree abstract = Agree::missing;
  double abstract_score = 0.0;
  Agree isbn = Agree::missing;
  bool notice_mismatch = false;
  bool abstract_vs_article = false;
  // The veto that fired, or nullptr. Set whether or not the pair looked
  // alike (the chaining check needs every veto).
  const char* veto = nullptr;

  // The decision. `decided` false: the pair is neither a duplicate, nor
  // close enough for a person to look at, nor a near-miss a veto blocked.
  bool decided = false;
  PairVerdict verdict = PairVerdict::maybe;
  const char* rule = "";
  double strength = 0.0; // orders duplicate links when building clusters
};

// Compares `a` and `b` and decides. When a veto fires the costly
// character-level title similarity is skipped unless `full` (explanations
// want it): the title score is then the word-level estimate.
Comparison compare(const Prepared& a, const Prepared& b, bool full = false);

// The per-field explanation of a comparison, for PairExplanation::fields.
std::vector<FieldComparison> explain(const Prepared& a, const Prepared& b, const Comparison& c);

// Levenshtein distance of `a` and `b` when it is at most `max`, else
// max + 1. O(max x length).
std::size_t bounded_levenshtein(std::string_view a, std::string_view b, std::size_t max);

} // namespace litrev::dedup
