#include "formats/text_input.hpp"

#include <cerrno>
#include <cstring>
#include <string_view>

#include <sys/stat.h>
#include <zlib.h>

#include <litrev/error.hpp>
#include <litrev/utf8.hpp>

#include "util/text.hpp"

namespace litrev {

namespace {

constexpr std::size_t k_block = std::size_t{1} << 16;
constexpr std::size_t k_max_line = std::size_t{64} << 20;

// Windows-1252 0x80..0x9F; 0 marks the undefined bytes.
constexpr char32_t k_cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};


} // namespace

std::string cp1252_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0xA0) {
      const char32_t cp = k_cp1252_high[c - 0x80];
      append_utf8(out, cp ? cp : 0xFFFD);
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

struct TextInput::Impl {
  gzFile gz = nullptr;
  std::string display;
  std::string raw;          // undecoded bytes read ahead
  std::size_t pos = 0;      // next byte of `raw` to use
  bool eof = false;
  bool started = false;     // BOM checked
  enum class Enc { utf8, utf8_bom, utf16le, utf16be } enc = Enc::utf8;
  std::uint64_t line = 0;
  std::uint64_t cp1252 = 0;
  bool pending_cr = false;  // last line ended with CR: skip a following LF

  // Makes at least `n` unread bytes available if the file has them.
  void fill(std::size_t n) {
    while (!eof && raw.size() - pos < n) {
      if (pos > 0 && pos >= raw.size() / 2) {
        raw.erase(0, pos);
        pos = 0;
      }
      const std::size_t old = raw.size();
      raw.resize(old + k_block);
      const int got = gzread(gz, raw.data() + old, static_cast<unsigned>(k_block));
      if (got < 0) {
        int errnum = 0;
        const char* msg = gzerror(gz, &errnum);
        raw.resize(old);
        if (errnum == Z_DATA_ERROR || errnum == Z_BUF_ERROR) {
          throw DataError(display, 0, std::string("corrupt gzip data: ") + msg);
        }
        throw IoError(display + ": read error: " + msg);
      }
      raw.resize(old + static_cast<std::size_t>(got));
      if (got == 0) {
        eof = true;
      }
    }
  }

  void start() {
    if (started) {
      return;
    }
    started = true;
    fill(3);
    const std::string_view head(raw.data() + pos, raw.size() - pos);
    if (head.substr(0, 3) == "\xEF\xBB\xBF") {
      enc = Enc::utf8_bom;
      pos += 3;
    } else if (head.substr(0, 2) == "\xFF\xFE") {
      enc = Enc::utf16le;
      pos += 2;
    } else if (head.substr(0, 2) == "\xFE\xFF") {
      enc = Enc::utf16be;
      pos += 2;
    }
  }

  // UTF-16: decodes the next line into UTF-8.
  bool next_utf16(std::string& out) {
    out.clear();
    const bool le = enc == Enc::utf16le;
    bool any = false;
    for (;;) {
      fill(4);
      if (raw.size() - pos < 2) {
        if (raw.size() - pos == 1) {
          throw DataError(display, line + 1, "UTF-16 text ends in the middle of a character");
        }
        return any || !out.empty();
      }
      auto unit = [&](std::size_t at) -> char32_t {
        const auto a = static_cast<unsigned char>(raw[at]);
        const auto b = static_cast<unsigned char>(raw[at + 1]);
        return le ? (a | (b << 8)) : ((a << 8) | b);
      };
      char32_t cp = unit(pos);
      pos += 2;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (raw.size() - pos < 2) {
          throw DataError(display, line + 1, "UTF-16 text ends inside a surrogate pair");
        }
        const char32_t lo = unit(pos);
        if (lo < 0xDC00 || lo > 0xDFFF) {
          throw DataError(display, line + 1, "malformed UTF-16 surrogate pair");
        }
        pos += 2;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        throw DataError(display, line + 1, "malformed UTF-16: lone low surrogate");
      }
      if (pending_cr) {
        pending_cr = false;
        if (cp == '\n') {
          continue;
        }
      }
      any = true;
      if (cp == '\n') {
        return true;
      }
      if (cp == '\r') {
        pending_cr = true;
        return true;
      }
      append_utf8(out, cp);
      if (out.size() > k_max_line) {
        throw DataError(display, line + 1, "line longer than 64 MiB");
      }
    }
  }

  bool next_bytes(std::string& out) {
    out.clear();
    for (;;) {
      fill(1);
      if (pos >= raw.size()) {
        return !out.empty();
      }
      if (pending_cr) {
        pending_cr = false;
        if (raw[pos] == '\n') {
          ++pos;
          continue;
        }
      }
      const char* begin = raw.data() + pos;
      const std::size_t avail = raw.size() - pos;
      // Look for CR only before the next LF: searching the whole buffer for
      // a CR that an LF-only file never has would make reading quadratic.
      const auto* lf = static_cast<const char*>(std::memchr(begin, '\n', avail));
      const std::size_t before_lf = lf ? static_cast<std::size_t>(lf - begin) : avail;
      const auto* cr = static_cast<const char*>(std::memchr(begin, '\r', before_lf));
      const char* end = cr ? cr : lf;
      if (!end) {
        out.append(begin, avail);
        pos = raw.size();
        if (out.size() > k_max_line) {
          throw DataError(display, line + 1, "line longer than 64 MiB");
        }
        continue;
      }
      out.append(begin, static_cast<std::size_t>(end - begin));
      pos += static_cast<std::size_t>(end - begin) + 1;
      if (*end == '\r') {
        pending_cr = true;
      }
      return true;
    }
  }
};

TextInput::TextInput(const std::string& path, std::string display_name)
  : m_impl(std::make_unique<Impl>()) {
  m_impl->display = display_name.empty() ? path : std::move(display_name);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw IoError(m_impl->display + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    throw IoError(m_impl->display + ": is a directory");
  }
  m_impl->gz = gzopen(path.c_str(), "rb");
  if (!m_impl->gz) {
    throw IoError(m_impl->display + ": cannot open: " + std::strerror(errno));
  }
  gzbuffer(m_impl->gz, 1 << 17);
}

TextInput::~TextInput() {
  if (m_impl && m_impl->gz) {
    gzclose(m_impl->gz);
  }
}

bool TextInput::next_line(std::string& line) {
  Impl& m = *m_impl;
  m.start();
  bool got;
  if (m.enc == Impl::Enc::utf16le || m.enc == Impl::Enc::utf16be) {
    got = m.next_utf16(line);
  } else {
    got = m.next_bytes(line);
    if (got && find_invalid_utf8(line) != std::string_view::npos) {
      line = cp1252_to_utf8(line);
      ++m.cp1252;
    }
  }
  if (got) {
    ++m.line;
  }
  return got;
}

std::uint64_t TextInput::line_number() const noexcept { return m_impl->line; }

const char* TextInput::encoding() const noexcept {
  switch (m_impl->enc) {
  case Impl::Enc::utf8_bom:
    return "utf-8-bom";
  case Impl::Enc::utf16le:
    return "utf-16le";
  case Impl::Enc::utf16be:
    return "utf-16be";
  case Impl::Enc::utf8:
    break;
  }
  return "utf-8";
}

std::uint64_t TextInput::cp1252_lines() const noexcept { return m_impl->cp1252; }

const std::string& TextInput::display_name() const noexcept { return m_impl->display; }

std::string TextInput::peek(std::size_t n) {
  Impl& m = *m_impl;
  m.fill(n);
  return m.raw.substr(m.pos, std::min(n, m.raw.size() - m.pos));
}

} // namespace litrev
