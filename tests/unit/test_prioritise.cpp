// Prioritised screening: tokenizer, TF-IDF, the ranker on a toy set, the
// simulation's metrics on hand-made orders with known answers, determinism.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <litrev/error.hpp>
#include <litrev/prioritise.hpp>
#include <litrev/review.hpp>

#include "testutil.hpp"

using namespace litrev;

namespace {

// A toy review: relevant records are about ketamine for alcohol use
// disorder, irrelevant ones about wetland restoration, with some shared
// filler words so the task is not a matter of any overlap at all.
std::vector<LabelledRecord> toy_records() {
  const std::vector<std::string> relevant_words = {"ketamine", "alcohol", "craving", "relapse", "infusion",
                                                   "psychotherapy", "abstinence", "dependence"};
  const std::vector<std::string> other_words = {"wetland", "restoration", "soil", "vegetation", "hydrology",
                                                "river", "sediment", "biodiversity"};
  const std::vector<std::string> filler = {"study", "results", "trial", "patients", "outcomes", "method"};
  std::vector<LabelledRecord> out;
  for (int i = 0; i < 60; ++i) {
    const bool rel = i % 6 == 2; // 10 relevant of 60
    const auto& words = rel ? relevant_words : other_words;
    LabelledRecord r;
    r.id = "r" + std::to_string(i);
    r.title = words[static_cast<std::size_t>(i) % words.size()] + " " +
              words[static_cast<std::size_t>(i + 3) % words.size()] + " " + filler[static_cast<std::size_t>(i) % 6];
    r.abstract = words[static_cast<std::size_t>(i + 1) % words.size()] + " and " +
                 words[static_cast<std::size_t>(i + 5) % words.size()] + " in " +
                 filler[static_cast<std::size_t>(i + 2) % 6] + " " + filler[static_cast<std::size_t>(i + 4) % 6];
    r.included = rel;
    out.push_back(r);
  }
  return out;
}

std::vector<std::string> texts_of(const std::vector<LabelledRecord>& records) {
  std::vector<std::string> t;
  for (const auto& r : records) {
    t.push_back(record_text(r));
  }
  return t;
}

} // namespace

TEST_CASE("prioritise: the tokenizer lower-cases letter and digit runs and drops short tokens", "[prioritise]") {
  CHECK(tokenize("Ketamine-assisted Therapy: a RCT (n=30)") ==
        std::vector<std::string>{"ketamine", "assisted", "therapy", "rct", "30"});
  CHECK(tokenize("\xc3\x84rzte \xc3\xbc" "ber Alkohol") == std::vector<std::string>{"\xc3\xa4rzte", "\xc3\xbc" "ber",
                                                                                    "alkohol"});
  CHECK(tokenize("a b c", 1) == std::vector<std::string>{"a", "b", "c"});
  CHECK(tokenize("").empty());
}

TEST_CASE("prioritise: TF-IDF has a sorted vocabulary with bigrams and unit rows", "[prioritise]") {
  FeatureOptions all;
  all.min_df = 1;
  const Features f = tfidf_features({"alcohol ketamine alcohol", "ketamine trial", ""}, all);
  CHECK(f.terms == std::vector<std::string>{"alcohol", "alcohol ketamine", "ketamine", "ketamine alcohol",
                                            "ketamine trial", "trial"});
  REQUIRE(f.rows.size() == 3);
  CHECK(f.rows[2].empty());
  for (std::size_t r = 0; r < 2; ++r) {
    double norm = 0;
    for (const auto& [c, v] : f.rows[r]) {
      norm += v * v;
    }
    CHECK(norm == Approx(1.0));
  }
  // Document 0: alcohol tf 2 -> 1 + ln 2, idf ln(4/2) + 1; "alcohol ketamine"
  // and "ketamine alcohol" tf 1, idf ln(4/2) + 1; ketamine tf 1, idf ln(4/3) + 1.
  const double idf1 = std::log(2.0) + 1, idf2 = std::log(4.0 / 3.0) + 1;
  const double a = (1 + std::log(2.0)) * idf1, b = idf1, k = idf2;
  const double norm = std::sqrt(a * a + 2 * b * b + k * k);
  REQUIRE(f.rows[0].size() == 4);
  CHECK(f.rows[0][0].first == 0);
  CHECK(f.rows[0][0].second == Approx(a / norm));
  CHECK(f.rows[0][2].first == 2);
  CHECK(f.rows[0][2].second == Approx(k / norm));
  FeatureOptions uni;
  uni.bigrams = false;
  uni.min_df = 2;
  CHECK(tfidf_features({"alcohol ketamine alcohol", "ketamine trial", ""}, uni).terms ==
        std::vector<std::string>{"ketamine"});
  // By default a term must be in two records; "ketamine" alone is left,
  // with the whole weight of its rows.
  const Features d = tfidf_features({"alcohol ketamine alcohol", "ketamine trial", ""});
  CHECK(d.terms == std::vector<std::string>{"ketamine"});
  REQUIRE(d.rows[0].size() == 1);
  CHECK(d.rows[0][0].second == Approx(1.0));
}

