// litrev's http module (real libcurl) against the replay server on 127.0.0.1:
// recorded answers arrive intact, every fault the server can produce is
// survived or reported as it should be, and the client never trips NCBI's
// rate limit. Retry delays are tiny so that the suite stays fast; the waits
// that remain are the ones a test is about (a Retry-After, a rate limit, a
// timeout).
#include <catch2/catch.hpp>

#include <litrev/error.hpp>
#include <litrev/http.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "replay_server.hpp"
#include "testutil.hpp"

extern char** environ;

using litrev::CurlTransport;
using litrev::HttpClient;
using litrev::HttpRequest;
using litrev::HttpResponse;
using litrev::NetworkError;
using litrev::RateLimit;
using litrev::RateLimiter;
using litrev::RetryPolicy;
using litrev::Seconds;
using litrev::TransportError;
using litrev::TransportOptions;
using litrev::test::Fault;
using litrev::test::fixture;
using litrev::test::read_text;
using litrev::test::ReplayServer;
using litrev::test::ServerOptions;

namespace {

constexpr const char* k_key = "f00dfeedcafe0123456789abcdef01234567";

std::string fixtures_dir() { return std::string(LITREV_SHARED_DIR) + "/fixtures"; }

TransportOptions fast_transport() {
  TransportOptions o;
  o.connect_timeout = Seconds(2);
  o.total_timeout = Seconds(8);
  o.low_speed_time = Seconds(4);
  o.no_proxy = "127.0.0.1,localhost";
  return o;
}

RetryPolicy fast_retry(int attempts = 4) {
  RetryPolicy p;
  p.max_attempts = attempts;
  p.base_delay = Seconds(0.02);
  p.max_delay = Seconds(0.2);
  p.jitter = 0.5;
  p.max_retry_after = Seconds(2);
  return p;
}

// What a PubMed XML fetcher would reject.
std::string xml_check(const HttpResponse& r) {
  if (r.body.empty()) {
    return "empty body";
  }
  if (r.header("content-type").rfind("text/html", 0) == 0) {
    return "HTML instead of XML";
  }
  if (r.body.find("<ERROR>") != std::string::npos) {
    return "<ERROR> in body";
  }
  return "";
}

// What a JSON fetcher would reject.
std::string json_check(const HttpResponse& r) {
  if (r.body.empty()) {
    return "empty body";
  }
  if (!nlohmann::json::accept(r.body)) {
    return "invalid JSON";
  }
  auto j = nlohmann::json::parse(r.body);
  if (j.contains("esearchresult") && j["esearchresult"].contains("ERROR")) {
    return "ERROR in JSON";
  }
  if (j.contains("version") && !j.contains("resultList")) {
    return "no resultList";
  }
  if (j.empty()) {
    return "empty JSON";
  }
  return "";
}

// Server first, so that it is destroyed last (after the transport has closed
// its kept-alive connections).
struct Loopback {
  ReplayServer server;
  litrev::SystemClock clock;
  CurlTransport transport;
  RateLimiter limiter;
  HttpClient client;

