// PubMed XML behind the generic RecordReader interface (formats.hpp).
#include <litrev/pubmed_xml.hpp>

#include "formats/readers.hpp"

namespace litrev {

namespace {

class PubmedRecordReader : public RecordReader {
public:
  PubmedRecordReader(const std::string& path, const ReaderOptions& options)
    : m_reader(path, options.display_name), m_database(options.database) {}

  bool next(ReadItem& item) override {
    if (!m_reader.next(item)) {
      return false;
    }
    if (item.kind == ReadItem::Kind::record) {
      item.record.database = m_database.empty() ? "PubMed" : m_database;
    }
    return true;
  }

private:
  PubmedXmlReader m_reader;
  std::string m_database;
};

} // namespace

std::unique_ptr<RecordReader> make_pubmed_xml_reader(const std::string& path,
                                                     const ReaderOptions& options) {
  return std::make_unique<PubmedRecordReader>(path, options);
}

} // namespace litrev
