// bench_lucene: the Lucene++ peer of the search benchmark (issue 5). Lucene++
// 3.0.8 is Debian's liblucene++-dev, a C++ port of Apache Lucene 3.0.
//
//   bench_lucene index OUT_DIR INPUT.xml[.gz]
//       Reads the PubMed XML records with litrev's PubmedXmlReader *before*
//       the clock (as bench_index raw|litrev do; the parse is reported as
//       preparse_seconds) and indexes them with one Lucene IndexWriter
//       (default settings: 16 MB RAM buffer, LogByteSizeMergePolicy,
//       ConcurrentMergeScheduler; field length unlimited), one
//       updateDocument per record keyed on its key (Xapian's
//       replace_document), one commit and close. Prints one JSON line like
//       bench_index: docs, seconds, docs_per_s, cpu_seconds (every thread,
//       merges included), peak_rss_mb, db_mb.
//   bench_lucene search INDEX_DIR queries_lucene.tsv [ROUNDS]
//       bench_search's loop over queries_lucene.tsv (the queries of
//       queries.tsv in Lucene syntax; that file says how each maps): every
//       query once to warm up, then ROUNDS timed runs (default 20). A run
//       parses the query (MultiFieldQueryParser), searches for the top 20
//       with the exact total (Lucene always counts every match), loads the
//       20 stored documents and turns their JSON back into litrev::Record
//       (what Index::search does with each hit) and, for facet lines, counts
//       year, pt, lang and journal over every match. Prints bench_search's
//       JSON lines (class, queries, runs, median_ms, p99_ms, max_ms,
//       mean_total) plus "tool" and, for classes with an approximate query,
//       "approx"; one line per query (class, the litrev and Lucene queries,
//       total, number of facet values and the sum of each facet's counts,
//       median ms) goes to standard error.
//
// The document (make_document) holds what the query set needs, like litrev's
// schema 2: title and abstract words as written (StandardAnalyzer without
// stop words, positions) and again stemmed (Snowball "english", the Porter2
// stemmer Xapian's "english" is, positions): Xapian's STEM_SOME_FULL_POS
// writes both forms with positions too. Authors, journal names, MeSH
// descriptors, publication types and keywords as text; exact lower-cased
// MeSH descriptors (and descriptor/qualifier) and publication types, the
// language codes and the has: flags as keyword terms; the year as a
// NumericField; key stored and indexed (the update term); the record's JSON
// stored (not indexed), as both Xapian programs store it, serialised inside
// the clock (json_seconds says how long that took). Single-valued keyword
// fields journal_f, pt_f and lang_f (lists joined by line feeds, like
// litrev's value slots) serve the facet counts through Lucene's FieldCache.
// A position gap of 100 separates the values of one field (Xapian's
// increase_termpos(100)).
//
// What differs from litrev and is not a Lucene choice one could avoid:
// Lucene++ works on wide strings, so every text is converted from UTF-8 (in
// the clock); StandardTokenizer and Xapian's TermGenerator cut some strings
// differently (hyphens, apostrophes, numbers with dots); Lucene ranks with
// TF-IDF and Xapian with BM25; Lucene has no spelling table (litrev builds
// one at indexing and checks for a suggestion on every search).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <lucene++/LuceneHeaders.h>
#include <lucene++/FieldCache.h>
#include <lucene++/MultiFieldQueryParser.h>
#include <lucene++/NumericField.h>
#include <lucene++/NumericRangeQuery.h>
#include <lucene++/SnowballAnalyzer.h>
#include <lucene++/TopScoreDocCollector.h>

#include <nlohmann/json.hpp>

#include <litrev/pubmed_xml.hpp>
#include <litrev/record.hpp>

#include "bench_util.hpp"

namespace fs = std::filesystem;
using namespace Lucene;

namespace {

using litrev::bench::Clock;
using litrev::bench::cpu_seconds;
using litrev::bench::peak_rss_mib;
using litrev::bench::seconds_since;

double current_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stod(line.substr(6)) / 1024.0;
    }
  }
  return 0.0;
}

double tree_mb(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (ec) {
      break;
    }
    if (it->is_regular_file(ec)) {
      total += it->file_size(ec);
    }
  }
  return static_cast<double>(total) / 1e6;
}

// bench_index's pre-parse, unchanged: every record in memory, each with the
// provenance an import gives it (so the stored JSON has the same size).
std::vector<litrev::Record> preparse(const std::string& path) {
  std::vector<litrev::Record> records;
  litrev::PubmedXmlReader reader(path);
  litrev::PubmedItem item;
  const std::string name = fs::path(path).filename().string();
  std::uint64_t position = 0;
  while (reader.next(item)) {
    if (item.kind == litrev::PubmedItem::Kind::record) {
      item.record.provenance = {"20260101T000000Z-import-01", name, position};
      records.push_back(std::move(item.record));
      item.record = litrev::Record{};
    }
    ++position;
  }
  return records;
}

