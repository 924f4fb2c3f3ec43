// litrev/rob_assess.hpp: risk-of-bias assessments inside a review.
//
// An assessment is one assessor's answers to a tool's signalling questions
// for one study and, for RoB 2, one result ("abstinence at 6 months"), with
// a note (quote, page) per answer, the assessor's own level for a domain the
// tool has no algorithm for, overrides of the algorithm with a justification,
// and the overall options the guidance leaves to the assessor (RoB 2's
// "some concerns in several domains -> high", key domains). The judgements
// are always recomputed from the answers by the tool's algorithms
// (litrev/rob.hpp); the ledger keeps what they were when recorded, too.
//
// Ledger events (schemas/ledger-event.schema.json):
//   rob.assessment  one assessor's whole assessment (a new one replaces that
//                   assessor's earlier one of the same tool, study and result)
//   rob.consensus   the agreed assessment of a tool, study and result (any
//                   reviewer records it; the latest stands)
// Both carry {tool, study, record, result, answers: {id: {answer, note}},
// levels: {domain: {level, justification}}, overall: {level, justification}
// or null, several_concerns_high, non_key_domains, computed: {domain: level,
// "overall": level}} ("" for what is not judged yet).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/agreement.hpp>
#include <litrev/ledger.hpp>
#include <litrev/review.hpp>
#include <litrev/rob.hpp>
#include <litrev/rob_report.hpp>

namespace litrev {

// A level the assessor sets, with why.
struct RobLevelChoice {
  std::string level; // level id of the tool
  std::string justification;
};

struct RobAssessment {
  std::string tool;   // tool id ("rob2-parallel-itt")
  std::string study;  // the study's label, as in outcome data and tables
  std::string record; // the key of the study's main report in the review; may be empty
  std::string result; // the result assessed (RoB 2); may be empty for per-study tools
  RobAnswers answers;
  std::map<std::string, std::string> notes; // question id -> support
  // Domain id -> the assessor's level: required for a domain without an
  // algorithm, an override (with a justification) for one with.
  std::map<std::string, RobLevelChoice> levels;
  std::optional<RobLevelChoice> overall; // an override of the overall rule
  RobOverallOptions options;
  // The judgements the assessor states ("judgements" in an answers file:
  // domain id or "Overall" -> level as written). Not stored: evaluate_rob()
  // checks that each equals the level that stands, so a hand-made summary
  // cannot drift from its answers.
  std::map<std::string, std::string> stated;
  // From the ledger: who recorded it, when, and whether it is a consensus.
  std::string actor;
  std::string ts;
  bool consensus = false;
};

struct RobDomainResult {
  std::string domain;
  RobJudgement computed;     // by the domain's algorithm (status assessor when it has none)
  std::string level;         // the level that stands: override, assessor's, or computed; "" when none
  bool overridden = false;   // the assessor set a level the algorithm computed otherwise
  std::string justification; // of an override or an assessor's level
};

struct RobEvaluation {
  std::vector<RobDomainResult> domains; // the tool's domains, in order
  RobJudgement computed_overall;        // the overall rule on the standing domain levels
  std::string overall;                  // the standing overall level, "" when incomplete
  bool overall_overridden = false;
  std::string overall_justification;
  // Every bias domain has a level and the overall judgement has one.
  bool complete = false;
  std::vector<std::string> missing; // unanswered questions ("D1: 1.2") and unjudged domains
};

// Evaluates `a` with `tool`'s algorithms and overall rule. A level in
// `levels` that differs from what the domain's algorithm computes is an
// override; one for a domain without an algorithm is the assessor's
// judgement; one equal to the computed level changes nothing. Throws
// UsageError naming the study: an invalid answer (as domain_judgement), an
// unknown domain or level in `levels` or `overall`, an override (domain or
// overall) without a justification, an override of a domain whose answers
// are incomplete, options the rule refuses, a stated judgement that differs
// from the standing level.
RobEvaluation evaluate_rob(const RobTool& tool, const RobAssessment& a);

// Reads assessments from a JSON file: {"tool": ID, "assessments": [{"study",
// "record", "result" (or "outcome"), "answers": {id: "Y" | {"answer": "Y",
// "note": "..."}}, "levels": {domain: {"level", "justification"}},
// "overall": {"level", "justification"}, "several_concerns_high",
// "non_key_domains", "judgements": {domain or "Overall": level}}]}; an
// assessment may name its own "tool". Keys starting with "$" and other
// top-level keys are ignored; unknown keys inside an assessment are
// refused. A bare object of answers ({"1.1": "Y", ...}) is
// one assessment of `default_tool` with no study. Throws DataError naming
// the file and the assessment (by index and study) for malformed content,
// IoError when the file cannot be read.
std::vector<RobAssessment> read_rob_answers(const std::string& path, const std::string& default_tool = {});

// The ledger payload of `a` (see the top of this file).
nlohmann::json rob_payload(const RobTool& tool, const RobAssessment& a, const RobEvaluation& e);

// Records assessments as rob.assessment (or, with `consensus`,
// rob.consensus) events of `actor`. Every one is checked first and nothing
// is written unless all pass: the actor (Protocol::check_actor), the tool
// (rob_report_tool names), a study label, evaluate_rob(), and the record
// key, when given, being a record of the review. Throws UsageError naming
// the first failing assessment; IoError from the ledger.
std::vector<LedgerEvent> record_rob(const Review& review, const std::string& actor,
                                    const std::vector<RobAssessment>& assessments, bool consensus,
                                    const std::string& now = {});

// One tool, study and result: every assessor's standing assessment and the
// consensus, if any.
struct RobItem {
  std::string tool;
  std::string study;
  std::string result;
  std::map<std::string, RobAssessment> by_assessor;
  std::optional<RobAssessment> consensus;
};

// The fold of every rob.* event of the review, ordered by tool, study and
// result. Events are ordered by time, then actor, then seq; malformed
// payloads are reported in `problems` (with the ledger's own damage) and
// skipped.
std::vector<RobItem> rob_items(const Review& review, std::vector<LedgerProblem>* problems = nullptr);

// Where two assessors' standing levels differ (domain id, or "overall").
struct RobDisagreement {
  std::string domain;
  std::map<std::string, std::string> levels; // assessor -> level ("" when not judged)
};
std::vector<RobDisagreement> rob_disagreements(const RobTool& tool, const RobItem& item);

// Cohen's kappa (and quadratic weighted kappa over the levels' severity
// order) per domain and overall between assessors `a` and `b`, over the
// items of `tool` both judged (No information counts as its own category,
// after the most severe). Domains where fewer than one item was judged by
// both are left out.
struct RobDomainAgreement {
  std::string domain;
  KappaResult kappa;
  std::vector<std::string> categories; // level ids, table order
};
std::vector<RobDomainAgreement> rob_agreement(const RobTool& tool, const std::vector<RobItem>& items,
                                              const std::string& a, const std::string& b);

// A table in robvis's layout of the agreed assessments of `tool` (and
// `result`, when not empty): per item its consensus, else the assessment of
// its only assessor; the support column gathers the answers' notes and the
// justifications. Items that are not complete, or that two assessors
// assessed without a consensus, are left out and listed in `pending`.
RobTable rob_table_from_review(const RobTool& tool, const std::vector<RobItem>& items, const std::string& result,
                               std::vector<std::string>* pending = nullptr);

} // namespace litrev
