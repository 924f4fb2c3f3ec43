// The Europe PMC reader: one file is one page of the REST `search` answer
// (format=json), as `litrev fetch` saves it. Every result of
// resultList.result becomes a record, whatever the resultType:
//
//   core    the full record: abstractText (HTML, sections as <h4>), authorList,
//           journalInfo, pubTypeList, meshHeadingList, keywordList, ...
//   lite    the short one: authorString, journalTitle (the NLM abbreviation),
//           journalVolume, journalIssn ("print; electronic; "), pubYear,
//           pubType ("review; journal article")
//   idlist  identifiers only (id, source, pmid, pmcid)
//
// Identifiers: pmid, pmcid, doi (lower-cased). A result from another source
// than MED or PMC (PPR preprints, AGR, CBA, ETH, PAT, NBK, ...) also gets
// {"europepmc", "<source>/<id>"} in ids.other ("PPR/PPR123456"), the form of
// Europe PMC's own article URLs, so that record_key() has a stable id when
// there is no PMID or DOI. A MED result's id is its PMID and a PMC result's
// its PMCID; those are not repeated.
//
// Preprints (source PPR) stay kind "article", like every reader's
// non-book kinds (schemas/record.schema.json knows article, book-chapter,
// registration), and are flagged by the publication type "Preprint", the
// name PubMed itself gives preprints, so one filter finds them from both
// services. It is added when Europe PMC's own list lacks it.
//
// Dates: journalInfo.dateOfPublication ("2025 Dec", the journal issue date
// as given) first; else printPublicationDate, yearOfPublication, pubYear,
// and for results without a journal (preprints) firstPublicationDate.
// printPublicationDate is not first because it pads a missing day with 01.
//
// Comments and corrections become links with PubMed's RefType spelling
// ("Erratum for" -> ErratumFor); "Retraction in" or the publication type
// "Retracted Publication" marks the record retracted.
//
// Errors: a page that is not JSON, or JSON without resultList.result (such
// as the bare {"version": "6.9"} Europe PMC sometimes answers), is a
// DataError; a result that is not an object, holds a member of the wrong
// type, or has neither a title nor an identifier is a RecordError, and
// reading goes on with the next.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>

#include "formats/json_page.hpp"
#include "formats/readers.hpp"
#include "formats/ref_fields.hpp"
#include "formats/tagged.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

