// RateLimiter: one token bucket per host, written as GCRA (the "generic cell
// rate algorithm"): each host keeps a theoretical arrival time `tat`; a request
// may start once `tat - tau` has come, where tau = (burst - 1) * interval, and
// moves `tat` on by one interval. That is a token bucket of `burst` tokens
// refilled every `interval`, without a refill loop, and it lets each caller
// reserve its slot under the lock and sleep outside it.
#include <litrev/http.hpp>

#include <algorithm>

namespace litrev {

namespace {

using TimePoint = std::chrono::steady_clock::time_point;
using Tick = std::chrono::steady_clock::duration;

Tick to_ticks(Seconds s) { return std::chrono::duration_cast<Tick>(s); }

} // namespace

RateLimiter::RateLimiter(Clock& clock, RateLimit default_limit)
  : m_clock(clock), m_default(default_limit) {}

void RateLimiter::set_limit(const std::string& host, RateLimit limit) {
  std::lock_guard lock(m_mutex);
  m_limits[host] = limit;
  m_buckets.erase(host);
}

RateLimit RateLimiter::limit(const std::string& host) const {
  std::lock_guard lock(m_mutex);
  auto it = m_limits.find(host);
  return it == m_limits.end() ? m_default : it->second;
}

RateLimiter::Bucket& RateLimiter::bucket(const std::string& host) {
  auto it = m_buckets.find(host);
  if (it == m_buckets.end()) {
    Bucket b;
    auto limit = m_limits.find(host);
    b.limit = limit == m_limits.end() ? m_default : limit->second;
    it = m_buckets.emplace(host, b).first;
  }
  return it->second;
}

void RateLimiter::expire_penalty(Bucket& b, TimePoint now) {
  if (b.factor < 1 && now >= b.penalty_until) {
    b.factor = 1;
  }
}

namespace {

// The spacing between starts for `limit` slowed by `factor`.
Tick interval_of(const RateLimit& limit, double factor) {
  double safety = std::max(0.0, limit.safety);
  return to_ticks(Seconds((1 + safety) / (limit.per_second * factor)));
}

Tick tau_of(const RateLimit& limit, Tick interval) { return interval * (std::max(limit.burst, 1) - 1); }

} // namespace

double RateLimiter::current_rate(const std::string& host) {
  std::lock_guard lock(m_mutex);
  Bucket& b = bucket(host);
  expire_penalty(b, m_clock.now());
  return b.limit.per_second <= 0 ? 0.0 : b.limit.per_second * b.factor;
}

Seconds RateLimiter::acquire(const std::string& host) {
  TimePoint now;
  TimePoint start;
  {
    std::lock_guard lock(m_mutex);
    now = m_clock.now();
    Bucket& b = bucket(host);
    expire_penalty(b, now);
    if (b.limit.per_second <= 0) {
      start = std::max(now, b.not_before);
    } else {
      Tick interval = interval_of(b.limit, b.factor);
      Tick tau = tau_of(b.limit, interval);
      TimePoint tat = std::max(b.tat, now);
      start = std::max({now, tat - tau, b.not_before});
      b.tat = std::max(tat, start) + interval;
    }
  }
  Seconds wait = start - now;
  if (wait.count() > 0) {
    m_clock.sleep_for(wait);
    return wait;
  }
  return Seconds(0);
}

void RateLimiter::penalize(const std::string& host, Seconds pause) {
  std::lock_guard lock(m_mutex);
  TimePoint now = m_clock.now();
  Bucket& b = bucket(host);
  expire_penalty(b, now);
  b.factor = std::max(b.factor * 0.5, k_min_penalty_factor);
  b.penalty_until = now + to_ticks(k_penalty_window);
  if (pause.count() > 0) {
    b.not_before = std::max(b.not_before, now + to_ticks(pause));
  }
  if (b.limit.per_second > 0) {
    // Empty the bucket: after the pause, requests resume one interval apart
    // instead of in a burst.
    Tick interval = interval_of(b.limit, b.factor);
    b.tat = std::max({b.tat, now, b.not_before}) + tau_of(b.limit, interval);
  }
}

} // namespace litrev
