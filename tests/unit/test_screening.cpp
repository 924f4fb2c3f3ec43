// Screening: the protocol as litrev.json gives it, the fold of screening
// events into state under single and dual rules, the state terms, and
// agreement computed from ledger events (checked against R psych).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <litrev/agreement.hpp>
#include <litrev/error.hpp>
#include <litrev/protocol.hpp>
#include <litrev/review.hpp>
#include <litrev/screening.hpp>

#include "testutil.hpp"

namespace {

using litrev::Decision;
using litrev::LedgerEvent;
using litrev::Stage;
using litrev::Status;
using nlohmann::json;

litrev::Protocol protocol(const std::string& ta_mode, const std::string& ft_mode) {
  return litrev::parse_protocol(
      json{{"title", "t"},
           {"stages", json::array({json{{"stage", "title-abstract"}, {"mode", ta_mode}},
                                   json{{"stage", "full-text"}, {"mode", ft_mode}}})},
           {"exclusion_reasons", json::array({"wrong population", "wrong design"})},
           {"reviewers", json::array({json{{"name", "ana"}}, json{{"name", "ben"}},
                                      json{{"name", "cy"}, {"role", "adjudicator"}}})}},
      "litrev.json");
}

// Events as a ledger would give them: per actor in seq order.
struct Events {
  std::vector<LedgerEvent> list;
  std::map<std::string, std::uint64_t> seq;
  int clock = 0;

  void add(const std::string& actor, const std::string& type, json payload) {
    LedgerEvent e;
    e.actor = actor;
    e.type = type;
    e.seq = ++seq[actor];
    // Times increase with each event added, whoever adds it.
    e.ts = "2026-11-21T10:" + std::to_string(10 + clock / 60) + ":" + std::to_string(10 + clock % 60) + "Z";
    ++clock;
    e.payload = std::move(payload);
    e.file = "ledger/" + actor + ".jsonl";
    e.line = e.seq;
    list.push_back(std::move(e));
  }
  void vote(const std::string& actor, const std::string& key, const char* decision, const char* stage = "ta",
            const std::string& reason = {}) {
    json p = {{"key", key}, {"stage", stage}, {"decision", decision}};
    if (!reason.empty()) {
      p["reason"] = reason;
    }
    add(actor, "screen.decision", p);
  }
  // Ledgers are read per file, files by actor name.
  std::vector<LedgerEvent> sorted() const {
    std::vector<LedgerEvent> out = list;
    std::stable_sort(out.begin(), out.end(),
                     [](const LedgerEvent& a, const LedgerEvent& b) { return a.actor < b.actor; });
    return out;
  }
};

} // namespace

TEST_CASE("protocol: stages, modes, reviewers and reasons are read from litrev.json", "[screening]") {
  const litrev::Protocol p = protocol("dual", "single");
  REQUIRE(p.stages.size() == 2);
  CHECK(p.stage(Stage::title_abstract)->dual);
  CHECK_FALSE(p.stage(Stage::full_text)->dual);
  CHECK_FALSE(p.stage(Stage::title_abstract)->reason_required);
  CHECK(p.stage(Stage::full_text)->reason_required); // always at full text
  CHECK(p.stage(Stage::full_text)->exclusion_reasons == std::vector<std::string>{"wrong population", "wrong design"});
  REQUIRE(p.reviewer("cy"));
  CHECK(p.reviewer("cy")->role == litrev::Role::adjudicator);
  CHECK(p.reviewer("ana")->role == litrev::Role::screener);
  CHECK(p.reviewer("dan") == nullptr);
}

TEST_CASE("protocol: the example litrev init writes reads back", "[screening]") {
  const json example = litrev::example_protocol("Ketamine for SUD", "0.1.0");
  const litrev::Protocol p = litrev::parse_protocol(example, "litrev.json");
  CHECK(p.title == "Ketamine for SUD");
  CHECK(p.stages.size() == 2);
  CHECK(p.reviewers.empty());
  CHECK_FALSE(p.stage(Stage::full_text)->exclusion_reasons.empty());
  CHECK(example.contains("$comment"));
}

