// The terminal layer of `litrev screen` (terminal.hpp).
#include "terminal.hpp"

#include <litrev/utf8.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <litrev/error.hpp>

namespace litrev::cli {

namespace {

// What the signal handlers need, as plain globals: a handler can only use
// async-signal-safe calls, on state that is set up before it is installed.
struct termios g_saved;            // the terminal's modes before raw mode
volatile std::sig_atomic_t g_raw = 0; // raw mode is on and must be undone
int g_wake[2] = {-1, -1};          // SIGWINCH writes a byte here; read_key() polls it

const int k_fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
struct sigaction g_old_fatal[4];
struct sigaction g_old_winch;

// Alternate screen on, cursor hidden, screen cleared; and back.
constexpr char k_enter[] = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";
constexpr char k_leave[] = "\x1b[0m\x1b[?25h\x1b[?1049l";

// Undoes raw mode once. Async-signal-safe.
void restore_terminal() noexcept {
  if (!g_raw) {
    return;
  }
  g_raw = 0;
  if (::write(STDOUT_FILENO, k_leave, sizeof k_leave - 1) < 0) {
    // Nothing to do: the modes below matter more.
  }
  ::tcsetattr(STDIN_FILENO, TCSADRAIN, &g_saved);
}

extern "C" void on_fatal_signal(int sig) {
  const int saved_errno = errno;
  restore_terminal();
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  // Blocked while this handler runs: delivered, with the default action,
  // when it returns.
  ::raise(sig);
  errno = saved_errno;
}

extern "C" void on_winch(int) {
  const int saved_errno = errno;
  const char c = 'w';
  if (::write(g_wake[1], &c, 1) < 0) {
    // The pipe is full: a redraw is pending anyway.
  }
  errno = saved_errno;
}

void close_wake_pipe() {
  for (int& fd : g_wake) {
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
  }
}

// Restores the terminal, the signal handlers Terminal() replaced, and closes
// the wake pipe.
void release_terminal() {
  restore_terminal();
  for (std::size_t i = 0; i < std::size(k_fatal_signals); ++i) {
    ::sigaction(k_fatal_signals[i], &g_old_fatal[i], nullptr);
  }
  ::sigaction(SIGWINCH, &g_old_winch, nullptr);
  close_wake_pipe();
}

std::string os_error(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// How many bytes a UTF-8 sequence starting with `lead` has (1 for bytes
// that cannot start one).
std::size_t utf8_length(unsigned char lead) {
  if ((lead & 0xE0) == 0xC0) {
    return 2;
  }
  if ((lead & 0xF0) == 0xE0) {
    return 3;
  }
  if ((lead & 0xF8) == 0xF0) {
    return 4;
  }
  return 1;
}

constexpr std::string_view k_replacement = "\xEF\xBF\xBD"; // U+FFFD

bool in(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

// Columns a code point takes: a small table of the common zero-width and
// wide ranges (enough for abstracts; not the whole of Unicode's EAW data).
int cp_width(char32_t cp) {
  if (in(cp, 0x0300, 0x036F) || in(cp, 0x0483, 0x0489) || in(cp, 0x0591, 0x05BD) || in(cp, 0x0610, 0x061A) ||
      in(cp, 0x064B, 0x065F) || in(cp, 0x1AB0, 0x1AFF) || in(cp, 0x1DC0, 0x1DFF) || in(cp, 0x200B, 0x200F) ||
      in(cp, 0x20D0, 0x20FF) || in(cp, 0xFE00, 0xFE0F) || in(cp, 0xFE20, 0xFE2F) || cp == 0xFEFF) {
    return 0;
  }
  if (in(cp, 0x1100, 0x115F) || in(cp, 0x2E80, 0x303E) || in(cp, 0x3041, 0x33FF) || in(cp, 0x3400, 0x4DBF) ||
      in(cp, 0x4E00, 0x9FFF) || in(cp, 0xA000, 0xA4CF) || in(cp, 0xAC00, 0xD7A3) || in(cp, 0xF900, 0xFAFF) ||
      in(cp, 0xFE30, 0xFE4F) || in(cp, 0xFF00, 0xFF60) || in(cp, 0xFFE0, 0xFFE6) || in(cp, 0x1F300, 0x1F64F) ||
      in(cp, 0x1F900, 0x1F9FF) || in(cp, 0x20000, 0x2FFFD) || in(cp, 0x30000, 0x3FFFD)) {
    return 2;
  }
  return 1;
}

Key key_of(Key::Kind kind) {
  Key k;
  k.kind = kind;
  return k;
}

// The key a CSI or SS3 sequence stands for ("ESC [ 5 ~": page up).
Key::Kind sequence_key(std::string_view params, char final) {
  switch (final) {
  case 'A':
    return Key::up;
  case 'B':
    return Key::down;
  case 'H':
    return Key::home;
  case 'F':
    return Key::end;
  case '~':
    if (params == "5") {
      return Key::page_up;
    }
    if (params == "6") {
      return Key::page_down;
    }
    if (params == "1" || params == "7") {
      return Key::home;
    }
    if (params == "4" || params == "8") {
      return Key::end;
    }
    return Key::other;
  default:
    return Key::other;
  }
}

// Takes the first key off `buf`. Nothing when the bytes so far may be the
// start of a longer sequence, unless `final` (no more bytes came in time):
// then a lone ESC is the Esc key and a cut sequence is dropped.
std::optional<Key> take_key(std::string& buf, bool final) {
  if (buf.empty()) {
    return std::nullopt;
  }
  const auto take = [&](std::size_t n, Key k) {
    buf.erase(0, n);
    return std::optional<Key>(std::move(k));
  };
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(buf[i]); };
  const unsigned char c = byte(0);
  if (c == 0x1B) {
    if (buf.size() == 1) {
      return final ? take(1, key_of(Key::escape)) : std::nullopt;
    }
    const unsigned char c1 = byte(1);
    if (c1 == '[' || c1 == 'O') {
      std::size_t i = 2;
      if (c1 == '[') {
        while (i < buf.size() && byte(i) >= 0x20 && byte(i) <= 0x3F) {
          ++i;
        }
      }
      if (i >= buf.size()) {
        return final ? take(buf.size(), key_of(Key::other)) : std::nullopt;
      }
      if (byte(i) < 0x40 || byte(i) > 0x7E) {
        return take(i, key_of(Key::other)); // malformed: drop it, keep what follows
      }
      const Key::Kind kind = sequence_key(std::string_view(buf).substr(2, i - 2), buf[i]);
      return take(i + 1, key_of(kind));
    }
    if (c1 == 0x1B) {
      return take(1, key_of(Key::escape));
    }
    // Alt and a key: not one of ours.
    const std::size_t n = 1 + utf8_length(c1);
    if (buf.size() < n && !final) {
      return std::nullopt;
    }
    return take(std::min(n, buf.size()), key_of(Key::other));
  }
  switch (c) {
  case '\r':
  case '\n':
    return take(1, key_of(Key::enter));
  case 0x7F:
  case 0x08:
    return take(1, key_of(Key::backspace));
  case 0x03:
    return take(1, key_of(Key::interrupt));
  case 0x0C:
    return take(1, key_of(Key::redraw));
  case 0x15:
    return take(1, key_of(Key::kill_line));
  default:
    break;
  }
  if (c < 0x20) {
    return take(1, key_of(Key::other));
  }
  const std::size_t n = utf8_length(c);
  if (buf.size() < n) {
    return final ? take(buf.size(), key_of(Key::other)) : std::nullopt;
  }
  char32_t cp = 0;
  if (decode_utf8(buf, 0, cp) != n) {
    return take(1, key_of(Key::other));
  }
  Key k;
  k.kind = Key::character;
  k.text = buf.substr(0, n);
  buf.erase(0, n);
  return k;
}

} // namespace

bool is_terminal() { return ::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1; }

Terminal::Terminal() {
  if (!is_terminal()) {
    throw UsageError("litrev screen needs a terminal; use `litrev decide` for scripts");
  }
  if (g_wake[0] >= 0) {
    throw Error("one terminal session at a time");
  }
  if (::tcgetattr(STDIN_FILENO, &g_saved) != 0) {
    throw IoError(os_error("cannot read the terminal's modes"));
  }
  if (::pipe2(g_wake, O_NONBLOCK | O_CLOEXEC) != 0) {
    throw IoError(os_error("pipe"));
  }
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sigfillset(&sa.sa_mask);
  sa.sa_handler = on_fatal_signal;
  for (std::size_t i = 0; i < std::size(k_fatal_signals); ++i) {
    ::sigaction(k_fatal_signals[i], &sa, &g_old_fatal[i]);
  }
  sa.sa_handler = on_winch;
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGWINCH, &sa, &g_old_winch);

