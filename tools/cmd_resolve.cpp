// litrev resolve KEY include|exclude [--reason R] [--note TEXT] [--stage ta|ft]
// litrev resolve --from FILE.csv [--stage ta|ft]
//
// An adjudicator's decision on a record (Review::resolve): it stands over
// every screener's vote. Only reviewers with the adjudicator role in
// litrev.json may resolve.
#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

Runner define_resolve(CLI::App& app) {
  struct Opts {
    std::string key;
    std::string decision;
    std::string reason;
    std::string note;
    std::string stage = "ta";
    std::string reviewer;
    std::string from;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("key", o->key, "The record (any key of its duplicate cluster)");
  app.add_option("decision", o->decision, "include or exclude");
  app.add_option("--from", o->from,
                 "Resolutions from a CSV file with columns key, decision and optionally reason, note, stage; "
                 "every row is checked before any is written");
  app.add_option("--reason", o->reason, "Exclusion reason (one of the stage's reasons; required at full text)");
  app.add_option("--note", o->note, "Why, in a sentence (kept with the decision)");
  app.add_option("--stage", o->stage, "ta (the default) or ft");
  app.add_option("--reviewer", o->reviewer, "The adjudicator; default: $LITREV_REVIEWER");
  return [o](Context& ctx) {
    const std::string reviewer = reviewer_or_env(o->reviewer, "resolve");
    std::vector<DecisionInput> inputs;
    if (!o->from.empty()) {
      if (!o->key.empty() || !o->decision.empty() || !o->reason.empty() || !o->note.empty()) {
        throw UsageError("resolve --from FILE takes no KEY, DECISION, --reason or --note (they come from the file)");
      }
      inputs = read_decisions_csv(o->from, stage_option(o->stage));
      if (inputs.empty()) {
        throw DataError(o->from, 0, "no resolutions in the file (only a header)");
      }
    } else {
      if (o->key.empty() || o->decision.empty()) {
        throw UsageError("resolve: expected KEY and DECISION (include or exclude), or --from FILE.csv");
      }
      const auto d = decision_from_name(o->decision);
      if (!d || *d == Decision::maybe) {
        throw UsageError("resolve: '" + o->decision + "' is not a resolution (include or exclude)");
      }
      DecisionInput in;
      in.key = o->key;
      in.stage = stage_option(o->stage);
      in.decision = *d;
      in.reason = o->reason;
      in.note = o->note;
      inputs.push_back(std::move(in));
    }
    Review review(ctx.dir);
    const std::vector<LedgerEvent> events = review.resolve_all(reviewer, inputs);
    for (std::size_t i = 0; i < events.size(); ++i) {
      const LedgerEvent& e = events[i];
      fmt::print("{}: resolved {} at {} ({} #{})\n", e.payload.at("key").get<std::string>(),
                 decision_name(inputs[i].decision), stage_name(inputs[i].stage), reviewer, e.seq);
      if (!e.set_aside.empty()) {
        fmt::print(stderr, "litrev: note: the ledger's last line was torn (a crash mid-write); it was moved to {} "
                           "and the chain goes on without it\n", e.set_aside);
      }
    }
    return 0;
  };
}

} // namespace litrev::cli