TEST_CASE("protocol: mistakes are errors naming the field", "[screening]") {
  auto message = [](const json& doc) {
    try {
      litrev::parse_protocol(doc, "rv/litrev.json");
    } catch (const litrev::DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message(json{{"stages", json::array({"title-abstrct"})}}),
             Catch::Contains("rv/litrev.json") && Catch::Contains("stages[0]") && Catch::Contains("title-abstrct"));
  CHECK_THAT(message(json{{"stages", json::array({json{{"stage", "full-text"}, {"mode", "triple"}}})}}),
             Catch::Contains("stages[0].mode"));
  CHECK_THAT(message(json{{"stages", json::array({json{{"stage", "full-text"}, {"blnd", true}}})}}),
             Catch::Contains("unknown field \"blnd\""));
  CHECK_THAT(message(json{{"reviewers", json::array({json{{"name", "ana"}, {"role", "boss"}}})}}),
             Catch::Contains("reviewers[0].role"));
  CHECK_THAT(message(json{{"reviewers", json::array({"ana", "ana"})}}), Catch::Contains("listed twice"));
  CHECK_THAT(message(json{{"reviewers", json::array({"../etc"})}}), Catch::Contains("cannot name a ledger"));
  CHECK_THAT(message(json{{"stages", json::array({"full-text", "ft"})}}), Catch::Contains("listed twice"));
  CHECK_THAT(message(json{{"eligibility", {{"include", json::array({1})}}}}),
             Catch::Contains("eligibility.include[0]"));
  CHECK_THAT(message(json::array()), Catch::Contains("expected a JSON object"));
}

TEST_CASE("fold: single screening, one vote decides and a later vote replaces it", "[screening]") {
  Events ev;
  ev.vote("ana", "pmid:1", "include");
  ev.vote("ana", "pmid:2", "exclude", "ta", "wrong design");
  ev.vote("ana", "pmid:3", "maybe");
  ev.vote("ana", "pmid:1", "exclude");
  ev.vote("ana", "pmid:1", "include");
  const auto s = litrev::fold_screening(protocol("single", "single"), ev.sorted());
  CHECK(s.events == 5);
  REQUIRE(s.find("pmid:1"));
  CHECK(s.find("pmid:1")->ta.status == Status::included);
  CHECK(s.find("pmid:1")->ta.votes.at("ana").revisions == 2);
  CHECK(s.find("pmid:1")->ta.votes.at("ana").first == Decision::include);
  CHECK(s.find("pmid:2")->ta.status == Status::excluded);
  CHECK(s.find("pmid:2")->ta.reason == "wrong design");
  CHECK(s.find("pmid:3")->ta.status == Status::maybe);
  CHECK(s.find("pmid:4") == nullptr);
}

TEST_CASE("fold: dual screening waits for two votes, then agrees or conflicts", "[screening]") {
  Events ev;
  ev.vote("ana", "pmid:1", "include");
  ev.vote("ana", "pmid:2", "include");
  ev.vote("ben", "pmid:2", "include");
  ev.vote("ana", "pmid:3", "include");
  ev.vote("ben", "pmid:3", "exclude", "ta", "wrong population");
  ev.vote("ana", "pmid:4", "maybe");
  ev.vote("ben", "pmid:4", "exclude");
  ev.vote("ana", "pmid:5", "maybe");
  ev.vote("ben", "pmid:5", "maybe");
  ev.vote("ana", "pmid:6", "exclude", "ta", "wrong design");
  ev.vote("ben", "pmid:6", "exclude", "ta", "wrong population");
  const auto s = litrev::fold_screening(protocol("dual", "dual"), ev.sorted());
  CHECK(s.find("pmid:1")->ta.status == Status::awaiting);
  CHECK(s.find("pmid:2")->ta.status == Status::included);
  CHECK(s.find("pmid:3")->ta.status == Status::conflict);
  CHECK(s.find("pmid:3")->ta.conflict == "include/exclude");
  CHECK(s.find("pmid:4")->ta.status == Status::conflict);
  CHECK(s.find("pmid:4")->ta.conflict == "maybe");
  CHECK(s.find("pmid:5")->ta.status == Status::maybe);
  // Reasons are not required at title-abstract: both excluded, it is excluded.
  CHECK(s.find("pmid:6")->ta.status == Status::excluded);
  CHECK(s.find("pmid:6")->ta.reason.empty());
}

TEST_CASE("fold: full-text exclusions with different reasons are a conflict; resolution stands", "[screening]") {
  Events ev;
  for (const char* who : {"ana", "ben"}) {
    ev.vote(who, "pmid:1", "include");
    ev.vote(who, "pmid:2", "include");
  }
  ev.vote("ana", "pmid:1", "exclude", "ft", "wrong design");
  ev.vote("ben", "pmid:1", "exclude", "ft", "wrong population");
  ev.vote("ana", "pmid:2", "exclude", "ft", "wrong design");
  ev.vote("ben", "pmid:2", "exclude", "ft", "wrong design");
  auto s = litrev::fold_screening(protocol("dual", "dual"), ev.sorted());
  CHECK(s.find("pmid:1")->ft.status == Status::conflict);
  CHECK(s.find("pmid:1")->ft.conflict == "reasons differ");
  CHECK(s.find("pmid:2")->ft.status == Status::excluded);
  CHECK(s.find("pmid:2")->ft.reason == "wrong design");

  ev.add("cy", "screen.resolve", {{"key", "pmid:1"}, {"stage", "full-text"}, {"decision", "include"}});
  ev.add("cy", "screen.resolve",
         {{"key", "pmid:1"}, {"stage", "full-text"}, {"decision", "exclude"}, {"reason", "wrong population"}});
  s = litrev::fold_screening(protocol("dual", "dual"), ev.sorted());
  // The latest resolution stands.
  CHECK(s.find("pmid:1")->ft.status == Status::excluded);
  CHECK(s.find("pmid:1")->ft.reason == "wrong population");
  CHECK(s.find("pmid:1")->ft.resolution->adjudicator == "cy");
}

TEST_CASE("fold: votes on any key of a cluster count for the cluster", "[screening]") {
  Events ev;
  ev.vote("ana", "doi:10.1/x", "include");
  ev.vote("ben", "pmid:7", "include");
  const std::map<std::string, std::string> clusters = {{"doi:10.1/x", "doi:10.1/x"}, {"pmid:7", "doi:10.1/x"}};
  const auto s = litrev::fold_screening(protocol("dual", "dual"), ev.sorted(), clusters);
  REQUIRE(s.records.size() == 1);
  CHECK(s.find("doi:10.1/x")->ta.status == Status::included);
  CHECK(s.find("doi:10.1/x")->ta.votes.at("ben").key == "pmid:7");
}

TEST_CASE("fold: retrieval marks, unreadable events and other event types", "[screening]") {
  Events ev;
  ev.vote("ana", "pmid:1", "include");
  ev.add("ana", "screen.retrieval", {{"key", "pmid:1"}, {"retrieved", false}, {"reason", "no access"}});
  ev.add("ana", "screen.decision", {{"key", "pmid:2"}, {"stage", "ta"}, {"decision", "perhaps"}});
  ev.add("ana", "screen.decision", {{"stage", "ta"}, {"decision", "include"}});
  ev.add("ana", "dedup.confirm", {{"keys", json::array({"pmid:1", "pmid:2"})}});
  ev.add("ana", "screen.resolve", {{"key", "pmid:2"}, {"stage", "ta"}, {"decision", "maybe"}});
  const auto s = litrev::fold_screening(protocol("single", "single"), ev.sorted());
  REQUIRE(s.find("pmid:1")->retrieval);
  CHECK_FALSE(s.find("pmid:1")->retrieval->retrieved);
  CHECK(s.find("pmid:1")->retrieval->reason == "no access");
  CHECK(s.problems.size() == 3);
  CHECK(s.find("pmid:2") == nullptr);

  const auto terms = litrev::state_terms(s.find("pmid:1"));
  CHECK(terms.status == std::vector<std::string>{"ta-included", "ft-not-retrieved"});
  CHECK(litrev::state_terms(nullptr).status.empty());
}

TEST_CASE("agreement from ledger events matches R psych on the screening table", "[screening]") {
  // Reviewer A by reviewer B = [[20, 5], [10, 65]] (Include, Exclude), the
  // table of ../shared/fixtures/metafor/metafor_ref.json "cohen_kappa_screening".
  Events ev;
  int n = 0;
  auto add = [&](const char* a, const char* b, int count) {
    for (int i = 0; i < count; ++i) {
      const std::string key = "pmid:" + std::to_string(++n);
      ev.vote("ana", key, a);
      ev.vote("ben", key, b);
    }
  };
  add("include", "include", 20);
  add("include", "exclude", 5);
  add("exclude", "include", 10);
  add("exclude", "exclude", 65);
  // Records only one of them screened do not count.
  ev.vote("ana", "pmid:1000", "include");
  const auto state = litrev::fold_screening(protocol("dual", "dual"), ev.sorted());
  const auto a = litrev::screening_agreement(state, Stage::title_abstract, litrev::MaybeAs::include);
  REQUIRE(a.pairs.size() == 1);
  const auto& k = a.pairs[0].stats;
  CHECK(a.pairs[0].table == litrev::AgreementTable{{20, 5}, {10, 65}});
  CHECK(k.n == 100);
  CHECK(std::abs(k.p_observed - 0.85) < 1e-12);
  CHECK(std::abs(k.kappa - 0.6250000000000001) < 1e-9);
  CHECK(std::abs(k.var_kappa - 0.00760986328125) < 1e-9);
  CHECK(std::abs(k.ci_lb - 0.4540234623521867) < 1e-9);
  CHECK(std::abs(k.ci_ub - 0.7959765376478135) < 1e-9);
  CHECK_FALSE(a.fleiss);
}

TEST_CASE("agreement with maybe as a category matches psych's three-category kappa", "[screening]") {
  // metafor_ref.json "cohen_kappa_3cat": Include, Maybe, Exclude.
  const int table[3][3] = {{15, 3, 1}, {4, 8, 5}, {1, 6, 57}};
  const char* names[3] = {"include", "maybe", "exclude"};
  Events ev;
  int n = 0;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int c = 0; c < table[i][j]; ++c) {
        const std::string key = "pmid:" + std::to_string(++n);
        ev.vote("ana", key, names[i]);
        ev.vote("ben", key, names[j]);
      }
    }
  }
  const auto state = litrev::fold_screening(protocol("dual", "dual"), ev.sorted());
  const auto a = litrev::screening_agreement(state, Stage::title_abstract, litrev::MaybeAs::category);
  REQUIRE(a.pairs.size() == 1);
  const auto& k = a.pairs[0].stats;
  CHECK(std::abs(k.kappa - 0.6225702962823173) < 1e-9);
  CHECK(std::abs(k.var_kappa - 0.004974387758398208) < 1e-9);
  CHECK(std::abs(k.weighted_kappa - 0.7957580518460329) < 1e-9);
  // Not psych's 0 (its documented bug): the Fleiss-Cohen-Everitt variance.
  CHECK(std::abs(k.var_weighted_kappa - 0.00291680228064403) < 1e-9);

  // Maybe counted as include folds the middle row and column into include.
  const auto inc = litrev::screening_agreement(state, Stage::title_abstract, litrev::MaybeAs::include);
  CHECK(inc.pairs[0].table == litrev::AgreementTable{{15 + 3 + 4 + 8, 1 + 5}, {1 + 6, 57}});
}

