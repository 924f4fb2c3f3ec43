// SystemClock: the real clocks.
#include <litrev/http.hpp>

#include <thread>

namespace litrev {

std::chrono::steady_clock::time_point SystemClock::now() { return std::chrono::steady_clock::now(); }

std::chrono::system_clock::time_point SystemClock::wall_now() { return std::chrono::system_clock::now(); }

void SystemClock::sleep_for(Seconds duration) {
  if (duration.count() > 0) {
    std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::nanoseconds>(duration));
  }
}

} // namespace litrev
