// HttpClient (retries, backoff, Retry-After), the http errors, and the small
// pure functions the retry logic is made of.
#include <litrev/http.hpp>

#include <algorithm>
#include <cmath>

#include "http/internal.hpp"

namespace litrev {

// ---------------------------------------------------------------------------
// Small pieces

const char* to_string(HttpRequest::Method method) {
  return method == HttpRequest::Method::post ? "POST" : "GET";
}

const std::string& HttpResponse::header(const std::string& name) const {
  static const std::string k_empty;
  auto it = headers.find(name);
  return it == headers.end() ? k_empty : it->second;
}

TransportError::TransportError(Kind kind, const std::string& what, std::string detail)
  : NetworkError(what), m_kind(kind), m_detail(std::move(detail)) {}

bool TransportError::retryable() const noexcept {
  switch (m_kind) {
  case Kind::connect:
  case Kind::reset:
  case Kind::timeout:
  case Kind::truncated:
  case Kind::other:
    return true;
  case Kind::too_large:
  case Kind::redirects:
  case Kind::bad_url:
  case Kind::tls:
    return false;
  }
  return false;
}

const char* to_string(TransportError::Kind kind) {
  switch (kind) {
  case TransportError::Kind::connect:
    return "connect";
  case TransportError::Kind::reset:
    return "reset";
  case TransportError::Kind::timeout:
    return "timeout";
  case TransportError::Kind::truncated:
    return "truncated";
  case TransportError::Kind::too_large:
    return "too_large";
  case TransportError::Kind::redirects:
    return "redirects";
  case TransportError::Kind::bad_url:
    return "bad_url";
  case TransportError::Kind::tls:
    return "tls";
  case TransportError::Kind::other:
    return "other";
  }
  return "other";
}

HttpError::HttpError(long status, std::string url, std::string body_excerpt, const std::string& what)
  : Error(what, status >= 500 ? k_exit_unavailable : k_exit_failure),
    m_status(status),
    m_url(std::move(url)),
    m_body_excerpt(std::move(body_excerpt)) {}

std::string body_excerpt(std::string_view body, const std::vector<std::string>& secrets,
                         std::size_t limit) {
  // Blank out secrets before cutting, so that a secret straddling the cut
  // cannot leave a recognisable half behind.
  std::string text = blank_out(std::string(body.substr(0, limit + 256)), secrets);
  if (text.size() > limit) {
    text.resize(limit);
    // Do not end in the middle of a UTF-8 sequence.
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) {
      text.pop_back();
    }
    if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80) != 0) {
      text.pop_back();
    }
    text += "...";
  }
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      c = ' ';
    }
  }
  return text;
}

std::string default_user_agent(std::string_view contact_email) {
#ifndef LITREV_VERSION
#define LITREV_VERSION "0.0.0"
#endif
  std::string agent = "litrev/" LITREV_VERSION;
  if (!contact_email.empty()) {
    agent += " (+mailto:";
    agent += contact_email;
    agent += ")";
  }
  return agent;
}

Seconds backoff_delay(const RetryPolicy& policy, int attempt, double unit_random) {
  double base = std::max(0.0, policy.base_delay.count());
  double cap = std::max(0.0, policy.max_delay.count());
  int doublings = std::clamp(attempt - 1, 0, 62);
  double d = std::min(cap, std::ldexp(base, doublings));
  double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  double u = std::clamp(unit_random, 0.0, 1.0);
  return Seconds(d * (1 - jitter * u));
}

// ---------------------------------------------------------------------------
// Retry-After

namespace {

int month_number(std::string_view name) {
  static constexpr std::string_view k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (name == k_months[i]) {
      return i + 1;
    }
  }
  return 0;
}

// Reads exactly `digits` digits (or 1-2 when digits == 0) at `pos`.
bool read_number(std::string_view s, std::size_t& pos, int digits, int& out) {
  int n = 0;
  int count = 0;
  int max_count = digits == 0 ? 2 : digits;
  while (pos < s.size() && count < max_count && s[pos] >= '0' && s[pos] <= '9') {
    n = n * 10 + (s[pos] - '0');
    ++pos;
    ++count;
  }
  if (count == 0 || (digits != 0 && count != digits)) {
    return false;
  }
  out = n;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, std::string_view what) {
  if (s.substr(pos, what.size()) != what) {
    return false;
  }
  pos += what.size();
  return true;
}

