// The Xapian index: schema table, indexing and search.
//
// The term layout is in terms.hpp (schemas/index.md says the same in prose).
// Every document is one record: its key as the unique boolean term Q<key>;
// title (S), abstract (B), authors (A), journal (XJ), MeSH (XM), publication
// types (XPT) and keywords (K) as free text; exact terms for what PubMed
// fields and filters need (authors, MeSH headings, publication types, flags);
// value slots for ranges, sorting and facets; the record's JSON as the data.
// Free text uses the English stemmer with STEM_SOME_FULL_POS: words are kept
// as written and as Z-prefixed stems, both with positions, so a phrase in the
// native syntax matches inflected forms ("opioid withdrawals" finds "opioid
// withdrawal") while PubMed-syntax phrases can still ask for the exact words.
// Title and abstract words feed Xapian's spelling table ("did you mean").
#include <litrev/index.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <litrev/error.hpp>
#include <litrev/strategy.hpp>
#include <litrev/thesaurus.hpp>

#include "index/pubmed_query.hpp"
#include "index/terms.hpp"
#include "util/fs.hpp"
#include "util/normalize.hpp"
#include "util/text.hpp"

namespace litrev {

namespace index_terms {

std::string bounded_term(const std::string& prefix, const std::string& value) {
  std::string term = prefix + value;
  if (term.size() <= 240) {
    return term;
  }
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : value) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return term.substr(0, 220) + "#" + buf;
}

std::string exact_value(const std::string& text) { return case_fold(folded_xml_space(text)); }

std::string author_value(const AuthorName& a) {
  if (!a.collective.empty()) {
    return exact_value(a.collective);
  }
  if (a.family.empty()) {
    return "";
  }
  return exact_value(a.initials.empty() ? a.family : a.family + " " + a.initials);
}

} // namespace index_terms

namespace {

using namespace index_terms;

const char* const k_meta_schema = "litrev.schema_version";
const char* const k_meta_thesaurus = "litrev.thesaurus";
const char* const k_meta_thesaurus_source = "litrev.thesaurus_source";

// The query parser hands boolean field values over as typed; DOIs and keys
// are stored lower-cased (DOIs) or exactly (keys), so these processors do the
// same to what the user typed.
class LowerBooleanProcessor : public Xapian::FieldProcessor {
public:
  explicit LowerBooleanProcessor(std::string prefix) : m_prefix(std::move(prefix)) {}
  Xapian::Query operator()(const std::string& value) override {
    return Xapian::Query(bounded_term(m_prefix, ascii_lower(value)));
  }

private:
  std::string m_prefix;
};

// status:VALUE. Records nobody has screened carry no status term, so that a
// review of any size needs no writing before screening starts:
// "ta-unscreened" is every record without a title-abstract status term.
class StatusProcessor : public Xapian::FieldProcessor {
public:
  explicit StatusProcessor(const Xapian::Database& db) : m_db(db) {}
  Xapian::Query operator()(const std::string& value) override {
    const std::string v = ascii_lower(value);
    if (v != "ta-unscreened") {
      return Xapian::Query(bounded_term("XST", v));
    }
    std::vector<Xapian::Query> screened;
    const std::string prefix = "XSTta-";
    for (auto t = m_db.allterms_begin(prefix); t != m_db.allterms_end(prefix); ++t) {
      screened.emplace_back(*t);
    }
    return Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll,
                         Xapian::Query(Xapian::Query::OP_OR, screened.begin(), screened.end()));
  }

private:
  Xapian::Database m_db;
};

class KeyProcessor : public Xapian::FieldProcessor {
public:
  Xapian::Query operator()(const std::string& value) override {
    // Keys start with a lower-case scheme; DOIs inside keys are lower-case too.
    std::string key = value;
    auto colon = key.find(':');
    if (colon != std::string::npos) {
      std::string scheme = ascii_lower(key.substr(0, colon));
      std::string rest = key.substr(colon + 1);
      if (scheme == "doi") {
        rest = ascii_lower(rest);
      }
      key = scheme + ":" + rest;
    }
    return Xapian::Query(bounded_term("Q", key));
  }
};

} // namespace

const std::vector<IndexField>& index_schema() {
  using K = IndexField::Kind;
  static const std::vector<IndexField> k_schema = {
      {"", "S", K::text, -1, "default: words in the title or abstract"},
      {"", "B", K::text, -1, ""},
      {"title", "S", K::text, -1, "words in the title (and vernacular title)"},
      {"abstract", "B", K::text, -1, "words in the abstract"},
      {"author", "A", K::text, -1, "author names: family name, initials, given names, groups"},
      {"journal", "XJ", K::text, -1, "journal title, ISO and NLM abbreviations"},
      {"mesh", "XM", K::text, -1, "MeSH descriptor names"},
      {"pt", "XPT", K::text, -1, "publication types (\"randomized controlled trial\")"},
      {"keyword", "K", K::text, -1, "keywords"},
      {"lang", "L", K::boolean, -1, "language code as given (eng, ger, nor)"},
      {"pmid", "XPMID", K::boolean, -1, "PubMed id"},
      {"doi", "XDOI", K::boolean, -1, "DOI, case-insensitive"},
      {"key", "Q", K::boolean, -1, "record key (pmid:31230464, doi:10.1000/x)"},
      {"year", "XY", K::boolean, -1, "publication year (year:2019)"},
      {"status", "XST", K::boolean, -1, "screening status per stage (status:ta-included, status:ft-conflict)"},
      {"conflict", "XCF", K::boolean, -1, "stages with unresolved disagreement (conflict:ta, conflict:ft)"},
      {"has", "XHAS", K::boolean, -1, "what the record has: has:abstract, has:doi, has:pmid, has:pmcid, has:mesh"},
      {"is", "XIS", K::boolean, -1, "what the record is: is:retracted, is:retraction, is:erratum, is:preprint"},
      {"year", "", K::range, static_cast<int>(k_slot_year), "publication years (year:2010..2020, year:..1999)"},
  };
  return k_schema;
}