  explicit Loopback(ServerOptions so = {}, TransportOptions to = fast_transport(), RetryPolicy rp = fast_retry(),
                    bool default_routes = true)
    : server(so), transport(to), limiter(clock, RateLimit{0, 1, 0}), client(transport, clock, limiter, rp) {
    if (default_routes) {
      server.add_default_routes(fixtures_dir());
    }
  }
  std::string url(const std::string& path_and_query) const { return server.base_url() + path_and_query; }
  HttpResponse get(const std::string& path_and_query, const HttpClient::BodyCheck& check = {}) {
    HttpRequest r;
    r.url = url(path_and_query);
    return client.fetch(r, check);
  }
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

} // namespace

TEST_CASE("recorded responses arrive byte for byte and XML is gzip-compressed on the wire", "[servers]") {
  Loopback lb;
  HttpResponse r = lb.get("/entrez/eutils/efetch.fcgi?db=pubmed&id=38011560&retmode=xml", xml_check);
  CHECK(r.status == 200);
  CHECK(r.body == read_text(fixture("pubmed/efetch_metapub_38011560.xml")));
  CHECK(r.header("content-encoding") == "gzip");
  CHECK(std::stoul(r.header("content-length")) < r.body.size() / 3);
  CHECK(r.effective_url == lb.url("/entrez/eutils/efetch.fcgi?db=pubmed&id=38011560&retmode=xml"));
  CHECK(r.elapsed_seconds > 0);

  auto requests = lb.server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].version == "HTTP/1.1");
  CHECK(requests[0].headers.at("accept-encoding") == "gzip, deflate");
  CHECK(requests[0].headers.at("user-agent") == litrev::default_user_agent());

  CHECK(lb.get("/europepmc/webservices/rest/search?query=cancer&format=json&resultType=core&cursorMark=*", json_check)
            .body == read_text(fixture("europepmc/search_cancer_core.json")));
  CHECK(lb.get("/api/v2/studies/NCT02576665", json_check).body ==
        read_text(fixture("ctgov/get_nct02576665_20260811.json")));
  CHECK(lb.get("/api/v2/studies?query.cond=Phelan-McDermid+Syndrome&countTotal=true&pageSize=5", json_check).body ==
        read_text(fixture("ctgov/search_phelan_limit5_20260811.json")));
  CHECK(lb.get("/api/v2/studies?query.cond=Phelan-McDermid+Syndrome&pageSize=5&pageToken="
               "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4dnDeTsPkw",
               json_check)
            .body == read_text(fixture("ctgov/search_phelan_next_20260811.json")));
}

TEST_CASE("POST form bodies of 10000 PMIDs arrive intact and secrets stay out of the log", "[servers]") {
  Loopback lb;
  std::string ids = "38011560,35573891";
  for (int i = 0; i < 9998; ++i) {
    ids += "," + std::to_string(40000000 + i);
  }
  HttpRequest request;
  request.method = HttpRequest::Method::post;
  request.url = lb.url("/entrez/eutils/efetch.fcgi");
  request.form = {{"db", "pubmed"},
                  {"id", ids},
                  {"retmode", "xml"},
                  {"term", "ketamine AND \"alcohol use disorder\"[MeSH] & #1 + 50%"},
                  {"tool", "litrev"},
                  {"email", "someone@example.org"},
                  {"api_key", k_key}};
  std::vector<std::string> log;
  std::mutex log_mutex;
  lb.server.set_log([&](const std::string& line) {
    std::lock_guard lock(log_mutex);
    log.push_back(line);
  });
  HttpResponse r = lb.client.fetch(request, xml_check);

  auto requests = lb.server.requests();
  REQUIRE(requests.size() == 1);
  const auto& got = requests[0];
  CHECK(got.method == "POST");
  CHECK(got.headers.at("content-type") == "application/x-www-form-urlencoded");
  CHECK(got.headers.count("expect") == 0);
  CHECK(got.body == litrev::form_encode(request.form));
  CHECK(got.body.size() > 100000);
  for (const auto& [name, value] : request.form) {
    INFO(name);
    CHECK(got.param(name) == value);
  }
  // The two known PMIDs, in the order asked; the unknown ones left out.
  auto first = r.body.find("<PMID Version=\"1\">38011560</PMID>");
  auto second = r.body.find("<PMID Version=\"1\">35573891</PMID>");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(first < second);

  std::lock_guard lock(log_mutex);
  REQUIRE(log.size() == 1);
  CHECK(log[0].find(k_key) == std::string::npos);
  CHECK(log[0].find("someone@example.org") == std::string::npos);
  CHECK(log[0].find("someone%40example.org") == std::string::npos);
  CHECK(log[0].find("api_key=REDACTED") != std::string::npos);
}

