// Review::fetch end to end over real HTTP (libcurl) against the replay server:
// PubMed (a synthetic PubMed for sizes no recording has, recorded responses
// for Europe PMC and ClinicalTrials.gov), every fault, the >9,999 split,
// accounting for every PMID, resuming, --update, bad queries and unreachable
// services.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/http.hpp>
#include <litrev/review.hpp>

#include "replay_server.hpp"
#include "testutil.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using litrev::FetchOptions;
using litrev::FetchReport;
using litrev::Review;
using litrev::Service;
using litrev::test::Fault;
using litrev::test::ReplayServer;
using litrev::test::SyntheticPubmed;
using litrev::test::TempDir;

constexpr const char* k_secret_key = "feedfacecafe5ec7e7a91c0ffee0123456789";
constexpr const char* k_secret_mail = "someone.private@example.org";

std::string fixtures_dir() { return std::string(LITREV_SHARED_DIR) + "/fixtures"; }

// A client as the CLI builds one, with short timeouts and retry delays.
struct Client {
  explicit Client(int attempts = 6, double rate = 0) : transport(options()), limiter(clock, litrev::RateLimit{rate, 1, 0}) {
    policy.max_attempts = attempts;
    policy.base_delay = litrev::Seconds(0.02);
    policy.max_delay = litrev::Seconds(0.2);
    policy.max_retry_after = litrev::Seconds(1);
    http.emplace(transport, clock, limiter, policy);
  }
  static litrev::TransportOptions options() {
    litrev::TransportOptions o;
    o.connect_timeout = litrev::Seconds(2);
    o.total_timeout = litrev::Seconds(4);
    o.low_speed_time = litrev::Seconds(2);
    o.no_proxy = "127.0.0.1,localhost";
    return o;
  }
  litrev::SystemClock clock;
  litrev::CurlTransport transport;
  litrev::RateLimiter limiter;
  litrev::RetryPolicy policy;
  std::optional<litrev::HttpClient> http;
};

FetchOptions pubmed_options(const ReplayServer& server, const std::string& query) {
  FetchOptions o;
  o.service = Service::pubmed;
  o.query = query;
  o.pubmed.base_url = server.eutils_url();
  o.pubmed.api_key = k_secret_key;
  o.pubmed.email = k_secret_mail;
  o.command = "litrev fetch pubmed '" + query + "'";
  return o;
}

struct ReviewDir {
  TempDir tmp;
  std::string dir = tmp / "review";
  ReviewDir() { Review::init(dir, "fetch test"); }
  Review review() const { return Review(dir); }
  json manifest(const std::string& run) const {
    return json::parse(litrev::test::read_text(dir + "/sources/" + run + "/manifest.json"));
  }
  // Every entry under sources/, recursively, as relative paths.
  std::set<std::string> tree() const {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir + "/sources")) {
      out.insert(fs::relative(e.path(), dir + "/sources").string());
    }
    return out;
  }
  // Whether `needle` occurs in any file under the review.
  bool contains_text(const std::string& needle) const {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file() && litrev::test::read_text(e.path().string()).find(needle) != std::string::npos) {
        return true;
      }
    }
    return false;
  }
};

std::set<std::string> synthetic_keys(std::size_t first, std::size_t count) {
  std::set<std::string> keys;
  for (std::size_t i = first; i < first + count; ++i) {
    keys.insert("pmid:" + std::to_string(90000001 + i));
  }
  return keys;
}

std::set<std::string> index_keys(const Review& review) {
  const auto keys = review.open_index().keys();
  return {keys.begin(), keys.end()};
}

std::size_t efetch_requests(const ReplayServer& server) {
  std::size_t n = 0;
  for (const auto& r : server.requests()) {
    n += r.path.find("efetch.fcgi") != std::string::npos;
  }
  return n;
}

} // namespace