TEST_CASE("agreement: first votes, three screeners and reasons at full text", "[screening]") {
  Events ev;
  for (int i = 1; i <= 4; ++i) {
    const std::string key = "pmid:" + std::to_string(i);
    ev.vote("ana", key, "include");
    ev.vote("ben", key, i % 2 ? "include" : "exclude");
    ev.vote("cy", key, "include");
    ev.vote("ana", key, "exclude", "ft", i <= 2 ? "wrong design" : "wrong population");
    ev.vote("ben", key, "exclude", "ft", "wrong design");
  }
  ev.vote("ben", "pmid:2", "include"); // ben changes his mind on pmid:2
  const auto state = litrev::fold_screening(protocol("dual", "dual"), ev.sorted());
  const auto latest = litrev::screening_agreement(state, Stage::title_abstract, litrev::MaybeAs::include);
  const auto first =
      litrev::screening_agreement(state, Stage::title_abstract, litrev::MaybeAs::include, litrev::VoteChoice::first);
  REQUIRE(latest.pairs.size() == 3); // ana-ben, ana-cy, ben-cy
  CHECK(latest.pairs[0].a == "ana");
  CHECK(latest.pairs[0].b == "ben");
  CHECK(latest.pairs[0].table == litrev::AgreementTable{{3, 1}, {0, 0}});
  CHECK(first.pairs[0].table == litrev::AgreementTable{{2, 2}, {0, 0}});
  CHECK(latest.pairs[0].changed == 1);
  REQUIRE(latest.fleiss);
  CHECK(latest.fleiss->subjects == 4);
  CHECK(latest.fleiss_raters == std::vector<std::string>{"ana", "ben", "cy"});

  const auto ft = litrev::screening_agreement(state, Stage::full_text, litrev::MaybeAs::include);
  REQUIRE(ft.reasons.size() == 1);
  CHECK(ft.reasons[0].categories == std::vector<std::string>{"wrong design", "wrong population"});
  CHECK(ft.reasons[0].table == litrev::AgreementTable{{2, 0}, {2, 0}});
}

