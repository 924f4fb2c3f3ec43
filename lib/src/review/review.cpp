// The review directory: init, import, rebuild.
#include <litrev/review.hpp>
#include <litrev/thesaurus.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/formats.hpp>

#include "review/runs.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

#ifndef LITREV_VERSION
#define LITREV_VERSION "0.0.0"
#endif

namespace fs = std::filesystem;
using nlohmann::json;

namespace litrev {

const char* version() { return LITREV_VERSION; }

using namespace runs;

namespace {

// One new file on its way into a run: what the check pass found.
struct Pending {
  ImportedFile info;
  Format format = Format::pubmed_xml;
  bool skip_mode = false; // records to skip were found; replay must skip them too
};

ReaderOptions reader_options(const ImportOptions& o) {
  ReaderOptions r;
  r.database = o.database;
  r.csv_columns = o.csv_columns;
  return r;
}

} // namespace

void Review::init(const std::string& dir, const std::string& title) {
  const fs::path root(dir);
  if (fs::exists(root / k_protocol)) {
    throw UsageError(dir + ": already a litrev review (litrev.json exists)");
  }
  try {
    fs::create_directories(root / "sources");
    fs::create_directories(root / "ledger");
  } catch (const fs::filesystem_error& e) {
    throw IoError(dir + ": " + e.code().message());
  }
  write_file_atomic((root / k_protocol).string(), example_protocol(title, version()).dump(2) + "\n");
  // No index yet: the first import creates it. Committing an empty Xapian
  // database in one session and adding documents in a later one leaves
  // 1.4.22's document-data table uncompressed (measured: the whole index 31%
  // larger), so the index is born in the session that fills it.
}

Review::Review(std::string dir) : m_dir(std::move(dir)) {
  const fs::path protocol = fs::path(m_dir) / k_protocol;
  if (!fs::exists(protocol)) {
    throw UsageError(m_dir + ": not a litrev review (no litrev.json); run `litrev init` first");
  }
  try {
    if (!json::parse(read_file(protocol.string())).is_object()) {
      throw DataError(protocol.string(), 0, "not a JSON object");
    }
  } catch (const json::exception& e) {
    throw DataError(protocol.string(), 0, std::string("not valid JSON: ") + e.what());
  }
}

std::string Review::index_path() const { return (fs::path(m_dir) / "index").string(); }
std::string Review::sources_path() const { return (fs::path(m_dir) / "sources").string(); }

Index Review::open_index() const {
  if (!fs::exists(fs::path(index_path()) / "iamglass")) {
    if (list_runs(sources_path()).empty()) {
      throw IndexError(m_dir + ": the review has no records yet; add some with `litrev import FILE`");
    }
    throw IndexError(index_path() + ": no index; run `litrev rebuild`");
  }
  Index index(index_path(), Index::Mode::read);
  const std::string pending = index.metadata(k_meta_pending);
  if (!pending.empty()) {
    throw IndexError(index_path() + ": import " + pending +
                     " was interrupted and the index is incomplete; run `litrev rebuild`");
  }
  return index;
}

ImportReport Review::import_files(const std::vector<std::string>& paths,
                                  const ImportOptions& options) {
  ImportReport report;
  if (paths.empty()) {
    throw UsageError("import: no files given");
  }

  // Hashes of everything imported before, so a re-import is a no-op.
  std::map<std::string, std::string> known; // sha256 -> run
  for (const auto& run : list_runs(sources_path())) {
    const json m = read_manifest((fs::path(sources_path()) / run).string());
    for (const auto& f : m.value("files", json::array())) {
      known.emplace(f.value("sha256", ""), run);
    }
  }

  // Pass 1: check every file completely before anything changes.
  std::vector<Pending> pending;
  std::set<std::string> seen_in_this_import;
  std::uint64_t checked = 0;
  for (const auto& path : paths) {
    std::error_code ec;
    const auto st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      throw DataError(path, 0, "no such file");
    }
    if (fs::is_directory(st)) {
      throw DataError(path, 0, "is a directory, not a file");
    }
    Pending p;
    p.info.path = path;
    p.info.sha256 = sha256_file(path);
    p.info.bytes = fs::file_size(path, ec);
    p.info.database = options.database;
    if (auto it = known.find(p.info.sha256); it != known.end()) {
      p.info.already_imported = true;
      p.info.previous_run = it->second;
      report.files.push_back(p.info);
      continue;
    }
    if (!seen_in_this_import.insert(p.info.sha256).second) {
      continue; // the same bytes named twice on one command line
    }
    try {
      p.format = options.format ? *options.format : sniff_format(path);
    } catch (const DataError& e) {
      if (!options.skip_bad) {
        throw;
      }
      p.info.skipped.push_back({path, e.line(), e.problem()});
      report.skipped += 1;
      report.files.push_back(std::move(p.info));
      continue; // an unrecognised file is listed and not stored
    }
    p.info.format = format_name(p.format);
    read_items(path, path, p.format, reader_options(options), options.skip_bad, p.info,
               [&](ReadItem&, std::uint64_t) {
                 if (options.progress && (++checked % k_progress_every) == 0) {
                   options.progress("checking", checked);
                 }
               });
    p.skip_mode = !p.info.skipped.empty();
    if (p.info.records == 0 && p.info.deletions == 0 && p.info.skipped.empty()) {
      // A file without a single record is a mistake (the wrong file, or
      // --format naming the wrong format): say so rather than store it.
      DataError e(path, 0, std::string("no records found (read as ") + p.info.format + ")");
      if (!options.skip_bad) {
        throw e;
      }
      p.info.skipped.push_back({path, 0, e.problem()});
      report.skipped += 1;
      report.files.push_back(std::move(p.info));
      continue;
    }
    report.skipped += p.info.skipped.size();
    pending.push_back(std::move(p));
  }
  if (pending.empty()) {
    return report;
  }

