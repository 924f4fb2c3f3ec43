// Unit tests of the ClinicalTrials.gov reader (lib/src/formats/ctgov.cpp):
// every recorded API v2 answer in shared/fixtures/ctgov (single studies and
// /studies pages) with its study count and golden fields read off the files,
// the Registration fields and their JSON round trip, sniffing, errors (bad
// JSON, wrong shapes, one bad study in a good page) and .gz. The recordings
// were made with a `fields=` subset; a study marked "synthetic" is made up
// here to reach every module the reader maps. Its ids are placeholders.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/formats.hpp>
#include <litrev/record.hpp>

#include "testutil.hpp"

using litrev::Format;
using litrev::ReadItem;
using litrev::Record;
using litrev::test::TempDir;

namespace {

std::string ctgov_fixture(const std::string& name) {
  return litrev::test::fixture("ctgov/" + name);
}

struct CtgovRead {
  std::vector<ReadItem> items;
  std::vector<std::string> errors;
  std::vector<unsigned long> error_lines;
};

CtgovRead ctgov_read(const std::string& path, const litrev::ReaderOptions& options = {}) {
  CtgovRead out;
  auto reader = litrev::open_reader(path, Format::ctgov_json, options);
  ReadItem item;
  for (int guard = 0; guard < 100000; ++guard) {
    try {
      if (!reader->next(item)) {
        break;
      }
      out.items.push_back(item);
    } catch (const litrev::RecordError& e) {
      out.errors.push_back(e.problem());
      out.error_lines.push_back(e.line());
    }
  }
  return out;
}

CtgovRead ctgov_read_text(const std::string& text) {
  TempDir dir;
  const std::string path = dir / "studies.json";
  litrev::test::write_text(path, text);
  return ctgov_read(path);
}

std::string ctgov_open_error(const std::string& text, unsigned long* line = nullptr) {
  TempDir dir;
  const std::string path = dir / "studies.json";
  litrev::test::write_text(path, text);
  try {
    ctgov_read(path);
  } catch (const litrev::DataError& e) {
    CHECK_THAT(e.what(), Catch::Contains(path));
    if (line) {
      *line = e.line();
    }
    return e.problem();
  }
  return "";
}

std::string ctgov_extra(const Record& r, const std::string& tag) {
  std::string out;
  for (const auto& f : r.extra_fields) {
    if (f.tag == tag) {
      out += out.empty() ? f.value : " | " + f.value;
    }
  }
  return out.empty() ? "<none>" : out;
}

// A synthetic study reaching every module the reader maps.
const char* const k_full_study = R"({"protocolSection":{
 "identificationModule":{"nctId":"NCT00000002","orgStudyIdInfo":{"id":"PROTO-1"},
   "secondaryIdInfos":[{"id":"2000-000000-00","type":"EU_CT","domain":"EudraCT"},{"id":"","type":"OTHER"}],
   "briefTitle":"Short","officialTitle":"A Synthetic Official Title","acronym":"SYN",
   "nctIdAliases":["NCT00000003"]},
 "statusModule":{"overallStatus":"TERMINATED","whyStopped":"Funding ended",
   "startDateStruct":{"date":"2020-01","type":"ACTUAL"},
   "primaryCompletionDateStruct":{"date":"2021-02-03","type":"ACTUAL"},
   "completionDateStruct":{"date":"2022","type":"ESTIMATED"},
   "studyFirstSubmitDate":"2019-12-01",
   "studyFirstPostDateStruct":{"date":"2019-12-05","type":"ACTUAL"},
   "resultsFirstPostDateStruct":{"date":"2022-06-07","type":"ACTUAL"},
   "lastUpdatePostDateStruct":{"date":"sometime","type":"ACTUAL"}},
 "sponsorCollaboratorsModule":{"leadSponsor":{"name":"Sponsor A","class":"OTHER"},
   "collaborators":[{"name":"Collaborator B"},{"name":"Collaborator C"}]},
 "descriptionModule":{"briefSummary":"Mentions NCT00000004, itself (NCT00000002) and \\<5 \\[items\\].",
   "detailedDescription":"Details\n\n* more."},
 "conditionsModule":{"conditions":["Condition One","Condition Two"],"keywords":["keyword one"]},
 "designModule":{"studyType":"INTERVENTIONAL","phases":["PHASE2","PHASE3"],
   "designInfo":{"allocation":"RANDOMIZED","interventionModel":"PARALLEL","primaryPurpose":"TREATMENT",
     "maskingInfo":{"masking":"QUADRUPLE","whoMasked":["PARTICIPANT","INVESTIGATOR"]}},
   "enrollmentInfo":{"count":0,"type":"ACTUAL"}},
 "armsInterventionsModule":{"interventions":[{"type":"DRUG","name":"Drug X","otherNames":["X-1","X-1"]},
   {"type":"OTHER","name":"Placebo"}]},
 "outcomesModule":{"primaryOutcomes":[{"measure":"Outcome one","timeFrame":"12 weeks"}],
   "secondaryOutcomes":[{"measure":"Outcome two"}]},
 "referencesModule":{"references":[{"pmid":"1","type":"RESULT","citation":"Synthetic A. Results."},
   {"pmid":"2","type":"BACKGROUND","citation":"Synthetic B."},{"type":"DERIVED","citation":"Without a PMID."}]},
 "eligibilityModule":{"sex":"ALL","healthyVolunteers":false,"stdAges":["ADULT","OLDER_ADULT"],
   "eligibilityCriteria":"Inclusion Criteria:\n\n* adults\n"}},
 "derivedSection":{"conditionBrowseModule":{"meshes":[{"id":"D003863","term":"Depression"}]},
   "interventionBrowseModule":{"meshes":[{"id":"D007649","term":"Ketamine"},{"id":"x","term":"No UI"}]}},
 "hasResults":true})";

} // namespace