namespace {

// One facet slot's values for every document of a read-only index, so that
// counting a match costs an array walk per document instead of reading the
// slot's value and splitting it (what Lucene's FieldCache does). Entries of
// document d: ords[start[d] .. start[d + 1]), numbers into `values` (the
// slot's values as stored: the year slot is sortable_serialise'd).
struct FacetColumn {
  std::vector<std::string> values;
  std::vector<std::uint32_t> start;
  std::vector<std::uint32_t> ords;
};

// Calls each(item) for every item of a value written by serialise_list
// (items joined by line feeds).
template <typename Each>
void for_each_list_item(std::string_view v, Each each) {
  std::size_t from = 0;
  while (from <= v.size()) {
    std::size_t end = v.find('\n', from);
    if (end == std::string_view::npos) {
      end = v.size();
    }
    each(v.substr(from, end - from));
    from = end + 1;
  }
}

// Reads slot `slot` of every document; `list`: the value is a line-feed
// separated list (serialise_list), each item a value of its own.
std::shared_ptr<const FacetColumn> load_column(const Xapian::Database& db, Xapian::valueno slot, bool list) {
  auto c = std::make_shared<FacetColumn>();
  std::unordered_map<std::string, std::uint32_t> number;
  c->start.assign(static_cast<std::size_t>(db.get_lastdocid()) + 2, 0);
  std::size_t next = 0; // the next entry of start to fill
  const auto add = [&](std::string_view v) {
    const auto [it, fresh] = number.try_emplace(std::string(v), static_cast<std::uint32_t>(c->values.size()));
    if (fresh) {
      c->values.emplace_back(v);
    }
    c->ords.push_back(it->second);
  };
  for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
    const Xapian::docid d = it.get_docid();
    while (next <= d) {
      c->start[next++] = static_cast<std::uint32_t>(c->ords.size());
    }
    const std::string v = *it;
    if (list) {
      for_each_list_item(v, add);
    } else {
      add(v);
    }
  }
  while (next < c->start.size()) {
    c->start[next++] = static_cast<std::uint32_t>(c->ords.size());
  }
  return c;
}

// Counts a match's values from a FacetColumn.
class ColumnCountSpy : public Xapian::MatchSpy {
public:
  explicit ColumnCountSpy(std::shared_ptr<const FacetColumn> column)
      : m_column(std::move(column)), m_counts(m_column->values.size(), 0) {}
  void operator()(const Xapian::Document& doc, double) override {
    const Xapian::docid d = doc.get_docid();
    if (d + 1 >= m_column->start.size()) {
      return;
    }
    for (std::uint32_t i = m_column->start[d]; i < m_column->start[d + 1]; ++i) {
      ++m_counts[m_column->ords[i]];
    }
  }
  std::string name() const override { return "litrev.ColumnCountSpy"; }
  // (value as stored, count) for every value counted, sorted by value.
  std::vector<std::pair<std::string, std::uint64_t>> counts() const {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
      if (m_counts[i] > 0) {
        out.emplace_back(m_column->values[i], m_counts[i]);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

private:
  std::shared_ptr<const FacetColumn> m_column;
  std::vector<std::uint64_t> m_counts;
};

// Whether the database at `path` names a remote shard: a stub file, or a
// folder holding one (XAPIANDB), with a "remote" line.
bool names_remote_shard(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path stub = std::filesystem::is_directory(path, ec)
                                         ? std::filesystem::path(path) / "XAPIANDB"
                                         : std::filesystem::path(path);
  std::ifstream in(stub);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("remote", 0) == 0) {
      return true;
    }
  }
  return false;
}

} // namespace

struct Index::Impl {
  Xapian::Database db;
  std::optional<Xapian::WritableDatabase> wdb;
  Xapian::TermGenerator tg;
  std::string path;
  bool remote = false; // some shard is served by xapian-tcpsrv
  // Facet columns (read-only indexes of one local shard): built when the index answers
  // its second query with facets, i.e. in a process that keeps it open
  // (litrev serve, the bench); a one-off search counts with match spies and
  // never pays for reading every document's values.
  std::mutex columns_mutex;
  unsigned facet_queries = 0;
  std::map<Xapian::valueno, std::shared_ptr<const FacetColumn>> columns;

  // The column of `slot`, or nothing while columns are not (yet) used.
  std::shared_ptr<const FacetColumn> column(Xapian::valueno slot, bool list) {
    std::lock_guard<std::mutex> lock(columns_mutex);
    // One local shard only: over several, the document a match spy is
    // handed and the value streams number documents differently.
    if (wdb || remote || db.size() != 1 || facet_queries < 2) {
      return nullptr;
    }
    auto& c = columns[slot];
    if (!c) {
      c = load_column(db, slot, list);
    }
    return c;
  }

  Impl() {
    tg.set_stemmer(Xapian::Stem("english"));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME_FULL_POS);
  }
};

Index::Index(const std::string& path, Mode mode) : m_impl(std::make_unique<Impl>()) {
  m_impl->path = path;
  try {
    if (mode == Mode::write) {
      m_impl->wdb.emplace(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
      m_impl->db = *m_impl->wdb;
      m_impl->tg.set_database(*m_impl->wdb);
      const std::string version = m_impl->wdb->get_metadata(k_meta_schema);
      if (version.empty() && m_impl->wdb->get_doccount() == 0) {
        m_impl->wdb->set_metadata(k_meta_schema, std::to_string(k_index_schema_version));
      } else if (version != std::to_string(k_index_schema_version)) {
        throw IndexError(path + ": index schema version " + (version.empty() ? "?" : version) +
                         ", this litrev writes " + std::to_string(k_index_schema_version) +
                         "; run `litrev rebuild`");
      }
    } else {
      m_impl->db = Xapian::Database(path);
      m_impl->remote = names_remote_shard(path);
      const std::string version = m_impl->db.get_metadata(k_meta_schema);
      if (version != std::to_string(k_index_schema_version)) {
        throw IndexError(path + ": index schema version " + (version.empty() ? "?" : version) +
                         ", this litrev reads " + std::to_string(k_index_schema_version) +
                         "; run `litrev rebuild`");
      }
    }
  } catch (const Xapian::DatabaseLockError&) {
    throw IndexError(path + ": index busy: another litrev process is writing to it; try again when it has finished");
  } catch (const Xapian::DatabaseOpeningError& e) {
    throw IndexError(path + ": cannot open the index: " + e.get_msg() + " (run `litrev rebuild`)");
  } catch (const Xapian::NetworkError& e) {
    throw IndexError(path + ": cannot reach a remote shard: " + e.get_msg());
  } catch (const Xapian::Error& e) {
    throw IndexError(path + ": " + e.get_description());
  }
}

Index::~Index() = default;
Index::Index(Index&&) noexcept = default;
Index& Index::operator=(Index&&) noexcept = default;

namespace {

bool has_pubtype(const Record& r, const char* name) {
  return std::any_of(r.publication_types.begin(), r.publication_types.end(),
                     [&](const PublicationType& p) { return exact_value(p.name) == name; });
}

bool has_link(const Record& r, const char* type) {
  return std::any_of(r.links.begin(), r.links.end(), [&](const RecordLink& l) { return l.type == type; });
}

// The facts the has: and is: filters test.
std::vector<std::string> record_flags(const Record& r, bool is) {
  std::vector<std::string> out;
  if (!is) {
    const bool abstract = std::any_of(r.abstract.begin(), r.abstract.end(),
                                      [](const AbstractSection& a) { return !a.text.empty(); });
    if (abstract) out.push_back("abstract");
    if (!r.ids.doi.empty()) out.push_back("doi");
    if (!r.ids.pmid.empty()) out.push_back("pmid");
    if (!r.ids.pmcid.empty()) out.push_back("pmcid");
    if (!r.mesh.empty()) out.push_back("mesh");
    return out;
  }
  if (has_pubtype(r, "retracted publication") || has_link(r, "RetractionIn")) out.push_back("retracted");
  if (has_pubtype(r, "retraction of publication") || has_link(r, "RetractionOf")) out.push_back("retraction");
  if (has_pubtype(r, "published erratum") || has_link(r, "ErratumFor")) out.push_back("erratum");
  if (has_pubtype(r, "preprint")) out.push_back("preprint");
  return out;
}

// A multi-valued facet slot: the values joined by line feeds (they hold no
// white space other than single spaces; see exact_value).
std::string serialise_list(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    out += (out.empty() ? "" : "\n") + v;
  }
  return out;
}

} // namespace

