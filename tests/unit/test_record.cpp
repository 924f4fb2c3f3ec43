// Unit tests for the record model: keys, NCT detection, derived text, JSON.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <litrev/record.hpp>

using litrev::Record;

TEST_CASE("record_key follows the DESIGN.md order of preference", "[record]") {
  Record r;
  r.title = "Ketamine for alcohol use disorder";
  r.pub_date.year = 2020;
  r.authors.push_back({});
  r.authors.back().family = "Grabski";

  const std::string hash_key = litrev::record_key(r);
  REQUIRE(hash_key.rfind("hash:", 0) == 0);
  CHECK(hash_key.size() == 5 + 16);

  r.ids.other.push_back({"embase", "L2001234"});
  CHECK(litrev::record_key(r) == "embase:L2001234");
  r.ids.pmcid = "PMC6543210";
  CHECK(litrev::record_key(r) == "pmc:PMC6543210");
  r.ids.nct = "NCT02576665";
  CHECK(litrev::record_key(r) == "nct:NCT02576665");
  r.ids.doi = "10.1176/APPI.AJP.2019.19070720";
  CHECK(litrev::record_key(r) == "doi:10.1176/appi.ajp.2019.19070720");
  r.ids.pmid = "31230464";
  CHECK(litrev::record_key(r) == "pmid:31230464");
}

TEST_CASE("the fallback hash ignores case, accents and punctuation but not content", "[record]") {
  Record a;
  a.title = "Kétamine–assisted  Therapy: a trial.";
  a.pub_date.year = 2019;
  a.authors.push_back({});
  a.authors.back().family = "Müller";
  Record b = a;
  b.title = "ketamine assisted therapy a trial";
  b.authors.back().family = "MULLER";
  CHECK(litrev::record_key(a) == litrev::record_key(b));

  Record c = a;
  c.pub_date.year = 2020;
  CHECK(litrev::record_key(a) != litrev::record_key(c));
  Record d = a;
  d.title = "Ketamine-assisted therapy: a second trial";
  CHECK(litrev::record_key(a) != litrev::record_key(d));
}

TEST_CASE("record_key_apart tells apart works that share a key, and is stable", "[record]") {
  Record a;
  a.title = "Editorial";
  a.pub_date.year = 2010;
  a.authors.push_back({});
  a.authors.back().family = "Smith";
  a.journal.title = "Kidney International";
  a.volume = "77";
  a.pages = "1";
  Record b = a;
  b.journal.title = "The Lancet";
  b.volume = "375";
  b.pages = "9";
  REQUIRE(litrev::record_key(a) == litrev::record_key(b));
  const std::string ka = litrev::record_key_apart(a);
  const std::string kb = litrev::record_key_apart(b);
  CHECK(ka != kb);
  CHECK(ka.rfind(litrev::record_key(a) + "~", 0) == 0);
  CHECK(ka.size() == litrev::record_key(a).size() + 9);
  // Case, accents and punctuation do not change it; the issue does.
  Record c = a;
  c.journal.title = "KIDNEY INTERNATIONAL.";
  CHECK(litrev::record_key_apart(c) == ka);
  c.issue = "2";
  CHECK(litrev::record_key_apart(c) != ka);
  // Keys name records in the ledger: this one must not change between
  // releases (FNV-1a of the normalised fields, fixed here).
  CHECK(kb == "hash:3531e074e4c6d6c4~a4b03c7b");
  a.ids.doi = "10.5555/x";
  CHECK(litrev::record_key_apart(a).rfind("doi:10.5555/x~", 0) == 0);
}

TEST_CASE("find_nct_ids finds whole NCT ids once each, in order", "[record]") {
  using V = std::vector<std::string>;
  static const struct {
    const char* text;
    V expected;
  } cases[] = {
      {"Registered at ClinicalTrials.gov (NCT02576665).", {"NCT02576665"}},
      {"NCT01234567 and NCT07654321; again NCT01234567", {"NCT01234567", "NCT07654321"}},
      {"NCT0123456 is too short, NCT012345678 too long", {}},
      {"XNCT01234567 is inside a word", {}},
      {"trial NCT01234567.", {"NCT01234567"}},
      {"", {}},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(litrev::find_nct_ids(c.text) == c.expected);
  }
}

