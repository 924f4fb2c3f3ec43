// ReplayServer: cpp-httplib on 127.0.0.1, one handler for every request, which
// numbers it, applies the NCBI-style limiter and any scheduled fault, and
// otherwise answers from the first matching route.
#include "replay_server.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <litrev/http.hpp>

namespace litrev::test {

namespace {

using Clock = std::chrono::steady_clock;

struct FaultName {
  Fault fault;
  const char* name;
};

constexpr FaultName k_fault_names[] = {
    {Fault::none, "none"},
    {Fault::too_many_requests, "429"},
    {Fault::too_many_requests_bare, "429-bare"},
    {Fault::internal_error, "500"},
    {Fault::bad_gateway, "502"},
    {Fault::unavailable, "503"},
    {Fault::stall, "stall"},
    {Fault::stall_mid_body, "stall-body"},
    {Fault::truncated, "truncate"},
    {Fault::error_in_200, "error-200"},
    {Fault::invalid_json, "invalid-json"},
    {Fault::empty_200, "empty-200"},
};

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("replay server: cannot read " + path);
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string content_type_for(const std::string& path) {
  auto ext = std::filesystem::path(path).extension().string();
  if (ext == ".xml") {
    return "text/xml; charset=UTF-8";
  }
  if (ext == ".json") {
    return "application/json; charset=UTF-8";
  }
  return "text/plain; charset=UTF-8";
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool path_matches(const std::string& pattern, const std::string& path) {
  if (pattern.size() >= 2 && pattern.compare(pattern.size() - 2, 2, "/*") == 0) {
    std::string_view prefix(pattern.data(), pattern.size() - 1); // keeps the "/"
    if (!starts_with(path, prefix) || path.size() == prefix.size()) {
      return false;
    }
    return path.find('/', prefix.size()) == std::string::npos;
  }
  return pattern == path;
}

bool route_matches(const Route& route, const ServedRequest& request) {
  if (!route.method.empty() && route.method != request.method) {
    return false;
  }
  if (!path_matches(route.path, request.path)) {
    return false;
  }
  for (const auto& [name, value] : route.params) {
    auto it = request.params.find(name);
    if (it == request.params.end() || it->second != value) {
      return false;
    }
  }
  return !route.when || route.when(request);
}

// `query` (no "?") with secret values redacted, via the library's redact_url.
std::string redact_query_string(const std::string& query) {
  const std::string prefix = "http://x/?";
  return litrev::redact_url(prefix + query).substr(prefix.size());
}

bool is_eutils(const ServedRequest& r) { return starts_with(r.path, "/entrez/eutils/"); }

bool wants_json(const ServedRequest& r) {
  if (is_eutils(r)) {
    return r.param("retmode") == "json";
  }
  return starts_with(r.path, "/europepmc/") || starts_with(r.path, "/api/v2/");
}

// NCBI's 429 body, as recorded in fixtures/pubmed/esummary_429_rate_limited_biomcp.json:
// {"error":"API rate limit exceeded","api-key":"<ip or key>","count":"4","limit":"3"}
std::string ncbi_429_body(const std::string& who, int count, int limit) {
  return R"({"error":"API rate limit exceeded","api-key":")" + who + R"(","count":")" + std::to_string(count) +
         R"(","limit":")" + std::to_string(limit) + R"("})";
}

// The E-utility's XML root for an <ERROR> answer ("efetch.fcgi" ->
// "eFetchResult").
std::string eutils_root(const std::string& path) {
  static const std::pair<const char*, const char*> k_roots[] = {
      {"efetch", "eFetchResult"},   {"esearch", "eSearchResult"}, {"esummary", "eSummaryResult"},
      {"epost", "ePostResult"},     {"elink", "eLinkResult"},     {"einfo", "eInfoResult"},
      {"espell", "eSpellResult"},
  };
  for (const auto& [util, root] : k_roots) {
    if (path.find(std::string("/") + util + ".fcgi") != std::string::npos) {
      return root;
    }
  }
  return "eFetchResult";
}

// Articles of the recorded EFetch files, by PMID, for efetch with an id list.
struct ArticleIndex {
  std::map<std::string, std::string> by_pmid;   // PMID -> <PubmedArticle>...</PubmedArticle>
  std::map<std::string, std::string> whole_file; // PMID -> file bytes, for files holding one article
};

ArticleIndex index_articles(const std::string& dir) {
  ArticleIndex index;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (starts_with(name, "efetch_") && entry.path().extension() == ".xml") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  static const std::regex k_pmid(R"(<PMID[^>]*>(\d+)</PMID>)");
  for (const auto& file : files) {
    std::string text = read_whole_file(file);
    std::vector<std::pair<std::string, std::string>> found;
    std::size_t pos = 0;
    while (true) {
      std::size_t a = text.find("<PubmedArticle>", pos);
      std::size_t b = text.find("<PubmedBookArticle>", pos);
      std::size_t start = std::min(a, b);
      if (start == std::string::npos) {
        break;
      }
      std::string close = start == a ? "</PubmedArticle>" : "</PubmedBookArticle>";
      std::size_t end = text.find(close, start);
      if (end == std::string::npos) {
        break;
      }
      end += close.size();
      std::string element = text.substr(start, end - start);
      std::smatch m;
      if (std::regex_search(element, m, k_pmid)) {
        found.emplace_back(m[1].str(), element);
      }
      pos = end;
    }
    for (const auto& [pmid, element] : found) {
      index.by_pmid.try_emplace(pmid, element);
    }
    if (found.size() == 1) {
      index.whole_file.try_emplace(found[0].first, text);
    }
  }
  return index;
}

