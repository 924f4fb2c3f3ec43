// Helpers shared by the unit tests: a fresh temporary directory per test, and
// paths to the shipped corpora and the shared fixtures.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace litrev::test {

// A new empty directory, removed with everything in it when the test ends
// (also when an assertion fails).
class TempDir {
public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "litrev-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      throw std::runtime_error("mkdtemp failed");
    }
    m_path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::string operator/(const std::string& name) const { return (m_path / name).string(); }

private:
  std::filesystem::path m_path;
};

inline std::string fixture(const std::string& rel) {
  return std::string(LITREV_SHARED_DIR) + "/fixtures/" + rel;
}
inline std::string corpus(const std::string& rel) {
  return std::string(LITREV_SOURCE_DIR) + "/corpora/" + rel;
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace litrev::test