TEST_CASE("every fault kind is survived and counted under its reason", "[servers]") {
  static const struct {
    Fault fault;
    const char* path;
    const char* fixture;
    const char* reason;
  } cases[] = {
      {Fault::too_many_requests_bare, "/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841", "pubmed/efetch_metapub_31789841.xml", "http 429"},
      {Fault::internal_error, "/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841", "pubmed/efetch_metapub_31789841.xml", "http 500"},
      {Fault::bad_gateway, "/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841", "pubmed/efetch_metapub_31789841.xml", "http 502"},
      {Fault::unavailable, "/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841", "pubmed/efetch_metapub_31789841.xml", "http 503"},
      {Fault::truncated, "/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841", "pubmed/efetch_metapub_31789841.xml", "truncated"},
      {Fault::error_in_200, "/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841", "pubmed/efetch_metapub_31789841.xml",
       "check: <ERROR> in body"},
      {Fault::empty_200, "/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841", "pubmed/efetch_metapub_31789841.xml",
       "check: empty body"},
      {Fault::invalid_json, "/entrez/eutils/esearch.fcgi?db=pubmed&term=PTEN&retmode=json",
       "pubmed/esearch_json_biomcp_pten_d326n.json", "check: invalid JSON"},
      {Fault::error_in_200, "/entrez/eutils/esearch.fcgi?db=pubmed&term=PTEN&retmode=json",
       "pubmed/esearch_json_biomcp_pten_d326n.json", "check: ERROR in JSON"},
      {Fault::error_in_200, "/europepmc/webservices/rest/search?query=cancer&format=json",
       "europepmc/search_cancer.json", "check: no resultList"},
      {Fault::truncated, "/api/v2/studies/NCT06604689", "ctgov/get_nct06604689_20260811.json", "truncated"},
  };
  for (const auto& c : cases) {
    INFO(litrev::test::to_string(c.fault) << " on " << c.path);
    Loopback lb;
    lb.server.fault_next(2, c.fault);
    bool json = std::string(c.fixture).find(".json") != std::string::npos;
    HttpResponse r = lb.get(c.path, json ? HttpClient::BodyCheck(json_check) : HttpClient::BodyCheck(xml_check));
    CHECK(r.body == read_text(fixture(c.fixture)));
    auto stats = lb.client.stats();
    CHECK(stats.requests == 3);
    CHECK(stats.retries == 2);
    CHECK(stats.retry_reasons.size() == 1);
    CHECK(stats.retry_reasons[c.reason] == 2);
    auto requests = lb.server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].fault == c.fault);
    CHECK(requests[1].fault == c.fault);
    CHECK(requests[2].fault == Fault::none);
  }
}

TEST_CASE("the fault bodies are the services' shapes", "[servers]") {
  Loopback lb({}, fast_transport(), fast_retry(1));
  auto once = [&](Fault f, const std::string& path) {
    lb.server.fault_next(1, f);
    HttpRequest r;
    r.url = lb.url(path);
    return lb.transport.perform(r);
  };
  HttpResponse html = once(Fault::unavailable, "/entrez/eutils/efetch.fcgi?db=pubmed&id=1");
  CHECK(html.status == 503);
  CHECK(html.header("content-type").rfind("text/html", 0) == 0);
  CHECK(html.body.find("<title>503 Service Unavailable</title>") != std::string::npos);
  CHECK(once(Fault::internal_error, "/entrez/eutils/efetch.fcgi").body.find("WWW Error 500 Diagnostic") !=
        std::string::npos);

  HttpResponse bad = once(Fault::invalid_json, "/entrez/eutils/esearch.fcgi?db=pubmed&term=x&retmode=json");
  CHECK(bad.status == 200);
  CHECK(bad.body.find("Exception:\n'retstart' cannot be larger than 9998") != std::string::npos);
  CHECK(!nlohmann::json::accept(bad.body));

  HttpResponse error = once(Fault::error_in_200, "/entrez/eutils/efetch.fcgi?db=pubmed&query_key=1&WebEnv=MCID_1");
  CHECK(error.status == 200);
  CHECK(error.body.find("<eFetchResult>") != std::string::npos);
  CHECK(error.body.find("<ERROR>") != std::string::npos);

  HttpResponse empty = once(Fault::empty_200, "/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841");
  CHECK(empty.status == 200);
  CHECK(empty.body.empty());

  HttpResponse limited = once(Fault::too_many_requests, "/entrez/eutils/esummary.fcgi?db=pubmed&id=1");
  CHECK(limited.status == 429);
  CHECK(limited.header("retry-after") == "1");
  auto j = nlohmann::json::parse(limited.body);
  CHECK(j["error"] == "API rate limit exceeded");
  CHECK(j["limit"] == "3");
  CHECK(j.contains("api-key"));
  CHECK(once(Fault::too_many_requests_bare, "/entrez/eutils/esummary.fcgi?db=pubmed&id=1").header("retry-after").empty());
}

