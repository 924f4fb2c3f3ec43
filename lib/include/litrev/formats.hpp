// litrev/formats.hpp: reading reference files of every supported format
// through one interface, and recognising a file's format from its content.
//
// Each format has a streaming reader (one record in memory at a time) that
// implements RecordReader; the exceptions are the JSON answers of search
// services, read whole because one is a page of at most a few MB. The import
// pipeline (review.hpp) only sees this interface: sniff_format() picks the
// format from the first bytes, open_reader() makes the reader, next() yields
// records until the end of the file.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <litrev/error.hpp>
#include <litrev/record.hpp>

namespace litrev {

enum class Format {
  pubmed_xml,  // PubMed/EFetch XML (PubmedArticleSet)
  medline,     // MEDLINE / .nbib tagged text (PMID- ..., TI  - ...)
  ris,         // RIS (TY  - ... ER  -), all common dialects
  bibtex,      // BibTeX / BibLaTeX
  endnote_xml, // EndNote XML (<xml><records><record>...)
  wos,         // Web of Science plain text (FN/VR header, PT ... ER)
  csv,         // CSV: PubMed and Scopus exports by header, others with a column map
  // Raw answers of the search services, as `litrev fetch` saves them; read
  // whole (a page is a few MB at most), not streamed.
  europepmc_json, // one page of the Europe PMC REST search, format=json
                  // (resultType core, lite or idlist); records of kind
                  // "article" (NCBI Bookshelf: "book-chapter"), preprints
                  // (source PPR) flagged by the publication type "Preprint";
                  // database "Europe PMC"
  ctgov_json,     // one ClinicalTrials.gov API v2 answer: a /studies page or
                  // one /studies/NCT... study; records of kind "registration"
                  // with Record::registration set; database "ClinicalTrials.gov"
  litrev_jsonl,   // litrev's own JSON Lines (export records --format json):
                  // one record per line as schemas/record.schema.json, every
                  // field kept; streamed
};

// The name used on the command line and in manifests: "pubmed-xml", "medline",
// "ris", "bibtex", "endnote-xml", "wos", "csv", "europepmc-json", "ctgov-json",
// "litrev-jsonl".
const char* format_name(Format format);
// The format named `name`, or nothing.
std::optional<Format> format_from_name(std::string_view name);

// One item of a reference file: a record, or PMIDs to delete (PubMed update
// files). `line` is the 1-based line where the item starts.
struct ReadItem {
  enum class Kind { record, deletion };
  Kind kind = Kind::record;
  Record record;                  // when kind == record
  std::vector<std::string> pmids; // when kind == deletion
  std::uint64_t line = 0;
};

// Thrown by RecordReader::next() when one record is unreadable but the reader
// can go on with the next one (an import with --skip-bad does). Any other
// DataError from next() ends the file.
class RecordError : public DataError {
public:
  using DataError::DataError;
};

class RecordReader {
public:
  virtual ~RecordReader() = default;
  // Reads the next item. Returns false at the end of the file. Throws
  // RecordError for a bad record (the next call continues after it),
  // DataError when the file cannot be read further, IoError on read errors.
  virtual bool next(ReadItem& item) = 0;
  // Things the user should know about how the file was read, in plain words
  // ("312 lines were not UTF-8 and were read as Windows-1252"). Complete once
  // next() has returned false.
  virtual std::vector<std::string> notes() const { return {}; }
};

// Options a reader may use.
struct ReaderOptions {
  // How `display_name` appears in messages; defaults to the path.
  std::string display_name;
  // CSV only: record field -> column header ("title" -> "Article Title"),
  // for CSV files that are not a recognised export.
  std::map<std::string, std::string> csv_columns;
  // The bibliographic database the file came from ("Embase", "Scopus"), when
  // the user named it; readers that can tell from the content set it
  // themselves when this is empty.
  std::string database;
};

// Recognises the format of the file at `path` from its first bytes
// (decompressing .gz). Throws DataError naming the file when the content
// matches no supported format (saying what it looks like: HTML, JSON, empty),
// IoError when it cannot be read.
Format sniff_format(const std::string& path);

// The format of `head` (a file's first bytes, decompressed), or nothing.
// JSON is told apart by the member names of its top-level object, as far as
// `head` shows them: "resultList" or "hitCount" is Europe PMC,
// "studies" or "protocolSection" ClinicalTrials.gov, "key" with "title",
// "ids" or "source" litrev's JSON Lines; other JSON is no format.
std::optional<Format> sniff_format_of(std::string_view head);

// Opens a reader of `format` on `path`. Throws IoError when the file cannot be
// opened or is a directory, DataError when its start is not of that format.
// The JSON readers (europepmc_json, ctgov_json) parse the whole file here, so
// their DataError also covers JSON that is invalid (with its line) or of the
// wrong shape (no resultList.result; neither studies nor protocolSection);
// their next() throws RecordError for one bad result or study.
std::unique_ptr<RecordReader> open_reader(const std::string& path, Format format,
                                          const ReaderOptions& options = {});

} // namespace litrev
