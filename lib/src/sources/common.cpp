#include "sources/common.hpp"

#include <cctype>

#include <litrev/error.hpp>

namespace litrev {

namespace {
constexpr std::size_t k_max_get_query = 1000;

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) {
      return false;
    }
  }
  return true;
}
} // namespace

bool looks_like_html(const HttpResponse& response) {
  const std::string& type = response.header("content-type");
  if (type.find("text/html") != std::string::npos) {
    return true;
  }
  std::string_view b = response.body;
  const std::size_t start = b.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return false;
  }
  b.remove_prefix(start);
  return starts_with_nocase(b, "<!doctype html") || starts_with_nocase(b, "<html");
}

HttpResponse fetch_checked(HttpClient& http, const HttpRequest& request,
                           const HttpClient::BodyCheck& check, const std::string& origin) {
  try {
    return http.fetch(request, check);
  } catch (const HttpError& e) {
    if (e.status() == 400 || e.status() == 414) {
      throw DataError(origin, 0,
                      "the service refused the request (HTTP " + std::to_string(e.status()) +
                          "): " + e.body_excerpt());
    }
    throw;
  }
}

HttpResponse fetch_form(HttpClient& http, const std::string& url, FormFields fields,
                        const HttpClient::BodyCheck& check, const std::string& origin) {
  HttpRequest request;
  if (form_encode(fields).size() > k_max_get_query) {
    request.method = HttpRequest::Method::post;
    request.url = url;
    request.form = std::move(fields);
  } else {
    request.url = url_with_query(url, fields);
  }
  return fetch_checked(http, request, check, origin);
}

} // namespace litrev