TEST_CASE("add_registry_ids_from_text adds abstract NCT ids not already listed", "[record]") {
  Record r;
  r.title = "A trial";
  r.abstract.push_back({"", "", "Registered as NCT02576665 and NCT06382129."});
  r.registry_ids.push_back({"ClinicalTrials.gov", "NCT02576665", "databank"});
  litrev::add_registry_ids_from_text(r);
  REQUIRE(r.registry_ids.size() == 2);
  CHECK(r.registry_ids[0].origin == "databank");
  CHECK(r.registry_ids[1].id == "NCT06382129");
  CHECK(r.registry_ids[1].origin == "abstract");
}

TEST_CASE("abstract_text labels structured sections; first_author", "[record]") {
  Record r;
  CHECK(r.abstract_text().empty());
  CHECK(r.first_author().empty());
  r.abstract = {{"BACKGROUND", "BACKGROUND", "Why."}, {"", "", "Unlabelled."}, {"RESULTS", "", "What."}};
  CHECK(r.abstract_text() == "BACKGROUND: Why. Unlabelled. RESULTS: What.");
  CHECK(r.abstract_plain() == "Why. Unlabelled. What.");
  r.authors.push_back({});
  r.authors[0].collective = "TAX 325 Study Group";
  CHECK(r.first_author() == "TAX 325 Study Group");
  r.authors[0] = {};
  r.authors[0].family = "Smith";
  r.authors[0].initials = "JA";
  CHECK(r.first_author() == "Smith JA");
}

TEST_CASE("JSON round trip keeps every field and omits empty ones", "[record]") {
  Record r;
  r.key = "pmid:1";
  r.kind = "article";
  r.source = "pubmed-xml";
  r.status = "MEDLINE";
  r.ids.pmid = "1";
  r.ids.doi = "10.1/x";
  r.ids.other.push_back({"mid", "NIHMS1"});
  r.title = "T";
  r.vernacular_title = "V";
  r.abstract = {{"L", "METHODS", "text"}};
  r.copyright = "(c) someone";
  litrev::Author a;
  a.family = "F";
  a.given = "G";
  a.initials = "G";
  a.suffix = "Jr";
  a.orcid = "0000-0002-1825-0097";
  a.affiliations = {"Somewhere"};
  a.equal_contrib = true;
  r.authors = {a};
  r.journal.title = "J";
  r.journal.iso_abbrev = "J.";
  r.journal.issn_print = "1234-5678";
  r.volume = "1";
  r.issue = "2";
  r.pages = "3-4";
  r.pub_date = {1998, 12, 0, "", "1998 Dec-1999 Jan"};
  r.languages = {"eng", "nor"};
  r.publication_types = {{"D016449", "Randomized Controlled Trial"}};
  r.mesh = {{"D007649", "Ketamine", true, "", {{"Q000627", "therapeutic use", true}}}};
  r.keywords = {{"ketamine", "NOTNLM", false}};
  r.registry_ids = {{"ClinicalTrials.gov", "NCT02576665", "databank"}};
  r.links = {{"RetractionIn", "J 2020", "2"}};
  r.retracted = true;
  r.database = "Embase";
  r.extra_fields = {{"N1", "a note"}};
  r.field_sources = {{"title", "T1"}};
  r.provenance = {"run1", "f.xml", 3, 120};

  const nlohmann::json j = r;
  CHECK(j.at("ids").at("pmid") == "1");
  CHECK_FALSE(j.at("ids").contains("pmcid"));
  CHECK_FALSE(j.contains("book_title"));
  CHECK(j.at("pub_date").at("month") == 12);
  CHECK_FALSE(j.at("pub_date").contains("day"));
  const Record back = j.get<Record>();
  CHECK(nlohmann::json(back) == j);
  CHECK(back.mesh.at(0).qualifiers.at(0).major);
  CHECK(back.authors.at(0).equal_contrib);
  CHECK(back.provenance.position == 3);
  CHECK(back.provenance.line == 120);
  CHECK(back.extra_fields.at(0).value == "a note");
  CHECK(back.field_sources.at(0).tag == "T1");
}

