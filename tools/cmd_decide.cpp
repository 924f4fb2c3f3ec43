// litrev decide KEY include|exclude|maybe [--reason R] [--note TEXT] [--stage ta|ft]
// litrev decide --from FILE.csv [--stage ta|ft]
//
// Records a screener's votes in their ledger (Review::decide). A vote is
// acknowledged (the command prints it and exits 0) only after its line is on
// disk. With --from every row is checked first, and nothing is written
// unless all rows pass.
#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

Runner define_decide(CLI::App& app) {
  struct Opts {
    std::vector<std::string> args;
    std::string reason;
    std::string note;
    std::string stage = "ta";
    std::string reviewer;
    std::string from;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("args", o->args, "KEY and DECISION (include, exclude or maybe)")->option_text("KEY DECISION");
  app.add_option("--reason", o->reason, "Exclusion reason, one of the stage's reasons in litrev.json "
                                        "(required at full text)");
  app.add_option("--note", o->note, "A note kept with the vote");
  app.add_option("--stage", o->stage, "ta (title-abstract, the default) or ft (full-text)");
  app.add_option("--reviewer", o->reviewer, "Who votes; default: $LITREV_REVIEWER");
  app.add_option("--from", o->from,
                 "Votes from a CSV file with columns key, decision and optionally reason, note, stage")
      ->option_text("FILE.csv");
  return [o](Context& ctx) {
    const std::string reviewer = reviewer_or_env(o->reviewer, "decide");
    const Stage stage = stage_option(o->stage);
    Review review(ctx.dir);
    std::vector<DecisionInput> inputs;
    if (!o->from.empty()) {
      if (!o->args.empty() || !o->reason.empty() || !o->note.empty()) {
        throw UsageError("decide --from FILE takes no KEY, DECISION, --reason or --note (they come from the file)");
      }
      inputs = read_decisions_csv(o->from, stage);
      if (inputs.empty()) {
        throw DataError(o->from, 0, "no votes in the file (only a header)");
      }
    } else {
      if (o->args.size() != 2) {
        throw UsageError("decide: expected KEY and DECISION (include, exclude or maybe), or --from FILE.csv");
      }
      DecisionInput in;
      in.key = o->args[0];
      const auto d = decision_from_name(o->args[1]);
      if (!d) {
        throw UsageError("decide: '" + o->args[1] + "' is not a decision (include, exclude, maybe)");
      }
      in.decision = *d;
      in.reason = o->reason;
      in.note = o->note;
      in.stage = stage;
      inputs.push_back(std::move(in));
    }
    const std::vector<LedgerEvent> events = review.decide_all(reviewer, inputs);
    if (events.size() == 1) {
      const auto& p = events.front().payload;
      fmt::print("{}: {} at {} ({} #{})\n", p.at("key").get<std::string>(), p.at("decision").get<std::string>(),
                 p.at("stage").get<std::string>(), reviewer, events.front().seq);
    } else {
      fmt::print("Recorded {} votes ({} #{}..#{})\n", events.size(), reviewer, events.front().seq,
                 events.back().seq);
    }
    if (!events.front().set_aside.empty()) {
      fmt::print(stderr, "litrev: note: the ledger's last line was torn (a crash mid-write); it was moved to {} "
                         "and the chain goes on without it\n", events.front().set_aside);
    }
    return 0;
  };
}

} // namespace litrev::cli
