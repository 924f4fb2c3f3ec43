// litrev rebuild
#include <fmt/core.h>

#include <litrev/review.hpp>

#include "commands.hpp"

namespace litrev::cli {

Runner define_rebuild(CLI::App&) {
  return [](Context& ctx) {
    Review review(ctx.dir);
    const RebuildReport r = review.rebuild();
    fmt::print("Rebuilt the index from {} run{}: {} records\n", r.runs, r.runs == 1 ? "" : "s",
               r.records);
    return 0;
  };
}

} // namespace litrev::cli