  struct termios raw = g_saved;
  raw.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
  raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
  raw.c_cflag |= CS8;
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  g_raw = 1;
  if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) != 0) {
    const std::string message = os_error("cannot set the terminal's modes");
    release_terminal();
    throw IoError(message);
  }
  write(k_enter);
}

Terminal::~Terminal() { release_terminal(); }

TermSize Terminal::size() const {
  TermSize s;
  struct winsize ws;
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    s.cols = ws.ws_col;
    s.rows = ws.ws_row;
  }
  return s;
}

void Terminal::write(std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, s.data(), s.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw IoError(os_error("cannot write to the terminal"));
    }
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

Key Terminal::read_key() {
  for (;;) {
    if (auto k = take_key(m_pending, false)) {
      return *k;
    }
    // Bytes pending are the start of a sequence: its rest comes at once or
    // not at all.
    const int timeout_ms = m_pending.empty() ? -1 : 50;
    struct pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {g_wake[0], POLLIN, 0}};
    const int n = ::poll(fds, 2, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw IoError(os_error("cannot read the terminal"));
    }
    if (n == 0) {
      return *take_key(m_pending, true);
    }
    if (fds[1].revents & POLLIN) {
      char drain[64];
      while (::read(g_wake[0], drain, sizeof drain) > 0) {
      }
      return key_of(Key::resize);
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[256];
      const ssize_t r = ::read(STDIN_FILENO, buf, sizeof buf);
      if (r < 0) {
        if (errno == EINTR || errno == EAGAIN) {
          continue;
        }
        throw IoError(os_error("cannot read the terminal"));
      }
      if (r == 0) {
        return key_of(Key::eof);
      }
      m_pending.append(buf, static_cast<std::size_t>(r));
    }
  }
}

