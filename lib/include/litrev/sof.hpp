// litrev/sof.hpp: GRADE inside a review, and the Summary of Findings.
//
// A review declares its outcomes in litrev.json ("outcomes", schemas/
// litrev.schema.json). An outcome that is pooled also names its data file
// (metafor's column names, litrev/evidence.hpp), the effect measure and the
// model, the study design, the robvis-layout table with its studies'
// risk-of-bias judgements, the follow-up, the arms' labels and the outcome's
// importance. For each such outcome litrev pools the data (analyse()),
// proposes a GRADE rating per factor with its reason (suggest_grade(),
// litrev/grade.hpp), and folds the reviewers' judgements from the ledger:
//
//   grade.judgement  {outcome, factor, levels, suggested, justification}
//   grade.comment    {outcome, text}
//
// The latest event per outcome and factor (per outcome for comments), over
// every reviewer's ledger, stands: ordered by time, then actor, then seq.
// A judgement that differs from the suggestion, or on a factor that is the
// reviewers' call, carries a justification. A judgement remembers the
// suggestion it was made against; when the suggestion has changed since (the
// data or the risk-of-bias table changed) the judgement still stands but is
// marked stale, and the outcome's certainty is not final until someone
// judges that factor again.
//
// The Summary of Findings table has GRADEpro's columns; the evidence profile
// the GRADE working group's. Both are returned as a GradeTable that renders
// to Markdown, HTML and CSV; `grade_json` gives the whole assessment as data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/evidence.hpp>
#include <litrev/grade.hpp>
#include <litrev/ledger.hpp>
#include <litrev/protocol.hpp>
#include <litrev/review.hpp>

namespace litrev {

// One outcome of litrev.json, with what pooling and grading it needs.
struct OutcomePlan {
  std::string name;
  std::string type;   // as the protocol says: "binary", "continuous", "time-to-event", ...
  std::string data;   // the data file, relative to the review directory; "" when not pooled
  MetaOptions meta;   // measure, method (default REML), test, smd, level, by
  GradeDesign design = GradeDesign::randomised;
  bool robins_i = false;
  // The studies' risk-of-bias judgements: a robvis-layout table
  // (rob_report.hpp) relative to the review directory; "" means the review's
  // agreed assessments of `rob_tool` (rob_assess.hpp), if there are any.
  std::string rob;
  std::string rob_tool; // default: the protocol's rob_tools entry for the design
  double mid = k_na;    // GradeInput::mid
  std::string follow_up;
  std::string importance; // "critical", "important", "not important", or ""
  std::string intervention; // the arms' labels in the SoF table, e.g. "ketamine"
  std::string comparator;

  bool pooled() const { return !data.empty(); }
};

// Every outcome of `protocol.raw["outcomes"]`, in order. Keys starting with
// "$" are ignored. Throws DataError(file, 0, "outcomes[i].field: ...") for a
// field of the wrong type, an unknown field, a duplicate or empty name, an
// unknown measure, method, test, smd correction, design, importance or
// rob_tool, a measure/method pair analyse() refuses (MH with MD, ...), a
// data file that is absolute or climbs out of the review ("..") (the same
// for rob), a rob table without a tool, a mid that is not positive, and
// fields that need data (measure, ...) on an outcome without it.
std::vector<OutcomePlan> outcome_plans(const Protocol& protocol, const std::string& file);

// The factors GRADE rates: the five domains (rated down 0..2 levels;
// imprecision 0..3) and the three upgrades (large effect 0..2, the others
// 0..1), by their ledger ids.
struct GradeFactorInfo {
  const char* id;   // "risk-of-bias", "inconsistency", "indirectness", "imprecision", "publication-bias",
                    // "large-effect", "dose-response", "confounding"
  const char* name; // "Risk of bias", ..., "Large effect", "Dose-response gradient", "Plausible confounding"
  bool upgrade;
  int max_levels;
};
const std::vector<GradeFactorInfo>& grade_factors();
// The factor `id`, or nullptr.
const GradeFactorInfo* grade_factor(const std::string& id);

// One factor of one outcome: what litrev suggests, and what the reviewers
// decided.
struct GradeFactor {
  std::string id;
  std::string name;
  bool upgrade = false;
  int suggested = 0;            // levels down (domains) or up (upgrades)
  bool needs_judgement = false; // the reviewers' call (suggested is then 0)
  std::string reason;           // the suggestion's reason
  // The standing judgement, if there is one.
  bool judged = false;
  int levels = 0;
  int judged_against = 0; // the suggestion when it was judged
  bool stale = false;     // judged_against != suggested
  std::string justification;
  std::string actor;
  std::string ts;