TEST_CASE("fetch pubmed: every record lands once, with a manifest that tells what happened", "[servers][fetch]") {
  ReplayServer server;
  SyntheticPubmed pubmed;
  pubmed.count = 1234;
  server.add_synthetic_pubmed(fixtures_dir(), pubmed);
  ReviewDir rd;
  Client client;
  FetchOptions o = pubmed_options(server, "ketamine[tiab]");
  o.batch_size = 500;
  const FetchReport r = rd.review().fetch(o, *client.http);

  CHECK(r.reported == 1234);
  CHECK(r.ids == 1234);
  CHECK(r.slices == 1);
  CHECK(r.received == 1234);
  CHECK(r.added == 1234);
  CHECK(r.missing.empty());
  CHECK(r.translation == "ketamine[tiab]");
  CHECK(efetch_requests(server) == 3);
  CHECK(index_keys(rd.review()) == synthetic_keys(0, 1234));

  const json m = rd.manifest(r.run);
  CHECK(m["kind"] == "fetch");
  CHECK(m["database"] == "PubMed");
  CHECK(m["search"]["query"] == "ketamine[tiab]");
  CHECK(m["search"]["translation"] == "ketamine[tiab]");
  CHECK(m["counts"]["reported"] == 1234);
  CHECK(m["counts"]["received"] == 1234);
  CHECK(m["counts"]["missing"] == 0);
  CHECK(m["requests"]["requests"] == 4); // one ESearch, three EFetch
  CHECK(m["litrev_version"] == litrev::version());
  CHECK(m["files"].size() == 4);
  // The responses are kept byte for byte: each one's hash is the hash of what
  // the server sent (the server's own record of the body size agrees).
  std::uint64_t stored = 0;
  for (const auto& f : m["files"]) {
    stored += f["bytes"].get<std::uint64_t>();
    CHECK(fs::file_size(rd.dir + "/sources/" + r.run + "/" + f["name"].get<std::string>()) == f["bytes"]);
  }
  std::uint64_t served = 0;
  for (const auto& req : server.requests()) {
    served += req.body_bytes;
  }
  CHECK(stored == served);
  // Neither the key nor the address is written anywhere.
  CHECK_FALSE(rd.contains_text(k_secret_key));
  CHECK_FALSE(rd.contains_text(k_secret_mail));
  // ...but both were sent.
  CHECK(server.requests().front().param("api_key") == k_secret_key);
  CHECK(server.requests().front().param("email") == k_secret_mail);
  // Nothing is left in the staging area, and a rebuild gives the same index.
  for (const auto& p : rd.tree()) {
    CHECK(p.rfind(".fetch-", 0) != 0);
  }
  rd.review().rebuild();
  CHECK(index_keys(rd.review()) == synthetic_keys(0, 1234));
}

TEST_CASE("fetch pubmed: more than 9,999 hits are split by date and every record arrives", "[servers][fetch]") {
  ReplayServer server;
  SyntheticPubmed pubmed;
  pubmed.count = 10600;
  server.add_synthetic_pubmed(fixtures_dir(), pubmed);
  ReviewDir rd;
  Client client;
  FetchOptions o = pubmed_options(server, "alcohol*[tiab]");
  o.batch_size = 2000;
  const FetchReport r = rd.review().fetch(o, *client.http);
  CHECK(r.reported == 10600);
  CHECK(r.slices >= 2);
  CHECK(r.slice_total == 10600);
  CHECK(r.ids == 10600);
  CHECK(r.received == 10600);
  CHECK(r.missing.empty());
  CHECK(index_keys(rd.review()) == synthetic_keys(0, 10600));
  // Every ESearch stayed within what ESearch can list.
  for (const auto& req : server.requests()) {
    if (req.path.find("esearch") != std::string::npos) {
      CHECK(std::stoul(req.param("retmax")) <= 9999);
    }
  }
  const json m = rd.manifest(r.run);
  CHECK(m["counts"]["slice_total"] == 10600);
  CHECK(m["search"]["searches"][0]["slices"].size() == r.slices);
}

