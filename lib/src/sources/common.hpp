// What the three services' clients share.
#pragma once

#include <string>

#include <litrev/http.hpp>

namespace litrev {

// True when a response is an HTML page (an error or maintenance page) rather
// than the XML or JSON asked for: by its content type or its first bytes.
bool looks_like_html(const HttpResponse& response);

// HttpClient::fetch(request, check), except that a 400 or 414 (the service
// refusing what we asked) becomes a DataError naming `origin` with the
// service's own words; other errors propagate.
HttpResponse fetch_checked(HttpClient& http, const HttpRequest& request,
                           const HttpClient::BodyCheck& check, const std::string& origin);

// GET `url` with `fields` as the query, or POST them as a form when the
// encoded query would be long (E-utilities asks for POST past a few hundred
// characters; long URLs get 414).
HttpResponse fetch_form(HttpClient& http, const std::string& url, FormFields fields,
                        const HttpClient::BodyCheck& check, const std::string& origin);

} // namespace litrev
