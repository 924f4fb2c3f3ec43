// The append-only ledgers: lock, append one whole line, fsync; read and check
// the hash chain.
#include <litrev/ledger.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace litrev {

namespace {

const char* const k_suffix = ".jsonl";

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex_digest();
}

[[noreturn]] void io_fail(const std::string& path, const char* what) {
  throw IoError(path + ": " + what + ": " + std::strerror(errno));
}

// An open ledger file holding an exclusive flock until destroyed.
class LockedFile {
public:
  explicit LockedFile(const std::string& path) : m_path(path) {
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) {
      io_fail(path, "cannot open");
    }
    while (::flock(m_fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        const int saved = errno;
        ::close(m_fd);
        errno = saved;
        io_fail(path, "cannot lock");
      }
    }
  }
  ~LockedFile() { ::close(m_fd); } // closing releases the lock
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;

  std::uint64_t size() const {
    struct stat st {};
    if (::fstat(m_fd, &st) != 0) {
      io_fail(m_path, "cannot stat");
    }
    return static_cast<std::uint64_t>(st.st_size);
  }
  std::string read_at(std::uint64_t offset, std::size_t n) const {
    std::string out(n, '\0');
    std::size_t done = 0;
    while (done < n) {
      const ssize_t got = ::pread(m_fd, out.data() + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) {
        continue;
      }
      if (got <= 0) {
        io_fail(m_path, "cannot read");
      }
      done += static_cast<std::size_t>(got);
    }
    return out;
  }
  void write_at(std::uint64_t offset, std::string_view bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t put = ::pwrite(m_fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
      if (put < 0 && errno == EINTR) {
        continue;
      }
      if (put <= 0) {
        io_fail(m_path, "cannot write");
      }
      done += static_cast<std::size_t>(put);
    }
  }
  void truncate(std::uint64_t size) {
    if (::ftruncate(m_fd, static_cast<off_t>(size)) != 0) {
      io_fail(m_path, "cannot truncate");
    }
  }
  void sync() {
    if (::fsync(m_fd) != 0) {
      io_fail(m_path, "cannot sync");
    }
  }

private:
  std::string m_path;
  int m_fd = -1;
};

// The offset where the line ending just before `end` starts (`end` is the
// offset of that line's newline, or the file size for a line without one).
std::uint64_t line_start(const LockedFile& f, std::uint64_t end) {
  constexpr std::size_t k_chunk = 4096;
  std::uint64_t pos = end;
  while (pos > 0) {
    const std::uint64_t from = pos > k_chunk ? pos - k_chunk : 0;
    const std::string chunk = f.read_at(from, static_cast<std::size_t>(pos - from));
    const std::size_t nl = chunk.rfind('\n');
    if (nl != std::string::npos) {
      return from + nl + 1;
    }
    pos = from;
  }
  return 0;
}

std::string next_aside_name(const std::string& path) {
  for (int n = 1;; ++n) {
    const std::string candidate = path + ".torn-" + std::to_string(n);
    if (!fs::exists(candidate)) {
      return candidate;
    }
  }
}

// Parses one line into an event, or says what is wrong with it.
std::string parse_event(const std::string& text, LedgerEvent& e) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception&) {
    return "not JSON";
  }
  if (!j.is_object()) {
    return "not a JSON object";
  }
  try {
    e.v = j.at("v").get<int>();
    e.seq = j.at("seq").get<std::uint64_t>();
    // Moved, not copied: a ledger read folds a million of these.
    e.ts = std::move(j.at("ts").get_ref<std::string&>());
    e.actor = std::move(j.at("actor").get_ref<std::string&>());
    e.type = std::move(j.at("type").get_ref<std::string&>());
    e.payload = std::move(j.at("payload"));
    e.prev = std::move(j.at("prev").get_ref<std::string&>());
  } catch (const json::exception&) {
    return "not a ledger event (a field is missing or of the wrong type)";
  }
  if (e.v != k_ledger_version) {
    return "event version " + std::to_string(e.v) + " (this litrev reads version " +
           std::to_string(k_ledger_version) + ")";
  }
  return "";
}

} // namespace

