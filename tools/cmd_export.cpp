// litrev export records --format ris|bibtex|csv|json [--where QUERY] [--output FILE]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <streambuf>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/export.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"

namespace litrev::cli {

namespace {

// An output buffer over a file descriptor, so that the file can be fsynced
// before it is renamed into place.
class FdBuf : public std::streambuf {
public:
  explicit FdBuf(int fd) : m_fd(fd) { setp(m_buf, m_buf + sizeof m_buf); }
  ~FdBuf() override = default;

protected:
  int_type overflow(int_type c) override {
    if (!drain()) {
      return traits_type::eof();
    }
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

private:
  bool drain() {
    const char* p = pbase();
    while (p < pptr()) {
      const ssize_t n = ::write(m_fd, p, static_cast<std::size_t>(pptr() - p));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return false;
      }
      p += n;
    }
    setp(m_buf, m_buf + sizeof m_buf);
    return true;
  }

  int m_fd;
  char m_buf[1 << 16];
};

// The --output file: written under a temporary name in the same folder and
// renamed over FILE only when complete, so FILE is never half-written; the
// temporary file is removed when the export fails.
class AtomicOutput {
public:
  explicit AtomicOutput(std::string path) : m_path(std::move(path)) {
    const std::size_t slash = m_path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : m_path.substr(0, slash + 1);
    const std::string name = slash == std::string::npos ? m_path : m_path.substr(slash + 1);
    if (name.empty()) {
      throw UsageError("--output " + m_path + ": not a file name");
    }
    for (int attempt = 0; m_fd < 0; ++attempt) {
      m_tmp = fmt::format("{}.{}.litrev-{}-{}", slash == std::string::npos ? "" : dir, name, ::getpid(), attempt);
      m_fd = ::open(m_tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (m_fd < 0 && (errno != EEXIST || attempt > 100)) {
        throw IoError(m_path + ": cannot create: " + std::strerror(errno));
      }
    }
    m_buf = std::make_unique<FdBuf>(m_fd);
    m_stream = std::make_unique<std::ostream>(m_buf.get());
  }

  ~AtomicOutput() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    if (!m_committed && !m_tmp.empty()) {
      ::unlink(m_tmp.c_str());
    }
  }

  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  std::ostream& stream() { return *m_stream; }

  void commit() {
    m_stream->flush();
    if (!*m_stream || ::fsync(m_fd) != 0) {
      throw IoError(m_path + ": cannot write: " + std::strerror(errno));
    }
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
      throw IoError(m_path + ": cannot write: " + std::strerror(errno));
    }
    if (::rename(m_tmp.c_str(), m_path.c_str()) != 0) {
      throw IoError(m_path + ": cannot replace: " + std::strerror(errno));
    }
    m_committed = true;
    const std::size_t slash = m_path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : m_path.substr(0, slash);
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd); // the rename itself is durable only once the folder is
      ::close(dfd);
    }
  }

private:
  std::string m_path;
  std::string m_tmp;
  int m_fd = -1;
  bool m_committed = false;
  std::unique_ptr<FdBuf> m_buf;
  std::unique_ptr<std::ostream> m_stream;
};

// The keys of the records matching `query`, sorted. Searched a page at a
// time so that only keys are kept.
std::vector<std::string> matching_keys(const Index& index, const std::string& query) {
  std::vector<std::string> keys;
  constexpr std::size_t k_page = 1000;
  for (std::size_t offset = 0;;) {
    const SearchResult r = index.search(query, {offset, k_page});
    for (const auto& h : r.hits) {
      keys.push_back(h.record.key);
    }
    offset += r.hits.size();
    if (r.hits.empty() || offset >= r.total) {
      break;
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

} // namespace

Runner define_export(CLI::App& app) {
  struct Opts {
    std::string format;
    std::string where;
    std::string output;
  };
  auto o = std::make_shared<Opts>();
  app.require_subcommand(1);
  CLI::App* records = app.add_subcommand(
      "records", "Write the review's records, in key order, as RIS, BibTeX, CSV or JSON Lines");
  records->add_option("--format", o->format,
                      "ris, bibtex, csv (header in schemas/output.md) or json (JSON Lines, one "
                      "record per line, as `litrev show --format json`)")
      ->required();
  records->add_option("--where", o->where,
                      "Only the records matching this query, in the syntax of `litrev search` "
                      "(fields, AND OR NOT, year:2010..2020). Screening states (status:...) become "
                      "searchable once screening is recorded");
  records->add_option("--output,-o", o->output,
                      "Write to FILE (complete or not at all: written aside, then renamed) "
                      "instead of standard output")
      ->option_text("FILE");
  records->footer(
      "Screening decisions and notes are not part of the export yet: the screening ledger "
      "does not exist in this version, so there is nothing to include.");
  return [o](Context& ctx) {
    const auto format = export_format_from_name(o->format);
    if (!format) {
      throw UsageError("--format " + o->format + ": expected one of ris, bibtex, csv, json");
    }
    Review review(ctx.dir);
    const Index index = review.open_index();
    if (index.size() == 0) {
      throw Error("the review has no records to export; import some first (litrev import FILE)");
    }
    const std::vector<std::string> keys = o->where.empty() ? index.keys() : matching_keys(index, o->where);

    std::unique_ptr<AtomicOutput> file;
    if (!o->output.empty()) {
      file = std::make_unique<AtomicOutput>(o->output);
    }
    std::ostream& out = file ? file->stream() : std::cout;
    std::uint64_t written = 0;
    try {
      const auto writer = make_record_writer(*format, out);
      for (const auto& key : keys) {
        if (const auto record = index.get(key)) {
          writer->write(*record);
          ++written;
        }
      }
      writer->finish();
    } catch (const IoError& e) {
      throw IoError((o->output.empty() ? std::string("standard output") : o->output) + ": " + e.what());
    }
    if (file) {
      file->commit();
      fmt::print("Wrote {} record{} to {} ({})\n", written, written == 1 ? "" : "s", o->output,
                 export_format_name(*format));
    }
    if (written == 0) {
      fmt::print(stderr, "litrev: no records match --where {}\n", o->where);
    }
    return 0;
  };
}

} // namespace litrev::cli
