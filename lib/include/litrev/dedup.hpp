// litrev/dedup.hpp: finding duplicate records and grouping them into
// reference clusters, with an explanation for every merge.
//
// A duplicate is the same bibliographic report arriving twice (from two
// databases, or twice from one). A conference abstract and the later article
// are not duplicates, nor are several reports of one trial, nor an erratum,
// comment, reply or retraction notice and the article it is about.
//
// Method (precision first: merging two distinct works is worse than missing a
// duplicate):
// 1. Blocking. Every record yields a few cheap keys: normalised DOI, PMID,
//    the first and the last 25 characters of its normalised title, journal
//    acronym + volume + first page, volume + first page, first author + year +
//    first page, first author + year. Records sharing a key are candidate
//    pairs. A block larger than DedupOptions::max_block is not compared all
//    against all: its members are sorted by title and each is compared with
//    the next DedupOptions::window ones (sorted neighbourhood), so time and
//    memory stay near-linear.
// 2. Comparison. Each candidate pair gets per-field scores (FieldComparison):
//    title (HTML, punctuation, case, diacritics, British/American spelling,
//    translated "[bracketed]" titles and language tags, truncation and added
//    subtitles handled), authors (surnames, robust to initials and to
//    mangled compound names), year, journal (abbreviation-aware), volume,
//    issue, pages (ranges expanded: 123-9 is 123-129), DOI, PMID, abstract.
// 3. Vetoes. A pair is never merged when PMIDs differ, DOIs differ (unless
//    everything else agrees exactly), years are more than one apart, volumes
//    differ, first pages differ, issues differ without the first page
//    agreeing (or with the year differing too: an updated Cochrane review
//    keeps its article number), one record is an erratum/correction, comment/reply,
//    retraction notice or expression of concern and the other is not, one is
//    a conference abstract and the other a full article, one is a trial
//    registration and the other is not, or the titles differ in a number
//    ("Part 1" / "Part 2").
// 4. Rules. A pair that no veto blocks is a duplicate when one named rule
//    fires (see PairExplanation::rule); pairs that are close but fire no rule
//    go to a "maybe" list for a person to decide.
// 5. Clusters. Duplicate links are joined strongest first; a link that would
//    put two records that veto each other into one cluster (A~B, B~C, but A
//    and C veto) is not used: it is moved to the maybe list with a note
//    saying which pair vetoes. So no cluster ever holds a vetoed pair.
//
// The output is deterministic: the same records in the same order give the
// same clusters, links and maybe pairs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <litrev/record.hpp>

namespace litrev {

// How a pair of records compares on one field.
struct FieldComparison {
  // "title", "authors", "year", "journal", "volume", "issue", "pages",
  // "doi", "pmid", "abstract".
  std::string field;
  // "agree" (equal after normalisation, or similar enough to count as
  // equal), "partial" (similar, or one contains the other), "differ",
  // "missing" (absent from one or both records).
  std::string outcome;
  // Similarity in [0, 1]; 1 for exact agreement, 0 when missing.
  double score = 0.0;
  // A short human note ("truncated", "548-555 vs 548-555", "1 year apart").
  std::string detail;
};

enum class PairVerdict { duplicate, maybe, vetoed };

// "duplicate", "maybe", "vetoed".
const char* verdict_name(PairVerdict verdict);

// Why two records were (or were not) merged.
struct PairExplanation {
  std::size_t a = 0; // input index, a < b
  std::size_t b = 0;
  PairVerdict verdict = PairVerdict::maybe;
  // The rule that fired. Duplicates: "same-pmid", "same-doi",
  // "title+volume+page", "title+authors+journal", "title+authors+year",
  // "contained-title", "translated-title", "title+abstract". Maybe pairs:
  // "maybe:similar-title", "maybe:same-doi", "maybe:same-citation",
  // "maybe:abstracts-differ", "maybe:chaining". Vetoed pairs: "veto:pmid",
  // "veto:doi", "veto:notice", "veto:registration", "veto:year",
  // "veto:volume", "veto:first-page", "veto:issue", "veto:abstract-vs-article",
  // "veto:title-number".
  std::string rule;
  // The blocking key that found the pair: "doi", "pmid", "title-prefix",
  // "journal+volume+page", "volume+page", "author+year+page",
  // "title-suffix", "author+year"; "cluster-check" for a pair compared only
  // while checking a cluster against chaining.
  std::string blocking_key;
  std::vector<FieldComparison> fields;
  // Free text, for "maybe:chaining": which pair would have vetoed.
  std::string note;
};

// One reference cluster: records that are the same report.
struct DedupCluster {
  std::vector<std::size_t> members; // input indices, ascending
  // The duplicate links that joined the members (a spanning tree:
  // members.size() - 1 links), each with its explanation.
  std::vector<PairExplanation> links;
};

struct DedupStats {
  std::size_t records = 0;
  std::size_t blocks_windowed = 0;  // blocks above max_block, compared by window
  std::size_t compared_pairs = 0;   // comparisons made (a pair met in two large blocks counts twice)
  std::size_t duplicate_links = 0;  // pairs a rule declared duplicate
  std::size_t maybe_pairs = 0;      // size of DedupResult::maybe
  // Candidate pairs that looked alike (title similarity >= .8, or the same
  // DOI or PMID) but that a veto kept apart. Unlike pairs that share a
  // blocking key by chance, these are the ones a veto actually decided.
  std::size_t vetoed_pairs = 0;
  std::size_t chaining_rejected = 0; // duplicate links not used (chaining)
  std::size_t clusters = 0;          // including singletons
  std::size_t duplicate_clusters = 0;
};

struct DedupResult {
  // Every input record is in exactly one cluster (singletons included),
  // clusters ordered by their first member.
  std::vector<DedupCluster> clusters;
  // Input index -> index in `clusters`.
  std::vector<std::size_t> cluster_of;
  // Pairs for a person to decide, ordered by (a, b). Never merged.
  std::vector<PairExplanation> maybe;
  // Vetoed pairs that looked alike (see DedupStats::vetoed_pairs), ordered by
  // (a, b), so a reviewer can audit the vetoes.
  std::vector<PairExplanation> vetoed;
  DedupStats stats;
};

struct DedupOptions {
  // Blocks with more members are compared by sorted neighbourhood.
  std::size_t max_block = 50;
  // Neighbours each member of a large block is compared with.
  std::size_t window = 10;
  // Fill PairExplanation::fields. Without them a result still names, for
  // every link, maybe and vetoed pair, the rule and the blocking key; the
  // per-field scores are what costs memory on a million records.
  bool field_scores = true;
};

// Collects records and deduplicates them. Each added record is reduced at
// once to the normalised fields the comparison needs (a few hundred bytes),
// so a caller can stream a million records without keeping them.
class Deduplicator {
public:
  explicit Deduplicator(DedupOptions options = {});
  ~Deduplicator();
  Deduplicator(const Deduplicator&) = delete;
  Deduplicator& operator=(const Deduplicator&) = delete;