void Index::upsert(const Record& r) {
  if (!m_impl->wdb) {
    throw IndexError(m_impl->path + ": index opened read-only");
  }
  if (r.key.empty()) {
    throw IndexError("record without a key cannot be indexed");
  }
  Xapian::Document doc;
  Xapian::TermGenerator& tg = m_impl->tg;
  tg.set_document(doc);

  const std::string id_term = bounded_term(k_key, r.key);
  doc.add_boolean_term(id_term);

  tg.index_text(r.title, 1, k_title);
  if (!r.vernacular_title.empty()) {
    tg.increase_termpos(100);
    tg.index_text(r.vernacular_title, 1, k_title);
  }
  for (const auto& s : r.abstract) {
    tg.increase_termpos(100);
    tg.index_text(s.text, 1, k_abstract);
  }
  // Title and abstract words feed the spelling table ("did you mean").
  // TermGenerator's FLAG_SPELLING only sees unprefixed text, so each distinct
  // word of the S and B fields is added here, once per document.
  for (const char* prefix : {k_title, k_abstract}) {
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      t.skip_to(prefix);
      if (t == doc.termlist_end() || (*t).compare(0, 1, prefix) != 0) {
        break;
      }
      const std::string term = *t;
      if (term.size() > 2 && std::islower(static_cast<unsigned char>(term[1]))) {
        m_impl->wdb->add_spelling(term.substr(1));
      }
    }
  }
  for (std::size_t i = 0; i < r.authors.size(); ++i) {
    const Author& a = r.authors[i];
    tg.increase_termpos(100);
    if (!a.collective.empty()) {
      tg.index_text(a.collective, 1, k_author);
    } else {
      tg.index_text(a.family, 1, k_author);
      tg.index_text(a.initials, 1, k_author);
      tg.index_text(a.given, 1, k_author);
    }
    const std::string name = author_value({a.family, a.initials, a.collective});
    if (name.empty()) {
      continue;
    }
    doc.add_boolean_term(bounded_term(k_author_exact, name));
    if (i == 0) {
      doc.add_boolean_term(bounded_term(k_first_author, name));
      doc.add_value(k_slot_author, name);
    }
    if (i + 1 == r.authors.size()) {
      doc.add_boolean_term(bounded_term(k_last_author, name));
    }
  }
  if (r.authors.empty() || doc.get_value(k_slot_author).empty()) {
    doc.add_value(k_slot_author, "\xff"); // no author: last in an A-Z sort
  }
  for (const std::string* j : {&r.journal.title, &r.journal.iso_abbrev, &r.journal.medline_ta,
                               &r.book_title}) {
    if (!j->empty()) {
      tg.increase_termpos(100);
      tg.index_text(*j, 1, k_journal);
    }
  }
  for (const std::string* j : {&r.journal.medline_ta, &r.journal.iso_abbrev, &r.journal.title, &r.book_title}) {
    if (!j->empty()) {
      doc.add_value(k_slot_journal, *j);
      break;
    }
  }
  for (const auto& m : r.mesh) {
    tg.increase_termpos(100);
    tg.index_text(m.descriptor, 1, k_mesh);
    const std::string d = exact_value(m.descriptor);
    if (d.empty()) {
      continue;
    }
    doc.add_boolean_term(bounded_term(k_mesh_exact, d));
    bool major = m.major;
    for (const auto& q : m.qualifiers) {
      const std::string dq = d + "/" + exact_value(q.name);
      doc.add_boolean_term(bounded_term(k_mesh_exact, dq));
      if (q.major) {
        doc.add_boolean_term(bounded_term(k_mesh_major, dq));
        major = true;
      }
    }
    if (major) {
      doc.add_boolean_term(bounded_term(k_mesh_major, d));
    }
  }
  std::vector<std::string> types;
  for (const auto& p : r.publication_types) {
    tg.increase_termpos(100);
    tg.index_text(p.name, 1, k_pubtype);
    const std::string t = exact_value(p.name);
    if (!t.empty()) {
      doc.add_boolean_term(bounded_term(k_pubtype_exact, t));
      types.push_back(t);
    }
  }
  if (!types.empty()) {
    doc.add_value(k_slot_pubtypes, serialise_list(types));
  }
  for (const auto& k : r.keywords) {
    tg.increase_termpos(100);
    tg.index_text(k.text, 1, k_keyword);
  }
  std::vector<std::string> langs;
  for (const auto& l : r.languages) {
    langs.push_back(ascii_lower(l));
    doc.add_boolean_term(bounded_term(k_lang, langs.back()));
  }
  if (!langs.empty()) {
    doc.add_value(k_slot_langs, serialise_list(langs));
  }
  for (bool is : {false, true}) {
    for (const std::string& f : record_flags(r, is)) {
      doc.add_boolean_term((is ? k_is : k_has) + f);
    }
  }
  if (!r.ids.pmid.empty()) {
    doc.add_boolean_term(bounded_term(k_pmid, r.ids.pmid));
  }
  if (!r.ids.doi.empty()) {
    doc.add_boolean_term(bounded_term(k_doi, ascii_lower(r.ids.doi)));
  }
  if (r.pub_date.year > 0) {
    doc.add_boolean_term(k_year + std::to_string(r.pub_date.year));
    doc.add_value(k_slot_year, Xapian::sortable_serialise(r.pub_date.year));
    char date[16];
    std::snprintf(date, sizeof date, "%04d%02d%02d", r.pub_date.year, r.pub_date.month,
                  r.pub_date.day);
    doc.add_value(k_slot_date, date);
  }
  doc.set_data(nlohmann::json(r).dump());
  try {
    m_impl->wdb->replace_document(id_term, doc);
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": indexing " + r.key + ": " + e.get_description(), k_exit_io);
  }
}

