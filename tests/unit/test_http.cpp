// Unit tests for the http module with a fake transport and a fake clock: URL
// helpers and redaction, the backoff schedule, Retry-After, the token bucket,
// and HttpClient's retry decisions. No sockets; tests/servers/ has the
// loopback tests against real libcurl.
#include <catch2/catch.hpp>

#include <litrev/error.hpp>
#include <litrev/http.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <variant>

using litrev::HttpClient;
using litrev::HttpError;
using litrev::HttpRequest;
using litrev::HttpResponse;
using litrev::NetworkError;
using litrev::RateLimit;
using litrev::RateLimiter;
using litrev::RetryPolicy;
using litrev::Seconds;
using litrev::TransportError;

namespace {

constexpr const char* k_key = "0123456789abcdef0123456789abcdef0123"; // looks like an NCBI key

// A clock that only pretends to sleep: sleep_for moves both clocks forward
// (unless `advance` is off) and is recorded. The wall clock starts at
// 2026-01-01T00:00:00Z.
class FakeClock : public litrev::Clock {
public:
  std::chrono::steady_clock::time_point now() override {
    std::lock_guard lock(m_mutex);
    return std::chrono::steady_clock::time_point{} + std::chrono::hours(1) +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(m_elapsed);
  }
  std::chrono::system_clock::time_point wall_now() override {
    std::lock_guard lock(m_mutex);
    using namespace std::chrono;
    return system_clock::time_point(sys_days(year(2026) / January / 1)) +
           duration_cast<system_clock::duration>(m_elapsed);
  }
  void sleep_for(Seconds d) override {
    std::lock_guard lock(m_mutex);
    m_sleeps.push_back(d.count());
    if (m_advance && d.count() > 0) {
      m_elapsed += d;
    }
  }
  // Seconds since the clock started.
  double elapsed() {
    std::lock_guard lock(m_mutex);
    return m_elapsed.count();
  }
  void advance(double s) {
    std::lock_guard lock(m_mutex);
    m_elapsed += Seconds(s);
  }
  std::vector<double> sleeps() {
    std::lock_guard lock(m_mutex);
    return m_sleeps;
  }
  void set_advance(bool on) { m_advance = on; }

private:
  std::mutex m_mutex;
  Seconds m_elapsed{0};
  std::vector<double> m_sleeps;
  bool m_advance = true;
};

HttpResponse reply(long status, std::string body = "ok",
                   std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

// A transport that answers from a script, one entry per attempt, and records
// each request with the fake time it was made. When the script runs out the
// last entry repeats.
class FakeTransport : public litrev::HttpTransport {
public:
  using Step = std::variant<HttpResponse, TransportError::Kind>;
  FakeTransport(FakeClock& clock, std::vector<Step> script) : m_clock(clock), m_script(std::move(script)) {}

  HttpResponse perform(const HttpRequest& request) override {
    std::lock_guard lock(m_mutex);
    m_requests.push_back(request);
    m_times.push_back(m_clock.elapsed());
    const Step& step = m_script[std::min(m_next, m_script.size() - 1)];
    ++m_next;
    if (const auto* kind = std::get_if<TransportError::Kind>(&step)) {
      std::string url = litrev::redact_url(request.url);
      throw TransportError(*kind, "GET " + url + ": simulated " + litrev::to_string(*kind), "simulated");
    }
    return std::get<HttpResponse>(step);
  }
  std::size_t calls() const { return m_requests.size(); }
  const std::vector<double>& times() const { return m_times; }
  const std::vector<HttpRequest>& requests() const { return m_requests; }

private:
  FakeClock& m_clock;
  std::vector<Step> m_script;
  std::size_t m_next = 0;
  std::mutex m_mutex;
  std::vector<HttpRequest> m_requests;
  std::vector<double> m_times;
};

// No rate limit, so that only the retry waits show in the clock's sleeps.
RateLimit unlimited() { return RateLimit{0, 1, 0}; }

RetryPolicy policy(int attempts, double base = 1, double max = 30, double jitter = 0) {
  RetryPolicy p;
  p.max_attempts = attempts;
  p.base_delay = Seconds(base);
  p.max_delay = Seconds(max);
  p.jitter = jitter;
  return p;
}

HttpRequest get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  return r;
}

const std::string k_url = std::string("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=pubmed&id=1,2&api_key=") +
                          k_key + "&email=someone%40example.org&tool=litrev";

// Everything in `stats` that is text.
std::string stats_text(const litrev::HttpStats& stats) {
  std::string text;
  for (const auto& [reason, n] : stats.retry_reasons) {
    text += reason + "=" + std::to_string(n) + ";";
  }
  return text;
}

} // namespace

