// A loopback HTTP server for tests: it answers routes shaped like PubMed
// E-utilities, Europe PMC and ClinicalTrials.gov from recorded responses
// (shared/fixtures), and misbehaves on request the way those services do.
//
// Real HTTP on 127.0.0.1 only (cpp-httplib), so the client under test runs
// libcurl for real. Used in-process by Catch2 tests (ReplayServer) and as the
// `litrev-test-server` executable by CLI tests and benchmarks.
//
// Every request is recorded (ServedRequest) with what the server did about it,
// so a test can assert on what the client sent. Log lines (ServedRequest::
// log_line, the executable's --log and /_replay/requests) have secrets
// (api_key, email, ...) replaced by REDACTED; the in-memory record keeps them,
// so a test can check that a key was sent.
//
// Bounds: the server binds 127.0.0.1 only; stalls are cut short when the
// server stops and never exceed k_max_stall; after ServerOptions::max_requests
// requests every further one gets a 503 without any other work.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace litrev::test {

// The ways the server can misbehave on one request.
enum class Fault {
  none,
  too_many_requests,             // 429 with Retry-After and NCBI's JSON body
  too_many_requests_bare,        // 429 with NCBI's JSON body, no Retry-After
  internal_error,                // 500 with an HTML page
  bad_gateway,                   // 502 with an HTML page
  unavailable,                   // 503 with an HTML maintenance page
  stall,                         // no answer at all for ServerOptions::stall
  stall_mid_body,                // headers and half the body, then silence for ServerOptions::stall
  truncated,                     // full Content-Length announced, half the body sent, connection closed
  error_in_200,                  // 200 whose body is the service's error shape (see fault_body)
  invalid_json,                  // 200 with E-utilities' invalid-JSON error body (raw newline in a string)
  empty_200,                     // 200 with an empty body
};

// "none", "429", "429-bare", "500", "502", "503", "stall", "stall-body",
// "truncate", "error-200", "invalid-json", "empty-200".
const char* to_string(Fault fault);
// The reverse of to_string; nothing for an unknown name.
std::optional<Fault> fault_from_string(std::string_view name);

// The longest any stall lasts, whatever ServerOptions::stall says.
inline constexpr std::chrono::seconds k_max_stall{120};

// What the server got, and what it answered.
struct ServedRequest {
  std::uint64_t number = 0; // 1-based, in order of arrival (control requests not counted)
  double time = 0;          // seconds since the server started, on arrival
  std::string method;       // "GET", "POST"
  std::string version;      // "HTTP/1.1"
  std::string path;         // "/entrez/eutils/efetch.fcgi"
  std::string query;        // raw query string, without "?"
  std::string body;         // raw request body
  // Query and form parameters, decoded, merged; the first value of a
  // repeated name. Secrets are kept here (not in log lines).
  std::map<std::string, std::string> params;
  // Request headers, names in lower case.
  std::map<std::string, std::string> headers;
  std::string remote_addr;

  // Filled in as the request is handled.
  int status = 0;           // status sent (0 when a stall or cut meant none went out whole)
  Fault fault = Fault::none;
  bool rate_limited = false; // 429 from the NCBI-style limiter
  std::size_t body_bytes = 0; // response body bytes the route produced

  // The value of `name`, or "".
  const std::string& param(const std::string& name) const;
  // One JSON object on one line; api_key, email and the other secrets
  // (litrev::is_secret_parameter) redacted in query, params and body.
  std::string log_line() const;
};

