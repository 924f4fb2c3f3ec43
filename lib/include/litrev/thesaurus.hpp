// litrev/thesaurus.hpp: synonyms for searching, one concept per line.
//
// The file format (thesaurus.txt):
//   # ketamine and its names
//   ketamine, esketamine, "special K"
//   alcohol use disorder, alcoholism, alcohol dependence
// Terms are separated by commas; a term may be quoted (then it may hold a
// comma); '#' starts a comment line; blank lines are skipped. Matching is on
// words: case-insensitive, white space folded. A term in two concepts is an
// error, because expanding it would be ambiguous.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace litrev {

class Thesaurus {
public:
  Thesaurus() = default;

  // Reads `text`. Throws DataError naming `source` and the line for an empty
  // term, an unterminated quote, a concept of one term, or a term that is
  // already in another concept.
  static Thesaurus parse(const std::string& text, const std::string& source);

  bool empty() const noexcept { return m_concepts.empty(); }

  // The concepts, each as its terms normalised (lower-case, single spaces),
  // in file order.
  const std::vector<std::vector<std::string>>& concepts() const noexcept { return m_concepts; }

  // The other terms of the concept holding `term` (any case and spacing), or
  // nothing when `term` is in no concept.
  std::vector<std::string> synonyms(const std::string& term) const;

  // The number of words of the longest term that `words[from...]` starts
  // with (words compared case-insensitively), 0 when none.
  std::size_t longest_match(const std::vector<std::string>& words, std::size_t from) const;

  // The thesaurus as text in the file format (normalised terms), which
  // parse() reads back to an equal thesaurus.
  std::string text() const;

private:
  std::vector<std::vector<std::string>> m_concepts;
  std::map<std::string, std::size_t> m_concept_of; // normalised term -> concept
  std::size_t m_max_words = 0;
};

// `term` lower-cased (ASCII) with white space runs folded to one space and
// the ends trimmed: how the thesaurus compares terms.
std::string thesaurus_key(const std::string& term);

} // namespace litrev