bool read_time(std::string_view s, std::size_t& pos, int& h, int& m, int& sec) {
  return read_number(s, pos, 2, h) && expect(s, pos, ":") && read_number(s, pos, 2, m) &&
         expect(s, pos, ":") && read_number(s, pos, 2, sec) && h < 24 && m < 60 && sec <= 60;
}

// An HTTP-date as seconds since the Unix epoch.
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view s) {
  int day = 0;
  int month = 0;
  int year = 0;
  int h = 0;
  int m = 0;
  int sec = 0;
  std::size_t comma = s.find(',');
  std::size_t pos = 0;
  if (comma != std::string_view::npos) {
    pos = comma + 1;
    if (!expect(s, pos, " ")) {
      return std::nullopt;
    }
    if (s.size() > pos + 2 && s[pos + 2] == '-') {
      // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
      if (!read_number(s, pos, 2, day) || !expect(s, pos, "-")) {
        return std::nullopt;
      }
      month = month_number(s.substr(pos, 3));
      pos += 3;
      if (!expect(s, pos, "-") || !read_number(s, pos, 2, year)) {
        return std::nullopt;
      }
      // RFC 9110: a two-digit year more than 50 years in the future is in
      // the past century; read 70-99 as 19xx, 00-69 as 20xx.
      year += year >= 70 ? 1900 : 2000;
    } else {
      // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
      if (!read_number(s, pos, 2, day) || !expect(s, pos, " ")) {
        return std::nullopt;
      }
      month = month_number(s.substr(pos, 3));
      pos += 3;
      if (!expect(s, pos, " ") || !read_number(s, pos, 4, year)) {
        return std::nullopt;
      }
    }
    if (!expect(s, pos, " ") || !read_time(s, pos, h, m, sec) || !expect(s, pos, " GMT") ||
        pos != s.size()) {
      return std::nullopt;
    }
  } else {
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (s.size() < 4 || s[3] != ' ') {
      return std::nullopt;
    }
    pos = 4;
    month = month_number(s.substr(pos, 3));
    pos += 3;
    if (!expect(s, pos, " ")) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ' ') {
      ++pos;
    }
    if (!read_number(s, pos, 0, day) || !expect(s, pos, " ") || !read_time(s, pos, h, m, sec) ||
        !expect(s, pos, " ") || !read_number(s, pos, 4, year) || pos != s.size()) {
      return std::nullopt;
    }
  }
  if (month == 0) {
    return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return sys_days(ymd) + hours(h) + minutes(m) + seconds(sec);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

} // namespace

std::optional<Seconds> parse_retry_after(std::string_view value,
                                         std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) {
      return Seconds(1e9); // absurdly long; the policy's cap applies
    }
    return Seconds(std::stod(std::string(value)));
  }
  auto date = parse_http_date(value);
  if (!date) {
    return std::nullopt;
  }
  Seconds delay = *date - now;
  return delay.count() > 0 ? delay : Seconds(0);
}

// ---------------------------------------------------------------------------
// HttpClient

namespace {

bool is_retryable_status(long status) {
  switch (status) {
  case 408:
  case 425:
  case 429:
  case 500:
  case 502:
  case 503:
  case 504:
    return true;
  default:
    return false;
  }
}

} // namespace

HttpClient::HttpClient(HttpTransport& transport, Clock& clock, RateLimiter& limiter, RetryPolicy policy)
  : m_transport(transport),
    m_clock(clock),
    m_limiter(limiter),
    m_policy(policy),
    m_rng(policy.seed) {}

void HttpClient::set_observer(Observer observer) { m_observer = std::move(observer); }

HttpStats HttpClient::stats() const {
  std::lock_guard lock(m_mutex);
  return m_stats;
}

void HttpClient::reset_stats() {
  std::lock_guard lock(m_mutex);
  m_stats = HttpStats{};
}

