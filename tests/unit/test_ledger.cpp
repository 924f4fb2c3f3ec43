// The ledger: the chain, torn tails, tampering, and appends from several
// processes at once or killed mid-loop.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <set>

#include <sys/wait.h>
#include <unistd.h>

#include <litrev/error.hpp>
#include <litrev/ledger.hpp>

#include "testutil.hpp"

namespace {

using litrev::Ledger;
using litrev::test::read_text;
using litrev::test::TempDir;
using litrev::test::write_text;
using nlohmann::json;

std::set<std::uint64_t> seqs_of(const litrev::LedgerRead& r) {
  std::set<std::uint64_t> out;
  for (const auto& e : r.events) {
    out.insert(e.seq);
  }
  return out;
}

// Appends `n` events in a child process; returns its pid. The child writes
// each acknowledged seq to `ack_fd` (when >= 0) after append() returned.
pid_t spawn_appender(const std::string& dir, const std::string& actor, int n, int ack_fd) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    try {
      Ledger ledger(dir);
      for (int i = 0; i < n; ++i) {
        const auto e = ledger.append(actor, "test.decision", json{{"i", i}, {"pid", ::getpid()}});
        if (ack_fd >= 0) {
          const std::uint64_t seq = e.seq;
          if (::write(ack_fd, &seq, sizeof seq) != sizeof seq) {
            ::_exit(3);
          }
        }
      }
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  return pid;
}

} // namespace

TEST_CASE("ledger: appended events chain by seq and hash, and read back as written", "[ledger]") {
  TempDir tmp;
  Ledger ledger(tmp / "ledger");
  CHECK(ledger.read("ana").events.empty());
  const auto e1 = ledger.append("ana", "dedup.confirm", json{{"keys", {"pmid:1", "doi:10.1/x"}}}, "2026-11-21T09:00:00Z");
  const auto e2 = ledger.append("ana", "dedup.split", json{{"keys", {"pmid:2", "pmid:3"}}}, "2026-11-21T09:00:01Z");
  CHECK(e1.seq == 1);
  CHECK(e1.prev.empty());
  CHECK(e2.seq == 2);
  CHECK(e2.prev.size() == 64);
  const std::string text = read_text(tmp / "ledger/ana.jsonl");
  CHECK(text.substr(0, text.find('\n')) ==
        R"({"v":1,"seq":1,"ts":"2026-11-21T09:00:00Z","actor":"ana","type":"dedup.confirm","payload":{"keys":["pmid:1","doi:10.1/x"]},"prev":""})");
  const auto r = ledger.read("ana");
  CHECK(r.problems.empty());
  REQUIRE(r.events.size() == 2);
  CHECK(r.events[1].type == "dedup.split");
  CHECK(r.events[1].payload["keys"][1] == "pmid:3");
  CHECK(r.events[1].line == 2);
  ledger.append("ben", "dedup.confirm", json::object());
  CHECK(ledger.actors() == std::vector<std::string>{"ana", "ben"});
  CHECK(ledger.read_all().events.size() == 3);
}

TEST_CASE("ledger: an edited, removed or reordered line is reported by file and line", "[ledger]") {
  TempDir tmp;
  Ledger ledger(tmp / "ledger");
  for (int i = 0; i < 4; ++i) {
    ledger.append("ana", "t", json{{"i", i}});
  }
  const std::string path = tmp / "ledger/ana.jsonl";
  std::string text = read_text(path);
  SECTION("edited") {
    const auto at = text.find("\"i\":1");
    text.replace(at, 5, "\"i\":9");
    write_text(path, text);
    const auto r = ledger.read("ana");
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].line == 3); // the line after the edited one no longer matches
    CHECK(r.problems[0].problem.find("hash of the previous line") != std::string::npos);
  }
  SECTION("removed") {
    const auto a = text.find('\n') + 1;
    const auto b = text.find('\n', a) + 1;
    text.erase(a, b - a);
    write_text(path, text);
    const auto r = ledger.read("ana");
    REQUIRE(r.problems.size() == 2); // seq jumps, and the hash does not match
    CHECK(r.problems[0].line == 2);
    CHECK(r.events.size() == 3);
  }
  SECTION("not JSON") {
    write_text(path, text.substr(0, text.find('\n') + 1) + "garbage\n" + text.substr(text.find('\n') + 1));
    const auto r = ledger.read("ana");
    REQUIRE_FALSE(r.problems.empty());
    CHECK(r.problems[0].line == 2);
    CHECK(r.problems[0].problem == "not JSON");
    CHECK_FALSE(r.problems[0].torn_tail);
  }
}