// Largest request body read (a 10,000-PMID EFetch POST is ~110 KB).
constexpr std::size_t k_max_request_body = 16 << 20;

std::string form_decode(std::string_view text) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Adds the name=value pairs of `text` to `params` (the first value of a name
// wins).
void parse_form(std::string_view text, std::map<std::string, std::string>& params) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t amp = text.find('&', i);
    std::string_view pair = text.substr(i, amp == std::string_view::npos ? std::string_view::npos : amp - i);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      std::string name = form_decode(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos ? std::string() : form_decode(pair.substr(eq + 1));
      params.try_emplace(std::move(name), std::move(value));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    i = amp + 1;
  }
}

std::vector<std::string> split_ids(const std::string& ids) {
  std::vector<std::string> out;
  std::string current;
  for (char c : ids) {
    if (c >= '0' && c <= '9') {
      current += c;
    } else if (!current.empty()) {
      out.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) {
    out.push_back(current);
  }
  return out;
}

} // namespace

const char* to_string(Fault fault) {
  for (const auto& f : k_fault_names) {
    if (f.fault == fault) {
      return f.name;
    }
  }
  return "none";
}

std::optional<Fault> fault_from_string(std::string_view name) {
  for (const auto& f : k_fault_names) {
    if (name == f.name) {
      return f.fault;
    }
  }
  return std::nullopt;
}

const std::string& ServedRequest::param(const std::string& name) const {
  static const std::string k_empty;
  auto it = params.find(name);
  return it == params.end() ? k_empty : it->second;
}