TEST_CASE("ctgov: every fixture is read with the study counts in the file", "[ctgov]") {
  // Counts from the files: one study per /studies/NCT... answer, the length
  // of "studies" in a page.
  const std::pair<const char*, std::vector<const char*>> cases[] = {
      {"get_nct02576665_20260811.json", {"NCT02576665"}},
      {"get_nct06382129_20260811.json", {"NCT06382129"}},
      {"get_nct06604689_20260811.json", {"NCT06604689"}},
      {"search_age_count_20260811.json", {"NCT01595035"}},
      {"search_phelan_limit5_20260811.json",
       {"NCT02710084", "NCT05105685", "NCT01525901", "NCT03493607", "NCT07119606"}},
      {"search_phelan_next_20260811.json",
       {"NCT05187377", "NCT03836300", "NCT07014020", "NCT05025241", "NCT07281079"}},
  };
  std::size_t listed = 0;
  for (const auto& [file, ncts] : cases) {
    INFO(file);
    const CtgovRead r = ctgov_read(ctgov_fixture(file));
    CHECK(r.errors.empty());
    REQUIRE(r.items.size() == ncts.size());
    for (std::size_t i = 0; i < ncts.size(); ++i) {
      const Record& rec = r.items[i].record;
      CHECK(rec.ids.nct == ncts[i]);
      CHECK(rec.key == std::string("nct:") + ncts[i]);
      CHECK(rec.kind == "registration");
      CHECK(rec.source == "ctgov-json");
      CHECK(rec.database == "ClinicalTrials.gov");
      REQUIRE(rec.registration);
      CHECK(rec.registration->registry == "ClinicalTrials.gov");
      CHECK(!rec.title.empty());
      CHECK(rec.registry_ids.empty());
      const nlohmann::json j = rec;
      CHECK(nlohmann::json(j.get<Record>()) == j);
    }
    ++listed;
  }
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("ctgov"))) {
    files += e.is_regular_file() ? 1 : 0;
  }
  CHECK(listed == files);
}

