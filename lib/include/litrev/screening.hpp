// litrev/screening.hpp: screening decisions as ledger events, and the state
// they fold to (DESIGN.md "Ledger events": state is a fold over all actors'
// ledgers).
//
// Events (payload fields; schemas/ledger-event.schema.json):
//   screen.decision  {key, stage, decision, reason?, note?, order?}   a screener's vote;
//                    order {kind, ranker?, litrev}: how the record was presented
//   screen.resolve   {key, stage, decision, reason?, note?}   an adjudicator's decision
//   screen.retrieval {key, retrieved, reason?}                full text found or not
//   screen.note      {key, stage, note}                       a note without a vote
// A reviewer's later vote on the same record and stage replaces their
// earlier one (the history stays in the ledger); the latest resolution
// stands over every vote.
//
// Screening applies to reference clusters: a vote on any key of a cluster
// counts for the cluster, which is named by its first key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <litrev/ledger.hpp>
#include <litrev/protocol.hpp>

namespace litrev {

enum class Decision { include, exclude, maybe };
const char* decision_name(Decision decision); // "include", "exclude", "maybe"
std::optional<Decision> decision_from_name(std::string_view name);

// Where a record stands at one stage.
enum class Status {
  unscreened, // no vote yet
  awaiting,   // dual screening: fewer than two votes
  included,   // the votes agree on include, or an adjudicator included it
  excluded,   // the votes agree on exclude (and, at full text, on the reason), or an adjudicator excluded it
  maybe,      // every vote is maybe: someone has to decide
  conflict,   // the votes disagree: an adjudicator has to decide
};
// "unscreened", "awaiting", "included", "excluded", "maybe", "conflict".
const char* status_name(Status status);

struct Vote {
  std::string reviewer;
  std::string key; // the key voted on (may be another key of the cluster)
  Decision decision = Decision::maybe;
  std::string reason;
  std::string note;
  std::string ts;
  // How the record came to the screener (the vote's "order"): "key",
  // "random" or "prioritised" from a screening queue, with the ranker in
  // words and the litrev version for prioritised; "" for a vote by command
  // or from a file.
  std::string order;
  std::string ranker;
  // The reviewer's first vote on this record and stage, and how many times
  // they changed it since (0: this is their only vote).
  Decision first = Decision::maybe;
  std::uint32_t revisions = 0;
};

struct Resolution {
  std::string adjudicator;
  Decision decision = Decision::include; // include or exclude
  std::string reason;
  std::string note;
  std::string ts;
};

struct StageState {
  std::map<std::string, Vote> votes; // latest vote per reviewer, by reviewer
  std::optional<Resolution> resolution;
  Status status = Status::unscreened;
  // The exclusion reason that stands when excluded ("" when none was given).
  std::string reason;
  // Why it is a conflict: "include/exclude", "maybe", "reasons differ".
  std::string conflict;
};

struct Retrieval {
  bool retrieved = true;
  std::string reason; // why not retrieved
  std::string actor;
  std::string ts;
};

struct RecordState {
  std::string key; // the cluster's first key
  StageState ta;
  StageState ft;
  std::optional<Retrieval> retrieval;
  const StageState& stage(Stage s) const { return s == Stage::title_abstract ? ta : ft; }
  StageState& stage(Stage s) { return s == Stage::title_abstract ? ta : ft; }
};

struct ScreeningState {
  // Every record some screening event is about, by cluster key. Records
  // nobody has screened are not here.
  std::map<std::string, RecordState> records;
  std::uint64_t events = 0; // screening events folded
  // Events that could not be folded (unknown stage or decision, missing
  // key), by file and line. Ledger damage is reported by Ledger::read.
  std::vector<LedgerProblem> problems;
  // Filled by Review::screening(), empty from fold_screening(): every
  // reference cluster of the review, screened or not (first key -> all its
  // keys, the first included), and every record key -> its cluster's key.
  std::map<std::string, std::vector<std::string>> clusters;
  std::map<std::string, std::string> cluster_of;

  // The cluster key of `key` (itself when it is in no cluster). A copy: a
  // reference could outlive a temporary `key`.
  std::string cluster_key(const std::string& key) const;

  // The state of `key`'s cluster, or nullptr when nobody screened it.
  const RecordState* find(const std::string& key) const;
};

// Folds screening events (other types are ignored) into state, following the
// protocol's rules per stage (single or dual; reasons required). `cluster_of`
// maps a record key to its cluster's first key; keys not in it are their own
// cluster. Events are applied per ledger file in seq order; resolutions and
// retrievals from different actors are ordered by ts (then actor).
ScreeningState fold_screening(const Protocol& protocol, const std::vector<LedgerEvent>& events,
                              const std::map<std::string, std::string>& cluster_of = {});

// The status terms of one record at both stages, as indexed for search
// (field "status": "ta-included", "ft-unscreened", ...), and the conflict
// terms (field "conflict": "ta", "ft"). A record nobody screened (nullptr, or
// unscreened at title-abstract) gets none: the index answers
// status:ta-unscreened with the records that have no ta- term, so a large
// review needs no writing before screening starts. A record not included at
// title-abstract gets no ft- term.
struct StateTerms {
  std::vector<std::string> status;
  std::vector<std::string> conflict;
};
StateTerms state_terms(const RecordState* state);

} // namespace litrev