TEST_CASE("prioritise: MeSH headings and publication types are whole extra terms", "[prioritise]") {
  Record r;
  r.mesh.push_back({"D000437", "Alcoholism", true, "", {}});
  r.mesh.push_back({"D007649", "Ketamine", false, "", {}});
  r.publication_types.push_back({"D016449", "Randomized Controlled Trial"});
  CHECK(controlled_terms(r) ==
        std::vector<std::string>{"mesh:alcoholism", "mesh:ketamine", "pt:randomized controlled trial"});
  CHECK(controlled_terms(Record{}).empty());

  // Three records with no words at all: the terms alone make the features,
  // whole (no bigrams, no tokenising), kept by min df like words.
  const std::vector<std::string> texts = {"", "", "alcoholism"};
  const std::vector<std::vector<std::string>> terms = {
      {"mesh:alcoholism", "pt:randomized controlled trial"},
      {"mesh:alcoholism", "mesh:knee"},
      {"pt:randomized controlled trial"}};
  const Features f = tfidf_features(texts, FeatureOptions{}, terms);
  CHECK(f.terms == std::vector<std::string>{"mesh:alcoholism", "pt:randomized controlled trial"});
  CHECK(f.rows[0].size() == 2);
  CHECK_THROWS_AS(tfidf_features(texts, FeatureOptions{}, {{"mesh:x"}}), std::invalid_argument);

  // A ranker learns from them: records sharing the included record's
  // heading come first.
  std::vector<std::string> none(6);
  const std::vector<std::vector<std::string>> t6 = {{"mesh:alcoholism"}, {"mesh:knee"},       {"mesh:alcoholism"},
                                                    {"mesh:knee"},       {"mesh:alcoholism"}, {"mesh:knee"}};
  const Features g = tfidf_features(none, FeatureOptions{}, t6);
  Ranker ranker(g, RankerSettings{});
  const std::vector<double> s = ranker.score({0, 1}, {true, false}, {2, 3, 4, 5});
  CHECK(s[0] > s[1]);
  CHECK(s[2] > s[3]);
}

TEST_CASE("prioritise: metrics on a hand-made order", "[prioritise]") {
  // N' = 10 records screened after the priors, K' = 3 relevant at positions
  // 1, 3 and 8.
  //   n95: ceil(0.95 * 3) = 3 relevant -> found at record 8; n100 = 8.
  //   WSS@95 = (10 - 8) / 10 - 0.05 = 0.15 -> 15 %.
  //   RRF@10: the first floor(0.1 * 10) = 1 record holds 1 of 3 -> 33.33 %.
  //   ATD = mean(1, 3, 8) / 10 = 4 / 10 -> 40 %.
  const ScreeningMetrics m = screening_metrics({true, false, true, false, false, false, false, true, false, false});
  CHECK(m.records == 10);
  CHECK(m.relevant == 3);
  CHECK(m.n95 == 8);
  CHECK(m.n100 == 8);
  CHECK(m.wss95 == Approx(15.0));
  CHECK(m.rrf10 == Approx(100.0 / 3));
  CHECK(m.atd == Approx(40.0));
}

TEST_CASE("prioritise: metrics where 95 percent comes before the last relevant record", "[prioritise]") {
  // N' = 25, K' = 20: positions 1..19 relevant, 20..24 not, 25 relevant.
  //   n95: ceil(0.95 * 20) = 19 -> record 19; n100 = 25.
  //   WSS@95 = (25 - 19) / 25 - 0.05 = 0.19 -> 19 %.
  //   RRF@10: floor(2.5) = 2 records, both relevant -> 2 / 20 = 10 %.
  //   ATD = (1 + ... + 19 + 25) / 20 / 25 = (190 + 25) / 500 = 0.43 -> 43 %.
  std::vector<bool> order(25, false);
  for (std::size_t i = 0; i < 19; ++i) {
    order[i] = true;
  }
  order[24] = true;
  const ScreeningMetrics m = screening_metrics(order);
  CHECK(m.n95 == 19);
  CHECK(m.n100 == 25);
  CHECK(m.wss95 == Approx(19.0));
  CHECK(m.rrf10 == Approx(10.0));
  CHECK(m.atd == Approx(43.0));
  CHECK_THROWS_AS(screening_metrics({false, false}), std::invalid_argument);
}

