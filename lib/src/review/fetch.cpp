// Review::fetch: one search on a remote service, from the first request to a
// landed run, resumable at any point.
//
// While a fetch runs, everything lives in sources/.fetch-<hash>/ (the hash of
// service, query and update flag): each response as it arrived, and
// state.json, rewritten atomically after every response, saying what is done.
// Running the same command again after an interruption reads state.json and
// carries on. When everything has arrived, the folder gets its manifest and is
// renamed into sources/<run>/, and its records go into the index the way an
// import's do.
#include <litrev/review.hpp>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <unordered_set>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <litrev/pubmed_xml.hpp>

#include "review/runs.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace litrev {

using namespace runs;

const char* service_name(Service service) {
  switch (service) {
  case Service::pubmed: return "pubmed";
  case Service::europepmc: return "europepmc";
  case Service::ctgov: return "ctgov";
  }
  return "?";
}

std::optional<Service> service_from_name(std::string_view name) {
  for (Service s : {Service::pubmed, Service::europepmc, Service::ctgov}) {
    if (name == service_name(s)) {
      return s;
    }
  }
  return std::nullopt;
}

namespace {

const char* const k_fetch_prefix = ".fetch-";
const char* const k_state = "state.json";
const char* const k_lock = "lock";
constexpr int k_state_version = 1;
// Far enough back for every PubMed Entrez date, and far enough ahead.
const char* const k_first_day = "1800/01/01";
// Attempts at an EFetch batch whose body passed the checks but would not parse.
constexpr int k_unreadable_attempts = 3;

const char* database_label(Service s) {
  switch (s) {
  case Service::pubmed: return "PubMed";
  case Service::europepmc: return "Europe PMC";
  case Service::ctgov: return "ClinicalTrials.gov";
  }
  return "?";
}

// "efetch-0003.xml": numbered file names that sort in order.
std::string numbered(const char* stem, std::size_t n, int width, const char* ext) {
  std::string digits = std::to_string(n);
  if (digits.size() < static_cast<std::size_t>(width)) {
    digits.insert(0, width - digits.size(), '0');
  }
  return std::string(stem) + "-" + digits + ext;
}

json form_to_json(const FormFields& fields) {
  json a = json::array();
  for (const auto& [k, v] : fields) {
    a.push_back(json::array({k, v}));
  }
  return a;
}

// What identifies "the same fetch" for resuming and for --update.
std::string fetch_identity(const FetchOptions& o) {
  return std::string(service_name(o.service)) + "\n" + o.query + "\n" + form_to_json(o.ctgov_query).dump();
}

// Holds an exclusive flock on the staging folder's lock file, so that two
// processes never fetch the same query into one folder.
class StagingLock {
public:
  explicit StagingLock(const fs::path& dir) {
    const std::string path = (dir / k_lock).string();
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) {
      throw IoError(path + ": cannot open: " + std::strerror(errno));
    }
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(m_fd);
      throw UsageError("the same fetch is already running in another process (" + dir.string() + ")");
    }
  }
  ~StagingLock() { ::close(m_fd); }
  StagingLock(const StagingLock&) = delete;
  StagingLock& operator=(const StagingLock&) = delete;

private:
  int m_fd = -1;
};

HttpStats add_stats(HttpStats a, const HttpStats& b) {
  a.fetches += b.fetches;
  a.requests += b.requests;
  a.retries += b.retries;
  a.responses_429 += b.responses_429;
  a.failures += b.failures;
  a.bytes_received += b.bytes_received;
  a.seconds_waiting += b.seconds_waiting;
  for (const auto& [k, v] : b.retry_reasons) {
    a.retry_reasons[k] += v;
  }
  return a;
}

json stats_to_json(const HttpStats& s) {
  return {{"fetches", s.fetches},
          {"requests", s.requests},
          {"retries", s.retries},
          {"responses_429", s.responses_429},
          {"failures", s.failures},
          {"bytes_received", s.bytes_received},
          {"seconds_waiting", s.seconds_waiting},
          {"retry_reasons", s.retry_reasons}};
}

