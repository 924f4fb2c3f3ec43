// The reader of litrev's own JSON Lines (`litrev export records --format
// json`, `litrev show --format json`): one record per line in the form of
// schemas/record.schema.json, read back with from_json, so a review's records
// travel to another review with every field they had.
//
// Sniffing: the file starts (after a BOM and white space) with an object whose
// top-level members include "key" and one of "title", "ids" or "source": the
// members to_json writes for every record. Europe PMC and ClinicalTrials.gov
// answers are recognised before this.
//
// Errors: a line that is not JSON, not an object, or has a member of the
// wrong type is a RecordError naming the line, and reading goes on with the
// next (an import refuses the file unless --skip-bad). Empty lines are
// skipped. A record without "key" gets the key its identifiers give
// (record_key); a record without title or identifiers is refused.
#include <algorithm>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>

#include "formats/json_page.hpp"
#include "formats/readers.hpp"
#include "formats/text_input.hpp"

namespace litrev {

namespace {

class JsonLinesReader : public RecordReader {
public:
  JsonLinesReader(const std::string& path, const ReaderOptions& options)
    : m_in(path, options.display_name.empty() ? path : options.display_name), m_database(options.database) {
    const std::string head = m_in.peek(4096);
    if (!looks_like_litrev_jsonl(head)) {
      throw DataError(m_in.display_name(), 1, "not litrev JSON Lines: the first line is not a record object");
    }
  }

  bool next(ReadItem& item) override {
    std::string line;
    while (m_in.next_line(line)) {
      if (std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; })) {
        continue;
      }
      item = ReadItem{};
      item.line = m_in.line_number();
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception& e) {
        throw RecordError(m_in.display_name(), item.line, std::string("not valid JSON: ") + e.what());
      }
      if (!j.is_object()) {
        throw RecordError(m_in.display_name(), item.line, "not a JSON object (one record per line)");
      }
      try {
        item.record = j.get<Record>();
      } catch (const nlohmann::json::exception& e) {
        throw RecordError(m_in.display_name(), item.line, std::string("not a litrev record: ") + e.what());
      }
      if (item.record.title.empty() && record_key(item.record).empty()) {
        throw RecordError(m_in.display_name(), item.line, "a record needs a title or an identifier");
      }
      if (item.record.key.empty()) {
        item.record.key = record_key(item.record);
      }
      if (!m_database.empty()) {
        item.record.database = m_database;
      }
      return true;
    }
    return false;
  }

  std::vector<std::string> notes() const override {
    if (m_in.cp1252_lines() > 0) {
      return {std::to_string(m_in.cp1252_lines()) + " lines were not UTF-8 and were read as Windows-1252"};
    }
    return {};
  }

private:
  TextInput m_in;
  std::string m_database;
};

} // namespace

bool looks_like_litrev_jsonl(std::string_view head) {
  const std::vector<std::string> keys = json_page::top_level_keys(head);
  const auto has = [&](const char* k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  return has("key") && (has("title") || has("ids") || has("source"));
}

std::unique_ptr<RecordReader> make_litrev_jsonl_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<JsonLinesReader>(path, options);
}

} // namespace litrev
