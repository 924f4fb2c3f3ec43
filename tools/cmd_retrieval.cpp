// litrev retrieval KEY retrieved|not-retrieved [--reason R]
//
// Whether the full text of a record included at title-abstract was found
// (PRISMA 2020: reports sought, reports not retrieved).
#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

Runner define_retrieval(CLI::App& app) {
  struct Opts {
    std::string key;
    std::string what;
    std::string reason;
    std::string reviewer;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("key", o->key, "The record")->required();
  app.add_option("status", o->what, "retrieved or not-retrieved")->required();
  app.add_option("--reason", o->reason, "Why the report could not be retrieved (required then)");
  app.add_option("--reviewer", o->reviewer, "Who; default: $LITREV_REVIEWER");
  return [o](Context& ctx) {
    const std::string reviewer = reviewer_or_env(o->reviewer, "retrieval");
    if (o->what != "retrieved" && o->what != "not-retrieved") {
      throw UsageError("retrieval: '" + o->what + "' is not retrieved or not-retrieved");
    }
    Review review(ctx.dir);
    const LedgerEvent e = review.set_retrieval(reviewer, o->key, o->what == "retrieved", o->reason);
    fmt::print("{}: {} ({} #{})\n", e.payload.at("key").get<std::string>(), o->what, reviewer, e.seq);
    if (!e.set_aside.empty()) {
      fmt::print(stderr, "litrev: note: the ledger's last line was torn (a crash mid-write); it was moved to {} "
                         "and the chain goes on without it\n", e.set_aside);
    }
    return 0;
  };
}

} // namespace litrev::cli
