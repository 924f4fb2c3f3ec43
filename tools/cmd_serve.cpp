// litrev serve [--bind ADDR] [--port N] [--allow-remote] [--seed N] [--new-tokens]
//
// The review's web page for its reviewers: screening, search, conflicts, the
// risk-of-bias questionnaire, progress. The contract (endpoints, tokens, the
// safety rules, the page's element ids) is schemas/serve.md.
//
// One mechanism for everything that changes the review: the handlers call
// the same library functions as the CLI (Review::decide, resolve, add_note,
// record_rob), which check the request and put the ledger line on disk
// (written and fsynced) before they return; only then is the request
// answered. The handlers hold one mutex while they work with the review, so
// requests from several browsers are served one at a time (a review's
// reviewers are few; the index and ledgers are not shared between threads).
//
// Nothing here opens a file a request names: records come from the index by
// key, the page from the binary (or --web-dir, a development aid given on the
// command line).
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/core.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <litrev/agreement.hpp>
#include <litrev/error.hpp>
#include <litrev/prisma.hpp>
#include <litrev/review.hpp>
#include <litrev/rob.hpp>
#include <litrev/rob_assess.hpp>
#include <litrev/rob_report.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "web_assets.hpp"

namespace litrev::cli {

namespace {

using nlohmann::json;

constexpr std::size_t k_max_body = 64 * 1024;
constexpr std::size_t k_recent = 50;

const char* const k_csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
                          "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

// ---------------------------------------------------------------------------
// Tokens.

std::string random_token() {
  unsigned char bytes[32];
  const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw IoError(std::string("cannot open /dev/urandom: ") + std::strerror(errno));
  }
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = ::read(fd, bytes + got, sizeof bytes - got);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) {
        continue;
      }
      ::close(fd);
      throw IoError("cannot read /dev/urandom");
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  std::string hex;
  for (unsigned char b : bytes) {
    hex += fmt::format("{:02x}", b);
  }
  return hex;
}

bool is_token(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Writes `text` to `path` readable by its owner only, atomically.
void write_private_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw IoError(tmp + ": " + std::strerror(errno));
  }
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw IoError(path + ": cannot write the reviewers' tokens");
  }
}

// The reviewers' tokens from serve/tokens.json, with a new one for every
// reviewer of the protocol who has none (all new with `renew`, or when the
// file was readable by others). Reviewers no longer in the protocol lose
// theirs. serve/ gets a .gitignore that ignores everything in it.
std::map<std::string, std::string> load_tokens(const Review& review, const Protocol& p, bool renew) {
  const std::string dir = review.dir() + "/serve";
  const std::string path = dir + "/tokens.json";
  std::map<std::string, std::string> old;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    // Readable by others (copied, restored from a backup): the links could
    // have been read, so they are replaced.
    fmt::print(stderr, "litrev: warning: {} was readable by others; every reviewer gets a new link\n", path);
    renew = true;
  }
  if (!renew) {
    std::ifstream in(path);
    if (in) {
      json j;
      try {
        in >> j;
      } catch (const json::exception& e) {
        throw DataError(path, 0, std::string("not valid JSON (") + e.what() + "); remove it or use --new-tokens");
      }
      if (!j.is_object()) {
        throw DataError(path, 0, "not an object of reviewer: token; remove it or use --new-tokens");
      }
      for (const auto& [name, t] : j.items()) {
        if (t.is_string() && is_token(t.get<std::string>())) {
          old[name] = t.get<std::string>();
        }
      }
    }
  }
  std::map<std::string, std::string> tokens;
  for (const Reviewer& r : p.reviewers) {
    const auto it = old.find(r.name);
    tokens[r.name] = it != old.end() ? it->second : random_token();
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw IoError(dir + ": " + std::strerror(errno));
  }
  // Keep the links out of version control: a review directory is meant to be
  // kept in git (README), the tokens never.
  const std::string ignore = dir + "/.gitignore";
  if (::access(ignore.c_str(), F_OK) != 0) {
    write_private_file(ignore, "# litrev serve: the reviewers' personal links; never commit or share\n*\n");
  }
  if (tokens != old) {
    write_private_file(path, json(tokens).dump(2) + "\n");
  }
  return tokens;
}

// Equal strings, compared in time that depends on the length only.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

// ---------------------------------------------------------------------------
// Requests and answers.

// An answer other than 200, with its message.
struct HttpFailure {
  int status;
  std::string message;
};

[[noreturn]] void fail(int status, const std::string& message) { throw HttpFailure{status, message}; }

void send_json(httplib::Response& res, const json& j, int status = 200) {
  res.status = status;
  res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

std::string param(const httplib::Request& req, const char* name, const std::string& fallback = {}) {
  return req.has_param(name) ? req.get_param_value(name) : fallback;
}

Stage stage_param(const std::string& value) {
  const auto s = stage_from_name(value);
  if (!s) {
    fail(400, "stage: ta or ft, not '" + value + "'");
  }
  return *s;
}

const std::string& body_string(const json& body, const char* field, bool required) {
  static const std::string empty;
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    if (required) {
      fail(400, std::string("the request has no \"") + field + "\"");
    }
    return empty;
  }
  if (!it->is_string()) {
    fail(400, std::string("\"") + field + "\" must be a string");
  }
  return it->get_ref<const std::string&>();
}