TEST_CASE("redact_url blanks every secret parameter and nothing else", "[http]") {
  static const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"https://h/e.fcgi?db=pubmed&api_key=abc123", "https://h/e.fcgi?db=pubmed&api_key=REDACTED"},
      {"https://h/e.fcgi?api_key=abc&db=pubmed", "https://h/e.fcgi?api_key=REDACTED&db=pubmed"},
      {"https://h/p?APIKEY=x&Key=y&token=z&email=a%40b.org&tool=litrev",
       "https://h/p?APIKEY=REDACTED&Key=REDACTED&token=REDACTED&email=REDACTED&tool=litrev"},
      {"https://h/p?api%5Fkey=abc", "https://h/p?api%5Fkey=REDACTED"},       // encoded name
      {"https://h/p?monkey=1&keys=2&key_id=3", "https://h/p?monkey=1&keys=2&key_id=3"}, // not secrets
      {"https://h/p?api_key=", "https://h/p?api_key=REDACTED"},
      {"https://h/p?api_key", "https://h/p?api_key"},                       // no value to hide
      {"https://h/p?a=1&&api_key=k#frag", "https://h/p?a=1&&api_key=REDACTED#frag"},
      {"https://h/p#api_key=k", "https://h/p#api_key=k"},                   // fragment is not a query
      {"https://user:secret@h:8080/p?x=1", "https://user:REDACTED@h:8080/p?x=1"},
      {"https://user@h/p", "https://user@h/p"},
      {"http://127.0.0.1:5000/entrez/eutils/esearch.fcgi", "http://127.0.0.1:5000/entrez/eutils/esearch.fcgi"},
      {"not a url api_key=1", "not a url api_key=1"},
      {"", ""},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    CHECK(litrev::redact_url(c.in) == c.out);
  }
  CHECK(litrev::redact_url(k_url).find(k_key) == std::string::npos);
  CHECK(litrev::redact_url(k_url).find("example.org") == std::string::npos);
}

TEST_CASE("url and form encoding, authority", "[http]") {
  CHECK(litrev::url_encode("a b/c?d=e&f~_.-") == "a%20b%2Fc%3Fd%3De%26f~_.-");
  CHECK(litrev::url_encode("\"ketamine\"[tiab] #1") == "%22ketamine%22%5Btiab%5D%20%231");
  CHECK(litrev::url_encode("é") == "%C3%A9");
  CHECK(litrev::form_encode({{"db", "pubmed"}, {"term", "ketamine AND \"alcohol use\""}, {"id", "1,2"}}) ==
        "db=pubmed&term=ketamine+AND+%22alcohol+use%22&id=1%2C2");
  CHECK(litrev::form_encode({}).empty());
  CHECK(litrev::url_with_query("https://h/esearch.fcgi", {{"db", "pubmed"}, {"retmax", "0"}}) ==
        "https://h/esearch.fcgi?db=pubmed&retmax=0");
  CHECK(litrev::url_with_query("https://h/s?format=json", {{"query", "a b"}}) == "https://h/s?format=json&query=a+b");
  CHECK(litrev::url_with_query("https://h/s", {}) == "https://h/s");
  CHECK(litrev::url_authority("https://EUtils.NCBI.nlm.nih.gov/entrez/eutils/") == "eutils.ncbi.nlm.nih.gov");
  CHECK(litrev::url_authority("http://user:pw@127.0.0.1:8080/x?y") == "127.0.0.1:8080");
  CHECK(litrev::url_authority("https://clinicaltrials.gov?x") == "clinicaltrials.gov");
  CHECK(litrev::url_authority("clinicaltrials.gov/api") == "");
  CHECK(litrev::default_user_agent() == "litrev/0.1.0");
  CHECK(litrev::default_user_agent("me@example.org") == "litrev/0.1.0 (+mailto:me@example.org)");
}