  // Adds one record; returns its index (0, 1, 2, ... in order of adding).
  // Never throws except std::bad_alloc.
  std::size_t add(const Record& record);
  std::size_t size() const noexcept;

  // Deduplicates the records added so far. May be called more than once.
  // Never throws except std::bad_alloc.
  DedupResult run() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// deduplicate(records) == a Deduplicator fed `records` in order, then run().
DedupResult deduplicate(const std::vector<Record>& records, const DedupOptions& options = {});

// ---- Normalisation used by the comparison, exposed for tests and for other
// modules that want the same keys. None of these throws except std::bad_alloc.

// The DOI in `s` in the canonical form every reader stores (the library's one
// DOI normaliser, normalize_doi in lib/src/util/normalize.hpp): lower case,
// without "https://doi.org/", "http://dx.doi.org/", "info:doi/", "doi:" or
// "DOI " prefixes, %-escapes decoded, cut at white space, trailing
// punctuation (".,;:") removed. "" when `s` holds no DOI (one must read
// "10.<digits>/<suffix>"; free text such as "see 10.1000/x" gives ""). As a
// key it also folds the double slash of old APA DOIs:
// "10.1037//0022-3514.83.3.606" -> "10.1037/0022-3514.83.3.606".
std::string dedup_doi_key(std::string_view s);

// A page field with its range expanded and letters folded: "123-9" ->
// "123-129", "1844-59" -> "1844-1859", "C219-C235" -> "c219-c235",
// "945-945" -> "945", "532, 534-536, 538-540" -> "532-540", "S12-4" ->
// "s12-s14". "" when there is no page number.
std::string expand_page_range(std::string_view pages);

// The title as the comparison sees it: HTML tags and entities removed,
// "[Erratum appears in ...]"-style notes, language tags ("[Japanese]"),
// "[Review]" and "[16 refs]" dropped, a translated title's brackets
// removed, notice prefixes ("Erratum:", "RETRACTED:") removed, then Unicode
// NFKC, case folding and accent stripping (utf8proc), punctuation to spaces,
// "&" to "and", and British spellings folded ("haemolytic" -> "hemolytic",
// "randomised" -> "randomized"). Words are separated by one space.
std::string dedup_title_key(std::string_view title);

// An author as the comparison sees it: "family initial" with the family name
// normalised like a title ("Nürnberger, Jens" -> "nurnberger j"), or the
// normalised collective name.
std::string dedup_author_key(const Author& author);

// ---- The evaluation CSV of `litrev dedup --input FILE --format csv`.

// Reads a CSV file (RFC 4180: quoted fields may hold commas, quotes and line
// ends; UTF-8 with or without BOM, lines that are not UTF-8 read as
// Windows-1252) whose header names some of the columns record_id, author,
// title, year, journal, volume, number, pages, doi, abstract, isbn (any
// other column is ignored; names compared ignoring case). Calls `sink` once
// per data row, in file order, with the row's record_id (the 1-based row
// number when there is no record_id column) and a Record: authors split on
// " and " or ";" (or MEDLINE-style "Smith J, Doe A") and parsed into
// family/initials; number -> issue; isbn -> ids.other {"isbn", value};
// doi -> ids.doi (normalised); abstract -> one abstract section.
// Throws DataError naming the file (and line) when there is no such file or
// it is a directory, the file is empty, the header has none of the known
// columns, a row has more non-empty fields than the header or fewer fields,
// a quoted field is not closed at the end of the file, or a record_id is
// empty or repeated; IoError when reading fails.
void read_dedup_csv(const std::string& path,
                    const std::function<void(std::string record_id, const Record& record)>& sink);

} // namespace litrev