// What a route answers.
struct Reply {
  int status = 200;
  std::string content_type = "text/plain; charset=UTF-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using Responder = std::function<Reply(const ServedRequest&)>;

// A route: which requests it answers and how. The first matching route wins.
struct Route {
  std::string method; // "GET", "POST", or "" for both
  // Exact path, or a path ending in "/*" for any one further segment
  // ("/api/v2/studies/*" matches "/api/v2/studies/NCT02576665").
  std::string path;
  // Each of these parameters must be present with exactly this value.
  std::map<std::string, std::string> params;
  // An extra condition, when set.
  std::function<bool(const ServedRequest&)> when;
  Responder reply;
};

// Serves the file at `path` (read now, once; throws std::runtime_error when it
// cannot be read) with a content type from its extension, as the real
// service sends it: .xml "text/xml; charset=UTF-8", .json
// "application/json; charset=UTF-8", anything else text/plain.
Responder serve_file(const std::string& path, int status = 200);
// Serves `body` as given.
Responder serve_text(std::string body, std::string content_type = "text/plain; charset=UTF-8", int status = 200);

struct ServerOptions {
  // 0 picks a free port.
  int port = 0;
  // Seeds the random faults (fault_randomly).
  std::uint64_t seed = 1;
  // How long a stall lasts (at most k_max_stall). Make it longer than the
  // client's timeout.
  std::chrono::milliseconds stall{std::chrono::seconds(30)};
  // Retry-After value sent with Fault::too_many_requests and with the NCBI
  // limiter's 429s ("" for none).
  std::string retry_after = "1";
  // The NCBI-style limiter on /entrez/eutils/: in a sliding one-second window
  // per api_key (or per client address without one), more than
  // `ncbi_limit_keyless` (3) or `ncbi_limit_keyed` (10) requests get a 429
  // with NCBI's body and headers. Every request counts, rejected ones too.
  bool ncbi_rate_limit = false;
  int ncbi_limit_keyless = 3;
  int ncbi_limit_keyed = 10;
  // Hard cap on service requests handled; later ones get a bare 503.
  std::uint64_t max_requests = 100000;
};

// A made-up PubMed, for fetches bigger than any recording: ESearch (JSON,
// with date limits, the 9,999 cap and its error) and EFetch over `count`
// articles. Each is a copy of one real article (PMID 31789841, from
// fixtures/pubmed/efetch_metapub_31789841.xml) with its DOI removed, a
// synthetic PMID from 90000001 up (real PMIDs are near 42 million, so these
// cannot be mistaken for real ones) and a title saying what it is. Entrez
// dates are spread evenly from `first_day` to `last_day`.
struct SyntheticPubmed {
  std::size_t count = 0;
  std::string first_day = "2000/01/01";
  std::string last_day = "2025/12/31";
  // `added` more articles entered on `added_day` ("" = today, UTC), after
  // the others in PMID order.
  std::size_t added = 0;
  std::string added_day;
  // The first `revised` articles were modified on `added_day`: their title
  // ends in " (revised)" and their mdat is that day.
  std::size_t revised = 0;
  // The last `withheld` of the first `count` articles are found by ESearch
  // but never returned by EFetch (deleted between search and fetch).
  std::size_t withheld = 0;
  // Phrases PubMed "does not find": a term containing one is answered as if
  // the phrase were absent, with errorlist.phrasesnotfound (like fixture
  // esearch_json_biomcp_phrasesnotfound.json); a term that is nothing but one
  // finds nothing ("No items found.").
  std::vector<std::string> phrases_not_found;
};

class ReplayServer {
public:
  // Binds 127.0.0.1:options.port and starts serving on a background thread;
  // when the constructor returns, the server accepts connections. No routes
  // yet: unmatched requests get 404. Throws std::runtime_error when the port
  // cannot be bound.
  explicit ReplayServer(ServerOptions options = {});
  // Stops the server (see stop()).
  ~ReplayServer();
  ReplayServer(const ReplayServer&) = delete;
  ReplayServer& operator=(const ReplayServer&) = delete;

  int port() const;
  // "http://127.0.0.1:<port>"
  std::string base_url() const;
  // Base URLs shaped like the real services', for LITREV_EUTILS_URL and
  // friends: ".../entrez/eutils/", ".../europepmc/webservices/rest/",
  // ".../api/v2/".
  std::string eutils_url() const;
  std::string europepmc_url() const;
  std::string ctgov_url() const;

  // Adds a route after the existing ones. Thread-safe.
  void add_route(Route route);
  // Routes answering from `fixtures_dir` (shared/fixtures) the way the real
  // services would; see replay_server.cpp for the table. Throws
  // std::runtime_error when a fixture is missing.
  void add_default_routes(const std::string& fixtures_dir);
  // Routes for a SyntheticPubmed on /entrez/eutils/esearch.fcgi and
  // efetch.fcgi; add them before the default routes so that they win.
  // Throws std::runtime_error when the template fixture is missing.
  void add_synthetic_pubmed(const std::string& fixtures_dir, const SyntheticPubmed& pubmed);

  // Misbehave on the request with this 1-based number.
  void fault_on(std::uint64_t request_number, Fault fault);
  // Misbehave on each of the next `count` requests (queued after any earlier
  // fault_next).
  void fault_next(std::uint32_t count, Fault fault);
  // Misbehave on each request with `probability`, drawn from a std::mt19937_64
  // seeded with ServerOptions::seed. Several random faults are tried in the
  // order given. Scheduled faults (fault_on, fault_next) come first.
  void fault_randomly(Fault fault, double probability);
  // Forgets every scheduled and random fault.
  void clear_faults();
  void set_ncbi_rate_limit(bool on);

  // A copy of every request so far, in arrival order.
  std::vector<ServedRequest> requests() const;
  // How many requests were answered with `status`.
  std::size_t count_status(int status) const;
  // How many 429s the NCBI-style limiter gave.
  std::size_t rate_limited() const;
  // Forgets the recorded requests (numbering goes on).
  void clear_requests();
  // Called with log_line() of each request once it is handled (from server
  // threads; keep it quick and thread-safe).
  void set_log(std::function<void(const std::string&)> log);

  // Stops accepting, cuts short any stall, waits for the handlers to finish.
  // Idempotent.
  void stop();
  // Blocks until stop() is called (from another thread) or `timeout` passes.
  // Returns true when stopped.
  bool wait_stopped(std::chrono::milliseconds timeout);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The body a fault puts in a 200 or an error status, by service: exposed so
// tests can compare. `json`: the request asked for JSON (E-utilities
// retmode=json, Europe PMC, CT.gov).
std::string fault_body(Fault fault, const ServedRequest& request);

} // namespace litrev::test
