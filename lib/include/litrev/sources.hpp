// litrev/sources.hpp: the remote bibliographic services, spoken over
// HttpClient (http.hpp): PubMed E-utilities, Europe PMC REST and
// ClinicalTrials.gov API v2.
//
// This module knows each service's protocol: which URL and parameters to
// send, what a good answer looks like (the body checks HttpClient retries on),
// and how to read the few things the fetch loop needs from an answer (counts,
// ids, paging cursors, PubMed's query translation and warnings). It does not
// turn responses into records (the formats module reads the saved bodies) and
// it never touches the file system: Review::fetch (review.hpp) drives a whole
// fetch run, saves every body byte for byte, and resumes interrupted runs.
//
// Secrets: the API key and e-mail address are sent as query parameters, which
// HttpClient redacts from every message and statistic (http.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <litrev/error.hpp>
#include <litrev/http.hpp>

namespace litrev {

// ---------------------------------------------------------------------------
// PubMed E-utilities

// ESearch cannot page past its first 9,999 ids (specs/pubmed.md, "Limits"):
// a search with more hits is split into date slices of at most this many.
inline constexpr std::uint64_t k_esearch_max_ids = 9999;

struct PubmedOptions {
  // With the trailing slash; LITREV_EUTILS_URL overrides it in the CLI.
  std::string base_url = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/";
  // Sent as `api_key` when not empty (10 requests/s instead of 3).
  std::string api_key;
  // Sent as `email` when not empty, as NCBI asks of every tool.
  std::string email;
  std::string tool = "litrev";
};

// An ESearch date limit: `type` is "edat" (Entrez date), "pdat"
// (publication date) or "mdat" (modification date); `min` and `max` are
// inclusive days, "YYYY/MM/DD".
struct PubmedDateRange {
  std::string type = "edat";
  std::string min;
  std::string max;
  friend bool operator==(const PubmedDateRange&, const PubmedDateRange&) = default;
};

// What one ESearch answered.
struct PubmedSearchResult {
  std::uint64_t count = 0;          // hits PubMed reports
  std::vector<std::string> ids;     // the first min(count, retmax) PMIDs
  std::string translation;          // QueryTranslation: the query PubMed ran
  std::vector<std::string> phrases_not_found; // dropped from the query
  std::vector<std::string> fields_not_found;
  // PubMed's warning list, each as "<kind>: <text>" ("quoted phrase not
  // found: \"x y\"", "phrase ignored: of", "output message: No items found.").
  std::vector<std::string> warnings;
  std::string body; // the response, byte for byte
};

// Reads an ESearch JSON answer (retmode=json). Throws DataError (file
// "PubMed ESearch", NCBI's own words in the problem) when the answer carries an
// `ERROR`, and DataError when it is not ESearch JSON at all. Exposed for tests.
PubmedSearchResult parse_esearch_json(std::string_view body);

// Body checks for HttpClient::fetch: "" when the body is a usable answer,
// else a short reason to retry on. ESearch: valid JSON (E-utilities' error
// path has sent a raw newline inside a string), not HTML, with an
// `esearchresult`, and no "Search Backend failed" (PubMed under load).
// Any other ERROR passes, so that parse_esearch_json reports NCBI's message
// instead of retrying a query that will never work. EFetch: XML, not HTML,
// no <ERROR>, and the PubmedArticleSet closed (a cut body is caught here even
// when its length matched). Never throw.
std::string check_esearch_body(const HttpResponse& response);
std::string check_efetch_body(const HttpResponse& response);

// Splits `range` into two halves of whole days, [min, mid] and [mid+1, max].
// Returns nothing when it is a single day. Throws UsageError when a date is
// not YYYY/MM/DD or min > max.
std::optional<std::pair<PubmedDateRange, PubmedDateRange>> split_date_range(const PubmedDateRange& range);

// The day after `day` ("2026/12/31" -> "2027/01/01"). Throws UsageError when
// `day` is not YYYY/MM/DD.
std::string pubmed_next_day(const std::string& day);

// "YYYY/MM/DD" of an RFC 3339 UTC time ("2026-11-21T06:30:12Z"). Throws
// UsageError when `rfc3339` does not start with a date.
std::string pubmed_day(std::string_view rfc3339);

class PubmedClient {
public:
  // `http` is borrowed and must outlive the client.
  PubmedClient(HttpClient& http, PubmedOptions options);

