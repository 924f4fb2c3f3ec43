#include "util/text.hpp"

#include <cstdint>
#include <cstring>

#include <litrev/utf8.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace litrev {

std::string_view trim_xml_space(std::string_view s) noexcept {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_xml_space(s[b])) {
    ++b;
  }
  while (e > b && is_xml_space(s[e - 1])) {
    --e;
  }
  return s.substr(b, e - b);
}

void fold_xml_space(std::string& s) {
  const std::size_t n = s.size();
  if (n == 0) {
    return;
  }
  // Most text is already folded: find the first byte that must change
  // without writing anything.
  std::size_t first = 0;
  if (!is_xml_space(s[0]) && !is_xml_space(s[n - 1])) {
    const char* p = s.data();
#if defined(__SSE2__)
    // 16 bytes at a time: stop at a tab, line feed, carriage return or a
    // space followed by white space.
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i tab = _mm_set1_epi8('\t');
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    while (first + 17 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + first));
      const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + first + 1));
      const __m128i control =
          _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
      const __m128i next_space = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(next, space), _mm_cmpeq_epi8(next, tab)),
          _mm_or_si128(_mm_cmpeq_epi8(next, lf), _mm_cmpeq_epi8(next, cr)));
      const __m128i bad = _mm_or_si128(control, _mm_and_si128(_mm_cmpeq_epi8(v, space), next_space));
      if (_mm_movemask_epi8(bad) != 0) {
        break;
      }
      first += 16;
    }
#endif
    while (first < n) {
      const char c = p[first];
      if (static_cast<unsigned char>(c) <= ' ' &&
          (c == '\t' || c == '\n' || c == '\r' || (c == ' ' && is_xml_space(p[first + 1])))) {
        break; // p[first + 1] exists: the last byte is not a space
      }
      ++first;
    }
    if (first == n) {
      return;
    }
  }
  std::size_t w = first;
  bool pending_space = false;
  for (std::size_t r = first; r < n; ++r) {
    const char c = s[r];
    if (is_xml_space(c)) {
      // Only a space between two non-space characters survives.
      pending_space = w > 0;
      continue;
    }
    if (pending_space) {
      s[w++] = ' ';
      pending_space = false;
    }
    s[w++] = c;
  }
  s.resize(w);
}

std::string folded_xml_space(std::string_view s) {
  std::string out(s);
  fold_xml_space(out);
  return out;
}

std::size_t find_invalid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII runs, 16 or 8 bytes at a time: most of PubMed XML is ASCII.
#if defined(__SSE2__)
    while (i + 16 <= n &&
           _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i))) == 0) {
      i += 16;
    }
#endif
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) != 0) {
        break;
      }
      i += 8;
    }
    if (i >= n) {
      break;
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80; // bounds of the second byte, which rule out
    unsigned char hi = 0xBF; // overlongs, surrogates and values > U+10FFFF
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) {
        lo = 0xA0;
      } else if (c == 0xED) {
        hi = 0x9F;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) {
        lo = 0x90;
      } else if (c == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return i;
    }
    if (n - i < len || p[i + 1] < lo || p[i + 1] > hi) {
      return i;
    }
    for (std::size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        return i;
      }
    }
    i += len;
  }
  return std::string_view::npos;
}

std::string escape_xml_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    const std::size_t n = decode_utf8(s, i, cp);
    i += n ? n : 1;
    if (n == 0 || !is_xml_char(cp)) {
      cp = 0xFFFD;
    } else if (cp == '\t' || cp == '\n' || cp == '\r') {
      cp = ' ';
    }
    switch (cp) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      append_utf8(out, cp);
    }
  }
  return out;
}

std::size_t count_newlines(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_low7 = 0x7F7F7F7F7F7F7F7FULL;
  constexpr std::uint64_t k_newlines = k_ones * '\n';
  std::size_t count = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: each match subtracts -1 from a byte counter; the
  // counters are summed (psadbw) before any can overflow.
  const __m128i newline = _mm_set1_epi8('\n');
  while (i + 16 <= n) {
    __m128i acc = _mm_setzero_si128();
    for (int round = 0; round < 255 && i + 16 <= n; ++round, i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, newline));
    }
    const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
    count += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<std::size_t>(_mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  while (i + 8 <= n) {
    // Per-byte counters in one word; flushed before any byte can overflow.
    std::uint64_t acc = 0;
    for (int round = 0; round < 255 && i + 8 <= n; ++round, i += 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      const std::uint64_t x = w ^ k_newlines; // zero bytes where '\n' was
      // High bit of each byte of `t` is set iff that byte of `x` is non-zero;
      // no carry crosses a byte because (x & 0x7F) + 0x7F <= 0xFE.
      const std::uint64_t t = ((x & k_low7) + k_low7) | x;
      acc += (~t >> 7) & k_ones;
    }
    // Sum the eight byte counters (each <= 255) through 16-bit lanes.
    const std::uint64_t pairs = (acc & 0x00FF00FF00FF00FFULL) + ((acc >> 8) & 0x00FF00FF00FF00FFULL);
    count += static_cast<std::size_t>((pairs * 0x0001000100010001ULL) >> 48);
  }
  for (; i < n; ++i) {
    count += p[i] == '\n';
  }
  return count;
}

std::size_t find_bytes(std::string_view hay, std::string_view needle, std::size_t from) noexcept {
  if (from > hay.size()) {
    return std::string_view::npos;
  }
  // glibc's memmem skips ahead by the needle; std::string_view::find stops
  // at every occurrence of the needle's first byte.
  const void* p = ::memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
  return p == nullptr ? std::string_view::npos
                      : static_cast<std::size_t>(static_cast<const char*>(p) - hay.data());
}

std::string excerpt(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) {
    return std::string(s);
  }
  std::size_t cut = max_bytes;
  // Step back over continuation bytes so a character is never split.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(s.substr(0, cut)) + "...";
}

void split_on_spaces(std::string_view s, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') {
      ++i;
    }
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') {
      ++j;
    }
    if (j > i) {
      out.push_back(s.substr(i, j - i));
    }
    i = j;
  }
}

void append_csv_field(std::string& out, std::string_view field, bool always) {
  const bool quote = always || field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
}

std::string escape_xml(std::string_view s) { return escape_xml_text(s); }

} // namespace litrev
