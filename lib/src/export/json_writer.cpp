// The JSON Lines writer: to_json(Record), the JSON of `litrev show --format
// json` (schemas/record.schema.json), one record per line.
#include <ostream>

#include <nlohmann/json.hpp>

#include "export/writers.hpp"

namespace litrev::export_detail {

namespace {

class JsonWriter final : public RecordWriter {
public:
  explicit JsonWriter(std::ostream& out) : m_out(out) {}

  using RecordWriter::write;
  void write(const Record& r, const ScreeningLines& screening) override {
    nlohmann::json j = r;
    if (!screening.empty()) {
      j["screening"] = screening;
    }
    // Records hold valid UTF-8; should one not, a replacement character is
    // better than losing the whole export to an exception.
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line += '\n';
    put(m_out, line);
  }

  void finish() override { flush(m_out); }

private:
  std::ostream& m_out;
};

} // namespace

std::unique_ptr<RecordWriter> make_json_writer(std::ostream& out) { return std::make_unique<JsonWriter>(out); }

} // namespace litrev::export_detail