TEST_CASE("ctgov: a single study, field by field", "[ctgov]") {
  const CtgovRead page = ctgov_read(ctgov_fixture("get_nct02576665_20260811.json"));
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].line == 1);
  const Record& r = page.items[0].record;
  // Only briefTitle in this recording: it is the title.
  CHECK(r.title == "A Study of Toca 511, a Retroviral Replicating Vector, Combined With Toca FC in Patients With "
                   "Solid Tumors or Lymphoma (Toca 6)");
  const litrev::Registration& g = *r.registration;
  CHECK(g.brief_title.empty());
  CHECK(g.overall_status == "TERMINATED");
  CHECK(g.start.date == "2016-07");
  CHECK(g.start.type.empty());
  CHECK(g.completion.date == "2019-12-20");
  CHECK(g.primary_completion.date.empty());
  CHECK(g.lead_sponsor == "Tocagen Inc.");
  CHECK(g.collaborators.empty());
  REQUIRE(g.conditions.size() == 12);
  CHECK(g.conditions.front() == "Colorectal Cancer");
  CHECK(g.conditions.back() == "IDH1 Mutated or MGMT Methylated Recurrent HGG (Not Recruiting)");
  CHECK(g.design.study_type == "INTERVENTIONAL");
  CHECK(g.design.phases == std::vector<std::string>{"PHASE1"});
  CHECK(g.design.allocation.empty());
  REQUIRE(g.enrollment);
  CHECK(*g.enrollment == 21);
  CHECK(g.enrollment_type.empty());
  REQUIRE(g.interventions.size() == 2);
  CHECK(g.interventions[0].name == "Toca 511");
  CHECK(g.interventions[0].type.empty());
  CHECK(g.interventions[0].other_names ==
        std::vector<std::string>{"vocimagene amiretrorepvec", "RRV", "retroviral replicating viral"});
  CHECK(g.interventions[1].name == "Toca FC");
  CHECK(g.interventions[1].other_names == std::vector<std::string>{"Flucytosine", "5-FC", "5-Fluorocytosine"});
  CHECK_FALSE(g.has_results);
  // briefSummary: Markdown escapes removed, paragraphs folded.
  REQUIRE(r.abstract.size() == 1);
  CHECK(r.abstract[0].label.empty());
  CHECK_THAT(r.abstract[0].text, Catch::StartsWith("The purpose of this trial is to evaluate changes in immune "
                                                   "activity relative to baseline"));
  CHECK_THAT(r.abstract[0].text, Catch::Contains("(including recurrent high grade glioma [rHGG]) or lymphoma."));
  CHECK_THAT(r.abstract[0].text, Catch::Contains("subject to all entry criteria. Tumors must be"));
  CHECK_THAT(r.abstract[0].text, Catch::Contains("cycles of therapy. Patients not undergoing resection"));
  CHECK(r.abstract[0].text.find('\\') == std::string::npos);
  CHECK(r.abstract[0].text.find('\n') == std::string::npos);
  // Not in this recording: no posting date, so no publication date.
  CHECK(r.pub_date.year == 0);
  CHECK(r.links.empty());
  CHECK(r.authors.empty());
  CHECK(ctgov_extra(r, "eligibilityModule/sex") == "ALL");
  CHECK(ctgov_extra(r, "eligibilityModule/minimumAge") == "18 Years");
  CHECK(ctgov_extra(r, "eligibilityModule/maximumAge") == "75 Years");
  CHECK_THAT(ctgov_extra(r, "eligibilityModule/eligibilityCriteria"),
             Catch::StartsWith("Inclusion Criteria:\n\n1. Patient has given written informed consent."));

  // An observational study: no phases.
  const CtgovRead observational = ctgov_read(ctgov_fixture("get_nct06604689_20260811.json"));
  const Record& obs = observational.items.at(0).record;
  CHECK(obs.registration->design.study_type == "OBSERVATIONAL");
  CHECK(obs.registration->design.phases.empty());
  CHECK(*obs.registration->enrollment == 800);
  CHECK(obs.registration->conditions ==
        std::vector<std::string>{"NSCLC (Advanced Non-small Cell Lung Cancer)", "Brain Metastasases"});
  CHECK(obs.registration->overall_status == "RECRUITING");
  CHECK(obs.registration->start.date == "2024-09-30");
}

