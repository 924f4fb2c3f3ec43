// litrev screen [--stage ta|ft] [--order key|random|prioritised] [--seed N] [--reviewer NAME]
//
// The screening screen: one record at a time in the terminal (title, year,
// journal, authors, publication types, MeSH, then the abstract with the
// protocol's highlight terms marked), voted on with single keys:
//   i include · e exclude (with a reason) · m maybe · n note · b back ·
//   s skip · c criteria · q quit
// The queue is Review::queue(): the records of the stage the reviewer has not
// voted on, so a restart goes on where they stopped; in prioritised order it
// is ranked again after every vote (the ranker retrained on the decisions so
// far; records skipped in the session stay at the end). A vote is shown as
// recorded only after Review::decide() has put it on disk; when the library
// refuses it (a reason is required, ...) its message is shown and the record
// stays. Screening is blind: the screen knows the reviewer's own votes only.
//
// The code has three layers: text (Styled: sanitized text with an attribute
// per byte; wrap() makes lines of it), layout (a record or the criteria as
// lines for a given width), and the session (the queue, the keys, drawing a
// frame). terminal.hpp owns the terminal itself.
#include <algorithm>
#include <deque>
#include <functional>
#include <optional>
#include <set>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "terminal.hpp"

namespace litrev::cli {

namespace {

// ---------------------------------------------------------------------------
// Text with attributes.

// Attributes of text on the screen, combined as bits.
enum Attr : unsigned {
  plain = 0,
  bold = 1u << 0,
  dim = 1u << 1,
  inverse = 1u << 2,
  green = 1u << 3,
  red = 1u << 4,
  yellow = 1u << 5,
  cyan = 1u << 6,
};

// The escape sequence that sets exactly `attr`.
std::string sgr(unsigned attr) {
  std::string s = "\x1b[0";
  const std::pair<unsigned, const char*> codes[] = {{bold, ";1"},  {dim, ";2"},    {inverse, ";7"}, {green, ";32"},
                                                    {red, ";31"}, {yellow, ";33"}, {cyan, ";36"}};
  for (const auto& [bit, code] : codes) {
    if (attr & bit) {
      s += code;
    }
  }
  return s + "m";
}

// Text made safe for the terminal (sanitize()), with an attribute for every
// byte.
struct Styled {
  std::string text;
  std::vector<unsigned> attr;

  Styled() = default;
  Styled(std::string_view raw, unsigned a) : text(sanitize(raw)), attr(text.size(), a) {}

