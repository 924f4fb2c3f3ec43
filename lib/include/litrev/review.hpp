// litrev/review.hpp: the review directory (DESIGN.md "The review directory").
//
//   litrev.json        the protocol (schemas/litrev.schema.json)
//   sources/<run-id>/  one folder per import or fetch: the raw files byte for
//                      byte and manifest.json (schemas/manifest.schema.json)
//   ledger/            append-only decision logs, one per person (ledger.hpp)
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
#include <string_view>
#include <vector>

#include <litrev/dedup.hpp>
#include <litrev/formats.hpp>
#include <litrev/http.hpp>
#include <litrev/index.hpp>
#include <litrev/ledger.hpp>
#include <litrev/prisma.hpp>
#include <litrev/protocol.hpp>
#include <litrev/record.hpp>
#include <litrev/screening.hpp>
#include <litrev/sources.hpp>

namespace litrev {

// The litrev version, "0.1.0".
const char* version();

// From this many records up, a first import (or a rebuild) uses every core
// unless told otherwise. Two parts were already 1.8x faster than one thread
// at 2,000 records (tests/bench/README.md, "Parallel import"); smaller
// imports take a few seconds either way and keep the simpler path.
inline constexpr std::uint64_t k_parallel_import_min = 2000;

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
  // Called now and then with the pass ("checking", "indexing" or "merging")
  // and the number of records done in it; for a progress display. May be
  // empty. Called from the importing thread only.
  std::function<void(const char* pass, std::uint64_t records)> progress;
  // Threads that build the index. 0: litrev chooses (every core for a large
  // import into an empty index, else 1). More than 1 builds the index in
  // parts and merges them, only when the index is empty (the first import);
  // the result is the same index, in the same order, as one thread gives.
  unsigned jobs = 0;
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
  // Records whose key the review had from a richer source (a RIS copy of a
  // PubMed record): the review keeps its copy; the file keeps this one.
  std::uint64_t kept = 0;
  // Records whose DOI or title-hash key another work held, indexed under a
  // key of their own (record_key_apart); also counted in added/updated/kept.
  std::uint64_t keyed_apart = 0;
  std::uint64_t deleted = 0; // records removed by DeleteCitation
  std::uint64_t skipped = 0; // records (or files) skipped under skip_bad
  unsigned jobs = 1;         // threads that built the index (ImportOptions::jobs)
};

// The services `litrev fetch` searches.
enum class Service { pubmed, europepmc, ctgov };
// "pubmed", "europepmc", "ctgov".
const char* service_name(Service service);
std::optional<Service> service_from_name(std::string_view name);

struct FetchOptions {
  Service service = Service::pubmed;
  // PubMed and Europe PMC: the query as the user typed it. CT.gov: how the
  // user put it (for the manifest and to recognise a repeated fetch); the
  // request itself is `ctgov_query`.
  std::string query;
  // CT.gov only: the API's parameters ("query.cond", "query.intr", ...).
  FormFields ctgov_query;
  // Where and how to reach each service (base URLs, key, e-mail).
  PubmedOptions pubmed;
  EuropePmcOptions europepmc;
  CtgovOptions ctgov;
  // PMIDs per EFetch request (1 to 10,000; NCBI suggests a few hundred).
  std::size_t batch_size = 500;
  // Fetch what is new or revised since the last fetch of the same query:
  // PubMed searches records entered (edat) or modified (mdat) since the day
  // of that fetch; Europe PMC and CT.gov, which offer no such limit here, are
  // fetched whole. Either way the report tells new, revised and unchanged
  // records apart by comparing them with the review's.
  bool update = false;
  // Forget an interrupted fetch of the same query instead of resuming it.
  bool restart = false;
  // UTC RFC 3339; empty means now. Tests pass a fixed time.
  std::string now;
  std::string command; // as typed, for the manifest
  // Called with one line of progress now and then. May be empty.
  std::function<void(const std::string& line)> progress;
};

// An id the search returned that no record arrived for, and why.
struct MissingRecord {
  std::string id;
  std::string reason;
};

