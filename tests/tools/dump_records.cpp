// dump_records FILE...: reads PubMed XML files (plain or .gz) with
// litrev::PubmedXmlReader and prints one JSON object per line: a record as
// litrev::to_json writes it, or {"deleted": [pmids]} for a DeleteCitation.
// On an error it prints "dump_records: <what>" on stderr and exits with the
// error's exit code. Used by tests/fidelity and handy for debugging.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/pubmed_xml.hpp>
#include <litrev/record.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: dump_records FILE...\n";
    return litrev::k_exit_usage;
  }
  try {
    litrev::PubmedItem item;
    for (int i = 1; i < argc; ++i) {
      litrev::PubmedXmlReader reader(argv[i]);
      while (reader.next(item)) {
        nlohmann::json j;
        if (item.kind == litrev::PubmedItem::Kind::deletion) {
          j["deleted"] = item.pmids;
        } else {
          j = item.record;
        }
        std::cout << j.dump() << '\n';
      }
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