// Whether `who` may see other screeners' votes at `stage`.
bool sees_others(const Protocol& p, const Reviewer& who, Stage stage) {
  const StageRules* rules = p.stage(stage);
  return who.role == Role::adjudicator || (rules && !rules->blind);
}

// Whether `who` is kept from other screeners' votes at some stage: the
// status and conflict search fields, the agreement figures and the PRISMA
// flow (counts of agreed votes) are then not shown to them.
bool blinded(const Protocol& p, const Reviewer& who) {
  return std::any_of(p.stages.begin(), p.stages.end(),
                     [&](const StageRules& s) { return !sees_others(p, who, s.stage); });
}

DecisionInput decision_input(const json& body) {
  DecisionInput in;
  in.key = body_string(body, "key", true);
  in.stage = stage_param(body_string(body, "stage", true));
  const std::string& d = body_string(body, "decision", true);
  const auto decision = decision_from_name(d);
  if (!decision) {
    fail(400, "decision: include, exclude or maybe, not '" + d + "'");
  }
  in.decision = *decision;
  in.reason = body_string(body, "reason", false);
  in.note = body_string(body, "note", false);
  return in;
}

// The queue order named `name` ("key", "random", "prioritised").
QueueOrder order_param(const std::string& name) {
  for (QueueOrder o : {QueueOrder::key, QueueOrder::random, QueueOrder::prioritised}) {
    if (name == queue_order_name(o)) {
      return o;
    }
  }
  fail(400, "order: key, random or prioritised, not '" + name + "'");
}

// ---------------------------------------------------------------------------
// Risk of bias: the questionnaire's requests and answers.

RobAssessment assessment_from(const json& body, const Reviewer& who) {
  RobAssessment a;
  a.tool = rob_report_tool(body_string(body, "tool", true)).id;
  a.study = body_string(body, "study", true);
  a.result = body_string(body, "result", false);
  a.record = body_string(body, "record", false);
  if (body.contains("answers") && !body["answers"].is_null()) {
    if (!body["answers"].is_object()) {
      fail(400, "\"answers\" must be an object of question: answer");
    }
    for (const auto& [id, v] : body["answers"].items()) {
      if (!v.is_string()) {
        fail(400, "the answer to " + id + " must be a string");
      }
      if (!v.get<std::string>().empty()) {
        a.answers[id] = parse_rob_answer(v.get<std::string>());
      }
    }
  }
  if (body.contains("notes") && !body["notes"].is_null()) {
    if (!body["notes"].is_object()) {
      fail(400, "\"notes\" must be an object of question: note");
    }
    for (const auto& [id, v] : body["notes"].items()) {
      if (!v.is_string()) {
        fail(400, "the note on " + id + " must be a string");
      }
      if (!v.get<std::string>().empty()) {
        a.notes[id] = v.get<std::string>();
      }
    }
  }
  const auto choice = [](const json& j, const std::string& what) {
    if (!j.is_object()) {
      fail(400, what + " must be an object {level, justification}");
    }
    RobLevelChoice c;
    c.level = body_string(j, "level", false);
    c.justification = body_string(j, "justification", false);
    return c;
  };
  if (body.contains("levels") && !body["levels"].is_null()) {
    if (!body["levels"].is_object()) {
      fail(400, "\"levels\" must be an object of domain: {level, justification}");
    }
    for (const auto& [domain, v] : body["levels"].items()) {
      RobLevelChoice c = choice(v, "levels." + domain);
      if (!c.level.empty()) {
        a.levels[domain] = std::move(c);
      }
    }
  }
  if (body.contains("overall") && !body["overall"].is_null()) {
    RobLevelChoice c = choice(body["overall"], "overall");
    if (!c.level.empty()) {
      a.overall = std::move(c);
    }
  }
  a.options.several_concerns_high = body.value("several_concerns_high", false);
  a.actor = who.name;
  return a;
}

json assessment_json(const RobAssessment& a) {
  json answers = json::object();
  for (const auto& [id, ans] : a.answers) {
    answers[id] = rob_answer_code(ans);
  }
  json levels = json::object();
  for (const auto& [d, c] : a.levels) {
    levels[d] = {{"level", c.level}, {"justification", c.justification}};
  }
  return {{"tool", a.tool},
          {"study", a.study},
          {"result", a.result},
          {"record", a.record},
          {"answers", answers},
          {"notes", a.notes},
          {"levels", levels},
          {"overall", a.overall ? json{{"level", a.overall->level}, {"justification", a.overall->justification}}
                                : json(nullptr)},
          {"several_concerns_high", a.options.several_concerns_high},
          {"ts", a.ts}};
}

json judgement_json(const RobTool& tool, const RobJudgement& j, const std::string& standing) {
  const std::string level = standing.empty() ? j.level : standing;
  std::string label;
  for (const RobLevel& l : tool.levels) {
    if (l.id == level) {
      label = l.label;
    }
  }
  return {{"status", rob_judgement_status_name(j.status)}, {"computed", j.level}, {"level", level},
          {"label", label}, {"rule", j.rule}, {"missing", j.missing}};
}