  // The index lock also keeps two imports from running at once.
  Index index(index_path(), Index::Mode::write);
  // Parts left by an import in parts that was killed: scratch, possibly
  // gigabytes. (A rebuild uses this folder while holding the same lock,
  // when the review has an index to lock.)
  remove_quietly(fs::path(m_dir) / "index.parts");
  const std::string now = options.now.empty() ? now_utc_rfc3339() : options.now;
  const std::string run = make_run_id(sources_path(), now, "import");
  const fs::path tmp_dir = fs::path(sources_path()) / (k_tmp_prefix + run);
  const fs::path run_dir = fs::path(sources_path()) / run;

  try {
    fs::create_directories(tmp_dir);
    std::set<std::string> names;
    json files = json::array();
    for (auto& p : pending) {
      std::string name = fs::path(p.info.path).filename().string();
      for (int n = 2; !names.insert(name).second; ++n) {
        name = fs::path(p.info.path).stem().string() + "-" + std::to_string(n) +
               fs::path(p.info.path).extension().string();
      }
      p.info.stored_name = name;
      copy_file_synced(p.info.path, (tmp_dir / name).string());
      json f = file_to_json(p.info);
      f["skip_bad"] = p.skip_mode;
      if (!options.csv_columns.empty()) {
        f["csv_columns"] = options.csv_columns;
      }
      files.push_back(std::move(f));
    }
    json manifest = {
        {"manifest_version", k_manifest_version},
        {"run", run},
        {"kind", "import"},
        {"created", now},
        {"command", options.command},
        {"litrev_version", version()},
        {"files", files},
    };

    // Pass 2: apply to the index, marked as pending until the run is in
    // place. The mark is not committed on its own: it becomes durable with the
    // first commit that carries documents (Xapian's automatic commits
    // included), so a crash before then leaves the index as it was, and a
    // crash after leaves the mark for open_index() to find.
    std::uint64_t incoming = 0;
    for (const auto& p : pending) {
      incoming += p.info.records;
    }
    report.jobs = index_jobs(options.jobs, index.size(), incoming);
    if (report.jobs > 1) {
      // A first import in parts (build_parallel): the new index is built
      // beside the live one, marked pending, and swapped in; a crash before
      // the swap leaves the review as it was.
      std::vector<StoredFile> stored;
      for (const auto& p : pending) {
        stored.push_back({run, tmp_dir.string(), p.info.stored_name, p.format, reader_options(options), p.skip_mode});
      }
      const fs::path fresh = fs::path(m_dir) / "index.new";
      const fs::path parts = fs::path(m_dir) / "index.parts";
      remove_quietly(fresh);
      remove_quietly(parts);
      try {
        build_parallel(stored, fresh.string(), parts.string(), report.jobs, &index, &report,
                       options.progress);
        {
          Index built(fresh.string(), Index::Mode::write);
          built.set_metadata(k_meta_pending, run);
          built.commit();
        }
        // The live index must hold no uncommitted change when it is moved
        // aside: Xapian would write it through the path, now the new index's.
        index.commit();
        swap_index(fresh, index_path(), fs::path(m_dir) / "index.old");
        index = Index(index_path(), Index::Mode::write);
      } catch (...) {
        remove_quietly(fresh);
        remove_quietly(parts);
        throw;
      }
    } else {
      index.set_metadata(k_meta_pending, run);
      for (const auto& p : pending) {
        apply_file(index, run, tmp_dir.string(), p.info.stored_name, p.format,
                   reader_options(options), p.skip_mode, &report, options.progress);
      }
    }
    manifest["counts"] = {{"records", 0}, {"added", report.added}, {"updated", report.updated},
                          {"kept", report.kept},
                          {"deleted", report.deleted}, {"skipped", report.skipped}};
    manifest["counts"]["records"] = incoming;
    write_file_atomic((tmp_dir / k_manifest).string(), manifest.dump(2) + "\n");
    sync_directory(tmp_dir.string());
    fs::rename(tmp_dir, run_dir);
    sync_directory(sources_path());
    index.set_metadata(k_meta_pending, "");
    index.commit();
  } catch (...) {
    remove_quietly(tmp_dir);
    // If the index was touched, it no longer matches sources/: the pending
    // mark stays, and open_index() asks for a rebuild.
    throw;
  }
  report.run = run;
  for (auto& p : pending) {
    report.files.push_back(std::move(p.info));
  }
  return report;
}

