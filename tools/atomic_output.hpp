// The --output FILE of commands that write files: written under a temporary
// name in the same folder and renamed over FILE only when complete (after
// fsync), so FILE is never half-written; the temporary file is removed when
// the command fails (DESIGN.md "The CLI").
#pragma once

#include <memory>
#include <ostream>
#include <string>

namespace litrev::cli {

class FdBuf;

class AtomicOutput {
public:
  // Creates the temporary file beside `path`. Throws UsageError when `path`
  // names no file, IoError when the file cannot be created.
  explicit AtomicOutput(std::string path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  std::ostream& stream() { return *m_stream; }

  // Flushes, fsyncs and renames the file into place. Throws IoError.
  void commit();

private:
  std::string m_path;
  std::string m_tmp;
  int m_fd = -1;
  bool m_committed = false;
  std::unique_ptr<FdBuf> m_buf;
  std::unique_ptr<std::ostream> m_stream;
};

// Writes `text` to `path` through an AtomicOutput.
void write_output_file(const std::string& path, const std::string& text);

} // namespace litrev::cli
