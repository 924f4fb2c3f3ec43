// CurlTransport: one HTTP attempt through libcurl's easy interface. curl
// codes stop here and leave as TransportError (STYLE rule 7).
#include <litrev/http.hpp>

#include <algorithm>
#include <cmath>
#include <mutex>

#include <curl/curl.h>

#include "http/internal.hpp"

namespace litrev {

namespace {

// Idle easy handles kept for reuse (each keeps its connections alive).
constexpr std::size_t k_max_idle_handles = 8;

void init_curl_once() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    throw NetworkError(std::string("libcurl could not be initialised: ") + curl_easy_strerror(result));
  }
}

long to_millis(Seconds s) { return std::max(1L, static_cast<long>(std::llround(s.count() * 1000))); }

struct Transfer {
  std::string body;
  std::map<std::string, std::string> headers;
  std::uint64_t max_body = 0;
  bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (t->body.size() + n > t->max_body) {
    t->too_large = true;
    return 0; // makes curl stop with CURLE_WRITE_ERROR
  }
  t->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
    line.remove_suffix(1);
  }
  if (line.substr(0, 5) == "HTTP/") {
    // A new response begins (after a redirect or a 100 Continue): only the
    // final one's headers count.
    t->headers.clear();
    return n;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return n;
  }
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  auto [it, inserted] = t->headers.try_emplace(name, value);
  if (!inserted) {
    it->second += ", ";
    it->second += value;
  }
  return n;
}

TransportError::Kind kind_of(CURLcode code) {
  using Kind = TransportError::Kind;
  switch (code) {
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_URL_MALFORMAT:
    return Kind::bad_url;
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_SSL_CONNECT_ERROR:
    return Kind::connect;
  case CURLE_OPERATION_TIMEDOUT:
    return Kind::timeout;
  case CURLE_PARTIAL_FILE:
  case CURLE_BAD_CONTENT_ENCODING:
    return Kind::truncated;
  case CURLE_GOT_NOTHING:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
    return Kind::reset;
  case CURLE_FILESIZE_EXCEEDED:
    return Kind::too_large;
  case CURLE_TOO_MANY_REDIRECTS:
    return Kind::redirects;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    return Kind::tls;
  default:
    return Kind::other;
  }
}

// Frees a curl_slist when it goes out of scope.
struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& line) {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (!next) {
      throw std::bad_alloc();
    }
    list = next;
  }
};

bool is_identity_encoding(const std::string& encoding) {
  return encoding.empty() || encoding == "identity";
}

} // namespace

struct CurlTransport::Impl {
  TransportOptions options;
  std::string user_agent;
  std::mutex mutex;
  std::vector<CURL*> idle;

  ~Impl() {
    for (CURL* handle : idle) {
      curl_easy_cleanup(handle);
    }
  }

  CURL* take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CURL* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    CURL* handle = curl_easy_init();
    if (!handle) {
      throw NetworkError("libcurl could not create a handle");
    }
    return handle;
  }

  void give_back(CURL* handle) {
    std::lock_guard lock(mutex);
    if (idle.size() < k_max_idle_handles) {
      idle.push_back(handle);
    } else {
      curl_easy_cleanup(handle);
    }
  }
};

CurlTransport::CurlTransport(TransportOptions options) : m_impl(std::make_unique<Impl>()) {
  init_curl_once();
  m_impl->options = std::move(options);
  m_impl->user_agent = m_impl->options.user_agent.empty()
                           ? default_user_agent(m_impl->options.contact_email)
                           : m_impl->options.user_agent;
}

CurlTransport::~CurlTransport() = default;

const TransportOptions& CurlTransport::options() const noexcept { return m_impl->options; }

const std::string& CurlTransport::user_agent() const noexcept { return m_impl->user_agent; }

HttpResponse CurlTransport::perform(const HttpRequest& request) {
  const TransportOptions& opt = m_impl->options;
  const std::string method = to_string(request.method);
  const std::string shown_url = redact_url(request.url);
  const std::vector<std::string> secrets = secret_values(request);
  auto error = [&](TransportError::Kind kind, const std::string& detail) {
    std::string clean = blank_out(detail, secrets);
    return TransportError(kind, method + " " + shown_url + ": " + clean, clean);
  };

  if (request.method == HttpRequest::Method::get && !request.form.empty()) {
    throw error(TransportError::Kind::bad_url, "form fields given for a GET request");
  }

  CURL* handle = m_impl->take();
  struct Returner {
    Impl& impl;
    CURL* handle;
    ~Returner() { impl.give_back(handle); }
  } returner{*m_impl, handle};

  // Reset clears the options of the previous call but keeps live connections
  // and the DNS cache.
  curl_easy_reset(handle);

  Transfer transfer;
  transfer.max_body = opt.max_body_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {};
  HeaderList headers;
  std::string body;

  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
  curl_easy_setopt(handle, CURLOPT_USERAGENT, m_impl->user_agent.c_str());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, to_millis(opt.connect_timeout));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, to_millis(opt.total_timeout));
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, std::max(1L, opt.low_speed_bytes));
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME,
                   std::max(1L, static_cast<long>(std::ceil(opt.low_speed_time.count()))));
  if (opt.max_redirects > 0) {
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(handle, CURLOPT_MAXREDIRS, opt.max_redirects);
  }
  curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(std::min<std::uint64_t>(opt.max_body_bytes, INT64_MAX)));
  if (opt.no_proxy) {
    curl_easy_setopt(handle, CURLOPT_NOPROXY, opt.no_proxy->c_str());
  }
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);

  for (const auto& [name, value] : request.headers) {
    headers.add(name + ": " + value);
  }
  if (request.method == HttpRequest::Method::post) {
    body = form_encode(request.form);
    headers.add("Content-Type: application/x-www-form-urlencoded");
    // No "Expect: 100-continue" round trip before a large form.
    headers.add("Expect:");
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
  } else {
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.list);

  CURLcode code = curl_easy_perform(handle);

  // Do not leave pointers to this frame in a pooled handle.
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);

  if (code != CURLE_OK) {
    std::string detail = error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(code);
    if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      throw error(TransportError::Kind::too_large,
                  "body larger than " + std::to_string(opt.max_body_bytes) + " bytes");
    }
    throw error(kind_of(code), detail);
  }

  HttpResponse response;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  char* effective = nullptr;
  if (curl_easy_getinfo(handle, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) {
    response.effective_url = redact_url(effective);
  }
  curl_off_t total_us = 0;
  if (curl_easy_getinfo(handle, CURLINFO_TOTAL_TIME_T, &total_us) == CURLE_OK) {
    response.elapsed_seconds = static_cast<double>(total_us) / 1e6;
  }
  response.headers = std::move(transfer.headers);
  response.body = std::move(transfer.body);

  // curl catches a short body when it has to decode it or when the
  // connection closes early; this also catches a body that is complete as
  // far as the connection goes but shorter than it announced.
  bool has_body = response.status >= 200 && response.status != 204 && response.status != 304;
  const std::string& length = response.header("content-length");
  if (has_body && !length.empty() && is_identity_encoding(response.header("content-encoding"))) {
    std::uint64_t expected = 0;
    bool numeric = std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric && length.size() < 19) {
      expected = std::stoull(length);
      if (expected != response.body.size()) {
        throw error(TransportError::Kind::truncated,
                    "body has " + std::to_string(response.body.size()) + " bytes, Content-Length says " +
                        length);
      }
    }
  }
  return response;
}

} // namespace litrev