TEST_CASE("queue: prioritised order puts records like the included ones first", "[screening]") {
  litrev::test::TempDir tmp;
  const std::string dir = tmp / "r";
  litrev::Review::init(dir, "t");
  // Six records: three on ketamine for alcohol use disorder, three on soil.
  std::string ris;
  const char* titles[] = {
      "Ketamine infusion for alcohol use disorder relapse prevention",
      "Soil restoration after mining with native grasses",
      "Ketamine and psychotherapy reduce heavy drinking in alcohol use disorder",
      "Soil carbon recovery in restored grasslands",
      "Esketamine for alcohol dependence: a randomised trial of ketamine",
      "Grassland soil nitrogen after restoration",
  };
  for (int i = 0; i < 6; ++i) {
    ris += "TY  - JOUR\nTI  - " + std::string(titles[i]) + "\nPY  - 2020\nDO  - 10.9999/p." + std::to_string(i) +
           "\nER  - \n\n";
  }
  litrev::test::write_text(tmp / "six.ris", ris);
  litrev::Review review(dir);
  review.import_files({tmp / "six.ris"}, {});
  litrev::DecisionInput in;
  in.key = "doi:10.9999/p.0";
  in.decision = Decision::include;
  review.decide("ana", in);
  in.key = "doi:10.9999/p.1";
  in.decision = Decision::exclude;
  review.decide("ana", in);

  const auto by_key = review.queue("ben", Stage::title_abstract, litrev::QueueOrder::key, 1, false);
  REQUIRE(by_key.size() == 4);
  const auto ranked = review.queue("ben", Stage::title_abstract, litrev::QueueOrder::prioritised, 1, false);
  REQUIRE(ranked.size() == 4);
  // The two ketamine records come before the two soil records.
  CHECK(ranked[0].key != "doi:10.9999/p.3");
  CHECK(ranked[0].key != "doi:10.9999/p.5");
  std::vector<std::string> first_two = {ranked[0].key, ranked[1].key};
  std::sort(first_two.begin(), first_two.end());
  CHECK(first_two == std::vector<std::string>{"doi:10.9999/p.2", "doi:10.9999/p.4"});
  // Deterministic for a seed.
  const auto again = review.queue("ben", Stage::title_abstract, litrev::QueueOrder::prioritised, 1, false);
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    CHECK(again[i].key == ranked[i].key);
  }
  // Review::rank gives the same order, with descending scores, for the
  // records not settled yet (the two ana decided are settled: single mode).
  const litrev::Ranking rank = review.rank(Stage::title_abstract, 1);
  CHECK(rank.trained);
  CHECK(rank.included == 1);
  CHECK(rank.excluded == 1);
  CHECK(rank.seed == 1);
  CHECK_THAT(rank.settings, Catch::Contains("svm (liblinear") && Catch::Contains("seed 1"));
  REQUIRE(rank.records.size() == ranked.size());
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    CHECK(rank.records[i].key == ranked[i].key);
    if (i > 0) {
      CHECK(rank.records[i].score <= rank.records[i - 1].score);
    }
  }
  CHECK(rank.records[1].score > rank.records[2].score); // ketamine above soil, strictly
}