HttpStats stats_from_json(const json& j) {
  HttpStats s;
  if (!j.is_object()) {
    return s;
  }
  s.fetches = j.value("fetches", std::uint64_t{0});
  s.requests = j.value("requests", std::uint64_t{0});
  s.retries = j.value("retries", std::uint64_t{0});
  s.responses_429 = j.value("responses_429", std::uint64_t{0});
  s.failures = j.value("failures", std::uint64_t{0});
  s.bytes_received = j.value("bytes_received", std::uint64_t{0});
  s.seconds_waiting = j.value("seconds_waiting", 0.0);
  s.retry_reasons = j.value("retry_reasons", std::map<std::string, std::uint64_t>{});
  return s;
}

json strip_provenance(const Record& r) {
  json j = r;
  j.erase("provenance");
  return j;
}

// One fetch in progress: its folder, its state, and the services' clients.
class FetchRun {
public:
  FetchRun(const FetchOptions& options, HttpClient& http, fs::path staging, std::string tomorrow)
    : m_tomorrow(std::move(tomorrow)), m_o(options), m_http(http), m_dir(std::move(staging)) {}

  json& state() { return m_state; }
  const fs::path& dir() const { return m_dir; }

  void load_or_start(const std::string& now, FetchReport& report) {
    const fs::path path = m_dir / k_state;
    if (fs::exists(path)) {
      try {
        m_state = json::parse(read_file(path.string()));
      } catch (const json::exception& e) {
        throw DataError(path.string(), 0,
                        std::string("fetch state is not valid JSON (run again with --restart): ") + e.what());
      }
      if (m_state.value("state_version", 0) != k_state_version ||
          m_state.value("identity", "") != fetch_identity(m_o)) {
        throw DataError(path.string(), 0, "fetch state of another litrev or query (run again with --restart)");
      }
      report.resumed = true;
      progress("resuming the fetch started " + m_state.value("started", std::string("?")));
    } else {
      m_state = {{"state_version", k_state_version},
                 {"identity", fetch_identity(m_o)},
                 {"started", now},
                 {"files", json::array()},
                 {"http", json::object()}};
      save_state();
    }
    m_previous_stats = stats_from_json(m_state["http"]);
  }

  void save_state() {
    m_state["http"] = stats_to_json(add_stats(m_previous_stats, m_http.stats()));
    write_file_atomic((m_dir / k_state).string(), m_state.dump() + "\n");
  }

  // Keeps a response byte for byte and lists it; the state is saved by the
  // caller once it has noted what the response means.
  void keep(const std::string& name, const std::string& body, const char* role, const char* format) {
    write_file_atomic((m_dir / name).string(), body);
    json f = {{"name", name}, {"role", role}};
    if (format) {
      f["format"] = format;
    }
    m_state["files"].push_back(std::move(f));
  }

  void progress(const std::string& line) const {
    if (m_o.progress) {
      m_o.progress(line);
    }
  }

  HttpStats total_stats() const { return add_stats(m_previous_stats, m_http.stats()); }

  void run_pubmed(const std::optional<std::string>& since, FetchReport& report);
  void run_europepmc(FetchReport& report);
  void run_ctgov(FetchReport& report);

private:
  void pubmed_search(PubmedClient& client, const std::optional<std::string>& since);
  void pubmed_slices(PubmedClient& client, const PubmedDateRange& range, std::uint64_t count, json& slices);
  std::string keep_search(const PubmedSearchResult& r);
  std::set<std::string> pubmed_batch(PubmedClient& client, const std::vector<std::string>& want,
                                     const std::string& name, json& batch);

  std::string m_tomorrow; // the day after the search, YYYY/MM/DD
  const FetchOptions& m_o;
  HttpClient& m_http;
  fs::path m_dir;
  json m_state;
  HttpStats m_previous_stats;
};

std::string FetchRun::keep_search(const PubmedSearchResult& r) {
  const std::string name = numbered("esearch", m_state.value("searches", 0) + 1, 3, ".json");
  m_state["searches"] = m_state.value("searches", 0) + 1;
  keep(name, r.body, "search", nullptr);
  return name;
}

