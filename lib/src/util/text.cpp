#include "util/text.hpp"

#include <cstdint>
#include <cstring>

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
  std::size_t w = 0;
  bool pending_space = false;
  for (std::size_t r = 0; r < s.size(); ++r) {
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
    // ASCII runs, eight bytes at a time: most of PubMed XML is ASCII.
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

std::size_t count_newlines(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_low7 = 0x7F7F7F7F7F7F7F7FULL;
  constexpr std::uint64_t k_newlines = k_ones * '\n';
  std::size_t count = 0;
  std::size_t i = 0;
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

} // namespace litrev
