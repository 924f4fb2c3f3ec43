// The ClinicalTrials.gov reader: one file is one answer of the API v2, as
// `litrev fetch` saves it: a page of /studies ({"studies": [...],
// "nextPageToken": ..., "totalCount": ...}) or one study (/studies/NCT...,
// an object with protocolSection). Each study becomes a record of kind
// "registration", key nct:<id>, database "ClinicalTrials.gov".
//
// Mapping (protocolSection modules unless said):
//   identification  nctId -> ids.nct; officialTitle, else briefTitle -> title
//                   (the brief title is kept in registration.brief_title);
//                   acronym, orgStudyIdInfo.id, secondaryIdInfos -> registration;
//                   nctIdAliases -> ids.other {"nct-alias", ...}
//   description     briefSummary -> abstract (unlabelled); detailedDescription
//                   -> a second section labelled "Detailed Description"
//   status          overallStatus, whyStopped, the start, primary completion,
//                   completion, first posted, results first posted and last
//                   update posted dates (with ACTUAL / ESTIMATED) -> registration;
//                   first posted (else first submitted) -> pub_date, the date
//                   the registry made the entry public
//   sponsor         leadSponsor.name, collaborators[].name -> registration
//   conditions      conditions -> registration.conditions; keywords -> keywords
//   design          studyType, phases, designInfo (allocation, interventionModel,
//                   primaryPurpose, maskingInfo, observationalModel,
//                   timePerspective), enrollmentInfo -> registration
//   arms            interventions (type, name, otherNames) -> registration
//   references      references[] -> links {type RESULT/BACKGROUND/DERIVED,
//                   ref_source = citation, pmid}
//   eligibility     sex, ages, healthy volunteers, criteria -> extra_fields
//   outcomes        primary and secondary outcome measures -> extra_fields
//   derivedSection  condition and intervention MeSH terms -> mesh
//   hasResults      -> registration.has_results
//
// Text: the API gives plain text with Markdown escapes ("\\[rHGG\\]",
// "\\< 30 days"); the escapes are removed and white space folded. Dates are
// kept as given when ISO-shaped (YYYY, YYYY-MM, YYYY-MM-DD), else kept in
// extra_fields. Enumerations keep the API's spelling (PHASE2, RANDOMIZED).
//
// Errors: a file that is not JSON, or JSON that is neither a studies page
// nor a study, is a DataError; a study that is not an object, holds a member
// of the wrong type or has no valid nctId is a RecordError, and reading goes
// on with the next.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>

#include "formats/json_page.hpp"
#include "formats/readers.hpp"
#include "formats/ref_fields.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

namespace rf = ref_fields;
namespace jp = json_page;
using nlohmann::json;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_ascii_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

// Markdown backslash escapes removed ("\\[" -> "["), white space folded.
std::string plain(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && is_ascii_punct(s[i + 1])) {
      ++i;
    }
    out += s[i];
  }
  fold_xml_space(out);
  return out;
}

bool is_nct(std::string_view s) {
  return s.size() == 11 && s.substr(0, 3) == "NCT" &&
         std::all_of(s.begin() + 3, s.end(), [](char c) { return is_digit(c); });
}

// YYYY, YYYY-MM or YYYY-MM-DD.
bool is_iso_date(std::string_view s) {
  auto digits = [&](std::size_t from, std::size_t n) {
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(from),
                       s.begin() + static_cast<std::ptrdiff_t>(from + n), [](char c) { return is_digit(c); });
  };
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) {
    return false;
  }
  if (!digits(0, 4)) {
    return false;
  }
  if (s.size() >= 7 && (s[4] != '-' || !digits(5, 2))) {
    return false;
  }
  return s.size() < 10 || (s[7] == '-' && digits(8, 2));
}

class StudyMapper {
public:
  explicit StudyMapper(const ReaderOptions& options) : m_options(options) {}