  // The judgement when there is one, else the suggestion.
  int effective() const { return judged ? levels : suggested; }
};

struct OutcomeGrade {
  OutcomePlan plan;
  OutcomeTable table;
  MetaAnalysis analysis;
  OutcomeTotals totals;
  // Events and totals per arm, for 2x2 counts (NaN otherwise): Σai/Σn1i and
  // Σci/Σn2i; for continuous data the comparator's mean (n2-weighted mean of
  // m2i, NaN otherwise).
  double events_1 = k_na, total_1 = k_na, events_2 = k_na, total_2 = k_na;
  double comparator_mean = k_na;
  // Each study's overall risk-of-bias level id as read from plan.rob (or the
  // review's agreed assessments), one per analysis.overall.studies
  // ("no_information" for a study without one); empty when there are none.
  std::vector<std::string> rob;
  std::vector<std::string> rob_missing; // studies the table lacks
  Certainty start = Certainty::high;
  std::string start_reason;
  std::vector<GradeFactor> factors; // the five domains, then the upgrades that apply (start Low)
  // start − Σ effective downgrades + Σ effective upgrades, Very low to High.
  Certainty certainty = Certainty::high;
  std::size_t unjudged = 0; // factors without a judgement
  std::size_t stale = 0;    // judgements made against another suggestion
  bool final() const { return unjudged == 0 && stale == 0; }
  std::string comment;   // the standing grade.comment, "" when none
  std::vector<std::string> warnings; // from the analysis
  // When the data file has a `record` column (the key of each study's
  // report in the review): every row whose key is empty, not a record of
  // the review, or not included at full text, in words. A study that was
  // excluded at screening must not be pooled; the SoF table says so.
  std::vector<std::string> link_problems;
};

// The plan named `name` in the review's protocol. Throws UsageError naming
// the outcomes that are pooled when there is no such outcome, or when it has
// no data file; DataError as outcome_plans().
OutcomePlan outcome_plan(const Review& review, const std::string& name);

// Reads the plan's data file (relative to the review directory) with
// read_outcome_csv(). Throws as read_outcome_csv() does.
OutcomeTable read_plan_data(const Review& review, const OutcomePlan& plan);

// Pools, suggests and folds `events` (the review's ledger events, any
// order; other types are skipped) for one pooled outcome. Throws
// UsageError/DataError/Error as read_plan_data(), analyse(),
// read_robvis_csv() and suggest_grade() do; DataError naming the RoB table
// when a study has two rows there and none names this outcome as its
// result.
OutcomeGrade grade_outcome(const Review& review, const OutcomePlan& plan, const std::vector<LedgerEvent>& events);

// grade_outcome() for the outcomes named in `only`, in that order, or (when
// `only` is empty) for every pooled outcome of the review in protocol order;
// the ledgers are read once. `problems` receives the ledgers' damage. Throws
// UsageError as outcome_plan() for a name in `only`, and when `only` is
// empty and no outcome is pooled; otherwise as grade_outcome().
std::vector<OutcomeGrade> grade_review(const Review& review, const std::vector<std::string>& only = {},
                                       std::vector<LedgerProblem>* problems = nullptr);

// One judgement to record: `levels` empty means "accept the suggestion".
struct GradeJudgementInput {
  std::string factor;
  std::optional<int> levels;
  std::string justification;
};

// Records `actor`'s judgements on `outcome` as grade.judgement events, each
// with the current suggestion. Every input is checked before any is
// written: the actor is valid and, when the protocol lists reviewers, one of
// them; the outcome is pooled; the factor exists and applies to this outcome
// (upgrades only when the evidence starts Low); levels within 0..max; a
// justification when accepting is impossible (the factor is the reviewers'
// call: a level must be given) or the level differs from the suggestion.
// Throws UsageError naming the first bad input, IoError from the ledger.
// Returns the events written.
std::vector<LedgerEvent> record_grade(const Review& review, const std::string& actor, const std::string& outcome,
                                      const std::vector<GradeJudgementInput>& inputs, const std::string& now = {});

// Records the SoF comment for `outcome` (grade.comment); "" clears it.
// Throws as record_grade() for the actor and outcome.
LedgerEvent record_grade_comment(const Review& review, const std::string& actor, const std::string& outcome,
                                 const std::string& text, const std::string& now = {});

// A table ready to print: cells of text, each with footnote letters.
struct GradeCell {
  std::string text;
  std::vector<std::string> notes; // footnote letters ("a", "b", ...)
};
struct GradeTable {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<GradeCell>> rows;
  std::vector<std::pair<std::string, std::string>> footnotes; // letter, text
  std::vector<std::string> remarks; // lines under the table (provisional status, the GRADE legend)
};

// The Summary of Findings: one row per outcome with GRADEpro's columns —
// Outcome (measure, follow-up); Risk with comparator; Risk with
// intervention; Relative effect (95% CI); № of participants (studies);
// Certainty of the evidence (GRADE); Comments. Binary outcomes: the
// comparator risk is the study population's (Σci/Σn2i) per 1,000, the
// intervention risk follows from the pooled RR (risk·RR), OR
// (risk·OR/(1−risk+risk·OR)) or RD (risk+RD) and its CI, clamped to 0..1000,
// written with the difference ("328 more per 1,000 (90 more to 784 more)").
// MD: "MD 2.1 higher (0.4 lower to 4.6 higher)" against the comparator mean;
// SMD: in standard deviations; yi/vi data: the relative effect only.
// Footnotes give the reason for every factor rated down or up and every
// justification; remarks say when the table is provisional.
GradeTable summary_of_findings(const std::vector<OutcomeGrade>& outcomes, const std::string& title);

// The GRADE evidence profile: № of studies, study design, the five domains
// in GRADE's words ("not serious", "serious", "very serious", "extremely
// serious"), other considerations (publication bias and upgrades), № of
// patients per arm, relative and absolute effects, certainty, importance.
GradeTable evidence_profile(const std::vector<OutcomeGrade>& outcomes, const std::string& title);

// Renderers. Markdown: a heading, a pipe table (| and newlines in cells
// escaped), footnotes and remarks as lines; HTML: a standalone fragment (a
// <table> with <sup> footnote marks; every text escaped); CSV: RFC 4180 with
// a header row, footnote marks appended to cells as " [a,b]", then a blank
// row and the footnotes and remarks as rows.
std::string grade_table_markdown(const GradeTable& table);
std::string grade_table_html(const GradeTable& table);
std::string grade_table_csv(const GradeTable& table);

// Everything about one outcome as JSON (schemas/output.md "litrev grade"):
// plan, totals, the pooled estimate, start, each factor with suggestion and
// judgement, certainty, final, comment.
nlohmann::json grade_json(const OutcomeGrade& outcome);

} // namespace litrev