  // ESearch (db=pubmed, retmode=json, no history) for `term`, limited to
  // `range` when given, returning up to `retmax` (at most k_esearch_max_ids)
  // ids from the first. Long terms go by POST. Throws DataError with NCBI's
  // message when PubMed rejects the query; NetworkError/HttpError when the
  // service stays unavailable (HttpClient).
  PubmedSearchResult esearch(const std::string& term, const std::optional<PubmedDateRange>& range,
                             std::uint64_t retmax);

  // EFetch (db=pubmed, retmode=xml) of `pmids`, POSTed. Returns the body
  // once check_efetch_body accepted it. Throws as esearch does.
  std::string efetch(const std::vector<std::string>& pmids);

  const PubmedOptions& options() const noexcept { return m_options; }

private:
  FormFields common_fields() const;
  HttpClient& m_http;
  PubmedOptions m_options;
};

// ---------------------------------------------------------------------------
// Europe PMC REST

struct EuropePmcOptions {
  std::string base_url = "https://www.ebi.ac.uk/europepmc/webservices/rest/";
  std::string email; // sent as `email` when not empty
  int page_size = 1000; // the service's maximum
  std::string result_type = "core"; // abstracts, MeSH, full author lists
};

// One page of a cursorMark search.
struct EuropePmcPage {
  std::uint64_t hit_count = 0;
  std::string cursor;      // the cursorMark this page was asked with
  std::string next_cursor; // "" or equal to `cursor` at the end
  std::size_t results = 0; // results on this page
  std::string body;
};

// Reads a search answer. Throws DataError when it is not one. Exposed for
// tests.
EuropePmcPage parse_europepmc_page(std::string_view body);
// "" when the body is a search answer with a resultList; Europe PMC has been
// seen answering 200 with only {"version":"6.9"} (retry).
std::string check_europepmc_body(const HttpResponse& response);

class EuropePmcClient {
public:
  EuropePmcClient(HttpClient& http, EuropePmcOptions options);
  // GET search?query=…&format=json&resultType=…&pageSize=…&cursorMark=…
  // (`cursor` "*" for the first page). Throws as PubmedClient::esearch.
  EuropePmcPage search(const std::string& query, const std::string& cursor);
  const EuropePmcOptions& options() const noexcept { return m_options; }

private:
  HttpClient& m_http;
  EuropePmcOptions m_options;
};

// ---------------------------------------------------------------------------
// ClinicalTrials.gov API v2

struct CtgovOptions {
  std::string base_url = "https://clinicaltrials.gov/api/v2/";
  int page_size = 1000; // the API's maximum
};

// One page of GET studies.
struct CtgovPage {
  std::optional<std::uint64_t> total_count; // first page only (countTotal=true)
  std::string page_token;      // the token this page was asked with ("" first)
  std::string next_page_token; // "" on the last page
  std::size_t studies = 0;
  std::string body;
};

CtgovPage parse_ctgov_page(std::string_view body);
std::string check_ctgov_body(const HttpResponse& response);

class CtgovClient {
public:
  CtgovClient(HttpClient& http, CtgovOptions options);
  // GET studies?<query>&format=json&pageSize=…&countTotal=true[&pageToken=…].
  // `query` holds the API's own parameters ("query.cond", "query.intr",
  // "query.term", "filter.overallStatus", ...). Throws as PubmedClient::esearch;
  // a 400 (the API's answer to a bad parameter) is a DataError with the
  // API's message.
  CtgovPage studies(const FormFields& query, const std::string& page_token);
  const CtgovOptions& options() const noexcept { return m_options; }

private:
  HttpClient& m_http;
  CtgovOptions m_options;
};

} // namespace litrev
