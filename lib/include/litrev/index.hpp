// litrev/index.hpp: the Xapian index of a review's records, and searching it.
//
// The schema (every field's term prefix, value slot and kind) is one table,
// index_schema(), explained in prose in schemas/index.md. A record's key is its
// unique `Q` term; Xapian docids never leave this module. The record's JSON is
// kept as the document data, so search results and `show` need nothing else.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <litrev/record.hpp>

namespace Xapian {
class Query;
}

namespace litrev {

// The schema version written to the index's metadata. An index whose version
// differs must be rebuilt (`litrev rebuild`).
inline constexpr int k_index_schema_version = 2;

// One row of the schema table.
struct IndexField {
  enum class Kind {
    text,    // free text, stemmed, with positions; weighted
    boolean, // exact filter term; not weighted
    range,   // numeric range over a value slot (year:2010..2020)
  };
  const char* name;   // the query field name ("title", "year")
  const char* prefix; // term prefix ("S"); empty for the default free text
  Kind kind;
  int slot;           // value slot, or -1
  const char* what;   // one line for schemas/index.md and `--help`
};

// The schema table, in the order schemas/index.md lists it.
const std::vector<IndexField>& index_schema();

enum class QuerySyntax {
  native, // Xapian's QueryParser with litrev's fields (schemas/index.md)
  pubmed, // PubMed's field tags, left-to-right AND/OR/NOT (schemas/index.md)
};

enum class SortOrder {
  relevance, // BM25, ties in index order (the default)
  date,      // newest first, then relevance
  author,    // first author A-Z ("family initials"), then relevance
};

// Options for a search. {offset, limit} alone is a plain search.
struct SearchOptions {
  std::size_t offset = 0;
  std::size_t limit = 20;
  QuerySyntax syntax = QuerySyntax::native;
  SortOrder sort = SortOrder::relevance;
  // Compute a highlighted passage per hit (SearchHit::snippet).
  bool snippets = false;
  // Facets to count over the whole matching set: "year", "pt", "lang", "journal".
  std::vector<std::string> facets = {};
  // Expand every word or phrase found in the index's thesaurus to its
  // concept (`~word` expands one explicitly, with or without this).
  bool expand = false;
  // Fields the query may not use: a query naming one ("status:ta-included")
  // throws UsageError. A blind screener may not search other screeners'
  // votes (the status and conflict fields).
  std::vector<std::string> hidden_fields = {};
};

// A passage of a hit's abstract (or title) with the query's matches marked.
struct Snippet {
  std::string text; // plain text, "..." where cut
  // Byte ranges [first, second) of `text` that match the query, in order.
  std::vector<std::pair<std::size_t, std::size_t>> highlights;
};

struct SearchHit {
  std::size_t rank = 0; // 1-based rank in the whole result list
  double score = 0;     // Xapian's BM25 weight (0 when sorted by a value)
  Record record;
  Snippet snippet;      // empty unless SearchOptions::snippets
};

// Exact counts of one facet over the matching set: years newest first; the
// others most frequent first, ties in value order.
struct Facet {
  std::string name;
  std::vector<std::pair<std::string, std::uint64_t>> counts;
};

struct SearchResult {
  std::string query;        // as given
  std::string parsed;       // Xapian's description of the parsed query
  std::uint64_t total = 0;  // exact number of matching records
  std::vector<SearchHit> hits;
  std::vector<Facet> facets; // in the order asked for
  // "Did you mean", for a query that matches nothing: the query with each
  // word that no title or abstract holds replaced by Xapian's suggestion from
  // the spelling data (title and abstract words); empty when there is none.
  std::string suggestion;
};

struct StrategyLine; // litrev/strategy.hpp

struct StrategyLineResult {
  int number = 0;
  std::string query;
  std::uint64_t hits = 0; // records this line matches
};

struct StrategyResult {
  std::vector<StrategyLineResult> lines;
  SearchResult last; // the last line's result, with hits per the options
};

// A Xapian database holding one review's records.
class Index {
public:
  enum class Mode { read, write };

  // Opens the index at `path` (a directory). In write mode it is created if
  // missing. Throws IndexError: "index busy" when another process holds the
  // write lock, a schema-version mismatch ("rebuild the index"), or Xapian's
  // own message naming the path when the database cannot be opened.
  Index(const std::string& path, Mode mode);
  ~Index();
  Index(Index&&) noexcept;
  Index& operator=(Index&&) noexcept;

