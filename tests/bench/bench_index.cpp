// bench_index: how fast litrev writes its Xapian index, next to a raw Xapian
// program doing the same work, and what the whole import path costs.
//
//   bench_index raw    FILE DBDIR   a minimal Xapian program: one
//                                   WritableDatabase, one TermGenerator, one
//                                   replace_document per record, one commit.
//   bench_index litrev FILE DBDIR   litrev::Index::upsert per record, then
//                                   commit().
//   bench_index raw-precommit FILE DBDIR
//                                   supplementary: raw, into a database that
//                                   was created and committed empty (with one
//                                   metadata entry) before the clock, the way
//                                   Review::init leaves the index.
//   bench_index import FILE REVIEWDIR
//                                   Review::init + Review::import_files: hash
//                                   the file, parse it twice (check pass, apply
//                                   pass), copy it into sources/, index it.
//
// raw and litrev index the same records, parsed with PubmedXmlReader *before*
// the clock starts (the parse is timed separately and reported as
// preparse_seconds), and both give every record the same provenance. The raw
// peer builds the same document litrev's Index::upsert builds (see
// lib/src/index/index.cpp): the same prefixes, the English stemmer with
// STEM_SOME, increase_termpos(100) between fields, the same boolean terms and
// value slots, and the record's JSON (nlohmann::json(record).dump()) as the
// document data. Serialising that JSON is part of building the document in
// either design (a raw program keeping records for display must serialise
// something, and the bytes stored decide the docdata table's cost), so it is
// inside the raw clock too; the raw line reports the time it took
// (json_seconds) so the Xapian-only time can be read off. The raw peer skips
// what a throwaway program would: bounded_term's length guard (no real term
// comes close to 240 bytes) and litrev's error wrapping.
//
// DBDIR / REVIEWDIR must not exist. XAPIAN_FLUSH_THRESHOLD is left to the
// environment, the same for every mode (run.sh leaves it unset: 10000).
//
// Each mode prints one JSON line: docs, seconds, docs/s, peak RSS
// (getrusage ru_maxrss, MiB), RSS after the pre-parse (MiB; the records held
// in memory, the same for raw and litrev) and the size of what was written.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <litrev/index.hpp>
#include <litrev/pubmed_xml.hpp>
#include <litrev/record.hpp>
#include <litrev/review.hpp>

#include "bench_util.hpp"

namespace fs = std::filesystem;

namespace {

using litrev::bench::Clock;
using litrev::bench::cpu_seconds;
using litrev::bench::peak_rss_mib;
using litrev::bench::seconds_since;

// CPU time (user + system) this process has used so far, in seconds. Less
// sensitive than wall time to other processes on a busy 2-core machine.
// Current resident set (VmRSS from /proc/self/status), in MiB.
double current_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stod(line.substr(6)) / 1024.0;
    }
  }
  return 0.0;
}

// Total size of the files under `dir`, in MB (10^6 bytes).
double tree_mb(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (ec) {
      break;
    }
    if (it->is_regular_file(ec)) {
      total += it->file_size(ec);
    }
  }
  return static_cast<double>(total) / 1e6;
}

// Reads every record of `path` into memory (the untimed pre-parse). Each gets
// a provenance like the one import gives it, so the stored JSON is the same
// size as in a real import.
std::vector<litrev::Record> preparse(const std::string& path) {
  std::vector<litrev::Record> records;
  litrev::PubmedXmlReader reader(path);
  litrev::PubmedItem item;
  const std::string name = fs::path(path).filename().string();
  std::uint64_t position = 0;
  while (reader.next(item)) {
    if (item.kind == litrev::PubmedItem::Kind::record) {
      item.record.provenance = {"20260101T000000Z-import-01", name, position};
      records.push_back(std::move(item.record));
      item.record = litrev::Record{};
    }
    ++position;
  }
  return records;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return s;
}

// The raw peer: what a program written directly against Xapian would do to
// index these records with the schema of lib/src/index/index.cpp.
struct RawResult {
  double json_seconds = 0;
};