struct FetchReport {
  std::string run;     // the new run's id
  bool resumed = false; // an interrupted fetch of the same query was finished
  std::string update_since; // with update: the day searched from ("2026/11/20")
  std::string update_run;   // with update: the earlier run
  // What the service did with the query (PubMed): its translation, the
  // phrases and fields it did not find (and searched without), its warnings.
  std::string translation;
  std::vector<std::string> phrases_not_found;
  std::vector<std::string> fields_not_found;
  std::vector<std::string> warnings;
  std::uint64_t reported = 0;  // hits the service reported
  std::uint64_t ids = 0;       // PubMed: distinct PMIDs the search returned
  std::uint64_t slices = 0;    // PubMed: date slices searched (1 when unsplit)
  std::uint64_t slice_total = 0; // PubMed: the slices' counts added up
  std::uint64_t requests_saved = 0; // responses kept in the run folder
  std::uint64_t received = 0;  // records received
  std::vector<MissingRecord> missing;
  std::uint64_t added = 0;     // records new to the review
  std::uint64_t revised = 0;   // records the review had, now different
  std::uint64_t unchanged = 0; // records the review had, the same
  std::uint64_t kept = 0;      // records the review has from a richer source, kept
  std::uint64_t skipped = 0;   // records that could not be read (listed in missing)
  std::vector<std::string> added_keys;
  std::vector<std::string> revised_keys;
  HttpStats http; // every request of the run, resumed sessions included
  // Wall time of this session: searching and fetching, then reading the
  // responses into the index and moving the run into place.
  double seconds_fetching = 0;
  double seconds_landing = 0;
};

// A link between two records of the review: why they are one report, or
// (in ReviewDedup::maybe and kept_apart) why they might be.
struct ClusterLink {
  std::string a; // record keys, a < b
  std::string b;
  std::string rule;         // the dedup rule ("same-doi", "maybe:similar-title"), or "confirmed"
  std::string blocking_key; // how the pair was found; "" for a person's decision
  std::vector<FieldComparison> fields;
  std::string decided_by;   // the person whose decision made or unmade the link
};

// Records that are one report (a reference cluster; screening applies to it).
struct ReviewCluster {
  std::vector<std::string> keys; // ascending; the first one names the cluster
  std::vector<ClusterLink> links; // keys.size() - 1 links joining them
};

struct ReviewDedup {
  std::size_t records = 0;
  std::vector<ReviewCluster> clusters;   // clusters of two or more records
  std::vector<ClusterLink> maybe;        // pairs for a person to decide
  std::vector<ClusterLink> kept_apart;   // links a person's "split" undid
  std::vector<LedgerProblem> ledger_problems; // damage found reading the ledgers
};

// Orders for a screening queue. Prioritised: the records most likely to be
// included first, by a ranker (prioritise.hpp: linear SVM on TF-IDF of
// title and abstract, seeded) trained on the stage's decisions so far; by
// key until the stage has at least one included and one excluded record.
enum class QueueOrder { key, random, prioritised };

// One screening vote or decision to record (Review::decide, resolve).
struct DecisionInput {
  std::string key;
  Stage stage = Stage::title_abstract;
  Decision decision = Decision::include;
  std::string reason;
  std::string note;
  // How the record was presented, recorded with the vote (Vote::order), for
  // the methods section: empty (a vote by command), or the queue's order;
  // prioritised votes record the ranker (prioritised_ranker()) and the
  // litrev version too.
  std::optional<QueueOrder> order;
  std::uint64_t order_seed = 0; // prioritised: the ranker's seed
};

// Reads votes for decide_all() from a CSV file with a header row naming the
// columns key, decision (include, exclude, maybe), and optionally reason,
// note and stage (title-abstract/ta or full-text/ft; `stage` when the column
// is absent or the cell empty). Column names are case-insensitive; other
// columns are ignored. Throws DataError naming the file, the line and what is
// wrong (no key or decision column, an unknown decision or stage, an empty
// key, a row with too few fields, a quote left open at the end), IoError
// when the file cannot be read.
std::vector<DecisionInput> read_decisions_csv(const std::string& path, Stage stage);

// A record's place in one reviewer's screening queue.
struct QueueItem {
  std::string key;          // the cluster's first key
  std::vector<std::string> members; // every key of the cluster (the first is `key`)
  std::optional<Vote> mine; // the reviewer's own latest vote, if any
};

struct ReviewerProgress {
  std::string reviewer;
  Stage stage = Stage::title_abstract;
  std::uint64_t done = 0;      // records of the stage this reviewer voted on
  std::uint64_t remaining = 0; // records of the stage still waiting for this reviewer's vote
  std::uint64_t conflicts = 0; // of this reviewer's records, in conflict now
};

struct StageProgress {
  Stage stage = Stage::title_abstract;
  std::uint64_t records = 0;   // records (clusters) at this stage
  std::map<Status, std::uint64_t> by_status;
  std::uint64_t not_retrieved = 0; // full text: reports not retrieved (not in `records`)
  // The standing votes of the stage by how their records were presented:
  // "" (by command or from a file), "key", "random", or "prioritised: " and
  // the ranker with its seed and litrev version (Vote::order, ranker).
  std::map<std::string, std::uint64_t> orders;
  std::vector<ReviewerProgress> reviewers;
};

