// litrev-test-server: the replay server as a program, for CLI tests and
// benchmarks. Prints the port on stdout when ready; stops on SIGTERM, SIGINT
// or SIGHUP, when stdin (a pipe or socket) reaches EOF, or when its lifetime
// cap runs out, whichever comes first. Binds 127.0.0.1 only.
//
// Faults can also be set while it runs, over HTTP:
//   GET /_replay/fault?kind=503&next=2     (or on=N, or rate=P)
//   GET /_replay/clear                     forget every fault
//   GET /_replay/requests                  the requests so far (JSON, secrets redacted)
//   GET /_replay/stats                     counts by status, 429s from the limiter
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "replay_server.hpp"

namespace {

using litrev::test::Fault;

constexpr const char* k_usage = R"(usage: litrev-test-server [options]
Replays recorded E-utilities, Europe PMC and ClinicalTrials.gov responses on
127.0.0.1, with faults on request. Prints the port on stdout when ready.

  --port N              port (0, the default: a free one)
  --fixtures DIR        the shared fixtures folder (default: the one the build knows)
  --routes FILE         JSON list of routes tried before the default ones:
                        [{"method":"GET","path":"/entrez/eutils/efetch.fcgi",
                          "params":{"id":"38011560"},"file":"pubmed/x.xml",
                          "status":200,"content_type":"text/xml"}]
                        ("file" relative to --fixtures, or "body" inline text)
  --no-default-routes   serve only --routes
  --synthetic-pubmed N  a made-up PubMed of N articles (PMIDs from 90000001) for
                        ESearch/EFetch, before the default routes; with
  --synthetic-added K   K more entered today, --synthetic-revised R the first R
                        modified today, --synthetic-withheld W the last W never
                        returned by EFetch, --synthetic-not-found PHRASE
                        (repeatable) a phrase PubMed does not find,
                        --synthetic-days FIRST:LAST Entrez dates (YYYY/MM/DD)
  --fault N:KIND        misbehave on request N (repeatable)
  --fault-next N:KIND   misbehave on the next N requests (repeatable)
  --fault-rate KIND:P   misbehave with probability P (repeatable)
  --seed S              seed for --fault-rate (default 1)
  --ncbi-rate-limit     429 like NCBI above 3 requests/s (10 with api_key)
  --stall-ms MS         how long a stall lasts (default 30000, at most 120000)
  --retry-after V       Retry-After value on 429s (default 1; "" for none)
  --max-requests N      answer 503 to every request after the Nth (default 100000)
  --max-lifetime S      exit after S seconds whatever happens (default 600, at most 3600)
  --log FILE            append one JSON line per request (secrets redacted); "-": stderr
  --ignore-stdin        do not exit when stdin reaches EOF
KIND: 429 429-bare 500 502 503 stall stall-body truncate error-200 invalid-json empty-200
)";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "litrev-test-server: " << message << "\n" << k_usage;
  std::_Exit(2);
}

std::pair<std::string, std::string> split_pair(const std::string& value, const std::string& option) {
  std::size_t colon = value.find(':');
  if (colon == std::string::npos) {
    usage_error(option + " wants A:B, got '" + value + "'");
  }
  return {value.substr(0, colon), value.substr(colon + 1)};
}

Fault parse_fault(const std::string& name) {
  auto fault = litrev::test::fault_from_string(name);
  if (!fault) {
    usage_error("unknown fault kind '" + name + "'");
  }
  return *fault;
}

unsigned long long parse_number(const std::string& text, const std::string& option) {
  try {
    std::size_t used = 0;
    unsigned long long n = std::stoull(text, &used);
    if (used != text.size()) {
      throw std::invalid_argument(text);
    }
    return n;
  } catch (const std::exception&) {
    usage_error(option + " wants a number, got '" + text + "'");
  }
}

void add_routes_from(litrev::test::ReplayServer& server, const std::string& file, const std::string& fixtures) {
  std::ifstream in(file);
  if (!in) {
    usage_error("cannot read " + file);
  }
  nlohmann::json routes = nlohmann::json::parse(in);
  for (const auto& j : routes) {
    litrev::test::Route route;
    route.method = j.value("method", "");
    route.path = j.at("path").get<std::string>();
    if (j.contains("params")) {
      route.params = j.at("params").get<std::map<std::string, std::string>>();
    }
    int status = j.value("status", 200);
    if (j.contains("file")) {
      std::string path = j.at("file").get<std::string>();
      if (!path.empty() && path[0] != '/') {
        path = fixtures + "/" + path;
      }
      route.reply = litrev::test::serve_file(path, status);
      if (j.contains("content_type")) {
        auto inner = route.reply;
        std::string type = j.at("content_type").get<std::string>();
        route.reply = [inner, type](const litrev::test::ServedRequest& r) {
          auto reply = inner(r);
          reply.content_type = type;
          return reply;
        };
      }
    } else {
      route.reply = litrev::test::serve_text(j.value("body", ""), j.value("content_type", "text/plain; charset=UTF-8"),
                                             status);
    }
    server.add_route(std::move(route));
  }
}

} // namespace

