// Author name parsing (see names.hpp). Names are split on ASCII spaces,
// commas and periods only; every cut is at an ASCII byte, so UTF-8 text
// stays whole.
#include "formats/names.hpp"

#include <algorithm>
#include <vector>

#include "formats/tagged.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }


std::string join(const std::vector<std::string_view>& parts, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to && i < parts.size(); ++i) {
    if (!out.empty()) {
      out += ' ';
    }
    out += parts[i];
  }
  return out;
}

// The length of the UTF-8 sequence that starts with byte `c` (1 for ASCII
// and for stray bytes).
std::size_t utf8_length(unsigned char c) noexcept {
  if (c >= 0xF0 && c <= 0xF4) {
    return 4;
  }
  if (c >= 0xE0) {
    return 3;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    return 2;
  }
  return 1;
}

// "JA", "J.A.", "E.", "J.-P.": upper-case letters with periods or hyphens,
// at most four letters, no lower-case letter.
bool is_initials_token(std::string_view t) {
  std::size_t letters = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (is_upper(c)) {
      ++letters;
    } else if (c == '.' || c == '-') {
      continue;
    } else {
      return false;
    }
  }
  return letters >= 1 && letters <= 4;
}

std::string initials_letters(std::string_view t) {
  std::string out;
  for (char c : t) {
    if (is_upper(c)) {
      out += c;
    }
  }
  return out;
}

bool is_suffix(std::string_view t) {
  static constexpr std::string_view k_suffixes[] = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV", "2nd", "3rd"};
  return std::find(std::begin(k_suffixes), std::end(k_suffixes), t) != std::end(k_suffixes);
}

bool is_particle(std::string_view t) {
  static constexpr std::string_view k_particles[] = {"van", "von", "de",  "da",  "del", "della", "der", "di",
                                                     "du",  "dos", "das", "le",  "la",  "ten",   "ter", "den",
                                                     "op",  "zu",  "vom", "y",   "al",  "el",    "bin", "ibn"};
  return std::find(std::begin(k_particles), std::end(k_particles), t) != std::end(k_particles);
}

// Words that mark an organisation in a name written without a comma. Each
// must start a word; a stem ("universit") may run on, a word must end too.
bool looks_corporate(std::string_view name) {
  struct Word {
    std::string_view text;
    bool stem;
  };
  static constexpr Word k_words[] = {
      {"universit", true},   {"college", false},    {"institut", true},      {"center", false},
      {"centre", false},     {"group", false},      {"committee", false},    {"consortium", false},
      {"collaborat", true},  {"association", false}, {"society", false},     {"organization", false},
      {"organisation", false}, {"council", false},  {"network", false},      {"investigators", false},
      {"foundation", false}, {"agency", false},     {"department", false},   {"ministry", false},
      {"trialists", false},  {"working party", false}, {"board", false},     {"federation", false},
      {"commission", false}, {"programme", false},  {"program", false},      {"academy", false},
      {"hospital", false},   {"alliance", false},   {"panel", false},        {"task force", false},
      {"coalition", false},  {"office", false},     {"services", false},     {"corporation", false},
      {"company", false},    {"laborator", true},   {"clinic", false},       {"authors", false},
      {"team", false},       {"study", false}};
  auto word_char = [](char c) {
    return is_upper(c) || is_lower(c) || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
  };
  for (const auto& w : k_words) {
    for (std::size_t i = 0; i + w.text.size() <= name.size(); ++i) {
      if ((i > 0 && word_char(name[i - 1])) || !iequals(name.substr(i, w.text.size()), w.text)) {
        continue;
      }
      const std::size_t end = i + w.text.size();
      if (w.stem || end == name.size() || !word_char(name[end])) {
        return true;
      }
    }
  }
  return false;
}

} // namespace

std::string initials_of(std::string_view given) {
  std::string out;
  std::size_t i = 0;
  while (i < given.size()) {
    while (i < given.size() && (given[i] == ' ' || given[i] == '.' || given[i] == '-')) {
      ++i;
    }
    std::size_t j = i;
    while (j < given.size() && given[j] != ' ' && given[j] != '.' && given[j] != '-') {
      ++j;
    }
    if (j > i) {
      const std::string_view part = given.substr(i, j - i);
      const bool upper_run = part.size() <= 3 && std::all_of(part.begin(), part.end(), is_upper);
      if (upper_run) {
        out += part; // initials written together: "John JA" is rare, "JA" common
      } else if (is_lower(part[0])) {
        out += static_cast<char>(part[0] - 'a' + 'A');
      } else {
        out += part.substr(0, std::min(part.size(), utf8_length(static_cast<unsigned char>(part[0]))));
      }
    }
    i = j;
  }
  return out;
}