namespace rf = ref_fields;
namespace jp = json_page;
using nlohmann::json;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The position of the next heading tag <h1>..<h6> (any case, attributes
// allowed) at or after `from`, and where the tag ends; npos when none.
std::size_t find_heading(const std::string& s, std::size_t from, std::size_t& tag_end, char& level) {
  for (std::size_t i = s.find('<', from); i != std::string::npos; i = s.find('<', i + 1)) {
    if (i + 3 < s.size() && (s[i + 1] == 'h' || s[i + 1] == 'H') && s[i + 2] >= '1' && s[i + 2] <= '6' &&
        (s[i + 3] == '>' || s[i + 3] == ' ')) {
      const std::size_t gt = s.find('>', i);
      if (gt == std::string::npos) {
        return std::string::npos;
      }
      tag_end = gt + 1;
      level = s[i + 2];
      return i;
    }
  }
  return std::string::npos;
}

// Europe PMC's abstractText is HTML, a structured abstract being headings
// (<h4>Objective</h4>) each followed by its text. Each heading starts a
// section labelled with it; text before the first heading is an unlabelled
// section. Europe PMC gives no NLM category, so none is set.
std::vector<AbstractSection> split_abstract(const std::string& html) {
  std::vector<AbstractSection> out;
  auto add = [&](std::string label, std::string_view raw) {
    std::string text = rf::clean_text(raw);
    while (!label.empty() && (label.back() == ':' || label.back() == '.')) {
      label.pop_back();
    }
    label = rf::clean_text(label);
    if (!text.empty()) {
      out.push_back({std::move(label), "", std::move(text)});
    }
  };
  std::size_t tag_end = 0;
  char level = 0;
  std::size_t h = find_heading(html, 0, tag_end, level);
  add("", std::string_view(html).substr(0, std::min(h, html.size())));
  while (h != std::string::npos) {
    const std::string close = std::string("</h") + level + ">";
    std::size_t label_end = html.find(close, tag_end);
    std::size_t body = label_end == std::string::npos ? tag_end : label_end + close.size();
    if (label_end == std::string::npos) {
      label_end = tag_end;
    }
    std::string label = html.substr(tag_end, label_end - tag_end);
    std::size_t next_tag_end = 0;
    char next_level = 0;
    const std::size_t next = find_heading(html, body, next_tag_end, next_level);
    add(std::move(label), std::string_view(html).substr(body, std::min(next, html.size()) - body));
    h = next;
    tag_end = next_tag_end;
    level = next_level;
  }
  return out;
}

// "Erratum for" -> "ErratumFor", "Expression of concern in" ->
// "ExpressionOfConcernIn", "Retracted and republished in" ->
// "RetractedandRepublishedIn": PubMed's RefType spelling.
std::string ref_type_of(std::string_view text) {
  std::string out;
  for (const auto& word : rf::split_trimmed(text, ' ')) {
    if (rf::iequals(word, "and")) {
      out += "and";
    } else {
      out += word;
      if (out.size() >= word.size()) {
        char& first = out[out.size() - word.size()];
        if (first >= 'a' && first <= 'z') {
          first = static_cast<char>(first - 'a' + 'A');
        }
      }
    }
  }
  return out;
}

class ResultMapper {
public:
  explicit ResultMapper(const ReaderOptions& options) : m_options(options) {}

  // Maps one result. Throws jp::ShapeError for a member of the wrong type.
  Record map(const json& res) {
    if (!res.is_object()) {
      throw jp::ShapeError(std::string("the result is ") + jp::type_phrase(res) + ", expected an object");
    }
    Record r;
    r.kind = "article";
    r.source = "europepmc-json";
    r.database = m_options.database.empty() ? "Europe PMC" : m_options.database;
    ids(res, r);
    r.title = rf::clean_text(jp::text_at(res, "title"));
    const std::string abstract = jp::text_at(res, "abstractText");
    if (!abstract.empty()) {
      r.abstract = split_abstract(abstract);
    }
    authors(res, r);
    journal(res, r);
    if (r.pages.empty()) {
      r.pages = rf::normalize_pages(jp::text_at(res, "pageInfo"));
    }
    for (const auto& l : jp::texts_at(res, "language")) {
      for (auto& code : rf::split_trimmed(l, ';')) {
        if (std::find(r.languages.begin(), r.languages.end(), code) == r.languages.end()) {
          r.languages.push_back(std::move(code));
        }
      }
    }
    publication_types(res, r);
    mesh(res, r);
    if (const json* kl = jp::object_at(res, "keywordList")) {
      for (const auto& k : jp::texts_at(*kl, "keyword")) {
        std::string text = rf::clean_text(k);
        if (!text.empty()) {
          r.keywords.push_back({std::move(text), "", false});
        }
      }
    }
    links(res, r);
    if (const json* book = jp::object_at(res, "bookOrReportDetails")) {
      r.publisher = rf::clean_text(jp::text_at(*book, "publisher"));
    }
    if (m_source == "PPR") {
      const bool flagged = std::any_of(r.publication_types.begin(), r.publication_types.end(),
                                       [](const PublicationType& p) { return rf::iequals(p.name, "preprint"); });
      if (!flagged) {
        r.publication_types.push_back({"", "Preprint"});
      }
    } else if (m_source == "NBK") {
      r.kind = "book-chapter"; // NCBI Bookshelf
    }
    return r;
  }

private:
  void ids(const json& res, Record& r) {
    m_source = jp::text_at(res, "source");
    const std::string id = jp::text_at(res, "id");
    const std::string pmid = jp::text_at(res, "pmid");
    if (rf::is_pmid(pmid)) {
      r.ids.pmid = pmid;
    } else if (!pmid.empty()) {
      r.extra_fields.push_back({"pmid", pmid});
    }
    const std::string pmcid = jp::text_at(res, "pmcid");
    if (rf::is_pmcid(pmcid)) {
      r.ids.pmcid = pmcid;
    } else if (!pmcid.empty()) {
      r.extra_fields.push_back({"pmcid", pmcid});
    }
    const std::string raw_doi = jp::text_at(res, "doi");
    r.ids.doi = rf::normalize_doi(raw_doi);
    if (r.ids.doi.empty() && !raw_doi.empty()) {
      r.extra_fields.push_back({"doi", raw_doi});
    }
    if (m_source == "MED" && r.ids.pmid.empty() && rf::is_pmid(id)) {
      r.ids.pmid = id;
    } else if (m_source == "PMC" && r.ids.pmcid.empty() && rf::is_pmcid(id)) {
      r.ids.pmcid = id;
    }
    const bool same = (m_source == "MED" && id == r.ids.pmid) || (m_source == "PMC" && id == r.ids.pmcid);
    if (!id.empty() && !same) {
      r.ids.other.push_back({"europepmc", (m_source.empty() ? "" : m_source + "/") + id});
    }
  }

  void authors(const json& res, Record& r) {
    if (const json* list = jp::object_at(res, "authorList")) {
      if (const json* authors = jp::array_at(*list, "author")) {
        for (const json& a : *authors) {
          Author author = person(a);
          if (!author.family.empty() || !author.given.empty() || !author.collective.empty()) {
            r.authors.push_back(std::move(author));
          }
        }
      }
    }
    if (!r.authors.empty()) {
      return;
    }
    // lite: "Schoenfeld JD, Haas-Kogan DA, O'Neill AF."
    std::string names = jp::text_at(res, "authorString");
    while (!names.empty() && (names.back() == '.' || names.back() == ' ')) {
      names.pop_back();
    }
    for (const auto& name : rf::split_trimmed(names, ',')) {
      Author author = rf::parse_family_initials(rf::clean_text(name));
      if (!author.family.empty() || !author.collective.empty()) {
        r.authors.push_back(std::move(author));
      }
    }
  }

  static Author person(const json& a) {
    Author author;
    if (!a.is_object()) {
      throw jp::ShapeError(std::string("an author is ") + jp::type_phrase(a) + ", expected an object");
    }
    const std::string collective = rf::clean_text(jp::text_at(a, "collectiveName"));
    if (!collective.empty()) {
      author.collective = collective;
    } else {
      author.family = rf::clean_text(jp::text_at(a, "lastName"));
      author.given = rf::clean_text(jp::text_at(a, "firstName"));
      author.initials = rf::clean_text(jp::text_at(a, "initials"));
      if (author.family.empty()) {
        const std::string full = rf::clean_text(jp::text_at(a, "fullName"));
        if (!full.empty()) {
          Author parsed = rf::parse_family_initials(full);
          author.family = parsed.family;
          author.collective = parsed.collective;
          if (author.initials.empty()) {
            author.initials = parsed.initials;
          }
        }
      }
      if (author.initials.empty() && !author.given.empty()) {
        author.initials = rf::initials_of(author.given);
      }
    }
    // authorId is one object in Europe PMC's answers; a list is read too.
    if (const auto it = a.find("authorId"); it != a.end() && !it->is_null()) {
      auto take = [&](const json& id) {
        if (id.is_object() && rf::iequals(jp::text_at(id, "type"), "ORCID") && author.orcid.empty()) {
          author.orcid = normalize_orcid(jp::text_at(id, "value"));
        }
      };
      if (it->is_array()) {
        for (const json& id : *it) {
          take(id);
        }
      } else {
        take(*it);
      }
    }
    if (const json* details = jp::object_at(a, "authorAffiliationDetailsList")) {
      if (const json* affs = jp::array_at(*details, "authorAffiliation")) {
        for (const json& aff : *affs) {
          std::string text = aff.is_object() ? rf::clean_text(jp::text_at(aff, "affiliation")) : std::string();
          if (!text.empty()) {
            author.affiliations.push_back(std::move(text));
          }
        }
      }
    }
    if (author.affiliations.empty()) {
      std::string text = rf::clean_text(jp::text_at(a, "affiliation"));
      if (!text.empty()) {
        author.affiliations.push_back(std::move(text));
      }
    }
    return author;
  }

  void journal(const json& res, Record& r) {
    Journal& j = r.journal;
    bool dated = false;
    if (const json* info = jp::object_at(res, "journalInfo")) {
      r.volume = rf::clean_text(jp::text_at(*info, "volume"));
      r.issue = rf::clean_text(jp::text_at(*info, "issue"));
      if (const json* jj = jp::object_at(*info, "journal")) {
        j.title = rf::clean_text(jp::text_at(*jj, "title"));
        j.medline_ta = rf::clean_text(jp::text_at(*jj, "medlineAbbreviation"));
        j.iso_abbrev = rf::clean_text(jp::text_at(*jj, "isoabbreviation"));
        j.nlm_id = rf::clean_text(jp::text_at(*jj, "nlmid"));
        j.issn_print = rf::normalize_issn(jp::text_at(*jj, "issn"));
        j.issn_electronic = rf::normalize_issn(jp::text_at(*jj, "essn"));
      }
      dated = rf::parse_loose_date(jp::text_at(*info, "dateOfPublication"), r.pub_date) && r.pub_date.year != 0;
      if (!dated) {
        r.pub_date = {};
        dated = rf::parse_loose_date(jp::text_at(*info, "printPublicationDate"), r.pub_date) && r.pub_date.year != 0;
      }
      if (!dated) {
        r.pub_date = {};
        const int year = rf::first_year(jp::text_at(*info, "yearOfPublication"));
        if (year != 0) {
          r.pub_date.year = year;
          const std::string month = jp::text_at(*info, "monthOfPublication");
          const int m = month.size() <= 2 && !month.empty() && is_digit(month[0]) ? std::stoi(month) : 0;
          r.pub_date.month = m >= 1 && m <= 12 ? m : 0;
          dated = true;
        }
      }
    }
    // lite
    if (r.volume.empty()) {
      r.volume = rf::clean_text(jp::text_at(res, "journalVolume"));
    }
    if (r.issue.empty()) {
      r.issue = rf::clean_text(jp::text_at(res, "issue"));
    }
    if (j.medline_ta.empty()) {
      // lite's journalTitle is the NLM abbreviation ("Lancet", "Cancer Res").
      j.medline_ta = rf::clean_text(jp::text_at(res, "journalTitle"));
    }
    if (j.issn_print.empty() && j.issn_electronic.empty()) {
      // "0140-6736; 1474-547x; ": print first, then electronic.
      const auto issns = rf::split_trimmed(jp::text_at(res, "journalIssn"), ';');
      if (!issns.empty()) {
        j.issn_print = rf::normalize_issn(issns[0]);
      }
      if (issns.size() > 1) {
        j.issn_electronic = rf::normalize_issn(issns[1]);
      }
    }
    if (!dated) {
      r.pub_date = {};
      const int year = rf::first_year(jp::text_at(res, "pubYear"));
      if (year != 0) {
        r.pub_date.year = year;
      } else if (rf::parse_loose_date(jp::text_at(res, "firstPublicationDate"), r.pub_date) &&
                 r.pub_date.year != 0) {
        r.pub_date.text.clear();
      } else {
        r.pub_date = {};
      }
    }
  }

  void publication_types(const json& res, Record& r) {
    std::vector<std::string> names;
    if (const json* list = jp::object_at(res, "pubTypeList")) {
      names = jp::texts_at(*list, "pubType");
    } else {
      // lite: "research support, non-u.s. gov't; journal article"
      names = rf::split_trimmed(jp::text_at(res, "pubType"), ';');
    }
    for (auto& n : names) {
      std::string name = rf::clean_text(n);
      if (name.empty()) {
        continue;
      }
      if (rf::iequals(name, "Retracted Publication")) {
        r.retracted = true;
      }
      const bool seen = std::any_of(r.publication_types.begin(), r.publication_types.end(),
                                    [&](const PublicationType& p) { return p.name == name; });
      if (!seen) {
        r.publication_types.push_back({"", std::move(name)});
      }
    }
  }

  static void mesh(const json& res, Record& r) {
    const json* list = jp::object_at(res, "meshHeadingList");
    const json* headings = list ? jp::array_at(*list, "meshHeading") : nullptr;
    if (!headings) {
      return;
    }
    for (const json& h : *headings) {
      if (!h.is_object()) {
        throw jp::ShapeError(std::string("a MeSH heading is ") + jp::type_phrase(h) + ", expected an object");
      }
      MeshHeading m;
      m.descriptor = rf::clean_text(jp::text_at(h, "descriptorName"));
      m.major = jp::text_at(h, "majorTopic_YN") == "Y";
      if (const json* ql = jp::object_at(h, "meshQualifierList")) {
        if (const json* qs = jp::array_at(*ql, "meshQualifier")) {
          for (const json& q : *qs) {
            if (!q.is_object()) {
              continue;
            }
            MeshQualifier mq;
            mq.name = rf::clean_text(jp::text_at(q, "qualifierName"));
            mq.major = jp::text_at(q, "majorTopic_YN") == "Y";
            if (!mq.name.empty()) {
              m.qualifiers.push_back(std::move(mq));
            }
          }
        }
      }
      if (!m.descriptor.empty()) {
        r.mesh.push_back(std::move(m));
      }
    }
  }

  static void links(const json& res, Record& r) {
    const json* list = jp::object_at(res, "commentCorrectionList");
    const json* items = list ? jp::array_at(*list, "commentCorrection") : nullptr;
    if (!items) {
      return;
    }
    for (const json& c : *items) {
      if (!c.is_object()) {
        continue;
      }
      RecordLink link;
      link.type = ref_type_of(rf::clean_text(jp::text_at(c, "type")));
      if (link.type.empty()) {
        continue;
      }
      link.ref_source = rf::clean_text(jp::text_at(c, "reference"));
      const std::string id = jp::text_at(c, "id");
      if (jp::text_at(c, "source") == "MED" && rf::is_pmid(id)) {
        link.pmid = id;
      }
      if (link.type == "RetractionIn") {
        r.retracted = true;
      }
      r.links.push_back(std::move(link));
    }
  }

  const ReaderOptions& m_options;
  std::string m_source;
};

class EuropePmcReader : public RecordReader {
public:
  EuropePmcReader(const std::string& path, const ReaderOptions& options)
    : m_options(options), m_mapper(m_options) {
    m_name = options.display_name.empty() ? path : options.display_name;
    jp::Page page = jp::load(path, m_name);
    m_doc = std::move(page.doc);
    check_shape();
    m_lines = jp::element_lines(page.text, {"resultList", "result"});
    if (m_lines.size() != m_results->size()) {
      m_lines.clear(); // a member name written with escapes: lines unknown
    }
  }

  bool next(ReadItem& item) override {
    if (m_next >= m_results->size()) {
      return false;
    }
    const std::size_t i = m_next++;
    const std::uint64_t line = i < m_lines.size() ? m_lines[i] : 0;
    const json& res = (*m_results)[i];
    Record record;
    try {
      record = m_mapper.map(res);
    } catch (const jp::ShapeError& e) {
      throw RecordError(m_name, line, describe(i, res) + ": " + e.what());
    }
    if (!rf::has_title_or_id(record)) {
      throw RecordError(m_name, line, describe(i, res) + ": no title and no identifier");
    }
    rf::finish_record(record);
    item = ReadItem{};
    item.kind = ReadItem::Kind::record;
    item.line = line;
    item.record = std::move(record);
    return true;
  }

  std::vector<std::string> notes() const override {
    std::vector<std::string> out;
    if (rf::iequals(m_result_type, "idlist")) {
      out.push_back("Europe PMC resultType idlist: the records carry identifiers only (no titles or abstracts)");
    }
    return out;
  }

private:
  // "result 3 of 25 (MED 39709209)" for messages.
  std::string describe(std::size_t i, const json& res) const {
    std::string out = "result " + std::to_string(i + 1) + " of " + std::to_string(m_results->size());
    if (res.is_object()) {
      const auto src = res.find("source");
      const auto id = res.find("id");
      if (src != res.end() && src->is_string() && id != res.end() && id->is_string()) {
        out += " (" + excerpt(src->get_ref<const std::string&>(), 16) + " " +
               excerpt(id->get_ref<const std::string&>(), 40) + ")";
      }
    }
    return out;
  }

  void check_shape() {
    if (!m_doc.is_object()) {
      throw DataError(m_name, 1, std::string("not a Europe PMC search response: the JSON is ") +
                                     jp::type_phrase(m_doc) + ", expected an object with resultList");
    }
    const auto list = m_doc.find("resultList");
    if (list == m_doc.end()) {
      throw DataError(m_name, 1, why_not_europepmc());
    }
    if (!list->is_object()) {
      throw DataError(m_name, 1, std::string("resultList is ") + jp::type_phrase(*list) + ", expected an object");
    }
    const auto results = list->find("result");
    if (results == list->end() || !results->is_array()) {
      throw DataError(m_name, 1, "resultList has no result array");
    }
    m_results = &*results;
    if (const auto req = m_doc.find("request"); req != m_doc.end() && req->is_object()) {
      if (const auto rt = req->find("resultType"); rt != req->end() && rt->is_string()) {
        m_result_type = rt->get<std::string>();
      }
    }
  }

  std::string why_not_europepmc() const {
    if (m_doc.size() == 1 && m_doc.contains("version")) {
      return "Europe PMC answered with only {\"version\": ...} and no results (a known transient "
             "reply): fetch the page again";
    }
    for (const char* key : {"errMsg", "error", "message"}) {
      const auto it = m_doc.find(key);
      if (it != m_doc.end() && it->is_string()) {
        return "not a Europe PMC search page: the service answered with an error: " +
               excerpt(it->get_ref<const std::string&>(), 200);
      }
    }
    if (m_doc.contains("esearchresult") || m_doc.contains("header")) {
      return "not a Europe PMC search page: it is an NCBI E-utilities response";
    }
    if (m_doc.contains("studies") || m_doc.contains("protocolSection")) {
      return "not a Europe PMC search page: it is a ClinicalTrials.gov response (format ctgov-json)";
    }
    return "not a Europe PMC search page: no resultList (members: " + jp::member_names(m_doc) + ")";
  }

  ReaderOptions m_options;
  ResultMapper m_mapper;
  std::string m_name;
  nlohmann::json m_doc;
  const nlohmann::json* m_results = nullptr;
  std::vector<std::uint64_t> m_lines;
  std::size_t m_next = 0;
  std::string m_result_type;
};

} // namespace

bool looks_like_europepmc_json(std::string_view head) {
  for (const auto& key : json_page::top_level_keys(head)) {
    if (key == "resultList" || key == "hitCount") {
      return true;
    }
  }
  return false;
}

std::unique_ptr<RecordReader> make_europepmc_json_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<EuropePmcReader>(path, options);
}

} // namespace litrev