std::string ServedRequest::log_line() const {
  nlohmann::json j;
  j["n"] = number;
  j["t"] = std::round(time * 1e6) / 1e6;
  j["method"] = method;
  j["version"] = version;
  j["path"] = path;
  j["query"] = redact_query_string(query);
  nlohmann::json p = nlohmann::json::object();
  for (const auto& [name, value] : params) {
    p[name] = litrev::is_secret_parameter(name) ? std::string("REDACTED") : value;
  }
  j["params"] = p;
  auto ct = headers.find("content-type");
  if (ct != headers.end() && starts_with(ct->second, "application/x-www-form-urlencoded")) {
    j["form"] = redact_query_string(body);
  }
  j["request_bytes"] = body.size();
  auto ua = headers.find("user-agent");
  j["user_agent"] = ua == headers.end() ? std::string() : ua->second;
  j["status"] = status;
  j["fault"] = to_string(fault);
  j["rate_limited"] = rate_limited;
  j["bytes"] = body_bytes;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Responder serve_file(const std::string& path, int status) {
  auto body = std::make_shared<const std::string>(read_whole_file(path));
  std::string type = content_type_for(path);
  return [body, type, status](const ServedRequest&) {
    Reply r;
    r.status = status;
    r.content_type = type;
    r.body = *body;
    return r;
  };
}

Responder serve_text(std::string body, std::string content_type, int status) {
  return [body = std::move(body), content_type = std::move(content_type), status](const ServedRequest&) {
    Reply r;
    r.status = status;
    r.content_type = content_type;
    r.body = body;
    return r;
  };
}

std::string fault_body(Fault fault, const ServedRequest& request) {
  switch (fault) {
  case Fault::too_many_requests:
  case Fault::too_many_requests_bare: {
    bool keyed = !request.param("api_key").empty();
    return ncbi_429_body(keyed ? request.param("api_key") : request.remote_addr, keyed ? 11 : 4, keyed ? 10 : 3);
  }
  case Fault::internal_error:
    // Synthetic, after the page title reported by OpenKnowledgeMaps/Headstart#257.
    return "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
           "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
           "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
           "<title>NCBI/eutils - WWW Error 500 Diagnostic</title>\n</head>\n<body>\n"
           "<h1>Error occurred: Internal Server Error</h1>\n"
           "<p>The server encountered an internal error and could not complete your request.</p>\n"
           "</body>\n</html>\n";
  case Fault::bad_gateway:
    return "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
           "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
  case Fault::unavailable:
    return "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
           "<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n"
           "<p>The server is temporarily unable to service your\nrequest due to maintenance downtime or "
           "capacity\nproblems. Please try again later.</p>\n</body></html>\n";
  case Fault::error_in_200:
    if (starts_with(request.path, "/europepmc/")) {
      // Reported: a 200 carrying only the version.
      return "{\"version\":\"6.9\"}";
    }
    if (starts_with(request.path, "/api/v2/")) {
      return "{}";
    }
    if (wants_json(request)) {
      // The shape reported for ESearch under load (spec section 1).
      return "{\"header\":{\"type\":\"esearch\",\"version\":\"0.3\"},\"esearchresult\":{\"ERROR\":"
             "\"Search Backend failed: Exception: backend busy (replay server)\"}}";
    }
    {
      // Shaped like fixtures/pubmed/eutils_biopython_esummary8.xml; the
      // message is the one NCBI gives for an expired history key.
      std::string root = eutils_root(request.path);
      return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<" + root + ">\n\t<ERROR>Unable to obtain query #1</ERROR>\n</" +
             root + ">\n";
    }
  case Fault::invalid_json:
    // Spec section 1 ("ESearch depth"): the raw newline after "Exception:"
    // makes this invalid JSON.
    return "{\"header\":{\"type\":\"esearch\",\"version\":\"0.3\"},\"esearchresult\":{\"ERROR\":\"Search Backend "
           "failed: Exception:\n'retstart' cannot be larger than 9998. For PubMed, ESearch can only retrieve the "
           "first 9,999 records matching the query.\"}}\n";
  case Fault::empty_200:
  case Fault::none:
  case Fault::stall:
  case Fault::stall_mid_body:
  case Fault::truncated:
    return "";
  }
  return "";
}

// ---------------------------------------------------------------------------

struct ReplayServer::Impl {
  ServerOptions options;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  Clock::time_point started = Clock::now();

  mutable std::mutex mutex;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::mutex stop_mutex; // serialises stop()
  bool stopped = false;

  std::vector<std::shared_ptr<const Route>> routes;
  std::map<std::uint64_t, Fault> on_number;
  std::deque<Fault> next_faults;
  std::vector<std::pair<Fault, double>> random_faults;
  std::mt19937_64 rng;
  std::uint64_t counter = 0;
  std::map<std::uint64_t, ServedRequest> served;
  std::map<std::string, std::deque<double>> ncbi_windows;
  bool ncbi_limit = false;
  std::size_t rate_limited = 0;
  std::function<void(const std::string&)> log;

  // Waits `d` or until stop(); true when stopping.
  bool wait_or_stop(std::chrono::milliseconds d) {
    d = std::min<std::chrono::milliseconds>(d, k_max_stall);
    std::unique_lock lock(mutex);
    return stop_cv.wait_for(lock, d, [this] { return stopping; });
  }

  // `body`: the request body as read by the content reader (POST).
  ServedRequest describe(const httplib::Request& req, std::string body) const {
    ServedRequest r;
    r.method = req.method;
    r.path = req.path;
    r.version = req.version;
    std::size_t q = req.target.find('?');
    if (q != std::string::npos) {
      r.query = req.target.substr(q + 1);
    }
    r.body = std::move(body);
    for (const auto& [name, value] : req.headers) {
      r.headers.try_emplace(lower(name), value);
    }
    // Query parameters first, then the form: E-utilities takes either.
    parse_form(r.query, r.params);
    auto type = r.headers.find("content-type");
    if (type != r.headers.end() && starts_with(type->second, "application/x-www-form-urlencoded")) {
      parse_form(r.body, r.params);
    }
    r.remote_addr = req.remote_addr;
    return r;
  }

  void finish(const ServedRequest& r) {
    std::function<void(const std::string&)> sink;
    {
      std::lock_guard lock(mutex);
      auto it = served.find(r.number);
      if (it != served.end()) {
        it->second = r;
      }
      sink = log;
    }
    if (sink) {
      sink(r.log_line());
    }
  }

  void handle(const httplib::Request& req, httplib::Response& res, std::string body) {
    ServedRequest r = describe(req, std::move(body));
    if (starts_with(r.path, "/_replay/")) {
      control(r, res);
      return;
    }

    std::shared_ptr<const Route> route;
    Fault fault = Fault::none;
    int window_count = 0;
    int window_limit = 0;
    bool over_cap = false;
    {
      std::lock_guard lock(mutex);
      r.number = ++counter;
      r.time = std::chrono::duration<double>(Clock::now() - started).count();
      over_cap = r.number > options.max_requests;
      if (!over_cap) {
        if (ncbi_limit && is_eutils(r)) {
          const std::string& key = r.param("api_key");
          std::string who = key.empty() ? r.remote_addr : key;
          window_limit = key.empty() ? options.ncbi_limit_keyless : options.ncbi_limit_keyed;
          auto& window = ncbi_windows["k:" + who];
          while (!window.empty() && window.front() <= r.time - 1.0) {
            window.pop_front();
          }
          window.push_back(r.time);
          window_count = static_cast<int>(window.size());
          if (window_count > window_limit) {
            r.rate_limited = true;
            ++rate_limited;
          }
        }
        if (auto it = on_number.find(r.number); it != on_number.end()) {
          fault = it->second;
          on_number.erase(it);
        } else if (!next_faults.empty()) {
          fault = next_faults.front();
          next_faults.pop_front();
        } else {
          for (const auto& [f, p] : random_faults) {
            double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
            if (u < p) {
              fault = f;
              break;
            }
          }
        }
        for (const auto& candidate : routes) {
          if (route_matches(*candidate, r)) {
            route = candidate;
            break;
          }
        }
      }
      served.emplace(r.number, r);
    }

    if (over_cap) {
      r.status = 503;
      res.status = 503;
      res.set_content("replay server: request cap reached\n", "text/plain");
      finish(r);
      return;
    }

    if (r.rate_limited) {
      const std::string& key = r.param("api_key");
      r.status = 429;
      res.status = 429;
      res.set_header("X-RateLimit-Limit", std::to_string(window_limit));
      res.set_header("X-RateLimit-Remaining", "0");
      if (!options.retry_after.empty()) {
        res.set_header("Retry-After", options.retry_after);
      }
      std::string body = ncbi_429_body(key.empty() ? r.remote_addr : key, window_count, window_limit);
      r.body_bytes = body.size();
      res.set_content(body, "application/json");
      finish(r);
      return;
    }
    if (ncbi_limit && is_eutils(r)) {
      res.set_header("X-RateLimit-Limit", std::to_string(window_limit));
      res.set_header("X-RateLimit-Remaining", std::to_string(std::max(0, window_limit - window_count)));
    }

    Reply reply;
    if (route) {
      try {
        reply = route->reply(r);
      } catch (const std::exception& e) {
        reply = Reply{500, "text/plain", std::string("replay server: route failed: ") + e.what() + "\n", {}};
      }
    } else {
      reply = Reply{404, "text/plain", "replay server: no route for " + r.method + " " + r.path + "\n", {}};
    }
    r.fault = fault;

    switch (fault) {
    case Fault::none:
      break;
    case Fault::too_many_requests:
    case Fault::too_many_requests_bare:
      reply = Reply{429, "application/json", fault_body(fault, r), {}};
      if (fault == Fault::too_many_requests && !options.retry_after.empty()) {
        reply.headers.emplace_back("Retry-After", options.retry_after);
      }
      break;
    case Fault::internal_error:
      reply = Reply{500, "text/html", fault_body(fault, r), {}};
      break;
    case Fault::bad_gateway:
      reply = Reply{502, "text/html", fault_body(fault, r), {}};
      break;
    case Fault::unavailable:
      reply = Reply{503, "text/html; charset=iso-8859-1", fault_body(fault, r), {}};
      break;
    case Fault::error_in_200:
      reply = Reply{200, wants_json(r) ? "application/json; charset=UTF-8" : "text/xml; charset=UTF-8",
                    fault_body(fault, r), {}};
      break;
    case Fault::invalid_json:
      reply = Reply{200, "application/json; charset=UTF-8", fault_body(fault, r), {}};
      break;
    case Fault::empty_200:
      reply = Reply{200, reply.content_type, "", {}};
      break;
    case Fault::stall:
      wait_or_stop(options.stall);
      break;
    case Fault::stall_mid_body:
    case Fault::truncated: {
      if (reply.body.size() < 2) {
        reply.body = "<PubmedArticleSet>\n<!-- filler so that there is something to cut -->\n</PubmedArticleSet>\n";
      }
      auto body = std::make_shared<const std::string>(std::move(reply.body));
      r.status = reply.status;
      r.body_bytes = body->size();
      res.status = reply.status;
      for (const auto& [name, value] : reply.headers) {
        res.set_header(name, value);
      }
      bool stall = fault == Fault::stall_mid_body;
      res.set_content_provider(body->size(), reply.content_type,
                               [this, body, stall](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 if (offset > 0) {
                                   return false;
                                 }
                                 sink.write(body->data(), body->size() / 2);
                                 if (stall) {
                                   wait_or_stop(options.stall);
                                 }
                                 return false; // closes the connection mid-body
                               });
      finish(r);
      return;
    }
    }

    r.status = reply.status;
    r.body_bytes = reply.body.size();
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) {
      res.set_header(name, value);
    }
    res.set_content(std::move(reply.body), reply.content_type);
    finish(r);
  }

  // /_replay/requests, /_replay/stats, /_replay/fault?kind=K&(on=N|next=N|rate=P), /_replay/clear:
  // for the executable's users (shell tests); not numbered, not recorded.
  void control(const ServedRequest& r, httplib::Response& res) {
    auto bad = [&res](const std::string& why) {
      res.status = 400;
      res.set_content(why + "\n", "text/plain");
    };
    if (r.path == "/_replay/requests") {
      std::string out = "[";
      std::lock_guard lock(mutex);
      bool first = true;
      for (const auto& [n, s] : served) {
        out += first ? "\n" : ",\n";
        out += s.log_line();
        first = false;
      }
      out += "\n]\n";
      res.set_content(out, "application/json");
    } else if (r.path == "/_replay/stats") {
      nlohmann::json j;
      std::lock_guard lock(mutex);
      std::map<std::string, std::size_t> statuses;
      for (const auto& [n, s] : served) {
        ++statuses[std::to_string(s.status)];
      }
      j["requests"] = counter;
      j["rate_limited"] = rate_limited;
      j["statuses"] = statuses;
      res.set_content(j.dump() + "\n", "application/json");
    } else if (r.path == "/_replay/fault") {
      auto fault = fault_from_string(r.param("kind"));
      if (!fault) {
        bad("unknown fault kind");
        return;
      }
      try {
        std::lock_guard lock(mutex);
        if (!r.param("on").empty()) {
          on_number[std::stoull(r.param("on"))] = *fault;
        } else if (!r.param("next").empty()) {
          next_faults.insert(next_faults.end(), std::stoul(r.param("next")), *fault);
        } else if (!r.param("rate").empty()) {
          random_faults.emplace_back(*fault, std::stod(r.param("rate")));
        } else {
          bad("give on=N, next=N or rate=P");
          return;
        }
      } catch (const std::exception&) {
        bad("bad number");
        return;
      }
      res.set_content("ok\n", "text/plain");
    } else if (r.path == "/_replay/clear") {
      std::lock_guard lock(mutex);
      on_number.clear();
      next_faults.clear();
      random_faults.clear();
      res.set_content("ok\n", "text/plain");
    } else {
      res.status = 404;
      res.set_content("unknown control path\n", "text/plain");
    }
  }
};