// The ranker's view of one stage (Review::rank).
struct RankedRecord {
  std::string key;    // the cluster's first key
  double score = 0;   // higher = more likely to be included
};
struct Ranking {
  Stage stage = Stage::title_abstract;
  // Records of the stage without a settled decision, best first (ties by
  // key); every score 0 and key order while `trained` is false.
  std::vector<RankedRecord> records;
  bool trained = false;        // at least one included and one excluded record
  // The training labels: settled records of the stage, and (when ranked for
  // a reviewer) that reviewer's own include/exclude votes on records not
  // settled yet, `own` of them.
  std::size_t included = 0;
  std::size_t excluded = 0;
  std::size_t own = 0;
  std::string reviewer; // whom it was ranked for ("": settled records only)
  std::uint64_t seed = 0;
  std::string settings;        // the model and features in words (prioritise.hpp describe())
};

// The ranker of Review::rank and queue(..., prioritised), in words, with its
// seed ("svm (liblinear 2.30 ...), TF-IDF 1-2-grams ..., seed 7; MeSH
// headings and publication types as extra terms").
std::string prioritised_ranker(std::uint64_t seed);

// The terms a review's ranker adds to a record's title and abstract words:
// "mesh:" + each MeSH descriptor, "pt:" + each publication type, case-folded
// ("mesh:alcoholism", "pt:randomized controlled trial"). Records from
// sources without them (RIS, BibTeX, ...) add none.
std::vector<std::string> controlled_terms(const Record& record);

// "key", "random", "prioritised".
const char* queue_order_name(QueueOrder order);

struct RebuildReport {
  std::size_t runs = 0;
  std::uint64_t records = 0; // records in the new index
  unsigned jobs = 1;         // threads that built it
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

  // Makes the thesaurus file at `path` (litrev/thesaurus.hpp) the review's:
  // checks it, copies it to thesaurus.txt in the review directory (which
  // `rebuild` reads again) and loads it into the index, for `~word` and
  // `search --expand`. Returns the number of concepts. Throws DataError
  // (file, line) for a malformed file, and nothing changes; IoError when it
  // cannot be read or written; IndexError when the index is busy.
  std::size_t set_thesaurus(const std::string& path);
  std::string thesaurus_path() const;

  // Runs a search on a remote service and lands everything it returns as a
  // new run: the raw responses byte for byte in sources/<run>/ with
  // manifest.json (database, query as typed and as translated, dates, counts
  // reported and received, requests and retries, litrev version; never the
  // API key), records parsed and indexed as an import's are.
  //
  // PubMed: ESearch (split into date slices of at most 9,999 hits when the
  // query has more, checking that they add up), then EFetch in batches of
  // POSTed PMIDs. Every PMID the search returned is accounted for: received,
  // or listed in FetchReport::missing with the reason (after one more try).
  // Europe PMC: cursorMark pages. CT.gov: pageToken pages.
  //
  // Resumable: responses are kept under sources/.fetch-<hash>/ as they
  // arrive, so a fetch interrupted (killed, network lost) and run again with
  // the same service, query and update flag goes on where it stopped; no
  // completed batch or page is fetched again.
  //
  // Throws UsageError for an empty query or for update without an earlier
  // fetch of the query; DataError with the service's own message when it
  // rejects the query (or finds nothing because no phrase of it exists);
  // NetworkError/HttpError when a service stays unavailable after retries
  // (the partial fetch is kept for resuming); IndexError when the index is
  // busy. The review is unchanged unless the run landed.
  FetchReport fetch(const FetchOptions& options, HttpClient& http);

  // Groups the review's records into reference clusters (dedup.hpp), then
  // applies the people's decisions from the ledger: a "dedup.confirm" joins
  // records whatever the machine thought, a "dedup.split" keeps two records
  // apart (and any cluster that would join them); the latest decision about a
  // pair wins. Decided pairs leave the maybe list. Throws IndexError as
  // open_index() does.
  ReviewDedup deduplicate(const DedupOptions& options = {}) const;

  // Records `actor`'s decision that `keys` are one report (`same`), or that
  // the two `keys` are not, as a ledger event ("dedup.confirm" with all the
  // keys, "dedup.split" with two). Throws UsageError for fewer than two keys
  // (or more than two to split), the same key twice, or an invalid actor;
  // Error naming a key that is not in the review; IoError from the ledger.
  LedgerEvent decide_duplicates(const std::string& actor, bool same, const std::vector<std::string>& keys,
                                const std::string& note = {}, const std::string& now = {});

  std::string ledger_path() const;

  // The protocol (litrev.json). Throws DataError naming the file and field
  // when it is not a valid protocol (parse_protocol()).
  Protocol protocol() const;

  // The review's screening state: every actor's ledger folded (screening.hpp)
  // over the reference clusters (deduplicate()). `problems`, when given,
  // receives the ledgers' damage (Ledger::read_all). Throws as
  // deduplicate() does.
  ScreeningState screening(std::vector<LedgerProblem>* problems = nullptr) const;