int main(int argc, char** argv) {
  litrev::test::ServerOptions options;
#ifdef LITREV_SHARED_DIR
  std::string fixtures = std::string(LITREV_SHARED_DIR) + "/fixtures";
#else
  std::string fixtures = "../shared/fixtures";
#endif
  std::string routes_file;
  std::string log_file;
  bool default_routes = true;
  bool watch_stdin = true;
  long lifetime = 600;
  std::vector<std::pair<std::uint64_t, Fault>> on;
  std::vector<std::pair<std::uint32_t, Fault>> next;
  std::vector<std::pair<Fault, double>> rates;
  litrev::test::SyntheticPubmed synthetic;
  bool use_synthetic = false;

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage_error(arg + " needs a value");
      }
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << k_usage;
      return 0;
    } else if (arg == "--port") {
      options.port = static_cast<int>(parse_number(value(), arg));
    } else if (arg == "--fixtures") {
      fixtures = value();
    } else if (arg == "--routes") {
      routes_file = value();
    } else if (arg == "--no-default-routes") {
      default_routes = false;
    } else if (arg == "--synthetic-pubmed") {
      synthetic.count = parse_number(value(), arg);
      use_synthetic = true;
    } else if (arg == "--synthetic-added") {
      synthetic.added = parse_number(value(), arg);
    } else if (arg == "--synthetic-revised") {
      synthetic.revised = parse_number(value(), arg);
    } else if (arg == "--synthetic-withheld") {
      synthetic.withheld = parse_number(value(), arg);
    } else if (arg == "--synthetic-not-found") {
      synthetic.phrases_not_found.push_back(value());
    } else if (arg == "--synthetic-days") {
      auto [first, last] = split_pair(value(), arg);
      synthetic.first_day = first;
      synthetic.last_day = last;
    } else if (arg == "--fault") {
      auto [n, kind] = split_pair(value(), arg);
      on.emplace_back(parse_number(n, arg), parse_fault(kind));
    } else if (arg == "--fault-next") {
      auto [n, kind] = split_pair(value(), arg);
      next.emplace_back(static_cast<std::uint32_t>(parse_number(n, arg)), parse_fault(kind));
    } else if (arg == "--fault-rate") {
      auto [kind, p] = split_pair(value(), arg);
      try {
        rates.emplace_back(parse_fault(kind), std::stod(p));
      } catch (const std::exception&) {
        usage_error("--fault-rate wants KIND:P");
      }
    } else if (arg == "--seed") {
      options.seed = parse_number(value(), arg);
    } else if (arg == "--ncbi-rate-limit") {
      options.ncbi_rate_limit = true;
    } else if (arg == "--stall-ms") {
      options.stall = std::chrono::milliseconds(parse_number(value(), arg));
    } else if (arg == "--retry-after") {
      options.retry_after = value();
    } else if (arg == "--max-requests") {
      options.max_requests = parse_number(value(), arg);
    } else if (arg == "--max-lifetime") {
      lifetime = static_cast<long>(std::min<unsigned long long>(parse_number(value(), arg), 3600));
    } else if (arg == "--log") {
      log_file = value();
    } else if (arg == "--ignore-stdin") {
      watch_stdin = false;
    } else {
      usage_error("unknown option " + arg);
    }
  }

  // Signals are taken by one thread with sigwait; block them everywhere else
  // (threads created from here on inherit the mask).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<litrev::test::ReplayServer> server;
  try {
    server = std::make_unique<litrev::test::ReplayServer>(options);
    if (!routes_file.empty()) {
      add_routes_from(*server, routes_file, fixtures);
    }
    if (use_synthetic) {
      server->add_synthetic_pubmed(fixtures, synthetic);
    }
    if (default_routes) {
      server->add_default_routes(fixtures);
    }
  } catch (const std::exception& e) {
    std::cerr << "litrev-test-server: " << e.what() << "\n";
    return 1;
  }
  for (const auto& [n, f] : on) {
    server->fault_on(n, f);
  }
  for (const auto& [n, f] : next) {
    server->fault_next(n, f);
  }
  for (const auto& [f, p] : rates) {
    server->fault_randomly(f, p);
  }

  std::mutex log_mutex;
  std::ofstream log_stream;
  if (!log_file.empty()) {
    if (log_file != "-") {
      log_stream.open(log_file, std::ios::app);
      if (!log_stream) {
        std::cerr << "litrev-test-server: cannot write " << log_file << "\n";
        return 1;
      }
    }
    std::ostream& out = log_file == "-" ? std::cerr : log_stream;
    server->set_log([&out, &log_mutex](const std::string& line) {
      std::lock_guard lock(log_mutex);
      out << line << '\n' << std::flush;
    });
  }

  litrev::test::ReplayServer* s = server.get();
  std::thread([s, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    s->stop();
  }).detach();

  struct stat st {};
  if (watch_stdin && fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
    // A parent holding the other end of the pipe: its exit (even a crash)
    // closes the pipe and so stops the server.
    std::thread([s] {
      char buffer[256];
      while (true) {
        ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n == 0 || (n < 0 && errno != EINTR)) {
          break;
        }
      }
      s->stop();
    }).detach();
  }

  std::cout << server->port() << std::endl;

  int code = 0;
  if (!server->wait_stopped(std::chrono::seconds(lifetime))) {
    std::cerr << "litrev-test-server: lifetime of " << lifetime << " s reached, exiting\n";
    code = 3;
  }
  // Whatever happens in stop(), exit within a few seconds.
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::seconds(5));
    std::_Exit(4);
  }).detach();
  server->stop();
  {
    std::lock_guard lock(log_mutex);
    if (log_stream.is_open()) {
      log_stream.flush();
    }
  }
  std::cerr.flush();
  std::cout.flush();
  std::_Exit(code);
}
