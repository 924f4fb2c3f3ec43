// litrev fetch pubmed|europepmc|ctgov QUERY [--update] ...
//
// The only place that reads the services' environment variables: base URLs
// (LITREV_EUTILS_URL, LITREV_EUROPEPMC_URL, LITREV_CTGOV_URL), NCBI_API_KEY
// and NCBI_EMAIL. The key goes to the library and nowhere else.
#include <cstdlib>

#include <unistd.h>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/http.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"

namespace litrev::cli {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Polite rates where the service publishes none: Europe PMC asks for
// moderation; ClinicalTrials.gov is reported to allow about 50 requests a
// minute per address.
constexpr double k_europepmc_per_second = 4;
constexpr double k_ctgov_per_second = 0.8;

void print_list(const char* label, const std::vector<std::string>& items) {
  for (const auto& i : items) {
    fmt::print("{}{}\n", label, i);
  }
}

nlohmann::json report_json(const FetchReport& r) {
  nlohmann::json missing = nlohmann::json::array();
  for (const auto& m : r.missing) {
    missing.push_back({{"id", m.id}, {"reason", m.reason}});
  }
  return {{"run", r.run},
          {"resumed", r.resumed},
          {"update_since", r.update_since},
          {"update_run", r.update_run},
          {"translation", r.translation},
          {"phrases_not_found", r.phrases_not_found},
          {"fields_not_found", r.fields_not_found},
          {"warnings", r.warnings},
          {"reported", r.reported},
          {"ids", r.ids},
          {"slices", r.slices},
          {"slice_total", r.slice_total},
          {"received", r.received},
          {"missing", missing},
          {"added", r.added},
          {"revised", r.revised},
          {"unchanged", r.unchanged},
          {"kept", r.kept},
          {"skipped", r.skipped},
          {"added_keys", r.added_keys},
          {"revised_keys", r.revised_keys},
          {"requests", r.http.requests},
          {"retries", r.http.retries},
          {"responses_429", r.http.responses_429},
          {"retry_reasons", r.http.retry_reasons},
          {"seconds_fetching", r.seconds_fetching},
          {"seconds_landing", r.seconds_landing}};
}

} // namespace