TEST_CASE("ctgov: a studies page, field by field", "[ctgov]") {
  const std::string file = ctgov_fixture("search_phelan_limit5_20260811.json");
  const CtgovRead page = ctgov_read(file);
  REQUIRE(page.items.size() == 5);
  // Study 2 opens on line 56 of the file ("protocolSection" is on line 57).
  const std::string text = litrev::test::read_text(file);
  std::size_t at = 0;
  for (int line = 1; line < 56; ++line) {
    at = text.find('\n', at) + 1;
  }
  CHECK(text.substr(at, text.find('\n', at) - at) == "    {");
  CHECK(page.items[1].line == 56);
  const Record& r = page.items[1].record;
  CHECK(r.key == "nct:NCT05105685");
  CHECK(r.title == "Effectiveness of Recombinant Human Growth Hormone Therapy for Children With PMS");
  const litrev::Registration& g = *r.registration;
  CHECK(g.overall_status == "COMPLETED");
  CHECK(g.start.date == "2020-06-14");
  CHECK(g.completion.date == "2021-06-08");
  CHECK(g.lead_sponsor == "Affiliated Hospital of Jiangnan University");
  CHECK(g.conditions == std::vector<std::string>{"Phelan-McDermid Syndrome", "Growth Hormone Treatment"});
  CHECK(g.design.phases == std::vector<std::string>{"PHASE1", "PHASE2"});
  CHECK(*g.enrollment == 6);
  REQUIRE(g.interventions.size() == 2);
  CHECK(g.interventions[0].name == "recombinant human growth hormone");
  CHECK(g.interventions[1].name == "Saline");
  REQUIRE(r.abstract.size() == 1);
  CHECK_THAT(r.abstract[0].text, Catch::StartsWith("In summary, this piot study with 6 participants shown that "
                                                   "recombinant human growth hormone (rhGH)"));
  CHECK(ctgov_extra(r, "eligibilityModule/minimumAge") == "1 Year");
  CHECK(ctgov_extra(r, "eligibilityModule/maximumAge") == "5 Years");

  // Non-ASCII text arrives decoded (\u00f4 in the file).
  CHECK(page.items[4].record.registration->lead_sponsor == "Assistance Publique - H\xC3\xB4pitaux de Paris");
  CHECK(page.items[4].record.registration->design.phases == std::vector<std::string>{"NA"});
  // The later page has no totalCount and reads the same way.
  const CtgovRead next = ctgov_read(ctgov_fixture("search_phelan_next_20260811.json"));
  REQUIRE(next.items.size() == 5);
  CHECK(next.items[1].record.registration->conditions.size() == 14);
  CHECK(next.items[1].record.registration->overall_status == "ENROLLING_BY_INVITATION");
}

