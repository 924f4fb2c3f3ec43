// The PRISMA 2020 flow from what happened: every record every run brought in
// (read again from sources/, as rebuild does), the reference clusters, and
// the screening state. Each box keeps the records behind it, so every number
// can be explained, and the identification boxes add up by construction:
// identified = duplicates + other removed + screened.
#include <algorithm>
#include <filesystem>
#include <set>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "review/runs.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace litrev {

namespace {

bool is_register_name(const std::string& name) {
  static const char* const k_registers[] = {"ClinicalTrials.gov", "WHO ICTRP", "ICTRP", "ISRCTN",
                                            "EU Clinical Trials Register", "CTIS", "ANZCTR", "ChiCTR"};
  return std::any_of(std::begin(k_registers), std::end(k_registers),
                     [&](const char* r) { return name == r; });
}

void add(PrismaFlow& f, const std::string& box, const std::string& member) { f.members[box].push_back(member); }

} // namespace

PrismaFlow Review::prisma(const ScreeningState& state) const {
  const Protocol protocol = this->protocol();
  PrismaFlow flow;
  std::map<std::string, PrismaSource> sources;
  std::set<std::string> seen_clusters;

  for (const std::string& run : runs::list_runs(sources_path())) {
    const std::string run_dir = (fs::path(sources_path()) / run).string();
    const json manifest = runs::read_manifest(run_dir);
    for (const json& f : manifest.value("files", json::array())) {
      if (f.value("role", "records") != "records") {
        continue;
      }
      const std::string name = f.at("name").get<std::string>();
      const auto format = format_from_name(f.value("format", "pubmed-xml"));
      if (!format) {
        throw DataError(run_dir + "/" + runs::k_manifest, 0, name + ": unknown format " + f.value("format", ""));
      }
      ReaderOptions options;
      options.database = f.value("database", "");
      options.csv_columns = f.value("csv_columns", std::map<std::string, std::string>{});
      ImportedFile scratch;
      const std::string path = (fs::path(run_dir) / name).string();
      runs::read_items(path, path, *format, options, f.value("skip_bad", false), scratch,
                       [&](ReadItem& item, std::uint64_t position) {
                         if (item.kind != ReadItem::Kind::record) {
                           return;
                         }
                         const Record& r = item.record;
                         std::string db = r.database.empty() ? std::string("Other") : r.database;
                         PrismaSource& src = sources[db];
                         src.name = db;
                         src.is_register = src.is_register || r.registration.has_value() || is_register_name(db);
                         ++src.records;
                         ++flow.identified;
                         const std::string where =
                             r.key + " (" + run + "/" + name + "#" + std::to_string(position + 1) + ")";
                         add(flow, "identified", where);
                         add(flow, "identified:" + db, where);
                         const bool present =
                             state.clusters.count(r.key) != 0 || state.cluster_of.count(r.key) != 0;
                         if (!present) {
                           // Deleted since (PubMed's DeleteCitation): removed for another reason.
                           ++flow.other_removed;
                           add(flow, "other-removed", where);
                           return;
                         }
                         if (!seen_clusters.insert(state.cluster_key(r.key)).second) {
                           ++flow.duplicates;
                           add(flow, "duplicates", where);
                         }
                       });
    }
  }
  for (bool registers : {false, true}) {
    for (auto& [name, src] : sources) {
      if (src.is_register == registers) {
        flow.sources.push_back(src);
      }
    }
  }

  const bool full_text = protocol.stage(Stage::full_text) != nullptr;
  std::map<std::string, std::uint64_t> reasons;
  for (const auto& [cluster, members] : state.clusters) {
    ++flow.screened;
    add(flow, "screened", cluster);
    const RecordState* rs = state.find(cluster);
    const Status ta = rs ? rs->ta.status : Status::unscreened;
    if (ta == Status::excluded) {
      ++flow.screened_excluded;
      add(flow, "screened-excluded", cluster);
      continue;
    }
    if (ta != Status::included) {
      ++flow.pending_screening;
      add(flow, "pending-screening", cluster);
      continue;
    }
    ++flow.sought;
    add(flow, "sought", cluster);
    if (rs->retrieval && !rs->retrieval->retrieved) {
      ++flow.not_retrieved;
      add(flow, "not-retrieved", cluster);
      continue;
    }
    ++flow.assessed;
    add(flow, "assessed", cluster);
    const Status ft = full_text ? rs->ft.status : Status::included;
    if (ft == Status::excluded) {
      ++flow.excluded;
      const std::string reason = rs->ft.reason.empty() ? std::string("no reason given") : rs->ft.reason;
      ++reasons[reason];
      add(flow, "excluded", cluster);
      add(flow, "excluded:" + reason, cluster);
    } else if (ft == Status::included) {
      // Until reports are linked to studies, each included report is a study.
      ++flow.included_studies;
      ++flow.included_reports;
      add(flow, "included-studies", cluster);
      add(flow, "included-reports", cluster);
    } else {
      ++flow.pending_full_text;
      add(flow, "pending-full-text", cluster);
    }
  }
  for (const auto& [reason, n] : reasons) {
    flow.excluded_reasons.push_back({reason, n});
  }
  std::stable_sort(flow.excluded_reasons.begin(), flow.excluded_reasons.end(),
                   [](const PrismaReason& a, const PrismaReason& b) { return a.reports > b.reports; });
  return flow;
}

} // namespace litrev
