// litrev/error.hpp: the exceptions the library throws.
//
// The library reports failures that stop an operation by throwing one of these;
// the CLI catches them once at the top and maps each to the exit code named
// below (DESIGN.md, "The CLI"). Third-party errors (Xapian, pugixml, zlib,
// curl) are caught where they happen and rethrown as one of these, naming the
// input: the file and line, the record, or the URL.
#pragma once

#include <stdexcept>
#include <string>

namespace litrev {

// Exit codes, as documented in DESIGN.md and README.md.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_data = 65;
inline constexpr int k_exit_unavailable = 69;
inline constexpr int k_exit_io = 74;

// Base of every litrev error. `exit_code()` is what the CLI returns for it.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string& what, int exit_code = k_exit_failure)
    : std::runtime_error(what), m_exit_code(exit_code) {}
  int exit_code() const noexcept { return m_exit_code; }

private:
  int m_exit_code;
};

// The caller asked for something malformed: a bad query, an unknown key, an
// option that makes no sense. Exit code 2.
class UsageError : public Error {
public:
  explicit UsageError(const std::string& what) : Error(what, k_exit_usage) {}
};

// Input data is malformed. The message names the file, the line (1-based,
// 0 when unknown) and/or the record, and what is wrong. Exit code 65.
class DataError : public Error {
public:
  DataError(std::string file, unsigned long line, const std::string& problem);
  const std::string& file() const noexcept { return m_file; }
  unsigned long line() const noexcept { return m_line; }
  const std::string& problem() const noexcept { return m_problem; }

private:
  std::string m_file;
  unsigned long m_line;
  std::string m_problem;
};

// A file or directory could not be read or written. Exit code 74.
class IoError : public Error {
public:
  explicit IoError(const std::string& what) : Error(what, k_exit_io) {}
};

// The Xapian index failed or is busy. Exit code 1 (74 when it is an I/O
// failure of the database files).
class IndexError : public Error {
public:
  explicit IndexError(const std::string& what, int exit_code = k_exit_failure)
    : Error(what, exit_code) {}
};

// A remote service stayed unavailable after retries. Exit code 69.
class NetworkError : public Error {
public:
  explicit NetworkError(const std::string& what) : Error(what, k_exit_unavailable) {}
};

} // namespace litrev
