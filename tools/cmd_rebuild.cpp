// litrev rebuild
#include <fmt/core.h>

#include <litrev/review.hpp>

#include "commands.hpp"

namespace litrev::cli {

Runner define_rebuild(CLI::App& app) {
  auto jobs = std::make_shared<unsigned>(0);
  app.add_option("--jobs", *jobs,
                 "Threads building the index (default: every core from " +
                     std::to_string(k_parallel_import_min) + " records up, else 1)")
      ->check(CLI::Range(1, 256));
  return [jobs](Context& ctx) {
    Review review(ctx.dir);
    const RebuildReport r = review.rebuild(*jobs);
    fmt::print("Rebuilt the index from {} run{}: {} records{}\n", r.runs, r.runs == 1 ? "" : "s",
               r.records, r.jobs > 1 ? fmt::format(" (in {} parallel parts, merged)", r.jobs) : "");
    return 0;
  };
}

} // namespace litrev::cli