ReplayServer::ReplayServer(ServerOptions options) : m_impl(std::make_unique<Impl>()) {
  Impl& impl = *m_impl;
  impl.options = std::move(options);
  impl.rng.seed(impl.options.seed);
  impl.ncbi_limit = impl.options.ncbi_rate_limit;
  impl.server.set_keep_alive_max_count(1000);
  // Short, so that stop() does not wait long on a client's idle connection.
  impl.server.set_keep_alive_timeout(1);
  impl.server.set_read_timeout(5, 0);
  impl.server.set_write_timeout(5, 0);
  impl.server.Get(".*", [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res, {}); });
  // POST through a content reader: httplib's own form parsing refuses forms
  // over 8 KB (413), and an EFetch POST of 10,000 PMIDs is about 110 KB.
  impl.server.Post(".*", [&impl](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) {
    std::string body;
    bool complete = reader([&body](const char* data, std::size_t size) {
      body.append(data, size);
      return body.size() <= k_max_request_body;
    });
    if (!complete) {
      res.status = 413;
      res.set_content("replay server: request body too large\n", "text/plain");
      return;
    }
    impl.handle(req, res, std::move(body));
  });

  if (impl.options.port == 0) {
    impl.port = impl.server.bind_to_any_port("127.0.0.1");
  } else {
    impl.port = impl.server.bind_to_port("127.0.0.1", impl.options.port) ? impl.options.port : -1;
  }
  if (impl.port <= 0) {
    throw std::runtime_error("replay server: cannot bind 127.0.0.1:" + std::to_string(impl.options.port));
  }
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  // stop() only works once the server runs; wait for that (a few ms).
  for (int i = 0; i < 5000 && !impl.server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!impl.server.is_running()) {
    stop();
    throw std::runtime_error("replay server: did not start");
  }
}

