// litrev/pubmed_xml.hpp: a streaming reader of PubMed XML (EFetch, "Send to >
// XML", baseline and update files), plain or gzip-compressed.
//
// The reader holds one article in memory at a time, so memory stays flat on a
// file of any size. It never loads the DTD or external entities. It reads
// PubmedArticle, PubmedBookArticle and DeleteCitation; anything else inside
// PubmedArticleSet is an error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <litrev/formats.hpp>
#include <litrev/record.hpp>

namespace litrev {

// One item of a PubMed XML file: a record, or the PMIDs a DeleteCitation
// element asks to delete (formats.hpp). The reader sets the record's
// provenance.file to the display name and provenance.position to the item's
// index in the file; provenance.run is the caller's.
using PubmedItem = ReadItem;

class PubmedXmlReader {
public:
  // Opens `path` (plain XML or .gz, recognised by content). `display_name` is
  // the name used in error messages (defaults to `path`).
  // Throws IoError if the file cannot be opened or is a directory.
  explicit PubmedXmlReader(const std::string& path, std::string display_name = {});
  // Reads a document held in memory (an EFetch response body, a fuzz input)
  // instead of a file. `data` must be uncompressed and must outlive the
  // reader; it is not modified. Never throws IoError.
  static PubmedXmlReader from_memory(std::string_view data, std::string display_name);
  ~PubmedXmlReader();
  // Movable (a moved-from reader may only be destroyed or assigned to).
  PubmedXmlReader(PubmedXmlReader&&) noexcept;
  PubmedXmlReader& operator=(PubmedXmlReader&&) noexcept;
  PubmedXmlReader(const PubmedXmlReader&) = delete;
  PubmedXmlReader& operator=(const PubmedXmlReader&) = delete;

  // Reads the next item into `item`. Returns false at the end of a complete
  // file. Throws DataError (naming the file, the line and the problem) when
  // the file is not PubMed XML, is truncated, is not valid UTF-8, is not
  // well-formed, or has an article without a PMID; IoError on a read error.
  // When the problem lies inside one complete article (malformed XML, invalid
  // UTF-8, no PMID), the DataError is a RecordError: that article is skipped
  // and the next call goes on with the following one. After any other throw
  // the reader must not be used again (it throws Error if it is).
  bool next(PubmedItem& item);

  // Number of items returned so far.
  std::uint64_t count() const noexcept;

  // Bytes of (decompressed) input consumed so far.
  std::uint64_t bytes_read() const noexcept;

private:
  struct Impl;
  explicit PubmedXmlReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// Parses a PubmedArticle or PubmedBookArticle element held in `xml` (the
// element's bytes, start tag to end tag) into `record`. `origin` names the
// input in errors (for example "file.xml:120"). Throws DataError.
void parse_pubmed_article(std::string_view xml, const std::string& origin, Record& record);

// True if the first bytes of a file (decompressed) look like PubMed XML: an
// optional XML declaration, DOCTYPE and comments, then <PubmedArticleSet>.
bool looks_like_pubmed_xml(std::string_view head);

} // namespace litrev