bool Index::remove(const std::string& key) {
  if (!m_impl->wdb) {
    throw IndexError(m_impl->path + ": index opened read-only");
  }
  const std::string term = bounded_term("Q", key);
  try {
    if (!m_impl->wdb->term_exists(term)) {
      return false;
    }
    m_impl->wdb->delete_document(term);
    return true;
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": removing " + key + ": " + e.get_description(), k_exit_io);
  }
}

void Index::commit() {
  if (!m_impl->wdb) {
    return;
  }
  try {
    m_impl->wdb->commit();
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": commit failed: " + e.get_description(), k_exit_io);
  }
}

void Index::set_metadata(const std::string& key, const std::string& value) {
  if (!m_impl->wdb) {
    throw IndexError(m_impl->path + ": index opened read-only");
  }
  m_impl->wdb->set_metadata(key, value);
}

std::string Index::metadata(const std::string& key) const { return m_impl->db.get_metadata(key); }

std::uint64_t Index::size() const { return m_impl->db.get_doccount(); }

namespace {

constexpr unsigned k_native_flags =
    Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_LOVEHATE |
    Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PURE_NOT;

// "Did you mean": each lower-case word of `query` (outside quotes, not a
// field name or operator) that no title or abstract holds is replaced by
// Xapian's spelling suggestion. (QueryParser's own correction skips words of
// prefixed fields, and every text field here has a prefix.) Returns the
// corrected query, or "" when nothing was corrected.
std::string spelling_suggestion(const std::string& query, const Xapian::Database& db) {
  std::string out;
  bool changed = false;
  std::size_t i = 0;
  while (i < query.size()) {
    const unsigned char c = static_cast<unsigned char>(query[i]);
    if (!std::isalpha(c)) {
      out += query[i++];
      continue;
    }
    std::size_t j = i;
    while (j < query.size() && std::isalnum(static_cast<unsigned char>(query[j]))) {
      ++j;
    }
    const std::string word = query.substr(i, j - i);
    const bool field = j < query.size() && query[j] == ':';
    const bool lower = std::all_of(word.begin(), word.end(), [](unsigned char ch) { return !std::isupper(ch); });
    const bool truncated = j < query.size() && query[j] == '*';
    std::string replacement = word;
    if (!field && lower && !truncated && word.size() > 3 && db.get_termfreq(k_title + word) == 0 &&
        db.get_termfreq(k_abstract + word) == 0) {
      const std::string s = db.get_spelling_suggestion(word);
      if (!s.empty()) {
        replacement = s;
        changed = true;
      }
    }
    out += replacement;
    i = j;
    // A quoted phrase is checked word by word like the rest; a tag in
    // brackets ([tiab]) is copied as it is.
    if (j < query.size() && query[j] == '[') {
      const std::size_t close = query.find(']', j);
      const std::size_t stop = close == std::string::npos ? query.size() : close + 1;
      out += query.substr(j, stop - j);
      i = stop;
    }
  }
  return changed ? out : "";
}

// A field the query may not use (SearchOptions::hidden_fields): notes that
// the query named it (translate() then refuses the query, in either syntax:
// PubMed's becomes native text first). It does not throw: an exception
// thrown through Xapian's parser leaks the parser's state.
class HiddenFieldProcessor : public Xapian::FieldProcessor {
public:
  HiddenFieldProcessor(std::string name, std::string* used) : m_name(std::move(name)), m_used(used) {}
  Xapian::Query operator()(const std::string&) override {
    *m_used = m_name;
    return Xapian::Query::MatchNothing;
  }

private:
  std::string m_name;
  std::string* m_used;
};

// The native syntax: Xapian's QueryParser with the schema's fields.
void configure_native(Xapian::QueryParser& qp, const Xapian::Database& db,
                      const std::vector<std::string>& hidden = {}, std::string* hidden_used = nullptr) {
  qp.set_stemmer(Xapian::Stem("english"));
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME_FULL_POS);
  qp.set_default_op(Xapian::Query::OP_AND);
  qp.set_database(db);
  for (const auto& f : index_schema()) {
    const std::string name = f.name;
    if (hidden_used && std::find(hidden.begin(), hidden.end(), name) != hidden.end()) {
      qp.add_boolean_prefix(f.name, (new HiddenFieldProcessor(name, hidden_used))->release());
      continue;
    }
    switch (f.kind) {
    case IndexField::Kind::text:
      qp.add_prefix(f.name, f.prefix);
      break;
    case IndexField::Kind::boolean:
      if (name == "key") {
        qp.add_boolean_prefix(f.name, (new KeyProcessor())->release());
      } else if (name == "status") {
        qp.add_boolean_prefix(f.name, (new StatusProcessor(db))->release());
      } else if (name == "doi" || name == "lang" || name == "conflict" || name == "has" || name == "is") {
        qp.add_boolean_prefix(f.name, (new LowerBooleanProcessor(f.prefix))->release());
      } else {
        qp.add_boolean_prefix(f.name, f.prefix);
      }
      break;
    case IndexField::Kind::range:
      qp.add_rangeprocessor(
          (new Xapian::NumberRangeProcessor(static_cast<Xapian::valueno>(f.slot), name + ":"))->release());
      break;
    }
  }
}

bool is_operator_word(const std::string& w) {
  return w == "AND" || w == "OR" || w == "NOT" || w == "XOR" || w.rfind("NEAR", 0) == 0 || w.rfind("ADJ", 0) == 0;
}

