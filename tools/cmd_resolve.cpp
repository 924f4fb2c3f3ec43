// litrev resolve KEY include|exclude [--reason R] [--note TEXT] [--stage ta|ft]
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
  };
  auto o = std::make_shared<Opts>();
  app.add_option("key", o->key, "The record (any key of its duplicate cluster)")->required();
  app.add_option("decision", o->decision, "include or exclude")->required();
  app.add_option("--reason", o->reason, "Exclusion reason (one of the stage's reasons; required at full text)");
  app.add_option("--note", o->note, "Why, in a sentence (kept with the decision)");
  app.add_option("--stage", o->stage, "ta (the default) or ft");
  app.add_option("--reviewer", o->reviewer, "The adjudicator; default: $LITREV_REVIEWER");
  return [o](Context& ctx) {
    const std::string reviewer = reviewer_or_env(o->reviewer, "resolve");
    const auto d = decision_from_name(o->decision);
    if (!d || *d == Decision::maybe) {
      throw UsageError("resolve: '" + o->decision + "' is not a resolution (include or exclude)");
    }
    DecisionInput in{o->key, stage_option(o->stage), *d, o->reason, o->note};
    Review review(ctx.dir);
    const LedgerEvent e = review.resolve(reviewer, in);
    fmt::print("{}: resolved {} at {} ({} #{})\n", e.payload.at("key").get<std::string>(), o->decision,
               stage_name(in.stage), reviewer, e.seq);
    if (!e.set_aside.empty()) {
      fmt::print(stderr, "litrev: note: the ledger's last line was torn (a crash mid-write); it was moved to {} "
                         "and the chain goes on without it\n", e.set_aside);
    }
    return 0;
  };
}

} // namespace litrev::cli