// Splits `range`, known to hold `count` > k_esearch_max_ids hits, into
// halves until every slice holds at most k_esearch_max_ids; appends the
// slices in date order. A half expected to be too big is probed with
// retmax=0 (a count, without 9,999 ids to throw away); a half expected to fit
// is asked for its ids at once, and probed again only when the guess was wrong.
void FetchRun::pubmed_slices(PubmedClient& client, const PubmedDateRange& range, std::uint64_t count,
                             json& slices) {
  auto halves = split_date_range(range);
  if (!halves) {
    throw Error("PubMed has " + std::to_string(count) + " records for this query with " + range.type + " " +
                range.min + " alone, more than ESearch can list (" + std::to_string(k_esearch_max_ids) +
                "); narrow the query");
  }
  progress("PubMed: " + std::to_string(count) + " records from " + range.min + " to " + range.max +
           "; splitting the dates");
  for (const PubmedDateRange& half : {halves->first, halves->second}) {
    const bool expect_fit = count / 2 <= k_esearch_max_ids;
    PubmedSearchResult r = client.esearch(m_o.query, half, expect_fit ? k_esearch_max_ids : 0);
    std::string file = keep_search(r);
    if (r.count > k_esearch_max_ids) {
      pubmed_slices(client, half, r.count, slices);
      continue;
    }
    if (r.ids.size() < r.count) { // probed with retmax=0, and it fits
      r = client.esearch(m_o.query, half, k_esearch_max_ids);
      file = keep_search(r);
      if (r.count > k_esearch_max_ids) { // PubMed grew in between
        pubmed_slices(client, half, r.count, slices);
        continue;
      }
    }
    slices.push_back({{"datetype", half.type},
                      {"mindate", half.min},
                      {"maxdate", half.max},
                      {"count", r.count},
                      {"file", file},
                      {"ids", r.ids}});
  }
}

void FetchRun::pubmed_search(PubmedClient& client, const std::optional<std::string>& since) {
  // An update searches what was entered, then what was modified, since the
  // day of the earlier fetch; a first fetch searches everything.
  std::vector<std::optional<PubmedDateRange>> tops;
  if (since) {
    tops.push_back(PubmedDateRange{"edat", *since, m_tomorrow});
    tops.push_back(PubmedDateRange{"mdat", *since, m_tomorrow});
  } else {
    tops.push_back(std::nullopt);
  }
  json searches = json::array();
  json ids = json::array();
  std::unordered_set<std::string> seen;
  for (const auto& top : tops) {
    PubmedSearchResult first = client.esearch(m_o.query, top, k_esearch_max_ids);
    json s = {{"count", first.count}, {"file", keep_search(first)}};
    if (top) {
      s["datetype"] = top->type;
      s["mindate"] = top->min;
      s["maxdate"] = top->max;
    }
    if (searches.empty()) {
      m_state["translation"] = first.translation;
      m_state["phrases_not_found"] = first.phrases_not_found;
      m_state["fields_not_found"] = first.fields_not_found;
      m_state["warnings"] = first.warnings;
      if (first.count == 0 && (!first.phrases_not_found.empty() || !first.fields_not_found.empty())) {
        std::string what;
        for (const auto& p : first.phrases_not_found) {
          what += (what.empty() ? "" : "; ") + std::string("phrase not found: ") + p;
        }
        for (const auto& f : first.fields_not_found) {
          what += (what.empty() ? "" : "; ") + std::string("field not found: ") + f;
        }
        for (const auto& w : first.warnings) {
          what += "; " + w;
        }
        throw DataError("PubMed query", 0, "PubMed found nothing (" + what + ")");
      }
    }
    json slices = json::array();
    if (first.count <= k_esearch_max_ids) {
      slices.push_back({{"count", first.count}, {"file", s["file"]}, {"ids", first.ids}});
    } else {
      progress("PubMed: " + std::to_string(first.count) +
               " records, more than one search can list; searching in date slices");
      // Nothing is entered after today: ending the first range there (plus a
      // day for time zones) saves halving through empty centuries. The slices
      // must still add up to the count, which is checked and reported.
      pubmed_slices(client, top ? *top : PubmedDateRange{"edat", k_first_day, m_tomorrow}, first.count, slices);
    }
    std::uint64_t total = 0;
    for (auto& slice : slices) {
      total += slice["count"].get<std::uint64_t>();
      for (const auto& id : slice["ids"]) {
        if (seen.insert(id.get<std::string>()).second) {
          ids.push_back(id);
        }
      }
      slice.erase("ids");
    }
    s["slices"] = std::move(slices);
    s["slice_total"] = total;
    searches.push_back(std::move(s));
    save_state();
  }
  m_state["searches_done"] = searches;
  m_state["ids"] = std::move(ids);
  m_state["batch_size"] = m_o.batch_size;
  m_state["searched"] = true;
  save_state();
}