TEST_CASE("a 429's Retry-After is honoured over the wire and slows the host's bucket", "[servers]") {
  ServerOptions so;
  so.retry_after = "1";
  Loopback lb(so);
  std::string host = litrev::url_authority(lb.server.base_url());
  lb.limiter.set_limit(host, RateLimit{10, 1, 0.05});
  lb.server.fault_next(1, Fault::too_many_requests);
  HttpResponse r = lb.get("/entrez/eutils/esummary.fcgi?db=pubmed&id=1", xml_check);
  CHECK(r.body == read_text(fixture("pubmed/eutils_biopython_esummary1.xml")));
  auto requests = lb.server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].time - requests[0].time >= 0.95);
  CHECK(lb.client.stats().responses_429 == 1);
  CHECK(lb.limiter.current_rate(host) == 5);
}

TEST_CASE("a stall is cut by the total timeout, a mid-body stall by the low-speed limit", "[servers]") {
  ServerOptions so;
  so.stall = std::chrono::milliseconds(8000);
  SECTION("no answer at all") {
    TransportOptions to = fast_transport();
    to.total_timeout = Seconds(1);
    Loopback lb(so, to);
    lb.server.fault_next(1, Fault::stall);
    auto start = std::chrono::steady_clock::now();
    HttpResponse r = lb.get("/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841", xml_check);
    CHECK(seconds_since(start) < 7); // did not sit out the stall
    CHECK(r.body == read_text(fixture("pubmed/efetch_metapub_31789841.xml")));
    CHECK(lb.client.stats().retry_reasons["timeout"] == 1);
  }
  SECTION("half a body, then nothing") {
    TransportOptions to = fast_transport();
    to.total_timeout = Seconds(30);
    // libcurl measures speed over its last five seconds, so 2.4 KB and then
    // silence stays above 1 byte/s for a long while: ask for 1 KB/s.
    to.low_speed_bytes = 1000;
    to.low_speed_time = Seconds(1);
    Loopback lb(so, to);
    lb.server.fault_next(1, Fault::stall_mid_body);
    auto start = std::chrono::steady_clock::now();
    HttpResponse r = lb.get("/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841", xml_check);
    CHECK(seconds_since(start) < 7);
    CHECK(r.body == read_text(fixture("pubmed/efetch_metapub_31789841.xml")));
    CHECK(lb.client.stats().retry_reasons["timeout"] == 1);
  }
}

TEST_CASE("a truncated body is a TransportError and with no retries left a NetworkError", "[servers]") {
  Loopback lb({}, fast_transport(), fast_retry(1));
  lb.server.fault_next(2, Fault::truncated);
  HttpRequest r;
  r.url = lb.url("/entrez/eutils/efetch.fcgi?db=pubmed&id=38011560&api_key=" + std::string(k_key));
  try {
    lb.transport.perform(r);
    FAIL("no exception");
  } catch (const TransportError& e) {
    CHECK(e.kind() == TransportError::Kind::truncated);
    CHECK(e.retryable());
    CHECK(std::string(e.what()).find(k_key) == std::string::npos);
  }
  try {
    lb.client.fetch(r, xml_check);
    FAIL("no exception");
  } catch (const NetworkError& e) {
    std::string what = e.what();
    CHECK(what.find("api_key=REDACTED") != std::string::npos);
    CHECK(what.find("(last: truncated") != std::string::npos);
    CHECK(what.find(k_key) == std::string::npos);
  }
}