  // Adds `record`, replacing any record with the same key. Write mode only.
  void upsert(const Record& record);
  // Removes the record with `key`, if present. Returns whether it was there.
  bool remove(const std::string& key);
  // Makes every change so far durable and visible to new readers.
  void commit();

  // Sets and reads the index's metadata (for example which runs it holds).
  void set_metadata(const std::string& key, const std::string& value);
  std::string metadata(const std::string& key) const;

  // Number of records.
  std::uint64_t size() const;

  // Runs `query` (syntax in schemas/index.md: fields, AND OR NOT, phrases,
  // NEAR, year ranges; default operator AND). Throws UsageError with Xapian's
  // message on a syntax error.
  SearchResult search(const std::string& query, const SearchOptions& options) const;

  // Runs a numbered strategy: each line in `options.syntax` (references to
  // earlier lines as `#n`), counting every line's hits; the last line's
  // result follows `options`. Throws UsageError naming the line on a syntax
  // error, as search() does.
  StrategyResult run_strategy(const std::vector<StrategyLine>& lines, const SearchOptions& options) const;

  // Replaces the thesaurus used for synonyms (`~word`, SearchOptions::expand)
  // by `text` (litrev/thesaurus.hpp's format), kept in the index's metadata.
  // Throws DataError (naming `source` and the line) when `text` is malformed.
  // Write mode only.
  void set_thesaurus(const std::string& text, const std::string& source);

  // Whether a record with `key` is in the index.
  bool contains(const std::string& key) const;

  // The record with `key`, or nothing.
  std::optional<Record> get(const std::string& key) const;

  // The index's revision: it changes with every commit (Xapian's revision
  // number), so a stored revision tells whether anything was written since.
  std::uint64_t revision() const;

  // The values of boolean field `field` ("status", "conflict", ...) on the
  // record with `key`, as indexed (lower-case); empty when there is no such
  // record. Throws IndexError for a field that is not boolean.
  std::vector<std::string> field_terms(const std::string& key, const std::string& field) const;

  // Every record carrying a value of boolean field `field`, by key, with its
  // values (sorted). Costs one posting list per distinct value.
  std::map<std::string, std::vector<std::string>> keys_with_field(const std::string& field) const;

  // Replaces the values of boolean field `field` on the record with `key` by
  // `values` (lower-cased), leaving the rest of the record alone. Returns
  // false when there is no such record. Write mode only. Re-importing a
  // record (upsert) drops these terms: Review::sync_state() puts them back.
  bool set_field_terms(const std::string& key, const std::string& field, const std::vector<std::string>& values);

  // Splits the index into `shards` new databases DIR/shard-1 ... DIR/shard-N
  // plus a stub database DIR/XAPIANDB listing them, so that opening DIR (or
  // a stub naming the shards behind `xapian-tcpsrv` servers as "remote
  // HOST:PORT" lines) searches them together. Each document is copied whole
  // (terms, positions, values, data) to shard ((docid - 1) mod N) + 1 under
  // docid ((docid - 1) div N) + 1, which is exactly where Xapian's
  // interleaving of N shards puts it back: combined, the shards return the
  // same records in the same order with the same scores. The metadata
  // (schema version, thesaurus) goes to every shard. Throws UsageError when
  // DIR exists or N < 1; IndexError on a Xapian failure.
  void write_shards(const std::string& dir, unsigned shards) const;

  // Every key in the index, sorted.
  std::vector<std::string> keys() const;

  // Copies every metadata entry of `other` (schema version, thesaurus, ...)
  // into this index, replacing entries with the same key. Write mode only;
  // throws IndexError on a Xapian failure.
  void copy_metadata_from(const Index& other);

  // Writes a new index at `dest` (which must not exist) holding the documents
  // of the indexes at `parts`, in that order: every document of parts[0]
  // first, in its own order, then those of parts[1], and so on. Terms,
  // positions, values, spelling data and document data are carried over
  // whole; where two parts hold one metadata key, the first part's value is
  // kept. The result is compacted (Xapian's compaction, which renumbers the
  // documents in that order). Throws IndexError on a Xapian failure.
  static void merge(const std::vector<std::string>& parts, const std::string& dest);

private:
  struct Impl;
  struct Query; // a translated query (index.cpp)
  Query translate(const std::string& text, const SearchOptions& options, const std::map<int, Query>* lines,
                  std::string* suggestion) const;
  void execute(const Xapian::Query& query, const SearchOptions& options, SearchResult& result) const;
  std::unique_ptr<Impl> m_impl;
};

} // namespace litrev
