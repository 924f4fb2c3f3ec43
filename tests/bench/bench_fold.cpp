// bench_fold: how long a review's screening state takes to compute from a
// large ledger (issue 6, "Reliability": a ledger of 1M events folds to state
// in under 2 s).
//
//   bench_fold gen DIR [RECORDS]   writes DIR/ledger/ana.jsonl and ben.jsonl:
//                                  two screeners each voting once on RECORDS
//                                  records (default 500,000: 1,000,000
//                                  screen.decision events), then checks them
//                                  with Ledger::read_all (every event there,
//                                  no problem). DIR/ledger must not exist.
//   bench_fold fold DIR [RUNS]     times Ledger::read_all + fold_screening,
//                                  RUNS times (default 3) in this process;
//                                  prints each run and the median, and the
//                                  peak RSS.
//   bench_fold split DIR           where the time goes: the steps of
//                                  Ledger::read redone one at a time (read the
//                                  files, cut lines, JSON-parse each line,
//                                  take the event's fields out of the JSON,
//                                  SHA-256 each line), then read_all and
//                                  fold_screening as the library does them.
//
// The lines are written the way Ledger::append writes them (an
// nlohmann::ordered_json with v, seq, ts, actor, type, payload, prev; the
// payload as Review::decide builds it; `prev` the SHA-256 of the previous
// line), without a lock and an fsync per line: appending a million events
// through Ledger::append would take hours of fsync. `gen` proves the result
// is a valid ledger by reading it back with Ledger::read_all.
//
// The votes: keys as a PubMed import makes them (pmid:N) for 70% of the
// records and as a RIS/DOI import makes them (doi:10.N/...) for the rest; ana
// votes in key order, ben in a seeded random order; ana includes 20%,
// excludes 70% (half of them with one of the protocol's reasons), maybe 10%;
// ben agrees with ana on 90% of the records; 5% of the votes carry a note;
// timestamps a few seconds apart. The fold uses the default protocol with
// dual screening at title-abstract, so every record's two votes are compared.
//
// Each mode prints one JSON line. Peak RSS is getrusage ru_maxrss (MiB): run
// `fold` in a process of its own (run_fold.sh does) so that it is the fold's.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/ledger.hpp>
#include <litrev/protocol.hpp>
#include <litrev/screening.hpp>

// The library's own SHA-256 (private header; the symbols are in litrev_lib),
// so that the chain is hashed exactly as Ledger::append hashes it.
#include "../../lib/src/util/sha256.hpp"

#include "bench_util.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using litrev::bench::Clock;
using litrev::bench::cpu_seconds;
using litrev::bench::peak_rss_mib;
using litrev::bench::seconds_since;

