// bench_parse: how fast litrev reads PubMed XML, next to the pugixml ceiling.
//
//   bench_parse litrev  FILE   PubmedXmlReader over FILE (plain or .gz): every
//                              item read into a Record, the way `litrev import`
//                              reads it; fields are touched so nothing is
//                              optimised away.
//   bench_parse pugixml FILE   the physical ceiling of a pugixml-based design:
//                              read the whole file into memory and
//                              load_buffer_inplace it with default flags; no
//                              walk, no Record, no text flattening. Plain XML
//                              only.
//   bench_parse pugixml-records FILE
//                              supplementary: pugixml parsing each article
//                              separately, as litrev's reader does, with the
//                              file read and split before the clock (CPU
//                              only). See run_pugixml_records.
//
// Each mode prints one JSON line: records, seconds, records/s, MB/s (10^6
// bytes of decompressed XML per second) and peak RSS (getrusage ru_maxrss, in
// MiB). Run each mode in its own process so the peak RSS is that mode's own.
// The clock starts before the file is opened and stops when the last record
// has been read (litrev) or the document is built (pugixml), so both sides pay
// for reading the file. The pugixml line also gives the read and the parse
// times separately.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <litrev/pubmed_xml.hpp>

#include "bench_util.hpp"

namespace {

using litrev::bench::Clock;
using litrev::bench::cpu_seconds;
using litrev::bench::peak_rss_mib;
using litrev::bench::seconds_since;

// CPU time (user + system) this process has used so far, in seconds. Less
// sensitive than wall time to other processes on a busy 2-core machine.
// Peak resident set of this process, in MiB (ru_maxrss is KiB on Linux).
nlohmann::json figures(const char* mode, const std::string& path, std::uint64_t bytes,
                       std::uint64_t records, double seconds) {
  nlohmann::json j;
  j["tool"] = mode;
  j["mode"] = mode;
  j["file"] = path;
  j["bytes"] = bytes;
  j["records"] = records;
  j["seconds"] = seconds;
  j["records_per_s"] = seconds > 0 ? static_cast<double>(records) / seconds : 0.0;
  j["mb_per_s"] = seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0;
  j["peak_rss_mb"] = peak_rss_mib();
  return j;
}

// Measures litrev's streaming reader: every record becomes a litrev::Record.
int run_litrev(const std::string& path) {
  std::uint64_t records = 0;
  std::uint64_t deletions = 0;
  // A sum over fields the indexer reads, so the compiler cannot drop the
  // work and so two runs can be checked to have read the same thing.
  std::uint64_t checksum = 0;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  litrev::PubmedXmlReader reader(path);
  litrev::PubmedItem item;
  while (reader.next(item)) {
    if (item.kind == litrev::PubmedItem::Kind::record) {
      ++records;
      const litrev::Record& r = item.record;
      checksum += r.key.size() + r.title.size() + r.authors.size() + r.mesh.size() +
                  r.keywords.size() + r.publication_types.size() +
                  static_cast<std::uint64_t>(r.pub_date.year);
      for (const auto& s : r.abstract) {
        checksum += s.text.size();
      }
    } else {
      ++deletions;
    }
  }
  const double seconds = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_start;
  nlohmann::json j = figures("litrev", path, reader.bytes_read(), records, seconds);
  j["deletions"] = deletions;
  j["checksum"] = checksum;
  j["cpu_seconds"] = cpu;
  std::cout << j.dump() << std::endl;
  return 0;
}

// Measures the ceiling: pugixml building a DOM of the whole file in place.
int run_pugixml(const std::string& path) {
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    std::cerr << "bench_parse: cannot open " << path << "\n";
    return 1;
  }
  unsigned char magic[2] = {0, 0};
  if (std::fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    std::fclose(f);
    std::cerr << "bench_parse: pugixml mode reads plain XML only, not gzip: " << path << "\n";
    return 2;
  }
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  // The document borrows this buffer (load_buffer_inplace), so it lives as
  // long as the document. Not zero-filled: fread touches every page anyway.
  const std::size_t length = static_cast<std::size_t>(size);
  std::unique_ptr<char[]> buffer(new char[length > 0 ? length : 1]);
  if (length > 0 && std::fread(buffer.get(), 1, length, f) != length) {
    std::fclose(f);
    std::cerr << "bench_parse: read error on " << path << "\n";
    return 1;
  }
  std::fclose(f);
  const double read_seconds = seconds_since(start);

