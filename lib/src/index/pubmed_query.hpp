// PubMed search syntax translated to a Xapian query over the index's terms
// (terms.hpp). schemas/index.md, "PubMed syntax", is the user's reference.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <xapian.h>

namespace litrev::index_terms {

struct PubmedContext {
  // The database searched: truncation (alcohol*) and author-name prefixes are
  // expanded against it.
  Xapian::Database db;
  // Strategy lines already run, by number, for "#3 #1 OR #2"; null outside a
  // strategy (then "#1" is an error).
  const std::map<int, Xapian::Query>* lines = nullptr;
  // When set, each untagged, [tiab], [ti], [ab], [tw] or [all] word or phrase
  // is OR-ed with its synonyms (the thesaurus); returns the other phrases of
  // its concept, or nothing.
  std::function<std::vector<std::string>(const std::string&)> synonyms;
};

// Translates `query`, evaluating AND/OR/NOT left to right as PubMed does
// (brackets group). Throws UsageError naming the problem and its place
// ("unsupported field tag [xyz] at column 12", "unbalanced bracket", ...).
Xapian::Query pubmed_query(const std::string& query, const PubmedContext& context);

} // namespace litrev::index_terms