double current_rss_mib() {
  std::ifstream in("/proc/self/statm");
  long pages_total = 0;
  long pages_resident = 0;
  in >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

std::string sha256_hex(std::string_view bytes) {
  litrev::Sha256 h;
  h.update(bytes);
  return h.hex_digest();
}

std::string rfc3339(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

litrev::Protocol bench_protocol() {
  json doc = litrev::example_protocol("Fold benchmark", "0.1.0");
  for (auto& s : doc.at("stages")) {
    if (s.is_object() && s.value("stage", "") == "title-abstract") {
      s["mode"] = "dual";
    }
  }
  return litrev::parse_protocol(doc, "litrev.json");
}

std::string record_key(std::uint64_t i) {
  // 70% PubMed keys, 30% DOI keys, all distinct.
  if (i % 10 < 7) {
    return "pmid:" + std::to_string(30000000 + i);
  }
  return "doi:10." + std::to_string(1000 + i % 8000) + "/j.synth." + std::to_string(2015 + i % 10) + "." +
         std::to_string(i);
}

struct Vote {
  std::string decision;
  std::string reason;
  std::string note;
};

class LedgerWriter {
public:
  LedgerWriter(const std::string& path, std::string actor, std::time_t start)
      : m_out(path, std::ios::binary), m_actor(std::move(actor)), m_t(start) {
    if (!m_out) {
      throw std::runtime_error(path + ": cannot write");
    }
  }
  // The line as Ledger::append writes it.
  void vote(const std::string& key, const Vote& v, std::uint32_t seconds_later) {
    m_t += seconds_later;
    json payload = {{"key", key}, {"stage", "title-abstract"}, {"decision", v.decision}};
    if (!v.reason.empty()) {
      payload["reason"] = v.reason;
    }
    if (!v.note.empty()) {
      payload["note"] = v.note;
    }
    nlohmann::ordered_json line;
    line["v"] = litrev::k_ledger_version;
    line["seq"] = ++m_seq;
    line["ts"] = rfc3339(m_t);
    line["actor"] = m_actor;
    line["type"] = "screen.decision";
    line["payload"] = std::move(payload);
    line["prev"] = m_prev;
    const std::string text = line.dump();
    m_prev = sha256_hex(text);
    m_bytes += text.size() + 1;
    m_out << text << '\n';
  }
  std::uint64_t bytes() const { return m_bytes; }
  void close() {
    m_out.close();
    if (!m_out) {
      throw std::runtime_error("write failed");
    }
  }

private:
  std::ofstream m_out;
  std::string m_actor;
  std::time_t m_t;
  std::uint64_t m_seq = 0;
  std::string m_prev;
  std::uint64_t m_bytes = 0;
};

int gen(const std::string& dir, std::uint64_t records) {
  const std::string ledger_dir = dir + "/ledger";
  if (fs::exists(ledger_dir)) {
    std::cerr << "bench_fold: " << ledger_dir << " exists\n";
    return 2;
  }
  fs::create_directories(ledger_dir);
  const litrev::Protocol protocol = bench_protocol();
  const std::vector<std::string>& reasons = protocol.stage(litrev::Stage::title_abstract)->exclusion_reasons;
  const auto start = Clock::now();
  std::mt19937_64 rng(6);
  std::vector<Vote> ana_votes(records);
  std::time_t t0 = 1767600000; // 2026-01-05
  LedgerWriter ana(ledger_dir + "/ana.jsonl", "ana", t0);
  for (std::uint64_t i = 0; i < records; ++i) {
    const auto r = rng() % 100;
    Vote v;
    if (r < 20) {
      v.decision = "include";
    } else if (r < 90) {
      v.decision = "exclude";
      if (rng() % 2 == 0 && !reasons.empty()) {
        v.reason = reasons[rng() % reasons.size()];
      }
    } else {
      v.decision = "maybe";
    }
    if (rng() % 20 == 0) {
      v.note = "check the methods section: the comparator is described only in the supplement (record " +
               std::to_string(i) + ")";
    }
    ana.vote(record_key(i), v, static_cast<std::uint32_t>(3 + rng() % 20));
    ana_votes[i] = std::move(v);
  }
  ana.close();
  std::vector<std::uint64_t> order(records);
  for (std::uint64_t i = 0; i < records; ++i) {
    order[i] = i;
  }
  std::shuffle(order.begin(), order.end(), rng);
  LedgerWriter ben(ledger_dir + "/ben.jsonl", "ben", t0 + 3600);
  for (std::uint64_t i : order) {
    Vote v = ana_votes[i];
    v.note.clear();
    if (rng() % 10 == 0) {
      v.decision = v.decision == "include" ? "exclude" : "include";
      v.reason.clear();
    }
    if (rng() % 20 == 0) {
      v.note = "unclear population; discuss";
    }
    ben.vote(record_key(i), v, static_cast<std::uint32_t>(3 + rng() % 20));
  }
  ben.close();
  const double write_s = seconds_since(start);

  // Proof that it is a ledger: read back by the library, every event there,
  // nothing wrong.
  const auto check = Clock::now();
  const litrev::LedgerRead r = litrev::Ledger(ledger_dir).read_all();
  const double check_s = seconds_since(check);
  for (const auto& p : r.problems) {
    std::cerr << p.file << ":" << p.line << ": " << p.problem << "\n";
  }
  const bool ok = r.problems.empty() && r.events.size() == 2 * records;
  std::cout << json{{"mode", "gen"},
                    {"records", records},
                    {"events", r.events.size()},
                    {"problems", r.problems.size()},
                    {"valid", ok},
                    {"bytes", ana.bytes() + ben.bytes()},
                    {"write_seconds", write_s},
                    {"check_seconds", check_s}}
                   .dump()
            << std::endl;
  return ok ? 0 : 1;
}

struct Run {
  double read_s = 0;
  double fold_s = 0;
  double total_s = 0;
  double cpu_s = 0;
  std::size_t events = 0;
  std::size_t problems = 0;
  std::size_t records = 0;
  std::size_t conflicts = 0;
};

Run fold_once(const std::string& ledger_dir, const litrev::Protocol& protocol) {
  Run run;
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  const litrev::LedgerRead r = litrev::Ledger(ledger_dir).read_all();
  run.read_s = seconds_since(t0);
  const auto t1 = Clock::now();
  const litrev::ScreeningState state = litrev::fold_screening(protocol, r.events);
  run.fold_s = seconds_since(t1);
  run.total_s = seconds_since(t0);
  run.cpu_s = cpu_seconds() - cpu0;
  run.events = r.events.size();
  run.problems = r.problems.size() + state.problems.size();
  run.records = state.records.size();
  for (const auto& [key, rs] : state.records) {
    run.conflicts += rs.ta.status == litrev::Status::conflict ? 1 : 0;
  }
  return run;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int fold(const std::string& dir, int runs) {
  const std::string ledger_dir = dir + "/ledger";
  const litrev::Protocol protocol = bench_protocol();
  std::vector<double> total;
  std::vector<double> read;
  std::vector<double> folds;
  std::vector<double> cpu;
  json each = json::array();
  Run last;
  for (int i = 0; i < runs; ++i) {
    last = fold_once(ledger_dir, protocol);
    total.push_back(last.total_s);
    read.push_back(last.read_s);
    folds.push_back(last.fold_s);
    cpu.push_back(last.cpu_s);
    each.push_back({{"total_seconds", last.total_s}, {"read_all_seconds", last.read_s}, {"fold_seconds", last.fold_s},
                    {"cpu_seconds", last.cpu_s}});
  }
  std::cout << json{{"mode", "fold"},
                    {"events", last.events},
                    {"records", last.records},
                    {"conflicts", last.conflicts},
                    {"problems", last.problems},
                    {"runs", each},
                    {"median_total_seconds", median(total)},
                    {"median_read_all_seconds", median(read)},
                    {"median_fold_seconds", median(folds)},
                    {"median_cpu_seconds", median(cpu)},
                    {"peak_rss_mb", peak_rss_mib()}}
                   .dump()
            << std::endl;
  return last.problems == 0 ? 0 : 1;
}

// Ledger::read's steps, one pass each over the same lines.
int split(const std::string& dir) {
  const std::string ledger_dir = dir + "/ledger";
  const litrev::Protocol protocol = bench_protocol();
  json out = {{"mode", "split"}};

  auto t = Clock::now();
  std::vector<std::string> texts;
  for (const char* actor : {"ana", "ben"}) {
    std::ifstream in(ledger_dir + "/" + actor + ".jsonl", std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    texts.push_back(std::move(s).str());
  }
  out["read_files_seconds"] = seconds_since(t);

  t = Clock::now();
  std::vector<std::string> lines;
  for (const std::string& text : texts) {
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t nl = text.find('\n', pos);
      lines.push_back(text.substr(pos, nl - pos));
      pos = nl + 1;
    }
  }
  out["cut_lines_seconds"] = seconds_since(t);
  out["lines"] = lines.size();

  t = Clock::now();
  std::size_t objects = 0;
  for (const std::string& line : lines) {
    objects += json::parse(line).is_object() ? 1 : 0;
  }
  out["json_parse_seconds"] = seconds_since(t);

  // Parse, then take the fields out into LedgerEvents as Ledger::read does
  // (payload copied out of the parsed document, events kept).
  t = Clock::now();
  std::vector<litrev::LedgerEvent> events;
  events.reserve(lines.size());
  for (const std::string& line : lines) {
    const json j = json::parse(line);
    litrev::LedgerEvent e;
    e.v = j.at("v").get<int>();
    e.seq = j.at("seq").get<std::uint64_t>();
    e.ts = j.at("ts").get<std::string>();
    e.actor = j.at("actor").get<std::string>();
    e.type = j.at("type").get<std::string>();
    e.payload = j.at("payload");
    e.prev = j.at("prev").get<std::string>();
    events.push_back(std::move(e));
  }
  const double parse_and_events = seconds_since(t);
  out["json_parse_and_events_seconds"] = parse_and_events;
  out["rss_with_events_mb"] = current_rss_mib();

  t = Clock::now();
  std::size_t hashed = 0;
  for (const std::string& line : lines) {
    hashed += sha256_hex(line).size();
  }
  out["sha256_seconds"] = seconds_since(t);
  events.clear();
  events.shrink_to_fit();
  lines.clear();
  lines.shrink_to_fit();
  texts.clear();

  t = Clock::now();
  const litrev::LedgerRead r = litrev::Ledger(ledger_dir).read_all();
  out["read_all_seconds"] = seconds_since(t);
  out["rss_after_read_all_mb"] = current_rss_mib();
  t = Clock::now();
  const litrev::ScreeningState state = litrev::fold_screening(protocol, r.events);
  out["fold_seconds"] = seconds_since(t);
  out["rss_after_fold_mb"] = current_rss_mib();
  out["records"] = state.records.size();
  out["peak_rss_mb"] = peak_rss_mib();
  out["check"] = objects + hashed; // keeps the passes from being optimised away
  std::cout << out.dump() << std::endl;
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "gen" && (argc == 3 || argc == 4)) {
      return gen(argv[2], argc == 4 ? std::strtoull(argv[3], nullptr, 10) : 500000);
    }
    if (mode == "fold" && (argc == 3 || argc == 4)) {
      return fold(argv[2], argc == 4 ? std::atoi(argv[3]) : 3);
    }
    if (mode == "split" && argc == 3) {
      return split(argv[2]);
    }
    std::cerr << "usage: bench_fold gen DIR [RECORDS] | fold DIR [RUNS] | split DIR\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "bench_fold: " << e.what() << "\n";
    return 1;
  }
}
