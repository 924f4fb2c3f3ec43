// litrev verify: checks every ledger's hash chain (ledger.hpp) and reports
// each problem by file and line: an edited, removed or reordered event, a line
// that is not an event, a torn last line. Exit 0 when every chain is intact,
// 65 when something is wrong (a torn tail alone is reported, and is also 65:
// someone should look at it).
#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/ledger.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"

namespace litrev::cli {

Runner define_verify(CLI::App& app) {
  (void)app;
  return [](Context& ctx) {
    Review review(ctx.dir);
    const Ledger ledger(review.ledger_path());
    const auto actors = ledger.actors();
    const LedgerRead r = ledger.read_all();
    for (const auto& p : r.problems) {
      fmt::print("{}:{}: {}{}\n", p.file, p.line, p.torn_tail ? "torn tail: " : "", p.problem);
    }
    fmt::print("{} event{} in {} ledger{}: {}\n", r.events.size(), r.events.size() == 1 ? "" : "s", actors.size(),
               actors.size() == 1 ? "" : "s",
               r.problems.empty() ? "every chain is intact"
                                  : fmt::format("{} problem{}", r.problems.size(), r.problems.size() == 1 ? "" : "s"));
    return r.problems.empty() ? k_exit_ok : k_exit_data;
  };
}

} // namespace litrev::cli
