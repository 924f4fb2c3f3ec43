// LaTeX to Unicode for BibTeX values (see latex.hpp for the rules).
//
// A single left-to-right pass: grouping braces are dropped as they come, so
// a command that keeps its argument (\textit{x}, \emph{x}, any unknown
// command) needs no special treatment -- its name is dropped and the group
// that follows is read as ordinary text. Only the commands that *consume*
// their argument (accents, \url, \href's URL, \begin/\end, \ElsevierGlyph)
// read it explicitly; an accent's argument is converted by a nested
// converter, at most k_max_depth deep.
#include "formats/latex.hpp"

#include <cstdint>
#include <cstdlib>
#include <unordered_map>

#include <utf8proc.h>

#include "util/text.hpp"

namespace litrev::latex {

namespace {

constexpr int k_max_depth = 32;

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void append_utf8(std::string& out, std::int32_t cp) {
  if (cp <= 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return;
  }
  std::uint8_t buf[4];
  const auto n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

// Length of the UTF-8 sequence starting with byte `c` (1 for an invalid
// lead byte, so that every byte is passed on once).
std::size_t utf8_length(unsigned char c) {
  if (c < 0x80) {
    return 1;
  }
  if ((c & 0xE0) == 0xC0) {
    return 2;
  }
  if ((c & 0xF0) == 0xE0) {
    return 3;
  }
  if ((c & 0xF8) == 0xF0) {
    return 4;
  }
  return 1;
}

// The combining mark of an accent command, or 0.
std::int32_t combining_mark(std::string_view name) {
  if (name.size() != 1) {
    return 0;
  }
  switch (name[0]) {
  case '"':
    return 0x0308;
  case '\'':
    return 0x0301;
  case '`':
    return 0x0300;
  case '^':
    return 0x0302;
  case '~':
    return 0x0303;
  case '=':
    return 0x0304;
  case '.':
    return 0x0307;
  case 'u':
    return 0x0306;
  case 'v':
    return 0x030C;
  case 'H':
    return 0x030B;
  case 'c':
    return 0x0327;
  case 'k':
    return 0x0328;
  case 'r':
    return 0x030A;
  case 'd':
    return 0x0323;
  case 'b':
    return 0x0331;
  case 't':
    return 0x0361;
  default:
    return 0;
  }
}

const std::unordered_map<std::string_view, std::string_view>& symbols() {
  static const std::unordered_map<std::string_view, std::string_view> table = {
      // Letters
      {"ss", "ß"}, {"SS", "SS"}, {"o", "ø"}, {"O", "Ø"}, {"aa", "å"}, {"AA", "Å"}, {"ae", "æ"}, {"AE", "Æ"},
      {"oe", "œ"}, {"OE", "Œ"}, {"l", "ł"}, {"L", "Ł"}, {"i", "ı"}, {"j", "ȷ"}, {"dh", "ð"}, {"DH", "Ð"},
      {"th", "þ"}, {"TH", "Þ"}, {"ng", "ŋ"}, {"NG", "Ŋ"}, {"dj", "đ"}, {"DJ", "Đ"},
      // Text symbols
      {"textasciitilde", "~"}, {"textasciicircum", "^"}, {"textbackslash", "\\"}, {"textendash", "–"},
      {"textemdash", "—"}, {"textquoteleft", "‘"}, {"textquoteright", "’"}, {"textquotedblleft", "“"},
      {"textquotedblright", "”"}, {"textquotedbl", "\""}, {"textquotesingle", "'"}, {"textellipsis", "…"},
      {"ldots", "…"}, {"dots", "…"}, {"textbullet", "•"}, {"textperiodcentered", "·"}, {"textregistered", "®"},
      {"texttrademark", "™"}, {"textcopyright", "©"}, {"copyright", "©"}, {"textdegree", "°"}, {"degree", "°"},
      {"textdollar", "$"}, {"textunderscore", "_"}, {"textbar", "|"}, {"textless", "<"}, {"textgreater", ">"},
      {"textbraceleft", "{"}, {"textbraceright", "}"}, {"S", "§"}, {"P", "¶"}, {"dag", "†"}, {"ddag", "‡"},
      {"textdagger", "†"}, {"textdaggerdbl", "‡"}, {"pounds", "£"}, {"textsterling", "£"}, {"euro", "€"},
      {"texteuro", "€"}, {"textyen", "¥"}, {"guillemotleft", "«"}, {"guillemotright", "»"},
      {"guillemetleft", "«"}, {"guillemetright", "»"}, {"quotedblbase", "„"}, {"quotesinglbase", "‚"},
      {"textexclamdown", "¡"}, {"textquestiondown", "¿"}, {"LaTeX", "LaTeX"}, {"TeX", "TeX"},
      {"BibTeX", "BibTeX"}, {"LaTeXe", "LaTeX2e"}, {"textmu", "µ"}, {"textpm", "±"}, {"textonehalf", "½"},
      {"textonequarter", "¼"}, {"textthreequarters", "¾"}, {"texttimes", "×"}, {"textdiv", "÷"},
      {"textminus", "−"}, {"textperthousand", "‰"}, {"textnumero", "№"}, {"textordfeminine", "ª"},
      {"textordmasculine", "º"}, {"textsection", "§"}, {"textparagraph", "¶"}, {"textcent", "¢"},
      {"textcelsius", "℃"}, {"textohm", "Ω"}, {"textsuperscripttwo", "²"}, {"checkmark", "✓"},
      // Greek
      {"alpha", "α"}, {"beta", "β"}, {"gamma", "γ"}, {"delta", "δ"}, {"epsilon", "ε"}, {"varepsilon", "ε"},
      {"zeta", "ζ"}, {"eta", "η"}, {"theta", "θ"}, {"vartheta", "ϑ"}, {"iota", "ι"}, {"kappa", "κ"},
      {"lambda", "λ"}, {"mu", "μ"}, {"nu", "ν"}, {"xi", "ξ"}, {"pi", "π"}, {"varpi", "ϖ"}, {"rho", "ρ"},
      {"varrho", "ϱ"}, {"sigma", "σ"}, {"varsigma", "ς"}, {"tau", "τ"}, {"upsilon", "υ"}, {"phi", "φ"},
      {"varphi", "φ"}, {"chi", "χ"}, {"psi", "ψ"}, {"omega", "ω"}, {"Gamma", "Γ"}, {"Delta", "Δ"},
      {"Theta", "Θ"}, {"Lambda", "Λ"}, {"Xi", "Ξ"}, {"Pi", "Π"}, {"Sigma", "Σ"}, {"Upsilon", "Υ"},
      {"Phi", "Φ"}, {"Psi", "Ψ"}, {"Omega", "Ω"},
      // Math
      {"pm", "±"}, {"mp", "∓"}, {"times", "×"}, {"div", "÷"}, {"cdot", "·"}, {"cdots", "⋯"}, {"le", "≤"},
      {"leq", "≤"}, {"ge", "≥"}, {"geq", "≥"}, {"neq", "≠"}, {"ne", "≠"}, {"approx", "≈"}, {"sim", "∼"},
      {"simeq", "≃"}, {"equiv", "≡"}, {"propto", "∝"}, {"infty", "∞"}, {"partial", "∂"}, {"nabla", "∇"},
      {"sum", "∑"}, {"prod", "∏"}, {"int", "∫"}, {"surd", "√"}, {"sqrt", "√"}, {"to", "→"},
      {"rightarrow", "→"}, {"leftarrow", "←"}, {"leftrightarrow", "↔"}, {"Rightarrow", "⇒"},
      {"Leftarrow", "⇐"}, {"Leftrightarrow", "⇔"}, {"uparrow", "↑"}, {"downarrow", "↓"}, {"circ", "∘"},
      {"bullet", "•"}, {"prime", "′"}, {"ell", "ℓ"}, {"hbar", "ℏ"}, {"in", "∈"}, {"notin", "∉"},
      {"subset", "⊂"}, {"supset", "⊃"}, {"subseteq", "⊆"}, {"supseteq", "⊇"}, {"cup", "∪"}, {"cap", "∩"},
      {"forall", "∀"}, {"exists", "∃"}, {"emptyset", "∅"}, {"neg", "¬"}, {"lnot", "¬"}, {"wedge", "∧"},
      {"vee", "∨"}, {"ll", "≪"}, {"gg", "≫"}, {"langle", "⟨"}, {"rangle", "⟩"}, {"mid", "|"}, {"vert", "|"},
      {"ast", "∗"}, {"star", "⋆"}, {"dagger", "†"}, {"ddagger", "‡"}, {"angle", "∠"}, {"perp", "⊥"},
      {"parallel", "∥"}, {"lbrace", "{"}, {"rbrace", "}"}, {"backslash", "\\"}, {"colon", ":"},
      {"quad", " "}, {"qquad", " "}, {"textvisiblespace", " "}, {"newline", " "}, {"par", " "},
      {"space", " "}, {"enspace", " "}, {"thinspace", " "}, {"nobreakspace", " "}, {"linebreak", " "},
  };
  return table;
}

class Converter {
public:
  Converter(std::string_view s, Mode mode, int depth) : m_s(s), m_mode(mode), m_depth(depth) {}

  // Converts the whole input; `fold` folds and trims white space.
  std::string run(bool fold) {
    const bool text = m_mode == Mode::text;
    while (m_i < m_s.size()) {
      const char c = m_s[m_i];
      switch (c) {
      case '\\':
        command();
        break;
      case '{':
      case '}':
        ++m_i;
        break;
      case '$':
        if (text) {
          m_math = !m_math;
        } else {
          m_out += c;
        }
        ++m_i;
        break;
      case '~':
        m_out += text ? ' ' : '~';
        ++m_i;
        break;
      case '-':
        if (text && !m_math) {
          dashes();
        } else {
          m_out += c;
          ++m_i;
        }
        break;
      case '`':
        if (text && !m_math) {
          if (m_i + 1 < m_s.size() && m_s[m_i + 1] == '`') {
            m_out += "“";
            m_i += 2;
          } else {
            m_out += "‘";
            ++m_i;
          }
        } else {
          m_out += c;
          ++m_i;
        }
        break;
      case '\'':
        if (text && !m_math && m_i + 1 < m_s.size() && m_s[m_i + 1] == '\'') {
          m_out += "”";
          m_i += 2;
        } else {
          m_out += c;
          ++m_i;
        }
        break;
      case '^':
      case '_':
        if (m_math) {
          superscript_or_subscript();
        } else {
          m_out += c;
          ++m_i;
        }
        break;
      case '\t':
      case '\n':
      case '\r':
        m_out += ' ';
        ++m_i;
        break;
      default: {
        const std::size_t n = std::min(utf8_length(static_cast<unsigned char>(c)), m_s.size() - m_i);
        m_out.append(m_s.data() + m_i, n);
        m_i += n;
        break;
      }
      }
    }
    if (m_composed) {
      compose();
    }
    if (fold) {
      fold_xml_space(m_out);
    }
    return std::move(m_out);
  }

private:
  void dashes() {
    std::size_t k = 0;
    while (m_i < m_s.size() && m_s[m_i] == '-') {
      ++k;
      ++m_i;
    }
    while (k >= 3) {
      m_out += "—";
      k -= 3;
    }
    if (k == 2) {
      m_out += "–";
    } else if (k == 1) {
      m_out += '-';
    }
  }

  void superscript_or_subscript() {
    const std::string_view rest = m_s.substr(m_i + 1);
    if (m_s[m_i] == '^' && rest.substr(0, 5) == "\\circ") {
      m_out += "°";
      m_i += 6;
    } else if (m_s[m_i] == '^' && rest.substr(0, 7) == "{\\circ}") {
      m_out += "°";
      m_i += 8;
    } else {
      ++m_i;
    }
  }

  void skip_spaces() {
    while (m_i < m_s.size() && is_space(m_s[m_i])) {
      ++m_i;
    }
  }

  // At '{': the raw text up to the matching '}' (escaped braces do not
  // count), leaving m_i after it. Unbalanced: the rest of the input.
  std::string_view group_raw() {
    const std::size_t start = ++m_i;
    int depth = 1;
    while (m_i < m_s.size()) {
      const char c = m_s[m_i];
      if (c == '\\' && m_i + 1 < m_s.size()) {
        m_i += 2;
        continue;
      }
      if (c == '{') {
        ++depth;
      } else if (c == '}') {
        if (--depth == 0) {
          const std::string_view raw = m_s.substr(start, m_i - start);
          ++m_i;
          return raw;
        }
      }
      ++m_i;
    }
    return m_s.substr(start);
  }

  std::string nested(std::string_view raw, Mode mode) {
    if (m_depth >= k_max_depth) {
      std::string flat;
      for (char c : raw) {
        if (c != '{' && c != '}' && c != '\\') {
          flat += c;
        }
      }
      return flat;
    }
    Converter inner(raw, mode, m_depth + 1);
    return inner.run(false);
  }

  // The argument of an accent: a group, a command (\i) or one character.
  std::string accent_argument() {
    skip_spaces();
    if (m_i >= m_s.size()) {
      return {};
    }
    const char c = m_s[m_i];
    if (c == '{') {
      return nested(group_raw(), m_mode);
    }
    if (c == '}') {
      return {};
    }
    if (c == '\\') {
      const std::size_t start = m_i++;
      if (m_i < m_s.size() && is_alpha(m_s[m_i])) {
        while (m_i < m_s.size() && is_alpha(m_s[m_i])) {
          ++m_i;
        }
      } else if (m_i < m_s.size()) {
        ++m_i;
      }
      return nested(m_s.substr(start, m_i - start), m_mode);
    }
    const std::size_t n = std::min(utf8_length(static_cast<unsigned char>(c)), m_s.size() - m_i);
    const std::string one(m_s.substr(m_i, n));
    m_i += n;
    return one;
  }

  void accent(std::string_view name, std::int32_t mark) {
    std::string arg = accent_argument();
    if (arg.empty()) {
      // "\^{}" and the like: the accent itself.
      if (name.size() == 1 && !is_alpha(name[0])) {
        m_out += name;
      }
      return;
    }
    std::size_t n = std::min(utf8_length(static_cast<unsigned char>(arg[0])), arg.size());
    std::string base = arg.substr(0, n);
    if (base == "ı") {
      base = "i";
    } else if (base == "ȷ") {
      base = "j";
    }
    m_out += base;
    if (mark != 0x0361) {
      append_utf8(m_out, mark);
      m_composed = true;
    }
    m_out.append(arg, n, std::string::npos);
  }

  void command() {
    ++m_i; // the backslash
    if (m_i >= m_s.size()) {
      return;
    }
    const char c = m_s[m_i];
    if (!is_alpha(c)) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        return; // "\é": the character is read as text next
      }
      ++m_i;
      control_symbol(c);
      return;
    }
    const std::size_t start = m_i;
    while (m_i < m_s.size() && is_alpha(m_s[m_i])) {
      ++m_i;
    }
    const std::string_view name = m_s.substr(start, m_i - start);
    if (m_mode == Mode::verbatim) {
      if (name == "url" || name == "href" || name == "path" || name == "nolinkurl" || name == "doi") {
        return; // the braces that follow are dropped, their text kept
      }
      m_out += '\\';
      m_out += name;
      return;
    }
    // Single-letter accent commands take their argument after spaces; TeX
    // eats the spaces after every other control word too.
    if (const std::int32_t mark = combining_mark(name); mark != 0) {
      accent(name, mark);
      return;
    }
    skip_spaces();
    if (name == "url" || name == "path" || name == "nolinkurl" || name == "doi") {
      if (m_i < m_s.size() && m_s[m_i] == '{') {
        m_out += nested(group_raw(), Mode::verbatim);
      }
      return;
    }
    if (name == "href" || name == "begin" || name == "end" || name == "label" || name == "hspace" ||
        name == "vspace" || name == "kern" || name == "hskip" || name == "vskip") {
      if (m_i < m_s.size() && m_s[m_i] == '{') {
        (void)group_raw();
      }
      return;
    }
    if (name == "ElsevierGlyph" || name == "symbol") {
      if (m_i < m_s.size() && m_s[m_i] == '{') {
        const std::string hex(group_raw());
        char* end = nullptr;
        const long cp = std::strtol(hex.c_str(), &end, name == "symbol" ? 0 : 16);
        if (end != hex.c_str() && *end == '\0' && cp > 0) {
          append_utf8(m_out, static_cast<std::int32_t>(cp));
        }
      }
      return;
    }
    if (name == "char") {
      char_code();
      return;
    }
    const auto& table = symbols();
    if (const auto it = table.find(name); it != table.end()) {
      m_out += it->second;
    }
    // Anything else (\textit, \emph, \bf, \unknown): dropped; the group that
    // follows, if any, is read as text.
  }