// What the page shows while the assessor answers: per domain the questions
// with whether each is asked, and the judgement as it stands. A combination
// the rules refuse comes back as `problem`.
json evaluate_json(const RobTool& tool, const RobAssessment& a) {
  std::string problem;
  std::optional<RobEvaluation> ev;
  try {
    ev = evaluate_rob(tool, a);
  } catch (const UsageError& e) {
    problem = e.what();
  }
  json domains = json::array();
  for (std::size_t i = 0; i < tool.domains.size(); ++i) {
    const RobDomain& d = tool.domains[i];
    json qs = json::array();
    try {
      for (const RobQuestionStatus& q : applicable_questions(tool, d.id, a.answers)) {
        const char* state = q.state == RobQuestionState::asked       ? "asked"
                            : q.state == RobQuestionState::not_asked ? "not_asked"
                                                                     : "undetermined";
        qs.push_back({{"id", q.id}, {"state", state}, {"answer", q.answer ? rob_answer_code(*q.answer) : ""}});
      }
    } catch (const UsageError& e) {
      if (problem.empty()) {
        problem = e.what();
      }
    }
    json judgement;
    if (ev) {
      const RobDomainResult& r = ev->domains[i];
      judgement = judgement_json(tool, r.computed, r.level);
      judgement["overridden"] = r.overridden;
    } else {
      try {
        judgement = judgement_json(tool, domain_judgement(tool, d.id, a.answers), "");
      } catch (const UsageError&) {
        judgement = judgement_json(tool, RobJudgement{}, "");
      }
      judgement["overridden"] = false;
    }
    domains.push_back({{"id", d.id}, {"name", d.name}, {"questions", qs}, {"judgement", judgement}});
  }
  json overall = ev ? judgement_json(tool, ev->computed_overall, ev->overall) : judgement_json(tool, {}, "");
  overall["overridden"] = ev && ev->overall_overridden;
  return {{"domains", domains},
          {"overall", overall},
          {"complete", ev && ev->complete},
          {"missing", ev ? json(ev->missing) : json::array()},
          {"problem", problem.empty() ? json(nullptr) : json(problem)}};
}

json tool_json(const RobTool& t) {
  json levels = json::array();
  for (const RobLevel& l : t.levels) {
    levels.push_back({{"id", l.id}, {"label", l.label}, {"overall_only", l.overall_only}});
  }
  json domains = json::array();
  for (const RobDomain& d : t.domains) {
    json qs = json::array();
    for (const RobQuestion& q : d.questions) {
      json answers = json::array();
      for (RobAnswer ans : q.answers) {
        answers.push_back(rob_answer_code(ans));
      }
      qs.push_back({{"id", q.id}, {"text", q.text}, {"answers", answers}});
    }
    domains.push_back({{"id", d.id},
                       {"name", d.name},
                       {"kind", d.kind == RobDomainKind::bias ? "bias" : "applicability"},
                       {"algorithm", !d.algorithm.empty()},
                       {"questions", qs}});
  }
  return {{"id", t.id},           {"family", t.family}, {"name", t.name},         {"short_name", t.short_name},
          {"status", t.status},   {"levels", levels},   {"overall_rule", t.overall_rule}, {"domains", domains}};
}

// ---------------------------------------------------------------------------
// The server.

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;
  bool allow_remote = false;
  std::uint64_t seed = 1;
  bool new_tokens = false;
  std::string web_dir;
};

// A loopback address: "localhost", 127.0.0.0/8 or ::1, as written (no name
// is looked up).
bool is_loopback(const std::string& addr) {
  in_addr v4{};
  in6_addr v6{};
  if (::inet_pton(AF_INET, addr.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  return addr == "localhost" || (::inet_pton(AF_INET6, addr.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6));
}

bool is_wildcard(const std::string& addr) { return addr == "0.0.0.0" || addr == "::"; }

// The name links should use for `bind`: the machine's host name when bound
// to every address.
std::string link_host(const std::string& bind) {
  if (is_wildcard(bind)) {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0 && name[0]) {
      return name;
    }
  }
  return bind.find(':') != std::string::npos ? "[" + bind + "]" : bind;
}

class WebServer {
public:
  WebServer(Review& review, const ServeOptions& o) : m_review(review), m_options(o) {}

  void set_tokens(std::map<std::string, std::string> tokens) { m_tokens = std::move(tokens); }

  // Binds, calls `ready` with the port, serves until stop().
  void run(const std::function<void(int)>& ready) {
    m_server.set_payload_max_length(k_max_body);
    // Headers and body go out in separate writes: without TCP_NODELAY, Nagle
    // and the browser's delayed ACK add 40 ms to every answer.
    m_server.set_tcp_nodelay(true);
    m_server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return pre_route(req, res);
    });
    m_server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      safety_headers(res); // also on what httplib refuses before routing (400, 414)
      res.set_header("Cache-Control", "no-store");
      if (res.body.empty()) {
        const int status = res.status;
        send_json(res,
                  {{"error", status == 413 ? "the request is too large"
                             : status == 404 ? "not found"
                                             : fmt::format("the request failed (HTTP {})", status)}},
                  status);
      }
    });
    routes();
    int port = m_options.port;
    if (port == 0) {
      port = m_server.bind_to_any_port(m_options.bind);
    } else if (!m_server.bind_to_port(m_options.bind, port)) {
      port = -1;
    }
    if (port <= 0) {
      throw IoError(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                m_options.bind, m_options.port));
    }
    m_port = port;
    ready(port);
    m_server.listen_after_bind();
  }

  void stop() { m_server.stop(); }