TEST_CASE("ctgov: every module of a full study (synthetic)", "[ctgov]") {
  const CtgovRead page = ctgov_read_text(k_full_study);
  REQUIRE(page.errors.empty());
  REQUIRE(page.items.size() == 1);
  const Record& r = page.items[0].record;
  CHECK(r.key == "nct:NCT00000002");
  CHECK(r.title == "A Synthetic Official Title");
  REQUIRE(r.ids.other.size() == 1);
  CHECK(r.ids.other[0].type == "nct-alias");
  CHECK(r.ids.other[0].value == "NCT00000003");
  const litrev::Registration& g = *r.registration;
  CHECK(g.brief_title == "Short");
  CHECK(g.acronym == "SYN");
  CHECK(g.org_study_id == "PROTO-1");
  REQUIRE(g.secondary_ids.size() == 1);
  CHECK(g.secondary_ids[0].id == "2000-000000-00");
  CHECK(g.secondary_ids[0].type == "EU_CT");
  CHECK(g.secondary_ids[0].domain == "EudraCT");
  CHECK(g.overall_status == "TERMINATED");
  CHECK(g.why_stopped == "Funding ended");
  CHECK(g.start.date == "2020-01");
  CHECK(g.start.type == "ACTUAL");
  CHECK(g.primary_completion.date == "2021-02-03");
  CHECK(g.completion.date == "2022");
  CHECK(g.completion.type == "ESTIMATED");
  CHECK(g.first_posted.date == "2019-12-05");
  CHECK(g.results_first_posted.date == "2022-06-07");
  // A date that is not ISO-shaped is kept aside, not guessed at.
  CHECK(g.last_update_posted.date.empty());
  CHECK(ctgov_extra(r, "statusModule/lastUpdatePostDateStruct/date") == "sometime");
  // The first posting is when the registry published the entry.
  CHECK(r.pub_date.year == 2019);
  CHECK(r.pub_date.month == 12);
  CHECK(r.pub_date.day == 5);
  CHECK(g.lead_sponsor == "Sponsor A");
  CHECK(g.collaborators == std::vector<std::string>{"Collaborator B", "Collaborator C"});
  REQUIRE(r.abstract.size() == 2);
  CHECK(r.abstract[0].text == "Mentions NCT00000004, itself (NCT00000002) and <5 [items].");
  CHECK(r.abstract[1].label == "Detailed Description");
  CHECK(r.abstract[1].text == "Details * more.");
  // NCT ids in the text, without the entry's own.
  REQUIRE(r.registry_ids.size() == 1);
  CHECK(r.registry_ids[0].id == "NCT00000004");
  CHECK(g.conditions == std::vector<std::string>{"Condition One", "Condition Two"});
  REQUIRE(r.keywords.size() == 1);
  CHECK(r.keywords[0].text == "keyword one");
  CHECK(g.design.study_type == "INTERVENTIONAL");
  CHECK(g.design.phases == std::vector<std::string>{"PHASE2", "PHASE3"});
  CHECK(g.design.allocation == "RANDOMIZED");
  CHECK(g.design.intervention_model == "PARALLEL");
  CHECK(g.design.primary_purpose == "TREATMENT");
  CHECK(g.design.masking == "QUADRUPLE");
  CHECK(g.design.who_masked == std::vector<std::string>{"PARTICIPANT", "INVESTIGATOR"});
  REQUIRE(g.enrollment);
  CHECK(*g.enrollment == 0);
  CHECK(g.enrollment_type == "ACTUAL");
  REQUIRE(g.interventions.size() == 2);
  CHECK(g.interventions[0].type == "DRUG");
  CHECK(g.interventions[0].other_names == std::vector<std::string>{"X-1"});
  CHECK(g.interventions[1].name == "Placebo");
  REQUIRE(r.links.size() == 3);
  CHECK(r.links[0].type == "RESULT");
  CHECK(r.links[0].pmid == "1");
  CHECK(r.links[0].ref_source == "Synthetic A. Results.");
  CHECK(r.links[1].type == "BACKGROUND");
  CHECK(r.links[2].type == "DERIVED");
  CHECK(r.links[2].pmid.empty());
  REQUIRE(r.mesh.size() == 3);
  CHECK(r.mesh[0].ui == "D003863");
  CHECK(r.mesh[0].descriptor == "Depression");
  CHECK(r.mesh[1].descriptor == "Ketamine");
  CHECK(r.mesh[2].ui.empty());
  CHECK(ctgov_extra(r, "eligibilityModule/sex") == "ALL");
  CHECK(ctgov_extra(r, "eligibilityModule/healthyVolunteers") == "false");
  CHECK(ctgov_extra(r, "eligibilityModule/stdAges") == "ADULT | OLDER_ADULT");
  CHECK(ctgov_extra(r, "eligibilityModule/eligibilityCriteria") == "Inclusion Criteria:\n\n* adults");
  CHECK(ctgov_extra(r, "outcomesModule/primaryOutcomes/measure") == "Outcome one");
  CHECK(ctgov_extra(r, "outcomesModule/secondaryOutcomes/measure") == "Outcome two");
  CHECK(g.has_results);

  // JSON: the registration is written, enrollment 0 included, and read back.
  const nlohmann::json j = r;
  const nlohmann::json& jg = j.at("registration");
  CHECK(jg.at("enrollment") == 0);
  CHECK(jg.at("has_results") == true);
  CHECK(jg.at("design").at("masking") == "QUADRUPLE");
  CHECK(jg.at("start") == nlohmann::json{{"date", "2020-01"}, {"type", "ACTUAL"}});
  CHECK_FALSE(jg.contains("last_update_posted"));
  const Record back = j.get<Record>();
  REQUIRE(back.registration);
  CHECK(*back.registration->enrollment == 0);
  CHECK(nlohmann::json(back) == j);

  litrev::ReaderOptions options;
  options.database = "A named registry mirror";
  TempDir dir;
  litrev::test::write_text(dir / "s.json", k_full_study);
  CHECK(ctgov_read(dir / "s.json", options).items.at(0).record.database == "A named registry mirror");
}

TEST_CASE("ctgov: one bad study is skipped, the page goes on (synthetic page)", "[ctgov]") {
  const CtgovRead r = ctgov_read_text(
      "{\"studies\":[\n"
      "{\"protocolSection\":{\"identificationModule\":{\"nctId\":\"NCT00000005\",\"briefTitle\":\"Good\"}}},\n"
      "\"x\",\n"
      "{\"protocolSection\":{\"identificationModule\":{\"briefTitle\":\"No id\"}}},\n"
      "{\"protocolSection\":{\"identificationModule\":{\"nctId\":\"NCT123\",\"briefTitle\":\"Bad id\"}}},\n"
      "{\"protocolSection\":{\"identificationModule\":{\"nctId\":\"NCT00000006\"},\"designModule\":{\"phases\":{}}}},\n"
      "{\"derivedSection\":{}},\n"
      "{\"protocolSection\":{\"identificationModule\":{\"nctId\":\"NCT00000007\",\"briefTitle\":\"Also good\"}}}\n"
      "],\"nextPageToken\":\"abc\"}");
  REQUIRE(r.items.size() == 2);
  CHECK(r.items[0].record.ids.nct == "NCT00000005");
  CHECK(r.items[0].line == 2);
  CHECK(r.items[1].record.ids.nct == "NCT00000007");
  CHECK(r.items[1].line == 8);
  const std::vector<std::string> expected = {
      "study 2 of 7: the study is a string, expected an object",
      "study 3 of 7: the study has no nctId",
      "study 4 of 7 (NCT123): nctId \"NCT123\" is not NCT followed by 8 digits",
      "study 5 of 7 (NCT00000006): \"phases\" is an object, expected a list",
      "study 6 of 7: the study has no protocolSection",
  };
  CHECK(r.errors == expected);
  CHECK(r.error_lines == std::vector<unsigned long>{3, 4, 5, 6, 7});
}

