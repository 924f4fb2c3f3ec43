// Europe PMC REST search (cursorMark paging) and ClinicalTrials.gov API v2
// studies (pageToken paging).
#include <litrev/sources.hpp>

#include <nlohmann/json.hpp>

#include "sources/common.hpp"

using nlohmann::json;

namespace litrev {

namespace {

const char* const k_epmc_origin = "Europe PMC search";
const char* const k_ctgov_origin = "ClinicalTrials.gov studies";

std::string with_slash(std::string url) {
  if (url.empty() || url.back() != '/') {
    url += '/';
  }
  return url;
}

json parse_object(std::string_view body, const char* origin) {
  try {
    json j = json::parse(body);
    if (!j.is_object()) {
      throw DataError(origin, 0, "the answer is not a JSON object");
    }
    return j;
  } catch (const json::exception& e) {
    throw DataError(origin, 0, std::string("the answer is not valid JSON: ") + e.what());
  }
}

std::string string_field(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

EuropePmcPage parse_europepmc_page(std::string_view body) {
  const json j = parse_object(body, k_epmc_origin);
  auto list = j.find("resultList");
  if (list == j.end() || !list->is_object() || !list->contains("result") ||
      !(*list)["result"].is_array()) {
    throw DataError(k_epmc_origin, 0, "the answer has no resultList");
  }
  EuropePmcPage page;
  auto hits = j.find("hitCount");
  if (hits == j.end() || !hits->is_number_unsigned()) {
    throw DataError(k_epmc_origin, 0, "the answer has no hitCount");
  }
  page.hit_count = hits->get<std::uint64_t>();
  page.next_cursor = string_field(j, "nextCursorMark");
  if (auto req = j.find("request"); req != j.end() && req->is_object()) {
    page.cursor = string_field(*req, "cursorMark");
  }
  page.results = (*list)["result"].size();
  page.body = std::string(body);
  return page;
}

std::string check_europepmc_body(const HttpResponse& response) {
  if (looks_like_html(response)) {
    return "HTML instead of JSON";
  }
  try {
    parse_europepmc_page(response.body);
  } catch (const DataError&) {
    return "not a search answer";
  }
  return "";
}

EuropePmcClient::EuropePmcClient(HttpClient& http, EuropePmcOptions options)
  : m_http(http), m_options(std::move(options)) {
  m_options.base_url = with_slash(m_options.base_url);
}

EuropePmcPage EuropePmcClient::search(const std::string& query, const std::string& cursor) {
  FormFields fields{{"query", query},
                    {"format", "json"},
                    {"resultType", m_options.result_type},
                    {"pageSize", std::to_string(m_options.page_size)},
                    {"cursorMark", cursor.empty() ? "*" : cursor}};
  if (!m_options.email.empty()) {
    fields.emplace_back("email", m_options.email);
  }
  HttpRequest request;
  request.url = url_with_query(m_options.base_url + "search", fields);
  EuropePmcPage page = parse_europepmc_page(
      fetch_checked(m_http, request, &check_europepmc_body, k_epmc_origin).body);
  page.cursor = cursor.empty() ? "*" : cursor;
  return page;
}

CtgovPage parse_ctgov_page(std::string_view body) {
  const json j = parse_object(body, k_ctgov_origin);
  auto studies = j.find("studies");
  if (studies == j.end() || !studies->is_array()) {
    throw DataError(k_ctgov_origin, 0, "the answer has no studies list");
  }
  CtgovPage page;
  page.studies = studies->size();
  page.next_page_token = string_field(j, "nextPageToken");
  if (auto total = j.find("totalCount"); total != j.end() && total->is_number_unsigned()) {
    page.total_count = total->get<std::uint64_t>();
  }
  page.body = std::string(body);
  return page;
}

std::string check_ctgov_body(const HttpResponse& response) {
  if (looks_like_html(response)) {
    return "HTML instead of JSON";
  }
  try {
    parse_ctgov_page(response.body);
  } catch (const DataError&) {
    return "not a studies page";
  }
  return "";
}

CtgovClient::CtgovClient(HttpClient& http, CtgovOptions options)
  : m_http(http), m_options(std::move(options)) {
  m_options.base_url = with_slash(m_options.base_url);
}

CtgovPage CtgovClient::studies(const FormFields& query, const std::string& page_token) {
  FormFields fields = query;
  fields.emplace_back("format", "json");
  fields.emplace_back("pageSize", std::to_string(m_options.page_size));
  fields.emplace_back("countTotal", "true");
  if (!page_token.empty()) {
    fields.emplace_back("pageToken", page_token);
  }
  HttpRequest request;
  request.url = url_with_query(m_options.base_url + "studies", fields);
  CtgovPage page =
      parse_ctgov_page(fetch_checked(m_http, request, &check_ctgov_body, k_ctgov_origin).body);
  page.page_token = page_token;
  return page;
}

} // namespace litrev