TEST_CASE("backoff doubles up to the cap and jitter only shortens it within its fraction", "[http]") {
  RetryPolicy p = policy(10, 0.5, 6, 0);
  std::vector<double> got;
  for (int attempt = 1; attempt <= 6; ++attempt) {
    got.push_back(litrev::backoff_delay(p, attempt, 0.7).count());
  }
  CHECK(got == std::vector<double>{0.5, 1, 2, 4, 6, 6});

  p.jitter = 0.25;
  for (int attempt = 1; attempt <= 8; ++attempt) {
    double d = std::min(6.0, 0.5 * std::pow(2, attempt - 1));
    for (double u : {0.0, 0.3, 0.5, 0.999999}) {
      double delay = litrev::backoff_delay(p, attempt, u).count();
      CHECK(delay <= d);
      CHECK(delay >= d * 0.75);
      CHECK(delay == Approx(d * (1 - 0.25 * u)));
    }
  }
  CHECK(litrev::backoff_delay(p, 1000, 0).count() == 6); // no overflow
}

TEST_CASE("the retry schedule is deterministic for a seed and stays within the jitter bounds", "[http]") {
  auto schedule = [](std::uint64_t seed) {
    FakeClock clock;
    FakeTransport transport(clock, {reply(503, "<html>busy</html>")});
    RateLimiter limiter(clock, unlimited());
    RetryPolicy p = policy(6, 1, 20, 0.5);
    p.seed = seed;
    HttpClient client(transport, clock, limiter, p);
    CHECK_THROWS_AS(client.fetch(get("https://h/x")), NetworkError);
    CHECK(transport.calls() == 6);
    return clock.sleeps();
  };
  std::vector<double> a = schedule(42);
  std::vector<double> b = schedule(42);
  std::vector<double> c = schedule(43);
  REQUIRE(a.size() == 5); // waits between 6 attempts
  CHECK(a == b);
  CHECK(a != c);
  for (std::size_t i = 0; i < a.size(); ++i) {
    double d = std::min(20.0, std::pow(2.0, static_cast<double>(i)));
    CHECK(a[i] <= d);
    CHECK(a[i] >= d * 0.5);
  }
}

TEST_CASE("parse_retry_after: delay-seconds and the three HTTP-date forms", "[http]") {
  using namespace std::chrono;
  auto now = system_clock::time_point(sys_days(year(1994) / November / 6)) + hours(8) + minutes(49) + seconds(7);
  static const struct {
    const char* value;
    double seconds; // < 0: not parsed
  } cases[] = {
      {"2", 2},
      {" 120 ", 120},
      {"0", 0},
      {"Sun, 06 Nov 1994 08:49:37 GMT", 30},
      {"Sunday, 06-Nov-94 08:49:37 GMT", 30},
      {"Sun Nov  6 08:49:37 1994", 30},
      {"Sun, 06 Nov 1994 08:48:00 GMT", 0}, // in the past
      {"Mon, 07 Nov 1994 08:49:07 GMT", 86400},
      {"1.5", -1},
      {"-3", -1},
      {"soon", -1},
      {"Sun, 06 Nov 1994 08:49:37 PST", -1},
      {"Sun, 31 Feb 1994 08:49:37 GMT", -1},
      {"", -1},
  };
  for (const auto& c : cases) {
    INFO(c.value);
    auto got = litrev::parse_retry_after(c.value, now);
    if (c.seconds < 0) {
      CHECK(!got);
    } else {
      REQUIRE(got);
      CHECK(got->count() == Approx(c.seconds));
    }
  }
}