private:
  using Handler = std::function<void(const Reviewer&, const httplib::Request&, httplib::Response&)>;

  // The headers every answer carries.
  static void safety_headers(httplib::Response& res) {
    if (res.has_header("Content-Security-Policy")) {
      return;
    }
    res.set_header("Content-Security-Policy", k_csp);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
  }

  // Before the body is read: the safety headers, the Host check, and no
  // chunked bodies (cpp-httplib 0.11 does not bound their size).
  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res) {
    safety_headers(res);
    if (req.has_header("Transfer-Encoding")) {
      send_json(res, {{"error", "send the body with a Content-Length (chunked bodies are refused)"}}, 411);
      return httplib::Server::HandlerResponse::Handled;
    }
    const std::string host = req.get_header_value("Host");
    const std::string port = ":" + std::to_string(m_port);
    // Bound to every address (--allow-remote), the server cannot know which
    // name colleagues use for it; the tokens still guard every request.
    const bool host_ok = is_wildcard(m_options.bind) || host == "127.0.0.1" + port || host == "localhost" + port ||
                         host == m_options.bind + port || host == "[" + m_options.bind + "]" + port;
    if (!host_ok) {
      send_json(res, {{"error", "this server answers requests for its own address only"}}, 403);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }

  // The name of the reviewer whose token the request carries, or "".
  std::string caller(const httplib::Request& req) const {
    const std::string auth = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (auth.size() != prefix.size() + 64 || auth.compare(0, prefix.size(), prefix) != 0) {
      return {};
    }
    const std::string given = auth.substr(prefix.size());
    std::string found;
    for (const auto& [name, token] : m_tokens) { // every token is compared: no early exit
      if (same_secret(given, token)) {
        found = name;
      }
    }
    return found;
  }

  // The media type of a Content-Type header, without parameters or case.
  static std::string media_type(const std::string& value) {
    std::string t = value.substr(0, value.find(';'));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) {
      t.pop_back();
    }
    for (char& c : t) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return t;
  }

  void api(const char* method, const char* path, Handler handler) {
    const bool post = std::strcmp(method, "POST") == 0;
    auto wrapped = [this, post, handler](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      try {
        const std::string name = caller(req); // before anything else is read
        if (name.empty()) {
          fail(403, "this link is not valid: ask the review's organiser for your personal link");
        }
        std::lock_guard<std::mutex> lock(m_mutex);
        const Protocol p = m_review.protocol();
        const Reviewer* who = p.reviewer(name);
        if (!who) {
          fail(403, name + " is no longer a reviewer of this review (litrev.json)");
        }
        if (post) {
          if (media_type(req.get_header_value("Content-Type")) != "application/json") {
            fail(403, "a change must be sent as application/json");
          }
          if (req.has_header("Origin") &&
              req.get_header_value("Origin") != "http://" + req.get_header_value("Host")) {
            fail(403, "a change must come from this server's own page");
          }
        }
        handler(*who, req, res);
      } catch (const HttpFailure& f) {
        send_json(res, {{"error", f.message}}, f.status);
      } catch (const json::exception& e) {
        send_json(res, {{"error", std::string("malformed request: ") + e.what()}}, 400);
      } catch (const UsageError& e) {
        send_json(res, {{"error", e.what()}}, 400);
      } catch (const DataError& e) {
        send_json(res, {{"error", e.what()}}, 400);
      } catch (const IndexError& e) {
        send_json(res, {{"error", e.what()}}, 503);
      } catch (const std::exception& e) {
        fmt::print(stderr, "litrev serve: {} {}: {}\n", req.method, req.path, e.what());
        send_json(res, {{"error", "the server failed (its log says why)"}}, 500);
      }
    };
    if (post) {
      m_server.Post(path, wrapped);
      m_server.Get(path, method_not_allowed);
    } else {
      m_server.Get(path, wrapped);
      m_server.Post(path, method_not_allowed);
    }
  }

  static void method_not_allowed(const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    send_json(res, {{"error", "method not allowed"}}, 405);
  }

  static json parse_body(const httplib::Request& req) {
    json body = json::parse(req.body);
    if (!body.is_object()) {
      fail(400, "the request body must be a JSON object");
    }
    return body;
  }

  void static_file(const std::string& name, httplib::Response& res) const {
    const WebAsset* a = find_web_asset(name);
    if (!a) {
      res.status = 404;
      return;
    }
    if (!m_options.web_dir.empty()) { // development: the files on disk, by their fixed names
      std::ifstream in(m_options.web_dir + "/" + a->name, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      res.set_content(ss.str(), a->content_type);
    } else {
      res.set_content(reinterpret_cast<const char*>(a->data), a->size, a->content_type);
    }
    res.set_header("Cache-Control", "no-cache");
  }

  void routes() {
    m_server.Get("/", [this](const httplib::Request&, httplib::Response& res) { static_file("index.html", res); });
    m_server.Get("/app.js", [this](const httplib::Request&, httplib::Response& res) { static_file("app.js", res); });
    m_server.Get("/app.css",
                 [this](const httplib::Request&, httplib::Response& res) { static_file("app.css", res); });

    api("GET", "/api/session", [this](const Reviewer& who, const httplib::Request&, httplib::Response& res) {
      const Protocol p = m_review.protocol();
      json stages = json::array();
      for (const StageRules& s : p.stages) {
        stages.push_back({{"stage", stage_short(s.stage)},
                          {"name", stage_name(s.stage)},
                          {"dual", s.dual},
                          {"blind", s.blind},
                          {"reason_required", s.reason_required},
                          {"exclusion_reasons", s.exclusion_reasons}});
      }
      send_json(res, {{"reviewer", who.name},
                      {"role", role_name(who.role)},
                      {"title", p.title},
                      {"version", version()},
                      {"stages", stages},
                      {"criteria", {{"include", p.include_criteria}, {"exclude", p.exclude_criteria}}},
                      {"highlight", {{"include", p.highlight_include}, {"exclude", p.highlight_exclude}}}});
    });

    api("GET", "/api/queue", [this](const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
      const Stage stage = stage_param(param(req, "stage", "ta"));
      const std::string order_name = param(req, "order", "key");
      const QueueOrder order = order_param(order_name);
      const std::vector<QueueItem> queue = m_review.queue(who.name, stage, order, m_options.seed, false);
      json items = json::array();
      for (const QueueItem& q : queue) {
        items.push_back({{"key", q.key}, {"members", q.members}});
      }
      json j = {{"stage", stage_short(stage)}, {"order", order_name}, {"items", items}};
      add_counts(j, who, stage, queue.size());
      send_json(res, j);
    });

    api("GET", "/api/record", [this](const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
      const Stage stage = stage_param(param(req, "stage", "ta"));
      const std::string key = param(req, "key");
      const Protocol p = m_review.protocol();
      const ScreeningState state = m_review.screening();
      const Index index = m_review.open_index();
      const std::optional<Record> rec = index.get(key);
      if (!rec) {
        fail(404, "no record " + key + " in the review");
      }
      const std::string ck = state.cluster_key(key);
      const auto members = state.clusters.find(ck);
      json r = record_summary(*rec);
      json sections = json::array();
      for (const AbstractSection& a : rec->abstract) {
        sections.push_back({{"label", a.label}, {"text", a.text}});
      }
      r["abstract"] = sections;
      json mesh = json::array();
      for (const MeshHeading& m : rec->mesh) {
        mesh.push_back(m.descriptor);
      }
      json keywords = json::array();
      for (const Keyword& k : rec->keywords) {
        keywords.push_back(k.text);
      }
      r["mesh"] = mesh;
      r["keywords"] = keywords;
      r["language"] = rec->languages.empty() ? "" : rec->languages.front();
      const bool others = sees_others(p, who, stage);
      json mine = nullptr;
      json status = nullptr;
      if (const RecordState* rs = state.find(key)) {
        const StageState& st = rs->stage(stage);
        if (const auto v = st.votes.find(who.name); v != st.votes.end()) {
          mine = vote_json(v->second);
        }
        if (others) {
          status = status_name(st.status);
        }
      } else if (others) {
        status = status_name(Status::unscreened);
      }
      send_json(res, {{"key", ck},
                      {"members", members != state.clusters.end() ? json(members->second) : json::array({ck})},
                      {"record", r},
                      {"mine", mine},
                      {"status", status},
                      {"history", history(p, who, members != state.clusters.end() ? members->second
                                                                                  : std::vector<std::string>{ck})}});
    });

    api("POST", "/api/decide", [this](const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
      const json body = parse_body(req);
      DecisionInput in = decision_input(body);
      if (const std::string& order = body_string(body, "order", false); !order.empty()) {
        in.order = order_param(order); // voted from the screening queue in this order
        in.order_seed = m_options.seed;
      }
      const LedgerEvent e = m_review.decide(who.name, in);
      json j = {{"ok", true}, {"seq", e.seq}, {"ts", e.ts}};
      add_counts(j, who, in.stage, std::nullopt);
      send_json(res, j);
    });

    api("POST", "/api/note", [this](const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
      const json body = parse_body(req);
      const LedgerEvent e = m_review.add_note(who.name, body_string(body, "key", true),
                                              stage_param(body_string(body, "stage", true)),
                                              body_string(body, "note", true));
      send_json(res, {{"ok", true}, {"seq", e.seq}, {"ts", e.ts}});
    });

    api("POST", "/api/resolve", [this](const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
      if (who.role != Role::adjudicator) {
        fail(403, who.name + " is not an adjudicator of this review");
      }
      const LedgerEvent e = m_review.resolve(who.name, decision_input(parse_body(req)));
      send_json(res, {{"ok", true}, {"seq", e.seq}, {"ts", e.ts}});
    });

    api("GET", "/api/search", [this](const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
      search(who, req, res);
    });

    api("GET", "/api/conflicts", [this](const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
      if (who.role != Role::adjudicator) {
        fail(403, who.name + " is not an adjudicator of this review");
      }
      const Stage stage = stage_param(param(req, "stage", "ta"));
      const ScreeningState state = m_review.screening();
      const Index index = m_review.open_index();
      json items = json::array();
      for (const ToResolve& t : records_to_resolve(m_review, state, stage)) {
        json votes = json::array();
        for (const auto& [name, v] : t.state->votes) {
          votes.push_back(vote_json(v));
        }
        const std::optional<Record> rec = index.get(t.key);
        items.push_back({{"key", t.key},
                         {"title", rec ? rec->title : ""},
                         {"year", rec && rec->pub_date.year ? json(rec->pub_date.year) : json(nullptr)},
                         {"why", t.why},
                         {"votes", votes}});
      }
      send_json(res, {{"stage", stage_short(stage)}, {"items", items}});
    });

    // A screener on a blind stage gets their own row only: the statuses,
    // others' rows and agreement would tell them how others voted.
    api("GET", "/api/progress", [this](const Reviewer& who, const httplib::Request&, httplib::Response& res) {
      const Protocol p = m_review.protocol();
      const ScreeningState state = m_review.screening();
      json stages = json::array();
      for (const StageProgress& sp : m_review.progress(state)) {
        const bool others = sees_others(p, who, sp.stage);
        json by_status = json::object();
        for (const auto& [s, n] : sp.by_status) {
          if (others) {
            by_status[status_name(s)] = n;
          }
        }
        json reviewers = json::array();
        for (const ReviewerProgress& r : sp.reviewers) {
          if (others || r.reviewer == who.name) {
            reviewers.push_back({{"reviewer", r.reviewer},
                                 {"done", r.done},
                                 {"remaining", r.remaining},
                                 {"conflicts", others ? json(r.conflicts) : json(nullptr)}});
          }
        }
        stages.push_back({{"stage", stage_short(sp.stage)},
                          {"records", sp.records},
                          {"not_retrieved", sp.not_retrieved},
                          {"by_status", by_status},
                          {"reviewers", reviewers},
                          {"blinded", !others}});
      }
      json agreement = json::array();
      for (const StageRules& s : p.stages) {
        if (!sees_others(p, who, s.stage)) {
          continue;
        }
        for (const PairAgreement& pa : screening_agreement(state, s.stage, MaybeAs::category).pairs) {
          const KappaResult& k = pa.stats;
          agreement.push_back({{"stage", stage_short(s.stage)}, {"a", pa.a}, {"b", pa.b}, {"n", k.n},
                               {"kappa", k.kappa}, {"ci_lb", k.ci_lb}, {"ci_ub", k.ci_ub}, {"pabak", k.pabak},
                               {"p_observed", k.p_observed}, {"undefined", k.undefined}});
        }
      }
      send_json(res, {{"stages", stages}, {"agreement", agreement}, {"blinded", blinded(p, who)}});
    });

    api("GET", "/api/prisma.svg", [this](const Reviewer& who, const httplib::Request&, httplib::Response& res) {
      if (blinded(m_review.protocol(), who)) {
        fail(403, "the PRISMA flow counts other screeners' votes: while screening is blind, adjudicators see it");
      }
      res.set_content(prisma_svg(m_review.prisma(m_review.screening())), "image/svg+xml");
    });

    api("GET", "/api/rob.svg", [this](const Reviewer&, const httplib::Request& req, httplib::Response& res) {
      const RobTool& tool = rob_report_tool(param(req, "tool", "rob2"));
      const std::string kind = param(req, "kind", "traffic-light");
      if (kind != "traffic-light" && kind != "summary") {
        fail(400, "kind: traffic-light or summary, not '" + kind + "'");
      }
      const RobTable t = rob_table_from_review(tool, rob_items(m_review), param(req, "result"));
      if (t.rows.empty()) {
        fail(404, "no agreed " + tool.short_name + " assessment to draw yet");
      }
      res.set_content(kind == "summary" ? summary_svg(t, RobPalette::cochrane, false)
                                        : traffic_light_svg(t, RobPalette::cochrane),
                      "image/svg+xml");
    });

    api("GET", "/api/rob/tools", [](const Reviewer&, const httplib::Request&, httplib::Response& res) {
      json tools = json::array();
      for (const RobTool& t : rob_tools()) {
        tools.push_back(tool_json(t));
      }
      send_json(res, {{"tools", tools}});
    });

    api("GET", "/api/rob/items", [this](const Reviewer&, const httplib::Request&, httplib::Response& res) {
      json items = json::array();
      for (const RobItem& it : rob_items(m_review)) {
        json assessors = json::array();
        std::string record;
        for (const auto& [name, a] : it.by_assessor) {
          assessors.push_back(name);
          record = a.record;
        }
        items.push_back({{"tool", it.tool},
                         {"study", it.study},
                         {"result", it.result},
                         {"record", record},
                         {"assessors", assessors},
                         {"consensus", it.consensus.has_value()}});
      }
      send_json(res, {{"items", items}});
    });

    api("GET", "/api/rob/assessment",
        [this](const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
          const RobTool& tool = rob_report_tool(param(req, "tool", "rob2"));
          const std::string study = param(req, "study");
          const std::string result = param(req, "result");
          json found = nullptr;
          for (const RobItem& it : rob_items(m_review)) {
            const auto a = it.by_assessor.find(who.name);
            if (it.tool == tool.id && it.study == study && it.result == result && a != it.by_assessor.end()) {
              found = assessment_json(a->second);
              found["evaluation"] = evaluate_json(tool, a->second);
            }
          }
          send_json(res, {{"assessment", found}});
        });

    api("POST", "/api/rob/evaluate",
        [](const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
          const RobAssessment a = assessment_from(parse_body(req), who);
          send_json(res, evaluate_json(rob_tool(a.tool), a));
        });

    api("POST", "/api/rob/save", [this](const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
      const RobAssessment a = assessment_from(parse_body(req), who);
      const std::vector<LedgerEvent> events = record_rob(m_review, who.name, {a}, false);
      send_json(res, {{"ok", true},
                      {"seq", events.front().seq},
                      {"ts", events.front().ts},
                      {"evaluation", evaluate_json(rob_tool(a.tool), a)}});
    });

    // Browsers ask for an icon; there is none (the page's CSP allows no other).
    m_server.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    m_server.Get(".*", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      send_json(res, {{"error", "not found"}}, 404);
    });
    for (const auto& any : {&httplib::Server::Put, &httplib::Server::Delete, &httplib::Server::Patch,
                            &httplib::Server::Options}) {
      (m_server.*any)(".*", method_not_allowed);
    }
  }

  // The reviewer's progress at `stage` into `j`: done, remaining (the queue's
  // length when known) and the records of their votes, latest first (their
  // ledger's order: times may tie within a second).
  void add_counts(json& j, const Reviewer& who, Stage stage, std::optional<std::size_t> remaining) const {
    const ScreeningState state = m_review.screening();
    std::size_t done = 0;
    for (const std::string& key : m_review.stage_records(stage, state)) {
      if (const RecordState* rs = state.find(key)) {
        done += rs->stage(stage).votes.count(who.name);
      }
    }
    if (!remaining) {
      for (const StageProgress& sp : m_review.progress(state)) {
        for (const ReviewerProgress& r : sp.reviewers) {
          if (sp.stage == stage && r.reviewer == who.name) {
            remaining = r.remaining;
          }
        }
      }
    }
    json recent = json::array();
    std::set<std::string> seen;
    const LedgerRead mine = Ledger(m_review.ledger_path()).read(who.name);
    for (auto e = mine.events.rbegin(); e != mine.events.rend() && recent.size() < k_recent; ++e) {
      if (e->type != "screen.decision" || !e->payload.is_object() ||
          stage_from_name(e->payload.value("stage", "")) != stage) {
        continue;
      }
      const std::string key = state.cluster_key(e->payload.value("key", ""));
      if (seen.insert(key).second) {
        recent.push_back(key);
      }
    }
    j["done"] = done;
    j["remaining"] = remaining.value_or(0);
    j["recent"] = recent;
  }

  // The screening events about `keys`, oldest first. A screener sees only
  // their own events of a blind stage.
  json history(const Protocol& p, const Reviewer& who, const std::vector<std::string>& keys) const {
    json out = json::array();
    const LedgerRead read = Ledger(m_review.ledger_path()).read_all();
    std::vector<const LedgerEvent*> events;
    for (const LedgerEvent& e : read.events) {
      if (e.type.rfind("screen.", 0) != 0 || !e.payload.is_object()) {
        continue;
      }
      const std::string key = e.payload.value("key", "");
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        continue;
      }
      const auto stage = stage_from_name(e.payload.value("stage", ""));
      if (e.actor != who.name && stage && !sees_others(p, who, *stage)) {
        continue;
      }
      events.push_back(&e);
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const LedgerEvent* a, const LedgerEvent* b) { return a->ts < b->ts; });
    for (const LedgerEvent* e : events) {
      out.push_back({{"ts", e->ts},
                     {"actor", e->actor},
                     {"type", e->type},
                     {"key", e->payload.value("key", "")},
                     {"stage", e->payload.value("stage", "")},
                     {"decision", e->payload.value("decision", "")},
                     {"reason", e->payload.value("reason", "")},
                     {"note", e->payload.value("note", "")}});
    }
    return out;
  }

  void search(const Reviewer& who, const httplib::Request& req, httplib::Response& res) {
    const std::string q = param(req, "q");
    if (q.empty()) {
      fail(400, "type a query");
    }
    SearchOptions options;
    const std::string syntax = param(req, "syntax", "auto");
    if (syntax == "pubmed" || (syntax == "auto" && has_field_tag(q))) {
      options.syntax = QuerySyntax::pubmed;
    } else if (syntax != "native" && syntax != "auto") {
      fail(400, "syntax: native, pubmed or auto, not '" + syntax + "'");
    }
    const auto number = [&](const char* name, std::size_t fallback, std::size_t max) {
      const std::string v = param(req, name);
      if (v.empty()) {
        return fallback;
      }
      if (v.size() > 6 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        fail(400, std::string(name) + ": a whole number, not '" + v + "'");
      }
      return std::min<std::size_t>(std::stoul(v), max);
    };
    options.offset = number("offset", 0, 1000000);
    options.limit = number("limit", 20, 200);
    options.snippets = true;
    const Protocol p = m_review.protocol();
    if (blinded(p, who)) {
      options.hidden_fields = {"status", "conflict"};
    }
    m_review.sync_state(); // derived terms only: the index catches up with the ledgers
    const ScreeningState state = m_review.screening();
    const Index index = m_review.open_index();
    const SearchResult r = index.search(q, options);
    json hits = json::array();
    for (const SearchHit& h : r.hits) {
      json parts = json::array();
      std::size_t at = 0;
      for (const auto& [b, e] : h.snippet.highlights) {
        if (b > at) {
          parts.push_back({{"text", h.snippet.text.substr(at, b - at)}, {"match", false}});
        }
        parts.push_back({{"text", h.snippet.text.substr(b, e - b)}, {"match", true}});
        at = e;
      }
      if (at < h.snippet.text.size()) {
        parts.push_back({{"text", h.snippet.text.substr(at)}, {"match", false}});
      }
      json status = json::object();
      const RecordState* rs = state.find(h.record.key);
      for (const StageRules& s : p.stages) {
        if (sees_others(p, who, s.stage)) {
          status[stage_short(s.stage)] = status_name(rs ? rs->stage(s.stage).status : Status::unscreened);
        }
      }
      json j = record_summary(h.record);
      j.erase("abstract");
      j["rank"] = h.rank;
      j["snippet"] = parts;
      j["status"] = status.empty() ? json(nullptr) : status;
      hits.push_back(std::move(j));
    }
    send_json(res, {{"total", r.total}, {"suggestion", r.suggestion}, {"hits", hits}});
  }

  Review& m_review;
  ServeOptions m_options;
  std::map<std::string, std::string> m_tokens; // reviewer -> token
  httplib::Server m_server;
  std::mutex m_mutex;
  int m_port = 0;
};

} // namespace