TEST_CASE("prioritise: mean and sample sd", "[prioritise]") {
  const MeanSd m = mean_sd({2, 4, 4, 4, 5, 5, 7, 9});
  CHECK(m.mean == Approx(5.0));
  CHECK(m.sd == Approx(std::sqrt(32.0 / 7)));
  CHECK(mean_sd({3}).sd == 0);
}

TEST_CASE("prioritise: every model puts the obviously relevant records first", "[prioritise]") {
  const auto records = toy_records();
  const Features f = tfidf_features(texts_of(records));
  // Labelled: one relevant (row 2) and two irrelevant (rows 0 and 1).
  const std::vector<std::size_t> labelled = {0, 1, 2};
  const std::vector<bool> labels = {false, false, true};
  std::vector<std::size_t> candidates;
  for (std::size_t i = 3; i < records.size(); ++i) {
    candidates.push_back(i);
  }
  for (RankModel model : {RankModel::svm, RankModel::logistic, RankModel::naive_bayes}) {
    INFO(rank_model_name(model));
    RankerSettings s;
    s.model = model;
    s.seed = 7;
    Ranker ranker(f, s);
    const auto order = order_by_score(candidates, ranker.score(labelled, labels, candidates));
    // The 9 relevant candidates come first.
    for (std::size_t i = 0; i < 9; ++i) {
      CHECK(records[order[i]].included);
    }
  }
}

TEST_CASE("prioritise: nothing to learn gives equal scores", "[prioritise]") {
  const auto records = toy_records();
  const Features f = tfidf_features(texts_of(records));
  Ranker ranker(f, RankerSettings{});
  const auto scores = ranker.score({0, 1}, {false, false}, {3, 4, 5});
  CHECK(scores == std::vector<double>{0, 0, 0});
  CHECK_THROWS_AS(ranker.score({0}, {true, false}, {3}), std::invalid_argument);
  CHECK_THROWS_AS(ranker.score({0}, {true}, {600}), std::invalid_argument);
}

TEST_CASE("prioritise: simulation is deterministic for a seed and beats random order", "[prioritise]") {
  const auto records = toy_records();
  for (RankModel model : {RankModel::svm, RankModel::naive_bayes}) {
    INFO(rank_model_name(model));
    SimulationOptions o;
    o.ranker.model = model;
    o.seeds = 2;
    o.first_seed = 11;
    const SimulationResult a = simulate(records, o);
    const SimulationResult b = simulate(records, o);
    REQUIRE(a.runs.size() == 2);
    CHECK(a.records == 60);
    CHECK(a.included == 10);
    for (std::size_t r = 0; r < 2; ++r) {
      CHECK(a.runs[r].seed == 11 + r);
      CHECK(a.runs[r].priors == b.runs[r].priors);
      CHECK(a.runs[r].order == b.runs[r].order);
      CHECK(a.runs[r].order.size() == 58);
      CHECK(a.runs[r].metrics.relevant == 9);
      // Separable toy data: the 9 remaining inclusions are the first 9.
      CHECK(a.runs[r].metrics.n100 == 9);
    }
    CHECK(a.wss95.mean == b.wss95.mean);
    CHECK(a.wss95.mean > 50);
    REQUIRE(a.recall.size() == 59);
    CHECK(a.recall.front() == 0);
    CHECK(a.recall.back() == Approx(1.0));
  }
  SimulationOptions o;
  o.prior_included = 10;
  CHECK_THROWS_AS(simulate(records, o), UsageError);
}