// Fetches one batch until its body parses; keeps it; returns the PMIDs it
// holds and notes them in `batch`.
std::set<std::string> FetchRun::pubmed_batch(PubmedClient& client, const std::vector<std::string>& want,
                                             const std::string& name, json& batch) {
  std::string problem;
  for (int attempt = 1; attempt <= k_unreadable_attempts; ++attempt) {
    const std::string body = client.efetch(want);
    std::set<std::string> got;
    json bad = json::array();
    std::uint64_t records = 0;
    try {
      auto reader = PubmedXmlReader::from_memory(body, name);
      ReadItem item;
      for (;;) {
        try {
          if (!reader.next(item)) {
            break;
          }
        } catch (const RecordError& e) {
          bad.push_back({{"line", e.line()}, {"problem", e.problem()}});
          continue;
        }
        if (item.kind == ReadItem::Kind::record) {
          ++records;
          got.insert(item.record.ids.pmid);
        }
      }
    } catch (const DataError& e) {
      problem = e.problem();
      progress("EFetch answer unreadable (" + problem + "); asking again");
      continue;
    }
    keep(name, body, "records", "pubmed-xml");
    batch["file"] = name;
    batch["records"] = records;
    batch["received"] = got;
    batch["unreadable"] = bad;
    batch["done"] = true;
    return got;
  }
  throw NetworkError("PubMed EFetch: the answer for " + std::to_string(want.size()) +
                     " PMIDs could not be read after " + std::to_string(k_unreadable_attempts) +
                     " attempts: " + problem + " (run the same command again to resume)");
}

void FetchRun::run_pubmed(const std::optional<std::string>& since, FetchReport& report) {
  PubmedClient client(m_http, m_o.pubmed);
  if (!m_state.value("searched", false)) {
    pubmed_search(client, since);
  }
  const std::vector<std::string> ids = m_state["ids"].get<std::vector<std::string>>();
  const std::size_t size = m_state["batch_size"].get<std::size_t>();
  if (!m_state.contains("batches")) {
    json batches = json::array();
    for (std::size_t first = 0; first < ids.size(); first += size) {
      batches.push_back({{"first", first}, {"count", std::min(size, ids.size() - first)}, {"done", false}});
    }
    m_state["batches"] = std::move(batches);
    save_state();
  }
  json& batches = m_state["batches"];
  std::set<std::string> received;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    json& b = batches[i];
    if (b.value("done", false)) {
      for (const auto& id : b["received"]) {
        received.insert(id.get<std::string>());
      }
      continue;
    }
    const std::size_t first = b["first"].get<std::size_t>();
    const std::vector<std::string> want(ids.begin() + first, ids.begin() + first + b["count"].get<std::size_t>());
    const std::string name = numbered("efetch", i + 1, 4, ".xml");
    progress("PubMed: EFetch batch " + std::to_string(i + 1) + " of " + std::to_string(batches.size()) +
             " (" + std::to_string(want.size()) + " PMIDs)");
    const auto got = pubmed_batch(client, want, name, b);
    received.insert(got.begin(), got.end());
    save_state();
  }

  // Whatever did not come back is asked for once more, on its own.
  std::vector<std::string> missing;
  for (const auto& id : ids) {
    if (!received.count(id)) {
      missing.push_back(id);
    }
  }
  if (!missing.empty() && !m_state.value("retried", false)) {
    json& retries = m_state["retry_batches"] = json::array();
    for (std::size_t first = 0; first < missing.size(); first += size) {
      const std::vector<std::string> want(missing.begin() + first,
                                          missing.begin() + std::min(missing.size(), first + size));
      const std::string name = numbered("efetch-retry", first / size + 1, 2, ".xml");
      progress("PubMed: asking again for " + std::to_string(want.size()) + " PMIDs that did not arrive");
      json b = {{"count", want.size()}};
      const auto got = pubmed_batch(client, want, name, b);
      received.insert(got.begin(), got.end());
      retries.push_back(std::move(b));
    }
    m_state["retried"] = true;
    save_state();
  }

  report.ids = ids.size();
  for (const auto& s : m_state["searches_done"]) {
    report.reported += s["count"].get<std::uint64_t>();
    report.slices += s["slices"].size();
    report.slice_total += s["slice_total"].get<std::uint64_t>();
  }
  if (since) {
    report.reported = ids.size(); // the two searches overlap; count PMIDs once
  }
  for (const auto& id : ids) {
    if (!received.count(id)) {
      report.missing.push_back({id, "EFetch did not return it, twice (PubMed may have deleted or merged it)"});
    }
  }
  report.translation = m_state.value("translation", "");
  report.phrases_not_found = m_state.value("phrases_not_found", std::vector<std::string>{});
  report.fields_not_found = m_state.value("fields_not_found", std::vector<std::string>{});
  report.warnings = m_state.value("warnings", std::vector<std::string>{});
}

