// litrev/rob.hpp: risk-of-bias tools as data, and their official algorithms.
//
// A tool (RoB 2 and its variants, ROBINS-I, ROBINS-I V2, RoB 1, QUADAS-2,
// ROBINS-E) is a definition in lib/rob-tools/<id>.json, described by
// schemas/rob-tool.schema.json and embedded in the library at build time, so
// nothing has to be installed. A definition lists the domains, the signalling
// questions with their official ids, short wording, allowed answers and the
// condition under which each is asked, and the judgement levels. It names, per
// domain, the built-in algorithm that maps answers to a judgement (the RoB 2
// flowcharts of 22 August 2019), and the rule for the overall judgement.
// Where the reference a definition rests on lacks something (a question list,
// an algorithm), the definition leaves it out and says so in `gaps`; such a
// domain is judged by the assessor, and the library says so rather than
// guessing.
//
// Everything here is pure computation on values: no I/O, no ledger. Answers
// and judgements are checked strictly: an answer a question does not allow,
// an answer to a question that is not asked, an unknown question, domain or
// level is a UsageError naming it. Missing answers are not errors: the
// judgement is then `incomplete` and lists what is missing.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace litrev {

// An answer to a signalling question. In every RoB 2 algorithm Y counts as PY
// and N as PN. NA is the answer of a question that is not asked; questions
// marked "if applicable" also allow it when asked. SY/WY/SN/WN are ROBINS-I
// V2's (strong/weak yes and no).
enum class RobAnswer { y, py, pn, n, ni, na, sy, wy, sn, wn };

// "Y", "PY", "PN", "N", "NI", "NA", "SY", "WY", "SN", "WN".
const char* rob_answer_code(RobAnswer answer);

// The answer `text` spells: a code as rob_answer_code gives it or its words
// ("yes", "Probably no", "no information", "not applicable", "N/A"), any
// case. Throws UsageError naming `text` when it is none of them.
RobAnswer parse_rob_answer(std::string_view text);

// Answers keyed by official question id ("1.1", "2.3", "1b.2").
using RobAnswers = std::map<std::string, RobAnswer, std::less<>>;

// When a question is asked, in terms of earlier questions of its domain. A
// question that is not asked counts as NA.
struct RobCondition {
  enum class Kind { answer, any, all };
  Kind kind = Kind::answer;
  std::string question;            // Kind::answer: this question's answer
  std::vector<RobAnswer> in;       // Kind::answer: is one of these
  std::vector<RobCondition> terms; // Kind::any / Kind::all
};

struct RobQuestion {
  std::string id;                      // official id
  std::string text;                    // short wording written for litrev
  std::vector<RobAnswer> answers;      // allowed when asked
  std::optional<RobCondition> asked_if; // none: always asked
  std::string note;
};

enum class RobDomainKind {
  bias,          // counts in the overall risk of bias
  applicability, // QUADAS-2 concerns about applicability: reported apart
};

struct RobDomain {
  std::string id; // "D1", "D1b", "A1"
  std::string name;
  std::string short_name;
  RobDomainKind kind = RobDomainKind::bias;
  // The built-in algorithm ("rob2-2019-d1", ...), or empty: the assessor
  // judges the domain.
  std::string algorithm;
  // Algorithm's question id -> this domain's question id, for every question
  // the algorithm reads (identity unless the definition renames them, as the
  // cluster-randomized domain 1a does).
  std::map<std::string, std::string, std::less<>> algorithm_questions;
  std::vector<RobQuestion> questions;
  std::string note;

  // The question `id` of this domain, or null.
  const RobQuestion* find_question(std::string_view id) const;
};

struct RobLevel {
  std::string id;              // "low", "some_concerns", "serious", ...
  std::string label;           // "Low", "Some concerns", ...
  std::optional<int> severity; // 0 = least severe; none for No information
  bool no_information = false;
  bool overall_only = false;   // a level of the overall judgement only
  std::vector<std::string> spellings; // abbreviations people write ("L", "S")
};

struct RobTool {
  std::string id;      // "rob2-parallel-itt", "robins-i", ...
  std::string family;  // "rob2", "robins-i", "robins-i-v2", "rob1", "quadas-2", "robins-e"
  std::string variant;
  std::string name;
  std::string short_name;
  std::string version;
  std::string status;  // "official" or "draft"
  std::string source;
  std::vector<RobLevel> levels; // least to most severe
  // "rob2", "robins-i-2016", "rob1", "quadas-2", "most-severe" or "assessor"
  // (no rule known: the assessor judges the overall risk of bias).
  std::string overall_rule;
  std::string overall_note;
  std::vector<RobDomain> domains;
  std::vector<std::string> gaps; // what the definition leaves out, and why

  bool is_draft() const { return status == "draft"; }
  // The domain `id`. Throws UsageError naming it and the tool's domains.
  const RobDomain& domain(std::string_view id) const;
  // The level `id`. Throws UsageError naming it and the tool's levels.
  const RobLevel& level(std::string_view id) const;
  // The question `id` of any domain, or null.
  const RobQuestion* find_question(std::string_view id) const;
};

// Every embedded tool, ordered by id. Loaded and checked once, on first use.
// Throws DataError naming the definition file if an embedded definition is
// malformed (a build defect the unit tests catch).
const std::vector<RobTool>& rob_tools();

