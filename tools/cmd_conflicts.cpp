// litrev conflicts [--stage ta|ft] [--format text|json] [--reviewer NAME]
//
// The records an adjudicator has to decide: screeners disagree (include vs
// exclude, a maybe against a decision, different reasons at full text), or
// every vote is maybe. The votes are shown to adjudicators, and to everyone
// when the stage is not blind or the protocol names no reviewers; a blind
// screener sees the keys only.
#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

Runner define_conflicts(CLI::App& app) {
  struct Opts {
    std::string stage = "ta";
    std::string format = "text";
    std::string reviewer;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--stage", o->stage, "ta (the default) or ft");
  app.add_option("--format", o->format, "text or json (JSON Lines, one record per line)");
  app.add_option("--reviewer", o->reviewer, "Who is asking (default: $LITREV_REVIEWER): votes are shown to "
                                            "adjudicators, and to all when the stage is not blind");
  return [o](Context& ctx) {
    check_format(o->format, {"text", "json"});
    const Stage stage = stage_option(o->stage);
    Review review(ctx.dir);
    const Protocol p = review.protocol();
    const StageRules* rules = p.stage(stage);
    if (!rules) {
      throw UsageError(std::string("the protocol has no ") + stage_name(stage) + " stage");
    }
    std::string who = o->reviewer;
    if (who.empty() && std::getenv("LITREV_REVIEWER")) {
      who = std::getenv("LITREV_REVIEWER");
    }
    const Reviewer* r = p.reviewer(who);
    const bool show_votes = p.reviewers.empty() || !rules->blind || (r && r->role == Role::adjudicator);
    const ScreeningState state = review.screening();
    std::size_t n = 0;
    for (const ToResolve& t : records_to_resolve(review, state, stage)) {
      const std::string& key = t.key;
      const StageState& st = *t.state;
      const std::string& kind = t.why;
      ++n;
      if (o->format == "json") {
        nlohmann::json j = {{"key", key}, {"stage", stage_name(stage)}, {"kind", kind}};
        if (show_votes) {
          nlohmann::json votes = nlohmann::json::array();
          for (const auto& [name, v] : st.votes) {
            votes.push_back(vote_json(v));
          }
          j["votes"] = std::move(votes);
        }
        fmt::print("{}\n", j.dump());
        continue;
      }
      std::string line = key + "  " + kind;
      if (show_votes) {
        for (const auto& [name, v] : st.votes) {
          line += "  " + name + ": " + decision_name(v.decision) + (v.reason.empty() ? "" : " (" + v.reason + ")");
        }
      }
      fmt::print("{}\n", line);
    }
    if (o->format == "text") {
      fmt::print("{} record{} to resolve at {}{}\n", n, n == 1 ? "" : "s", stage_name(stage),
                 n && !show_votes ? " (votes hidden: blind stage; adjudicators see them)" : "");
    }
    return 0;
  };
}

} // namespace litrev::cli
