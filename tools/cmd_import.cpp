// litrev import FILE... [--skip-bad]
#include <fmt/core.h>

#include <litrev/review.hpp>

#include "commands.hpp"

namespace litrev::cli {

Runner define_import(CLI::App& app) {
  struct Opts {
    std::vector<std::string> files;
    bool skip_bad = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("FILE", o->files, "PubMed XML files (.xml or .xml.gz)")->required();
  app.add_flag("--skip-bad", o->skip_bad,
               "Import the readable records and list the unreadable ones, instead of "
               "refusing the whole import");
  return [o](Context& ctx) {
    Review review(ctx.dir);
    ImportOptions options;
    options.skip_bad = o->skip_bad;
    options.command = ctx.command_line;
    const ImportReport r = review.import_files(o->files, options);
    for (const auto& f : r.files) {
      if (f.already_imported) {
        fmt::print("{}: already imported (run {}); nothing to do\n", f.path, f.previous_run);
        continue;
      }
      fmt::print("{}: {} record{}{}{}\n", f.path, f.records, f.records == 1 ? "" : "s",
                 f.deletions ? fmt::format(", {} deletion{}", f.deletions,
                                           f.deletions == 1 ? "" : "s")
                             : "",
                 f.skipped.empty() ? "" : fmt::format(", {} skipped", f.skipped.size()));
      for (const auto& s : f.skipped) {
        fmt::print("  skipped {}{}: {}\n", s.file, s.line ? fmt::format(":{}", s.line) : "",
                   s.problem);
      }
    }
    if (r.run.empty()) {
      fmt::print("Nothing new to import.\n");
    } else {
      fmt::print("Run {}: {} added, {} updated, {} deleted{}\n", r.run, r.added, r.updated,
                 r.deleted, r.skipped ? fmt::format(", {} skipped", r.skipped) : "");
    }
    return 0;
  };
}

} // namespace litrev::cli