TEST_CASE("a 429's Retry-After is honoured, in seconds or as a date, up to the cap", "[http]") {
  FakeClock clock;
  SECTION("seconds, longer than the backoff") {
    FakeTransport transport(clock, {reply(429, "{}", {{"retry-after", "7"}}), reply(200, "fine")});
    RateLimiter limiter(clock, unlimited());
    HttpClient client(transport, clock, limiter, policy(3, 1, 30, 0));
    CHECK(client.fetch(get("https://h/x")).body == "fine");
    CHECK(clock.sleeps() == std::vector<double>{7});
    CHECK(client.stats().responses_429 == 1);
    CHECK(client.stats().retry_reasons.at("http 429") == 1);
  }
  SECTION("shorter than the backoff: the backoff wins") {
    FakeTransport transport(clock, {reply(429, "{}", {{"retry-after", "1"}}), reply(200, "fine")});
    RateLimiter limiter(clock, unlimited());
    HttpClient client(transport, clock, limiter, policy(3, 4, 30, 0));
    client.fetch(get("https://h/x"));
    CHECK(clock.sleeps() == std::vector<double>{4});
  }
  SECTION("an HTTP-date, measured on the clock's wall time") {
    FakeTransport transport(clock, {reply(503, "", {{"retry-after", "Thu, 01 Jan 2026 00:00:09 GMT"}}),
                                    reply(200, "fine")});
    RateLimiter limiter(clock, unlimited());
    HttpClient client(transport, clock, limiter, policy(3, 1, 30, 0));
    client.fetch(get("https://h/x"));
    CHECK(clock.sleeps() == std::vector<double>{9});
  }
  SECTION("capped at max_retry_after") {
    FakeTransport transport(clock, {reply(429, "{}", {{"retry-after", "3600"}}), reply(200, "fine")});
    RateLimiter limiter(clock, unlimited());
    RetryPolicy p = policy(3, 1, 30, 0);
    p.max_retry_after = Seconds(20);
    HttpClient client(transport, clock, limiter, p);
    client.fetch(get("https://h/x"));
    CHECK(clock.sleeps() == std::vector<double>{20});
  }
  SECTION("ignored when the policy says so") {
    FakeTransport transport(clock, {reply(429, "{}", {{"retry-after", "7"}}), reply(200, "fine")});
    RateLimiter limiter(clock, unlimited());
    RetryPolicy p = policy(3, 1, 30, 0);
    p.honour_retry_after = false;
    HttpClient client(transport, clock, limiter, p);
    client.fetch(get("https://h/x"));
    CHECK(clock.sleeps() == std::vector<double>{1});
  }
}

TEST_CASE("token bucket: 3/s and 10/s, with and without the safety margin", "[http]") {
  static const struct {
    double rate;
    double safety;
    double interval;
  } cases[] = {{3, 0, 1.0 / 3}, {3, 0.05, 0.35}, {10, 0, 0.1}, {10, 0.05, 0.105}};
  for (const auto& c : cases) {
    INFO("rate " << c.rate << " safety " << c.safety);
    FakeClock clock;
    RateLimiter limiter(clock, RateLimit{c.rate, 1, c.safety});
    std::vector<double> starts;
    for (int i = 0; i < 40; ++i) {
      limiter.acquire("eutils.ncbi.nlm.nih.gov");
      starts.push_back(clock.elapsed());
    }
    for (int i = 0; i < 40; ++i) {
      CHECK(starts[i] == Approx(i * c.interval).margin(1e-6));
    }
    // NCBI counts requests in a sliding one-second window: never more than
    // `rate` starts in any second (less a microsecond: without the safety
    // margin the fourth start at 3/s lands exactly one second after the
    // first, which is why the margin exists).
    for (std::size_t i = 0; i < starts.size(); ++i) {
      double window = c.safety > 0 ? 1.0 + 0.04 : 1.0 - 1e-6;
      auto in_window = std::count_if(starts.begin(), starts.end(), [&](double t) {
        return t >= starts[i] && t < starts[i] + window;
      });
      CHECK(in_window <= static_cast<long>(c.rate));
    }
  }
}

TEST_CASE("token bucket: a burst then the steady rate and idle time refills", "[http]") {
  FakeClock clock;
  RateLimiter limiter(clock, RateLimit{2, 3, 0});
  std::vector<double> starts;
  for (int i = 0; i < 5; ++i) {
    limiter.acquire("h");
    starts.push_back(clock.elapsed());
  }
  CHECK(starts == std::vector<double>{0, 0, 0, 0.5, 1.0});
  clock.advance(10); // idle: the bucket fills to 3 again, not more
  starts.clear();
  for (int i = 0; i < 4; ++i) {
    limiter.acquire("h");
    starts.push_back(clock.elapsed() - 11.0);
  }
  CHECK(starts == std::vector<double>{0, 0, 0, 0.5});
}