TEST_CASE("NCBI's limiter answers 429 like NCBI when a client goes too fast", "[servers]") {
  ServerOptions so;
  so.ncbi_rate_limit = true;
  Loopback lb(so, fast_transport(), fast_retry(1));
  std::vector<HttpResponse> answers;
  HttpRequest r;
  r.url = lb.url("/entrez/eutils/esummary.fcgi?db=pubmed&id=1");
  for (int i = 0; i < 5; ++i) {
    answers.push_back(lb.transport.perform(r)); // no limiter, no retries: as fast as it goes
  }
  // Unless this machine took a whole second over five loopback requests.
  REQUIRE(lb.server.requests().back().time - lb.server.requests().front().time < 1.0);
  CHECK(answers[2].status == 200);
  CHECK(answers[2].header("x-ratelimit-limit") == "3");
  CHECK(answers[3].status == 429);
  CHECK(answers[3].header("retry-after") == "1");
  CHECK(answers[3].header("x-ratelimit-remaining") == "0");
  auto j = nlohmann::json::parse(answers[3].body);
  CHECK(j == nlohmann::json{{"error", "API rate limit exceeded"}, {"api-key", "127.0.0.1"}, {"count", "4"}, {"limit", "3"}});
  CHECK(nlohmann::json::parse(answers[4].body)["count"] == "5");
  CHECK(lb.server.rate_limited() == 2);

  SECTION("a keyed 429 names the key in its body; our error does not") {
    r.url += "&api_key=" + std::string(k_key);
    lb.server.fault_next(1, Fault::too_many_requests);
    HttpClient client(lb.transport, lb.clock, lb.limiter, fast_retry(1));
    try {
      client.fetch(r);
      FAIL("no exception");
    } catch (const NetworkError& e) {
      // The 429 body names the key ("api-key"); the error must not.
      CHECK(std::string(e.what()).find(k_key) == std::string::npos);
      CHECK(std::string(e.what()).find("last: http 429") != std::string::npos);
    }
    CHECK(lb.server.requests().back().status == 429);
  }
}

TEST_CASE("our client at 10/s with a key never trips NCBI's limiter (4 threads, 40 requests)", "[servers]") {
  ServerOptions so;
  so.ncbi_rate_limit = true;
  Loopback lb(so);
  lb.limiter.set_limit(litrev::url_authority(lb.server.base_url()), RateLimit{10, 1, 0.05});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        HttpRequest r;
        r.url = lb.url("/entrez/eutils/esummary.fcgi?db=pubmed&id=1&api_key=" + std::string(k_key));
        if (lb.client.fetch(r, xml_check).status == 200) {
          ++ok;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(ok == 40);
  CHECK(lb.server.requests().size() == 40);
  CHECK(lb.server.rate_limited() == 0);
  CHECK(lb.server.count_status(429) == 0);
  CHECK(lb.client.stats().responses_429 == 0);
  CHECK(lb.server.requests().front().param("api_key") == k_key);
}

TEST_CASE("our client at 3/s without a key never trips NCBI's limiter (20 requests)", "[servers]") {
  ServerOptions so;
  so.ncbi_rate_limit = true;
  Loopback lb(so);
  lb.limiter.set_limit(litrev::url_authority(lb.server.base_url()), RateLimit{3, 1, 0.05});
  for (int i = 0; i < 20; ++i) {
    CHECK(lb.get("/entrez/eutils/esearch.fcgi?db=pubmed&term=ketamine", xml_check).status == 200);
  }
  CHECK(lb.server.requests().size() == 20);
  CHECK(lb.server.rate_limited() == 0);
  CHECK(lb.client.stats().responses_429 == 0);
}

TEST_CASE("random faults with a seed: the client ends with every right body", "[servers]") {
  ServerOptions so;
  so.seed = 7;
  Loopback lb(so, fast_transport(), fast_retry(8));
  lb.server.fault_randomly(Fault::unavailable, 0.2);
  lb.server.fault_randomly(Fault::truncated, 0.15);
  lb.server.fault_randomly(Fault::error_in_200, 0.1);
  lb.server.fault_randomly(Fault::too_many_requests_bare, 0.1);
  const std::string expected = read_text(fixture("pubmed/efetch_metapub_36987902.xml"));
  for (int i = 0; i < 25; ++i) {
    CHECK(lb.get("/entrez/eutils/efetch.fcgi?db=pubmed&id=36987902", xml_check).body == expected);
  }
  auto requests = lb.server.requests();
  auto faulted = std::count_if(requests.begin(), requests.end(), [](const auto& r) { return r.fault != Fault::none; });
  CHECK(faulted > 0);
  CHECK(lb.client.stats().retries == static_cast<std::uint64_t>(faulted));
  CHECK(requests.size() == 25 + static_cast<std::size_t>(faulted));
}

TEST_CASE("a closed port: NetworkError naming the redacted URL after the retries", "[servers]") {
  litrev::SystemClock clock;
  CurlTransport transport(fast_transport());
  RateLimiter limiter(clock, RateLimit{0, 1, 0});
  HttpClient client(transport, clock, limiter, fast_retry(3));
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) +
                    "/entrez/eutils/esearch.fcgi?db=pubmed&term=ketamine&api_key=" + k_key;
  try {
    client.fetch(HttpRequest{HttpRequest::Method::get, url, {}, {}});
    FAIL("no exception");
  } catch (const NetworkError& e) {
    std::string what = e.what();
    INFO(what);
    CHECK(e.exit_code() == 69);
    CHECK(what.find("GET " + litrev::redact_url(url) + ": no usable answer after 3 attempts (last: connect") == 0);
    CHECK(what.find(k_key) == std::string::npos);
  }
  auto stats = client.stats();
  CHECK(stats.requests == 3);
  CHECK(stats.retry_reasons["connect"] == 3);
  CHECK(stats.failures == 1);
}