void FetchRun::run_europepmc(FetchReport& report) {
  EuropePmcClient client(m_http, m_o.europepmc);
  json& pages = m_state["pages"];
  if (pages.is_null()) {
    pages = json::array();
  }
  while (!m_state.value("paged", false)) {
    const std::string cursor = pages.empty() ? "*" : pages.back()["next"].get<std::string>();
    const EuropePmcPage page = client.search(m_o.query, cursor);
    const std::string name = numbered("europepmc", pages.size() + 1, 4, ".json");
    keep(name, page.body, "records", "europepmc-json");
    if (pages.empty()) {
      m_state["reported"] = page.hit_count;
    }
    pages.push_back({{"file", name}, {"cursor", cursor}, {"next", page.next_cursor}, {"results", page.results}});
    const std::uint64_t reported = m_state["reported"].get<std::uint64_t>();
    const std::uint64_t size = std::max(1, m_o.europepmc.page_size);
    if (page.results == 0 || page.next_cursor.empty() || page.next_cursor == cursor) {
      m_state["paged"] = true;
    } else if (pages.size() > reported / size + 2) {
      throw DataError("Europe PMC search", 0,
                      "the service kept paging past the " + std::to_string(reported) + " hits it reported");
    }
    progress("Europe PMC: page " + std::to_string(pages.size()) + " (" + std::to_string(page.results) +
             " records of " + std::to_string(reported) + ")");
    save_state();
  }
  report.reported = m_state.value("reported", std::uint64_t{0});
}

void FetchRun::run_ctgov(FetchReport& report) {
  CtgovClient client(m_http, m_o.ctgov);
  json& pages = m_state["pages"];
  if (pages.is_null()) {
    pages = json::array();
  }
  while (!m_state.value("paged", false)) {
    const std::string token = pages.empty() ? "" : pages.back()["next"].get<std::string>();
    const CtgovPage page = client.studies(m_o.ctgov_query, token);
    const std::string name = numbered("ctgov", pages.size() + 1, 4, ".json");
    keep(name, page.body, "records", "ctgov-json");
    if (pages.empty()) {
      m_state["reported"] = page.total_count.value_or(page.studies);
    }
    pages.push_back({{"file", name}, {"token", token}, {"next", page.next_page_token}, {"results", page.studies}});
    const std::uint64_t reported = m_state["reported"].get<std::uint64_t>();
    const std::uint64_t size = std::max(1, m_o.ctgov.page_size);
    if (page.studies == 0 || page.next_page_token.empty() || page.next_page_token == token) {
      m_state["paged"] = true;
    } else if (pages.size() > reported / size + 2) {
      throw DataError("ClinicalTrials.gov studies", 0,
                      "the service kept paging past the " + std::to_string(reported) + " studies it reported");
    }
    progress("ClinicalTrials.gov: page " + std::to_string(pages.size()) + " (" +
             std::to_string(page.studies) + " studies of " + std::to_string(reported) + ")");
    save_state();
  }
  report.reported = m_state.value("reported", std::uint64_t{0});
}

// The latest landed fetch of the same service and query: its run id and the
// day it searched.
std::optional<std::pair<std::string, std::string>> previous_fetch(const std::string& sources,
                                                                   const FetchOptions& o) {
  const std::string identity = fetch_identity(o);
  std::optional<std::pair<std::string, std::string>> found;
  for (const auto& run : list_runs(sources)) {
    const json m = read_manifest((fs::path(sources) / run).string());
    if (m.value("kind", "") != "fetch" || !m.contains("search")) {
      continue;
    }
    const json& s = m["search"];
    FetchOptions same;
    same.service = service_from_name(s.value("service", "")).value_or(Service::pubmed);
    same.query = s.value("query", "");
    for (const auto& pair : s.value("parameters", json::array())) {
      same.ctgov_query.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
    if (s.value("service", "") == service_name(o.service) && fetch_identity(same) == identity) {
      found = std::make_pair(run, s.value("day", ""));
    }
  }
  return found;
}

} // namespace

