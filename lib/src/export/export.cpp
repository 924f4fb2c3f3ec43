// The export registry (format names, the writer factory) and the helpers
// the writers share (writers.hpp).
#include <litrev/export.hpp>

#include <cerrno>
#include <cstring>
#include <ostream>

#include <fmt/core.h>

#include <litrev/error.hpp>

#include "export/writers.hpp"

namespace litrev {

namespace {

struct ExportFormatInfo {
  ExportFormat format;
  const char* name;
};

constexpr ExportFormatInfo k_export_formats[] = {
    {ExportFormat::ris, "ris"},
    {ExportFormat::bibtex, "bibtex"},
    {ExportFormat::csv, "csv"},
    {ExportFormat::json, "json"},
};

} // namespace

const char* export_format_name(ExportFormat format) {
  for (const auto& f : k_export_formats) {
    if (f.format == format) {
      return f.name;
    }
  }
  return "?";
}

std::optional<ExportFormat> export_format_from_name(std::string_view name) {
  for (const auto& f : k_export_formats) {
    if (name == f.name) {
      return f.format;
    }
  }
  return std::nullopt;
}

std::unique_ptr<RecordWriter> make_record_writer(ExportFormat format, std::ostream& out) {
  switch (format) {
  case ExportFormat::ris:
    return export_detail::make_ris_writer(out);
  case ExportFormat::bibtex:
    return export_detail::make_bibtex_writer(out);
  case ExportFormat::csv:
    return export_detail::make_csv_writer(out);
  case ExportFormat::json:
    return export_detail::make_json_writer(out);
  }
  throw Error("unknown export format");
}

namespace export_detail {

namespace {

[[noreturn]] void stream_failed() {
  // The stream does not say why; errno usually still does (ENOSPC, EIO).
  const int e = errno;
  throw IoError(e != 0 ? fmt::format("cannot write the exported records: {}", std::strerror(e))
                       : std::string("cannot write the exported records"));
}

} // namespace

void put(std::ostream& out, std::string_view text) {
  errno = 0;
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) {
    stream_failed();
  }
}

void flush(std::ostream& out) {
  errno = 0;
  out.flush();
  if (!out) {
    stream_failed();
  }
}

std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\r' || c == '\n' || c == '\t') {
      c = ' ';
    }
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else {
      out += c;
    }
  }
  return out;
}

bool listable_id(std::string_view id) {
  if (id.empty()) {
    return false;
  }
  for (char c : id) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '[' || c == ']') {
      return false;
    }
  }
  return true;
}

namespace {

bool listable_type(std::string_view type) {
  if (type.empty() || type.size() > 40) {
    return false;
  }
  for (char c : type) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return true;
}

} // namespace

std::vector<std::string> listed_ids(const Record& r) {
  std::vector<std::string> out;
  auto add = [&](const std::string& id, const std::string& type) {
    if (listable_id(id) && listable_type(type)) {
      out.push_back(id + " [" + type + "]");
    }
  };
  add(r.ids.nct, "nct");
  add(r.ids.pii, "pii");
  for (const auto& o : r.ids.other) {
    add(o.value, o.type);
  }
  return out;
}

bool same_name(const Author& a, const Author& b) {
  return a.family == b.family && a.given == b.given && a.initials == b.initials && a.suffix == b.suffix &&
         a.collective == b.collective;
}

std::string dotted_initials(std::string_view initials) {
  std::string out;
  for (std::size_t i = 0; i < initials.size();) {
    const auto lead = static_cast<unsigned char>(initials[i]);
    const std::size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (!out.empty()) {
      out += ' ';
    }
    out.append(initials.substr(i, n));
    out += '.';
    i += n;
  }
  return out;
}

int name_score(const Author& want, const Author& got) {
  return (want.family == got.family ? 8 : 0) + (want.collective == got.collective ? 8 : 0) +
         (want.given == got.given ? 3 : 0) + (want.initials == got.initials ? 2 : 0) +
         (want.suffix == got.suffix ? 1 : 0);
}

std::string iso_date(const PubDate& d) {
  if (d.year == 0) {
    return {};
  }
  if (d.month == 0) {
    return fmt::format("{:04d}", d.year);
  }
  if (d.day == 0) {
    return fmt::format("{:04d}-{:02d}", d.year, d.month);
  }
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

} // namespace export_detail

} // namespace litrev
