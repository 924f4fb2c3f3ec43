// litrev/http.hpp: the HTTP layer every remote source (PubMed E-utilities,
// Europe PMC, ClinicalTrials.gov) goes through.
//
// Four small parts, each replaceable in tests:
//   HttpTransport  one attempt, no retries. CurlTransport is the real one
//                  (libcurl); unit tests fake it.
//   Clock          time and sleeping. SystemClock is the real one; unit tests
//                  use a fake clock that only pretends to sleep.
//   RateLimiter    a token bucket per host, shared by every client in the
//                  process, so E-utilities never sees more than 3 (or 10 with
//                  an API key) requests per second from us.
//   HttpClient     transport + clock + limiter + RetryPolicy: retries
//                  connection errors, timeouts, truncated bodies, 408, 425,
//                  429, 5xx and bodies a caller-given check rejects, with
//                  exponential backoff, jitter and Retry-After.
//
// Secrets: the values of the query or form parameters `api_key`, `apikey`,
// `key`, `token` and `email` never appear in an error message, a statistic or
// a response's effective URL; every URL this module reports goes through
// redact_url(), and body excerpts have those values blanked out.
//
// The library reads no environment variables. Base URLs and keys come from the
// caller (the CLI). libcurl itself honours the usual proxy variables
// (`http_proxy`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, upper or lower case
// as curl documents; `http_proxy` only in lower case); TransportOptions::no_proxy
// overrides NO_PROXY.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <litrev/error.hpp>

namespace litrev {

// Seconds as a floating-point duration: delays, timeouts and waits.
using Seconds = std::chrono::duration<double>;

// Ordered name/value pairs: a query string or a POST form.
using FormFields = std::vector<std::pair<std::string, std::string>>;

// ---------------------------------------------------------------------------
// URLs

// Percent-encodes every byte of `text` except the RFC 3986 unreserved
// characters (A-Z a-z 0-9 - . _ ~). A space becomes "%20". Never throws
// (except std::bad_alloc).
std::string url_encode(std::string_view text);

// Encodes `fields` as application/x-www-form-urlencoded ("db=pubmed&term=a+b"):
// names and values percent-encoded as url_encode() does, except that a space
// becomes "+" (what E-utilities documents). Fields keep their order; an empty
// list gives "". Usable both as a POST body and as a query string. Never
// throws (except std::bad_alloc), nor do the other URL helpers below.
std::string form_encode(const FormFields& fields);

// `base` with `fields` appended as a query string: "?" + form_encode(fields),
// or "&" + ... when `base` already has a query. `base` itself is not
// re-encoded. Empty `fields` returns `base` unchanged.
std::string url_with_query(std::string_view base, const FormFields& fields);

// Whether a query or form parameter named `name` holds a secret: api_key,
// apikey, key, token or email, compared without regard to case.
bool is_secret_parameter(std::string_view name);

// `url` with the value of every secret query parameter (is_secret_parameter;
// the name may be percent-encoded) replaced by "REDACTED", and a password in
// the user-info part ("user:pw@host") replaced likewise. Everything else,
// including the order and encoding of the other parameters and any fragment,
// is kept byte for byte. A string that is not a URL comes back unchanged.
// Never throws (except std::bad_alloc).
std::string redact_url(std::string_view url);

// The host and port of an absolute URL, in lower case, as the rate limiter
// keys it: "eutils.ncbi.nlm.nih.gov", "127.0.0.1:8080". The scheme, the
// user-info, the path and the query are dropped; the port is kept only when
// the URL names one. Returns "" when `url` has no "scheme://".
std::string url_authority(std::string_view url);

// ---------------------------------------------------------------------------
// Requests and responses

struct HttpRequest {
  enum class Method { get, post };
  Method method = Method::get;
  // Absolute http:// or https:// URL, query included and already encoded
  // (url_with_query builds one).
  std::string url;
  // POST only: sent as the body, application/x-www-form-urlencoded
  // (form_encode). E-utilities wants POST when an id list or a term is long.
  // Must be empty for GET (CurlTransport refuses one with a TransportError,
  // kind bad_url).
  FormFields form;
  // Extra request headers, sent as given ("Accept", "application/json").
  std::vector<std::pair<std::string, std::string>> headers;
};

// "GET" or "POST".
const char* to_string(HttpRequest::Method method);

struct HttpResponse {
  // The final status after redirects.
  long status = 0;
  // The final response's headers, names in lower case. A header sent more
  // than once has its values joined with ", ".
  std::map<std::string, std::string> headers;
  // The body, with any gzip/deflate content encoding undone.
  std::string body;
  // The URL that answered (after redirects), already passed through
  // redact_url().
  std::string effective_url;
  // Wall time of the attempt, connection included.
  double elapsed_seconds = 0;

