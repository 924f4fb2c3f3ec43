// litrev/review.hpp: the review directory (DESIGN.md "The review directory").
//
//   litrev.json        the protocol (schemas/litrev.schema.json)
//   sources/<run-id>/  one folder per import or fetch: the raw files byte for
//                      byte and manifest.json (schemas/manifest.schema.json)
//   ledger/            append-only decision logs (later issues)
//   index/             the Xapian index, derived from sources/ and ledger/;
//                      created by the first import
//
// Every operation here either completes or leaves the directory as it was:
// files are written to a temporary name and renamed into place, a run folder
// appears only when its import has finished, and the index records an import
// in progress so that an interrupted one is detected (and repaired by
// rebuild()).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <litrev/formats.hpp>
#include <litrev/index.hpp>

namespace litrev {

// The litrev version, "0.1.0".
const char* version();

struct ImportOptions {
  // Import the readable records of a file and list the unreadable ones,
  // instead of refusing the whole import.
  bool skip_bad = false;
  // When the run happened, UTC RFC 3339 ("2026-11-21T06:30:12Z"); empty means
  // now. Tests pass a fixed time.
  std::string now;
  // The command as the user typed it, kept in the manifest.
  std::string command;
  // The format of every file; nothing means: recognise each file's format
  // from its content.
  std::optional<Format> format;
  // The bibliographic database the files came from ("Embase"), for PRISMA's
  // per-database counts; empty lets readers tell from the file.
  std::string database;
  // CSV only: record field -> column header, for CSVs litrev does not know.
  std::map<std::string, std::string> csv_columns;
  // Called now and then with the pass ("checking" or "indexing") and the
  // number of records done in it; for a progress display. May be empty.
  std::function<void(const char* pass, std::uint64_t records)> progress;
};

// A record (or a whole file) that was not imported, and why.
struct SkippedItem {
  std::string file;
  std::uint64_t line = 0;
  std::string problem;
};

struct ImportedFile {
  std::string path;        // as given
  std::string stored_name; // name inside sources/<run>/ ("" when not stored)
  std::string sha256;
  std::uint64_t bytes = 0;
  std::string format;      // "pubmed-xml", "ris", ... (formats.hpp)
  std::string database;    // as given with ImportOptions::database
  std::uint64_t records = 0;
  std::uint64_t deletions = 0;
  std::vector<SkippedItem> skipped;
  // How the file was read, when there is something to say (encoding
  // fallbacks and the like).
  std::vector<std::string> notes;
  // Set when a file with the same hash was imported before: it is not
  // imported again. `previous_run` names that run.
  bool already_imported = false;
  std::string previous_run;
};

struct ImportReport {
  std::string run; // the new run's id; empty when nothing new was imported
  std::vector<ImportedFile> files;
  std::uint64_t added = 0;   // records whose key was not in the index
  std::uint64_t updated = 0; // records that replaced one with the same key
  std::uint64_t deleted = 0; // records removed by DeleteCitation
  std::uint64_t skipped = 0; // records (or files) skipped under skip_bad
};

struct RebuildReport {
  std::size_t runs = 0;
  std::uint64_t records = 0; // records in the new index
};

class Review {
public:
  // Creates a review directory at `dir` (created if missing; it must not hold
  // a review already) with a default litrev.json titled `title`. Throws
  // UsageError if `dir` already holds a litrev.json, IoError on write errors.
  static void init(const std::string& dir, const std::string& title);

  // Opens the review in `dir`. Throws UsageError if `dir` holds no
  // litrev.json, DataError if litrev.json is not valid JSON.
  explicit Review(std::string dir);

  const std::string& dir() const noexcept { return m_dir; }
  std::string index_path() const;
  std::string sources_path() const;

  // Imports `paths`: recognises each file's format (unless options.format
  // names it), checks every file completely first, then copies the new
  // ones into a new sources/<run>/ with manifest.json and updates the index.
  // A file whose SHA-256 matches an earlier import is reported and not
  // imported again. A file with no records at all is refused (DataError "no
  // records found"). Without skip_bad, any unreadable file or record throws
  // DataError (file, line, problem) and nothing changes; a path that is a
  // directory or does not exist throws DataError before anything changes.
  // Throws IndexError when the index is busy.
  ImportReport import_files(const std::vector<std::string>& paths, const ImportOptions& options);

  // Recreates index/ from sources/ (in run order), so that it answers as it
  // did before. Builds into a new folder and swaps it in at the end.
  RebuildReport rebuild();

  // Opens the index for reading. Throws IndexError if the review has no
  // records yet (saying to import some), if the index is missing or an import
  // was interrupted (both saying to run `litrev rebuild`).
  Index open_index() const;

private:
  std::string m_dir;
};

} // namespace litrev