String wide(const std::string& utf8) { return StringUtils::toUnicode(utf8); }

std::string narrow(const String& s) { return StringUtils::toUTF8(s); }

// litrev's exact_value (case fold, runs of white space to one space), ASCII
// only: the benchmark's descriptors and types are ASCII.
std::string exact_value(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    out += (out.empty() ? "" : "\n") + v;
  }
  return out;
}

// The analyzers, by field; every field gets a position gap of 100 between
// its values (Xapian's increase_termpos(100)).
class GapAnalyzer : public PerFieldAnalyzerWrapper {
public:
  explicit GapAnalyzer(const AnalyzerPtr& fallback) : PerFieldAnalyzerWrapper(fallback) {}
  int32_t getPositionIncrementGap(const String&) override { return 100; }
};

AnalyzerPtr make_analyzer() {
  // No stop words: Xapian's TermGenerator and QueryParser drop none either
  // ("in this paper we" is a four-word phrase on both sides).
  const AnalyzerPtr plain = newLucene<StandardAnalyzer>(LuceneVersion::LUCENE_30, HashSet<String>::newInstance());
  const AnalyzerPtr stem = newLucene<SnowballAnalyzer>(LuceneVersion::LUCENE_30, L"english");
  const AnalyzerPtr keyword = newLucene<KeywordAnalyzer>();
  boost::shared_ptr<GapAnalyzer> a = newLucene<GapAnalyzer>(plain);
  a->addAnalyzer(L"title_stem", stem);
  a->addAnalyzer(L"abstract_stem", stem);
  for (const wchar_t* f : {L"mesh_x", L"pt_x", L"lang", L"has", L"key", L"pmid", L"doi"}) {
    a->addAnalyzer(f, keyword);
  }
  return a;
}

void add_text(const DocumentPtr& doc, const wchar_t* field, const std::string& text) {
  if (!text.empty()) {
    doc->add(newLucene<Field>(field, wide(text), Field::STORE_NO, Field::INDEX_ANALYZED));
  }
}

void add_keyword(const DocumentPtr& doc, const wchar_t* field, const std::string& value) {
  if (!value.empty()) {
    doc->add(newLucene<Field>(field, wide(value), Field::STORE_NO, Field::INDEX_NOT_ANALYZED_NO_NORMS));
  }
}

DocumentPtr make_document(const litrev::Record& r, double& json_seconds) {
  DocumentPtr doc = newLucene<Document>();
  doc->add(newLucene<Field>(L"key", wide(r.key), Field::STORE_YES, Field::INDEX_NOT_ANALYZED_NO_NORMS));
  for (const wchar_t* f : {L"title", L"title_stem"}) {
    add_text(doc, f, r.title);
    add_text(doc, f, r.vernacular_title);
  }
  bool has_abstract = false;
  for (const auto& s : r.abstract) {
    add_text(doc, L"abstract", s.text);
    add_text(doc, L"abstract_stem", s.text);
    has_abstract = has_abstract || !s.text.empty();
  }
  for (const auto& a : r.authors) {
    add_text(doc, L"authors", a.collective.empty() ? a.family + " " + a.initials + " " + a.given : a.collective);
  }
  for (const std::string* j : {&r.journal.title, &r.journal.iso_abbrev, &r.journal.medline_ta, &r.book_title}) {
    add_text(doc, L"journal", *j);
  }
  for (const std::string* j : {&r.journal.medline_ta, &r.journal.iso_abbrev, &r.journal.title, &r.book_title}) {
    if (!j->empty()) {
      add_keyword(doc, L"journal_f", *j);
      break;
    }
  }
  for (const auto& m : r.mesh) {
    add_text(doc, L"mesh", m.descriptor);
    const std::string d = exact_value(m.descriptor);
    add_keyword(doc, L"mesh_x", d);
    for (const auto& q : m.qualifiers) {
      add_keyword(doc, L"mesh_x", d + "/" + exact_value(q.name));
    }
  }
  std::vector<std::string> types;
  for (const auto& p : r.publication_types) {
    add_text(doc, L"pt", p.name);
    types.push_back(exact_value(p.name));
    add_keyword(doc, L"pt_x", types.back());
  }
  add_keyword(doc, L"pt_f", join_lines(types));
  for (const auto& k : r.keywords) {
    add_text(doc, L"keywords", k.text);
  }
  std::vector<std::string> langs;
  for (const auto& l : r.languages) {
    langs.push_back(exact_value(l));
    add_keyword(doc, L"lang", langs.back());
  }
  add_keyword(doc, L"lang_f", join_lines(langs));
  if (has_abstract) add_keyword(doc, L"has", "abstract");
  if (!r.ids.doi.empty()) add_keyword(doc, L"has", "doi");
  if (!r.ids.pmid.empty()) add_keyword(doc, L"has", "pmid");
  if (!r.ids.pmcid.empty()) add_keyword(doc, L"has", "pmcid");
  if (!r.mesh.empty()) add_keyword(doc, L"has", "mesh");
  add_keyword(doc, L"pmid", r.ids.pmid);
  add_keyword(doc, L"doi", exact_value(r.ids.doi));
  if (r.pub_date.year > 0) {
    NumericFieldPtr year = newLucene<NumericField>(L"year", Field::STORE_NO, true);
    year->setIntValue(r.pub_date.year);
    doc->add(year);
  }
  const auto json_start = Clock::now();
  const std::string data = nlohmann::json(r).dump();
  json_seconds += seconds_since(json_start);
  doc->add(newLucene<Field>(L"data", wide(data), Field::STORE_YES, Field::INDEX_NO));
  return doc;
}