TEST_CASE("fetch pubmed: each kind of fault is retried and nothing is lost or doubled", "[servers][fetch]") {
  const Fault fault = GENERATE(Fault::too_many_requests, Fault::too_many_requests_bare, Fault::internal_error,
                               Fault::bad_gateway, Fault::unavailable, Fault::truncated, Fault::error_in_200,
                               Fault::invalid_json, Fault::empty_200, Fault::stall_mid_body);
  INFO(litrev::test::to_string(fault));
  litrev::test::ServerOptions so;
  so.stall = std::chrono::seconds(10);
  so.retry_after = "0";
  ReplayServer server(so);
  SyntheticPubmed pubmed;
  pubmed.count = 300;
  server.add_synthetic_pubmed(fixtures_dir(), pubmed);
  // The first ESearch and the second EFetch misbehave, twice each.
  server.fault_on(1, fault);
  server.fault_on(2, fault);
  server.fault_on(4, fault);
  server.fault_on(5, fault);
  ReviewDir rd;
  Client client;
  FetchOptions o = pubmed_options(server, "ketamine");
  o.batch_size = 100;
  const FetchReport r = rd.review().fetch(o, *client.http);
  CHECK(r.received == 300);
  CHECK(r.added == 300);
  CHECK(r.missing.empty());
  CHECK(r.http.retries == 4);
  CHECK(index_keys(rd.review()) == synthetic_keys(0, 300));
  // Only good answers were kept.
  const json m = rd.manifest(r.run);
  CHECK(m["files"].size() == 4);
  CHECK(m["requests"]["retries"] == 4);
}

TEST_CASE("fetch pubmed: PMIDs EFetch does not return are asked again, then listed with the reason", "[servers][fetch]") {
  ReplayServer server;
  SyntheticPubmed pubmed;
  pubmed.count = 40;
  pubmed.withheld = 3;
  server.add_synthetic_pubmed(fixtures_dir(), pubmed);
  ReviewDir rd;
  Client client;
  FetchOptions o = pubmed_options(server, "ketamine");
  o.batch_size = 25;
  const FetchReport r = rd.review().fetch(o, *client.http);
  CHECK(r.ids == 40);
  CHECK(r.received == 37);
  REQUIRE(r.missing.size() == 3);
  std::set<std::string> missing;
  for (const auto& m : r.missing) {
    missing.insert(m.id);
    CHECK(m.reason.find("EFetch did not return it") != std::string::npos);
  }
  CHECK(missing == std::set<std::string>{"90000038", "90000039", "90000040"});
  CHECK(efetch_requests(server) == 3); // two batches and one retry of the three
  const json m = rd.manifest(r.run);
  CHECK(m["counts"]["missing"] == 3);
  CHECK(m["missing"].size() == 3);
}

TEST_CASE("fetch pubmed: an interrupted fetch resumes without fetching completed batches again", "[servers][fetch]") {
  ReplayServer server;
  SyntheticPubmed pubmed;
  pubmed.count = 500;
  server.add_synthetic_pubmed(fixtures_dir(), pubmed);
  ReviewDir rd;
  FetchOptions o = pubmed_options(server, "ketamine");
  o.batch_size = 100;
  // ESearch and two batches succeed; then the service goes away.
  server.fault_on(4, Fault::unavailable);
  server.fault_on(5, Fault::unavailable);
  {
    Client client(2);
    CHECK_THROWS_AS(rd.review().fetch(o, *client.http), litrev::NetworkError);
  }
  // Nothing landed; the partial fetch waits in its staging folder.
  for (const auto& p : rd.tree()) {
    CHECK(p.rfind(".fetch-", 0) == 0);
  }
  CHECK_THROWS_AS(rd.review().open_index(), litrev::IndexError);
  server.clear_requests();
  Client client;
  const FetchReport r = rd.review().fetch(o, *client.http);
  CHECK(r.resumed);
  CHECK(r.received == 500);
  CHECK(index_keys(rd.review()) == synthetic_keys(0, 500));
  // Only the three missing batches were asked for; no new ESearch.
  const auto requests = server.requests();
  CHECK(requests.size() == 3);
  for (const auto& req : requests) {
    CHECK(req.path.find("efetch.fcgi") != std::string::npos);
  }
  // Requests of both sessions are counted.
  const json m = rd.manifest(r.run);
  CHECK(m["requests"]["requests"] == 8);
  CHECK(m["resumed"] == true);
}

