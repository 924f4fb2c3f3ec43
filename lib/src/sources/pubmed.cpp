// PubMed E-utilities: ESearch and EFetch, the body checks, date slicing.
#include <litrev/sources.hpp>

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "sources/common.hpp"

using nlohmann::json;

namespace litrev {

namespace {

const char* const k_esearch_origin = "PubMed ESearch";

// NCBI sends every number in ESearch JSON as a string.
std::uint64_t number_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) {
    return 0;
  }
  if (it->is_number_unsigned()) {
    return it->get<std::uint64_t>();
  }
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos && s.size() < 20) {
      return std::stoull(s);
    }
  }
  throw DataError(k_esearch_origin, 0, std::string("\"") + name + "\" is not a number");
}

void append_strings(const json& j, const char* name, std::vector<std::string>& out,
                    const std::string& prefix = {}) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_array()) {
    return;
  }
  for (const auto& v : *it) {
    if (v.is_string() && !v.get_ref<const std::string&>().empty()) {
      out.push_back(prefix + v.get<std::string>());
    }
  }
}

// Whether an ESearch ERROR is PubMed being overloaded (worth retrying) rather
// than PubMed refusing the query. The retstart message also says "Search
// Backend failed", but asking again cannot help it.
bool is_transient_esearch_error(std::string_view message) {
  return message.find("Search Backend failed") != std::string_view::npos &&
         message.find("cannot be larger than") == std::string_view::npos;
}

std::chrono::sys_days parse_day(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d/%2u/%2u%c", &y, &m, &d, &tail) != 3) {
    throw UsageError("not a date of the form YYYY/MM/DD: '" + text + "'");
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) {
    throw UsageError("no such day: '" + text + "'");
  }
  return std::chrono::sys_days{ymd};
}

std::string format_day(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d/%02u/%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

} // namespace

