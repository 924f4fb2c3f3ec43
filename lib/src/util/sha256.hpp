// Private: SHA-256 (FIPS 180-4), for the file hashes in manifests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace litrev {

class Sha256 {
public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // The digest as 64 lower-case hex digits. Call once, after the last update.
  std::string hex_digest();

private:
  void block(const std::uint8_t* p);
  std::uint32_t m_h[8];
  std::uint8_t m_buf[64];
  std::size_t m_buf_len = 0;
  std::uint64_t m_total = 0;
};

// SHA-256 of a whole file, read in blocks. Throws IoError.
std::string sha256_file(const std::string& path);

} // namespace litrev