  void control_symbol(char c) {
    switch (c) {
    case '&':
    case '%':
    case '$':
    case '#':
    case '_':
    case '{':
    case '}':
      m_out += c;
      return;
    case ' ':
    case '\\':
    case ',':
    case ';':
    case ':':
    case '>':
    case '\n':
    case '\t':
    case '\r':
      m_out += ' ';
      return;
    case '-':
    case '/':
    case '@':
    case '!':
    case '(':
    case ')':
    case '[':
    case ']':
      return;
    default:
      break;
    }
    if (m_mode == Mode::verbatim) {
      m_out += c;
      return;
    }
    const char name[2] = {c, '\0'};
    if (const std::int32_t mark = combining_mark(name); mark != 0) {
      accent(std::string_view(name, 1), mark);
      return;
    }
    m_out += c;
  }

  // \char"41, \char'101, \char65.
  void char_code() {
    int base = 10;
    if (m_i < m_s.size() && m_s[m_i] == '"') {
      base = 16;
      ++m_i;
    } else if (m_i < m_s.size() && m_s[m_i] == '\'') {
      base = 8;
      ++m_i;
    }
    long cp = 0;
    std::size_t digits = 0;
    while (m_i < m_s.size() && digits < 8) {
      const char c = m_s[m_i];
      int v = -1;
      if (c >= '0' && c <= '9') {
        v = c - '0';
      } else if (base == 16 && c >= 'A' && c <= 'F') {
        v = c - 'A' + 10;
      } else if (base == 16 && c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
      }
      if (v < 0 || v >= base) {
        break;
      }
      cp = cp * base + v;
      ++digits;
      ++m_i;
    }
    if (digits > 0) {
      append_utf8(m_out, static_cast<std::int32_t>(cp));
    }
  }

  void compose() {
    utf8proc_uint8_t* composed = nullptr;
    const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(m_out.data()),
                                static_cast<utf8proc_ssize_t>(m_out.size()), &composed,
                                static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n >= 0 && composed != nullptr) {
      m_out.assign(reinterpret_cast<const char*>(composed), static_cast<std::size_t>(n));
    }
    std::free(composed);
  }

  std::string_view m_s;
  Mode m_mode;
  int m_depth;
  std::size_t m_i = 0;
  std::string m_out;
  bool m_math = false;
  bool m_composed = false;
};

} // namespace

std::string to_unicode(std::string_view value, Mode mode) {
  Converter converter(value, mode, 0);
  return converter.run(true);
}

} // namespace litrev::latex