TEST_CASE("ledger: a torn last line is reported, then set aside by the next append", "[ledger]") {
  TempDir tmp;
  Ledger ledger(tmp / "ledger");
  ledger.append("ana", "t", json{{"i", 0}});
  ledger.append("ana", "t", json{{"i", 1}});
  const std::string path = tmp / "ledger/ana.jsonl";
  const std::string good = read_text(path);
  write_text(path, good + R"({"v":1,"seq":3,"ts":"2026-11)");
  auto r = ledger.read("ana");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].torn_tail);
  CHECK(r.problems[0].line == 3);
  CHECK(r.events.size() == 2);

  std::string aside;
  const auto e = ledger.append("ana", "t", json{{"i", 2}}, "", &aside);
  CHECK(e.seq == 3);
  CHECK(aside == path + ".torn-1");
  CHECK(read_text(aside) == R"({"v":1,"seq":3,"ts":"2026-11)");
  r = ledger.read("ana");
  CHECK(r.problems.empty());
  CHECK(r.events.size() == 3);
}

TEST_CASE("ledger: bad actors and types are refused", "[ledger]") {
  TempDir tmp;
  Ledger ledger(tmp / "ledger");
  CHECK_THROWS_AS(ledger.append("../etc/passwd", "t", json::object()), litrev::UsageError);
  CHECK_THROWS_AS(ledger.append(".hidden", "t", json::object()), litrev::UsageError);
  CHECK_THROWS_AS(ledger.append("", "t", json::object()), litrev::UsageError);
  CHECK_THROWS_AS(ledger.append("ana", "", json::object()), litrev::UsageError);
  CHECK(litrev::valid_actor("ana.b_c-1"));
}

TEST_CASE("ledger: two processes appending for one actor at once lose nothing", "[ledger]") {
  TempDir tmp;
  const std::string dir = tmp / "ledger";
  constexpr int k_each = 1000;
  const pid_t a = spawn_appender(dir, "ana", k_each, -1);
  const pid_t b = spawn_appender(dir, "ana", k_each, -1);
  const pid_t c = spawn_appender(dir, "ben", k_each, -1);
  for (pid_t p : {a, b, c}) {
    int status = 0;
    REQUIRE(::waitpid(p, &status, 0) == p);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  Ledger ledger(dir);
  const auto ana = ledger.read("ana");
  CHECK(ana.problems.empty());
  CHECK(ana.events.size() == 2 * k_each);
  CHECK(seqs_of(ana).size() == 2 * k_each);
  const auto ben = ledger.read("ben");
  CHECK(ben.problems.empty());
  CHECK(ben.events.size() == k_each);
}

TEST_CASE("ledger: killed with SIGKILL mid-loop, every acknowledged event is there", "[ledger]") {
  TempDir tmp;
  const std::string dir = tmp / "ledger";
  for (int round = 0; round < 5; ++round) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = spawn_appender(dir, "ana", 100000, fds[1]);
    ::close(fds[1]);
    // Let it acknowledge a varying number of events, then kill it.
    std::set<std::uint64_t> acked;
    std::uint64_t seq = 0;
    const std::size_t target = 50 + 37 * static_cast<std::size_t>(round);
    while (acked.size() < target && ::read(fds[0], &seq, sizeof seq) == sizeof seq) {
      acked.insert(seq);
    }
    ::kill(pid, SIGKILL);
    while (::read(fds[0], &seq, sizeof seq) == sizeof seq) {
      acked.insert(seq);
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    Ledger ledger(dir);
    const auto r = ledger.read("ana");
    const auto present = seqs_of(r);
    for (auto s : acked) {
      CHECK(present.count(s) == 1);
    }
    // At most a torn tail, never damage in the middle.
    for (const auto& p : r.problems) {
      CHECK(p.torn_tail);
    }
    CHECK(r.problems.size() <= 1);
  }
}
