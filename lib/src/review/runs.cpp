#include "review/runs.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <limits>
#include <thread>
#include <unordered_map>

#include "dedup/compare.hpp"
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

Held held_by(const Record& record) {
  Held h;
  h.rank = source_rank(record.source);
  if (record.key.rfind("doi:", 0) == 0 || record.key.rfind("hash:", 0) == 0) {
    h.identity = dedup::prepare(record);
    h.apart_key = record_key_apart(record);
  }
  return h;
}

bool same_report(const dedup::Prepared& a, const dedup::Prepared& b) {
  const dedup::Comparison c = dedup::compare(a, b);
  return c.decided && c.verdict == PairVerdict::duplicate;
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
      Held held;
      const Placement pl = place(item.record, [&](const std::string& key) -> const Held* {
        if (!index.contains(key)) {
          return nullptr;
        }
        const auto existing = index.get(key);
        held = existing ? held_by(*existing) : Held{};
        return &held;
      });
      item.record.key = pl.key;
      if (report) {
        (!pl.exists ? report->added : pl.replaces ? report->updated : report->kept)++;
        report->keyed_apart += pl.apart ? 1 : 0;
      }
      if (before_upsert) {
        before_upsert(item.record, pl.replaces);
      }
      if (pl.replaces) {
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

unsigned index_jobs(unsigned requested, std::uint64_t existing, std::uint64_t records) {
  if (existing > 0) {
    return 1;
  }
  if (requested > 0) {
    return requested;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return records >= k_parallel_import_min ? cores : 1;
}

namespace {

// Calls each(file, item, position in the file, position over all files) for
// every item of `files`, in order.
template <typename Each>
void for_each_item(const std::vector<StoredFile>& files, Each each) {
  std::uint64_t global = 0;
  for (const auto& f : files) {
    ImportedFile scratch;
    const std::string path = (fs::path(f.run_dir) / f.name).string();
    read_items(path, path, f.format, f.options, f.skip_bad, scratch,
               [&](ReadItem& item, std::uint64_t position) { each(f, item, position, global++); });
  }
}

// Thrown by a part's reader when the rest of the items cannot touch its part.
struct StopReading {};

} // namespace

void build_parallel(const std::vector<StoredFile>& files, const std::string& dest,
                    const std::string& work_dir, unsigned jobs, const Index* metadata,
                    ImportReport* report,
                    const std::function<void(const char*, std::uint64_t)>& progress) {
  constexpr std::uint64_t none = std::numeric_limits<std::uint64_t>::max();
  // The plan. For every item: the position of the item that created the
  // document it writes (`none` for a kept record or a deletion). A
  // document's key stays where it was created until deleted; a key created
  // again after a deletion is a new document, as Xapian gives it a new docid.
  struct Live {
    std::uint64_t created;
    Held held;
  };
  std::unordered_map<std::string, Live> live;
  std::vector<std::uint64_t> creator;
  std::vector<std::uint64_t> created; // positions creating a document, ascending
  std::vector<std::pair<std::uint64_t, std::uint64_t>> deleted; // (position, creator)
  std::unordered_map<std::uint64_t, std::string> apart; // position -> key, for records placed apart
  for_each_item(files, [&](const StoredFile&, ReadItem& item, std::uint64_t, std::uint64_t at) {
    if (item.kind == ReadItem::Kind::record) {
      const Placement pl = place(item.record, [&](const std::string& key) -> const Held* {
        const auto it = live.find(key);
        return it == live.end() ? nullptr : &it->second.held;
      });
      if (pl.apart) {
        apart.emplace(at, pl.key);
        item.record.key = pl.key;
        if (report) {
          report->keyed_apart++;
        }
      }
      if (!pl.exists) {
        live.emplace(pl.key, Live{at, held_by(item.record)});
        creator.push_back(at);
        created.push_back(at);
        if (report) {
          report->added++;
        }
      } else if (pl.replaces) {
        Live& l = live.at(pl.key);
        l.held = held_by(item.record);
        creator.push_back(l.created);
        if (report) {
          report->updated++;
        }
      } else {
        creator.push_back(none);
        if (report) {
          report->kept++;
        }
      }
      return;
    }
    creator.push_back(none);
    for (const auto& pmid : item.pmids) {
      const auto it = live.find("pmid:" + pmid);
      if (it != live.end()) {
        deleted.emplace_back(at, it->second.created);
        live.erase(it);
        if (report) {
          report->deleted++;
        }
      }
    }
  });
  live = {};

  jobs = static_cast<unsigned>(std::clamp<std::uint64_t>(created.size(), 1, std::max(1u, jobs)));
  // Part p holds the documents created at positions [starts[p], starts[p+1]).
  std::vector<std::uint64_t> starts(jobs);
  for (unsigned p = 1; p < jobs; ++p) {
    starts[p] = created[p * created.size() / jobs];
  }
  const auto part_of = [&](std::uint64_t position) {
    return static_cast<unsigned>(std::upper_bound(starts.begin(), starts.end(), position) - starts.begin() - 1);
  };
  // The last item each part needs: its last write or deletion.
  std::vector<std::uint64_t> last(jobs, 0);
  for (std::uint64_t at = 0; at < creator.size(); ++at) {
    if (creator[at] != none) {
      last[part_of(creator[at])] = at;
    }
  }
  for (const auto& [at, by] : deleted) {
    last[part_of(by)] = std::max(last[part_of(by)], at);
  }

  fs::create_directories(work_dir);
  std::vector<std::string> parts;
  for (unsigned p = 0; p < jobs; ++p) {
    parts.push_back((fs::path(work_dir) / ("part-" + std::to_string(p + 1))).string());
  }
  std::vector<std::exception_ptr> errors(jobs);
  std::atomic<std::uint64_t> done{0};
  const auto build = [&](unsigned p) {
    try {
      Index index(parts[p], Index::Mode::write);
      if (p == 0 && metadata) {
        index.copy_metadata_from(*metadata);
      }
      std::uint64_t mine = 0;
      try {
        for_each_item(files, [&](const StoredFile& f, ReadItem& item, std::uint64_t position, std::uint64_t at) {
          if (at > last[p]) {
            throw StopReading{};
          }
          if (item.kind != ReadItem::Kind::record) {
            for (const auto& pmid : item.pmids) {
              index.remove("pmid:" + pmid); // a no-op in the other parts
            }
            return;
          }
          if (creator[at] == none || part_of(creator[at]) != p) {
            return;
          }
          item.record.provenance = {f.run, f.name, position, item.line};
          if (const auto a = apart.find(at); a != apart.end()) {
            item.record.key = a->second;
          }
          index.upsert(item.record);
          ++done;
          if (p == 0 && progress && (++mine % k_progress_every) == 0) {
            progress("indexing", done.load());
          }
        });
      } catch (const StopReading&) {
      }
      index.commit();
    } catch (...) {
      errors[p] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned p = 1; p < jobs; ++p) {
    threads.emplace_back(build, p);
  }
  build(0);
  for (auto& t : threads) {
    t.join();
  }
  for (const auto& e : errors) {
    if (e) {
      remove_quietly(work_dir);
      std::rethrow_exception(e);
    }
  }
  if (progress) {
    progress("merging", done.load());
  }
  Index::merge(parts, dest);
  remove_quietly(work_dir);
}

void swap_index(const fs::path& fresh, const fs::path& live, const fs::path& old) {
  remove_quietly(old);
  std::error_code ec;
  if (fs::exists(live)) {
    fs::rename(live, old, ec);
    if (ec) {
      throw IoError(live.string() + ": cannot move aside: " + ec.message());
    }
  }
  fs::rename(fresh, live, ec);
  if (ec) {
    throw IoError(fresh.string() + ": cannot move into place: " + ec.message());
  }
  remove_quietly(old);
}

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}

} // namespace litrev::runs