FetchReport Review::fetch(const FetchOptions& o, HttpClient& http) {
  FetchReport report;
  if (o.service == Service::ctgov ? o.ctgov_query.empty() : o.query.empty()) {
    throw UsageError("fetch: no query given");
  }
  if (o.batch_size < 1 || o.batch_size > 10000) {
    throw UsageError("fetch: the batch size must be between 1 and 10000");
  }
  const std::string now = o.now.empty() ? now_utc_rfc3339() : o.now;
  const std::string day = pubmed_day(now);

  std::optional<std::string> since;
  if (o.update) {
    const auto previous = previous_fetch(sources_path(), o);
    if (!previous) {
      throw UsageError(std::string("fetch --update: no earlier fetch of this query from ") +
                       database_label(o.service) + " in this review; run it once without --update");
    }
    report.update_run = previous->first;
    report.update_since = previous->second;
    since = previous->second;
  }

  Sha256 h;
  h.update(fetch_identity(o) + (o.update ? "\nupdate" : ""));
  const fs::path staging = fs::path(sources_path()) / (k_fetch_prefix + h.hex_digest().substr(0, 16));
  try {
    fs::create_directories(staging);
  } catch (const fs::filesystem_error& e) {
    throw IoError(staging.string() + ": " + e.code().message());
  }
  StagingLock lock(staging);
  if (o.restart) {
    for (const auto& e : fs::directory_iterator(staging)) {
      if (e.path().filename() != k_lock) {
        remove_quietly(e.path());
      }
    }
  }

  http.reset_stats();
  const auto started = std::chrono::steady_clock::now();
  FetchRun run(o, http, staging, pubmed_next_day(day));
  run.load_or_start(now, report);
  // With --update, a resumed fetch keeps the day it started from.
  if (since) {
    if (run.state().contains("since")) {
      since = run.state()["since"].get<std::string>();
      report.update_since = *since;
    } else {
      run.state()["since"] = *since;
    }
  }
  try {
    switch (o.service) {
    case Service::pubmed: run.run_pubmed(since, report); break;
    case Service::europepmc: run.run_europepmc(report); break;
    case Service::ctgov: run.run_ctgov(report); break;
    }
  } catch (const DataError&) {
    // The service refused the query: nothing to resume.
    remove_quietly(staging);
    throw;
  } catch (...) {
    try {
      run.save_state();
    } catch (...) {
    }
    throw;
  }
  report.http = run.total_stats();
  const auto fetched = std::chrono::steady_clock::now();
  report.seconds_fetching = std::chrono::duration<double>(fetched - started).count();

  // Land the run: index the records, write the manifest, move the folder.
  json& st = run.state();
  std::optional<Index> index;
  std::uint64_t records = 0;
  for (const auto& f : st["files"]) {
    if (f["role"] == "records") {
      ++records; // any records file means an index is needed
    }
  }
  if (records > 0 || fs::exists(fs::path(index_path()) / "iamglass")) {
    index.emplace(index_path(), Index::Mode::write);
  }
  const std::string landed = now_utc_rfc3339();
  const std::string run_id = make_run_id(sources_path(), o.now.empty() ? landed : o.now, "fetch");
  const fs::path run_dir = fs::path(sources_path()) / run_id;

  json files = json::array();
  std::set<std::string> unreadable_files;
  for (const auto& key : {"batches", "retry_batches"}) {
    for (const auto& b : st.value(key, json::array())) {
      if (!b.value("unreadable", json::array()).empty()) {
        unreadable_files.insert(b["file"].get<std::string>());
        for (const auto& u : b["unreadable"]) {
          report.missing.push_back({b["file"].get<std::string>() + ":" + std::to_string(u["line"].get<std::uint64_t>()),
                                    "unreadable record: " + u["problem"].get<std::string>()});
        }
      }
    }
  }
  auto classify = [&](const Record& r, bool replaces) {
    ++report.received;
    const auto existing = index->get(r.key);
    if (!replaces) {
      ++report.kept;
    } else if (!existing) {
      ++report.added;
      report.added_keys.push_back(r.key);
    } else if (strip_provenance(*existing) != strip_provenance(r)) {
      ++report.revised;
      report.revised_keys.push_back(r.key);
    } else {
      ++report.unchanged;
    }
  };
  if (index) {
    index->set_metadata(k_meta_pending, run_id);
  }
  for (const auto& f : st["files"]) {
    const std::string name = f["name"].get<std::string>();
    const std::string path = (staging / name).string();
    json entry = {{"name", name},
                  {"role", f["role"]},
                  {"sha256", sha256_file(path)},
                  {"bytes", fs::file_size(path)}};
    if (f["role"] == "records") {
      const std::string format_text = f["format"].get<std::string>();
      const auto format = format_from_name(format_text);
      if (!format) {
        throw Error("fetch: this litrev cannot read " + format_text + " files");
      }
      const bool skip_bad = unreadable_files.count(name) > 0 || o.service != Service::pubmed;
      const std::uint64_t before = report.received;
      ImportReport scratch;
      apply_file(*index, run_id, staging.string(), name, *format, ReaderOptions{}, skip_bad, &scratch, {},
                 classify);
      entry["format"] = format_text;
      entry["records"] = report.received - before;
      entry["skip_bad"] = skip_bad;
      report.skipped += scratch.skipped;
    }
    files.push_back(std::move(entry));
  }
  report.requests_saved = files.size();

  json search = {{"service", service_name(o.service)},
                 {"database", database_label(o.service)},
                 {"query", o.query},
                 {"day", day},
                 {"started", st.value("started", now)}};
  const std::string base_url = o.service == Service::pubmed      ? o.pubmed.base_url
                               : o.service == Service::europepmc ? o.europepmc.base_url
                                                                 : o.ctgov.base_url;
  search["base_url"] = redact_url(base_url);
  if (!o.ctgov_query.empty()) {
    search["parameters"] = form_to_json(o.ctgov_query);
  }
  if (o.service == Service::pubmed) {
    search["translation"] = report.translation;
    search["phrases_not_found"] = report.phrases_not_found;
    search["fields_not_found"] = report.fields_not_found;
    search["warnings"] = report.warnings;
    search["searches"] = st["searches_done"];
    search["batch_size"] = st["batch_size"];
  }
  if (since) {
    search["update"] = {{"since_day", *since}, {"since_run", report.update_run}};
  }
  json missing = json::array();
  for (const auto& m : report.missing) {
    missing.push_back({{"id", m.id}, {"reason", m.reason}});
  }
  json manifest = {
      {"manifest_version", k_manifest_version},
      {"run", run_id},
      {"kind", "fetch"},
      {"created", o.now.empty() ? landed : o.now},
      {"command", o.command},
      {"litrev_version", version()},
      {"database", database_label(o.service)},
      {"search", search},
      {"counts",
       {{"reported", report.reported},
        {"ids", report.ids},
        {"received", report.received},
        {"missing", report.missing.size()},
        {"added", report.added},
        {"revised", report.revised},
        {"unchanged", report.unchanged},
        {"kept", report.kept},
        {"skipped", report.skipped}}},
      {"missing", missing},
      {"requests", stats_to_json(report.http)},
      {"resumed", report.resumed},
      {"files", files},
  };
  if (o.service == Service::pubmed) {
    manifest["counts"]["slices"] = report.slices;
    manifest["counts"]["slice_total"] = report.slice_total;
  }
  write_file_atomic((staging / k_manifest).string(), manifest.dump(2) + "\n");
  fs::remove(staging / k_state);
  sync_directory(staging.string());
  std::error_code ec;
  fs::rename(staging, run_dir, ec);
  if (ec) {
    throw IoError(staging.string() + ": cannot move to " + run_dir.string() + ": " + ec.message());
  }
  fs::remove(run_dir / k_lock, ec);
  sync_directory(sources_path());
  if (index) {
    index->set_metadata(k_meta_pending, "");
    index->commit();
  }
  report.run = run_id;
  report.seconds_landing = std::chrono::duration<double>(std::chrono::steady_clock::now() - fetched).count();
  return report;
}

} // namespace litrev