double HttpClient::next_unit_random() {
  std::lock_guard lock(m_mutex);
  // 53 random bits -> [0, 1): the same on every platform for a given seed
  // (std::uniform_real_distribution is not).
  return static_cast<double>(m_rng() >> 11) * 0x1.0p-53;
}

void HttpClient::count_reason(const std::string& reason) {
  std::lock_guard lock(m_mutex);
  ++m_stats.retry_reasons[reason];
}

HttpResponse HttpClient::fetch(const HttpRequest& request, const BodyCheck& check) {
  const std::string host = url_authority(request.url);
  const std::string shown_url = redact_url(request.url);
  const std::string method = to_string(request.method);
  const std::vector<std::string> secrets = secret_values(request);
  const int max_attempts = std::max(1, m_policy.max_attempts);
  {
    std::lock_guard lock(m_mutex);
    ++m_stats.fetches;
  }
  auto fail = [&](const std::string& message) {
    {
      std::lock_guard lock(m_mutex);
      ++m_stats.failures;
    }
    return NetworkError(blank_out(message, secrets));
  };

  std::string last_reason; // the stats key: "timeout", "http 503", "check: ..."
  std::string last_detail; // for transport errors: "timeout: Operation timed out ..."
  for (int attempt = 1;; ++attempt) {
    last_detail.clear();
    Seconds waited = m_limiter.acquire(host);
    {
      std::lock_guard lock(m_mutex);
      ++m_stats.requests;
      if (attempt > 1) {
        ++m_stats.retries;
      }
      m_stats.seconds_waiting += waited.count();
    }

    std::optional<Seconds> retry_after;
    bool was_429 = false;
    try {
      HttpResponse response = m_transport.perform(request);
      {
        std::lock_guard lock(m_mutex);
        m_stats.bytes_received += response.body.size();
      }
      long status = response.status;
      if (status >= 200 && status < 300) {
        std::string problem = check ? check(response) : std::string();
        if (problem.empty()) {
          return response;
        }
        last_reason = "check: " + problem;
      } else if (is_retryable_status(status)) {
        last_reason = "http " + std::to_string(status);
        if (status == 429) {
          was_429 = true;
          std::lock_guard lock(m_mutex);
          ++m_stats.responses_429;
        }
        if (m_policy.honour_retry_after) {
          const std::string& value = response.header("retry-after");
          if (!value.empty()) {
            retry_after = parse_retry_after(value, m_clock.wall_now());
          }
        }
      } else {
        std::string excerpt = body_excerpt(response.body, secrets);
        {
          std::lock_guard lock(m_mutex);
          ++m_stats.failures;
          ++m_stats.retry_reasons["http " + std::to_string(status)];
        }
        throw HttpError(status, shown_url, excerpt,
                        method + " " + shown_url + ": HTTP " + std::to_string(status) +
                            (excerpt.empty() ? std::string() : ": " + excerpt));
      }
    } catch (const TransportError& e) {
      last_reason = to_string(e.kind());
      last_detail = e.detail().empty() ? std::string() : last_reason + ": " + e.detail();
      if (!e.retryable()) {
        count_reason(last_reason);
        throw fail(method + " " + shown_url + ": " + (last_detail.empty() ? last_reason : last_detail) +
                   " (not retried)");
      }
    }

    count_reason(last_reason);
    if (attempt >= max_attempts) {
      throw fail(method + " " + shown_url + ": no usable answer after " + std::to_string(attempt) +
                 (attempt == 1 ? " attempt" : " attempts") +
                 " (last: " + (last_detail.empty() ? last_reason : last_detail) + ")");
    }

    Seconds delay = backoff_delay(m_policy, attempt, next_unit_random());
    if (retry_after) {
      Seconds asked = std::min(*retry_after, m_policy.max_retry_after);
      delay = std::max(delay, asked);
    }
    if (was_429) {
      m_limiter.penalize(host, delay);
    }
    if (m_observer) {
      m_observer(RetryEvent{method, shown_url, attempt, max_attempts, blank_out(last_reason, secrets), delay});
    }
    {
      std::lock_guard lock(m_mutex);
      m_stats.seconds_waiting += delay.count();
    }
    m_clock.sleep_for(delay);
  }
}

} // namespace litrev