// The embedded tool `id` ("rob2-parallel-itt", "rob2-parallel-pp",
// "rob2-cluster", "robins-i", "robins-i-v2", "rob1", "quadas-2",
// "robins-e"). Throws UsageError naming `id` and the known ids when there is
// no such tool; DataError as rob_tools().
const RobTool& rob_tool(std::string_view id);

// Reads a definition from `json` (a lib/rob-tools file's text) and checks
// what the schema cannot: unique ids, conditions that refer to earlier
// questions of the same domain with answers those questions allow, known
// algorithms whose questions and levels exist, and the levels the overall
// rule needs. Throws DataError naming `origin` and the problem.
RobTool parse_rob_tool(std::string_view json, const std::string& origin);

// Whether a question is asked, given the answers so far.
enum class RobQuestionState {
  asked,
  not_asked,    // its condition does not hold: its answer is NA
  undetermined, // its condition depends on a question not answered yet
};

struct RobQuestionStatus {
  std::string id;
  RobQuestionState state = RobQuestionState::asked;
  // The answer given, if any. An answer other than NA to a question that is
  // not asked is stale (domain_judgement refuses it); it is shown here so
  // that a caller can clear it.
  std::optional<RobAnswer> answer;
};

// Every question of `domain` in order, with whether it is asked given
// `answers` (which may hold answers to other domains' questions too).
// Throws UsageError for an unknown domain, an answer keyed by a question the
// tool does not have, or an answer the question never allows (not among its
// answers and not NA).
std::vector<RobQuestionStatus> applicable_questions(const RobTool& tool, std::string_view domain,
                                                    const RobAnswers& answers);

enum class RobJudgementStatus {
  judged,     // `level` holds the judgement
  incomplete, // `missing` lists what must be answered or judged first
  assessor,   // no algorithm or rule: the assessor judges
};

// "judged", "incomplete", "assessor".
const char* rob_judgement_status_name(RobJudgementStatus status);

struct RobJudgement {
  RobJudgementStatus status = RobJudgementStatus::incomplete;
  std::string level; // level id when judged, else empty
  // Why, in words: the flowchart path or the overall rule that produced the
  // level, e.g. "1.2 Y/PY; 1.1 Y/PY/NI; 1.3 N/PN/NI -> Low".
  std::string rule;
  // What the rule read, in order: "1.2=Y", ... for a domain; "D1=low", ...
  // for the overall judgement.
  std::vector<std::string> path;
  // incomplete: the questions asked but not answered (domain), or the
  // domains not judged (overall).
  std::vector<std::string> missing;
};

// The judgement of `domain` from `answers` by the domain's algorithm: for
// RoB 2 the official flowchart of the domain and variant. Incomplete when a
// question that is asked (or may be, pending an earlier answer) has no
// answer; `assessor` when the domain has no algorithm. Answers to other
// domains' questions are ignored. Throws UsageError as applicable_questions
// does, and for an answer other than NA to a question that is not asked
// (naming the question and the condition that is not met).
RobJudgement domain_judgement(const RobTool& tool, std::string_view domain, const RobAnswers& answers);

struct RobOverallOptions {
  // RoB 2 only: the assessor judges that Some concerns in several domains
  // lower confidence in the result substantially, which makes the overall
  // judgement High. Never inferred from a count. Setting it when fewer than
  // two domains are Some concerns is a UsageError.
  bool several_concerns_high = false;
  // ROBINS-I (2016) and RoB 1 only: domains the assessor does not consider
  // key. RoB 1 leaves them out of the summary; ROBINS-I ignores No
  // information in them. Default: every domain is key.
  std::vector<std::string> non_key_domains;
};

// Domain id -> level id.
using RobDomainLevels = std::map<std::string, std::string, std::less<>>;

// The overall judgement from the domain judgements, by the tool's rule:
// - rob2: Low if Low in every domain; High if High in any; otherwise Some
//   concerns, or High when options.several_concerns_high says so.
// - robins-i-2016: Critical if Critical in any domain; else Serious if
//   Serious in any; else No information if No information in a key domain;
//   else Moderate if Moderate in any (No information in a non-key domain is
//   set aside); else Low.
// - rob1 (Handbook 5.1 Table 8.7.a), over key domains: High if High in any;
//   else Unclear if Unclear in any; else Low.
// - quadas-2, over risk-of-bias domains: Low if Low in all, else At risk of
//   bias. Applicability domains never count.
// - most-severe: the most severe domain judgement.
// - assessor: status `assessor`.
// Every risk-of-bias domain must be judged, else the result is incomplete
// and lists the missing domains; applicability domains are optional.
// Throws UsageError for an unknown domain or level, a level that only an
// overall judgement takes, an option the tool's rule does not have, or an
// option that contradicts the judgements (see RobOverallOptions).
RobJudgement overall_judgement(const RobTool& tool, const RobDomainLevels& domain_levels,
                               const RobOverallOptions& options = {});

// The level of `tool` that `text` spells, as a person writes it: the label,
// the id, or an abbreviation of the tool ("L", "low", "Low risk", "High risk
// of bias", "Some concerns", "NI", "No information"), any case, spaces,
// hyphens and underscores alike. Tool-aware: "S" is Some concerns in RoB 2
// and ROBINS-E, Serious in ROBINS-I. Throws UsageError when `text` is empty,
// ambiguous ("N": No information? Not applicable? No?), or not a level of
// `tool`, naming the levels it has.
std::string parse_judgement(const RobTool& tool, std::string_view text);

} // namespace litrev