int run_index(const std::string& out_dir, const std::string& file) {
  if (fs::exists(out_dir)) {
    std::cerr << "bench_lucene: " << out_dir << " exists; give a path that does not\n";
    return 2;
  }
  const auto parse_start = Clock::now();
  const std::vector<litrev::Record> records = preparse(file);
  const double preparse_seconds = seconds_since(parse_start);
  const double rss_after_preparse = current_rss_mib();

  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  double json_seconds = 0;
  {
    IndexWriterPtr writer = newLucene<IndexWriter>(FSDirectory::open(wide(out_dir)), make_analyzer(), true,
                                                   IndexWriter::MaxFieldLengthUNLIMITED);
    for (const litrev::Record& r : records) {
      writer->updateDocument(newLucene<Term>(L"key", wide(r.key)), make_document(r, json_seconds));
    }
    writer->commit();
    writer->close();
  }
  const double seconds = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_start;

  nlohmann::json j;
  j["tool"] = "lucene++";
  j["mode"] = "lucene";
  j["file"] = file;
  j["docs"] = records.size();
  j["records"] = records.size();
  j["seconds"] = seconds;
  j["docs_per_s"] = seconds > 0 ? static_cast<double>(records.size()) / seconds : 0.0;
  j["json_seconds"] = json_seconds;
  j["preparse_seconds"] = preparse_seconds;
  j["rss_after_preparse_mb"] = rss_after_preparse;
  j["peak_rss_mb"] = peak_rss_mib();
  j["db_mb"] = tree_mb(out_dir);
  j["cpu_seconds"] = cpu;
  std::cout << j.dump() << std::endl;
  return 0;
}

// ---- search ---------------------------------------------------------------

// MultiFieldQueryParser over the stemmed title and abstract (litrev's native
// default fields), AND by default; year:[A TO B] as a NumericRangeQuery (the
// Lucene 3.0 parser would otherwise compare the numeric field's encoded
// terms as strings).
class BenchQueryParser : public MultiFieldQueryParser {
public:
  BenchQueryParser(Collection<String> fields, const AnalyzerPtr& analyzer)
      : MultiFieldQueryParser(LuceneVersion::LUCENE_30, fields, analyzer) {}

protected:
  QueryPtr getRangeQuery(const String& field, const String& part1, const String& part2, bool inclusive) override {
    if (field == L"year") {
      return NumericRangeQuery::newIntRange(L"year", std::stoi(narrow(part1)), std::stoi(narrow(part2)), inclusive,
                                            inclusive);
    }
    return MultiFieldQueryParser::getRangeQuery(field, part1, part2, inclusive);
  }
};

// Collects the top hits and, over every match, the facet counts: ordinals
// of the per-segment FieldCache arrays (year as ints; journal, pt and lang
// as StringIndex), turned into values at the end of each segment. The
// arrays are built once per segment, by the warm-up run.
class FacetCollector : public Collector {
public:
  explicit FacetCollector(const TopScoreDocCollectorPtr& top) : m_top(top) {}

  void setScorer(const ScorerPtr& scorer) override { m_top->setScorer(scorer); }