TEST_CASE("prioritise: simulate end to end on a tiny set with known answers", "[prioritise]") {
  // Three relevant records share every word with each other and none with
  // the four irrelevant ones, so after one random inclusion and one random
  // exclusion the ranker must put the other two relevant records first,
  // whatever the seed. Worked by hand: N' = 7 - 2 = 5, K' = 3 - 1 = 2;
  // n95 = ceil(0.95 x 2) = 2 = n100; WSS@95 = 100 x ((5 - 2) / 5 - 0.05) = 55;
  // RRF@10 counts the first floor(0.1 x 5) = 0 records: 0; ATD = 100 x
  // ((1 + 2) / 2) / 5 = 30. Recall curve: 0, 0.5, 1, 1, 1, 1.
  std::vector<LabelledRecord> v = {
      {"r1", "ketamine alcohol craving", "infusion trial", true},
      {"x1", "knee surgery outcomes", "orthopaedic cost", false},
      {"r2", "ketamine alcohol craving", "infusion trial relapse", true},
      {"x2", "knee surgery outcomes", "orthopaedic pain", false},
      {"x3", "knee surgery outcomes", "orthopaedic rehabilitation", false},
      {"r3", "ketamine alcohol craving", "infusion trial abstinence", true},
      {"x4", "knee surgery outcomes", "orthopaedic imaging", false},
  };
  for (const RankModel model : {RankModel::svm, RankModel::logistic, RankModel::naive_bayes}) {
    CAPTURE(rank_model_name(model));
    SimulationOptions o;
    o.ranker.model = model;
    o.seeds = 4;
    const SimulationResult r = simulate(v, o);
    CHECK(r.records == 7);
    CHECK(r.included == 3);
    REQUIRE(r.runs.size() == 4);
    for (const SimulationRun& run : r.runs) {
      REQUIRE(run.priors.size() == 2);
      CHECK(v[run.priors[0]].included != v[run.priors[1]].included);
      REQUIRE(run.order.size() == 5);
      CHECK(v[run.order[0]].included);
      CHECK(v[run.order[1]].included);
      CHECK(run.metrics.records == 5);
      CHECK(run.metrics.relevant == 2);
    }
    CHECK(r.wss95.mean == Approx(55.0));
    CHECK(r.wss95.sd == Approx(0.0).margin(1e-12));
    CHECK(r.rrf10.mean == Approx(0.0).margin(1e-12));
    CHECK(r.atd.mean == Approx(30.0));
    CHECK(r.n95.mean == Approx(2.0));
    CHECK(r.n100.mean == Approx(2.0));
    REQUIRE(r.recall.size() == 6);
    const double curve[] = {0, 0.5, 1, 1, 1, 1}; // shares of K'
    for (std::size_t i = 0; i < 6; ++i) {
      CHECK(r.recall[i] == Approx(curve[i]).margin(1e-12));
    }
  }
  // Two inclusions as priors: one relevant record left, N' = 4, K' = 1;
  // n95 = n100 = 1, WSS@95 = 100 x (3/4 - 0.05) = 70, ATD = 100 x 1/4 = 25.
  SimulationOptions o;
  o.prior_included = 2;
  o.seeds = 3;
  const SimulationResult r = simulate(v, o);
  CHECK(r.wss95.mean == Approx(70.0));
  CHECK(r.atd.mean == Approx(25.0));
  CHECK(r.n95.mean == Approx(1.0));
  CHECK(r.n100.mean == Approx(1.0));
  CHECK(r.rrf10.mean == Approx(0.0).margin(1e-12));
}

TEST_CASE("prioritise: reading a labelled CSV", "[prioritise]") {
  litrev::test::TempDir tmp;
  const std::string good = (tmp.path() / "good.csv").string();
  {
    std::ofstream out(good);
    out << "label_included,title,id,abstract,extra\n"
           "1,\"Ketamine, alcohol\",a1,\"An abstract\nover two lines\",x\n"
           "0,Soil,a2,,y\n";
  }
  const auto records = read_labelled_csv(good);
  REQUIRE(records.size() == 2);
  CHECK(records[0].id == "a1");
  CHECK(records[0].title == "Ketamine, alcohol");
  CHECK(records[0].abstract == "An abstract\nover two lines");
  CHECK(records[0].included);
  CHECK(records[1].abstract.empty());
  CHECK_FALSE(records[1].included);

  const std::string bad = (tmp.path() / "bad.csv").string();
  {
    std::ofstream out(bad);
    out << "id,title,abstract,label_included\na1,T,A,1\na2,T,A,maybe\n";
  }
  try {
    read_labelled_csv(bad);
    FAIL("no error for a bad label");
  } catch (const DataError& e) {
    CHECK(e.line() == 3);
  }
  const std::string nocol = (tmp.path() / "nocol.csv").string();
  {
    std::ofstream out(nocol);
    out << "id,title,abstract\na1,T,A\n";
  }
  CHECK_THROWS_AS(read_labelled_csv(nocol), DataError);
}
