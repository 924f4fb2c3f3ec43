// The terminal layer of `litrev screen`: a raw-mode session on the
// controlling terminal, keys read from it, and text made safe and measured
// for it.
//
// Terminal puts the terminal in raw mode (no echo, no line editing, no
// signals from keys), switches to the alternate screen and hides the
// cursor; it puts everything back when it is destroyed (every return and
// every exception), and on SIGINT, SIGTERM, SIGHUP and SIGQUIT, whose
// handlers restore the terminal and then re-raise the signal so the process
// ends as the signal says. SIGWINCH makes read_key() return Key::resize.
//
// Text from records is arbitrary: sanitize() makes it valid UTF-8 without
// control characters, so nothing from the data reaches the terminal as a
// command; display_width() and the glyph helpers measure and cut it by code
// point, never inside a multibyte sequence.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace litrev::cli {

struct Key {
  enum Kind {
    character, // `text` holds one code point (UTF-8)
    enter,
    escape,    // Esc on its own, not the start of a sequence
    backspace,
    kill_line, // Ctrl-U
    up,
    down,
    page_up,
    page_down,
    home,
    end,
    interrupt, // Ctrl-C
    redraw,    // Ctrl-L
    resize,    // the terminal changed size (SIGWINCH)
    eof,       // the terminal went away
    other,     // anything else (function keys, Alt-x, ...): ignore
  };
  Kind kind = other;
  std::string text;
};

struct TermSize {
  int cols = 80;
  int rows = 24;
};

class Terminal {
public:
  // Takes over the terminal. Throws UsageError when stdin or stdout is not
  // a terminal, IoError when its modes cannot be set.
  Terminal();
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // The current size (TIOCGWINSZ; 80x24 when it cannot be told).
  TermSize size() const;

  // Writes `s` whole (retrying short writes). Throws IoError.
  void write(std::string_view s);

  // Waits for the next key. An Esc is told from the start of an escape
  // sequence by whether more bytes follow at once.
  Key read_key();

private:
  std::string m_pending; // bytes read but not yet made into keys
};

// Whether stdin and stdout are both terminals.
bool is_terminal();

// `text` as valid UTF-8 that is safe to print: tabs, line breaks and other
// white space control characters become a space; other C0 controls and DEL
// are shown in caret notation (ESC as "^["); C1 controls, bidirectional
// overrides and invalid bytes become U+FFFD.
std::string sanitize(std::string_view text);

// One code point of sanitized text: where its bytes are and how many
// columns it takes (0 for combining marks, 2 for wide East Asian forms and
// emoji, else 1).
struct Glyph {
  std::size_t offset = 0;
  std::size_t size = 0;
  char32_t cp = 0;
  int width = 1;
};

// The glyphs of sanitized (valid UTF-8) text, in order.
std::vector<Glyph> glyphs(std::string_view text);

// Columns `text` (sanitized) takes.
std::size_t display_width(std::string_view text);

} // namespace litrev::cli
