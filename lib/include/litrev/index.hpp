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

namespace litrev {

// The schema version written to the index's metadata. An index whose version
// differs must be rebuilt (`litrev rebuild`).
inline constexpr int k_index_schema_version = 1;

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

// Options for a search.
struct SearchOptions {
  std::size_t offset = 0;
  std::size_t limit = 20;
};

struct SearchHit {
  std::size_t rank = 0; // 1-based rank in the whole result list
  double score = 0;     // Xapian's BM25 weight
  Record record;
};

struct SearchResult {
  std::string query;        // as given
  std::string parsed;       // Xapian's description of the parsed query
  std::uint64_t total = 0;  // exact number of matching records
  std::vector<SearchHit> hits;
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

  // Every key in the index, sorted.
  std::vector<std::string> keys() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace litrev