  // Maps one study. Throws jp::ShapeError for a member of the wrong type or
  // a study without a valid nctId.
  Record map(const json& study) {
    if (!study.is_object()) {
      throw jp::ShapeError(std::string("the study is ") + jp::type_phrase(study) + ", expected an object");
    }
    const json* protocol = jp::object_at(study, "protocolSection");
    if (!protocol) {
      throw jp::ShapeError("the study has no protocolSection");
    }
    Record r;
    r.kind = "registration";
    r.source = "ctgov-json";
    r.database = m_options.database.empty() ? "ClinicalTrials.gov" : m_options.database;
    Registration g;
    g.registry = "ClinicalTrials.gov";
    identification(*protocol, r, g);
    status(*protocol, r, g);
    if (const json* m = jp::object_at(*protocol, "sponsorCollaboratorsModule")) {
      if (const json* lead = jp::object_at(*m, "leadSponsor")) {
        g.lead_sponsor = plain(jp::text_at(*lead, "name"));
      }
      for_each_object(*m, "collaborators", [&](const json& c) {
        std::string name = plain(jp::text_at(c, "name"));
        if (!name.empty()) {
          g.collaborators.push_back(std::move(name));
        }
      });
    }
    if (const json* m = jp::object_at(*protocol, "descriptionModule")) {
      std::string brief = plain(jp::text_at(*m, "briefSummary"));
      if (!brief.empty()) {
        r.abstract.push_back({"", "", std::move(brief)});
      }
      std::string detailed = plain(jp::text_at(*m, "detailedDescription"));
      if (!detailed.empty()) {
        r.abstract.push_back({"Detailed Description", "", std::move(detailed)});
      }
    }
    if (const json* m = jp::object_at(*protocol, "conditionsModule")) {
      for (const auto& c : jp::texts_at(*m, "conditions")) {
        add_unique(g.conditions, plain(c));
      }
      for (const auto& k : jp::texts_at(*m, "keywords")) {
        std::string text = plain(k);
        if (!text.empty()) {
          r.keywords.push_back({std::move(text), "", false});
        }
      }
    }
    design(*protocol, g);
    if (const json* m = jp::object_at(*protocol, "armsInterventionsModule")) {
      for_each_object(*m, "interventions", [&](const json& i) {
        StudyIntervention si;
        si.type = plain(jp::text_at(i, "type"));
        si.name = plain(jp::text_at(i, "name"));
        for (const auto& o : jp::texts_at(i, "otherNames")) {
          add_unique(si.other_names, plain(o));
        }
        if (!si.name.empty()) {
          g.interventions.push_back(std::move(si));
        }
      });
    }
    if (const json* m = jp::object_at(*protocol, "referencesModule")) {
      for_each_object(*m, "references", [&](const json& ref) {
        RecordLink link;
        link.type = plain(jp::text_at(ref, "type"));
        link.ref_source = plain(jp::text_at(ref, "citation"));
        const std::string pmid = jp::text_at(ref, "pmid");
        if (rf::is_pmid(pmid)) {
          link.pmid = pmid;
        }
        if (link.type.empty()) {
          link.type = "REFERENCE"; // the API always gives a type; a link needs one
        }
        if (!link.pmid.empty() || !link.ref_source.empty()) {
          r.links.push_back(std::move(link));
        }
      });
    }
    eligibility(*protocol, r);
    outcomes(*protocol, r);
    if (const json* derived = jp::object_at(study, "derivedSection")) {
      for (const char* module : {"conditionBrowseModule", "interventionBrowseModule"}) {
        if (const json* m = jp::object_at(*derived, module)) {
          for_each_object(*m, "meshes", [&](const json& mesh) { add_mesh(mesh, r); });
        }
      }
    }
    if (const auto it = study.find("hasResults"); it != study.end() && !it->is_null()) {
      if (!it->is_boolean()) {
        throw jp::ShapeError(std::string("\"hasResults\" is ") + jp::type_phrase(*it) + ", expected a boolean");
      }
      g.has_results = it->get<bool>();
    }
    r.registration = std::move(g);
    return r;
  }

private:
  template <typename F>
  static void for_each_object(const json& obj, const char* key, F each) {
    if (const json* list = jp::array_at(obj, key)) {
      for (const json& e : *list) {
        if (!e.is_object()) {
          throw jp::ShapeError(std::string("an item of \"") + key + "\" is " + jp::type_phrase(e) +
                               ", expected an object");
        }
        each(e);
      }
    }
  }

