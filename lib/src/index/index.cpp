// The Xapian index: schema table, indexing and search.
//
// Here is the schema (schemas/index.md says the same in prose). Every document
// is one record:
//   - its key as the unique boolean term "Q<key>";
//   - title and vernacular title as free text with prefix S, abstract with
//     prefix B; unprefixed query words search both (the default field maps to
//     S and B), so the text is stored once, not twice;
//   - authors (A), journal (XJ), MeSH descriptors (XM), publication types (XPT)
//     and keywords (K) as free text; languages (L), PMID (XPMID), DOI (XDOI),
//     publication year (XY) as boolean terms;
//   - the year in value slot 0 (sortable_serialise) for year ranges, the
//     publication date as YYYYMMDD in slot 1 for sorting;
//   - the record's JSON as the document data.
// All free text uses the English stemmer with STEM_SOME, so phrases match the
// words as written and single words match their stems too.
#include <litrev/index.hpp>

#include <cctype>
#include <map>

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <litrev/error.hpp>

#include "util/normalize.hpp"

namespace litrev {

namespace {

constexpr Xapian::valueno k_slot_year = 0;
constexpr Xapian::valueno k_slot_date = 1;
const char* const k_meta_schema = "litrev.schema_version";

// Glass limits a term to 245 bytes. Longer identifiers are cut and given a
// hash suffix so they stay unique; nothing real comes close.
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
      {"year", "", K::range, static_cast<int>(k_slot_year), "publication years (year:2010..2020, year:..1999)"},
  };
  return k_schema;
}

struct Index::Impl {
  Xapian::Database db;
  std::optional<Xapian::WritableDatabase> wdb;
  Xapian::TermGenerator tg;
  std::string path;

  Impl() {
    tg.set_stemmer(Xapian::Stem("english"));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  }
};