  void collect(int32_t doc) override {
    m_top->collect(doc);
    const int32_t y = m_years[doc];
    if (y != 0) {
      ++m_year_counts[y];
    }
    for (std::size_t f = 0; f < m_strings.size(); ++f) {
      ++m_ord_counts[f][static_cast<std::size_t>(m_strings[f]->order[doc])];
    }
  }

  void setNextReader(const IndexReaderPtr& reader, int32_t docBase) override {
    flush_segment();
    m_top->setNextReader(reader, docBase);
    m_years = FieldCache::DEFAULT()->getInts(reader, L"year", FieldCache::NUMERIC_UTILS_INT_PARSER());
    m_strings.clear();
    m_ord_counts.clear();
    for (const wchar_t* f : {L"journal_f", L"pt_f", L"lang_f"}) {
      m_strings.push_back(FieldCache::DEFAULT()->getStringIndex(reader, f));
      m_ord_counts.emplace_back(static_cast<std::size_t>(m_strings.back()->lookup.size()), 0);
    }
  }

  bool acceptsDocsOutOfOrder() override { return m_top->acceptsDocsOutOfOrder(); }

  // The counts: year, journal, pt, lang.
  std::vector<std::map<std::string, std::uint64_t>> finish() {
    flush_segment();
    std::vector<std::map<std::string, std::uint64_t>> out(4);
    for (const auto& [y, n] : m_year_counts) {
      out[0][std::to_string(y)] += n;
    }
    for (std::size_t f = 0; f < 3; ++f) {
      out[f + 1] = std::move(m_values[f]);
    }
    return out;
  }

private:
  void flush_segment() {
    for (std::size_t f = 0; f < m_strings.size(); ++f) {
      for (std::size_t ord = 1; ord < m_ord_counts[f].size(); ++ord) { // ordinal 0: no value
        const std::uint64_t n = m_ord_counts[f][ord];
        if (n == 0) {
          continue;
        }
        const std::string value = narrow(m_strings[f]->lookup[static_cast<int32_t>(ord)]);
        if (f == 0) {
          m_values[f][value] += n;
          continue;
        }
        std::size_t from = 0;
        while (from <= value.size()) { // a list: one count per value
          std::size_t end = value.find('\n', from);
          if (end == std::string::npos) {
            end = value.size();
          }
          m_values[f][value.substr(from, end - from)] += n;
          from = end + 1;
        }
      }
    }
    m_strings.clear();
    m_ord_counts.clear();
  }

  TopScoreDocCollectorPtr m_top;
  Collection<int32_t> m_years;
  std::vector<StringIndexPtr> m_strings;
  std::vector<std::vector<std::uint64_t>> m_ord_counts;
  std::map<int32_t, std::uint64_t> m_year_counts;
  std::map<std::string, std::uint64_t> m_values[3];
};

struct LuceneQuery {
  std::string cls;
  bool faithful = true;
  std::string text;
  bool facets = false;
  std::string litrev;
  std::string note;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) {
      return out;
    }
    start = tab + 1;
  }
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

nlohmann::json summary(const std::string& cls, std::size_t queries, const std::vector<double>& ms, double hits) {
  return {{"tool", "lucene++"},
          {"class", cls},
          {"queries", queries},
          {"runs", ms.size()},
          {"median_ms", percentile(ms, 0.5)},
          {"p99_ms", percentile(ms, 0.99)},
          {"max_ms", *std::max_element(ms.begin(), ms.end())},
          {"mean_total", hits}};
}

struct RunResult {
  std::int64_t total = 0;
  std::size_t facet_values = 0;           // distinct values over the four facets
  std::map<std::string, std::uint64_t> facet_sums; // facet -> sum of its counts
};

// One run of one query: what Index::search does for litrev.
RunResult run_query(const SearcherPtr& searcher, const AnalyzerPtr& analyzer, const LuceneQuery& q) {
  Collection<String> fields = Collection<String>::newInstance();
  fields.add(L"title_stem");
  fields.add(L"abstract_stem");
  BenchQueryParser parser(fields, analyzer);
  parser.setDefaultOperator(QueryParser::AND_OPERATOR);
  const QueryPtr query = parser.parse(wide(q.text));
  RunResult out;
  TopDocsPtr top;
  if (q.facets) {
    TopScoreDocCollectorPtr topc = TopScoreDocCollector::create(20, false);
    boost::shared_ptr<FacetCollector> c = newLucene<FacetCollector>(topc);
    searcher->search(query, c);
    const char* const names[] = {"year", "journal", "pt", "lang"};
    const auto counts = c->finish();
    for (std::size_t f = 0; f < counts.size(); ++f) {
      out.facet_values += counts[f].size();
      for (const auto& [value, n] : counts[f]) {
        out.facet_sums[names[f]] += n;
      }
    }
    top = topc->topDocs();
  } else {
    top = searcher->search(query, 20);
  }
  out.total = top->totalHits;
  for (const ScoreDocPtr& sd : top->scoreDocs) {
    const DocumentPtr doc = searcher->doc(sd->doc);
    const litrev::Record r = nlohmann::json::parse(narrow(doc->get(L"data"))).get<litrev::Record>();
    if (r.key.empty()) {
      throw std::runtime_error("stored record without a key");
    }
  }
  return out;
}

