// dump_records [--format NAME] [--count] FILE...: reads reference files with
// litrev's readers and prints one JSON object per line: a record as
// litrev::to_json writes it, or {"deleted": [pmids]} for a DeleteCitation.
// Without --format the format is recognised from each file's content (PubMed
// XML files go through the same PubmedXmlReader either way). --count prints
// only the number of items read, for memory and speed measurements on big
// files. On an error it prints "dump_records: <what>" on stderr and exits with
// the error's exit code. Used by tests/fidelity and tests/bench, and handy for
// debugging.
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/formats.hpp>
#include <litrev/record.hpp>

int main(int argc, char** argv) {
  std::optional<litrev::Format> format;
  bool count_only = false;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; ++i) {
    if (std::strcmp(argv[i], "--count") == 0) {
      count_only = true;
    } else if (std::strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
      format = litrev::format_from_name(argv[++i]);
      if (!format) {
        std::cerr << "dump_records: unknown format " << argv[i] << '\n';
        return litrev::k_exit_usage;
      }
    } else {
      break;
    }
  }
  if (i >= argc) {
    std::cerr << "usage: dump_records [--format NAME] [--count] FILE...\n";
    return litrev::k_exit_usage;
  }
  try {
    litrev::ReadItem item;
    std::uint64_t items = 0;
    for (; i < argc; ++i) {
      auto reader = litrev::open_reader(argv[i], format ? *format : litrev::sniff_format(argv[i]));
      while (reader->next(item)) {
        ++items;
        if (count_only) {
          continue;
        }
        nlohmann::json j;
        if (item.kind == litrev::ReadItem::Kind::deletion) {
          j["deleted"] = item.pmids;
        } else {
          j = item.record;
        }
        std::cout << j.dump() << '\n';
      }
    }
    if (count_only) {
      std::cout << items << '\n';
    }
  } catch (const litrev::Error& e) {
    std::cout.flush();
    std::cerr << "dump_records: " << e.what() << '\n';
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "dump_records: " << e.what() << '\n';
    return litrev::k_exit_failure;
  }
  return litrev::k_exit_ok;
}