TEST_CASE("fetch pubmed --update: only what was entered or modified since, told apart", "[servers][fetch]") {
  ReviewDir rd;
  std::string first_run;
  {
    ReplayServer server;
    SyntheticPubmed pubmed;
    pubmed.count = 60;
    server.add_synthetic_pubmed(fixtures_dir(), pubmed);
    Client client;
    first_run = rd.review().fetch(pubmed_options(server, "ketamine"), *client.http).run;
  }
  ReplayServer server;
  SyntheticPubmed pubmed;
  pubmed.count = 60;
  pubmed.added = 5;
  pubmed.revised = 2;
  server.add_synthetic_pubmed(fixtures_dir(), pubmed);
  Client client;
  FetchOptions o = pubmed_options(server, "ketamine");
  o.update = true;
  const FetchReport r = rd.review().fetch(o, *client.http);
  CHECK(r.update_run == first_run);
  CHECK(r.added == 5);
  CHECK(r.revised == 2);
  CHECK(r.unchanged == 0);
  CHECK(r.received == 7);
  CHECK(std::set<std::string>(r.added_keys.begin(), r.added_keys.end()) == synthetic_keys(60, 5));
  CHECK(std::set<std::string>(r.revised_keys.begin(), r.revised_keys.end()) == synthetic_keys(0, 2));
  CHECK(index_keys(rd.review()).size() == 65);
  const auto rec = rd.review().open_index().get("pmid:90000001");
  REQUIRE(rec);
  CHECK(rec->title.find("(revised)") != std::string::npos);
  // The searches were limited to the day of the first fetch onwards.
  std::set<std::string> datetypes;
  for (const auto& req : server.requests()) {
    if (req.path.find("esearch") != std::string::npos) {
      datetypes.insert(req.param("datetype"));
      CHECK(req.param("mindate") == r.update_since);
    }
  }
  CHECK(datetypes == std::set<std::string>{"edat", "mdat"});
  // An update of a query never fetched is refused.
  FetchOptions other = pubmed_options(server, "cocaine");
  other.update = true;
  CHECK_THROWS_AS(rd.review().fetch(other, *client.http), litrev::UsageError);
}

TEST_CASE("fetch pubmed: a query PubMed cannot use fails with its own words, and nothing changes", "[servers][fetch]") {
  ReplayServer server;
  SyntheticPubmed pubmed;
  pubmed.count = 10;
  pubmed.phrases_not_found = {"p.E1317Q"};
  server.add_synthetic_pubmed(fixtures_dir(), pubmed);
  ReviewDir rd;
  Client client;
  const auto before = rd.tree();
  try {
    rd.review().fetch(pubmed_options(server, "p.E1317Q"), *client.http);
    FAIL("no exception");
  } catch (const litrev::DataError& e) {
    CHECK(e.exit_code() == 65);
    CHECK(std::string(e.what()).find("phrase not found: p.E1317Q") != std::string::npos);
    CHECK(std::string(e.what()).find("No items found.") != std::string::npos);
  }
  CHECK(rd.tree() == before);

  // A phrase PubMed drops from a query that still finds things: a warning.
  const FetchReport r = rd.review().fetch(pubmed_options(server, "ketamine p.E1317Q"), *client.http);
  CHECK(r.phrases_not_found == std::vector<std::string>{"p.E1317Q"});
  CHECK(r.received == 10);
  CHECK(rd.manifest(r.run)["search"]["phrases_not_found"] == json::array({"p.E1317Q"}));
}