Runner define_serve(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  app.add_option("--bind", o->bind, "Address to listen on (default 127.0.0.1: this machine only)");
  app.add_option("--port", o->port, "Port (default 8080; 0 picks a free one)")->check(CLI::Range(0, 65535));
  app.add_flag("--allow-remote", o->allow_remote,
               "Allow --bind to a non-loopback address (links travel unencrypted: use a trusted network)");
  app.add_option("--seed", o->seed, "Seed of the random and prioritised orders (default 1)");
  app.add_flag("--new-tokens", o->new_tokens, "Give every reviewer a new link (the old ones stop working)");
  app.add_option("--web-dir", o->web_dir,
                 "Development aid: serve index.html, app.js and app.css from DIR instead of the built-in copies");
  return [o](Context& ctx) {
    if (!is_loopback(o->bind) && !o->allow_remote) {
      throw UsageError("--bind " + o->bind + " is not a loopback address: add --allow-remote to serve other machines");
    }
    Review review(ctx.dir);
    const Protocol p = review.protocol();
    if (p.reviewers.empty()) {
      throw UsageError("litrev.json names no reviewers: serve gives each reviewer a personal link "
                       "(add \"reviewers\": [{\"name\": ..., \"role\": \"screener\"}, ...])");
    }
    review.open_index(); // refuses a review without records before anything is served
    WebServer server(review, *o);
    const std::map<std::string, std::string> tokens = load_tokens(review, p, o->new_tokens);
    server.set_tokens(tokens);

    // SIGINT and SIGTERM stop the server from a thread of their own (stop()
    // is not safe in a signal handler).
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::atomic<bool> done{false};
    std::thread waiter([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      if (!done) {
        server.stop();
      }
    });

    const auto ready = [&](int port) {
      if (!is_loopback(o->bind)) {
        fmt::print(stderr, "litrev: warning: serving {} to other machines over plain HTTP: anyone who sees a "
                           "link can screen as its reviewer\n", o->bind);
      }
      const std::string host = link_host(o->bind);
      fmt::print("Serving \"{}\" on http://{}:{}/ (Ctrl-C stops)\nPersonal links (keep them private):\n", p.title,
                 host, port);
      for (const Reviewer& r : p.reviewers) {
        fmt::print("  {} ({}): http://{}:{}/#token={}\n", r.name, role_name(r.role), host, port,
                   tokens.at(r.name));
      }
      std::fflush(stdout);
    };
    try {
      server.run(ready);
    } catch (...) {
      done = true;
      pthread_kill(waiter.native_handle(), SIGTERM);
      waiter.join();
      throw;
    }
    done = true;
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    fmt::print("litrev serve: stopped\n");
    return 0;
  };
}

} // namespace litrev::cli
