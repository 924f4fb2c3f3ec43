// URL helpers: encoding, redaction of secrets, and the host key of the rate
// limiter. Byte-level and locale-free on purpose.
#include <litrev/http.hpp>

#include "http/internal.hpp"

namespace litrev {

namespace {

constexpr char k_hex[] = "0123456789ABCDEF";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
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
}

std::string encode(std::string_view text, bool space_as_plus) {
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else if (c == ' ' && space_as_plus) {
      out += '+';
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0xF];
    }
  }
  return out;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Position just after "scheme://", or npos when `url` has none.
std::size_t after_scheme(std::string_view url) {
  std::size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) {
    return std::string_view::npos;
  }
  for (std::size_t i = 0; i < colon; ++i) {
    char c = url[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) {
      return std::string_view::npos;
    }
  }
  return colon + 3;
}

} // namespace

std::string url_encode(std::string_view text) { return encode(text, false); }

std::string form_encode(const FormFields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) {
      out += '&';
    }
    out += encode(name, true);
    out += '=';
    out += encode(value, true);
  }
  return out;
}

std::string url_with_query(std::string_view base, const FormFields& fields) {
  std::string out(base);
  if (fields.empty()) {
    return out;
  }
  out += (base.find('?') == std::string_view::npos) ? '?' : '&';
  out += form_encode(fields);
  return out;
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (c == '+' && plus_as_space) ? ' ' : c;
  }
  return out;
}

bool is_secret_parameter(std::string_view name) {
  static constexpr std::string_view k_secret_names[] = {"api_key", "apikey", "key", "token", "email"};
  for (std::string_view secret : k_secret_names) {
    if (secret.size() != name.size()) {
      continue;
    }
    bool same = true;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (ascii_lower(name[i]) != secret[i]) {
        same = false;
        break;
      }
    }
    if (same) {
      return true;
    }
  }
  return false;
}

std::string redact_url(std::string_view url) {
  std::string out;
  out.reserve(url.size());

  // User-info password: scheme://user:pw@host/...
  std::size_t start = after_scheme(url);
  std::size_t pos = 0;
  if (start != std::string_view::npos) {
    std::size_t auth_end = url.find_first_of("/?#", start);
    if (auth_end == std::string_view::npos) {
      auth_end = url.size();
    }
    std::string_view authority = url.substr(start, auth_end - start);
    std::size_t at = authority.rfind('@');
    out.append(url.substr(0, start));
    if (at != std::string_view::npos) {
      std::string_view userinfo = authority.substr(0, at);
      std::size_t colon = userinfo.find(':');
      if (colon != std::string_view::npos) {
        out.append(userinfo.substr(0, colon + 1));
        out += "REDACTED";
      } else {
        out.append(userinfo);
      }
      out.append(authority.substr(at));
    } else {
      out.append(authority);
    }
    pos = auth_end;
  }

  std::size_t query = url.find('?', pos);
  if (query == std::string_view::npos) {
    out.append(url.substr(pos));
    return out;
  }
  std::size_t fragment = url.find('#', query);
  if (fragment == std::string_view::npos) {
    fragment = url.size();
  }
  out.append(url.substr(pos, query + 1 - pos));
  out += redact_query(url.substr(query + 1, fragment - query - 1));
  out.append(url.substr(fragment));
  return out;
}

std::string redact_query(std::string_view query) {
  std::string out;
  out.reserve(query.size());
  std::size_t i = 0;
  while (true) {
    std::size_t amp = query.find('&', i);
    std::string_view pair = query.substr(i, amp == std::string_view::npos ? std::string_view::npos : amp - i);
    std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && is_secret_parameter(percent_decode(pair.substr(0, eq), true))) {
      out.append(pair.substr(0, eq + 1));
      out += "REDACTED";
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) {
      break;
    }
    out += '&';
    i = amp + 1;
  }
  return out;
}

std::string url_authority(std::string_view url) {
  std::size_t start = after_scheme(url);
  if (start == std::string_view::npos) {
    return {};
  }
  std::size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string out;
  out.reserve(authority.size());
  for (char c : authority) {
    out += ascii_lower(c);
  }
  return out;
}

std::vector<std::string> secret_values(const HttpRequest& request) {
  std::vector<std::string> out;
  auto add = [&out](std::string value) {
    // Very short values ("1") would blank out unrelated text; no real key,
    // token or address is that short.
    if (value.size() >= 3) {
      out.push_back(std::move(value));
    }
  };
  std::size_t q = request.url.find('?');
  if (q != std::string::npos) {
    std::size_t end = request.url.find('#', q);
    std::string_view query = std::string_view(request.url).substr(q + 1, end == std::string::npos ? std::string::npos : end - q - 1);
    std::size_t i = 0;
    while (i <= query.size()) {
      std::size_t amp = query.find('&', i);
      std::string_view pair = query.substr(i, amp == std::string_view::npos ? std::string_view::npos : amp - i);
      std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && is_secret_parameter(percent_decode(pair.substr(0, eq), true))) {
        add(std::string(pair.substr(eq + 1)));
        add(percent_decode(pair.substr(eq + 1), true));
      }
      if (amp == std::string_view::npos) {
        break;
      }
      i = amp + 1;
    }
  }
  for (const auto& [name, value] : request.form) {
    if (is_secret_parameter(name)) {
      add(value);
      add(encode(value, true));
    }
  }
  return out;
}

std::string blank_out(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) {
      continue;
    }
    std::size_t pos = 0;
    while ((pos = text.find(secret, pos)) != std::string::npos) {
      text.replace(pos, secret.size(), "REDACTED");
      pos += 8;
    }
  }
  return text;
}

} // namespace litrev