TEST_CASE("rank: key order with zero scores until one include and one exclude", "[screening]") {
  litrev::test::TempDir tmp;
  const std::string dir = tmp / "r";
  litrev::Review::init(dir, "t");
  litrev::test::write_text(tmp / "two.ris", "TY  - JOUR\nTI  - B title\nPY  - 2020\nDO  - 10.9999/b\nER  - \n\n"
                                            "TY  - JOUR\nTI  - A title\nPY  - 2020\nDO  - 10.9999/a\nER  - \n\n");
  litrev::Review review(dir);
  review.import_files({tmp / "two.ris"}, {});
  const litrev::Ranking rank = review.rank(Stage::title_abstract, 0);
  CHECK_FALSE(rank.trained);
  REQUIRE(rank.records.size() == 2);
  CHECK(rank.records[0].key == "doi:10.9999/a");
  CHECK(rank.records[0].score == 0);
  CHECK(review.rank(Stage::full_text, 0).records.empty()); // nothing included at title-abstract yet
}

TEST_CASE("queue votes record their order; the ranker sees new records; blind fields can be hidden",
          "[screening]") {
  litrev::test::TempDir tmp;
  const std::string dir = tmp / "r";
  litrev::Review::init(dir, "t");
  const auto ris = [](int first, const std::vector<std::string>& titles) {
    std::string out;
    for (std::size_t i = 0; i < titles.size(); ++i) {
      out += "TY  - JOUR\nTI  - " + titles[i] + "\nPY  - 2020\nDO  - 10.9999/q." + std::to_string(first + i) +
             "\nER  - \n\n";
    }
    return out;
  };
  litrev::test::write_text(tmp / "a.ris", ris(0, {"Ketamine for alcohol use disorder", "Soil after mining",
                                                  "Grassland soil nitrogen", "Soil carbon in grasslands"}));
  litrev::Review review(dir);
  review.import_files({tmp / "a.ris"}, {});
  litrev::DecisionInput in;
  in.key = "doi:10.9999/q.0";
  in.decision = Decision::include;
  in.order = litrev::QueueOrder::prioritised;
  in.order_seed = 3;
  review.decide("ana", in);
  in.key = "doi:10.9999/q.1";
  in.decision = Decision::exclude;
  in.order = litrev::QueueOrder::key;
  review.decide("ana", in);
  in.key = "doi:10.9999/q.2";
  in.order.reset();
  review.decide("ana", in);

  // The fold keeps how each record was presented; progress counts it.
  const litrev::ScreeningState state = review.screening();
  const litrev::Vote& v = state.find("doi:10.9999/q.0")->ta.votes.at("ana");
  CHECK(v.order == "prioritised");
  CHECK(v.ranker == litrev::prioritised_ranker(3) + ", litrev " + litrev::version());
  CHECK(state.find("doi:10.9999/q.1")->ta.votes.at("ana").order == "key");
  CHECK(state.find("doi:10.9999/q.2")->ta.votes.at("ana").order.empty());
  const auto progress = review.progress(state);
  REQUIRE(!progress.empty());
  CHECK(progress[0].orders == std::map<std::string, std::uint64_t>{
                                  {"", 1}, {"key", 1}, {"prioritised: " + v.ranker, 1}});

  // Ranked once (its features kept), then a new import: the ranking must
  // know the new record, and put the new ketamine record first.
  const litrev::Ranking before = review.rank(Stage::title_abstract, 1);
  REQUIRE(before.records.size() == 1);
  litrev::test::write_text(tmp / "b.ris", ris(10, {"Ketamine infusion and alcohol use disorder relapse"}));
  review.import_files({tmp / "b.ris"}, {});
  const litrev::Ranking after = review.rank(Stage::title_abstract, 1);
  REQUIRE(after.records.size() == 2);
  CHECK(after.records[0].key == "doi:10.9999/q.10");
  CHECK(after.records[0].score > after.records[1].score);

  // Duplicate clusters are kept per process too: a new import that brings a
  // duplicate, and a person's split, must both show at once.
  CHECK(review.deduplicate().clusters.empty());
  const std::string report = "TI  - Naltrexone and ketamine in opioid use disorder: a randomised trial\nPY  - 2021\n"
                             "AU  - Smith, John\nAU  - Jones, Ann\nJO  - Journal of Addiction Studies\nVL  - 12\n"
                             "IS  - 3\nSP  - 101\nEP  - 110\n";
  litrev::test::write_text(tmp / "c.ris", "TY  - JOUR\n" + report + "DO  - 10.9999/q.20\nER  - \n\nTY  - JOUR\n" +
                                              report + "ER  - \n\n");
  review.import_files({tmp / "c.ris"}, {});
  const litrev::ReviewDedup joined = review.deduplicate();
  CHECK(joined.records == 7);
  REQUIRE(joined.clusters.size() == 1);
  const std::vector<std::string> pair = joined.clusters[0].keys;
  REQUIRE(pair.size() == 2);
  review.decide_duplicates("ana", false, pair);
  CHECK(review.deduplicate().clusters.empty());

  // A blind screener's search may not use the status or conflict fields.
  review.sync_state();
  const litrev::Index index = review.open_index();
  litrev::SearchOptions options;
  CHECK(index.search("status:ta-included", options).total == 1);
  options.hidden_fields = {"status", "conflict"};
  CHECK_THROWS_AS(index.search("status:ta-included", options), litrev::UsageError);
  CHECK_THROWS_AS(index.search("soil AND conflict:ta", options), litrev::UsageError);
  options.syntax = litrev::QuerySyntax::pubmed;
  CHECK(index.search("soil[ti]", options).total == 3);
}