bool valid_actor(const std::string& actor) {
  if (actor.empty() || actor.size() > 64 || actor[0] == '.') {
    return false;
  }
  return std::all_of(actor.begin(), actor.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

Ledger::Ledger(std::string dir) : m_dir(std::move(dir)) {}

std::string Ledger::path_of(const std::string& actor) const {
  if (!valid_actor(actor)) {
    throw UsageError("'" + actor + "' cannot name a reviewer (use letters, digits, '.', '_' or '-')");
  }
  return (fs::path(m_dir) / (actor + k_suffix)).string();
}

LedgerEvent Ledger::append(const std::string& actor, const std::string& type, json payload, const std::string& now,
                           std::string* set_aside) {
  const std::string path = path_of(actor);
  if (type.empty()) {
    throw UsageError("a ledger event needs a type");
  }
  std::string torn_aside;
  if (set_aside) {
    set_aside->clear();
  }
  std::error_code ec;
  const bool new_dir = !fs::exists(m_dir, ec);
  fs::create_directories(m_dir, ec);
  if (ec) {
    throw IoError(m_dir + ": " + ec.message());
  }
  const bool new_file = !fs::exists(path, ec);
  LockedFile f(path);
  std::uint64_t size = f.size();
  // A new file (or folder) is durable only once its directory entry is: sync
  // the folders too, or a crash after the first line could lose the file.
  if (new_file) {
    sync_directory(m_dir);
    if (new_dir) {
      const fs::path parent = fs::path(m_dir).parent_path();
      sync_directory(parent.empty() ? "." : parent.string());
    }
  }

  // A tail without its newline is a write that never finished: move it
  // aside (kept, and reported) before the chain goes on.
  if (size > 0 && f.read_at(size - 1, 1) != "\n") {
    const std::uint64_t start = line_start(f, size);
    const std::string torn = f.read_at(start, static_cast<std::size_t>(size - start));
    const std::string aside = next_aside_name(path);
    write_file_atomic(aside, torn);
    f.truncate(start);
    f.sync();
    size = start;
    if (set_aside) {
      *set_aside = aside;
    }
    torn_aside = aside;
  }

  LedgerEvent e;
  e.set_aside = torn_aside;
  e.seq = 1;
  if (size > 0) {
    const std::uint64_t start = line_start(f, size - 1);
    const std::string last = f.read_at(start, static_cast<std::size_t>(size - 1 - start));
    LedgerEvent prev;
    const std::string problem = parse_event(last, prev);
    if (!problem.empty()) {
      const std::string before = f.read_at(0, static_cast<std::size_t>(start));
      const std::uint64_t line = 1 + static_cast<std::uint64_t>(std::count(before.begin(), before.end(), '\n'));
      throw DataError(path, line, "the last event is unreadable (" + problem + "); the chain cannot go on");
    }
    e.seq = prev.seq + 1;
    e.prev = sha256_hex(last);
  }
  e.ts = now.empty() ? now_utc_rfc3339() : now;
  e.actor = actor;
  e.type = type;
  e.payload = std::move(payload);

  nlohmann::ordered_json line;
  line["v"] = e.v;
  line["seq"] = e.seq;
  line["ts"] = e.ts;
  line["actor"] = e.actor;
  line["type"] = e.type;
  line["payload"] = e.payload;
  line["prev"] = e.prev;
  f.write_at(size, line.dump() + "\n");
  f.sync();
  e.file = path;
  e.line = 0;
  return e;
}

LedgerRead Ledger::read(const std::string& actor) const {
  const std::string path = path_of(actor);
  LedgerRead out;
  if (!fs::exists(path)) {
    return out;
  }
  const std::string text = read_file(path);
  std::uint64_t expected_seq = 1;
  std::string previous_line;
  bool have_previous = false;
  std::uint64_t line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = text.find('\n', pos);
    ++line_no;
    if (nl == std::string::npos) {
      out.problems.push_back({path, line_no,
                              "the last line is incomplete (a write that did not finish); it is not part of "
                              "the ledger and the next append sets it aside",
                              true});
      break;
    }
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    LedgerEvent e;
    const std::string problem = parse_event(line, e);
    if (!problem.empty()) {
      out.problems.push_back({path, line_no, problem, false});
    } else {
      if (e.actor != actor) {
        out.problems.push_back({path, line_no, "event of actor '" + e.actor + "' in the ledger of '" + actor + "'", false});
      }
      if (e.seq != expected_seq) {
        out.problems.push_back({path, line_no,
                                "seq " + std::to_string(e.seq) + " where " + std::to_string(expected_seq) +
                                    " was expected (an event is missing, repeated or moved)",
                                false});
      }
      const std::string want_prev = have_previous ? sha256_hex(previous_line) : "";
      if (e.prev != want_prev) {
        out.problems.push_back({path, line_no,
                                "the hash of the previous line does not match (the ledger was edited or damaged "
                                "before this line)",
                                false});
      }
      expected_seq = e.seq + 1;
      e.file = path;
      e.line = line_no;
      out.events.push_back(std::move(e));
    }
    previous_line = line;
    have_previous = true;
  }
  return out;
}

std::vector<std::string> Ledger::actors() const {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(m_dir, ec)) {
    return out;
  }
  for (const auto& entry : fs::directory_iterator(m_dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() > 6 && name.compare(name.size() - 6, 6, k_suffix) == 0) {
      const std::string actor = name.substr(0, name.size() - 6);
      if (valid_actor(actor)) {
        out.push_back(actor);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

LedgerRead Ledger::read_all() const {
  LedgerRead all;
  for (const auto& actor : actors()) {
    LedgerRead one = read(actor);
    std::move(one.events.begin(), one.events.end(), std::back_inserter(all.events));
    std::move(one.problems.begin(), one.problems.end(), std::back_inserter(all.problems));
  }
  return all;
}

} // namespace litrev
