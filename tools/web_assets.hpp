// The files of `litrev serve`'s page (tools/web/), compiled into the binary
// by tools/embed_web.cmake at build time.
#pragma once

#include <cstddef>
#include <string_view>

namespace litrev::cli {

struct WebAsset {
  const char* name;         // "index.html", "app.js", "app.css"
  const char* content_type; // "text/html; charset=utf-8", ...
  const unsigned char* data;
  std::size_t size;
};

// The asset called `name`, or nullptr.
const WebAsset* find_web_asset(std::string_view name);

} // namespace litrev::cli