  static void add_unique(std::vector<std::string>& list, std::string value) {
    if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) {
      list.push_back(std::move(value));
    }
  }

  static void identification(const json& protocol, Record& r, Registration& g) {
    const json* m = jp::object_at(protocol, "identificationModule");
    if (!m) {
      throw jp::ShapeError("the study has no identificationModule");
    }
    const std::string nct_given = jp::text_at(*m, "nctId");
    const std::string nct(rf::trim(nct_given));
    if (!is_nct(nct)) {
      throw jp::ShapeError(nct.empty() ? std::string("the study has no nctId")
                                       : "nctId \"" + excerpt(nct, 40) + "\" is not NCT followed by 8 digits");
    }
    r.ids.nct = nct;
    const std::string official = plain(jp::text_at(*m, "officialTitle"));
    const std::string brief = plain(jp::text_at(*m, "briefTitle"));
    if (!official.empty()) {
      r.title = official;
      if (brief != official) {
        g.brief_title = brief;
      }
    } else {
      r.title = brief;
    }
    g.acronym = plain(jp::text_at(*m, "acronym"));
    if (const json* org = jp::object_at(*m, "orgStudyIdInfo")) {
      g.org_study_id = plain(jp::text_at(*org, "id"));
    }
    for_each_object(*m, "secondaryIdInfos", [&](const json& s) {
      StudyId id;
      id.id = plain(jp::text_at(s, "id"));
      id.type = plain(jp::text_at(s, "type"));
      id.domain = plain(jp::text_at(s, "domain"));
      if (!id.id.empty()) {
        g.secondary_ids.push_back(std::move(id));
      }
    });
    for (const auto& alias : jp::texts_at(*m, "nctIdAliases")) {
      if (is_nct(alias) && alias != nct) {
        r.ids.other.push_back({"nct-alias", alias});
      }
    }
  }

  static void date_of(const json& m, const char* key, RegistryDate& out, Record& r) {
    const json* d = jp::object_at(m, key);
    if (!d) {
      return;
    }
    const std::string date = plain(jp::text_at(*d, "date"));
    if (is_iso_date(date)) {
      out.date = date;
      out.type = plain(jp::text_at(*d, "type"));
    } else if (!date.empty()) {
      r.extra_fields.push_back({std::string("statusModule/") + key + "/date", date});
    }
  }

  static void status(const json& protocol, Record& r, Registration& g) {
    const json* m = jp::object_at(protocol, "statusModule");
    if (!m) {
      return;
    }
    g.overall_status = plain(jp::text_at(*m, "overallStatus"));
    g.why_stopped = plain(jp::text_at(*m, "whyStopped"));
    date_of(*m, "startDateStruct", g.start, r);
    date_of(*m, "primaryCompletionDateStruct", g.primary_completion, r);
    date_of(*m, "completionDateStruct", g.completion, r);
    date_of(*m, "studyFirstPostDateStruct", g.first_posted, r);
    date_of(*m, "resultsFirstPostDateStruct", g.results_first_posted, r);
    date_of(*m, "lastUpdatePostDateStruct", g.last_update_posted, r);
    std::string published = g.first_posted.date;
    if (published.empty()) {
      published = plain(jp::text_at(*m, "studyFirstSubmitDate"));
    }
    if (is_iso_date(published)) {
      rf::parse_loose_date(published, r.pub_date);
    }
  }

  static void design(const json& protocol, Registration& g) {
    const json* m = jp::object_at(protocol, "designModule");
    if (!m) {
      return;
    }
    StudyDesign& d = g.design;
    d.study_type = plain(jp::text_at(*m, "studyType"));
    for (const auto& p : jp::texts_at(*m, "phases")) {
      add_unique(d.phases, plain(p));
    }
    if (const json* info = jp::object_at(*m, "designInfo")) {
      d.allocation = plain(jp::text_at(*info, "allocation"));
      d.intervention_model = plain(jp::text_at(*info, "interventionModel"));
      d.primary_purpose = plain(jp::text_at(*info, "primaryPurpose"));
      d.observational_model = plain(jp::text_at(*info, "observationalModel"));
      d.time_perspective = plain(jp::text_at(*info, "timePerspective"));
      if (const json* masking = jp::object_at(*info, "maskingInfo")) {
        d.masking = plain(jp::text_at(*masking, "masking"));
        for (const auto& w : jp::texts_at(*masking, "whoMasked")) {
          add_unique(d.who_masked, plain(w));
        }
      }
    }
    if (const json* e = jp::object_at(*m, "enrollmentInfo")) {
      if (const auto it = e->find("count"); it != e->end() && !it->is_null()) {
        if (it->is_number_unsigned() || (it->is_number_integer() && it->get<std::int64_t>() >= 0)) {
          g.enrollment = it->get<std::uint64_t>();
        } else if (it->is_string() && !it->get_ref<const std::string&>().empty() &&
                   it->get_ref<const std::string&>().size() <= 12 &&
                   std::all_of(it->get_ref<const std::string&>().begin(), it->get_ref<const std::string&>().end(),
                               [](char c) { return is_digit(c); })) {
          g.enrollment = std::stoull(it->get_ref<const std::string&>());
        } else {
          throw jp::ShapeError(std::string("enrollment count is ") + jp::type_phrase(*it) +
                               ", expected a count");
        }
      }
      g.enrollment_type = plain(jp::text_at(*e, "type"));
    }
  }

  static void eligibility(const json& protocol, Record& r) {
    const json* m = jp::object_at(protocol, "eligibilityModule");
    if (!m) {
      return;
    }
    for (const char* key : {"sex", "minimumAge", "maximumAge", "healthyVolunteers"}) {
      const std::string v = plain(jp::text_at(*m, key));
      if (!v.empty()) {
        r.extra_fields.push_back({std::string("eligibilityModule/") + key, v});
      }
    }
    for (const auto& a : jp::texts_at(*m, "stdAges")) {
      r.extra_fields.push_back({"eligibilityModule/stdAges", plain(a)});
    }
    // The criteria keep their line breaks: they are lists a reviewer reads.
    std::string criteria = rf::valid_utf8(jp::text_at(*m, "eligibilityCriteria"));
    if (!rf::trim(criteria).empty()) {
      r.extra_fields.push_back({"eligibilityModule/eligibilityCriteria", std::string(rf::trim(criteria))});
    }
  }

  static void outcomes(const json& protocol, Record& r) {
    const json* m = jp::object_at(protocol, "outcomesModule");
    if (!m) {
      return;
    }
    for (const char* key : {"primaryOutcomes", "secondaryOutcomes"}) {
      for_each_object(*m, key, [&](const json& o) {
        std::string measure = plain(jp::text_at(o, "measure"));
        if (!measure.empty()) {
          r.extra_fields.push_back({std::string("outcomesModule/") + key + "/measure", std::move(measure)});
        }
      });
    }
  }

  static void add_mesh(const json& mesh, Record& r) {
    MeshHeading h;
    h.descriptor = plain(jp::text_at(mesh, "term"));
    const std::string id = jp::text_at(mesh, "id");
    if (id.size() > 1 && id[0] == 'D' && std::all_of(id.begin() + 1, id.end(), [](char c) { return is_digit(c); })) {
      h.ui = id;
    }
    const bool seen = std::any_of(r.mesh.begin(), r.mesh.end(),
                                  [&](const MeshHeading& m) { return m.descriptor == h.descriptor; });
    if (!h.descriptor.empty() && !seen) {
      r.mesh.push_back(std::move(h));
    }
  }

  const ReaderOptions& m_options;
};