// A plain word the thesaurus may expand: letters, digits, apostrophes and
// inner hyphens; no field prefix, wildcard or +/- operator.
bool is_plain_word(const std::string& w) {
  if (w.empty() || is_operator_word(w) || w.front() == '-' || w.front() == '+') {
    return false;
  }
  return std::all_of(w.begin(), w.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '\'' || c == '-' || c >= 0x80;
  });
}

std::string native_alternative(const std::string& term) {
  return term.find(' ') == std::string::npos ? term : "\"" + term + "\"";
}

// Rewrites `query` with the thesaurus: `~word` (and `~"a phrase"`) always,
// every plain word run and phrase that is a term when `all`. A match of
// several words becomes "(words as typed OR synonym OR "a synonym")".
std::string expand_native(const std::string& query, const Thesaurus& thesaurus, bool all) {
  struct Token {
    std::string text;   // as typed (a phrase with its quotes)
    bool word = false;  // a plain word
    bool phrase = false;
    bool tilde = false;
    bool space_before = false;
  };
  std::vector<Token> tokens;
  std::size_t i = 0;
  bool space = true;
  while (i < query.size()) {
    const char c = query[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      ++i;
      continue;
    }
    Token t;
    t.space_before = space;
    space = false;
    if (c == '(' || c == ')') {
      t.text = std::string(1, c);
      tokens.push_back(t);
      ++i;
      continue;
    }
    if (c == '~' && i + 1 < query.size() && !std::isspace(static_cast<unsigned char>(query[i + 1]))) {
      t.tilde = true;
      ++i;
    }
    if (i < query.size() && query[i] == '"') {
      const std::size_t end = query.find('"', i + 1);
      const std::size_t stop = end == std::string::npos ? query.size() : end + 1;
      t.text = query.substr(i, stop - i);
      t.phrase = true;
      i = stop;
    } else {
      std::size_t j = i;
      while (j < query.size() && !std::isspace(static_cast<unsigned char>(query[j])) && query[j] != '(' &&
             query[j] != ')') {
        if (query[j] == '"') {
          const std::size_t end = query.find('"', j + 1);
          j = end == std::string::npos ? query.size() : end + 1;
        } else {
          ++j;
        }
      }
      t.text = query.substr(i, j - i);
      t.word = is_plain_word(t.text);
      i = j;
    }
    tokens.push_back(t);
  }

  auto group = [&](const std::string& typed, const std::string& key) {
    std::string out = "(" + typed;
    for (const std::string& s : thesaurus.synonyms(key)) {
      out += " OR " + native_alternative(s);
    }
    return out + ")";
  };
  std::string out;
  auto emit = [&](const Token& t, const std::string& text) {
    if (!out.empty() && t.space_before) {
      out += ' ';
    }
    out += text;
  };
  for (std::size_t k = 0; k < tokens.size();) {
    const Token& t = tokens[k];
    if (t.phrase && (t.tilde || all)) {
      const std::string inner = t.text.substr(1, t.text.size() - (t.text.back() == '"' && t.text.size() > 1 ? 2 : 1));
      if (!thesaurus.synonyms(inner).empty()) {
        emit(t, group(t.text, inner));
        ++k;
        continue;
      }
    }
    if (t.word && (t.tilde || all)) {
      // The run of plain words, separated only by spaces, starting here.
      std::vector<std::string> words;
      for (std::size_t m = k; m < tokens.size() && tokens[m].word && (m == k || !tokens[m].tilde); ++m) {
        words.push_back(tokens[m].text);
      }
      const std::size_t n = thesaurus.longest_match(words, 0);
      if (n > 0) {
        std::string typed, key;
        for (std::size_t m = 0; m < n; ++m) {
          typed += (m ? " " : "") + words[m];
        }
        emit(t, group(typed, typed));
        k += n;
        continue;
      }
    }
    if (t.tilde && !t.word && !t.phrase) {
      throw UsageError("~ expands a word or a \"phrase\" from the thesaurus; it cannot apply to " + t.text);
    }
    emit(t, t.text);
    ++k;
  }
  return out;
}

// Xapian 1.4.22's QueryParser with STEM_SOME_FULL_POS leaves the last word
// of a quoted phrase unstemmed ("opioid withdrawals" parses to ZSopioid
// PHRASE Swithdrawals) unless a space precedes the closing quote; the space
// changes nothing else, so every phrase gets one.
std::string space_before_closing_quotes(const std::string& query) {
  std::string out;
  bool open = false;
  for (char c : query) {
    if (c == '"') {
      if (open && !out.empty() && out.back() != ' ') {
        out += ' ';
      }
      open = !open;
    }
    out += c;
  }
  return out;
}

// Replaces each `#n` outside quotes by the bracketed text of strategy line n.
std::string substitute_lines(const std::string& query, const std::map<int, std::string>& lines) {
  std::string out;
  bool quoted = false;
  for (std::size_t i = 0; i < query.size();) {
    const char c = query[i];
    if (c == '"') {
      quoted = !quoted;
    }
    if (c == '#' && !quoted && i + 1 < query.size() && std::isdigit(static_cast<unsigned char>(query[i + 1]))) {
      std::size_t j = i + 1;
      while (j < query.size() && std::isdigit(static_cast<unsigned char>(query[j]))) {
        ++j;
      }
      const int n = std::stoi(query.substr(i + 1, j - i - 1));
      auto it = lines.find(n);
      if (it == lines.end()) {
        throw UsageError("#" + std::to_string(n) + " refers to no earlier line of the strategy");
      }
      out += "(" + it->second + ")";
      i = j;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

// Counts the values of a slot holding a list (serialise_list) (a
// multi-valued facet: publication types, languages), once per document.
class ListCountSpy : public Xapian::MatchSpy {
public:
  explicit ListCountSpy(Xapian::valueno slot) : m_slot(slot) {}
  void operator()(const Xapian::Document& doc, double) override {
    const std::string v = doc.get_value(m_slot);
    if (v.empty()) {
      return;
    }
    for_each_list_item(v, [this](std::string_view item) { ++m_counts[std::string(item)]; });
  }
  std::string name() const override { return "litrev.ListCountSpy"; }
  const std::map<std::string, std::uint64_t>& counts() const { return m_counts; }

private:
  Xapian::valueno m_slot;
  std::map<std::string, std::uint64_t> m_counts;
};

// Xapian's snippet is HTML-escaped with our markers (\x01 ... \x02) around
// matches: back to plain text and byte ranges.
Snippet parse_snippet(const std::string& marked) {
  Snippet s;
  std::size_t start = 0;
  for (std::size_t i = 0; i < marked.size(); ++i) {
    const char c = marked[i];
    if (c == '\x01') {
      start = s.text.size();
    } else if (c == '\x02') {
      s.highlights.emplace_back(start, s.text.size());
    } else if (c == '&') {
      static const std::pair<const char*, char> k_entities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''}};
      bool done = false;
      for (const auto& [entity, ch] : k_entities) {
        const std::size_t n = std::char_traits<char>::length(entity);
        if (marked.compare(i, n, entity) == 0) {
          s.text += ch;
          i += n - 1;
          done = true;
          break;
        }
      }
      if (!done) {
        s.text += c;
      }
    } else {
      s.text += c;
    }
  }
  return s;
}

// Xapian's snippets highlight the query's terms as they would be generated
// from unprefixed text, so the highlighting runs on a copy of the query with
// field prefixes taken off (ZSketamin -> Zketamin, Sketamine -> ketamine).
Xapian::MSet highlight_mset(const Xapian::Database& db, const Xapian::Query& query) {
  std::vector<Xapian::Query> terms;
  for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
    const std::string term = *t;
    const bool stem = term.size() > 1 && term[0] == 'Z';
    std::size_t i = stem ? 1 : 0;
    while (i < term.size() && std::isupper(static_cast<unsigned char>(term[i]))) {
      ++i;
    }
    if (i < term.size()) {
      terms.emplace_back((stem ? "Z" : "") + term.substr(i));
    }
  }
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
  return enquire.get_mset(0, 0);
}