std::string sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
        out += ' ';
      } else if (c < 0x20) {
        out += '^';
        out += static_cast<char>(c + 0x40);
      } else if (c == 0x7F) {
        out += "^?";
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = decode_utf8(text, i, cp);
    if (n == 0) {
      out += k_replacement;
      ++i;
      continue;
    }
    if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
      out += ' '; // next line, line and paragraph separators
    } else if (in(cp, 0x80, 0x9F) || in(cp, 0x202A, 0x202E) || in(cp, 0x2066, 0x2069)) {
      out += k_replacement; // C1 controls (CSI among them), bidirectional overrides
    } else {
      append_utf8(out, cp);
    }
    i += n;
  }
  return out;
}

std::vector<Glyph> glyphs(std::string_view text) {
  std::vector<Glyph> out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    Glyph g;
    g.offset = i;
    g.size = decode_utf8(text, i, g.cp);
    if (g.size == 0) { // not sanitized: take the byte, show it as one column
      g.size = 1;
      g.cp = 0xFFFD;
    }
    g.width = cp_width(g.cp);
    out.push_back(g);
    i += g.size;
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t w = 0;
  for (const Glyph& g : glyphs(text)) {
    w += static_cast<std::size_t>(g.width);
  }
  return w;
}

} // namespace litrev::cli