class CtgovReader : public RecordReader {
public:
  CtgovReader(const std::string& path, const ReaderOptions& options) : m_options(options), m_mapper(m_options) {
    m_name = options.display_name.empty() ? path : options.display_name;
    jp::Page page = jp::load(path, m_name);
    m_doc = std::move(page.doc);
    if (!m_doc.is_object()) {
      throw DataError(m_name, 1, std::string("not a ClinicalTrials.gov API v2 response: the JSON is ") +
                                     jp::type_phrase(m_doc) + ", expected an object");
    }
    if (const auto studies = m_doc.find("studies"); studies != m_doc.end()) {
      if (!studies->is_array()) {
        throw DataError(m_name, 1, std::string("\"studies\" is ") + jp::type_phrase(*studies) + ", expected an array");
      }
      m_studies = &*studies;
      m_lines = jp::element_lines(page.text, {"studies"});
      if (m_lines.size() != m_studies->size()) {
        m_lines.clear();
      }
    } else if (m_doc.contains("protocolSection")) {
      m_single = true;
      m_lines = {1 + count_newlines(std::string_view(page.text).substr(0, page.text.find('{')))};
    } else {
      throw DataError(m_name, 1, why_not_ctgov());
    }
  }

  bool next(ReadItem& item) override {
    const std::size_t total = m_single ? 1 : m_studies->size();
    if (m_next >= total) {
      return false;
    }
    const std::size_t i = m_next++;
    const json& study = m_single ? m_doc : (*m_studies)[i];
    const std::uint64_t line = i < m_lines.size() ? m_lines[i] : 0;
    Record record;
    try {
      record = m_mapper.map(study);
    } catch (const jp::ShapeError& e) {
      throw RecordError(m_name, line, describe(i, total, study) + ": " + e.what());
    }
    rf::finish_record(record);
    // An entry's own id is what it is, not a registration it refers to.
    record.registry_ids.erase(std::remove_if(record.registry_ids.begin(), record.registry_ids.end(),
                                             [&](const RegistryId& g) { return g.id == record.ids.nct; }),
                              record.registry_ids.end());
    item = ReadItem{};
    item.kind = ReadItem::Kind::record;
    item.line = line;
    item.record = std::move(record);
    return true;
  }

private:
  // "study 2 of 5 (NCT05105685)" for messages.
  static std::string describe(std::size_t i, std::size_t total, const json& study) {
    std::string out = "study " + std::to_string(i + 1) + " of " + std::to_string(total);
    try {
      const json* p = study.is_object() ? jp::object_at(study, "protocolSection") : nullptr;
      const json* m = p ? jp::object_at(*p, "identificationModule") : nullptr;
      const std::string nct = m ? jp::text_at(*m, "nctId") : std::string();
      if (!nct.empty()) {
        out += " (" + excerpt(nct, 40) + ")";
      }
    } catch (const jp::ShapeError&) {
      // The message says what is wrong with it.
    }
    return out;
  }

