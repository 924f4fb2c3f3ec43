// Private: line-by-line reading of a text reference file (RIS, MEDLINE, WoS,
// BibTeX, CSV), whatever its encoding and line ends.
//
// - Plain or gzip-compressed (zlib's gzread reads both).
// - A UTF-8 BOM is dropped; a UTF-16 (LE or BE) BOM switches to UTF-16
//   decoding. Without a BOM, text is taken as UTF-8, and any line that is
//   not valid UTF-8 is decoded as Windows-1252 instead (the common legacy
//   encoding of reference exports); such lines are counted, so the import can
//   report the fallback.
// - Line ends LF, CRLF and bare CR are all accepted; lines come without them.
// - Memory: one read block plus the longest line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace litrev {

class TextInput {
public:
  // Opens `path`. `display_name` names the file in errors. Throws IoError
  // (missing, unreadable, or a directory).
  TextInput(const std::string& path, std::string display_name);
  ~TextInput();
  TextInput(const TextInput&) = delete;
  TextInput& operator=(const TextInput&) = delete;

  // Reads the next line, in UTF-8, without its line end. Returns false at the
  // end of the file. Throws DataError if a line exceeds 64 MiB (no real file
  // has one) or the UTF-16 data is malformed; IoError on read errors.
  bool next_line(std::string& line);

  // The 1-based number of the line last returned (0 before the first).
  std::uint64_t line_number() const noexcept;
  // "utf-8", "utf-8-bom", "utf-16le", "utf-16be".
  const char* encoding() const noexcept;
  // Lines that were not valid UTF-8 and were read as Windows-1252.
  std::uint64_t cp1252_lines() const noexcept;
  const std::string& display_name() const noexcept;

  // The first bytes of the file (decompressed, up to `n`), for sniffing.
  // Reads nothing else; may be called before next_line.
  std::string peek(std::size_t n);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Decodes `s` as Windows-1252 into UTF-8 (the five undefined bytes 0x81,
// 0x8D, 0x8F, 0x90, 0x9D become U+FFFD).
std::string cp1252_to_utf8(std::string_view s);

} // namespace litrev
