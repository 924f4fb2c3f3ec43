// litrev/export.hpp: writing records back out as reference files (RIS,
// BibTeX, CSV) and as JSON Lines.
//
// Where this module sits. DESIGN.md puts report writers (SVG, tables) in
// `report`, at the right end of the module order. A reference writer is the
// other half of a reader, so it lives next to `formats` instead: each writer
// spells every value so that litrev's own reader of that format reads it back
// unchanged, and checks that by running the reader's own value decoders
// (entities, markup, LaTeX, names, dates, pages) on what it is about to
// write. It therefore uses `formats` and `record`, and nothing to their
// right: choosing which records to write (the index, a search, screening
// state) is the caller's business.
//
// Streaming: a writer takes an std::ostream and one record at a time; it
// holds no record after write() returns.
//
// What survives a round trip (write, then read with litrev's reader of the
// same format), field by field, is listed in schemas/output.md ("litrev
// export records"). In short: the record key always does (every identifier
// that feeds it, or the title, year and first author that feed a hash key);
// RIS, BibTeX and CSV carry the bibliographic fields their format has room
// for; JSON Lines carries everything.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <litrev/record.hpp>

namespace litrev {

enum class ExportFormat {
  ris,    // RIS (RefMan 2011 tags), CRLF line ends
  bibtex, // BibTeX / BibLaTeX, UTF-8, LaTeX specials escaped
  csv,    // RFC 4180 CSV with the fixed header of k_csv_export_header
  json,   // JSON Lines: to_json(Record), one record per line
};

// "ris", "bibtex", "csv", "json".
const char* export_format_name(ExportFormat format);
// The format named `name` (as export_format_name gives it), or nothing.
std::optional<ExportFormat> export_format_from_name(std::string_view name);

// The header row the CSV writer writes, in order, comma-separated. Every
// column is recognised by litrev's CSV reader except "Key" (the record key,
// kept for people; the reader keeps it as an extra field).
inline constexpr const char* k_csv_export_header =
    "Key,Title,Authors,Year,Date,Journal,Journal Abbreviation,ISSN,eISSN,Volume,Issue,Pages,"
    "DOI,PMID,PMCID,Other IDs,Abstract,Keywords,Language,Publication Type,Publisher,Database,Screening";

// What the review's people decided about a record, written with it: one line
// per stage ("title-abstract: included (ana: include; ben: include)"), per
// resolution, and per note. The writers put each line in an RIS N1 tag, the
// BibTeX `annote` field (lines joined by "; "), the CSV "Screening" column
// (lines joined by " | ") and a "screening" array in JSON Lines.
using ScreeningLines = std::vector<std::string>;

class RecordWriter {
public:
  virtual ~RecordWriter() = default;
  // Writes `record`, with `screening` when it is not empty. Fields that are
  // empty are left out (CSV: empty cells). Throws IoError when the stream
  // reports a failure.
  virtual void write(const Record& record, const ScreeningLines& screening) = 0;
  void write(const Record& record) { write(record, {}); }
  // Writes whatever ends the file (nothing in the current formats) and
  // flushes the stream. Throws IoError when the stream reports a failure.
  virtual void finish() = 0;
};

// A writer of `format` on `out`, which must outlive it. The CSV writer
// writes its header row here, so a file with no records still has one.
// Throws IoError when the stream reports a failure.
std::unique_ptr<RecordWriter> make_record_writer(ExportFormat format, std::ostream& out);

} // namespace litrev