TEST_CASE("JSON round trip of the registration fields, written only when present", "[record]") {
  Record plain;
  plain.key = "pmid:1";
  plain.ids.pmid = "1";
  CHECK_FALSE(nlohmann::json(plain).contains("registration"));
  CHECK_FALSE(nlohmann::json(plain).get<Record>().registration);

  Record r;
  r.key = "nct:NCT02576665";
  r.kind = "registration";
  r.ids.nct = "NCT02576665";
  r.links = {{"RESULT", "A citation", "2"}};
  litrev::Registration g;
  g.registry = "ClinicalTrials.gov";
  g.brief_title = "Brief";
  g.acronym = "ACR";
  g.org_study_id = "ORG-1";
  g.secondary_ids = {{"EU_CT", "EudraCT", "2000-000000-00"}};
  g.overall_status = "TERMINATED";
  g.why_stopped = "Sponsor decision";
  g.has_results = true;
  g.design.study_type = "INTERVENTIONAL";
  g.design.phases = {"PHASE1", "PHASE2"};
  g.design.allocation = "RANDOMIZED";
  g.design.intervention_model = "PARALLEL";
  g.design.masking = "DOUBLE";
  g.design.who_masked = {"PARTICIPANT"};
  g.design.primary_purpose = "TREATMENT";
  g.design.observational_model = "COHORT";
  g.design.time_perspective = "PROSPECTIVE";
  g.conditions = {"A condition"};
  g.interventions = {{"DRUG", "Drug X", {"X-1"}}};
  g.enrollment = 0; // a real count: written although zero
  g.enrollment_type = "ACTUAL";
  g.start = {"2016-07", "ACTUAL"};
  g.primary_completion = {"2019-12-20", ""};
  g.completion = {"2020", "ESTIMATED"};
  g.first_posted = {"2015-10-15", "ESTIMATED"};
  g.results_first_posted = {"2021-01-02", "ACTUAL"};
  g.last_update_posted = {"2021-03-04", "ACTUAL"};
  g.lead_sponsor = "Sponsor";
  g.collaborators = {"Collaborator"};
  r.registration = g;

  const nlohmann::json j = r;
  const nlohmann::json& jg = j.at("registration");
  CHECK(jg.at("enrollment") == 0);
  CHECK(jg.at("has_results") == true);
  CHECK(jg.at("design").at("phases") == nlohmann::json::array({"PHASE1", "PHASE2"}));
  CHECK(jg.at("primary_completion") == nlohmann::json{{"date", "2019-12-20"}});
  CHECK(jg.at("secondary_ids").at(0) == nlohmann::json{{"type", "EU_CT"}, {"domain", "EudraCT"}, {"id", "2000-000000-00"}});
  const Record back = j.get<Record>();
  REQUIRE(back.registration);
  CHECK(nlohmann::json(back) == j);
  CHECK(back.registration->enrollment == std::optional<std::uint64_t>(0));
  CHECK(back.registration->interventions.at(0).other_names.at(0) == "X-1");
  CHECK(back.registration->last_update_posted.type == "ACTUAL");
  CHECK(back.registration->design.time_perspective == "PROSPECTIVE");

  // An empty registration is still a registration; an absent enrollment is absent.
  Record bare;
  bare.key = "nct:NCT00000001";
  bare.registration.emplace();
  const nlohmann::json jb = bare;
  CHECK(jb.at("registration") == nlohmann::json::object());
  CHECK_FALSE(jb.get<Record>().registration->enrollment);
}
