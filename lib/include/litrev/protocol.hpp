// litrev/protocol.hpp: the review protocol in litrev.json (schemas/
// litrev.schema.json) as the screening code uses it: reviewers and their
// roles, the stages with their mode (single or dual, blind), exclusion
// reasons, the eligibility criteria shown while screening, and the terms
// highlighted in titles and abstracts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace litrev {

// The screening stages of PRISMA 2020: records by title and abstract, then
// reports in full text.
enum class Stage { title_abstract, full_text };
// "title-abstract", "full-text" (the protocol's and the ledger's names).
const char* stage_name(Stage stage);
// "ta", "ft" (the CLI's short names; also status terms: status:ta-included).
const char* stage_short(Stage stage);
// Either name form; nothing for anything else.
std::optional<Stage> stage_from_name(std::string_view name);

enum class Role { screener, adjudicator };
const char* role_name(Role role);

struct Reviewer {
  std::string name; // the ledger actor (ledger/<name>.jsonl)
  Role role = Role::screener;
};

struct StageRules {
  Stage stage = Stage::title_abstract;
  // Dual: every record needs two screeners' votes; they are compared and
  // disagreements go to an adjudicator. Single: one vote decides.
  bool dual = false;
  // Blind: a screener never sees another screener's votes on this stage.
  bool blind = true;
  // The reasons a record may be excluded for; an exclusion's reason must be
  // one of these (when the list is not empty).
  std::vector<std::string> exclusion_reasons;
  // An exclusion must give a reason (always true at full text).
  bool reason_required = false;
};

struct Protocol {
  std::string title;
  std::vector<std::string> include_criteria; // eligibility, shown while screening
  std::vector<std::string> exclude_criteria;
  std::vector<StageRules> stages;             // in order; at least one
  std::vector<Reviewer> reviewers;            // empty: anyone may screen, nobody adjudicates
  std::vector<std::string> highlight_include; // terms (words or word* prefixes) shown as include cues
  std::vector<std::string> highlight_exclude;
  nlohmann::json raw; // the whole file, for what this struct does not carry

  // The rules of `stage`, or nullptr when the protocol has no such stage.
  const StageRules* stage(Stage stage) const;
  // The reviewer named `name`, or nullptr.
  const Reviewer* reviewer(std::string_view name) const;
  // Checks that `actor` may write to the ledger: a valid actor name
  // (valid_actor()) and, when the protocol lists reviewers, one of them.
  // Throws UsageError naming the actor (and the reviewers) otherwise.
  void check_actor(const std::string& actor) const;
};

// Reads a protocol from litrev.json's content. `file` names it in messages.
// Stages may be given as names ("title-abstract") or objects ({"stage":
// "full-text", "mode": "dual", "blind": true, "exclusion_reasons": [...],
// "reason_required": true}); the top-level "exclusion_reasons" apply to
// every stage that lists none. Keys starting with "$" ("$comment") are
// ignored. Throws DataError(file, 0, what is wrong and where) for a wrong
// type, an unknown stage, mode or role, a duplicate reviewer, or an
// invalid reviewer name (valid_actor()).
Protocol parse_protocol(const nlohmann::json& doc, const std::string& file);

// The litrev.json `litrev init` writes: every field present, with "$comment"
// keys saying what each is for, and defaults a team edits (stages
// title-abstract and full-text, single screening, common exclusion reasons).
nlohmann::json example_protocol(const std::string& title, const std::string& litrev_version);

} // namespace litrev