ReplayServer::~ReplayServer() { stop(); }

void ReplayServer::stop() {
  Impl& impl = *m_impl;
  std::lock_guard stop_lock(impl.stop_mutex);
  if (impl.stopped) {
    return;
  }
  {
    std::lock_guard lock(impl.mutex);
    impl.stopping = true;
  }
  impl.stop_cv.notify_all();
  // The constructor saw the server running, so stop() makes
  // listen_after_bind return once the handlers have finished (stalls were
  // just woken up).
  impl.server.stop();
  if (impl.thread.joinable()) {
    impl.thread.join();
  }
  impl.stopped = true;
}

bool ReplayServer::wait_stopped(std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_impl->mutex);
  return m_impl->stop_cv.wait_for(lock, timeout, [this] { return m_impl->stopping; });
}

int ReplayServer::port() const { return m_impl->port; }

std::string ReplayServer::base_url() const { return "http://127.0.0.1:" + std::to_string(m_impl->port); }
std::string ReplayServer::eutils_url() const { return base_url() + "/entrez/eutils/"; }
std::string ReplayServer::europepmc_url() const { return base_url() + "/europepmc/webservices/rest/"; }
std::string ReplayServer::ctgov_url() const { return base_url() + "/api/v2/"; }

void ReplayServer::add_route(Route route) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->routes.push_back(std::make_shared<const Route>(std::move(route)));
}

void ReplayServer::fault_on(std::uint64_t request_number, Fault fault) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->on_number[request_number] = fault;
}

void ReplayServer::fault_next(std::uint32_t count, Fault fault) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->next_faults.insert(m_impl->next_faults.end(), count, fault);
}

void ReplayServer::fault_randomly(Fault fault, double probability) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->random_faults.emplace_back(fault, probability);
}

void ReplayServer::clear_faults() {
  std::lock_guard lock(m_impl->mutex);
  m_impl->on_number.clear();
  m_impl->next_faults.clear();
  m_impl->random_faults.clear();
}

void ReplayServer::set_ncbi_rate_limit(bool on) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->ncbi_limit = on;
  m_impl->ncbi_windows.clear();
}