RawResult raw_index(const std::vector<litrev::Record>& records, const std::string& dbdir) {
  RawResult out;
  Xapian::WritableDatabase db(dbdir, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
  Xapian::TermGenerator tg;
  tg.set_stemmer(Xapian::Stem("english"));
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  for (const litrev::Record& r : records) {
    Xapian::Document doc;
    tg.set_document(doc);
    const std::string id_term = "Q" + r.key;
    doc.add_boolean_term(id_term);
    tg.index_text(r.title, 1, "S");
    if (!r.vernacular_title.empty()) {
      tg.increase_termpos(100);
      tg.index_text(r.vernacular_title, 1, "S");
    }
    for (const auto& s : r.abstract) {
      tg.increase_termpos(100);
      tg.index_text(s.text, 1, "B");
    }
    for (const auto& a : r.authors) {
      tg.increase_termpos(100);
      if (!a.collective.empty()) {
        tg.index_text(a.collective, 1, "A");
      } else {
        tg.index_text(a.family, 1, "A");
        tg.index_text(a.initials, 1, "A");
        tg.index_text(a.given, 1, "A");
      }
    }
    for (const std::string* j :
         {&r.journal.title, &r.journal.iso_abbrev, &r.journal.medline_ta, &r.book_title}) {
      if (!j->empty()) {
        tg.increase_termpos(100);
        tg.index_text(*j, 1, "XJ");
      }
    }
    for (const auto& m : r.mesh) {
      tg.increase_termpos(100);
      tg.index_text(m.descriptor, 1, "XM");
    }
    for (const auto& p : r.publication_types) {
      tg.increase_termpos(100);
      tg.index_text(p.name, 1, "XPT");
    }
    for (const auto& k : r.keywords) {
      tg.increase_termpos(100);
      tg.index_text(k.text, 1, "K");
    }
    for (const auto& l : r.languages) {
      // Built with += : g++ 12 warns falsely (-Wrestrict) on "L" + string&&.
      std::string term = "L";
      term += lower_ascii(l);
      doc.add_boolean_term(term);
    }
    if (!r.ids.pmid.empty()) {
      doc.add_boolean_term("XPMID" + r.ids.pmid);
    }
    if (!r.ids.doi.empty()) {
      std::string term = "XDOI";
      term += lower_ascii(r.ids.doi);
      doc.add_boolean_term(term);
    }
    if (r.pub_date.year > 0) {
      doc.add_boolean_term("XY" + std::to_string(r.pub_date.year));
      doc.add_value(0, Xapian::sortable_serialise(r.pub_date.year));
      char date[16];
      std::snprintf(date, sizeof date, "%04d%02d%02d", r.pub_date.year, r.pub_date.month,
                    r.pub_date.day);
      doc.add_value(1, date);
    }
    const auto json_start = Clock::now();
    std::string data = nlohmann::json(r).dump();
    out.json_seconds += seconds_since(json_start);
    doc.set_data(data);
    db.replace_document(id_term, doc);
  }
  db.commit();
  return out;
}

void litrev_index(const std::vector<litrev::Record>& records, const std::string& dbdir) {
  litrev::Index index(dbdir, litrev::Index::Mode::write);
  for (const litrev::Record& r : records) {
    index.upsert(r);
  }
  index.commit();
}

nlohmann::json base_line(const std::string& mode, const std::string& file, std::uint64_t docs,
                         double seconds) {
  nlohmann::json j;
  j["tool"] = mode.rfind("raw", 0) == 0 ? "xapian-raw" : "litrev";
  j["mode"] = mode;
  j["file"] = file;
  j["docs"] = docs;
  j["seconds"] = seconds;
  j["docs_per_s"] = seconds > 0 ? static_cast<double>(docs) / seconds : 0.0;
  const char* threshold = std::getenv("XAPIAN_FLUSH_THRESHOLD");
  j["xapian_flush_threshold"] = threshold != nullptr ? threshold : "default";
  return j;
}

int run(const std::string& mode, const std::string& file, const std::string& out_dir) {
  if (fs::exists(out_dir)) {
    std::cerr << "bench_index: " << out_dir << " exists; give a path that does not\n";
    return 2;
  }
  if (mode == "raw" || mode == "litrev" || mode == "raw-precommit") {
    const auto parse_start = Clock::now();
    const std::vector<litrev::Record> records = preparse(file);
    const double preparse_seconds = seconds_since(parse_start);
    const double rss_after_preparse = current_rss_mib();

    if (mode == "raw-precommit") {
      // What Review::init does before the first import: create the database,
      // write a metadata entry and commit while it holds no document. Not
      // timed. Xapian 1.4.22 then creates the docdata table without zlib
      // compression when documents arrive in a later session.
      Xapian::WritableDatabase db(out_dir, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
      db.set_metadata("litrev.schema_version", "1");
      db.commit();
    }
    const auto start = Clock::now();
    const double cpu_start = cpu_seconds();
    RawResult raw;
    if (mode == "raw" || mode == "raw-precommit") {
      raw = raw_index(records, out_dir);
    } else {
      litrev_index(records, out_dir);
    }
    const double seconds = seconds_since(start);
    const double cpu = cpu_seconds() - cpu_start;

    nlohmann::json j = base_line(mode, file, records.size(), seconds);
    if (mode != "litrev") {
      j["json_seconds"] = raw.json_seconds;
    }
    j["preparse_seconds"] = preparse_seconds;
    j["rss_after_preparse_mb"] = rss_after_preparse;
    j["peak_rss_mb"] = peak_rss_mib();
    j["db_mb"] = tree_mb(out_dir);
    j["cpu_seconds"] = cpu;
    std::cout << j.dump() << std::endl;
    return 0;
  }
  if (mode == "import") {
    const auto start = Clock::now();
    const double cpu_start = cpu_seconds();
    litrev::Review::init(out_dir, "bench_index import");
    const double init_seconds = seconds_since(start);
    litrev::Review review(out_dir);
    litrev::ImportOptions options;
    options.command = "bench_index import";
    const litrev::ImportReport report = review.import_files({file}, options);
    const double seconds = seconds_since(start);
    const double cpu = cpu_seconds() - cpu_start;
    const std::uint64_t docs = report.added + report.updated;
    nlohmann::json j = base_line(mode, file, docs, seconds);
    j["init_seconds"] = init_seconds;
    j["file_bytes"] = fs::file_size(file);
    j["mb_per_s"] = seconds > 0 ? static_cast<double>(fs::file_size(file)) / 1e6 / seconds : 0.0;
    j["peak_rss_mb"] = peak_rss_mib();
    j["db_mb"] = tree_mb(fs::path(out_dir) / "index");
    j["review_mb"] = tree_mb(out_dir);
    j["cpu_seconds"] = cpu;
    std::cout << j.dump() << std::endl;
    return 0;
  }
  return -1;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: bench_index raw|litrev|raw-precommit FILE DBDIR\n"
                 "       bench_index import FILE REVIEWDIR\n";
    return 2;
  }
  try {
    const int rc = run(argv[1], argv[2], argv[3]);
    if (rc >= 0) {
      return rc;
    }
  } catch (const Xapian::Error& e) {
    std::cerr << "bench_index: " << e.get_description() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_index: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: bench_index raw|litrev|raw-precommit FILE DBDIR\n"
               "       bench_index import FILE REVIEWDIR\n";
  return 2;
}
