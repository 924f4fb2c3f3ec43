// The format registry: names, sniffing and opening readers.
#include <litrev/formats.hpp>

#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <zlib.h>

#include <litrev/pubmed_xml.hpp>

#include "formats/json_page.hpp"
#include "formats/readers.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

struct FormatInfo {
  Format format;
  const char* name;
};

constexpr FormatInfo k_formats[] = {
    {Format::pubmed_xml, "pubmed-xml"}, {Format::medline, "medline"}, {Format::ris, "ris"},
    {Format::bibtex, "bibtex"},         {Format::endnote_xml, "endnote-xml"},
    {Format::wos, "wos"},               {Format::csv, "csv"},
    {Format::europepmc_json, "europepmc-json"}, {Format::ctgov_json, "ctgov-json"},
    {Format::litrev_jsonl, "litrev-jsonl"},
};

constexpr std::size_t k_sniff_bytes = 64 * 1024;

std::string read_head(const std::string& path, std::size_t n) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw IoError(path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    throw IoError(path + ": is a directory");
  }
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) {
    throw IoError(path + ": cannot open: " + std::strerror(errno));
  }
  std::string head(n, '\0');
  const int got = gzread(gz, head.data(), static_cast<unsigned>(n));
  gzclose(gz);
  if (got < 0) {
    throw DataError(path, 0, "cannot read (corrupt gzip data?)");
  }
  head.resize(static_cast<std::size_t>(got));
  return head;
}

// What a file that is no reference format looks like, for the message.
std::string describe(std::string_view head) {
  std::string_view t = trim_xml_space(head.substr(head.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0));
  if (t.empty()) {
    return "empty file";
  }
  auto starts_ci = [&](std::string_view p) {
    if (t.size() < p.size()) {
      return false;
    }
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(t[i])) != p[i]) {
        return false;
      }
    }
    return true;
  };
  if (starts_ci("<!doctype html") || starts_ci("<html")) {
    return "not a reference file: it is an HTML page";
  }
  if (t.front() == '{' || t.front() == '[') {
    const auto keys = json_page::top_level_keys(t);
    if (keys.size() == 1 && keys.front() == "version") {
      return "not a reference file: JSON with only a \"version\" member, the empty answer Europe PMC "
             "sometimes gives instead of results (fetch the page again)";
    }
    return "not a reference file: it looks like JSON";
  }
  if (t.front() == '<') {
    return "not a reference file: XML, but neither PubMed XML nor EndNote XML";
  }
  if (head.find('\0') != std::string_view::npos) {
    return "not a reference file: binary data";
  }
  return "unrecognised format (expected PubMed XML, MEDLINE/nbib, RIS, BibTeX, EndNote XML, "
         "Web of Science, CSV, litrev's JSON Lines, or a Europe PMC or ClinicalTrials.gov JSON answer; "
         "--format names it)";
}

} // namespace

const char* format_name(Format format) {
  for (const auto& f : k_formats) {
    if (f.format == format) {
      return f.name;
    }
  }
  return "?";
}

std::optional<Format> format_from_name(std::string_view name) {
  for (const auto& f : k_formats) {
    if (name == f.name) {
      return f.format;
    }
  }
  return std::nullopt;
}

std::optional<Format> sniff_format_of(std::string_view head) {
  // Most specific first: JSON answers by their top-level members, the XML
  // formats by their root, the tagged formats by their first tags, BibTeX by
  // its @entry, CSV last (almost anything could be one column of CSV).
  if (looks_like_europepmc_json(head)) {
    return Format::europepmc_json;
  }
  if (looks_like_ctgov_json(head)) {
    return Format::ctgov_json;
  }
  if (looks_like_litrev_jsonl(head)) {
    return Format::litrev_jsonl;
  }
  if (looks_like_pubmed_xml(head)) {
    return Format::pubmed_xml;
  }
  if (looks_like_endnote_xml(head)) {
    return Format::endnote_xml;
  }
  if (looks_like_wos(head)) {
    return Format::wos;
  }
  if (looks_like_medline(head)) {
    return Format::medline;
  }
  if (looks_like_ris(head)) {
    return Format::ris;
  }
  if (looks_like_bibtex(head)) {
    return Format::bibtex;
  }
  if (looks_like_csv(head)) {
    return Format::csv;
  }
  return std::nullopt;
}

Format sniff_format(const std::string& path) {
  const std::string head = read_head(path, k_sniff_bytes);
  if (auto f = sniff_format_of(head)) {
    return *f;
  }
  throw DataError(path, 0, describe(head));
}

std::unique_ptr<RecordReader> open_reader(const std::string& path, Format format,
                                          const ReaderOptions& options) {
  switch (format) {
  case Format::pubmed_xml:
    return make_pubmed_xml_reader(path, options);
  case Format::medline:
    return make_medline_reader(path, options);
  case Format::ris:
    return make_ris_reader(path, options);
  case Format::bibtex:
    return make_bibtex_reader(path, options);
  case Format::endnote_xml:
    return make_endnote_xml_reader(path, options);
  case Format::wos:
    return make_wos_reader(path, options);
  case Format::csv:
    return make_csv_reader(path, options);
  case Format::europepmc_json:
    return make_europepmc_json_reader(path, options);
  case Format::ctgov_json:
    return make_ctgov_json_reader(path, options);
  case Format::litrev_jsonl:
    return make_litrev_jsonl_reader(path, options);
  }
  throw UsageError("unknown format");
}

} // namespace litrev