std::vector<ServedRequest> ReplayServer::requests() const {
  std::lock_guard lock(m_impl->mutex);
  std::vector<ServedRequest> out;
  out.reserve(m_impl->served.size());
  for (const auto& [n, r] : m_impl->served) {
    out.push_back(r);
  }
  return out;
}

std::size_t ReplayServer::count_status(int status) const {
  std::lock_guard lock(m_impl->mutex);
  return static_cast<std::size_t>(std::count_if(m_impl->served.begin(), m_impl->served.end(),
                                                [status](const auto& entry) { return entry.second.status == status; }));
}

std::size_t ReplayServer::rate_limited() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->rate_limited;
}

void ReplayServer::clear_requests() {
  std::lock_guard lock(m_impl->mutex);
  m_impl->served.clear();
}

void ReplayServer::set_log(std::function<void(const std::string&)> log) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->log = std::move(log);
}

// ---------------------------------------------------------------------------
// Default routes

namespace {

std::chrono::sys_days synthetic_day(const std::string& text) {
  int y = 0;
  unsigned m = 1, d = 1;
  if (std::sscanf(text.c_str(), "%d/%u/%u", &y, &m, &d) < 1) {
    throw std::runtime_error("synthetic PubMed: bad date '" + text + "'");
  }
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

std::string synthetic_day_text(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d/%02u/%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// The made-up PubMed's articles: dates and titles, generated once; the XML is
// made per request from the template.
struct SyntheticArticles {
  static constexpr std::uint64_t k_first_pmid = 90000001;
  static constexpr const char* k_template_pmid = "31789841";
  SyntheticPubmed options;
  std::string template_xml; // <PubmedArticle>...</PubmedArticle>, DOI removed
  std::vector<std::string> edat, mdat;

  std::size_t size() const { return edat.size(); }
  std::string pmid(std::size_t i) const { return std::to_string(k_first_pmid + i); }
  bool withheld(std::size_t i) const {
    return i < options.count && i >= options.count - std::min(options.withheld, options.count);
  }
  std::string article(std::size_t i) const {
    std::string xml = template_xml;
    const std::string pmid_text = pmid(i);
    for (std::size_t at = xml.find(k_template_pmid); at != std::string::npos; at = xml.find(k_template_pmid, at)) {
      xml.replace(at, std::strlen(k_template_pmid), pmid_text);
      at += pmid_text.size();
    }
    const std::size_t t0 = xml.find("<ArticleTitle>") + 14;
    const std::size_t t1 = xml.find("</ArticleTitle>");
    std::string title = "Synthetic record " + pmid_text + ", a copy of PMID " + k_template_pmid;
    if (i < options.revised) {
      title += " (revised)";
    }
    xml.replace(t0, t1 - t0, title);
    return xml;
  }
};

std::string cut_element(std::string xml, const std::string& open, const std::string& close) {
  const std::size_t a = xml.find(open);
  if (a != std::string::npos) {
    const std::size_t b = xml.find(close, a);
    if (b != std::string::npos) {
      xml.erase(a, b + close.size() - a);
    }
  }
  return xml;
}

} // namespace

void ReplayServer::add_synthetic_pubmed(const std::string& fixtures_dir, const SyntheticPubmed& pubmed) {
  auto data = std::make_shared<SyntheticArticles>();
  data->options = pubmed;
  const std::string text = read_whole_file(fixtures_dir + "/pubmed/efetch_metapub_31789841.xml");
  const std::size_t a = text.find("<PubmedArticle>");
  const std::size_t b = text.find("</PubmedArticle>");
  if (a == std::string::npos || b == std::string::npos) {
    throw std::runtime_error("synthetic PubMed: no article in the template fixture");
  }
  std::string xml = text.substr(a, b + 16 - a);
  xml = cut_element(xml, "<ELocationID EIdType=\"doi\"", "</ELocationID>");
  xml = cut_element(xml, "<ArticleId IdType=\"doi\">", "</ArticleId>");
  data->template_xml = xml;
  const auto first = synthetic_day(pubmed.first_day);
  const auto last = synthetic_day(pubmed.last_day);
  const auto span = (last - first).count();
  std::string added_day = pubmed.added_day;
  if (added_day.empty()) {
    added_day = synthetic_day_text(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  }
  for (std::size_t i = 0; i < pubmed.count + pubmed.added; ++i) {
    std::string e = i < pubmed.count
                        ? synthetic_day_text(first + std::chrono::days{pubmed.count > 1 ? span * static_cast<long>(i) / static_cast<long>(pubmed.count - 1) : 0})
                        : added_day;
    data->mdat.push_back(i < pubmed.revised ? added_day : e);
    data->edat.push_back(std::move(e));
  }

  const std::string eutils = "/entrez/eutils/";
  add_route({"", eutils + "esearch.fcgi", {}, {}, [data](const ServedRequest& r) {
               Reply reply;
               reply.content_type = "application/json; charset=UTF-8";
               const std::string term = r.param("term");
               nlohmann::json result = {{"count", "0"}, {"retmax", "0"}, {"retstart", "0"},
                                        {"idlist", nlohmann::json::array()},
                                        {"translationset", nlohmann::json::array()}};
               std::vector<std::string> not_found;
               bool only_unknown = false;
               for (const auto& p : data->options.phrases_not_found) {
                 if (term.find(p) != std::string::npos) {
                   not_found.push_back(p);
                   only_unknown = only_unknown || term == p;
                 }
               }
               std::string translation = term;
               const std::string datetype = r.param("datetype").empty() ? "edat" : r.param("datetype");
               std::string lo = r.param("mindate"), hi = r.param("maxdate");
               if (!lo.empty()) {
                 translation += " AND " + lo + ":" + hi + "[" + datetype + "]";
               }
               // PubMed takes YYYY, YYYY/MM or YYYY/MM/DD; as strings, pad
               // them to whole days so that "2010" to "2010" is the year.
               if (lo.size() == 4 || lo.size() == 7) {
                 lo += lo.size() == 4 ? "/00/00" : "/00";
               }
               if (hi.size() == 4 || hi.size() == 7) {
                 hi += hi.size() == 4 ? "/99/99" : "/99";
               }
               std::vector<std::string> hits;
               if (!only_unknown) {
                 const auto& dates = datetype == "mdat" ? data->mdat : data->edat;
                 for (std::size_t i = data->size(); i-- > 0;) { // newest first, as PubMed lists
                   if ((lo.empty() || dates[i] >= lo) && (hi.empty() || dates[i] <= hi)) {
                     hits.push_back(data->pmid(i));
                   }
                 }
               }
               const std::size_t retstart = r.param("retstart").empty() ? 0 : std::stoul(r.param("retstart"));
               const std::size_t retmax = r.param("retmax").empty() ? 20 : std::stoul(r.param("retmax"));
               if (retstart > 9998) {
                 // What PubMed sends, raw newline (invalid JSON) included.
                 reply.body = "{\"header\":{\"type\":\"esearch\",\"version\":\"0.3\"},\"esearchresult\":{\"ERROR\":"
                              "\"Search Backend failed: Exception:\n'retstart' cannot be larger than 9998. For "
                              "PubMed, ESearch can only retrieve the first 9,999 records matching the query. To "
                              "obtain more than 9,999 PubMed records, consider using EDirect that contains "
                              "additional logic to batch PubMed search results automatically so that an "
                              "arbitrary number can be retrieved. For details see "
                              "https://www.ncbi.nlm.nih.gov/books/NBK25499/\"}}\n";
                 return reply;
               }
               result["count"] = std::to_string(hits.size());
               result["retstart"] = std::to_string(retstart);
               const std::size_t end = std::min({hits.size(), retstart + retmax, std::size_t{9999}});
               for (std::size_t i = retstart; i < end; ++i) {
                 result["idlist"].push_back(hits[i]);
               }
               result["retmax"] = std::to_string(result["idlist"].size());
               result["querytranslation"] = translation;
               if (!not_found.empty()) {
                 result["errorlist"] = {{"phrasesnotfound", not_found}, {"fieldsnotfound", nlohmann::json::array()}};
               }
               if (hits.empty()) {
                 result["warninglist"] = {{"phrasesignored", nlohmann::json::array()},
                                          {"quotedphrasesnotfound", nlohmann::json::array()},
                                          {"outputmessages", {"No items found."}}};
               }
               reply.body = nlohmann::json{{"header", {{"type", "esearch"}, {"version", "0.3"}}},
                                           {"esearchresult", result}}
                                .dump() +
                            "\n";
               return reply;
             }});
  add_route({"", eutils + "efetch.fcgi", {}, [](const ServedRequest& r) { return !r.param("id").empty(); },
             [data](const ServedRequest& r) {
               Reply reply;
               reply.content_type = "text/xml; charset=UTF-8";
               reply.body = "<?xml version=\"1.0\" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle, "
                            "1st January 2025//EN\" \"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd\">\n"
                            "<PubmedArticleSet>\n";
               for (const auto& id : split_ids(r.param("id"))) {
                 const std::uint64_t n = id.size() < 19 ? std::stoull(id) : 0;
                 if (n < SyntheticArticles::k_first_pmid || n - SyntheticArticles::k_first_pmid >= data->size()) {
                   continue; // unknown PMIDs are left out, as PubMed does
                 }
                 const std::size_t i = n - SyntheticArticles::k_first_pmid;
                 if (!data->withheld(i)) {
                   reply.body += data->article(i);
                   reply.body += "\n";
                 }
               }
               reply.body += "</PubmedArticleSet>\n";
               return reply;
             }});
}

void ReplayServer::add_default_routes(const std::string& fixtures_dir) {
  const std::string pubmed = fixtures_dir + "/pubmed/";
  const std::string epmc = fixtures_dir + "/europepmc/";
  const std::string ctgov = fixtures_dir + "/ctgov/";
  const std::string eutils = "/entrez/eutils/";

  // ESearch: usehistory=y -> a WebEnv answer; retmode=json -> JSON; else XML.
  add_route({"", eutils + "esearch.fcgi", {{"usehistory", "y"}}, {}, serve_file(pubmed + "eutils_biopython_esearch2.xml")});
  add_route({"", eutils + "esearch.fcgi", {{"retmode", "json"}}, {},
             serve_file(pubmed + "esearch_json_biomcp_pten_d326n.json")});
  add_route({"", eutils + "esearch.fcgi", {}, {}, serve_file(pubmed + "eutils_biopython_esearch1.xml")});

  // EFetch by id list (GET or POST): one known PMID whose file holds only it
  // -> that file byte for byte; otherwise the known articles, in the order
  // asked, in a PubmedArticleSet (unknown PMIDs are left out, as PubMed
  // does).
  auto articles = std::make_shared<const ArticleIndex>(index_articles(pubmed));
  add_route({"", eutils + "efetch.fcgi", {}, [](const ServedRequest& r) { return !r.param("id").empty(); },
             [articles](const ServedRequest& r) {
               std::vector<std::string> ids = split_ids(r.param("id"));
               Reply reply;
               reply.content_type = "text/xml; charset=UTF-8";
               if (ids.size() == 1) {
                 auto it = articles->whole_file.find(ids[0]);
                 if (it != articles->whole_file.end()) {
                   reply.body = it->second;
                   return reply;
                 }
               }
               reply.body = "<?xml version=\"1.0\" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle, "
                            "1st January 2025//EN\" \"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd\">\n"
                            "<PubmedArticleSet>\n";
               for (const auto& id : ids) {
                 auto it = articles->by_pmid.find(id);
                 if (it != articles->by_pmid.end()) {
                   reply.body += it->second;
                   reply.body += "\n";
                 }
               }
               reply.body += "</PubmedArticleSet>\n";
               return reply;
             }});
  add_route({"", eutils + "efetch.fcgi", {}, {},
             serve_text("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<eFetchResult>\n\t<ERROR>Empty id list - nothing "
                        "todo</ERROR>\n</eFetchResult>\n",
                        "text/xml; charset=UTF-8")});
  add_route({"", eutils + "esummary.fcgi", {}, [](const ServedRequest& r) { return r.param("id").empty() && r.param("query_key").empty(); },
             serve_file(pubmed + "eutils_biopython_esummary8.xml")});
  add_route({"", eutils + "esummary.fcgi", {}, {}, serve_file(pubmed + "eutils_biopython_esummary1.xml")});
  add_route({"", eutils + "epost.fcgi", {}, {}, serve_file(pubmed + "eutils_biopython_epost1.xml")});
  add_route({"", eutils + "einfo.fcgi", {}, {}, serve_file(pubmed + "eutils_biopython_einfo2.xml")});
  add_route({"", eutils + "espell.fcgi", {}, {}, serve_file(pubmed + "eutils_biopython_espell.xml")});
  add_route({"", eutils + "elink.fcgi", {}, {}, serve_file(pubmed + "eutils_biopython_elink1.xml")});

  // Europe PMC search.
  const std::string search = "/europepmc/webservices/rest/search";
  add_route({"GET", search, {{"cursorMark", "AoIIP4ZawSg1MzEyODI1MA=="}}, {}, serve_file(epmc + "search_cancer_page2.json")});
  add_route({"GET", search, {}, [](const ServedRequest& r) { return r.param("query").find("EXT_ID:") != std::string::npos; },
             serve_file(epmc + "search_extid_20516115_biomcp.json")});
  add_route({"GET", search, {{"query", "asdkfjhasdkfjhasdfasdasdasdfgsagsd"}}, {}, serve_file(epmc + "search_no_results.json")});
  add_route({"GET", search, {{"resultType", "core"}}, {}, serve_file(epmc + "search_cancer_core.json")});
  add_route({"GET", search, {{"resultType", "idlist"}}, {}, serve_file(epmc + "search_cancer_idlist.json")});
  add_route({"GET", search, {}, {}, serve_file(epmc + "search_cancer.json")});

  // ClinicalTrials.gov v2.
  add_route({"GET", "/api/v2/studies", {}, [](const ServedRequest& r) { return !r.param("pageToken").empty(); },
             serve_file(ctgov + "search_phelan_next_20260811.json")});
  add_route({"GET", "/api/v2/studies", {}, {}, serve_file(ctgov + "search_phelan_limit5_20260811.json")});
  std::map<std::string, Responder> studies;
  for (const char* nct : {"NCT02576665", "NCT06382129", "NCT06604689"}) {
    studies.emplace(nct, serve_file(ctgov + "get_" + lower(nct) + "_20260811.json"));
  }
  add_route({"GET", "/api/v2/studies/*", {}, {}, [studies](const ServedRequest& r) {
               std::string nct = r.path.substr(r.path.rfind('/') + 1);
               auto it = studies.find(nct);
               if (it == studies.end()) {
                 return Reply{404, "text/plain", "Study not found\n", {}};
               }
               return it->second(r);
             }});
}

} // namespace litrev::test