  // The value of header `name` (give it in lower case), or "" when absent.
  const std::string& header(const std::string& name) const;
};

// ---------------------------------------------------------------------------
// Errors

// One attempt failed below HTTP: no complete response arrived. The message
// names the method and the redacted URL. It is a NetworkError (exit code 69)
// so that one escaping a direct HttpTransport caller still maps correctly;
// HttpClient catches it and retries when retryable().
class TransportError : public NetworkError {
public:
  enum class Kind {
    connect,   // DNS failure, connection refused, TLS handshake failure
    reset,     // connection closed or reset before a complete response
    timeout,   // connect timeout, total timeout, or a stall (low-speed limit)
    truncated, // body shorter than its Content-Length, or undecodable
    too_large, // body larger than TransportOptions::max_body_bytes
    redirects, // more redirects than TransportOptions::max_redirects
    bad_url,   // malformed URL or a scheme other than http/https
    tls,       // certificate verification failed
    other,     // anything else libcurl reports
  };
  // `what` is the whole message (method, redacted URL, problem); `detail`
  // the problem alone ("Connection refused"), for summaries.
  TransportError(Kind kind, const std::string& what, std::string detail = {});
  Kind kind() const noexcept { return m_kind; }
  const std::string& detail() const noexcept { return m_detail; }
  // connect, reset, timeout, truncated and other are worth another attempt;
  // too_large, redirects, bad_url and tls are not.
  bool retryable() const noexcept;

private:
  Kind m_kind;
  std::string m_detail;
};

// "connect", "reset", "timeout", "truncated", "too_large", "redirects",
// "bad_url", "tls", "other": the names used in HttpStats::retry_reasons.
const char* to_string(TransportError::Kind kind);

// The server answered with a status HttpClient does not retry (a 4xx other
// than 408, 425 and 429; a 5xx other than 500, 502, 503 and 504; a final 1xx
// or 3xx). Exit code 1 for 1xx-4xx (our request was wrong or asked for
// something absent), 69 for 5xx. The message names the method, the redacted
// URL, the status and the start of the body, with secrets blanked out.
class HttpError : public Error {
public:
  HttpError(long status, std::string url, std::string body_excerpt, const std::string& what);
  long status() const noexcept { return m_status; }
  // Redacted.
  const std::string& url() const noexcept { return m_url; }
  // At most 300 bytes of the body, control characters replaced by spaces,
  // secrets replaced by "REDACTED".
  const std::string& body_excerpt() const noexcept { return m_body_excerpt; }

private:
  long m_status;
  std::string m_url;
  std::string m_body_excerpt;
};

// ---------------------------------------------------------------------------
// Transport: one attempt

// Performs one HTTP exchange, never retrying. Abstract so tests can fake it;
// CurlTransport is the real one.
class HttpTransport {
public:
  virtual ~HttpTransport() = default;
  // Sends `request` once and returns whatever status came back (a 503 is a
  // response, not an error). Throws TransportError when no complete response
  // arrived. Implementations must be safe to call from several threads.
  virtual HttpResponse perform(const HttpRequest& request) = 0;
};

struct TransportOptions {
  // Time allowed to establish the connection (TCP and TLS).
  Seconds connect_timeout{10};
  // Time allowed for the whole attempt, connection to last byte. EFetch of a
  // 500-record batch is a few MB; give slow links room.
  Seconds total_timeout{300};
  // A transfer slower than `low_speed_bytes` per second for `low_speed_time`
  // (rounded up to whole seconds, at least 1) is a stall: a timeout. This
  // also covers the wait for the first byte, so leave E-utilities time to
  // assemble a big EFetch. libcurl averages the speed over its last five
  // seconds: a body that stops after N bytes is caught once that average
  // drops below the limit, i.e. after about
  // max(5, N / low_speed_bytes) + low_speed_time seconds.
  long low_speed_bytes = 1;
  Seconds low_speed_time{60};
  // Contact address added to the User-Agent ("litrev/0.1.0
  // (+mailto:someone@example.org)"). Empty: none.
  std::string contact_email;
  // Replaces the whole default User-Agent when not empty.
  std::string user_agent;
  // A body larger than this (after decoding) fails as too_large.
  std::uint64_t max_body_bytes = std::uint64_t{1} << 30;
  // Redirects are followed, at most this many (0: none followed; a 3xx is
  // then returned as it is).
  long max_redirects = 5;
  // When set, replaces the NO_PROXY environment variable for this transport
  // ("*" disables proxies; the loopback tests pass "127.0.0.1,localhost").
  std::optional<std::string> no_proxy;
};

// "litrev/<version>", plus " (+mailto:<contact_email>)" when one is given.
std::string default_user_agent(std::string_view contact_email = {});

// The real transport, on libcurl. Each attempt: HTTP/1.1 only (libcurl's
// HTTP/2 has failed against E-utilities with REFUSED_STREAM and framing
// errors, so we do what rentrez does), "Accept-Encoding: gzip, deflate",
// the User-Agent above, http and https only (also for redirects),
// "Expect: 100-continue" suppressed on POST. Connections are kept alive and
// reused across calls (a small pool of curl handles, one per concurrent
// caller). Proxies come from the environment, as libcurl reads it.
//
// A body is treated as truncated (TransportError::Kind::truncated) when curl
// reports a partial transfer or an undecodable content encoding, or when an
// unencoded body's length differs from its Content-Length.
class CurlTransport : public HttpTransport {
public:
  // Initialises libcurl once per process. Throws NetworkError when libcurl
  // cannot be initialised.
  explicit CurlTransport(TransportOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // See HttpTransport::perform. Thread-safe.
  HttpResponse perform(const HttpRequest& request) override;

  const TransportOptions& options() const noexcept;
  // The User-Agent sent.
  const std::string& user_agent() const noexcept;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// ---------------------------------------------------------------------------
// Time

// Time and sleeping, behind an interface so that tests can run a backoff
// schedule or a rate limiter without waiting. Implementations must be
// thread-safe.
class Clock {
public:
  virtual ~Clock() = default;
  // Monotonic time, for intervals.
  virtual std::chrono::steady_clock::time_point now() = 0;
  // Calendar time, only to turn a Retry-After HTTP-date into a delay.
  virtual std::chrono::system_clock::time_point wall_now() = 0;
  // Blocks the calling thread for `duration` (nothing when it is <= 0).
  virtual void sleep_for(Seconds duration) = 0;
};

// The real clocks and std::this_thread::sleep_for.
class SystemClock : public Clock {
public:
  std::chrono::steady_clock::time_point now() override;
  std::chrono::system_clock::time_point wall_now() override;
  void sleep_for(Seconds duration) override;
};

// ---------------------------------------------------------------------------
// Rate limiting

struct RateLimit {
  // Requests per second allowed to start; <= 0 means no limit. The default,
  // 5/s, is a polite rate for a host nobody configured.
  double per_second = 5;
  // How many requests may start back to back after an idle spell. Keep 1
  // for E-utilities: NCBI counts requests in a sliding one-second window, and
  // any burst above 1 can put N+1 requests in one second.
  int burst = 1;
  // Requests are spaced (1 + safety) / per_second apart, so that network
  // jitter cannot squeeze N+1 arrivals into one second at the server (at
  // 3/s: 0.35 s apart, like rentrez and easyPubMed; Biopython uses 0.37 s).
  double safety = 0.05;
};

// A token bucket per host (the key is url_authority() of the URL), shared by
// every request in the process. Thread-safe: a caller reserves its start time
// under a lock and sleeps outside it, so concurrent callers queue fairly.
// Nothing here throws (except std::bad_alloc for a new host).
//
// The guarantee, for a host with burst 1: starts are at least
// (1 + safety) / per_second apart, hence at most per_second starts in any one
// second. With burst b, at most b - 1 more.
//
// After a 429 (penalize()): no request to the host starts before the pause
// has passed, and for k_penalty_window after the last 429 the host runs at
// half its rate; each further 429 in that window halves it again, down to
// 1/8 of the configured rate. When the window passes without a 429, the full
// rate comes back.
class RateLimiter {
public:
  static constexpr Seconds k_penalty_window{60};
  static constexpr double k_min_penalty_factor = 0.125;

  // Hosts without their own limit get `default_limit`. `clock` must outlive
  // the limiter.
  explicit RateLimiter(Clock& clock, RateLimit default_limit = {});

  // Sets the limit for `host` (as url_authority() gives it). Replaces any
  // earlier one and forgets the host's bucket state, penalty included.
  void set_limit(const std::string& host, RateLimit limit);
  // The configured limit for `host` (its own, or the default).
  RateLimit limit(const std::string& host) const;
  // The rate in force now for `host`: the configured one, times any penalty
  // factor. 0 when unlimited.
  double current_rate(const std::string& host);

  // Blocks until a request to `host` may start, and counts it as started.
  // Returns how long it slept.
  Seconds acquire(const std::string& host);

  // A 429 came from `host`: no request to it starts in the next `pause`, and
  // the rate is slowed as described above.
  void penalize(const std::string& host, Seconds pause);

private:
  struct Bucket {
    RateLimit limit;
    std::chrono::steady_clock::time_point tat{}; // theoretical arrival time (GCRA)
    std::chrono::steady_clock::time_point not_before{};
    std::chrono::steady_clock::time_point penalty_until{};
    double factor = 1; // penalty: 1, 1/2, 1/4 or 1/8
  };
  Bucket& bucket(const std::string& host);
  void expire_penalty(Bucket& b, std::chrono::steady_clock::time_point now);

  Clock& m_clock;
  RateLimit m_default;
  mutable std::mutex m_mutex;
  std::map<std::string, RateLimit> m_limits;
  std::map<std::string, Bucket> m_buckets;
};

// ---------------------------------------------------------------------------
// Retries

struct RetryPolicy {
  // Attempts in all, the first one included (1: no retries).
  int max_attempts = 5;
  // The wait before retry n (after attempt n failed) is
  //   d = min(max_delay, base_delay * 2^(n-1)),
  // reduced by a random fraction of at most `jitter`: d * (1 - jitter * u),
  // u uniform in [0, 1) from a std::mt19937_64 seeded with `seed`. So every
  // wait lies in [d * (1 - jitter), d], and a given seed always gives the
  // same schedule.
  Seconds base_delay{1};
  Seconds max_delay{60};
  double jitter = 0.5;
  std::uint64_t seed = 20260101;
  // A retryable response with a Retry-After header (delay-seconds or an
  // HTTP-date) makes the wait at least that long, capped at max_retry_after
  // (a server asking for longer gets max_retry_after, and then another try).
  bool honour_retry_after = true;
  Seconds max_retry_after{120};
};

// The backoff wait before retry `attempt` (>= 1) as RetryPolicy describes,
// for a given `unit_random` in [0, 1). Pure, never throws; exposed for tests.
Seconds backoff_delay(const RetryPolicy& policy, int attempt, double unit_random);

// Parses a Retry-After value: delay-seconds ("120") or an HTTP-date in any of
// the three forms RFC 9110 allows ("Sun, 06 Nov 1994 08:49:37 GMT",
// "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"), the latter
// turned into a delay from `now` (0 when it is in the past). Returns nothing
// for anything else (a negative or fractional number, another date format, an
// impossible date); never throws.
std::optional<Seconds> parse_retry_after(std::string_view value,
                                         std::chrono::system_clock::time_point now);

// What HttpClient counted, for a fetch run's manifest. Nothing in it names a
// URL or a secret.
struct HttpStats {
  std::uint64_t fetches = 0;       // fetch() calls
  std::uint64_t requests = 0;      // attempts handed to the transport
  std::uint64_t retries = 0;       // attempts after a failed one
  std::uint64_t responses_429 = 0; // 429 answers received
  std::uint64_t failures = 0;      // fetch() calls that threw
  std::uint64_t bytes_received = 0; // decoded body bytes, every attempt
  double seconds_waiting = 0;      // backoff sleeps plus rate-limiter waits
  // Why attempts were retried (or the last one failed): "timeout",
  // "truncated", "connect", "http 429", "http 503", "check: <reason>", ...
  std::map<std::string, std::uint64_t> retry_reasons;
};

// Reported to HttpClient's observer before each wait between attempts, for a
// progress line or a log. Nothing in it holds a secret.
struct RetryEvent {
  std::string method;
  std::string url; // redacted
  int attempt = 0; // the attempt that failed, 1-based
  int max_attempts = 0;
  std::string reason;
  Seconds delay{0};
};

// Transport + clock + limiter + retry policy. fetch() is thread-safe; the
// three parts are borrowed and must outlive the client.
class HttpClient {
public:
  // Returns "" when a 2xx response's body is acceptable, else a short fixed
  // reason ("<ERROR> in body", "invalid JSON", "HTML instead of XML"), which
  // HttpClient treats like a 503: retried, and counted under
  // "check: <reason>" (so keep reasons few and free of data).
  using BodyCheck = std::function<std::string(const HttpResponse&)>;
  using Observer = std::function<void(const RetryEvent&)>;

  HttpClient(HttpTransport& transport, Clock& clock, RateLimiter& limiter, RetryPolicy policy = {});

  // Fetches `request` until a 2xx response passes `check` (an empty check
  // accepts every 2xx), and returns that response.
  //
  // Every attempt first waits for the host's rate limiter. Retried, up to
  // policy.max_attempts attempts in all: retryable TransportErrors, statuses
  // 408, 425, 429, 500, 502, 503 and 504, and 2xx bodies that `check`
  // rejects. The wait between attempts is backoff_delay(), or the response's
  // Retry-After when that is longer (see RetryPolicy). A 429 also calls
  // limiter.penalize(host, wait), so every thread slows down for that host.
  //
  // Throws HttpError at once for any other status; NetworkError naming the
  // method, the redacted URL, the number of attempts and the last reason
  // when the attempts run out or a TransportError is not retryable. An
  // exception thrown by `check` propagates unchanged.
  HttpResponse fetch(const HttpRequest& request, const BodyCheck& check = {});

  // A copy of the counts so far. Thread-safe.
  HttpStats stats() const;
  void reset_stats();
  const RetryPolicy& policy() const noexcept { return m_policy; }
  // Called (on the fetching thread) before each wait between attempts.
  // Set before fetching starts.
  void set_observer(Observer observer);

private:
  double next_unit_random();
  void count_reason(const std::string& reason);

  HttpTransport& m_transport;
  Clock& m_clock;
  RateLimiter& m_limiter;
  RetryPolicy m_policy;
  Observer m_observer;
  mutable std::mutex m_mutex; // guards m_rng and m_stats
  std::mt19937_64 m_rng;
  HttpStats m_stats;
};

} // namespace litrev