std::vector<std::string> split_author_list(std::string_view value) {
  std::vector<std::string> out;
  for (auto& part : split_list(value)) {
    // "Golde T. E., DeKosky S. T., Galasko D.": every comma-separated piece
    // is "Surname Initials", so the commas separate authors.
    std::vector<std::string> pieces = split_list(part, true);
    const bool packed = pieces.size() >= 2 && std::all_of(pieces.begin(), pieces.end(), [](const std::string& p) {
      const std::vector<std::string_view> t = split_on_spaces(p);
      return t.size() >= 2 && is_initials_token(t.back()) && !is_initials_token(t.front());
    });
    if (packed) {
      for (auto& p : pieces) {
        out.push_back(std::move(p));
      }
    } else {
      out.push_back(std::move(part));
    }
  }
  return out;
}

bool author_is_empty(const Author& a) {
  return a.family.empty() && a.given.empty() && a.initials.empty() && a.collective.empty();
}

Author collective_author(std::string_view name) {
  Author a;
  a.collective = folded_xml_space(name);
  return a;
}

Author parse_author_name(std::string_view raw) {
  std::string name = folded_xml_space(raw);
  while (!name.empty() && (name.back() == ',' || name.back() == ';')) {
    name.pop_back();
  }
  while (!name.empty() && (name.back() == ' ')) {
    name.pop_back();
  }
  Author a;
  if (name.empty()) {
    return a;
  }
  const std::size_t comma = name.find(',');
  if (comma == std::string::npos || comma == 0) {
    const std::string_view whole = comma == 0 ? std::string_view(name).substr(1) : std::string_view(name);
    std::vector<std::string_view> t = split_on_spaces(whole);
    if (t.empty()) {
      return a;
    }
    if (t.size() >= 2 && looks_corporate(whole)) {
      a.collective = std::string(trim_space(whole));
      return a;
    }
    if (t.size() >= 3 && is_suffix(t.back())) {
      a.suffix = std::string(t.back());
      t.pop_back();
    }
    if (t.size() == 1) {
      a.family = std::string(t[0]);
      return a;
    }
    if (is_initials_token(t.back()) && !is_initials_token(t.front())) {
      // MEDLINE "Smith JA", Embase "Fanning E.", EndNote "Golde T. E."
      std::size_t first_initial = t.size() - 1;
      while (first_initial > 1 && is_initials_token(t[first_initial - 1])) {
        --first_initial;
      }
      a.family = join(t, 0, first_initial);
      for (std::size_t i = first_initial; i < t.size(); ++i) {
        a.initials += initials_letters(t[i]);
      }
      return a;
    }
    std::size_t family_start = t.size() - 1;
    while (family_start > 1 && is_particle(t[family_start - 1])) {
      --family_start;
    }
    a.family = join(t, family_start, t.size());
    a.given = join(t, 0, family_start);
    a.initials = initials_of(a.given);
    return a;
  }
  a.family = std::string(trim_space(std::string_view(name).substr(0, comma)));
  std::string_view rest = trim_space(std::string_view(name).substr(comma + 1));
  // "Nature Conservancy, Carlton Victoria Australia Program": an
  // organisation with a comma (several words on either side).
  if ((split_on_spaces(a.family).size() >= 2 || split_on_spaces(rest).size() >= 3) && looks_corporate(name)) {
    Author group;
    group.collective = name;
    return group;
  }
  // "Smith, John, Jr."
  const std::size_t second = rest.find(',');
  if (second != std::string_view::npos) {
    const std::string_view tail = trim_space(rest.substr(second + 1));
    if (is_suffix(tail)) {
      a.suffix = std::string(tail);
      rest = trim_space(rest.substr(0, second));
    }
  }
  std::vector<std::string_view> t = split_on_spaces(rest);
  if (t.size() >= 2 && is_suffix(t.back())) {
    a.suffix = std::string(t.back());
    t.pop_back();
  }
  if (t.empty()) {
    return a;
  }
  if (std::all_of(t.begin(), t.end(), is_initials_token)) {
    for (auto p : t) {
      a.initials += initials_letters(p);
    }
    return a;
  }
  a.given = join(t, 0, t.size());
  a.initials = initials_of(a.given);
  return a;
}

} // namespace litrev