Runner define_fetch(CLI::App& app) {
  struct Opts {
    std::string service;
    std::string query;
    std::string cond, intr, term, status;
    bool update = false;
    bool restart = false;
    std::size_t batch_size = 500;
    double timeout = 300;
    int attempts = 5;
    std::string format = "text";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("SERVICE", o->service, "pubmed, europepmc or ctgov")->required();
  app.add_option("QUERY", o->query,
                 "The query, in the service's own syntax (ctgov: the same as --term)");
  app.add_option("--cond", o->cond, "ctgov: condition or disease (query.cond)");
  app.add_option("--intr", o->intr, "ctgov: intervention or treatment (query.intr)");
  app.add_option("--term", o->term, "ctgov: other terms (query.term)");
  app.add_option("--status", o->status,
                 "ctgov: overall status filter, e.g. COMPLETED,RECRUITING (filter.overallStatus)");
  app.add_flag("--update", o->update,
               "Only what is new or revised since the last fetch of the same query");
  app.add_flag("--restart", o->restart,
               "Discard an interrupted fetch of the same query instead of resuming it");
  app.add_option("--batch-size", o->batch_size, "PMIDs per EFetch request (default 500)");
  app.add_option("--timeout", o->timeout, "Seconds allowed for one request (default 300)");
  app.add_option("--attempts", o->attempts,
                 "Attempts per request before giving up (default 5; 1: no retries)");
  app.add_option("--format", o->format, "Output: text or json");
  app.footer(
      "Environment: NCBI_API_KEY (10 requests/s instead of 3; never written anywhere), "
      "NCBI_EMAIL, and LITREV_EUTILS_URL, LITREV_EUROPEPMC_URL, LITREV_CTGOV_URL to use a "
      "mirror. An interrupted fetch resumes when the same command is run again.");
  return [o](Context& ctx) {
    const auto service = service_from_name(o->service);
    if (!service) {
      throw UsageError("fetch: unknown service '" + o->service + "' (expected pubmed, europepmc or ctgov)");
    }
    if (o->format != "text" && o->format != "json") {
      throw UsageError("--format " + o->format + ": expected text or json");
    }
    if (o->timeout <= 0 || o->attempts < 1) {
      throw UsageError("--timeout and --attempts must be positive");
    }
    Review review(ctx.dir);
    FetchOptions options;
    options.service = *service;
    options.command = ctx.command_line;
    options.update = o->update;
    options.restart = o->restart;
    options.batch_size = o->batch_size;
    if (*service == Service::ctgov) {
      std::string term = o->term.empty() ? o->query : o->term;
      if (!o->term.empty() && !o->query.empty()) {
        throw UsageError("fetch ctgov: give the terms either as QUERY or with --term, not both");
      }
      const std::pair<const char*, std::string> params[] = {
          {"query.cond", o->cond}, {"query.intr", o->intr}, {"query.term", term}, {"filter.overallStatus", o->status}};
      for (const auto& [name, value] : params) {
        if (!value.empty()) {
          options.ctgov_query.emplace_back(name, value);
          options.query += (options.query.empty() ? "" : " ") + std::string(name) + "=" + value;
        }
      }
    } else {
      if (!o->cond.empty() || !o->intr.empty() || !o->term.empty() || !o->status.empty()) {
        throw UsageError("--cond, --intr, --term and --status are for ctgov only");
      }
      options.query = o->query;
    }
    const std::string key = env("NCBI_API_KEY");
    const std::string email = env("NCBI_EMAIL");
    options.pubmed.api_key = key;
    options.pubmed.email = email;
    options.europepmc.email = email;
    if (!env("LITREV_EUTILS_URL").empty()) {
      options.pubmed.base_url = env("LITREV_EUTILS_URL");
    }
    if (!env("LITREV_EUROPEPMC_URL").empty()) {
      options.europepmc.base_url = env("LITREV_EUROPEPMC_URL");
    }
    if (!env("LITREV_CTGOV_URL").empty()) {
      options.ctgov.base_url = env("LITREV_CTGOV_URL");
    }

    TransportOptions transport_options;
    transport_options.contact_email = email;
    transport_options.total_timeout = Seconds(o->timeout);
    transport_options.low_speed_time = Seconds(std::min(60.0, o->timeout));
    CurlTransport transport(transport_options);
    SystemClock clock;
    RateLimiter limiter(clock);
    std::string base;
    RateLimit limit;
    switch (*service) {
    case Service::pubmed:
      base = options.pubmed.base_url;
      limit.per_second = key.empty() ? 3 : 10;
      break;
    case Service::europepmc:
      base = options.europepmc.base_url;
      limit.per_second = k_europepmc_per_second;
      break;
    case Service::ctgov:
      base = options.ctgov.base_url;
      limit.per_second = k_ctgov_per_second;
      break;
    }
    limiter.set_limit(url_authority(base), limit);
    RetryPolicy policy;
    policy.max_attempts = o->attempts;
    HttpClient http(transport, clock, limiter, policy);

    const bool tty = ::isatty(STDERR_FILENO) == 1;
    if (tty) {
      options.progress = [](const std::string& line) { fmt::print(stderr, "\r\033[K{}", line); };
    }
    http.set_observer([tty](const RetryEvent& e) {
      fmt::print(stderr, "{}retrying {} in {:.1f} s (attempt {} of {} failed: {})\n", tty ? "\r\033[K" : "",
                 e.url, e.delay.count(), e.attempt, e.max_attempts, e.reason);
    });

    const FetchReport r = review.fetch(options, http);
    if (tty) {
      fmt::print(stderr, "\r\033[K");
    }
    if (o->format == "json") {
      fmt::print("{}\n", report_json(r).dump());
      return 0;
    }
    if (r.resumed) {
      fmt::print("Resumed an interrupted fetch of this query.\n");
    }
    if (!r.update_run.empty()) {
      fmt::print("Update since {} (run {}).\n", r.update_since, r.update_run);
    }
    if (!r.translation.empty()) {
      fmt::print("PubMed ran the query as:\n  {}\n", r.translation);
    }
    if (!r.phrases_not_found.empty() || !r.fields_not_found.empty()) {
      fmt::print("warning: PubMed did not find these and searched without them (the search is broader than typed):\n");
    }
    print_list("  phrase not found: ", r.phrases_not_found);
    print_list("  field not found: ", r.fields_not_found);
    print_list("warning: PubMed: ", r.warnings);
    if (*service == Service::pubmed) {
      fmt::print("PubMed reported {} record{}; the search listed {} PMID{}{}.\n", r.reported,
                 r.reported == 1 ? "" : "s", r.ids, r.ids == 1 ? "" : "s",
                 r.slices > 1 ? fmt::format(" in {} date slices (adding up to {})", r.slices, r.slice_total) : "");
      if (r.slices > 1 && r.slice_total != r.reported && r.update_run.empty()) {
        fmt::print("warning: the date slices add up to {}, not {}: PubMed changed during the search\n",
                   r.slice_total, r.reported);
      }
    } else {
      fmt::print("{} reported {} record{}.\n", *service == Service::europepmc ? "Europe PMC" : "ClinicalTrials.gov",
                 r.reported, r.reported == 1 ? "" : "s");
      if (r.received != r.reported) {
        fmt::print("warning: {} records arrived, not {}\n", r.received, r.reported);
      }
    }
    fmt::print("Received {} record{} in {} request{} ({} retr{}, {} answered 429).\n", r.received,
               r.received == 1 ? "" : "s", r.http.requests, r.http.requests == 1 ? "" : "s", r.http.retries,
               r.http.retries == 1 ? "y" : "ies", r.http.responses_429);
    if (!r.missing.empty()) {
      fmt::print("Missing {} (listed in the run's manifest.json):\n", r.missing.size());
      for (const auto& m : r.missing) {
        fmt::print("  {}: {}\n", m.id, m.reason);
      }
    }
    fmt::print("Run {}: {} new, {} revised, {} unchanged{}{}\n", r.run, r.added, r.revised, r.unchanged,
               r.kept ? fmt::format(", {} kept from a richer source", r.kept) : "",
               r.skipped ? fmt::format(", {} unreadable", r.skipped) : "");
    return 0;
  };
}

} // namespace litrev::cli