TEST_CASE("limits: body size guard, redirects followed up to the cap, 404 not retried", "[servers]") {
  SECTION("a body over max_body_bytes is refused, not retried") {
    TransportOptions to = fast_transport();
    to.max_body_bytes = 10000;
    Loopback lb({}, to);
    CHECK_THROWS_WITH(lb.get("/entrez/eutils/efetch.fcgi?db=pubmed&id=38011560"),
                      Catch::Contains("larger than 10000 bytes") && Catch::Contains("not retried"));
    CHECK(lb.server.requests().size() == 1);
  }
  SECTION("redirects") {
    Loopback lb({}, fast_transport(), fast_retry(), false);
    auto redirect = [](std::string to) {
      return [to](const litrev::test::ServedRequest&) {
        return litrev::test::Reply{301, "text/plain", "moved", {{"Location", to}}};
      };
    };
    lb.server.add_route({"GET", "/api/v2/studies/NCT99999999", {}, {}, redirect("/api/v2/studies/NCT02576665")});
    lb.server.add_route({"GET", "/api/v2/studies/NCTLOOP", {}, {}, redirect("/api/v2/studies/NCTLOOP")});
    lb.server.add_default_routes(fixtures_dir());
    HttpResponse r = lb.get("/api/v2/studies/NCT99999999", json_check);
    CHECK(r.body == read_text(fixture("ctgov/get_nct02576665_20260811.json")));
    CHECK(r.effective_url == lb.url("/api/v2/studies/NCT02576665"));
    CHECK_THROWS_WITH(lb.get("/api/v2/studies/NCTLOOP"), Catch::Contains("not retried"));
  }
  SECTION("404") {
    Loopback lb;
    try {
      lb.get("/api/v2/studies/NCT00000000");
      FAIL("no exception");
    } catch (const litrev::HttpError& e) {
      CHECK(e.status() == 404);
      CHECK(e.body_excerpt() == "Study not found ");
    }
    CHECK(lb.server.requests().size() == 1);
  }
}

// ---------------------------------------------------------------------------
// The executable