  Styled& add(std::string_view raw, unsigned a) {
    const std::string s = sanitize(raw);
    text += s;
    attr.insert(attr.end(), s.size(), a);
    return *this;
  }
};

// A run of text with one attribute; `text` is always sanitized.
struct Span {
  std::string text;
  unsigned attr = plain;
};
using Line = std::vector<Span>;

Line line_of(const Styled& s, std::size_t begin = 0, std::size_t end = std::string::npos) {
  Line line;
  end = std::min(end, s.text.size());
  for (std::size_t i = begin; i < end;) {
    std::size_t j = i;
    while (j < end && s.attr[j] == s.attr[i]) {
      ++j;
    }
    line.push_back({s.text.substr(i, j - i), s.attr[i]});
    i = j;
  }
  return line;
}

Line line_of(std::string_view raw, unsigned attr) { return line_of(Styled(raw, attr)); }

int line_width(const Line& line) {
  std::size_t w = 0;
  for (const Span& s : line) {
    w += display_width(s.text);
  }
  return static_cast<int>(w);
}

// Wraps `s` at spaces into lines of at most `width` columns. The first line
// starts with `lead` (a label); the others are indented by `indent` columns.
// A word wider than a line is cut between code points.
std::vector<Line> wrap(const Styled& s, int width, const Line& lead = {}, int indent = 0) {
  width = std::max(width, 1);
  if (indent > width / 2) {
    indent = 0;
  }
  std::vector<Line> lines;
  Line cur = lead;
  int cur_w = line_width(lead);
  bool need_space = false; // a word is on the line: the next one needs a space
  const auto new_line = [&] {
    lines.push_back(std::move(cur));
    cur.clear();
    if (indent > 0) {
      cur.push_back({std::string(static_cast<std::size_t>(indent), ' '), plain});
    }
    cur_w = indent;
    need_space = false;
  };
  const auto put = [&](std::size_t begin, std::size_t end) {
    for (Span& span : line_of(s, begin, end)) {
      if (!cur.empty() && cur.back().attr == span.attr) {
        cur.back().text += span.text;
      } else {
        cur.push_back(std::move(span));
      }
    }
  };
  const std::vector<Glyph> gl = glyphs(s.text);
  std::size_t g = 0;
  while (g < gl.size()) {
    if (gl[g].cp == ' ') {
      ++g;
      continue;
    }
    std::size_t e = g;
    int w = 0;
    while (e < gl.size() && gl[e].cp != ' ') {
      w += gl[e].width;
      ++e;
    }
    const std::size_t begin = gl[g].offset;
    const std::size_t end = e < gl.size() ? gl[e].offset : s.text.size();
    const int need = w + (need_space ? 1 : 0);
    if (cur_w + need > width && cur_w > indent) {
      new_line();
    }
    if (cur_w + w + (need_space ? 1 : 0) <= width) {
      if (need_space) {
        put(begin - 1, begin); // the space before the word, with its attribute
        ++cur_w;
      }
      put(begin, end);
      cur_w += w;
    } else { // wider than a line: cut it
      if (need_space) {
        put(begin - 1, begin);
        ++cur_w;
      }
      for (std::size_t k = g; k < e; ++k) {
        if (cur_w + gl[k].width > width && cur_w > indent) {
          new_line();
        }
        put(gl[k].offset, gl[k].offset + gl[k].size);
        cur_w += gl[k].width;
      }
    }
    need_space = true;
    g = e;
  }
  if (!cur.empty() || lines.empty()) {
    lines.push_back(std::move(cur));
  }
  return lines;
}

// The terminal's bytes for `line`, cut to `width` columns (an ellipsis marks
// the cut).
std::string render(const Line& line, int width) {
  std::string out;
  int used = 0;
  const int total = line_width(line);
  const int room = total > width ? width - 1 : width;
  for (const Span& span : line) {
    out += sgr(span.attr);
    for (const Glyph& g : glyphs(span.text)) {
      if (used + g.width > room) {
        out += "\xE2\x80\xA6"; // …
        return out + sgr(plain);
      }
      out.append(span.text, g.offset, g.size);
      used += g.width;
    }
  }
  return out + sgr(plain);
}

// ---------------------------------------------------------------------------
// Highlight terms.

bool is_word_cp(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  // Letters of other scripts; not Latin-1 punctuation, general punctuation,
  // CJK punctuation or the replacement character.
  return cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && !(cp >= 0x2000 && cp <= 0x2BFF) &&
         !(cp >= 0x3000 && cp <= 0x303F) && cp != 0xFFFD;
}

struct Token {
  std::size_t begin = 0; // bytes in the text
  std::size_t end = 0;
  std::string lower;     // ASCII letters lower-cased
};

std::vector<Token> tokens(std::string_view text) {
  std::vector<Token> out;
  const std::vector<Glyph> gl = glyphs(text);
  for (std::size_t i = 0; i < gl.size();) {
    if (!is_word_cp(gl[i].cp)) {
      ++i;
      continue;
    }
    Token t;
    t.begin = gl[i].offset;
    while (i < gl.size() && is_word_cp(gl[i].cp)) {
      ++i;
    }
    t.end = i < gl.size() ? gl[i].offset : text.size();
    for (std::size_t k = t.begin; k < t.end; ++k) {
      const char c = text[k];
      t.lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Marks the protocol's highlight terms in text: whole words, case-insensitive
// (ASCII letters); a term ending in * matches any word it begins; a term of
// several words matches them in a row, separated by spaces or hyphens.
class Highlighter {
public:
  explicit Highlighter(const Protocol& p) {
    add(p.highlight_include, bold | green);
    add(p.highlight_exclude, bold | red);
  }

  void mark(Styled& s) const {
    if (m_terms.empty()) {
      return;
    }
    const std::vector<Token> toks = tokens(s.text);
    for (std::size_t i = 0; i < toks.size();) {
      std::size_t best = 0;
      unsigned attr = 0;
      for (const Term& t : m_terms) {
        const std::size_t n = match(s.text, toks, i, t);
        if (n > best) {
          best = n;
          attr = t.attr;
        }
      }
      if (best == 0) {
        ++i;
        continue;
      }
      for (std::size_t k = toks[i].begin; k < toks[i + best - 1].end; ++k) {
        s.attr[k] = (s.attr[k] & ~static_cast<unsigned>(dim)) | attr;
      }
      i += best;
    }
  }

private:
  struct Term {
    std::vector<std::string> words;
    bool prefix = false; // the last word is a prefix
    unsigned attr = plain;
  };

  void add(const std::vector<std::string>& terms, unsigned attr) {
    for (const std::string& raw : terms) {
      std::string text = sanitize(raw);
      Term t;
      t.attr = attr;
      while (!text.empty() && (text.back() == ' ' || text.back() == '*')) {
        t.prefix = t.prefix || text.back() == '*';
        text.pop_back();
      }
      for (Token& tok : tokens(text)) {
        t.words.push_back(std::move(tok.lower));
      }
      if (!t.words.empty()) {
        m_terms.push_back(std::move(t));
      }
    }
  }

  // How many tokens from `i` on `t` matches (0: none).
  static std::size_t match(const std::string& text, const std::vector<Token>& toks, std::size_t i, const Term& t) {
    if (i + t.words.size() > toks.size()) {
      return 0;
    }
    for (std::size_t j = 0; j < t.words.size(); ++j) {
      const Token& tok = toks[i + j];
      const bool last = j + 1 == t.words.size();
      if (last && t.prefix ? tok.lower.rfind(t.words[j], 0) != 0 : tok.lower != t.words[j]) {
        return 0;
      }
      if (j > 0) {
        for (std::size_t k = toks[i + j - 1].end; k < tok.begin; ++k) {
          if (text[k] != ' ' && text[k] != '-') {
            return 0;
          }
        }
      }
    }
    return t.words.size();
  }

  std::vector<Term> m_terms;
};

// ---------------------------------------------------------------------------
// Layout: what the screen shows, as lines for a width.

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const std::string& s : v) {
    out += (out.empty() ? "" : sep) + s;
  }
  return out;
}

std::string author_name(const Author& a) {
  if (!a.collective.empty()) {
    return a.collective;
  }
  std::string name = a.family;
  const std::string& initials = a.initials.empty() ? a.given : a.initials;
  if (!initials.empty()) {
    name += (name.empty() ? "" : " ") + initials;
  }
  return name;
}

// "Smith J, Jones K, Lee M, … Brown T (25 authors)" when there are more than
// six.
std::string authors_line(const std::vector<Author>& authors) {
  std::vector<std::string> names;
  for (const Author& a : authors) {
    names.push_back(author_name(a));
  }
  if (names.size() <= 6) {
    return join(names, ", ");
  }
  return fmt::format("{}, {}, {}, \xE2\x80\xA6 {} ({} authors)", names[0], names[1], names[2], names.back(),
                     names.size());
}

std::string vote_text(const Vote& v) {
  std::string s = decision_name(v.decision);
  if (!v.reason.empty()) {
    s += " \xE2\x80\x94 " + v.reason;
  }
  if (!v.note.empty()) {
    s += " (note: " + v.note + ")";
  }
  return s;
}

void add_lines(std::vector<Line>& out, std::vector<Line> more) {
  for (Line& l : more) {
    out.push_back(std::move(l));
  }
}

// A labelled field ("MeSH  Humans; Mice") wrapped under its label.
void add_field(std::vector<Line>& out, const char* label, const std::string& value, int width) {
  if (value.empty()) {
    return;
  }
  const std::string lead = fmt::format("{:<8}", label);
  add_lines(out, wrap(Styled(value, plain), width, line_of(lead, dim), static_cast<int>(lead.size())));
}

// A record as the screen shows it: title, year and journal, authors,
// publication types, MeSH, the reviewer's own vote, then the abstract.
std::vector<Line> layout_record(const Record* r, const QueueItem& item, const Highlighter& hl, int width) {
  std::vector<Line> out;
  if (!r) {
    out.push_back(line_of("(this record is no longer in the index; run `litrev rebuild`?)", dim));
    return out;
  }
  Styled title(r->title.empty() ? std::string("(no title)") : r->title, bold);
  hl.mark(title);
  add_lines(out, wrap(title, width));

  std::vector<std::string> where;
  if (r->pub_date.year) {
    where.push_back(std::to_string(r->pub_date.year));
  }
  if (const std::string j = journal_short(*r); !j.empty()) {
    where.push_back(j);
  }
  if (!where.empty()) {
    add_lines(out, wrap(Styled(join(where, " \xC2\xB7 "), cyan), width));
  }
  out.emplace_back();
  add_field(out, "Authors", authors_line(r->authors), width);
  std::vector<std::string> types;
  for (const PublicationType& t : r->publication_types) {
    types.push_back(t.name);
  }
  add_field(out, "Types", join(types, "; "), width);
  std::vector<std::string> mesh;
  for (const MeshHeading& m : r->mesh) {
    bool major = m.major;
    for (const MeshQualifier& q : m.qualifiers) {
      major = major || q.major;
    }
    mesh.push_back(m.descriptor + (major ? "*" : ""));
  }
  add_field(out, "MeSH", join(mesh, "; "), width);
  if (item.members.size() > 1) {
    add_field(out, "Also", join(std::vector<std::string>(item.members.begin() + 1, item.members.end()), ", ") +
                               " (the same report)",
              width);
  }
  if (item.mine) {
    Styled vote("Your vote: ", bold | yellow);
    vote.add(vote_text(*item.mine), yellow);
    add_lines(out, wrap(vote, width));
  }
  out.emplace_back();
  if (r->abstract.empty()) {
    out.push_back(line_of("(no abstract)", dim));
  }
  for (const AbstractSection& section : r->abstract) {
    Styled text(section.text, plain);
    hl.mark(text);
    Line lead;
    if (!section.label.empty()) {
      lead = line_of(section.label + ": ", bold);
    }
    add_lines(out, wrap(text, width, lead));
  }
  if (!r->keywords.empty()) {
    std::vector<std::string> words;
    for (const Keyword& k : r->keywords) {
      words.push_back(k.text);
    }
    Styled kw(join(words, "; "), plain);
    hl.mark(kw);
    out.emplace_back();
    add_lines(out, wrap(kw, width, line_of("Keywords: ", dim), 0));
  }
  return out;
}

// The eligibility criteria and the stage's exclusion reasons.
std::vector<Line> layout_criteria(const Protocol& p, const StageRules& rules, int width) {
  std::vector<Line> out;
  out.push_back(line_of("Eligibility criteria", bold));
  out.emplace_back();
  const auto list = [&](const char* heading, unsigned attr, const std::vector<std::string>& items) {
    out.push_back(line_of(heading, bold | attr));
    if (items.empty()) {
      out.push_back(line_of("  (none listed in litrev.json)", dim));
    }
    for (const std::string& item : items) {
      add_lines(out, wrap(Styled(item, plain), width, line_of("  \xE2\x80\xA2 ", attr), 4));
    }
    out.emplace_back();
  };
  list("Include", green, p.include_criteria);
  list("Exclude", red, p.exclude_criteria);
  out.push_back(line_of(fmt::format("Exclusion reasons at {}{}", stage_name(rules.stage),
                                    rules.reason_required ? " (an exclusion needs one)" : ""),
                        bold));
  if (rules.exclusion_reasons.empty()) {
    out.push_back(line_of("  (any; none listed in litrev.json)", dim));
  }
  for (std::size_t i = 0; i < rules.exclusion_reasons.size(); ++i) {
    add_lines(out, wrap(Styled(rules.exclusion_reasons[i], plain), width,
                        line_of(fmt::format("  {}{} ", i < 9 ? " " : "", i + 1), dim), 6));
  }
  return out;
}

// Keys and what they do, as a footer wrapped to `width`.
std::vector<Line> layout_keys(const std::vector<std::pair<std::string, std::string>>& keys, int width) {
  std::vector<Line> out(1);
  int w = 0;
  for (const auto& [key, what] : keys) {
    const int item_w = static_cast<int>(display_width(key) + 1 + display_width(what));
    const int sep = w == 0 ? 0 : 3;
    if (w > 0 && w + sep + item_w > width) {
      out.emplace_back();
      w = 0;
    }
    if (w > 0) {
      out.back().push_back({" \xC2\xB7 ", dim});
      w += 3;
    }
    out.back().push_back({sanitize(key), bold});
    out.back().push_back({" " + sanitize(what), plain});
    w += item_w;
  }
  return out;
}

// The key that picks the reason at `i` in the exclusion menu: 1-9, then a-z.
std::string reason_key(std::size_t i) {
  return i < 9 ? std::string(1, static_cast<char>('1' + i)) : std::string(1, static_cast<char>('a' + (i - 9)));
}

std::optional<std::size_t> reason_index(const std::string& key, std::size_t n) {
  if (key.size() != 1) {
    return std::nullopt;
  }
  const char c = key[0];
  std::size_t i = n;
  if (c >= '1' && c <= '9') {
    i = static_cast<std::size_t>(c - '1');
  } else if (c >= 'a' && c <= 'z') {
    i = 9 + static_cast<std::size_t>(c - 'a');
  }
  return i < n ? std::optional<std::size_t>(i) : std::nullopt;
}

// Drops the last code point of `s`.
void pop_code_point(std::string& s) {
  while (!s.empty()) {
    const unsigned char c = static_cast<unsigned char>(s.back());
    s.pop_back();
    if ((c & 0xC0) != 0x80) {
      return;
    }
  }
}

// ---------------------------------------------------------------------------
// The session.

struct SessionSummary {
  std::size_t votes = 0; // votes recorded in this session (changes included)
  std::size_t notes = 0;
  std::size_t left = 0;
};

// The queue again after a vote (prioritised order: the ranker retrained on
// the decisions so far), or empty when the order does not change.
using Requeue = std::function<std::vector<QueueItem>()>;

class Session {
public:
  Session(Review& review, Terminal& term, std::string reviewer, Stage stage, Protocol protocol,
          std::deque<QueueItem> todo, std::size_t done, QueueOrder order, std::uint64_t seed, Requeue requeue)
    : m_review(review), m_term(term), m_reviewer(std::move(reviewer)), m_stage(stage),
      m_protocol(std::move(protocol)), m_rules(*m_protocol.stage(stage)), m_highlight(m_protocol),
      m_index(review.open_index()), m_todo(std::move(todo)), m_done(done), m_total(done + m_todo.size()),
      m_order(order), m_seed(seed), m_requeue(std::move(requeue)) {}

  SessionSummary run() {
    for (;;) {
      draw();
      const Key key = m_term.read_key();
      if (key.kind == Key::eof || key.kind == Key::interrupt) {
        break;
      }
      if (key.kind == Key::resize || key.kind == Key::redraw) {
        continue;
      }
      if (!handle(key)) {
        break;
      }
    }
    m_summary.left = m_todo.size();
    return m_summary;
  }

private:
  enum class Mode { record, reason, note, criteria };

  // The record on screen: one looked back at, else the head of the queue;
  // nullptr when the queue is done.
  QueueItem* current() {
    if (m_back) {
      return &m_history[*m_back];
    }
    return m_todo.empty() ? nullptr : &m_todo.front();
  }

  const Record* record(const std::string& key) {
    if (m_cached_key != key) {
      try {
        m_cached = m_index.get(key);
      } catch (const Error&) { // the index changed under us: open it again
        m_index = m_review.open_index();
        m_cached = m_index.get(key);
      }
      m_cached_key = key;
    }
    return m_cached ? &*m_cached : nullptr;
  }

  void status(std::string text, bool error = false) {
    m_status = std::move(text);
    m_status_error = error;
  }

  // Returns false to quit.
  bool handle(const Key& key) {
    switch (m_mode) {
    case Mode::criteria:
      m_mode = Mode::record;
      m_scroll = m_saved_scroll;
      return true;
    case Mode::reason:
      handle_reason(key);
      return true;
    case Mode::note:
      handle_note(key);
      return true;
    case Mode::record:
      break;
    }
    if (scroll(key)) {
      return true;
    }
    if (key.kind != Key::character) {
      return true;
    }
    const std::string& c = key.text;
    if (c == "q") {
      return false;
    }
    if (c == "c") {
      m_mode = Mode::criteria;
      m_saved_scroll = m_scroll;
      m_scroll = 0;
      return true;
    }
    if (c == "b") {
      go_back();
      return true;
    }
    if (!current()) {
      status("Nothing left here: b goes back, q quits");
      return true;
    }
    if (c == "i") {
      vote(Decision::include, "");
    } else if (c == "m") {
      vote(Decision::maybe, "");
    } else if (c == "e") {
      m_mode = Mode::reason;
      m_input.clear();
      status("");
    } else if (c == "n") {
      m_mode = Mode::note;
      m_input.clear();
      status("");
    } else if (c == "s") {
      skip();
    } else {
      status(fmt::format("'{}' does nothing here; the keys are below", c), true);
    }
    return true;
  }

  // Scrolls the record; false when `key` is not a scrolling key.
  bool scroll(const Key& key) {
    const int page = std::max(1, m_body_rows - 1);
    switch (key.kind) {
    case Key::up:
      m_scroll -= 1;
      break;
    case Key::down:
      m_scroll += 1;
      break;
    case Key::page_up:
      m_scroll -= page;
      break;
    case Key::page_down:
      m_scroll += page;
      break;
    case Key::home:
      m_scroll = 0;
      break;
    case Key::end:
      m_scroll = 1 << 20;
      break;
    case Key::character:
      if (key.text != " ") {
        return false;
      }
      m_scroll += page;
      break;
    default:
      return false;
    }
    m_scroll = std::max(0, m_scroll); // draw() clamps the other end
    return true;
  }

  void handle_reason(const Key& key) {
    const std::vector<std::string>& reasons = m_rules.exclusion_reasons;
    if (key.kind == Key::escape) {
      m_mode = Mode::record;
      status("Exclusion cancelled");
      return;
    }
    if (key.kind == Key::enter) {
      m_mode = Mode::record;
      vote(Decision::exclude, reasons.empty() ? m_input : std::string());
      return;
    }
    if (reasons.empty()) { // any reason: typed
      edit(m_input, key);
      return;
    }
    if (key.kind == Key::character) {
      if (const auto i = reason_index(key.text, reasons.size())) {
        m_mode = Mode::record;
        vote(Decision::exclude, reasons[*i]);
      }
    }
  }

  void handle_note(const Key& key) {
    if (key.kind == Key::escape) {
      m_mode = Mode::record;
      status("Note cancelled");
      return;
    }
    if (key.kind != Key::enter) {
      edit(m_input, key);
      return;
    }
    m_mode = Mode::record;
    if (m_input.empty()) {
      status("Empty note: nothing saved");
      return;
    }
    const std::string key_name = current()->key;
    try {
      const LedgerEvent ev = m_review.add_note(m_reviewer, key_name, m_stage, m_input);
      ++m_summary.notes;
      status(fmt::format("\xE2\x9C\x93 Note saved on {} (#{})", key_name, ev.seq));
    } catch (const Error& e) {
      status(e.what(), true);
    }
  }

  static void edit(std::string& text, const Key& key) {
    if (key.kind == Key::character) {
      text += key.text;
    } else if (key.kind == Key::backspace) {
      pop_code_point(text);
    } else if (key.kind == Key::kill_line) {
      text.clear();
    }
  }

  // Records the reviewer's vote on the record on screen. Acknowledged only
  // once decide() has returned; a refusal is shown and the record stays.
  void vote(Decision decision, const std::string& reason) {
    QueueItem& item = *current();
    DecisionInput in;
    in.key = item.key;
    in.stage = m_stage;
    in.decision = decision;
    in.reason = reason;
    in.order = m_order;
    in.order_seed = m_seed;
    LedgerEvent ev;
    try {
      ev = m_review.decide(m_reviewer, in);
    } catch (const Error& e) {
      status(e.what(), true);
      return;
    }
    ++m_summary.votes;
    Vote v;
    if (item.mine) {
      v = *item.mine;
      ++v.revisions;
    } else {
      v.first = decision;
    }
    v.reviewer = m_reviewer;
    v.key = item.key;
    v.decision = decision;
    v.reason = reason;
    v.note.clear();
    v.ts = ev.ts;
    const bool changed = item.mine.has_value();
    item.mine = v;
    status(fmt::format("\xE2\x9C\x93 {}: {}{} at {}, recorded (#{}){}", item.key, decision_name(decision),
                       reason.empty() ? "" : " (" + reason + ")", stage_name(m_stage), ev.seq,
                       changed ? "; it replaces your earlier vote" : ""));
    if (m_back) {
      m_back.reset(); // back to where the reviewer was
    } else {
      m_history.push_back(std::move(m_todo.front()));
      m_todo.pop_front();
      ++m_done;
    }
    requeue();
    m_scroll = 0;
  }

  // Prioritised order: ranks the records left again, now that the ranker has
  // one more decision to learn from. Records skipped in this session stay at
  // the end. When the ranking fails (the index is busy), the old order stays
  // and the status line says so.
  void requeue() {
    if (!m_requeue || m_todo.empty()) {
      return;
    }
    try {
      std::vector<QueueItem> fresh = m_requeue();
      std::deque<QueueItem> todo;
      std::vector<QueueItem> skipped;
      for (QueueItem& item : fresh) {
        if (m_skipped.count(item.key)) {
          skipped.push_back(std::move(item));
        } else {
          todo.push_back(std::move(item));
        }
      }
      for (QueueItem& item : skipped) {
        todo.push_back(std::move(item));
      }
      m_todo = std::move(todo);
    } catch (const Error& e) {
      status(m_status + " (the order was not updated: " + e.what() + ")", true);
    }
  }

  void go_back() {
    if (m_history.empty() || (m_back && *m_back == 0)) {
      status(m_history.empty() ? "No earlier vote in this session to go back to"
                               : "This is the first record you voted on in this session",
             true);
      return;
    }
    m_back = m_back ? *m_back - 1 : m_history.size() - 1;
    m_scroll = 0;
    status("Back: a new vote replaces the one shown; s goes forward");
  }

  void skip() {
    m_scroll = 0;
    if (m_back) {
      if (*m_back + 1 < m_history.size()) {
        ++*m_back;
      } else {
        m_back.reset();
      }
      status("");
      return;
    }
    if (m_todo.size() < 2) {
      status(fmt::format("{} is the last record left", m_todo.front().key));
      return;
    }
    const std::string key = m_todo.front().key;
    m_skipped.insert(key);
    m_todo.push_back(std::move(m_todo.front()));
    m_todo.pop_front();
    status(fmt::format("Skipped {}: it comes back at the end", key));
  }

  // ---- drawing

  Line header(int width) {
    const QueueItem* item = current();
    std::string left;
    if (!item) {
      left = fmt::format("Done \xC2\xB7 {} of {} voted on", m_done, m_total);
    } else if (m_back) {
      const std::size_t ago = m_history.size() - *m_back;
      left = fmt::format("{} \xC2\xB7 back: voted {}", item->key,
                         ago == 1 ? std::string("last") : fmt::format("{} records ago", ago));
    } else {
      left = fmt::format("{} \xC2\xB7 record {} of {} \xC2\xB7 {} left \xC2\xB7 {} done", item->key, m_done + 1,
                         m_total, m_todo.size(), m_done);
    }
    const std::string right = fmt::format("{}{} \xC2\xB7 {}", stage_name(m_stage),
                                          m_rules.dual ? " (dual)" : "", m_reviewer);
    const int lw = static_cast<int>(display_width(sanitize(left)));
    const int rw = static_cast<int>(display_width(sanitize(right)));
    std::string text = " " + left;
    if (lw + rw + 4 <= width) {
      text += std::string(static_cast<std::size_t>(width - lw - rw - 2), ' ') + right + " ";
    } else {
      text += std::string(static_cast<std::size_t>(std::max(0, width - lw - 1)), ' ');
    }
    return line_of(text, inverse);
  }

  std::vector<Line> bottom(int width) {
    std::vector<Line> out;
    const QueueItem* item = current();
    switch (m_mode) {
    case Mode::reason: {
      const auto& reasons = m_rules.exclusion_reasons;
      out.push_back(line_of(fmt::format("Exclude {}: {}", item->key,
                                        reasons.empty() ? "type the reason" : "choose the reason"),
                            bold | red));
      for (std::size_t i = 0; i < reasons.size(); ++i) {
        add_lines(out, wrap(Styled(reasons[i], plain), width, line_of("  " + reason_key(i) + "  ", bold), 5));
      }
      if (reasons.empty()) {
        Styled input("Reason: ", bold);
        input.add(m_input, plain);
        add_lines(out, wrap(input, width - 1));
        out.back().push_back({" ", inverse});
      }
      const std::string enter = m_rules.reason_required
                                    ? fmt::format("A reason is required at {}", stage_name(m_stage))
                                    : "Enter: exclude without a reason";
      add_lines(out, layout_keys({{reasons.empty() ? "Enter" : reason_key(0) + "-" +
                                                                  reason_key(reasons.size() - 1),
                                   reasons.empty() ? "exclude" : "choose"},
                                  {"Esc", "cancel"}},
                                 width));
      if (!reasons.empty()) {
        out.push_back(line_of(enter, dim));
      }
      return out;
    }
    case Mode::note: {
      Styled input(fmt::format("Note on {}: ", item->key), bold);
      input.add(m_input, plain);
      add_lines(out, wrap(input, width - 1));
      out.back().push_back({" ", inverse});
      add_lines(out, layout_keys({{"Enter", "save"}, {"Esc", "cancel"}, {"Ctrl-U", "clear"}}, width));
      return out;
    }
    case Mode::criteria:
      out.push_back(line_of("Any key goes back to the record", dim));
      return out;
    case Mode::record:
      break;
    }
    if (!m_status.empty()) {
      add_lines(out, wrap(Styled(m_status, m_status_error ? (bold | red) : (bold | yellow)), width));
      if (out.size() > 3) {
        out.resize(3);
      }
    }
    if (item) {
      add_lines(out, layout_keys({{"i", "include"},
                                  {"e", "exclude"},
                                  {"m", "maybe"},
                                  {"n", "note"},
                                  {"b", "back"},
                                  {"s", "skip"},
                                  {"c", "criteria"},
                                  {"q", "quit"}},
                                 width));
    } else {
      add_lines(out, layout_keys({{"b", "back"}, {"c", "criteria"}, {"q", "quit"}}, width));
    }
    return out;
  }

  std::vector<Line> body(int width) {
    if (m_mode == Mode::criteria) {
      return layout_criteria(m_protocol, m_rules, width);
    }
    QueueItem* item = current();
    if (!item) {
      std::vector<Line> out;
      out.push_back(line_of(fmt::format("Nothing left to screen at {} for {}.", stage_name(m_stage), m_reviewer),
                            bold));
      out.push_back(line_of(fmt::format("{} vote{} in this session.", m_summary.votes,
                                        m_summary.votes == 1 ? "" : "s"),
                            plain));
      return out;
    }
    return layout_record(record(item->key), *item, m_highlight, width);
  }

  void draw() {
    const TermSize ts = m_term.size();
    const int width = ts.cols;
    const int height = ts.rows;
    std::string frame = "\x1b[?25l\x1b[H";
    std::vector<Line> rows;
    if (width < 20 || height < 8) {
      rows.push_back(line_of("Terminal too small (20x8 at least)", bold));
    } else {
      const int text_width = width - 2; // a margin either side
      rows.push_back(header(width));
      std::vector<Line> foot = bottom(text_width);
      if (static_cast<int>(foot.size()) > height - 3) {
        foot.erase(foot.begin(), foot.end() - (height - 3));
      }
      m_body_rows = height - 1 - static_cast<int>(foot.size()) - 1; // a blank row above the footer
      std::vector<Line> text = body(text_width);
      const int n = static_cast<int>(text.size());
      bool more = n > m_body_rows;
      const int visible = more ? m_body_rows - 1 : m_body_rows;
      m_scroll = std::clamp(m_scroll, 0, std::max(0, n - visible));
      for (int i = 0; i < visible; ++i) {
        const int k = m_scroll + i;
        rows.push_back(k < n ? text[static_cast<std::size_t>(k)] : Line{});
      }
      if (more) {
        const bool below = m_scroll + visible < n;
        rows.push_back(line_of(below ? fmt::format("\xE2\x86\x93 more below: space, \xE2\x86\x93 or PgDn "
                                                   "(lines {}-{} of {})",
                                                   m_scroll + 1, m_scroll + visible, n)
                                     : fmt::format("\xE2\x86\x91 end (lines {}-{} of {}); PgUp or \xE2\x86\x91 "
                                                   "scrolls back",
                                                   m_scroll + 1, m_scroll + visible, n),
                               dim));
      }
      rows.emplace_back();
      for (Line& l : foot) {
        rows.push_back(std::move(l));
      }
      for (std::size_t i = 1; i < rows.size(); ++i) { // the margin
        if (!rows[i].empty()) {
          rows[i].insert(rows[i].begin(), Span{" ", plain});
        }
      }
    }
    for (int r = 0; r < height; ++r) {
      frame += fmt::format("\x1b[{};1H", r + 1);
      if (r < static_cast<int>(rows.size())) {
        frame += render(rows[static_cast<std::size_t>(r)], width);
      }
      frame += "\x1b[K";
    }
    m_term.write(frame);
  }

  Review& m_review;
  Terminal& m_term;
  const std::string m_reviewer;
  const Stage m_stage;
  const Protocol m_protocol;
  const StageRules& m_rules;
  const Highlighter m_highlight;
  Index m_index;

  std::deque<QueueItem> m_todo;     // records still to vote on; the head is on screen
  std::vector<QueueItem> m_history; // records voted on in this session, in order
  std::optional<std::size_t> m_back; // looking back at m_history[*m_back]
  std::size_t m_done;               // records of the stage with the reviewer's vote
  const std::size_t m_total;        // done + still to do, at the start

  Mode m_mode = Mode::record;
  std::string m_input; // the note or reason being typed
  std::string m_status;
  bool m_status_error = false;
  int m_scroll = 0;
  int m_saved_scroll = 0;
  int m_body_rows = 1;

  std::string m_cached_key;
  std::optional<Record> m_cached;
  SessionSummary m_summary;
  const QueueOrder m_order; // recorded with every vote
  const std::uint64_t m_seed;
  const Requeue m_requeue;
  std::set<std::string> m_skipped; // skipped in this session: kept at the end of the queue
};

} // namespace

Runner define_screen(CLI::App& app) {
  struct Opts {
    std::string stage = "ta";
    std::string order = "key";
    std::uint64_t seed = 0;
    std::string reviewer;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--stage", o->stage, "ta (title-abstract, the default) or ft (full-text)");
  app.add_option("--order", o->order,
                 "key (the default), random, or prioritised (most likely includes first, ranked again from "
                 "the decisions so far after every vote)");
  CLI::Option* seed = app.add_option("--seed", o->seed,
                                     "Seed of the random order (default: one per reviewer, so a restart keeps "
                                     "the order)");
  app.add_option("--reviewer", o->reviewer, "Who screens; default: $LITREV_REVIEWER");
  app.footer("Keys: i include, e exclude (then the reason's number), m maybe, n note, b back to the previous "
             "vote, s skip, c eligibility criteria, q quit; space, arrows and PgUp/PgDn scroll.");
  return [o, seed](Context& ctx) {
    const std::string reviewer = reviewer_or_env(o->reviewer, "screen");
    const Stage stage = stage_option(o->stage);
    QueueOrder order = QueueOrder::key;
    if (o->order == "random") {
      order = QueueOrder::random;
    } else if (o->order == "prioritised" || o->order == "prioritized") {
      order = QueueOrder::prioritised;
    } else if (o->order != "key") {
      throw UsageError("--order: '" + o->order + "' is not an order (key, random, prioritised)");
    }
    if (!is_terminal()) {
      throw UsageError("litrev screen needs a terminal; use `litrev decide` for scripts");
    }
    Review review(ctx.dir);
    Protocol protocol = review.protocol();
    if (!protocol.stage(stage)) {
      throw UsageError(std::string("the protocol (litrev.json) has no ") + stage_name(stage) + " stage");
    }
    if (!valid_actor(reviewer) || (!protocol.reviewers.empty() && !protocol.reviewer(reviewer))) {
      throw UsageError("\"" + reviewer + "\" is not a reviewer in litrev.json");
    }
    // The queue with the reviewer's done records too, to count them; the
    // order of the rest is queue(..., false)'s.
    std::deque<QueueItem> todo;
    std::size_t done = 0;
    const std::uint64_t queue_seed = seed->count() ? o->seed : reviewer_seed(reviewer);
    for (QueueItem& item : review.queue(reviewer, stage, order, queue_seed, true)) {
      if (item.mine) {
        ++done;
      } else {
        todo.push_back(std::move(item));
      }
    }
    if (todo.empty()) {
      fmt::print("Nothing left to screen at {} for {} ({} done)\n", stage_name(stage), reviewer, done);
      return 0;
    }
    SessionSummary summary;
    {
      Terminal term;
      Requeue requeue;
      if (order == QueueOrder::prioritised) {
        requeue = [&review, reviewer, stage, queue_seed] {
          return review.queue(reviewer, stage, QueueOrder::prioritised, queue_seed, false);
        };
      }
      Session session(review, term, reviewer, stage, std::move(protocol), std::move(todo), done, order,
                      queue_seed, std::move(requeue));
      summary = session.run();
    }
    fmt::print("{}: {} vote{}{} at {} in this session; {} left\n", reviewer, summary.votes,
               summary.votes == 1 ? "" : "s",
               summary.notes ? fmt::format(" and {} note{}", summary.notes, summary.notes == 1 ? "" : "s") : "",
               stage_name(stage), summary.left);
    return 0;
  };
}

} // namespace litrev::cli