TEST_CASE("fetch: an unreachable service ends in a NetworkError naming the URL without the key", "[servers][fetch]") {
  // A port nothing listens on: bind one, note it, close it.
  int port = 0;
  {
    ReplayServer server;
    port = server.port();
  }
  ReviewDir rd;
  Client client(3);
  FetchOptions o;
  o.query = "ketamine";
  o.pubmed.base_url = "http://127.0.0.1:" + std::to_string(port) + "/entrez/eutils/";
  o.pubmed.api_key = k_secret_key;
  try {
    rd.review().fetch(o, *client.http);
    FAIL("no exception");
  } catch (const litrev::NetworkError& e) {
    const std::string what = e.what();
    CHECK(e.exit_code() == 69);
    CHECK(what.find("127.0.0.1:" + std::to_string(port) + "/entrez/eutils/esearch.fcgi") != std::string::npos);
    CHECK(what.find("after 3 attempts") != std::string::npos);
    CHECK(what.find(k_secret_key) == std::string::npos);
  }
  CHECK_FALSE(rd.contains_text(k_secret_key));
}

TEST_CASE("fetch europepmc: cursorMark pages until the last one", "[servers][fetch]") {
  ReplayServer server;
  const std::string epmc = fixtures_dir() + "/europepmc/";
  const std::string search = "/europepmc/webservices/rest/search";
  // The recorded first and second pages, then the recorded empty answer.
  server.add_route({"GET", search, {{"cursorMark", "AoIIP4lkIig1MzE0NTMwOA=="}}, {},
                    litrev::test::serve_file(epmc + "search_no_results.json")});
  server.add_default_routes(fixtures_dir());
  ReviewDir rd;
  Client client;
  FetchOptions o;
  o.service = Service::europepmc;
  o.query = "cancer";
  o.europepmc.base_url = server.europepmc_url();
  o.europepmc.page_size = 25;
  const FetchReport r = rd.review().fetch(o, *client.http);
  CHECK(r.reported == 5059039);
  CHECK(r.received == 30);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].param("cursorMark") == "*");
  CHECK(requests[0].param("resultType") == "core");
  CHECK(requests[1].param("cursorMark") == "AoIIP4ZawSg1MzEyODI1MA==");
  CHECK(requests[2].param("cursorMark") == "AoIIP4lkIig1MzE0NTMwOA==");
  const json m = rd.manifest(r.run);
  CHECK(m["database"] == "Europe PMC");
  CHECK(m["files"].size() == 3);
}

TEST_CASE("fetch ctgov: pageToken pages, registrations indexed by NCT id", "[servers][fetch]") {
  ReplayServer server;
  // The recorded first and second pages; the second page's token then gets
  // an empty last page (a shape the API uses; no recording of a last page).
  server.add_route({"GET", "/api/v2/studies", {{"pageToken", "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4bmjeauvk_IQ"}}, {},
                    litrev::test::serve_text("{\"studies\":[]}", "application/json")});
  server.add_default_routes(fixtures_dir());
  ReviewDir rd;
  Client client;
  FetchOptions o;
  o.service = Service::ctgov;
  o.ctgov_query = {{"query.cond", "Phelan-McDermid syndrome"}};
  o.query = "query.cond=Phelan-McDermid syndrome";
  o.ctgov.base_url = server.ctgov_url();
  o.ctgov.page_size = 5;
  const FetchReport r = rd.review().fetch(o, *client.http);
  CHECK(r.reported == 21);
  CHECK(r.received == 10);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].param("query.cond") == "Phelan-McDermid syndrome");
  CHECK(requests[0].param("pageToken").empty());
  CHECK(requests[1].param("pageToken") == "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4dnDeTsPkw");
  for (const auto& key : index_keys(rd.review())) {
    CHECK(key.rfind("nct:NCT", 0) == 0);
  }
  CHECK(index_keys(rd.review()).size() == 10);
}