int run_search(const std::string& index_dir, const std::string& queries_path, int rounds) {
  std::ifstream in(queries_path);
  if (!in) {
    std::cerr << "bench_lucene: cannot read " << queries_path << "\n";
    return 2;
  }
  std::vector<LuceneQuery> queries;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const auto f = split_tabs(line);
    if (f.size() < 3) {
      std::cerr << "bench_lucene: " << queries_path << ": expected CLASS<tab>FIT<tab>QUERY...: " << line << "\n";
      return 2;
    }
    LuceneQuery q;
    q.cls = f[0];
    q.faithful = f[1] == "faithful";
    q.text = f[2];
    q.facets = f.size() > 3 && f[3] == "facets";
    q.litrev = f.size() > 4 ? f[4] : "";
    q.note = f.size() > 5 ? f[5] : "";
    queries.push_back(std::move(q));
  }
  const IndexReaderPtr reader = IndexReader::open(FSDirectory::open(wide(index_dir)), true);
  const SearcherPtr searcher = newLucene<IndexSearcher>(reader);
  const AnalyzerPtr analyzer = make_analyzer();

  std::map<std::string, std::vector<double>> times;
  std::map<std::string, std::pair<std::size_t, double>> totals;
  std::map<std::string, std::vector<std::string>> approx;
  std::vector<double> all;
  double all_totals = 0;
  for (const LuceneQuery& q : queries) {
    const RunResult warm = run_query(searcher, analyzer, q);
    totals[q.cls].first += 1;
    totals[q.cls].second += static_cast<double>(warm.total);
    all_totals += static_cast<double>(warm.total);
    if (!q.faithful) {
      approx[q.cls].push_back(q.litrev + ": " + q.note);
    }
    std::vector<double> mine;
    for (int r = 0; r < rounds; ++r) {
      const auto start = Clock::now();
      const RunResult result = run_query(searcher, analyzer, q);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (result.total != warm.total) {
        std::cerr << "bench_lucene: totals differ between runs of " << q.text << "\n";
        return 1;
      }
      times[q.cls].push_back(ms);
      all.push_back(ms);
      mine.push_back(ms);
    }
    std::cerr << nlohmann::json{{"tool", "lucene++"},      {"class", q.cls},     {"litrev", q.litrev},
                                {"lucene", q.text},        {"total", warm.total}, {"facet_values", warm.facet_values}, {"facet_sums", warm.facet_sums},
                                {"median_ms", percentile(mine, 0.5)}, {"faithful", q.faithful}}
                     .dump()
              << "\n";
  }
  std::cout << nlohmann::json{{"tool", "lucene++"},
                              {"index", index_dir},
                              {"records", reader->numDocs()},
                              {"segments", reader->getSequentialSubReaders().size()},
                              {"rounds", rounds}}
                   .dump()
            << "\n";
  for (const auto& [cls, ms] : times) {
    nlohmann::json line =
        summary(cls, totals[cls].first, ms, totals[cls].second / static_cast<double>(totals[cls].first));
    if (approx.count(cls) != 0) {
      line["approx"] = approx[cls];
    }
    std::cout << line.dump() << "\n";
  }
  std::cout << summary("all", queries.size(), all, all_totals / static_cast<double>(queries.size())).dump() << "\n";
  return 0;
}

int usage() {
  std::cerr << "usage: bench_lucene index OUT_DIR INPUT.xml[.gz]\n"
               "       bench_lucene search INDEX_DIR queries_lucene.tsv [ROUNDS]\n";
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    return usage();
  }
  const std::string mode = argv[1];
  try {
    if (mode == "index" && argc == 4) {
      return run_index(argv[2], argv[3]);
    }
    if (mode == "search" && argc <= 5) {
      return run_search(argv[2], argv[3], argc > 4 ? std::atoi(argv[4]) : 20);
    }
  } catch (const LuceneException& e) {
    std::cerr << "bench_lucene: " << narrow(e.getError()) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_lucene: " << e.what() << "\n";
    return 1;
  }
  return usage();
}
