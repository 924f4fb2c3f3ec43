// litrev rank [--stage ta|ft] [--limit N] [--seed S] [--reviewer NAME] [--format text|json]
//
// The prioritised ranking of a stage's records not settled yet
// (Review::rank): the order `screen --order prioritised` shows (with
// --reviewer, the order that reviewer's screen shows), with each
// record's score, and the model, its settings, the seed, the training labels
// and litrev's version, for a methods section. JSON: a first line
// {"summary": {...}}, then one object per record (JSON Lines).
#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "terminal.hpp"

namespace litrev::cli {

Runner define_rank(CLI::App& app) {
  struct Opts {
    std::string stage = "ta";
    std::size_t limit = 20;
    std::uint64_t seed = 0;
    std::string reviewer;
    std::string format = "text";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--stage", o->stage, "ta (title-abstract, the default) or ft (full-text)");
  app.add_option("--limit", o->limit, "Records to list (default 20; 0 lists all)");
  CLI::Option* seed = app.add_option(
      "--seed", o->seed, "The ranker's seed (default 0; with --reviewer, the reviewer's own, as `screen` uses)");
  app.add_option("--reviewer", o->reviewer,
                 "Rank as NAME's prioritised queue: their own votes on records not settled yet count as training "
                 "labels, and the records they voted on are left out (colleagues' unsettled votes never count)");
  app.add_option("--format", o->format, "text (default) or json (JSON Lines: a summary, then the records)");
  return [o, seed](Context& ctx) {
    check_format(o->format, {"text", "json"});
    const Stage stage = stage_option(o->stage);
    const Review review(ctx.dir);
    const std::uint64_t s = seed->count() || o->reviewer.empty() ? o->seed : reviewer_seed(o->reviewer);
    const Ranking r = review.rank(stage, s, o->reviewer);
    const std::size_t n = o->limit == 0 ? r.records.size() : std::min(o->limit, r.records.size());
    const Index index = review.open_index();
    if (o->format == "json") {
      fmt::print("{}\n", nlohmann::json{{"summary",
                                         {{"stage", stage_name(stage)},
                                          {"records", r.records.size()},
                                          {"trained", r.trained},
                                          {"included", r.included},
                                          {"excluded", r.excluded},
                                          {"own_votes", r.own},
                                          {"reviewer", r.reviewer},
                                          {"model", r.settings},
                                          {"seed", r.seed},
                                          {"litrev_version", version()}}}}
                             .dump());
      for (std::size_t i = 0; i < n; ++i) {
        nlohmann::json j = {{"rank", i + 1}, {"key", r.records[i].key}, {"score", r.records[i].score}};
        if (const auto rec = index.get(r.records[i].key)) {
          j["title"] = rec->title;
          j["year"] = rec->pub_date.year;
        }
        fmt::print("{}\n", j.dump());
      }
      return 0;
    }
    fmt::print("{} records of {} not settled yet{}; trained on {} included and {} excluded{}.\n",
               r.records.size(), stage_name(stage),
               r.reviewer.empty() ? "" : fmt::format(" that {} has not voted on", r.reviewer), r.included,
               r.excluded, r.own ? fmt::format(" ({} of them {}'s own votes)", r.own, r.reviewer) : "");
    if (!r.trained) {
      fmt::print("Not ranked yet: the ranker needs at least one included and one excluded record (key order "
                 "below).\n");
    }
    fmt::print("Model: {} (litrev {})\n\n", r.settings, version());
    for (std::size_t i = 0; i < n; ++i) {
      const auto rec = index.get(r.records[i].key);
      std::string title = sanitize(rec ? rec->title : std::string());
      const std::vector<Glyph> g = glyphs(title);
      if (g.size() > 90) { // cut at a code point, not inside one
        title = title.substr(0, g[86].offset) + "...";
      }
      fmt::print("{:>4}  {:>8.4f}  {:<24} {}\n", i + 1, r.records[i].score, r.records[i].key, title);
    }
    return 0;
  };
}

} // namespace litrev::cli
