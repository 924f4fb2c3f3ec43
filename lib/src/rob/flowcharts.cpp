// The RoB 2 domain algorithms: the official flowcharts of the RoB 2 guidance
// of 22 August 2019, for individually randomized parallel-group trials
// (effect of assignment and effect of adhering), as transcribed in the
// reference spec (rob_grade_meta.md section 1.2). In every flowchart Y counts
// as PY and N as PN; a question that is not asked is NA.
//
// Each function follows its flowchart node by node, recording the answers it
// reads (the path) and the leaf it reaches (the rule), so that an assessor
// can see why. The answers are complete here: domain_judgement checks that
// every question asked has an answer before it calls run_algorithm.
#include <map>

#include <fmt/core.h>

#include "rob/internal.hpp"

namespace litrev::rob_detail {

namespace {

constexpr const char* k_low = "low";
constexpr const char* k_some = "some_concerns";
constexpr const char* k_high = "high";

const char* label(std::string_view level) {
  return level == k_low ? "Low" : level == k_some ? "Some concerns" : "High";
}

bool yes(RobAnswer a) { return a == RobAnswer::y || a == RobAnswer::py; }
bool no(RobAnswer a) { return a == RobAnswer::n || a == RobAnswer::pn; }
bool no_info(RobAnswer a) { return a == RobAnswer::ni; }

// Reads answers for one flowchart, keeping the path.
class Walk {
public:
  Walk(const AnswerOf& answer, const std::function<std::string(std::string_view)>& rename)
    : m_answer(answer), m_rename(rename) {}

  // The answer to `id`, added to the path the first time it is read.
  RobAnswer operator()(const char* id) {
    RobAnswer a = m_answer(id);
    std::string entry = m_rename(id) + "=" + rob_answer_code(a);
    for (const auto& p : m_path) {
      if (p == entry) {
        return a;
      }
    }
    m_path.push_back(std::move(entry));
    return a;
  }

  // Question id as the domain names it.
  std::string q(const char* id) const { return m_rename(id); }

