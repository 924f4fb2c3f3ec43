#include "review/runs.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "util/fs.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace litrev::runs {

std::string make_run_id(const std::string& sources, const std::string& now, const std::string& kind) {
  // 2026-11-21T06:30:12Z -> 20261121T063012Z-import-01
  std::string compact;
  for (char c : now) {
    if (c != '-' && c != ':') {
      compact += c;
    }
  }
  for (int seq = 1; seq < 1000; ++seq) {
    char seq_text[8];
    std::snprintf(seq_text, sizeof seq_text, "%02d", seq);
    const std::string id = compact + "-" + kind + "-" + seq_text;
    if (!fs::exists(fs::path(sources) / id) &&
        !fs::exists(fs::path(sources) / (k_tmp_prefix + id))) {
      return id;
    }
  }
  throw IoError(sources + ": too many runs in one second");
}

json file_to_json(const ImportedFile& f) {
  json skipped = json::array();
  for (const auto& s : f.skipped) {
    skipped.push_back({{"line", s.line}, {"problem", s.problem}});
  }
  json j = {{"name", f.stored_name}, {"original_path", f.path}, {"sha256", f.sha256},
            {"bytes", f.bytes},      {"format", f.format},      {"records", f.records},
            {"deletions", f.deletions}, {"skipped", skipped}};
  if (!f.database.empty()) {
    j["database"] = f.database;
  }
  if (!f.notes.empty()) {
    j["notes"] = f.notes;
  }
  return j;
}

std::vector<std::string> list_runs(const std::string& sources) {
  std::vector<std::string> runs;
  if (!fs::exists(sources)) {
    return runs;
  }
  for (const auto& e : fs::directory_iterator(sources)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && name.rfind(k_tmp_prefix, 0) != 0 &&
        fs::exists(e.path() / k_manifest)) {
      runs.push_back(name);
    }
  }
  std::sort(runs.begin(), runs.end());
  return runs;
}

std::string sources_fingerprint(const std::string& sources) {
  std::string out;
  for (const std::string& run : list_runs(sources)) {
    const fs::path m = fs::path(sources) / run / k_manifest;
    std::error_code ec;
    const auto size = fs::file_size(m, ec);
    const auto time = fs::last_write_time(m, ec);
    out += run + ":" + std::to_string(size) + ":" + std::to_string(time.time_since_epoch().count()) + "\n";
  }
  return out;
}

json read_manifest(const std::string& run_dir) {
  const std::string path = (fs::path(run_dir) / k_manifest).string();
  try {
    return json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw DataError(path, 0, std::string("manifest is not valid JSON: ") + e.what());
  }
}

int source_rank(const std::string& source) {
  if (source == "pubmed-xml" || source == "ctgov-json") {
    return 3;
  }
  if (source == "medline" || source == "europepmc-json") {
    return 2;
  }
  return 1;
}

void apply_file(Index& index, const std::string& run, const std::string& run_dir,
                const std::string& name, Format format, const ReaderOptions& options,
                bool skip_bad, ImportReport* report,
                const std::function<void(const char*, std::uint64_t)>& progress,
                const BeforeUpsert& before_upsert) {
  std::uint64_t done = report ? report->added + report->updated + report->kept : 0;
  ImportedFile scratch;
  const std::string path = (fs::path(run_dir) / name).string();
  read_items(path, path, format, options, skip_bad, scratch, [&](ReadItem& item, std::uint64_t position) {
    if (item.kind == ReadItem::Kind::record) {
      item.record.provenance = {run, name, position, item.line};
      bool replaces = true;
      if (index.contains(item.record.key)) {
        const auto existing = index.get(item.record.key);
        replaces = !existing || source_rank(item.record.source) >= source_rank(existing->source);
        if (report) {
          (replaces ? report->updated : report->kept)++;
        }
      } else if (report) {
        report->added++;
      }
      if (before_upsert) {
        before_upsert(item.record, replaces);
      }
      if (replaces) {
        index.upsert(item.record);
      }
      if (progress && (++done % k_progress_every) == 0) {
        progress("indexing", done);
      }
    } else {
      for (const auto& pmid : item.pmids) {
        const bool removed = index.remove("pmid:" + pmid);
        if (report && removed) {
          report->deleted++;
        }
      }
    }
  });
}

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}

} // namespace litrev::runs
