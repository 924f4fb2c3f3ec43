// Private: small file-system helpers that keep the review directory whole.
#pragma once

#include <string>

namespace litrev {

// Reads a whole file. Throws IoError naming the path.
std::string read_file(const std::string& path);

// Writes `content` to `path` atomically: to a temporary file in the same
// folder, fsync, then rename over `path`. Readers see the old or the new
// content, never a part. Throws IoError naming the path.
void write_file_atomic(const std::string& path, const std::string& content);

// Copies `from` to `to` (which must not exist) and fsyncs it. Throws IoError.
void copy_file_synced(const std::string& from, const std::string& to);

// fsyncs a directory so that renames and new entries in it are durable.
void sync_directory(const std::string& path);

// The current time as UTC RFC 3339 with seconds ("2026-11-21T06:30:12Z").
std::string now_utc_rfc3339();

} // namespace litrev
