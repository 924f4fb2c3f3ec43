// See atomic_output.hpp.
#include "atomic_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <streambuf>

#include <fmt/core.h>

#include <litrev/error.hpp>

namespace litrev::cli {

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

AtomicOutput::AtomicOutput(std::string path) : m_path(std::move(path)) {
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


AtomicOutput::~AtomicOutput() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  if (!m_committed && !m_tmp.empty()) {
    ::unlink(m_tmp.c_str());
  }
}


void AtomicOutput::commit() {
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


void write_output_file(const std::string& path, const std::string& text) {
  AtomicOutput file(path);
  file.stream() << text;
  file.commit();
}

} // namespace litrev::cli
