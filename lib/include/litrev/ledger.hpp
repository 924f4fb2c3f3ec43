// litrev/ledger.hpp: the append-only decision logs of a review (DESIGN.md
// "Ledger events"): ledger/<actor>.jsonl, one JSON object per line.
//
// Each line is an event: {"v":1,"seq":N,"ts":"...Z","actor":"...","type":"...",
// "payload":{...},"prev":"<sha256 of the previous line>"} (schemas/
// ledger-event.schema.json). `seq` counts from 1 within a file; `prev` is the
// SHA-256 (hex) of the previous line's bytes without its newline, "" for the
// first line, so that an edited, removed or reordered line breaks the chain.
//
// Durability: append() takes an exclusive flock on the file, writes the whole
// line with one write(), fsyncs, and only then returns; an event is
// acknowledged when append() returns. A crash mid-write can leave a torn last
// line (no newline, or not JSON): readers report it and leave it out of the
// state; the next append() moves it to ledger/<actor>.jsonl.torn-<n> and says
// so, so nothing is silently dropped or merged.
//
// One file per person merges cleanly in git: nobody else ever writes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>

namespace litrev {

inline constexpr int k_ledger_version = 1;

struct LedgerEvent {
  int v = k_ledger_version;
  std::uint64_t seq = 0;
  std::string ts; // UTC RFC 3339
  std::string actor;
  std::string type; // "dedup.confirm", "screen.decision", ...
  nlohmann::json payload = nlohmann::json::object();
  std::string prev;
  // Where it was read from (not part of the line).
  std::string file;
  std::uint64_t line = 0;
  // Set by Ledger::append when it first moved a torn last line aside: the
  // file it went to (not part of the line).
  std::string set_aside;
};

// Something wrong in a ledger file, by file and 1-based line.
struct LedgerProblem {
  std::string file;
  std::uint64_t line = 0;
  std::string problem;
  bool torn_tail = false; // the last line is incomplete: a crash mid-write
};

struct LedgerRead {
  std::vector<LedgerEvent> events; // every good event, per file in seq order, files by actor
  std::vector<LedgerProblem> problems;
};

// Whether `actor` can name a ledger file: 1 to 64 of A-Z a-z 0-9 . _ -, not
// starting with a dot.
bool valid_actor(const std::string& actor);

class Ledger {
public:
  // The ledger folder of a review (`<review>/ledger`); created on the first
  // append if missing.
  explicit Ledger(std::string dir);

  // Appends one event for `actor` and returns it as written (seq, ts, prev
  // filled in). `now` (UTC RFC 3339) is for tests; empty means now. Throws
  // UsageError for an invalid actor or an empty type, DataError when the
  // file's last complete line is not an event (the chain cannot go on; the
  // message names file and line), IoError when the file cannot be written or
  // synced. A torn tail is first moved aside (see above); `set_aside`, when
  // given, receives the name of the file it went to ("" when none).
  LedgerEvent append(const std::string& actor, const std::string& type, nlohmann::json payload,
                     const std::string& now = {}, std::string* set_aside = nullptr);

  // Reads one actor's file (empty when it does not exist). Every problem is
  // listed: lines that are not events, seq out of order, a broken `prev`
  // chain (tampering or damage), an actor that is not the file's, a torn
  // tail. Events are kept unless they are unreadable; a chain break is a
  // problem, not a reason to drop what follows. Throws IoError when the file
  // cannot be read.
  LedgerRead read(const std::string& actor) const;

  // Every actor's file (ledger/*.jsonl), actors in name order.
  LedgerRead read_all() const;

  // The actors with a ledger file, in name order.
  std::vector<std::string> actors() const;

  const std::string& dir() const noexcept { return m_dir; }

private:
  std::string path_of(const std::string& actor) const;
  std::string m_dir;
};

} // namespace litrev