Index::Index(const std::string& path, Mode mode) : m_impl(std::make_unique<Impl>()) {
  m_impl->path = path;
  try {
    if (mode == Mode::write) {
      m_impl->wdb.emplace(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
      m_impl->db = *m_impl->wdb;
      const std::string version = m_impl->wdb->get_metadata(k_meta_schema);
      if (version.empty() && m_impl->wdb->get_doccount() == 0) {
        m_impl->wdb->set_metadata(k_meta_schema, std::to_string(k_index_schema_version));
      } else if (version != std::to_string(k_index_schema_version)) {
        throw IndexError(path + ": index schema version " + (version.empty() ? "?" : version) +
                         ", this litrev writes " + std::to_string(k_index_schema_version) +
                         "; run `litrev rebuild`");
      }
    } else {
      m_impl->db = Xapian::Database(path, Xapian::DB_BACKEND_GLASS);
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
  } catch (const Xapian::Error& e) {
    throw IndexError(path + ": " + e.get_description());
  }
}

Index::~Index() = default;
Index::Index(Index&&) noexcept = default;
Index& Index::operator=(Index&&) noexcept = default;

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

  const std::string id_term = bounded_term("Q", r.key);
  doc.add_boolean_term(id_term);

  tg.index_text(r.title, 1, "S");
  if (!r.vernacular_title.empty()) {
    tg.increase_termpos(100);
    tg.index_text(r.vernacular_title, 1, "S");
  }
  for (const auto& s : r.abstract) {
    tg.increase_termpos(100);
    tg.index_text(s.text, 1, "B");
  }
  for (const auto& a : r.authors) {
    tg.increase_termpos(100);
    if (!a.collective.empty()) {
      tg.index_text(a.collective, 1, "A");
    } else {
      tg.index_text(a.family, 1, "A");
      tg.index_text(a.initials, 1, "A");
      tg.index_text(a.given, 1, "A");
    }
  }
  for (const std::string* j : {&r.journal.title, &r.journal.iso_abbrev, &r.journal.medline_ta,
                               &r.book_title}) {
    if (!j->empty()) {
      tg.increase_termpos(100);
      tg.index_text(*j, 1, "XJ");
    }
  }
  for (const auto& m : r.mesh) {
    tg.increase_termpos(100);
    tg.index_text(m.descriptor, 1, "XM");
  }
  for (const auto& p : r.publication_types) {
    tg.increase_termpos(100);
    tg.index_text(p.name, 1, "XPT");
  }
  for (const auto& k : r.keywords) {
    tg.increase_termpos(100);
    tg.index_text(k.text, 1, "K");
  }
  for (const auto& l : r.languages) {
    doc.add_boolean_term(bounded_term("L", ascii_lower(l)));
  }
  if (!r.ids.pmid.empty()) {
    doc.add_boolean_term(bounded_term("XPMID", r.ids.pmid));
  }
  if (!r.ids.doi.empty()) {
    doc.add_boolean_term(bounded_term("XDOI", ascii_lower(r.ids.doi)));
  }
  if (r.pub_date.year > 0) {
    doc.add_boolean_term("XY" + std::to_string(r.pub_date.year));
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

SearchResult Index::search(const std::string& query, const SearchOptions& options) const {
  SearchResult result;
  result.query = query;
  Xapian::QueryParser qp;
  qp.set_stemmer(Xapian::Stem("english"));
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp.set_default_op(Xapian::Query::OP_AND);
  qp.set_database(m_impl->db);
  for (const auto& f : index_schema()) {
    switch (f.kind) {
    case IndexField::Kind::text:
      qp.add_prefix(f.name, f.prefix);
      break;
    case IndexField::Kind::boolean:
      if (std::string(f.name) == "doi") {
        qp.add_boolean_prefix(f.name, (new LowerBooleanProcessor(f.prefix))->release());
      } else if (std::string(f.name) == "key") {
        qp.add_boolean_prefix(f.name, (new KeyProcessor())->release());
      } else if (std::string(f.name) == "status") {
        qp.add_boolean_prefix(f.name, (new StatusProcessor(m_impl->db))->release());
      } else if (std::string(f.name) == "lang" || std::string(f.name) == "conflict") {
        qp.add_boolean_prefix(f.name, (new LowerBooleanProcessor(f.prefix))->release());
      } else {
        qp.add_boolean_prefix(f.name, f.prefix);
      }
      break;
    case IndexField::Kind::range:
      qp.add_rangeprocessor(
          (new Xapian::NumberRangeProcessor(static_cast<Xapian::valueno>(f.slot),
                                            std::string(f.name) + ":"))
              ->release());
      break;
    }
  }
  const unsigned flags = Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_PHRASE |
                         Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                         Xapian::QueryParser::FLAG_PURE_NOT;
  try {
    Xapian::Query q = qp.parse_query(query, flags);
    result.parsed = q.get_description();
    Xapian::Enquire enquire(m_impl->db);
    enquire.set_query(q);
    // Ties broken by the record's place in the index, which a rebuild keeps:
    // same input order gives the same ranking.
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    const Xapian::doccount all = m_impl->db.get_doccount();
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(options.offset),
                                         static_cast<Xapian::doccount>(options.limit), all);
    result.total = mset.get_matches_estimated();
    std::size_t rank = options.offset;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      SearchHit hit;
      hit.rank = ++rank;
      hit.score = it.get_weight();
      hit.record = nlohmann::json::parse(it.get_document().get_data()).get<Record>();
      result.hits.push_back(std::move(hit));
    }
  } catch (const Xapian::QueryParserError& e) {
    throw UsageError("query syntax: " + e.get_msg() + " in: " + query);
  } catch (const Xapian::Error& e) {
    throw IndexError(m_impl->path + ": search failed: " + e.get_description());
  }
  return result;
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

std::vector<std::string> Index::keys() const {
  std::vector<std::string> out;
  for (auto it = m_impl->db.allterms_begin("Q"); it != m_impl->db.allterms_end("Q"); ++it) {
    out.push_back((*it).substr(1));
  }
  return out;
}

} // namespace litrev