  // The records (clusters) that belong to `stage`: every cluster at
  // title-abstract; at full text, those included at title-abstract whose
  // report was not marked not retrieved. In key order. `state` is the
  // current screening state (screening()).
  std::vector<std::string> stage_records(Stage stage, const ScreeningState& state) const;

  // `reviewer`'s queue at `stage`: the stage's records they have not voted on
  // (and, with `include_done`, those they have, each with their own vote
  // only — other screeners' votes are never shown to a screener), by key, in
  // a random order fixed by `seed`, or prioritised (see QueueOrder; the
  // ranking is computed when the queue is, and `seed` seeds the ranker). Throws UsageError for a stage the
  // protocol does not have.
  std::vector<QueueItem> queue(const std::string& reviewer, Stage stage, QueueOrder order,
                               std::uint64_t seed, bool include_done) const;

  // The prioritised ranking of `stage`: a linear SVM on TF-IDF of title and
  // abstract (prioritise.hpp defaults, seeded with `seed`) trained on the
  // stage's settled records (included = relevant), scoring the records not
  // settled yet. With a `reviewer`, their own include/exclude votes on
  // records not settled yet are labels too (in dual screening a screener's
  // ranking learns from their votes before a colleague's settles a record;
  // colleagues' unsettled votes never count, so blinding holds), and the
  // records they have voted on are not ranked. This is the order
  // `queue(reviewer, ..., QueueOrder::prioritised)` gives. Throws
  // UsageError for a stage the protocol does not have, IndexError as
  // open_index().
  Ranking rank(Stage stage, std::uint64_t seed, const std::string& reviewer = {}) const;

  // Records `actor`'s vote ("screen.decision"). Checks, before anything is
  // written: the actor is a reviewer in the protocol (when it lists any); the
  // stage is in the protocol; the key is in the review; at full text, the
  // record was included at title-abstract and its report not marked not
  // retrieved; an exclusion carries a reason when the stage requires one, and
  // the reason is one of the stage's reasons. Throws UsageError naming what
  // is wrong; IoError from the ledger.
  LedgerEvent decide(const std::string& actor, const DecisionInput& input, const std::string& now = {});

  // decide() for many votes: every one is checked first, and nothing is
  // written unless all pass (the UsageError names the first failing item by
  // its position, 1-based, in `inputs`). Returns the events written.
  std::vector<LedgerEvent> decide_all(const std::string& actor, const std::vector<DecisionInput>& inputs,
                                      const std::string& now = {});

  // Records an adjudicator's decision on a record ("screen.resolve"):
  // include or exclude (with a reason as decide() requires). Throws
  // UsageError when `actor` is not an adjudicator in the protocol, the
  // decision is maybe, or as decide() does.
  LedgerEvent resolve(const std::string& actor, const DecisionInput& input, const std::string& now = {});

  // resolve() for many records: every one is checked first, and nothing is
  // written unless all pass (the UsageError names the first failing item by
  // its position, 1-based). Returns the events written.
  std::vector<LedgerEvent> resolve_all(const std::string& actor, const std::vector<DecisionInput>& inputs,
                                       const std::string& now = {});

  // Records whether the full text of an included record was retrieved
  // ("screen.retrieval"); `reason` is required when it was not. Throws
  // UsageError when the record was not included at title-abstract.
  LedgerEvent set_retrieval(const std::string& actor, const std::string& key, bool retrieved,
                            const std::string& reason, const std::string& now = {});

  // A note on a record without a vote ("screen.note").
  LedgerEvent add_note(const std::string& actor, const std::string& key, Stage stage, const std::string& note,
                       const std::string& now = {});

  // Progress per stage and reviewer (screeners in the protocol, and anyone
  // who voted).
  std::vector<StageProgress> progress(const ScreeningState& state) const;

  // The PRISMA 2020 flow from the manifests (records identified per
  // database), the reference clusters and the screening state (prisma.hpp).
  PrismaFlow prisma(const ScreeningState& state) const;

  // Brings the index's state terms (status:ta-included, conflict:ft, ...)
  // up to date with the ledgers, when they changed since the last time.
  // Returns false, changing nothing, when another process holds the index's
  // write lock. Throws IndexError as open_index() does.
  bool sync_state() const;

  // Recreates index/ from sources/ (in run order), so that it answers as it
  // did before. Builds into a new folder and swaps it in at the end. `jobs`
  // as ImportOptions::jobs (counting the records the manifests list).
  RebuildReport rebuild(unsigned jobs = 0);

  // Opens the index for reading. Throws IndexError if the review has no
  // records yet (saying to import some), if the index is missing or an import
  // was interrupted (both saying to run `litrev rebuild`).
  Index open_index() const;

private:
  std::string m_dir;
};

} // namespace litrev
