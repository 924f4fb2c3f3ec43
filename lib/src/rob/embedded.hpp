// The risk-of-bias tool definitions embedded at build time: the contents of
// lib/rob-tools/*.json, in file-name order, written into
// rob_tools_embedded.cpp by lib/rob-tools/embed.cmake.
#pragma once

#include <cstddef>
#include <string_view>

namespace litrev::rob_detail {

struct EmbeddedFile {
  const char* name; // file name, e.g. "rob2-parallel-itt.json"
  std::string_view text;
};

extern const EmbeddedFile k_embedded_tool_files[];
extern const std::size_t k_embedded_tool_file_count;

} // namespace litrev::rob_detail
