// Shared output helpers for the commands: the JSON shapes of schemas/output.md
// and CSV quoting (RFC 4180).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/index.hpp>
#include <litrev/protocol.hpp>
#include <litrev/record.hpp>
#include <litrev/review.hpp>
#include <litrev/screening.hpp>

namespace litrev::cli {

// One CSV field, quoted when it holds a comma, quote, CR or LF.
std::string csv_field(const std::string& s);
std::string csv_row(const std::vector<std::string>& fields);

// The journal as a reader cites it: ISO abbreviation, else NLM's, else title.
std::string journal_short(const Record& r);

// The main fields of a record, for lists (search hits): schemas/output.md
// "search".
nlohmann::json record_summary(const Record& r);

// A record an adjudicator has to decide at a stage: the screeners disagree,
// or every vote is maybe. `state` points into the ScreeningState given.
struct ToResolve {
  std::string key;
  const StageState* state;
  std::string why; // "include/exclude", "maybe", "reasons differ", "all maybe"
};
// The records of `stage` to resolve, in key order.
std::vector<ToResolve> records_to_resolve(const Review& review, const ScreeningState& state, Stage stage);

// A screener's vote: {reviewer, decision, ts, and reason and note when given}.
nlohmann::json vote_json(const Vote& v);

// The items of a comma-separated option ("year,pt,lang"), empty items
// dropped.
std::vector<std::string> split_list(const std::string& s);

// The reviewer: `given` (--reviewer), else $LITREV_REVIEWER. Throws
// UsageError naming `command` when neither is set.
std::string reviewer_or_env(const std::string& given, const std::string& command);

// A reviewer's default seed for the random and prioritised orders (FNV-1a of
// the name): a restart keeps a screener's order, and two screeners do not see
// the records in the same random order. `screen` and `rank --reviewer` use it.
std::uint64_t reviewer_seed(const std::string& reviewer);

// A stage from --stage (ta, ft, title-abstract, full-text); throws UsageError.
Stage stage_option(const std::string& value);

// The whole of the file at `path`; throws IoError naming it when it cannot be
// read.
std::string read_text_file(const std::string& path);

// Validates the --format value against `allowed`; throws UsageError.
void check_format(const std::string& format, const std::vector<std::string>& allowed);

// Whether the query `q` holds a PubMed field tag ("[tiab]"): letters, digits,
// spaces or colons in square brackets, outside quotes.
bool has_field_tag(const std::string& q);

} // namespace litrev::cli
