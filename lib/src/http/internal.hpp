// Private helpers shared by the http module's files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <litrev/http.hpp>

namespace litrev {

// Undoes %XX escapes (malformed ones are kept as they are); with
// `plus_as_space`, "+" becomes a space (form encoding).
std::string percent_decode(std::string_view text, bool plus_as_space);

// A query string (without "?") with the values of secret parameters replaced
// by "REDACTED".
std::string redact_query(std::string_view query);

// The values (raw and decoded) of the secret parameters in `request`'s URL
// and form, for blank_out().
std::vector<std::string> secret_values(const HttpRequest& request);

// `text` with every occurrence of each of `secrets` replaced by "REDACTED".
std::string blank_out(std::string text, const std::vector<std::string>& secrets);

// At most `limit` bytes of `body`, control characters as spaces, secrets
// blanked out.
std::string body_excerpt(std::string_view body, const std::vector<std::string>& secrets,
                         std::size_t limit = 300);

} // namespace litrev