  const auto parse_start = Clock::now();
  pugi::xml_document doc;
  const pugi::xml_parse_result result =
      doc.load_buffer_inplace(buffer.get(), length, pugi::parse_default);
  const double parse_seconds = seconds_since(parse_start);
  const double seconds = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_start;
  if (!result) {
    std::cerr << "bench_parse: " << path << ": pugixml: " << result.description() << " at byte "
              << result.offset << "\n";
    return 1;
  }
  // Counting the records is not timed: it only gives the records/s figure.
  std::uint64_t records = 0;
  for (pugi::xml_node n = doc.document_element().first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_element) {
      ++records;
    }
  }
  nlohmann::json j = figures("pugixml", path, length, records, seconds);
  j["read_seconds"] = read_seconds;
  j["parse_seconds"] = parse_seconds;
  j["parse_mb_per_s"] = parse_seconds > 0 ? static_cast<double>(length) / 1e6 / parse_seconds : 0.0;
  j["cpu_seconds"] = cpu;
  std::cout << j.dump() << std::endl;
  return 0;
}

// A supplementary ceiling, closer to litrev's own design: pugixml parsing
// each article on its own (copy the element's bytes into a reused buffer,
// load_buffer_inplace with default flags into a reused document), which is
// what PubmedXmlReader does before it walks the tree. The file is read and
// split into elements *before* the clock starts, so this is CPU work only:
// no I/O, no UTF-8 check, no line counting, no walk. Plain XML only.
int run_pugixml_records(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    std::cerr << "bench_parse: cannot open " << path << "\n";
    return 1;
  }
  std::string data;
  char block[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(block, 1, sizeof block, f)) > 0) {
    data.append(block, got);
  }
  std::fclose(f);
  if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
      static_cast<unsigned char>(data[1]) == 0x8b) {
    std::cerr << "bench_parse: pugixml-records mode reads plain XML only, not gzip: " << path << "\n";
    return 2;
  }
  // Element byte ranges, found by their start and end tags.
  std::vector<std::pair<std::size_t, std::size_t>> elements;
  const std::string_view all(data);
  std::size_t pos = 0;
  for (;;) {
    const std::size_t a = all.find("<PubmedArticle>", pos);
    const std::size_t b = all.find("<PubmedBookArticle>", pos);
    const std::size_t start = std::min(a, b);
    if (start == std::string_view::npos) {
      break;
    }
    const std::string_view close = start == a ? "</PubmedArticle>" : "</PubmedBookArticle>";
    const std::size_t end = all.find(close, start);
    if (end == std::string_view::npos) {
      std::cerr << "bench_parse: unterminated element at byte " << start << "\n";
      return 1;
    }
    elements.emplace_back(start, end + close.size());
    pos = end + close.size();
  }

  std::uint64_t element_bytes = 0;
  std::uint64_t nodes_checksum = 0;
  std::unique_ptr<char[]> scratch;
  std::size_t scratch_size = 0;
  pugi::xml_document doc;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  for (const auto& [from, to] : elements) {
    const std::size_t n = to - from;
    if (n > scratch_size) {
      scratch_size = std::max(n, scratch_size * 2);
      scratch.reset(new char[scratch_size]);
    }
    std::memcpy(scratch.get(), data.data() + from, n);
    const pugi::xml_parse_result result = doc.load_buffer_inplace(scratch.get(), n, pugi::parse_default);
    if (!result) {
      std::cerr << "bench_parse: pugixml: " << result.description() << " in the element at byte " << from << "\n";
      return 1;
    }
    element_bytes += n;
    nodes_checksum += static_cast<std::uint64_t>(doc.document_element().first_child().type());
  }
  const double seconds = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_start;
  // MB/s over the whole file's bytes, like the other modes (the bytes between
  // elements are a few newlines).
  nlohmann::json j = figures("pugixml-records", path, data.size(), elements.size(), seconds);
  j["element_bytes"] = element_bytes;
  j["checksum"] = nodes_checksum;
  j["cpu_seconds"] = cpu;
  std::cout << j.dump() << std::endl;
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bench_parse litrev|pugixml|pugixml-records FILE\n";
    return 2;
  }
  const std::string mode = argv[1];
  const std::string path = argv[2];
  try {
    if (mode == "litrev") {
      return run_litrev(path);
    }
    if (mode == "pugixml") {
      return run_pugixml(path);
    }
    if (mode == "pugixml-records") {
      return run_pugixml_records(path);
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_parse: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: bench_parse litrev|pugixml|pugixml-records FILE\n";
  return 2;
}