Snippet make_snippet(const Xapian::MSet& mset, const Record& r) {
  const Xapian::Stem stem("english");
  std::string abstract;
  for (const auto& a : r.abstract) {
    if (!a.text.empty()) {
      abstract += (abstract.empty() ? "" : " ") + a.text;
    }
  }
  constexpr unsigned flags = Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE;
  Snippet best;
  if (!abstract.empty()) {
    best = parse_snippet(mset.snippet(abstract, 300, stem, flags, "\x01", "\x02", "..."));
  }
  if (best.highlights.empty() && !r.title.empty()) {
    Snippet title = parse_snippet(mset.snippet(r.title, 300, stem, flags, "\x01", "\x02", "..."));
    if (!title.highlights.empty() || best.text.empty()) {
      best = std::move(title);
    }
  }
  return best;
}

std::string year_of(const std::string& serialised) {
  return std::to_string(static_cast<int>(Xapian::sortable_unserialise(serialised)));
}

} // namespace

struct Index::Query {
  Xapian::Query query;
  std::string native_text; // the native query after #n and synonym rewriting
};

Index::Query Index::translate(const std::string& text, const SearchOptions& options,
                              const std::map<int, Query>* lines, std::string* suggestion) const {
  const std::string stored = m_impl->db.get_metadata(k_meta_thesaurus);
  const Thesaurus thesaurus =
      stored.empty() ? Thesaurus() : Thesaurus::parse(stored, m_impl->db.get_metadata(k_meta_thesaurus_source));
  Query out;
  if (options.syntax == QuerySyntax::pubmed) {
    PubmedContext ctx;
    ctx.db = m_impl->db;
    std::map<int, Xapian::Query> earlier;
    if (lines != nullptr) {
      for (const auto& [n, q] : *lines) {
        earlier.emplace(n, q.query);
      }
      ctx.lines = &earlier;
    }
    if (options.expand) {
      if (thesaurus.empty()) {
        throw UsageError("--expand needs a thesaurus: load one with `litrev thesaurus FILE`");
      }
      ctx.synonyms = [&thesaurus](const std::string& term) { return thesaurus.synonyms(term); };
    }
    out.query = pubmed_query(text, ctx);
    if (suggestion != nullptr) {
      *suggestion = spelling_suggestion(text, m_impl->db);
    }
    return out;
  }
  std::string native = text;
  if (lines != nullptr) {
    std::map<int, std::string> earlier;
    for (const auto& [n, q] : *lines) {
      earlier.emplace(n, q.native_text);
    }
    native = substitute_lines(native, earlier);
  }
  const bool has_tilde = native.find('~') != std::string::npos;
  if (thesaurus.empty() && (options.expand || has_tilde)) {
    throw UsageError(std::string(options.expand ? "--expand" : "~word") +
                     " needs a thesaurus: load one with `litrev thesaurus FILE`");
  }
  if (!thesaurus.empty() && (options.expand || has_tilde)) {
    native = expand_native(native, thesaurus, options.expand);
  }
  Xapian::QueryParser qp;
  std::string hidden_used;
  configure_native(qp, m_impl->db, options.hidden_fields, &hidden_used);
  out.query = qp.parse_query(space_before_closing_quotes(native), k_native_flags);
  if (!hidden_used.empty()) {
    throw UsageError("the " + hidden_used + ": field is not available here (blind screening hides other "
                     "screeners' votes)");
  }
  out.native_text = native;
  if (suggestion != nullptr) {
    *suggestion = spelling_suggestion(text, m_impl->db);
  }
  return out;
}