  std::string why_not_ctgov() const {
    for (const char* key : {"error", "message", "errMsg"}) {
      const auto it = m_doc.find(key);
      if (it != m_doc.end() && it->is_string()) {
        return "not a ClinicalTrials.gov API v2 response: the service answered with an error: " +
               excerpt(it->get_ref<const std::string&>(), 200);
      }
    }
    if (m_doc.contains("resultList") || m_doc.contains("hitCount")) {
      return "not a ClinicalTrials.gov API v2 response: it is a Europe PMC search page (format europepmc-json)";
    }
    return "not a ClinicalTrials.gov API v2 response: expected {\"studies\": [...]} or a study with "
           "protocolSection (members: " +
           jp::member_names(m_doc) + ")";
  }

  ReaderOptions m_options;
  StudyMapper m_mapper;
  std::string m_name;
  nlohmann::json m_doc;
  const nlohmann::json* m_studies = nullptr;
  bool m_single = false;
  std::vector<std::uint64_t> m_lines;
  std::size_t m_next = 0;
};

} // namespace

bool looks_like_ctgov_json(std::string_view head) {
  for (const auto& key : json_page::top_level_keys(head)) {
    if (key == "studies" || key == "protocolSection") {
      return true;
    }
  }
  return false;
}

std::unique_ptr<RecordReader> make_ctgov_json_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<CtgovReader>(path, options);
}

} // namespace litrev