namespace {

struct Child {
  pid_t pid = -1;
  int stdin_fd = -1;  // our end of its stdin
  int stdout_fd = -1; // our end of its stdout
};

Child spawn_server(const std::vector<std::string>& args) {
  int in[2];
  int out[2];
  REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  // Its messages (usage, lifetime reached) would only clutter the test log.
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> all{LITREV_TEST_SERVER};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  Child c;
  int rc = posix_spawn(&c.pid, LITREV_TEST_SERVER, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  REQUIRE(rc == 0);
  c.stdin_fd = in[1];
  c.stdout_fd = out[0];
  return c;
}

// The first line the child prints, or "" after `timeout_ms`.
std::string read_line(int fd, int timeout_ms) {
  std::string line;
  auto start = std::chrono::steady_clock::now();
  while (seconds_since(start) * 1000 < timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      char c;
      ssize_t n = ::read(fd, &c, 1);
      if (n <= 0) {
        break;
      }
      if (c == '\n') {
        return line;
      }
      line += c;
    }
  }
  return line;
}

// The child's exit status, or -1 (and the child killed) after `timeout_ms`.
int wait_exit(pid_t pid, int timeout_ms) {
  auto start = std::chrono::steady_clock::now();
  while (seconds_since(start) * 1000 < timeout_ms) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

} // namespace

TEST_CASE("litrev-test-server: prints its port, serves, takes faults over HTTP, exits on stdin EOF", "[servers]") {
  Child child = spawn_server({"--port", "0", "--fault", "1:503", "--max-lifetime", "60"});
  std::string port = read_line(child.stdout_fd, 5000);
  REQUIRE(!port.empty());
  std::string base = "http://127.0.0.1:" + port;
  {
    litrev::SystemClock clock;
    CurlTransport transport(fast_transport());
    RateLimiter limiter(clock, RateLimit{0, 1, 0});
    HttpClient client(transport, clock, limiter, fast_retry());
    HttpRequest r;
    r.url = base + "/entrez/eutils/efetch.fcgi?db=pubmed&id=31789841&api_key=" + k_key;
    CHECK(client.fetch(r, xml_check).body == read_text(fixture("pubmed/efetch_metapub_31789841.xml")));
    CHECK(client.stats().retry_reasons["http 503"] == 1);

    r.url = base + "/_replay/fault?kind=truncate&next=1";
    CHECK(transport.perform(r).status == 200);
    r.url = base + "/api/v2/studies/NCT06382129";
    CHECK(client.fetch(r, json_check).body == read_text(fixture("ctgov/get_nct06382129_20260811.json")));

    r.url = base + "/_replay/requests";
    auto log = nlohmann::json::parse(transport.perform(r).body);
    REQUIRE(log.size() == 4);
    CHECK(log[0]["status"] == 503);
    CHECK(log[1]["status"] == 200);
    CHECK(log[2]["fault"] == "truncate");
    CHECK(log.dump().find(k_key) == std::string::npos);
    CHECK(log[0]["params"]["api_key"] == "REDACTED");
  }
  ::close(child.stdin_fd); // EOF on its stdin
  CHECK(wait_exit(child.pid, 5000) == 0);
  ::close(child.stdout_fd);
}

TEST_CASE("litrev-test-server: exits on SIGTERM, and by itself when its lifetime runs out", "[servers]") {
  SECTION("SIGTERM") {
    Child child = spawn_server({"--max-lifetime", "60"});
    REQUIRE(!read_line(child.stdout_fd, 5000).empty());
    ::kill(child.pid, SIGTERM);
    CHECK(wait_exit(child.pid, 5000) == 0);
    ::close(child.stdin_fd);
    ::close(child.stdout_fd);
  }
  SECTION("lifetime cap, stdin ignored") {
    Child child = spawn_server({"--max-lifetime", "1", "--ignore-stdin"});
    REQUIRE(!read_line(child.stdout_fd, 5000).empty());
    CHECK(wait_exit(child.pid, 8000) == 3);
    ::close(child.stdin_fd);
    ::close(child.stdout_fd);
  }
  SECTION("bad usage") {
    Child child = spawn_server({"--fault", "1:nonsense"});
    CHECK(wait_exit(child.pid, 5000) == 2);
    ::close(child.stdin_fd);
    ::close(child.stdout_fd);
  }
}
