// The thesaurus: parsing, lookup and longest-match on word sequences.
#include <litrev/thesaurus.hpp>

#include <algorithm>

#include <litrev/error.hpp>

#include "util/normalize.hpp"
#include "util/text.hpp"

namespace litrev {

std::string thesaurus_key(const std::string& term) { return ascii_lower(folded_xml_space(term)); }

namespace {

std::size_t word_count(const std::string& key) {
  return key.empty() ? 0 : static_cast<std::size_t>(std::count(key.begin(), key.end(), ' ')) + 1;
}

// Splits one line into terms at commas outside quotes.
std::vector<std::string> split_terms(const std::string& line, const std::string& source, std::size_t number) {
  std::vector<std::string> terms;
  std::string current;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      terms.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (quoted) {
    throw DataError(source, number, "unterminated quote");
  }
  terms.push_back(current);
  return terms;
}

} // namespace

Thesaurus Thesaurus::parse(const std::string& text, const std::string& source) {
  Thesaurus t;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    const std::string trimmed(trim_xml_space(line));
    if (trimmed.empty() || trimmed[0] == '#') {
      if (end == text.size()) {
        break;
      }
      continue;
    }
    std::vector<std::string> concept_terms;
    for (const std::string& raw : split_terms(trimmed, source, number)) {
      const std::string key = thesaurus_key(raw);
      if (key.empty()) {
        throw DataError(source, number, "empty term (two commas in a row, or a comma at an end)");
      }
      if (auto it = t.m_concept_of.find(key); it != t.m_concept_of.end()) {
        throw DataError(source, number,
                        "\"" + key + "\" is already in the concept starting \"" + t.m_concepts[it->second][0] +
                            "\"; a term can be in one concept only");
      }
      t.m_concept_of.emplace(key, t.m_concepts.size());
      t.m_max_words = std::max(t.m_max_words, word_count(key));
      concept_terms.push_back(key);
    }
    if (concept_terms.size() < 2) {
      throw DataError(source, number, "a concept needs at least two terms, separated by commas");
    }
    t.m_concepts.push_back(std::move(concept_terms));
    if (end == text.size()) {
      break;
    }
  }
  return t;
}

std::vector<std::string> Thesaurus::synonyms(const std::string& term) const {
  auto it = m_concept_of.find(thesaurus_key(term));
  if (it == m_concept_of.end()) {
    return {};
  }
  std::vector<std::string> out;
  for (const std::string& other : m_concepts[it->second]) {
    if (other != it->first) {
      out.push_back(other);
    }
  }
  return out;
}

std::size_t Thesaurus::longest_match(const std::vector<std::string>& words, std::size_t from) const {
  std::size_t best = 0;
  std::string key;
  for (std::size_t n = 1; n <= m_max_words && from + n <= words.size(); ++n) {
    if (n > 1) {
      key += ' ';
    }
    key += ascii_lower(words[from + n - 1]);
    if (m_concept_of.count(key) != 0) {
      best = n;
    }
  }
  return best;
}

std::string Thesaurus::text() const {
  std::string out;
  for (const auto& c : m_concepts) {
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (i > 0) {
        out += ", ";
      }
      const bool quote = c[i].find(',') != std::string::npos;
      out += quote ? "\"" + c[i] + "\"" : c[i];
    }
    out += '\n';
  }
  return out;
}

} // namespace litrev