PubmedSearchResult parse_esearch_json(std::string_view body) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception& e) {
    throw DataError(k_esearch_origin, 0, std::string("the answer is not valid JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("esearchresult") || !j["esearchresult"].is_object()) {
    throw DataError(k_esearch_origin, 0, "the answer is not an ESearch result");
  }
  const json& r = j["esearchresult"];
  if (auto it = r.find("ERROR"); it != r.end()) {
    throw DataError(k_esearch_origin, 0,
                    "PubMed refused the query: " + (it->is_string() ? it->get<std::string>() : it->dump()));
  }
  PubmedSearchResult result;
  result.body = std::string(body);
  result.count = number_field(r, "count");
  append_strings(r, "idlist", result.ids);
  for (const auto& id : result.ids) {
    if (id.find_first_not_of("0123456789") != std::string::npos) {
      throw DataError(k_esearch_origin, 0, "the id list holds something that is not a PMID: '" + id + "'");
    }
  }
  if (auto it = r.find("querytranslation"); it != r.end() && it->is_string()) {
    result.translation = it->get<std::string>();
  }
  if (auto it = r.find("errorlist"); it != r.end() && it->is_object()) {
    append_strings(*it, "phrasesnotfound", result.phrases_not_found);
    append_strings(*it, "fieldsnotfound", result.fields_not_found);
  }
  if (auto it = r.find("warninglist"); it != r.end() && it->is_object()) {
    append_strings(*it, "phrasesignored", result.warnings, "phrase ignored: ");
    append_strings(*it, "quotedphrasesnotfound", result.warnings, "quoted phrase not found: ");
    append_strings(*it, "outputmessages", result.warnings, "output message: ");
  }
  return result;
}

std::string check_esearch_body(const HttpResponse& response) {
  if (looks_like_html(response)) {
    return "HTML instead of JSON";
  }
  json j;
  try {
    j = json::parse(response.body);
  } catch (const json::exception&) {
    return "invalid JSON";
  }
  if (!j.is_object() || !j.contains("esearchresult") || !j["esearchresult"].is_object()) {
    return "not an ESearch answer";
  }
  const json& r = j["esearchresult"];
  if (auto it = r.find("ERROR"); it != r.end() && it->is_string() &&
      is_transient_esearch_error(it->get_ref<const std::string&>())) {
    return "backend error";
  }
  return "";
}

std::string check_efetch_body(const HttpResponse& response) {
  if (response.body.empty()) {
    return "empty body";
  }
  if (looks_like_html(response)) {
    return "HTML instead of XML";
  }
  const std::string& b = response.body;
  if (b.find("<ERROR>") != std::string::npos) {
    return "<ERROR> in body";
  }
  const std::size_t open = b.find("<PubmedArticleSet");
  if (open == std::string::npos) {
    return "not PubMed XML";
  }
  // <PubmedArticleSet/> (nothing found) or a closed set, then only white space.
  if (b.compare(open, 19, "<PubmedArticleSet/>") == 0) {
    return "";
  }
  const std::size_t close = b.rfind("</PubmedArticleSet>");
  if (close == std::string::npos ||
      b.find_first_not_of(" \t\r\n", close + 19) != std::string::npos) {
    return "truncated XML";
  }
  return "";
}

std::optional<std::pair<PubmedDateRange, PubmedDateRange>> split_date_range(const PubmedDateRange& range) {
  const auto lo = parse_day(range.min);
  const auto hi = parse_day(range.max);
  if (lo > hi) {
    throw UsageError("date range " + range.min + " to " + range.max + " is empty");
  }
  if (lo == hi) {
    return std::nullopt;
  }
  const auto mid = lo + (hi - lo) / 2;
  PubmedDateRange a = range, b = range;
  a.max = format_day(mid);
  b.min = format_day(mid + std::chrono::days{1});
  return std::make_pair(a, b);
}

std::string pubmed_next_day(const std::string& day) {
  return format_day(parse_day(day) + std::chrono::days{1});
}

std::string pubmed_day(std::string_view rfc3339) {
  if (rfc3339.size() < 10 || rfc3339[4] != '-' || rfc3339[7] != '-') {
    throw UsageError("not an RFC 3339 time: '" + std::string(rfc3339) + "'");
  }
  std::string day(rfc3339.substr(0, 10));
  day[4] = '/';
  day[7] = '/';
  parse_day(day); // validates
  return day;
}

PubmedClient::PubmedClient(HttpClient& http, PubmedOptions options)
  : m_http(http), m_options(std::move(options)) {
  if (m_options.base_url.empty() || m_options.base_url.back() != '/') {
    m_options.base_url += '/';
  }
}

FormFields PubmedClient::common_fields() const {
  FormFields f{{"db", "pubmed"}};
  if (!m_options.tool.empty()) {
    f.emplace_back("tool", m_options.tool);
  }
  if (!m_options.email.empty()) {
    f.emplace_back("email", m_options.email);
  }
  if (!m_options.api_key.empty()) {
    f.emplace_back("api_key", m_options.api_key);
  }
  return f;
}

PubmedSearchResult PubmedClient::esearch(const std::string& term,
                                         const std::optional<PubmedDateRange>& range,
                                         std::uint64_t retmax) {
  FormFields fields = common_fields();
  fields.emplace_back("term", term);
  fields.emplace_back("retmode", "json");
  fields.emplace_back("retstart", "0");
  fields.emplace_back("retmax", std::to_string(std::min(retmax, k_esearch_max_ids)));
  if (range) {
    fields.emplace_back("datetype", range->type);
    fields.emplace_back("mindate", range->min);
    fields.emplace_back("maxdate", range->max);
  }
  const HttpResponse response =
      fetch_form(m_http, m_options.base_url + "esearch.fcgi", std::move(fields), &check_esearch_body,
                 k_esearch_origin);
  return parse_esearch_json(response.body);
}

std::string PubmedClient::efetch(const std::vector<std::string>& pmids) {
  std::string ids;
  for (const auto& id : pmids) {
    ids += (ids.empty() ? "" : ",") + id;
  }
  FormFields fields = common_fields();
  fields.emplace_back("id", ids);
  fields.emplace_back("retmode", "xml");
  HttpRequest request;
  request.method = HttpRequest::Method::post; // id lists of any length
  request.url = m_options.base_url + "efetch.fcgi";
  request.form = std::move(fields);
  return fetch_checked(m_http, request, &check_efetch_body, "PubMed EFetch").body;
}

} // namespace litrev