void Index::execute(const Xapian::Query& query, const SearchOptions& options, SearchResult& result) const {
  result.parsed = query.get_description();
  Xapian::Enquire enquire(m_impl->db);
  enquire.set_query(query);
  // Ties broken by the record's place in the index, which a rebuild keeps:
  // same input order gives the same ranking.
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  switch (options.sort) {
  case SortOrder::relevance:
    break;
  case SortOrder::date:
    enquire.set_sort_by_value_then_relevance(k_slot_date, true);
    break;
  case SortOrder::author:
    enquire.set_sort_by_value_then_relevance(k_slot_author, false);
    break;
  }
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> value_spies(options.facets.size());
  std::vector<std::unique_ptr<ListCountSpy>> list_spies(options.facets.size());
  std::vector<std::unique_ptr<ColumnCountSpy>> column_spies(options.facets.size());
  if (!options.facets.empty()) {
    std::lock_guard<std::mutex> lock(m_impl->columns_mutex);
    ++m_impl->facet_queries;
  }
  for (std::size_t i = 0; i < options.facets.size(); ++i) {
    const std::string& f = options.facets[i];
    const bool known = f == "year" || f == "journal" || f == "pt" || f == "lang";
    const Xapian::valueno slot = f == "year" ? k_slot_year
                                 : f == "journal" ? k_slot_journal
                                 : f == "pt"      ? k_slot_pubtypes
                                                  : k_slot_langs;
    if (known) {
      if (auto column = m_impl->column(slot, f == "pt" || f == "lang")) {
        column_spies[i] = std::make_unique<ColumnCountSpy>(std::move(column));
        enquire.add_matchspy(column_spies[i].get());
        continue;
      }
    }
    if (f == "year" || f == "journal") {
      value_spies[i] = std::make_unique<Xapian::ValueCountMatchSpy>(f == "year" ? k_slot_year : k_slot_journal);
      enquire.add_matchspy(value_spies[i].get());
    } else if (f == "pt" || f == "lang") {
      list_spies[i] = std::make_unique<ListCountSpy>(f == "pt" ? k_slot_pubtypes : k_slot_langs);
      enquire.add_matchspy(list_spies[i].get());
    } else {
      throw UsageError("no facet \"" + f + "\"; facets are year, pt, lang, journal");
    }
  }
  const Xapian::doccount all = m_impl->db.get_doccount();
  Xapian::MSet mset;
  try {
    mset = enquire.get_mset(static_cast<Xapian::doccount>(options.offset),
                            static_cast<Xapian::doccount>(options.limit), all);
  } catch (const Xapian::UnimplementedError&) {
    // Only Xapian's own match spies travel to remote shards.
    throw UsageError("the pt and lang facets cannot be counted over remote shards (year and journal can)");
  }
  result.total = mset.get_matches_estimated();
  std::optional<Xapian::MSet> highlighter;
  std::size_t rank = options.offset;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    SearchHit hit;
    hit.rank = ++rank;
    hit.score = options.sort == SortOrder::relevance ? it.get_weight() : 0;
    hit.record = nlohmann::json::parse(it.get_document().get_data()).get<Record>();
    if (options.snippets) {
      if (!highlighter) {
        highlighter = highlight_mset(m_impl->db, query);
      }
      hit.snippet = make_snippet(*highlighter, hit.record);
    }
    result.hits.push_back(std::move(hit));
  }
  for (std::size_t i = 0; i < options.facets.size(); ++i) {
    Facet facet;
    facet.name = options.facets[i];
    if (column_spies[i]) {
      for (const auto& [value, n] : column_spies[i]->counts()) {
        facet.counts.emplace_back(facet.name == "year" ? year_of(value) : value, n);
      }
    } else if (value_spies[i]) {
      for (auto v = value_spies[i]->values_begin(); v != value_spies[i]->values_end(); ++v) {
        facet.counts.emplace_back(facet.name == "year" ? year_of(*v) : *v, v.get_termfreq());
      }
    } else {
      for (const auto& [value, n] : list_spies[i]->counts()) {
        facet.counts.emplace_back(value, n);
      }
    }
    if (facet.name == "year") {
      std::sort(facet.counts.begin(), facet.counts.end(),
                [](const auto& a, const auto& b) { return std::stoi(a.first) > std::stoi(b.first); });
    } else {
      std::stable_sort(facet.counts.begin(), facet.counts.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
    }
    result.facets.push_back(std::move(facet));
  }
}

SearchResult Index::search(const std::string& query, const SearchOptions& options) const {
  SearchResult result;
  result.query = query;
  try {
    std::string suggestion;
    const Query q = translate(query, options, nullptr, &suggestion);
    execute(q.query, options, result);
    if (result.total == 0 && suggestion != query) {
      result.suggestion = suggestion; // suggestions are for queries that find nothing
    }
  } catch (const Xapian::QueryParserError& e) {
    throw UsageError("query syntax: " + e.get_msg() + " in: " + query);
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": search failed: " + e.get_description());
  }
  return result;
}

StrategyResult Index::run_strategy(const std::vector<StrategyLine>& lines, const SearchOptions& options) const {
  StrategyResult result;
  if (lines.empty()) {
    throw UsageError("the strategy has no lines");
  }
  std::map<int, Query> done;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const StrategyLine& line = lines[i];
    try {
      const bool last = i + 1 == lines.size();
      std::string suggestion;
      Query q = translate(line.query, options, &done, last ? &suggestion : nullptr);
      if (last) {
        result.last.query = line.query;
        result.last.suggestion = suggestion;
        execute(q.query, options, result.last);
        if (result.last.total != 0) {
          result.last.suggestion.clear(); // suggestions are for queries that find nothing
        }
        result.lines.push_back({line.number, line.query, result.last.total});
      } else {
        Xapian::Enquire enquire(m_impl->db);
        enquire.set_query(q.query);
        const Xapian::MSet count = enquire.get_mset(0, 0, m_impl->db.get_doccount());
        result.lines.push_back({line.number, line.query, count.get_matches_estimated()});
      }
      done[line.number] = std::move(q);
    } catch (const UsageError& e) {
      throw UsageError("strategy line " + std::to_string(line.line) + " (#" + std::to_string(line.number) +
                       "): " + e.what());
    } catch (const Xapian::QueryParserError& e) {
      throw UsageError("strategy line " + std::to_string(line.line) + " (#" + std::to_string(line.number) +
                       "): query syntax: " + e.get_msg() + " in: " + line.query);
    } catch (const Xapian::Error& e) {
      throw IndexError(m_impl->path + ": search failed: " + e.get_description());
    }
  }
  return result;
}

void Index::set_thesaurus(const std::string& text, const std::string& source) {
  if (!m_impl->wdb) {
    throw IndexError(m_impl->path + ": index opened read-only");
  }
  const Thesaurus t = Thesaurus::parse(text, source);
  m_impl->wdb->set_metadata(k_meta_thesaurus, t.text());
  m_impl->wdb->set_metadata(k_meta_thesaurus_source, source);
}

std::uint64_t Index::revision() const {
  try {
    return m_impl->db.get_revision();
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": " + e.get_description());
  }
}

namespace {

const char* boolean_prefix(const std::string& field) {
  for (const auto& f : index_schema()) {
    if (f.kind == IndexField::Kind::boolean && field == f.name) {
      return f.prefix;
    }
  }
  throw IndexError("no boolean index field \"" + field + "\"");
}

std::vector<std::string> prefixed_terms(const Xapian::Document& doc, const std::string& prefix) {
  std::vector<std::string> out;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    t.skip_to(prefix);
    if (t == doc.termlist_end() || (*t).compare(0, prefix.size(), prefix) != 0) {
      break;
    }
    std::string term = *t;
    // Another field's prefix can extend this one (XY vs XYZ): values here
    // are lower-case, so an upper-case letter after the prefix is not ours.
    if (term.size() > prefix.size() && std::isupper(static_cast<unsigned char>(term[prefix.size()]))) {
      continue;
    }
    out.push_back(term.substr(prefix.size()));
  }
  return out;
}

} // namespace

