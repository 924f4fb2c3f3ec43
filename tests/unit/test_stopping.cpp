// Stopping rules: the hypergeometric CDF against scipy and exact arithmetic
// (tests/unit/data/stopping, see PROVENANCE.md there), the statistical test
// of Callaghan & Müller-Hansen against a scipy reimplementation of its
// reference code and on hand-made sequences with known answers, the
// consecutive-irrelevant heuristics and SAFE's conditions, a review's
// screening sequence from ledger events, and the rules replayed in
// simulation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/prioritise.hpp>
#include <litrev/protocol.hpp>
#include <litrev/screening.hpp>
#include <litrev/stopping.hpp>

#include "testutil.hpp"

namespace {

using litrev::StoppingOptions;
using litrev::StoppingRule;
using nlohmann::json;

json stopping_ref() {
  const std::string text =
      litrev::test::read_text(std::string(LITREV_SOURCE_DIR) + "/tests/unit/data/stopping/stopping_ref.json");
  REQUIRE_FALSE(text.empty());
  return json::parse(text);
}

// |a - b| <= rel * |b| (and exact equality for b == 0).
bool close_rel(double a, double b, double rel) {
  if (b == 0) {
    return a == 0;
  }
  return std::fabs(a - b) <= rel * std::fabs(b);
}

std::vector<bool> labels_of(const std::string& s) {
  std::vector<bool> out;
  for (char c : s) {
    out.push_back(c == '1');
  }
  return out;
}

// `ones` relevant records, then `zeros` irrelevant ones.
std::vector<bool> block(std::size_t ones, std::size_t zeros) {
  std::vector<bool> out(ones, true);
  out.insert(out.end(), zeros, false);
  return out;
}

std::vector<bool> concat(std::vector<bool> a, const std::vector<bool>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// C(n, k) as a double, exactly for the small values used here.
double choose(unsigned n, unsigned k) {
  double r = 1;
  for (unsigned i = 1; i <= k; ++i) {
    r = r * (n - k + i) / i;
  }
  return r;
}

} // namespace

TEST_CASE("stopping: the hypergeometric CDF matches scipy to 1e-10 relative", "[stopping]") {
  const json ref = stopping_ref();
  REQUIRE(ref["cdf"].size() >= 30);
  for (const auto& c : ref["cdf"]) {
    const auto k = c["k"].get<std::uint64_t>();
    const auto m = c["population"].get<std::uint64_t>();
    const auto big_k = c["successes"].get<std::uint64_t>();
    const auto n = c["draws"].get<std::uint64_t>();
    const double ours = litrev::hypergeom_cdf(k, m, big_k, n);
    INFO("k " << k << " M " << m << " K " << big_k << " n " << n << " ours " << ours);
    CHECK(close_rel(ours, c["scipy"].get<double>(), 1e-10));
    // Exact rational arithmetic, rounded once: closer still.
    CHECK(close_rel(ours, c["exact"].get<double>(), 1e-12));
  }
}

TEST_CASE("stopping: the log CDF stays accurate where the CDF underflows", "[stopping]") {
  const json ref = stopping_ref();
  REQUIRE(ref["log_cdf"].size() == 4);
  for (const auto& c : ref["log_cdf"]) {
    const double ours = litrev::hypergeom_log_cdf(c["k"].get<std::uint64_t>(), c["population"].get<std::uint64_t>(),
                                                  c["successes"].get<std::uint64_t>(), c["draws"].get<std::uint64_t>());
    INFO("ours " << ours << " exact " << c["exact_log"].get<double>());
    CHECK(close_rel(ours, c["exact_log"].get<double>(), 1e-12));
    CHECK(litrev::hypergeom_cdf(c["k"].get<std::uint64_t>(), c["population"].get<std::uint64_t>(),
                                c["successes"].get<std::uint64_t>(), c["draws"].get<std::uint64_t>()) == 0.0);
  }
}

TEST_CASE("stopping: the hypergeometric pmf on small cases and its support", "[stopping]") {
  // M 10, K 3, n 4: C(3,k) C(7,4-k) / C(10,4).
  for (unsigned k = 0; k <= 3; ++k) {
    const double expected = choose(3, k) * choose(7, 4 - k) / choose(10, 4);
    CHECK(close_rel(std::exp(litrev::hypergeom_log_pmf(k, 10, 3, 4)), expected, 1e-13));
  }
  CHECK(std::isinf(litrev::hypergeom_log_pmf(4, 10, 3, 4)));
  // Support 2..3 for M 10, K 7, n 5 (at least 2 successes must be drawn).
  CHECK(litrev::hypergeom_cdf(1, 10, 7, 5) == 0.0);
  CHECK(litrev::hypergeom_cdf(5, 10, 7, 5) == 1.0);
  CHECK(litrev::hypergeom_cdf(0, 10, 3, 0) == 1.0);
  CHECK_THROWS_AS(litrev::hypergeom_cdf(0, 10, 11, 2), std::invalid_argument);
  CHECK_THROWS_AS(litrev::hypergeom_cdf(0, 10, 2, 11), std::invalid_argument);
}

TEST_CASE("stopping: K_tar is the smallest total under which recall is below target", "[stopping]") {
  CHECK(litrev::h0_relevant_total(0, 0.95) == 1);
  CHECK(litrev::h0_relevant_total(1, 0.95) == 2);
  // 19 / 0.95 is 20: with 20 relevant in all recall would be exactly 95%, not below.
  CHECK(litrev::h0_relevant_total(19, 0.95) == 21);
  CHECK(litrev::h0_relevant_total(20, 0.95) == 22);
  CHECK(litrev::h0_relevant_total(18, 0.9) == 21);
  CHECK(litrev::h0_relevant_total(10, 1.0) == 11);
  CHECK(litrev::h0_relevant_total(44, 0.95) == 47);
  CHECK_THROWS_AS(litrev::h0_relevant_total(3, 0.0), litrev::UsageError);
  CHECK_THROWS_AS(litrev::h0_relevant_total(3, 1.5), litrev::UsageError);
}

TEST_CASE("stopping: the statistical test matches a scipy reimplementation of buscar", "[stopping]") {
  const json ref = stopping_ref();
  REQUIRE(ref["tests"].size() == 10);
  for (const auto& t : ref["tests"]) {
    const std::vector<bool> labels = labels_of(t["labels"].get<std::string>());
    const auto records = t["records"].get<std::size_t>();
    const double target = t["recall_target"].get<double>();
    const litrev::StatisticalTest r = litrev::statistical_stopping_test(labels, records, target, 0.95);
    INFO(t["name"].get<std::string>() << ": p " << r.p << " at n " << r.sample);
    CHECK(r.screened == labels.size());
    CHECK(r.k_target == t["k_target"].get<std::uint64_t>());
    CHECK(close_rel(r.p, t["p"].get<double>(), 1e-10));
    CHECK(r.sample == t["sample"].get<std::size_t>());
    CHECK(r.stop == (t["p"].get<double>() < 0.05));
  }
}

TEST_CASE("stopping: all relevant found early then a long irrelevant tail stops", "[stopping]") {
  // 30 irrelevant and then 20 relevant records first of 1,000, then irrelevant ones.
  const std::vector<bool> head = concat(block(0, 30), block(20, 0));
  // K_tar = 22, so H0 means 2 relevant records among the 950 unscreened plus
  // the tail sample; with the whole tail of L as the sample, p = P(both are
  // outside the sample) = (950 - L)(949 - L) / (950 * 949), the smallest p.
  auto closed_form = [](double tail) { return (950 - tail) * (949 - tail) / (950.0 * 949.0); };
  for (std::size_t tail : {100u, 500u, 737u, 800u}) {
    const auto r = litrev::statistical_stopping_test(concat(head, block(0, tail)), 1000);
    INFO("tail " << tail);
    CHECK(r.k_target == 22);
    CHECK(r.sample == tail);
    CHECK(close_rel(r.p, closed_form(static_cast<double>(tail)), 1e-12));
  }
  // 737 irrelevant records are not quite enough at 95% confidence; 738 are.
  CHECK(closed_form(737) >= 0.05);
  CHECK(closed_form(738) < 0.05);
  CHECK_FALSE(litrev::statistical_stopping_test(concat(head, block(0, 737)), 1000).stop);
  CHECK(litrev::statistical_stopping_test(concat(head, block(0, 738)), 1000).stop);
  // Walking the sequence, the rule fires at the first record where it can.
  CHECK(litrev::first_stop(StoppingRule::statistical, concat(head, block(0, 950)), 1000) == 50 + 738);
  // A laxer confidence fires earlier: 90% needs p < 0.1.
  StoppingOptions lax;
  lax.confidence = 0.9;
  const auto t90 = litrev::first_stop(StoppingRule::statistical, concat(head, block(0, 950)), 1000, lax);
  REQUIRE(t90);
  CHECK(closed_form(static_cast<double>(*t90 - 50)) < 0.1);
  CHECK(closed_form(static_cast<double>(*t90 - 51)) >= 0.1);
}

TEST_CASE("stopping: first_stop is the first prefix the test rejects H0 on", "[stopping]") {
  // The reference's thinning curve over 1,200 of 1,704 records, then 400
  // irrelevant records.
  const json ref = stopping_ref();
  std::vector<bool> seq;
  for (const auto& t : ref["tests"]) {
    if (t["name"] == "thinning_1704") {
      seq = labels_of(t["labels"].get<std::string>());
    }
  }
  REQUIRE(seq.size() == 1200);
  seq = concat(seq, block(0, 400));
  const auto t = litrev::first_stop(StoppingRule::statistical, seq, 1704);
  REQUIRE(t);
  CHECK(*t > 1200);
  auto prefix = [&](std::size_t n) { return std::vector<bool>(seq.begin(), seq.begin() + static_cast<std::ptrdiff_t>(n)); };
  CHECK(litrev::statistical_stopping_test(prefix(*t), 1704).stop);
  for (std::size_t n = *t - 1; n > 0; n = n > 25 ? n - 25 : 0) {
    INFO("prefix " << n);
    CHECK_FALSE(litrev::statistical_stopping_test(prefix(n), 1704).stop);
  }
}

TEST_CASE("stopping: a sequence still finding relevant records does not stop", "[stopping]") {
  // Every 10th record relevant, 300 of 1,000 screened, the last one relevant.
  std::vector<bool> seq;
  for (int i = 0; i < 300; ++i) {
    seq.push_back(i % 10 == 9);
  }
  const auto r = litrev::statistical_stopping_test(seq, 1000);
  CHECK(r.relevant == 30);
  CHECK(r.p > 0.9);
  CHECK_FALSE(r.stop);
  CHECK_FALSE(litrev::first_stop(StoppingRule::statistical, seq, 1000));
  CHECK_FALSE(litrev::first_stop(StoppingRule::consecutive, seq, 1000));
  CHECK_FALSE(litrev::first_stop(StoppingRule::consecutive_share, seq, 1000));
  const litrev::StoppingCheck c = litrev::check_stopping(seq, 1000);
  for (const auto& v : c.rules) {
    CHECK_FALSE(v.stop);
  }
  CHECK(c.run == 0);
}

TEST_CASE("stopping: nothing screened and everything screened and nothing relevant yet", "[stopping]") {
  const auto none = litrev::statistical_stopping_test({}, 100);
  CHECK(none.p == 1.0);
  CHECK_FALSE(none.stop);
  CHECK(none.sample == 0);

  const std::vector<bool> all = concat(block(5, 0), block(0, 95));
  const auto done = litrev::statistical_stopping_test(all, 100);
  CHECK(done.p == 0.0);
  CHECK(done.stop);
  const litrev::StoppingCheck c = litrev::check_stopping(all, 100);
  for (const auto& v : c.rules) {
    CHECK(v.stop);
    CHECK_THAT(v.detail, Catch::Contains("Every record has been screened"));
  }
  // One relevant record first of 100: K_tar = 2, and with the tail of t - 1
  // as the sample p = 1 - (t - 1) / 99, below 0.05 from t = 96.
  CHECK(litrev::first_stop(StoppingRule::statistical, concat(block(1, 0), block(0, 99)), 100) == 96);
  // first_stop only counts stopping with records left: 5 of 5 screened in
  // order never leaves one.
  CHECK_FALSE(litrev::first_stop(StoppingRule::consecutive, block(5, 0), 5));

  // No relevant record: K_tar = 1 and p = 1 - n_seen / N (all screened as the sample).
  const auto zero = litrev::statistical_stopping_test(block(0, 150), 200);
  CHECK(zero.k_target == 1);
  CHECK(close_rel(zero.p, 0.25, 1e-13));
  CHECK(zero.sample == 150);
  CHECK_THAT(litrev::check_stopping(block(0, 150), 200).rules[0].detail, Catch::Contains("No relevant record"));
  CHECK(litrev::statistical_stopping_test(block(0, 191), 200).stop);       // p = 9/200
  CHECK_FALSE(litrev::statistical_stopping_test(block(0, 189), 200).stop); // p = 11/200

  CHECK_THROWS_AS(litrev::statistical_stopping_test(block(0, 3), 2), std::invalid_argument);
  CHECK_THROWS_AS(litrev::statistical_stopping_test(block(0, 3), 10, 0.95, 1.0), litrev::UsageError);
}

TEST_CASE("stopping: a sample that cannot hold K_tar gives p 0", "[stopping]") {
  // 99 of 100 screened, 39 relevant: K_tar = 42 needs 3 relevant among the one
  // record left plus the last record: impossible, so H0 is rejected.
  const std::vector<bool> seq = concat(concat(block(38, 58), block(1, 0)), block(0, 2));
  const auto r = litrev::statistical_stopping_test(seq, 100);
  CHECK(r.k_target == 42);
  CHECK(r.p == 0.0);
  CHECK(r.stop);
}

TEST_CASE("stopping: consecutive irrelevant heuristics", "[stopping]") {
  // 10 relevant then 60 irrelevant, N 200: the run of 50 is reached at 60; 5%
  // of 200 is 10, reached at 20.
  const std::vector<bool> seq = concat(block(10, 0), block(0, 60));
  CHECK(litrev::irrelevant_run(seq) == 60);
  CHECK(litrev::first_stop(StoppingRule::consecutive, seq, 200) == 60);
  CHECK(litrev::first_stop(StoppingRule::consecutive_share, seq, 200) == 20);
  StoppingOptions o;
  o.consecutive = 61;
  o.consecutive_share = 0.051; // ceil(10.2) = 11
  CHECK_FALSE(litrev::first_stop(StoppingRule::consecutive, seq, 200, o));
  CHECK(litrev::first_stop(StoppingRule::consecutive_share, seq, 200, o) == 21);

  const litrev::StoppingCheck c = litrev::check_stopping(seq, 200);
  REQUIRE(c.rules.size() == 4);
  CHECK(c.run == 60);
  CHECK(c.rules[1].rule == StoppingRule::consecutive);
  CHECK(c.rules[1].stop);
  CHECK(c.rules[1].threshold == 50);
  CHECK_THAT(c.rules[1].detail, Catch::Contains("The last 60 records screened were irrelevant"));
  CHECK(c.rules[2].threshold == 10);
  CHECK(c.rules[2].stop);
  // A relevant record last resets the run.
  const auto c2 = litrev::check_stopping(concat(seq, block(1, 0)), 200);
  CHECK(c2.run == 0);
  CHECK_FALSE(c2.rules[1].stop);
  CHECK_THAT(c2.rules[1].detail, Catch::Contains("The last record screened was relevant"));
}

TEST_CASE("stopping: SAFE needs an estimate and then all three conditions", "[stopping]") {
  // N 1,000. A random set of 20 first with 2 relevant: ERR = 100, so at least
  // 200 must be screened; 10% is 100; and 50 irrelevant in a row.
  std::vector<bool> seq = concat(block(2, 18), block(30, 100)); // 150 screened, run 100
  StoppingOptions o;
  const auto without = litrev::check_stopping(seq, 1000, o);
  CHECK_FALSE(without.rules[3].evaluable);
  CHECK_FALSE(without.rules[3].stop);
  CHECK_THAT(without.rules[3].detail, Catch::Contains("Cannot be assessed"));
  CHECK_FALSE(litrev::first_stop(StoppingRule::safe, seq, 1000, o));

  o.safe_random_sample = 20;
  const auto short_of_err = litrev::check_stopping(seq, 1000, o);
  REQUIRE(short_of_err.rules[3].estimated_relevant);
  CHECK(*short_of_err.rules[3].estimated_relevant == Approx(100.0));
  CHECK(short_of_err.rules[3].min_screened == 100);
  CHECK(short_of_err.rules[3].err_screened == 200);
  CHECK_FALSE(short_of_err.rules[3].stop); // 150 < 200
  seq = concat(seq, block(0, 50));         // 200 screened, run 150
  const auto enough = litrev::check_stopping(seq, 1000, o);
  CHECK(enough.rules[3].stop);
  CHECK_THAT(enough.rules[3].detail, Catch::Contains("All three conditions hold"));
  CHECK(litrev::first_stop(StoppingRule::safe, seq, 1000, o) == 200);
  // A relevant record at 199 restarts the run: 50 more are needed.
  std::vector<bool> late = seq;
  late[198] = true;
  late = concat(late, block(0, 100));
  CHECK(litrev::first_stop(StoppingRule::safe, late, 1000, o) == 199 + 50);
  // Before the random set is screened the rule waits.
  const auto early = litrev::check_stopping(block(0, 10), 1000, o);
  CHECK(early.rules[3].evaluable);
  CHECK_FALSE(early.rules[3].stop);
  // A given estimate wins: ERR 40 needs 80 screened, 10% needs 100.
  StoppingOptions given;
  given.safe_estimated_relevant = 40.0;
  CHECK(litrev::first_stop(StoppingRule::safe, concat(block(5, 0), block(0, 200)), 1000, given) == 100);
  given.safe_estimated_relevant = -1.0;
  CHECK_THROWS_AS(litrev::check_stopping(seq, 1000, given), litrev::UsageError);
}

TEST_CASE("stopping: the methods paragraph states the test and its result", "[stopping]") {
  const std::vector<bool> seq = concat(concat(block(20, 0), block(0, 30)), block(0, 800));
  StoppingOptions o;
  o.safe_estimated_relevant = 25.0;
  const litrev::StoppingCheck c = litrev::check_stopping(seq, 1000, o);
  CHECK(c.screened == 850);
  CHECK(c.relevant == 20);
  CHECK(c.rules[0].stop);
  CHECK_THAT(c.methods, Catch::Contains("850 of the 1000 records (85.0%) had been screened and 20 of them included"));
  CHECK_THAT(c.methods, Catch::Contains("Callaghan and Müller-Hansen (2020)"));
  CHECK_THAT(c.methods, Catch::Contains("recall was below 95%"));
  CHECK_THAT(c.methods, Catch::Contains("rejected at the 95% confidence level and screening could stop"));
  CHECK_THAT(c.methods, Catch::Contains("Boetje and van de Schoot 2024"));
  CHECK_THAT(c.rules[0].detail, Catch::Contains("at least 22 relevant records in all"));

  const litrev::StoppingCheck go_on = litrev::check_stopping(concat(block(20, 0), block(0, 30)), 1000);
  CHECK_FALSE(go_on.rules[0].stop);
  CHECK_THAT(go_on.methods, Catch::Contains("could not be rejected"));
  CHECK_THAT(go_on.methods, Catch::Contains("could not be assessed"));
  CHECK_THAT(litrev::check_stopping({}, 10).methods, Catch::Contains("none of the 10 records had been screened"));
}

TEST_CASE("stopping: a random sample after prioritised screening is tested alone, as in the paper",
          "[stopping]") {
  // 100 records screened in prioritised order (20 relevant), then 200 drawn
  // at random from the other 1,900 (none relevant); N = 2,000. K_tar =
  // floor(20 / 0.95) + 1 = 22, so H0 puts at least 2 relevant records among
  // the 1,900 the sample came from, and p = P(0 of 2 in 200 draws) =
  // (1,700 x 1,699) / (1,900 x 1,899), worked by hand.
  std::vector<bool> seq(100, false);
  for (std::size_t i = 0; i < 20; ++i) {
    seq[i * 5] = true;
  }
  seq.insert(seq.end(), 200, false);
  const litrev::StatisticalTest t = litrev::statistical_stopping_test(seq, 2000, 0.95, 0.95, 200);
  CHECK(t.random);
  CHECK(t.sample == 200);
  CHECK(t.k_target == 22);
  const double want = (1700.0 * 1699.0) / (1900.0 * 1899.0);
  CHECK(t.p == Approx(want).epsilon(1e-12));
  CHECK_FALSE(t.stop); // 0.80 is far above 0.05
  // The ranked quasi-sample takes the smallest p over every n: never above
  // the one sample's.
  const litrev::StatisticalTest q = litrev::statistical_stopping_test(seq, 2000, 0.95, 0.95);
  CHECK_FALSE(q.random);
  CHECK(q.p <= t.p);
  // check_stopping says which sample it used.
  litrev::StoppingOptions o;
  o.random_sample = 200;
  const litrev::StoppingCheck c = litrev::check_stopping(seq, 2000, o);
  CHECK(c.rules[0].p_value.value() == Approx(want).epsilon(1e-12));
  CHECK(c.rules[0].detail.find("in random order after the others") != std::string::npos);
  CHECK(c.methods.find("drawn at random") != std::string::npos);
  CHECK_THROWS_AS(litrev::statistical_stopping_test(seq, 2000, 0.95, 0.95, 301), std::invalid_argument);
}

TEST_CASE("stopping: the screening order is each record's first vote and only settled records count",
          "[stopping]") {
  const litrev::Protocol p = litrev::parse_protocol(
      json{{"title", "t"},
           {"stages", json::array({json{{"stage", "title-abstract"}, {"mode", "dual"}},
                                   json{{"stage", "full-text"}, {"mode", "single"}}})},
           {"reviewers", json::array({json{{"name", "ana"}}, json{{"name", "ben"}},
                                      json{{"name", "cy"}, {"role", "adjudicator"}}})}},
      "litrev.json");
  std::vector<litrev::LedgerEvent> events;
  std::map<std::string, std::uint64_t> seq;
  int minute = 0;
  auto add = [&](const std::string& actor, const std::string& type, const std::string& key, const char* decision,
                 const char* stage = "title-abstract") {
    litrev::LedgerEvent e;
    e.actor = actor;
    e.type = type;
    e.seq = ++seq[actor];
    e.ts = "2026-11-21T10:" + std::to_string(10 + minute++) + ":00Z";
    e.payload = {{"key", key}, {"stage", stage}, {"decision", decision}};
    events.push_back(e);
  };
  add("ana", "screen.decision", "k:c", "include"); // c first
  add("ana", "screen.decision", "k:a", "exclude");
  add("ben", "screen.decision", "k:a", "exclude"); // a settled (excluded)
  add("ana", "screen.decision", "k:b", "include"); // b awaits a second vote: not screened
  add("ben", "screen.decision", "k:c2", "include"); // c's other key: c settled (included)
  add("ana", "screen.decision", "k:d", "include");
  add("ben", "screen.decision", "k:d", "exclude"); // d in conflict...
  add("cy", "screen.resolve", "k:e", "exclude");   // e resolved without votes
  add("ana", "screen.decision", "k:c", "include"); // a later vote does not move c
  add("cy", "screen.resolve", "k:d", "include");   // ...d resolved: included, at its first vote
  add("ana", "screen.decision", "k:f", "include", "full-text"); // another stage
  // Ledgers are read per file, files by actor.
  std::stable_sort(events.begin(), events.end(),
                   [](const litrev::LedgerEvent& x, const litrev::LedgerEvent& y) { return x.actor < y.actor; });
  const std::map<std::string, std::string> cluster_of = {{"k:c", "k:c"}, {"k:c2", "k:c"}};
  litrev::ScreeningState state = litrev::fold_screening(p, events, cluster_of);
  state.cluster_of = cluster_of;
  const std::vector<std::string> stage_records = {"k:a", "k:b", "k:c", "k:d", "k:e", "k:g"};
  const litrev::ScreeningSequence s =
      litrev::screening_sequence(state, events, stage_records, litrev::Stage::title_abstract);
  CHECK(s.records == 6);
  CHECK(s.keys == std::vector<std::string>{"k:c", "k:a", "k:d", "k:e"});
  CHECK(s.relevant == std::vector<bool>{true, false, true, false});
  CHECK(s.random_tail == 0);

  // Votes cast from a random-order queue at the end are the random sample;
  // a random-order vote before other votes is not part of it.
  auto add_ordered = [&](const std::string& actor, const std::string& key, const char* decision, const char* kind) {
    add(actor, "screen.decision", key, decision);
    events.back().payload["order"] = {{"kind", kind}, {"litrev", "0.1.0"}};
  };
  add_ordered("ana", "k:g", "exclude", "random");
  add_ordered("ben", "k:g", "exclude", "random");
  add_ordered("ana", "k:h", "exclude", "prioritised");
  add_ordered("ben", "k:h", "exclude", "prioritised");
  add_ordered("ana", "k:i", "include", "random");
  add_ordered("ben", "k:i", "include", "random");
  add_ordered("ana", "k:j", "exclude", "random");
  add_ordered("ben", "k:j", "exclude", "random");
  std::stable_sort(events.begin(), events.end(),
                   [](const litrev::LedgerEvent& x, const litrev::LedgerEvent& y) { return x.actor < y.actor; });
  litrev::ScreeningState state2 = litrev::fold_screening(p, events, cluster_of);
  state2.cluster_of = cluster_of;
  const std::vector<std::string> records2 = {"k:a", "k:b", "k:c", "k:d", "k:e", "k:g", "k:h", "k:i", "k:j"};
  const litrev::ScreeningSequence s2 =
      litrev::screening_sequence(state2, events, records2, litrev::Stage::title_abstract);
  CHECK(s2.keys == std::vector<std::string>{"k:c", "k:a", "k:d", "k:e", "k:g", "k:h", "k:i", "k:j"});
  CHECK(s2.random_tail == 2);
}

TEST_CASE("stopping: simulation replays every rule on each run", "[stopping]") {
  // 120 records, 12 relevant (about ketamine) among soil-science ones.
  std::vector<litrev::LabelledRecord> records;
  const std::vector<std::string> rel = {"ketamine", "alcohol", "craving", "relapse", "infusion", "abstinence"};
  const std::vector<std::string> other = {"wetland", "soil", "vegetation", "river", "sediment", "grassland"};
  for (int i = 0; i < 120; ++i) {
    const bool r = i % 10 == 3;
    const auto& w = r ? rel : other;
    litrev::LabelledRecord x;
    x.id = "r" + std::to_string(i);
    x.title = w[static_cast<std::size_t>(i) % 6] + " " + w[static_cast<std::size_t>(i + 2) % 6] + " study";
    x.abstract = w[static_cast<std::size_t>(i + 1) % 6] + " and " + w[static_cast<std::size_t>(i + 4) % 6];
    x.included = r;
    records.push_back(x);
  }
  litrev::SimulationOptions opts;
  opts.seeds = 3;
  const litrev::SimulationResult res = litrev::simulate(records, opts);
  REQUIRE(res.stopping.size() == 4);
  const auto rules = litrev::stopping_rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const litrev::StoppingSummary& sum = res.stopping[i];
    CHECK(sum.rule == rules[i]);
    unsigned fired = 0;
    unsigned met = 0;
    const std::size_t need = 12; // ceil(0.95 * 12)
    std::vector<double> recall;
    for (const auto& run : res.runs) {
      REQUIRE(run.stops.size() == 4);
      const litrev::StopOutcome& o = run.stops[i];
      CHECK(o.rule == rules[i]);
      fired += o.fired ? 1 : 0;
      CHECK(o.screened <= 120);
      CHECK((o.fired ? o.screened < 120 : o.screened == 120));
      CHECK(o.recall == Approx(100.0 * static_cast<double>(o.found) / 12.0));
      CHECK(o.screened_pct == Approx(100.0 * static_cast<double>(o.screened) / 120.0));
      met += o.found >= need ? 1 : 0;
      recall.push_back(o.recall);
      if (rules[i] != StoppingRule::safe) {
        // The rule saw the priors, then the run's order.
        std::vector<bool> seq;
        for (std::size_t r : run.priors) {
          seq.push_back(records[r].included);
        }
        for (std::size_t r : run.order) {
          seq.push_back(records[r].included);
        }
        const auto t = litrev::first_stop(rules[i], seq, 120);
        CHECK(t.value_or(120) == o.screened);
        CHECK(static_cast<std::size_t>(std::count(seq.begin(), seq.begin() + static_cast<std::ptrdiff_t>(o.screened), true)) ==
              o.found);
      }
    }
    CHECK(sum.fired_runs == fired);
    CHECK(sum.recall.mean == Approx(litrev::mean_sd(recall).mean));
    CHECK(sum.recall_at_least_target_pct == Approx(100.0 * met / 3.0));
    CHECK_FALSE(sum.description.empty());
  }
  // The consecutive rules fire on this easy set: the relevant records come first.
  CHECK(res.stopping[2].fired_runs == 3);
  // Deterministic.
  const litrev::SimulationResult again = litrev::simulate(records, opts);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    CHECK(again.stopping[i].screened_pct.mean == res.stopping[i].screened_pct.mean);
  }
  litrev::SimulationOptions bad = opts;
  bad.stopping.confidence = 1.5;
  CHECK_THROWS_AS(litrev::simulate(records, bad), litrev::UsageError);
}