TEST_CASE("token bucket: hosts are separate and unlimited hosts never wait", "[http]") {
  FakeClock clock;
  clock.set_advance(false); // time stands still: each acquire reserves a later slot
  RateLimiter limiter(clock, RateLimit{0, 1, 0});
  limiter.set_limit("eutils.ncbi.nlm.nih.gov", RateLimit{3, 1, 0});
  limiter.set_limit("www.ebi.ac.uk", RateLimit{10, 1, 0});
  CHECK(limiter.acquire("eutils.ncbi.nlm.nih.gov").count() == 0);
  CHECK(limiter.acquire("www.ebi.ac.uk").count() == 0);
  CHECK(limiter.acquire("clinicaltrials.gov").count() == 0);
  CHECK(limiter.acquire("eutils.ncbi.nlm.nih.gov").count() == Approx(1.0 / 3));
  CHECK(limiter.acquire("www.ebi.ac.uk").count() == Approx(0.1));
  CHECK(limiter.acquire("clinicaltrials.gov").count() == 0);
  CHECK(limiter.acquire("eutils.ncbi.nlm.nih.gov").count() == Approx(2.0 / 3));
  CHECK(limiter.limit("elsewhere").per_second == 0);
  CHECK(limiter.limit("www.ebi.ac.uk").per_second == 10);
}

TEST_CASE("token bucket: concurrent callers get distinct, evenly spaced slots", "[http]") {
  FakeClock clock;
  clock.set_advance(false);
  RateLimiter limiter(clock, RateLimit{10, 1, 0});
  std::mutex mutex;
  std::vector<double> waits;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        double w = limiter.acquire("h").count();
        std::lock_guard lock(mutex);
        waits.push_back(w);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  std::sort(waits.begin(), waits.end());
  REQUIRE(waits.size() == 40);
  for (int i = 0; i < 40; ++i) {
    CHECK(waits[i] == Approx(i * 0.1).margin(1e-6));
  }
}

TEST_CASE("penalize: a pause, then half rate for the penalty window, then full rate", "[http]") {
  FakeClock clock;
  RateLimiter limiter(clock, RateLimit{4, 1, 0});
  limiter.acquire("h");
  limiter.penalize("h", Seconds(2));
  CHECK(limiter.current_rate("h") == 2);
  CHECK(limiter.acquire("h").count() == Approx(2)); // the pause
  CHECK(limiter.acquire("h").count() == Approx(0.5)); // half rate: 2/s
  limiter.penalize("h", Seconds(0));
  limiter.penalize("h", Seconds(0));
  limiter.penalize("h", Seconds(0));
  CHECK(limiter.current_rate("h") == Approx(0.5)); // floor: 1/8 of 4/s
  clock.advance(RateLimiter::k_penalty_window.count() + 1);
  CHECK(limiter.current_rate("h") == 4);
  limiter.acquire("h");
  CHECK(limiter.acquire("h").count() == Approx(0.25));
}

TEST_CASE("HttpClient waits for the limiter before every attempt, retries included", "[http]") {
  FakeClock clock;
  FakeTransport transport(clock, {reply(200, "a"), reply(500, "<html>"), reply(200, "b"), reply(200, "c")});
  RateLimiter limiter(clock, RateLimit{3, 1, 0.05});
  HttpClient client(transport, clock, limiter, policy(3, 0.01, 1, 0));
  client.fetch(get("https://eutils.ncbi.nlm.nih.gov/x"));
  client.fetch(get("https://eutils.ncbi.nlm.nih.gov/x"));
  client.fetch(get("https://eutils.ncbi.nlm.nih.gov/x"));
  REQUIRE(transport.times().size() == 4);
  for (std::size_t i = 1; i < 4; ++i) {
    CHECK(transport.times()[i] - transport.times()[i - 1] >= 0.35 - 1e-9);
  }
  auto stats = client.stats();
  CHECK(stats.fetches == 3);
  CHECK(stats.requests == 4);
  CHECK(stats.retries == 1);
  CHECK(stats.retry_reasons.at("http 500") == 1);
  CHECK(stats.seconds_waiting > 1.0);
}

TEST_CASE("a 429 slows the host's bucket down", "[http]") {
  FakeClock clock;
  FakeTransport transport(clock, {reply(429, R"({"error":"API rate limit exceeded","count":"4","limit":"3"})"),
                                  reply(200, "ok")});
  RateLimiter limiter(clock, RateLimit{3, 1, 0});
  HttpClient client(transport, clock, limiter, policy(3, 0.5, 5, 0));
  client.fetch(get("http://127.0.0.1:9/entrez/eutils/esummary.fcgi"));
  CHECK(limiter.current_rate("127.0.0.1:9") == Approx(1.5));
  CHECK(limiter.current_rate("other") == 3); // other hosts are untouched
}