std::vector<std::string> Index::field_terms(const std::string& key, const std::string& field) const {
  const std::string prefix = boolean_prefix(field);
  const std::string id = bounded_term("Q", key);
  try {
    Xapian::PostingIterator p = m_impl->db.postlist_begin(id);
    if (p == m_impl->db.postlist_end(id)) {
      return {};
    }
    return prefixed_terms(m_impl->db.get_document(*p), prefix);
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": reading " + key + ": " + e.get_description());
  }
}

std::map<std::string, std::vector<std::string>> Index::keys_with_field(const std::string& field) const {
  const std::string prefix = boolean_prefix(field);
  std::map<std::string, std::vector<std::string>> out;
  try {
    for (auto t = m_impl->db.allterms_begin(prefix); t != m_impl->db.allterms_end(prefix); ++t) {
      const std::string term = *t;
      if (term.size() > prefix.size() && std::isupper(static_cast<unsigned char>(term[prefix.size()]))) {
        continue; // another field's longer prefix
      }
      for (auto p = m_impl->db.postlist_begin(term); p != m_impl->db.postlist_end(term); ++p) {
        const Xapian::Document doc = m_impl->db.get_document(*p);
        auto q = doc.termlist_begin();
        q.skip_to("Q");
        if (q != doc.termlist_end() && (*q)[0] == 'Q') {
          out[(*q).substr(1)].push_back(term.substr(prefix.size()));
        }
      }
    }
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": " + e.get_description());
  }
  return out;
}

bool Index::set_field_terms(const std::string& key, const std::string& field,
                            const std::vector<std::string>& values) {
  if (!m_impl->wdb) {
    throw IndexError(m_impl->path + ": index opened read-only");
  }
  const std::string prefix = boolean_prefix(field);
  const std::string id = bounded_term("Q", key);
  try {
    Xapian::PostingIterator p = m_impl->wdb->postlist_begin(id);
    if (p == m_impl->wdb->postlist_end(id)) {
      return false;
    }
    const Xapian::docid docid = *p;
    Xapian::Document doc = m_impl->wdb->get_document(docid);
    for (const std::string& old : prefixed_terms(doc, prefix)) {
      doc.remove_term(prefix + old);
    }
    for (const std::string& v : values) {
      doc.add_boolean_term(bounded_term(prefix, ascii_lower(v)));
    }
    m_impl->wdb->replace_document(docid, doc);
    return true;
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": updating " + key + ": " + e.get_description());
  }
}

bool Index::contains(const std::string& key) const {
  try {
    return m_impl->db.term_exists(bounded_term("Q", key));
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": reading " + key + ": " + e.get_description());
  }
}

std::optional<Record> Index::get(const std::string& key) const {
  const std::string term = bounded_term("Q", key);
  try {
    Xapian::PostingIterator p = m_impl->db.postlist_begin(term);
    if (p == m_impl->db.postlist_end(term)) {
      return std::nullopt;
    }
    return nlohmann::json::parse(m_impl->db.get_document(*p).get_data()).get<Record>();
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": reading " + key + ": " + e.get_description());
  }
}

void Index::write_shards(const std::string& dir, unsigned shards) const {
  if (shards < 1) {
    throw UsageError("--shards must be at least 1");
  }
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    throw UsageError(dir + ": already exists; give a new folder for the shards");
  }
  try {
    std::filesystem::create_directories(dir);
    std::vector<Xapian::WritableDatabase> out;
    std::string stub;
    for (unsigned i = 1; i <= shards; ++i) {
      const std::string name = "shard-" + std::to_string(i);
      out.emplace_back(dir + "/" + name, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
      stub += "auto " + name + "\n";
    }
    const Xapian::Database& db = m_impl->db;
    for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k) {
      for (auto& shard : out) {
        shard.set_metadata(*k, db.get_metadata(*k));
      }
    }
    for (auto p = db.postlist_begin(""); p != db.postlist_end(""); ++p) {
      const Xapian::docid id = *p;
      out[(id - 1) % shards].replace_document((id - 1) / shards + 1, db.get_document(id));
    }
    for (auto w = db.spellings_begin(); w != db.spellings_end(); ++w) {
      out[0].add_spelling(*w, w.get_termfreq());
    }
    for (auto& shard : out) {
      shard.commit();
      shard.close();
    }
    write_file_atomic(dir + "/XAPIANDB", stub);
  } catch (const Xapian::Error& e) {
    throw IndexError(dir + ": writing shards: " + e.get_description());
  } catch (const std::filesystem::filesystem_error& e) {
    throw IoError(dir + ": " + e.code().message());
  }
}

void Index::copy_metadata_from(const Index& other) {
  if (!m_impl->wdb) {
    throw IndexError(m_impl->path + ": index opened read-only");
  }
  try {
    const Xapian::Database& from = other.m_impl->db;
    for (auto k = from.metadata_keys_begin(); k != from.metadata_keys_end(); ++k) {
      m_impl->wdb->set_metadata(*k, from.get_metadata(*k));
    }
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": copying metadata from " + other.m_impl->path + ": " + e.get_description());
  }
}

void Index::merge(const std::vector<std::string>& parts, const std::string& dest) {
  try {
    Xapian::Database all;
    for (const auto& part : parts) {
      all.add_database(Xapian::Database(part));
    }
    // Renumbering compaction concatenates the parts' document ranges in the
    // order they were added (each part's leading gap of deleted documents
    // closed up), so the merged order is parts[0]'s then parts[1]'s ...
    // Level STANDARD (flags 0) leaves the blocks room for later updates.
    all.compact(dest, 0);
  } catch (const Xapian::Error& e) {
    throw IndexError(dest + ": merging the index parts: " + e.get_description(), k_exit_io);
  }
}

std::vector<std::string> Index::keys() const {
  std::vector<std::string> out;
  for (auto it = m_impl->db.allterms_begin("Q"); it != m_impl->db.allterms_end("Q"); ++it) {
    out.push_back((*it).substr(1));
  }
  return out;
}

} // namespace litrev