std::string Review::thesaurus_path() const { return (fs::path(m_dir) / "thesaurus.txt").string(); }

std::size_t Review::set_thesaurus(const std::string& path) {
  const std::string text = read_file(path);
  const Thesaurus thesaurus = Thesaurus::parse(text, path);
  Index index(index_path(), Index::Mode::write);
  if (fs::weakly_canonical(path) != fs::weakly_canonical(thesaurus_path())) {
    write_file_atomic(thesaurus_path(), text);
  }
  index.set_thesaurus(text, thesaurus_path());
  index.commit();
  return thesaurus.concepts().size();
}

RebuildReport Review::rebuild(unsigned jobs) {
  RebuildReport report;
  const fs::path live(index_path());
  const fs::path fresh = fs::path(m_dir) / "index.new";
  const fs::path old = fs::path(m_dir) / "index.old";
  remove_quietly(fresh);
  {
    // Holding the live index's write lock keeps imports out while we rebuild.
    std::optional<Index> lock;
    if (fs::exists(live / "iamglass")) {
      try {
        lock.emplace(live.string(), Index::Mode::write);
      } catch (const IndexError& e) {
        // A schema mismatch is a reason to rebuild, not to stop; "busy" is.
        if (std::string(e.what()).find("index busy") != std::string::npos) {
          throw;
        }
      }
    }
    std::vector<StoredFile> files;
    std::uint64_t records = 0;
    for (const auto& run : list_runs(sources_path())) {
      const std::string run_dir = (fs::path(sources_path()) / run).string();
      const json manifest = read_manifest(run_dir);
      for (const auto& f : manifest.value("files", json::array())) {
        if (f.value("role", "records") != "records") {
          continue; // a search answer kept for provenance, not records
        }
        const std::string name = f.at("name").get<std::string>();
        const auto format = format_from_name(f.value("format", "pubmed-xml"));
        if (!format) {
          throw DataError(run_dir + "/" + k_manifest, 0,
                          name + ": unknown format " + f.value("format", "") +
                              " (made by a newer litrev?)");
        }
        ReaderOptions options;
        options.database = f.value("database", "");
        options.csv_columns = f.value("csv_columns", std::map<std::string, std::string>{});
        files.push_back({run, run_dir, name, *format, options, f.value("skip_bad", false)});
        records += f.value("records", std::uint64_t{0});
      }
      ++report.runs;
    }
    report.jobs = index_jobs(jobs, 0, records);
    if (report.jobs > 1) {
      const fs::path parts = fs::path(m_dir) / "index.parts";
      remove_quietly(parts);
      build_parallel(files, fresh.string(), parts.string(), report.jobs, nullptr, nullptr);
    }
    Index index(fresh.string(), Index::Mode::write);
    if (report.jobs == 1) {
      for (const auto& f : files) {
        apply_file(index, f.run, f.run_dir, f.name, f.format, f.options, f.skip_bad, nullptr);
      }
    }
    if (fs::exists(thesaurus_path())) {
      index.set_thesaurus(read_file(thesaurus_path()), thesaurus_path());
    }
    index.commit();
    report.records = index.size();
  }
  swap_index(fresh, live, old);
  // Leftovers of interrupted imports are not part of the review.
  if (fs::exists(sources_path())) {
    for (const auto& e : fs::directory_iterator(sources_path())) {
      if (e.path().filename().string().rfind(k_tmp_prefix, 0) == 0) {
        remove_quietly(e.path());
      }
    }
  }
  return report;
}

} // namespace litrev
