// The run folders of sources/ and how their files reach the index; shared by
// import, fetch and rebuild (review.cpp, fetch.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/formats.hpp>
#include <litrev/index.hpp>
#include <litrev/review.hpp>

#include "dedup/fields.hpp"

namespace litrev::runs {

inline const char* const k_meta_pending = "litrev.pending_run";
inline const char* const k_protocol = "litrev.json";
inline const char* const k_manifest = "manifest.json";
inline const char* const k_tmp_prefix = ".tmp-";
inline constexpr int k_manifest_version = 1;
inline constexpr std::uint64_t k_progress_every = 1000;


// Reads every item of one file in `format`, calling `each(item, position)`.
// Without `skip_bad` the first problem throws. With it, a bad record
// (RecordError) is listed and reading goes on; a problem that ends the file
// (DataError) is listed and the file ends there.
template <typename Each>
void read_items(const std::string& path, const std::string& display, Format format,
                const ReaderOptions& base, bool skip_bad, ImportedFile& info, Each each) {
  ReaderOptions options = base;
  options.display_name = display;
  std::unique_ptr<RecordReader> reader;
  try {
    reader = open_reader(path, format, options);
    ReadItem item;
    std::uint64_t position = 0;
    for (;;) {
      try {
        if (!reader->next(item)) {
          break;
        }
      } catch (const RecordError& e) {
        if (!skip_bad) {
          throw;
        }
        info.skipped.push_back({display, e.line(), e.problem()});
        continue;
      }
      if (item.kind == ReadItem::Kind::record) {
        ++info.records;
      } else {
        ++info.deletions;
      }
      each(item, position++);
    }
    info.notes = reader->notes();
  } catch (const DataError& e) {
    if (!skip_bad) {
      throw;
    }
    info.skipped.push_back({display, e.line(), e.problem()});
  }
}


// A new run id, "20261121T063012Z-<kind>-01", unused in `sources` (neither as
// a run nor as a temporary folder). Throws IoError after 999 in one second.
std::string make_run_id(const std::string& sources, const std::string& now, const std::string& kind);

// A file's entry in a manifest.
nlohmann::json file_to_json(const ImportedFile& f);

// The runs in `sources`, oldest first (run ids sort by time).
std::vector<std::string> list_runs(const std::string& sources);

// What the review's records are made of, as a string that changes whenever
// they may have: each run's name with its manifest's size and modification
// time (nanoseconds). For caches of things derived from the records alone
// (the machine's duplicate clusters, the ranker's features) in long-lived
// processes (litrev serve, the terminal screen).
std::string sources_fingerprint(const std::string& sources);

// The manifest of the run folder `run_dir`. Throws DataError when it is not
// JSON, IoError when it cannot be read.
nlohmann::json read_manifest(const std::string& run_dir);

// Called with each record read, just before it goes into the index;
// `replaces` is false when the review keeps its own copy (see apply_file).
using BeforeUpsert = std::function<void(const Record&, bool replaces)>;

// What a key holds in the index, for placing the next record read with that
// key (place()).
struct Held {
  int rank = 0; // source_rank() of the record held
  // For a DOI or title-hash key, which two works can share: the record held
  // as the duplicate comparison sees it, and its record_key_apart().
  std::optional<dedup::Prepared> identity;
  std::string apart_key;
};

// What `record` (the record an index would hold) tells place() about itself.
Held held_by(const Record& record);

// Where a record read for the index goes.
struct Placement {
  std::string key;       // record.key, or record_key_apart(record)
  bool exists = false;   // the index holds `key` already
  bool replaces = true;  // the record replaces what `key` holds (source_rank)
  bool apart = false;    // `key` is record_key_apart(record)
};

// Places `record` (read with record.key) given `lookup(key)`, which returns
// what the index holds under a key (nullptr: nothing). One key, one report:
// a database's own id (pmid:, nct:, pmc:, accession numbers) always names
// the record held under it, which a newer or richer copy replaces. A DOI or
// a title hash can be shared by different works (supplement abstracts under
// one DOI, "Editorial" by J Smith in 2010 in two journals, an erratum given
// its article's DOI); a record whose key holds another work -- the duplicate
// comparison (litrev/dedup.hpp) does not call the two the same report and
// their citations are not identical -- goes under record_key_apart() instead,
// so neither is lost and deduplication can show the pair to a person.
// Never throws except std::bad_alloc.
template <typename Lookup>
Placement place(const Record& record, Lookup lookup);

// How complete a source's records are, for choosing between two records with
// one key: PubMed XML and ClinicalTrials.gov JSON (everything the database
// has) above MEDLINE text and Europe PMC JSON (nearly everything) above the
// reference-manager and database export formats (RIS, BibTeX, EndNote XML,
// WoS, CSV: no MeSH, often no abstract structure or ids).
int source_rank(const std::string& source);

// Whether `a` and `b` are one report by the duplicate comparison.
bool same_report(const dedup::Prepared& a, const dedup::Prepared& b);

template <typename Lookup>
Placement place(const Record& record, Lookup lookup) {
  Placement pl;
  pl.key = record.key;
  const Held* held = lookup(pl.key);
  if (held && held->identity) {
    std::string apart = record_key_apart(record);
    if (apart != held->apart_key && !same_report(*held->identity, dedup::prepare(record))) {
      pl.key = std::move(apart);
      pl.apart = true;
      held = lookup(pl.key);
    }
  }
  pl.exists = held != nullptr;
  pl.replaces = !held || source_rank(record.source) >= held->rank;
  return pl;
}

// Applies one stored file of a run to the index (records upserted with their
// provenance, DeleteCitations applied), each placed by place(): a record
// whose key the index holds already replaces it unless the indexed one comes
// from a richer source (source_rank): a RIS copy of a PubMed record does not
// overwrite its MeSH headings; a newer PubMed version does replace the
// older. Counts into `report` when given (added, updated, kept, keyed_apart).
void apply_file(Index& index, const std::string& run, const std::string& run_dir,
                const std::string& name, Format format, const ReaderOptions& options,
                bool skip_bad, ImportReport* report,
                const std::function<void(const char*, std::uint64_t)>& progress = {},
                const BeforeUpsert& before_upsert = {});

// A stored file of a run, as apply_file reads it.
struct StoredFile {
  std::string run;
  std::string run_dir;
  std::string name;
  Format format = Format::pubmed_xml;
  ReaderOptions options;
  bool skip_bad = false;
};

// How many threads build an index of `records` new records into an index
// holding `existing` documents: `requested` when not 0 (the user's --jobs),
// else the machine's cores from k_parallel_import_min records up, else 1.
// Always 1 for a non-empty index: parallel parts are built from nothing.
unsigned index_jobs(unsigned requested, std::uint64_t existing, std::uint64_t records);

// Builds a new index at `dest` (which must not exist) from `files` in `jobs`
// threads, giving the index that apply_file over `files`, in order, would
// give into an empty index: the same documents, in the same document order
// (so equal scores and unranked results come out in the same order), the
// same spelling data. How: one pass reads every item and decides, key by
// key, what the sequential import would do (added, updated, kept, deleted);
// each document then belongs to the part where its key first appeared
// (the items are cut into `jobs` ranges holding equal numbers of new
// documents); each thread reads the files again and indexes its part's
// records, and all apply the deletions; Index::merge joins the parts in
// order. `metadata` (when given) is copied into the new index first. Counts
// into `report` when given, as apply_file does. Scratch space in `work_dir`
// (removed at the end). Throws what apply_file throws, and IndexError.
void build_parallel(const std::vector<StoredFile>& files, const std::string& dest,
                    const std::string& work_dir, unsigned jobs, const Index* metadata,
                    ImportReport* report,
                    const std::function<void(const char*, std::uint64_t)>& progress = {});

// Puts the index at `fresh` in place of the one at `live` (moved to `old`
// first, then removed). Throws IoError when a rename fails.
void swap_index(const std::filesystem::path& fresh, const std::filesystem::path& live,
                const std::filesystem::path& old);

// Removes `p` and everything below it, ignoring errors.
void remove_quietly(const std::filesystem::path& p);

} // namespace litrev::runs
