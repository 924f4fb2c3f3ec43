// Numbered search strategies: reading each line's number, rewriting Ovid-style
// combination lines (`1 or 2`, `or/1-3`) to #n references, and checking that
// every reference points to a line above. litrev/strategy.hpp has the format.
#include <litrev/strategy.hpp>

#include <optional>
#include <set>
#include <string_view>

#include <litrev/error.hpp>

namespace litrev {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_blank(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// Line numbers have at most this many digits, so they fit an int.
constexpr std::size_t k_max_digits = 9;

// `s` as a line number, or -1 when it is not digits only (or too long).
int number_of(std::string_view s) {
  if (s.empty() || s.size() > k_max_digits) {
    return -1;
  }
  int n = 0;
  for (char c : s) {
    if (!is_digit(c)) {
      return -1;
    }
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

class Reader {
public:
  explicit Reader(const std::string& file) : m_file(file) {}

  std::vector<StrategyLine> read(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
      text.remove_prefix(3);
    }
    std::vector<StrategyLine> out;
    std::size_t from = 0;
    while (from <= text.size()) {
      const std::size_t eol = std::min(text.find('\n', from), text.size());
      ++m_line;
      read_line(trim(text.substr(from, eol - from)), out);
      from = eol + 1;
    }
    if (out.empty()) {
      throw DataError(m_file, 0, "the strategy has no numbered lines (#1 ..., 1. ... or 1 ...)");
    }
    return out;
  }

private:
  [[noreturn]] void fail(const std::string& problem) const { throw DataError(m_file, m_line, problem); }

  void read_line(std::string_view s, std::vector<StrategyLine>& out) {
    if (s.empty() || s.substr(0, 2) == "//" || s.front() == ';') {
      return;
    }
    std::size_t i = s.front() == '#' ? 1 : 0;
    const std::size_t digits_from = i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    const int number = number_of(s.substr(digits_from, i - digits_from));
    if (i < s.size() && s[i] == '.') {
      ++i;
    }
    if (number < 0 || (i < s.size() && !is_blank(s[i]))) {
      fail("a strategy line starts with its number (#1, 1. or 1) and a space: '" + std::string(s) + "'");
    }
    const std::string_view query = trim(s.substr(i));
    if (query.empty()) {
      fail("#" + std::to_string(number) + " has no query after its number");
    }
    if (!out.empty() && number <= out.back().number) {
      fail(number == out.back().number
               ? "#" + std::to_string(number) + " is numbered twice"
               : "#" + std::to_string(number) + " comes after #" + std::to_string(out.back().number) +
                     ": numbers must increase down the file");
    }
    std::string rewritten = ovid(query).value_or(std::string(query));
    check_references(rewritten);
    out.push_back({number, std::move(rewritten), m_line});
    m_seen.insert(number);
  }

  void check_reference(int n) const {
    if (m_seen.count(n) == 0) {
      fail("#" + std::to_string(n) + " refers to a line that is not above this one");
    }
  }

  std::string reference(std::string_view digits) const {
    const int n = number_of(digits);
    if (n < 0) {
      fail("#" + std::string(digits) + " is not a line number");
    }
    check_reference(n);
    return "#" + std::to_string(n);
  }

  // `op/1-3,5` (Ovid's combine-by-list; ovid_list_shape() said it is one)
  // as "(#1 OR #2 OR #3 OR #5)".
  std::string ovid_list(std::string_view token) const {
    const std::size_t slash = token.find('/');
    const std::string op = ascii_upper(token.substr(0, slash));
    std::string out = "(";
    std::string_view list = token.substr(slash + 1);
    while (true) {
      const std::size_t comma = list.find(',');
      const std::string_view item = list.substr(0, comma);
      const std::size_t dash = item.find('-');
      const int first = number_of(item.substr(0, dash));
      const int last = dash == std::string_view::npos ? first : number_of(item.substr(dash + 1));
      if (first < 0 || last < first || last - first > 1000) {
        fail("bad line list '" + std::string(item) + "' in " + std::string(token));
      }
      for (int n = first; n <= last; ++n) {
        check_reference(n);
        out += (out.size() > 1 ? " " + op + " #" : "#") + std::to_string(n);
      }
      if (comma == std::string_view::npos) {
        break;
      }
      list.remove_prefix(comma + 1);
    }
    return out + ")";
  }

  // A line made only of line numbers, operators and brackets, with at least
  // one operator, rewritten to #n references and upper-case operators;
  // nothing for any other line.
  std::optional<std::string> ovid(std::string_view query) const {
    std::vector<std::string_view> tokens;
    for (std::size_t i = 0; i < query.size();) {
      if (is_blank(query[i])) {
        ++i;
      } else if (query[i] == '(' || query[i] == ')') {
        tokens.push_back(query.substr(i++, 1));
      } else {
        const std::size_t start = i;
        while (i < query.size() && !is_blank(query[i]) && query[i] != '(' && query[i] != ')') {
          ++i;
        }
        tokens.push_back(query.substr(start, i - start));
      }
    }
    // First decide whether the line is of this form at all; only then do
    // its numbers count as references.
    bool has_operator = false;
    for (std::string_view t : tokens) {
      const std::string up = ascii_upper(t);
      if (up == "AND" || up == "OR" || up == "NOT") {
        has_operator = true;
      } else if (t == "(" || t == ")" || number_of(t) >= 0 || (t.size() > 1 && t[0] == '#' && number_of(t.substr(1)) >= 0)) {
        continue;
      } else if ((up.rfind("OR/", 0) == 0 || up.rfind("AND/", 0) == 0) && ovid_list_shape(t)) {
        has_operator = true;
      } else {
        return std::nullopt;
      }
    }
    if (!has_operator) {
      return std::nullopt;
    }
    std::string out;
    for (std::string_view t : tokens) {
      const std::string up = ascii_upper(t);
      std::string piece;
      if (up == "AND" || up == "OR" || up == "NOT" || t == "(" || t == ")") {
        piece = up;
      } else if (t[0] == '#') {
        piece = reference(t.substr(1));
      } else if (number_of(t) >= 0) {
        piece = reference(t);
      } else {
        piece = ovid_list(t);
      }
      if (!out.empty() && out.back() != '(' && piece != ")") {
        out += ' ';
      }
      out += piece;
    }
    return out;
  }

  // Whether `token` looks like "or/1-3,5" (digits, commas and dashes after the slash).
  static bool ovid_list_shape(std::string_view token) {
    const std::string_view list = token.substr(token.find('/') + 1);
    if (list.empty() || !is_digit(list.front()) || !is_digit(list.back())) {
      return false;
    }
    for (char c : list) {
      if (!is_digit(c) && c != ',' && c != '-') {
        return false;
      }
    }
    return true;
  }

  // Every #n outside quotes must name a line above.
  void check_references(const std::string& query) const {
    bool quoted = false;
    for (std::size_t i = 0; i < query.size(); ++i) {
      const char c = query[i];
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '#' && !quoted && (i == 0 || is_blank(query[i - 1]) || query[i - 1] == '(')) {
        std::size_t j = i + 1;
        while (j < query.size() && is_digit(query[j])) {
          ++j;
        }
        if (j > i + 1) {
          (void)reference(std::string_view(query).substr(i + 1, j - i - 1));
        }
        i = j - 1;
      }
    }
  }

  const std::string& m_file;
  std::size_t m_line = 0;
  std::set<int> m_seen; // numbers of the lines above
};

} // namespace

std::vector<StrategyLine> parse_strategy(const std::string& text, const std::string& file_name) {
  return Reader(file_name).read(text);
}

} // namespace litrev