TEST_CASE("ctgov: answers that are not JSON or not a study are refused", "[ctgov]") {
  SECTION("invalid JSON names the line") {
    unsigned long line = 0;
    const std::string problem = ctgov_open_error("{\"studies\": [\n{\"protocolSection\": }\n]}", &line);
    CHECK_THAT(problem, Catch::StartsWith("not valid JSON: "));
    CHECK(line == 2);
  }
  SECTION("a page cut short") {
    const std::string whole = litrev::test::read_text(ctgov_fixture("search_phelan_next_20260811.json"));
    CHECK_THAT(ctgov_open_error(whole.substr(0, 3000)), Catch::StartsWith("not valid JSON: "));
  }
  SECTION("other services' answers and other JSON") {
    const std::string epmc = litrev::test::read_text(litrev::test::fixture("europepmc/search_no_results.json"));
    CHECK_THAT(ctgov_open_error(epmc), Catch::Contains("Europe PMC"));
    CHECK_THAT(ctgov_open_error("{\"version\":\"6.9\"}"), Catch::Contains("(members: version)"));
    const std::string too_many = litrev::test::read_text(
        litrev::test::fixture("pubmed/esummary_429_rate_limited_biomcp.json"));
    CHECK_THAT(ctgov_open_error(too_many), Catch::Contains("API rate limit exceeded"));
    CHECK(ctgov_open_error("{\"studies\": {}}") == "\"studies\" is an object, expected an array");
    CHECK(ctgov_open_error("\"NCT02576665\"") ==
          "not a ClinicalTrials.gov API v2 response: the JSON is a string, expected an object");
    CHECK(ctgov_open_error("  \n") == "empty file, expected a JSON response");
  }
  SECTION("an empty page is no error") {
    CHECK(ctgov_read_text("{\"studies\": [], \"totalCount\": 0}").items.empty());
  }
  SECTION("a missing file is an I/O error") {
    CHECK_THROWS_AS(litrev::open_reader("/nonexistent/s.json", Format::ctgov_json), litrev::IoError);
  }
}

TEST_CASE("ctgov: a gzip-compressed page reads like the plain one", "[ctgov]") {
  TempDir dir;
  const std::string gz_path = dir / "page.json.gz";
  const std::string text = litrev::test::read_text(ctgov_fixture("search_phelan_limit5_20260811.json"));
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  gzclose(gz);
  CHECK(litrev::sniff_format(gz_path) == Format::ctgov_json);
  const CtgovRead packed = ctgov_read(gz_path);
  const CtgovRead plain = ctgov_read(ctgov_fixture("search_phelan_limit5_20260811.json"));
  REQUIRE(packed.items.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(nlohmann::json(packed.items[i].record) == nlohmann::json(plain.items[i].record));
  }
}

TEST_CASE("ctgov: sniffing by the top-level members", "[ctgov][sniff]") {
  CHECK(litrev::format_name(Format::ctgov_json) == std::string("ctgov-json"));
  CHECK(litrev::format_from_name("ctgov-json") == Format::ctgov_json);
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("ctgov"))) {
    INFO(e.path().string());
    CHECK(litrev::sniff_format(e.path().string()) == Format::ctgov_json);
  }
  // A page's first bytes name "studies" before its first study ends.
  const std::string page = litrev::test::read_text(ctgov_fixture("search_phelan_limit5_20260811.json"));
  CHECK(litrev::sniff_format_of(std::string_view(page).substr(0, 30)) == Format::ctgov_json);
  CHECK(litrev::sniff_format_of("{\"hasResults\": false, \"protocolSection\": {}}") == Format::ctgov_json);
  CHECK(litrev::sniff_format_of("{\"data\": {\"studies\": []}}") == std::nullopt);
  CHECK(litrev::sniff_format_of("{\"studiesX\": []}") == std::nullopt);
}