TEST_CASE("every retryable status and transport failure is retried and the rest are not", "[http]") {
  for (long status : {408L, 425L, 429L, 500L, 502L, 503L, 504L}) {
    INFO(status);
    FakeClock clock;
    FakeTransport transport(clock, {reply(status, "busy"), reply(200, "done")});
    RateLimiter limiter(clock, unlimited());
    HttpClient client(transport, clock, limiter, policy(2, 0.01));
    CHECK(client.fetch(get("https://h/x")).body == "done");
    CHECK(transport.calls() == 2);
  }
  for (auto kind : {TransportError::Kind::connect, TransportError::Kind::reset, TransportError::Kind::timeout,
                    TransportError::Kind::truncated, TransportError::Kind::other}) {
    INFO(litrev::to_string(kind));
    FakeClock clock;
    FakeTransport transport(clock, {kind, reply(200, "done")});
    RateLimiter limiter(clock, unlimited());
    HttpClient client(transport, clock, limiter, policy(2, 0.01));
    CHECK(client.fetch(get("https://h/x")).body == "done");
    CHECK(client.stats().retry_reasons.at(litrev::to_string(kind)) == 1);
  }
  for (auto kind : {TransportError::Kind::too_large, TransportError::Kind::redirects,
                    TransportError::Kind::bad_url, TransportError::Kind::tls}) {
    INFO(litrev::to_string(kind));
    FakeClock clock;
    FakeTransport transport(clock, {kind, reply(200, "done")});
    RateLimiter limiter(clock, unlimited());
    HttpClient client(transport, clock, limiter, policy(5, 0.01));
    CHECK_THROWS_AS(client.fetch(get("https://h/x")), NetworkError);
    CHECK(transport.calls() == 1);
  }
}

TEST_CASE("other 4xx (and unretried 5xx) throw HttpError at once, with a clean excerpt", "[http]") {
  static const struct {
    long status;
    int exit_code;
  } cases[] = {{400, 1}, {404, 1}, {414, 1}, {501, 69}};
  for (const auto& c : cases) {
    INFO(c.status);
    FakeClock clock;
    std::string body = std::string("Bad request\nfor api_key=") + k_key + " from someone@example.org";
    FakeTransport transport(clock, {reply(c.status, body), reply(200, "never")});
    RateLimiter limiter(clock, unlimited());
    HttpClient client(transport, clock, limiter, policy(5, 0.01));
    try {
      client.fetch(get(k_url));
      FAIL("no exception");
    } catch (const HttpError& e) {
      CHECK(e.status() == c.status);
      CHECK(e.exit_code() == c.exit_code);
      CHECK(e.body_excerpt().find("Bad request for api_key=REDACTED") == 0);
      CHECK(std::string(e.what()).find("HTTP " + std::to_string(c.status)) != std::string::npos);
      CHECK(std::string(e.what()).find(k_key) == std::string::npos);
      CHECK(std::string(e.what()).find("someone@example.org") == std::string::npos);
      CHECK(e.url().find("api_key=REDACTED") != std::string::npos);
    }
    CHECK(transport.calls() == 1);
    CHECK(clock.sleeps().empty());
    CHECK(client.stats().failures == 1);
  }
}

TEST_CASE("bodies the check rejects are retried and counted by reason", "[http]") {
  FakeClock clock;
  FakeTransport transport(clock, {reply(200, "<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>"),
                                  reply(200, "{\"esearchresult\":{\"ERROR\":\"Search Backend failed:\n\"}}"),
                                  reply(200, "<PubmedArticleSet></PubmedArticleSet>")});
  RateLimiter limiter(clock, unlimited());
  HttpClient client(transport, clock, limiter, policy(4, 0.01));
  auto check = [](const HttpResponse& r) -> std::string {
    if (r.body.find("<ERROR>") != std::string::npos) {
      return "<ERROR> in body";
    }
    if (r.body.front() == '{') {
      return "invalid JSON";
    }
    return "";
  };
  HttpResponse r = client.fetch(get("https://h/efetch.fcgi"), check);
  CHECK(r.body == "<PubmedArticleSet></PubmedArticleSet>");
  auto stats = client.stats();
  CHECK(stats.requests == 3);
  CHECK(stats.retries == 2);
  CHECK(stats.retry_reasons.at("check: <ERROR> in body") == 1);
  CHECK(stats.retry_reasons.at("check: invalid JSON") == 1);
  CHECK(stats.bytes_received > 0);

  SECTION("the check is not run on a non-2xx response") {
    FakeTransport t2(clock, {reply(503, "<ERROR>"), reply(200, "ok")});
    HttpClient c2(t2, clock, limiter, policy(2, 0.01));
    int runs = 0;
    c2.fetch(get("https://h/x"), [&](const HttpResponse&) {
      ++runs;
      return std::string();
    });
    CHECK(runs == 1);
  }
}