  RobJudgement leaf(const char* level, std::string rule) {
    RobJudgement j;
    j.status = RobJudgementStatus::judged;
    j.level = level;
    j.rule = std::move(rule) + " -> " + label(level);
    j.path = std::move(m_path);
    return j;
  }

private:
  const AnswerOf& m_answer;
  const std::function<std::string(std::string_view)>& m_rename;
  std::vector<std::string> m_path;
};

// Domain 1: bias arising from the randomization process.
RobJudgement d1(Walk& w) {
  RobAnswer q12 = w("1.2");
  if (no(q12)) {
    return w.leaf(k_high, fmt::format("{} N/PN", w.q("1.2")));
  }
  if (no_info(q12)) {
    if (yes(w("1.3"))) {
      return w.leaf(k_high, fmt::format("{} NI; {} Y/PY", w.q("1.2"), w.q("1.3")));
    }
    return w.leaf(k_some, fmt::format("{} NI; {} N/PN/NI", w.q("1.2"), w.q("1.3")));
  }
  // 1.2 Y/PY.
  if (no(w("1.1"))) {
    return w.leaf(k_some, fmt::format("{} Y/PY; {} N/PN", w.q("1.2"), w.q("1.1")));
  }
  if (yes(w("1.3"))) {
    return w.leaf(k_some, fmt::format("{} Y/PY; {} Y/PY/NI; {} Y/PY", w.q("1.2"), w.q("1.1"), w.q("1.3")));
  }
  return w.leaf(k_low, fmt::format("{} Y/PY; {} Y/PY/NI; {} N/PN/NI", w.q("1.2"), w.q("1.1"), w.q("1.3")));
}

// A part of a domain's flowchart: its level and the path in words.
struct Part {
  const char* level;
  std::string rule;
};

// Domain 2, effect of assignment to intervention: two parts, combined.
RobJudgement d2_assignment(Walk& w) {
  Part p1;
  RobAnswer q21 = w("2.1");
  RobAnswer q22 = w("2.2");
  if (no(q21) && no(q22)) {
    p1 = {k_low, "2.1 and 2.2 N/PN"};
  } else {
    RobAnswer q23 = w("2.3");
    if (no(q23)) {
      p1 = {k_low, "2.1 or 2.2 Y/PY/NI; 2.3 N/PN"};
    } else if (no_info(q23)) {
      p1 = {k_some, "2.1 or 2.2 Y/PY/NI; 2.3 NI"};
    } else if (no(w("2.4"))) {
      // Deviations arose from the trial context but were not likely to
      // affect the outcome: Some concerns, as in the flowchart.
      p1 = {k_some, "2.3 Y/PY; 2.4 N/PN"};
    } else if (yes(w("2.5"))) {
      p1 = {k_some, "2.3 Y/PY; 2.4 Y/PY/NI; 2.5 Y/PY"};
    } else {
      p1 = {k_high, "2.3 Y/PY; 2.4 Y/PY/NI; 2.5 N/PN/NI"};
    }
  }
  Part p2;
  if (yes(w("2.6"))) {
    p2 = {k_low, "2.6 Y/PY"};
  } else if (no(w("2.7"))) {
    p2 = {k_some, "2.6 N/PN/NI; 2.7 N/PN"};
  } else {
    p2 = {k_high, "2.6 N/PN/NI; 2.7 Y/PY/NI"};
  }
  std::string parts = fmt::format("part 1: {} -> {}; part 2: {} -> {}", p1.rule, label(p1.level), p2.rule,
                                  label(p2.level));
  std::string_view l1 = p1.level;
  std::string_view l2 = p2.level;
  if (l1 == k_high || l2 == k_high) {
    return w.leaf(k_high, parts + "; High in a part");
  }
  if (l1 == k_low && l2 == k_low) {
    return w.leaf(k_low, parts + "; Low in both parts");
  }
  return w.leaf(k_some, parts + "; neither part High, not both Low");
}

// Domain 2, effect of adhering to intervention.
RobJudgement d2_adherence(Walk& w) {
  // Node X of the flowchart: failures of implementation or non-adherence,
  // then whether the analysis was appropriate.
  auto node_x = [&](const std::string& before) {
    RobAnswer q24 = w("2.4");
    RobAnswer q25 = w("2.5");
    auto clear = [](RobAnswer a) { return no(a) || a == RobAnswer::na; };
    if (clear(q24) && clear(q25)) {
      return w.leaf(k_low, before + "; 2.4 and 2.5 N/PN/NA");
    }
    if (yes(w("2.6"))) {
      return w.leaf(k_some, before + "; 2.4 or 2.5 Y/PY/NI; 2.6 Y/PY");
    }
    return w.leaf(k_high, before + "; 2.4 or 2.5 Y/PY/NI; 2.6 N/PN/NI");
  };
  RobAnswer q21 = w("2.1");
  RobAnswer q22 = w("2.2");
  if (no(q21) && no(q22)) {
    return node_x("2.1 and 2.2 N/PN");
  }
  RobAnswer q23 = w("2.3");
  if (yes(q23) || q23 == RobAnswer::na) {
    return node_x("2.1 or 2.2 Y/PY/NI; 2.3 Y/PY/NA");
  }
  if (yes(w("2.6"))) {
    return w.leaf(k_some, "2.1 or 2.2 Y/PY/NI; 2.3 N/PN/NI; 2.6 Y/PY");
  }
  return w.leaf(k_high, "2.1 or 2.2 Y/PY/NI; 2.3 N/PN/NI; 2.6 N/PN/NI");
}

// Domain 3: bias due to missing outcome data.
RobJudgement d3(Walk& w) {
  if (yes(w("3.1"))) {
    return w.leaf(k_low, "3.1 Y/PY");
  }
  if (yes(w("3.2"))) {
    return w.leaf(k_low, "3.1 N/PN/NI; 3.2 Y/PY");
  }
  if (no(w("3.3"))) {
    return w.leaf(k_low, "3.1 N/PN/NI; 3.2 N/PN; 3.3 N/PN");
  }
  if (no(w("3.4"))) {
    return w.leaf(k_some, "3.1 N/PN/NI; 3.2 N/PN; 3.3 Y/PY/NI; 3.4 N/PN");
  }
  return w.leaf(k_high, "3.1 N/PN/NI; 3.2 N/PN; 3.3 Y/PY/NI; 3.4 Y/PY/NI");
}

// Domain 4: bias in measurement of the outcome. With 4.2 NI the path is the
// same as with 4.2 N/PN, but a Low leaf becomes Some concerns.
RobJudgement d4(Walk& w) {
  if (yes(w("4.1"))) {
    return w.leaf(k_high, "4.1 Y/PY");
  }
  RobAnswer q42 = w("4.2");
  if (yes(q42)) {
    return w.leaf(k_high, "4.1 N/PN/NI; 4.2 Y/PY");
  }
  bool q42_ni = no_info(q42);
  std::string head = q42_ni ? "4.1 N/PN/NI; 4.2 NI" : "4.1 N/PN/NI; 4.2 N/PN";
  const char* low_leaf = q42_ni ? k_some : k_low;
  if (no(w("4.3"))) {
    return w.leaf(low_leaf, head + "; 4.3 N/PN");
  }
  if (no(w("4.4"))) {
    return w.leaf(low_leaf, head + "; 4.3 Y/PY/NI; 4.4 N/PN");
  }
  if (no(w("4.5"))) {
    return w.leaf(k_some, head + "; 4.3 Y/PY/NI; 4.4 Y/PY/NI; 4.5 N/PN");
  }
  return w.leaf(k_high, head + "; 4.3 Y/PY/NI; 4.4 Y/PY/NI; 4.5 Y/PY/NI");
}

// Domain 5: bias in selection of the reported result.
RobJudgement d5(Walk& w) {
  RobAnswer q52 = w("5.2");
  RobAnswer q53 = w("5.3");
  if (yes(q52) || yes(q53)) {
    return w.leaf(k_high, "5.2 or 5.3 Y/PY");
  }
  if (no_info(q52) || no_info(q53)) {
    return w.leaf(k_some, "5.2 and 5.3 N/PN/NI, at least one NI");
  }
  if (yes(w("5.1"))) {
    return w.leaf(k_low, "5.2 and 5.3 N/PN; 5.1 Y/PY");
  }
  return w.leaf(k_some, "5.2 and 5.3 N/PN; 5.1 N/PN/NI");
}

struct Algorithm {
  std::vector<std::string> questions;
  RobJudgement (*run)(Walk&);
};

const std::map<std::string, Algorithm, std::less<>>& algorithms() {
  static const std::map<std::string, Algorithm, std::less<>> table = {
      {"rob2-2019-d1", {{"1.1", "1.2", "1.3"}, d1}},
      {"rob2-2019-d2-assignment", {{"2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"}, d2_assignment}},
      {"rob2-2019-d2-adherence", {{"2.1", "2.2", "2.3", "2.4", "2.5", "2.6"}, d2_adherence}},
      {"rob2-2019-d3", {{"3.1", "3.2", "3.3", "3.4"}, d3}},
      {"rob2-2019-d4", {{"4.1", "4.2", "4.3", "4.4", "4.5"}, d4}},
      {"rob2-2019-d5", {{"5.1", "5.2", "5.3"}, d5}},
  };
  return table;
}

} // namespace

const std::vector<std::string>* algorithm_questions(std::string_view algorithm) {
  auto it = algorithms().find(algorithm);
  return it == algorithms().end() ? nullptr : &it->second.questions;
}

RobJudgement run_algorithm(std::string_view algorithm, const AnswerOf& answer,
                           const std::function<std::string(std::string_view)>& rename) {
  Walk walk(answer, rename);
  return algorithms().at(std::string(algorithm)).run(walk);
}

} // namespace litrev::rob_detail