TEST_CASE("after the last attempt: NetworkError naming the redacted URL and no secret anywhere", "[http]") {
  FakeClock clock;
  FakeTransport transport(clock, {TransportError::Kind::timeout, reply(503, std::string("busy ") + k_key),
                                  reply(429, std::string(R"({"error":"API rate limit exceeded","api-key":")") + k_key +
                                                 R"(","count":"11","limit":"10"})")});
  RateLimiter limiter(clock, unlimited());
  HttpClient client(transport, clock, limiter, policy(4, 0.01));
  std::vector<litrev::RetryEvent> events;
  client.set_observer([&](const litrev::RetryEvent& e) { events.push_back(e); });
  std::string message;
  try {
    client.fetch(get(k_url));
    FAIL("no exception");
  } catch (const NetworkError& e) {
    message = e.what();
    CHECK(e.exit_code() == 69);
  }
  INFO(message);
  CHECK(message.find("GET https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=pubmed&id=1,2&api_key=REDACTED"
                     "&email=REDACTED&tool=litrev") == 0);
  CHECK(message.find("after 4 attempts") != std::string::npos);
  CHECK(message.find("last: http 429") != std::string::npos);
  CHECK(message.find(k_key) == std::string::npos);
  CHECK(message.find("example.org") == std::string::npos);
  CHECK(transport.calls() == 4);

  auto stats = client.stats();
  CHECK(stats.requests == 4);
  CHECK(stats.retries == 3);
  CHECK(stats.failures == 1);
  CHECK(stats.responses_429 == 2);
  CHECK(stats.retry_reasons.at("timeout") == 1);
  CHECK(stats.retry_reasons.at("http 503") == 1);
  CHECK(stats.retry_reasons.at("http 429") == 2);
  CHECK(stats_text(stats).find(k_key) == std::string::npos);

  REQUIRE(events.size() == 3);
  for (const auto& e : events) {
    CHECK(e.url.find(k_key) == std::string::npos);
    CHECK(e.url.find("api_key=REDACTED") != std::string::npos);
    CHECK(e.reason.find(k_key) == std::string::npos);
  }
  CHECK(events[0].reason == "timeout");
  CHECK(events[0].attempt == 1);
}

TEST_CASE("a POST's secret form fields stay out of messages too", "[http]") {
  FakeClock clock;
  FakeTransport transport(clock, {reply(400, std::string("echo: db=pubmed&api_key=") + k_key)});
  RateLimiter limiter(clock, unlimited());
  HttpClient client(transport, clock, limiter, policy(2, 0.01));
  HttpRequest request;
  request.method = HttpRequest::Method::post;
  request.url = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi";
  request.form = {{"db", "pubmed"}, {"id", "1,2,3"}, {"api_key", k_key}};
  try {
    client.fetch(request);
    FAIL("no exception");
  } catch (const HttpError& e) {
    CHECK(std::string(e.what()).find("POST https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi: HTTP 400") == 0);
    CHECK(std::string(e.what()).find(k_key) == std::string::npos);
  }
}

TEST_CASE("one attempt only: max_attempts 1 never sleeps", "[http]") {
  FakeClock clock;
  FakeTransport transport(clock, {reply(503, "")});
  RateLimiter limiter(clock, unlimited());
  HttpClient client(transport, clock, limiter, policy(1));
  try {
    client.fetch(get("https://h/x"));
    FAIL("no exception");
  } catch (const NetworkError& e) {
    CHECK(std::string(e.what()) == "GET https://h/x: no usable answer after 1 attempt (last: http 503)");
  }
  CHECK(clock.sleeps().empty());
}
