// litrev init [DIR] [--title T]
#include <fmt/core.h>

#include <litrev/review.hpp>

#include "commands.hpp"

namespace litrev::cli {

Runner define_init(CLI::App& app) {
  struct Opts {
    std::string dir;
    std::string title = "Untitled review";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("DIR", o->dir, "Directory to create (default: the -C directory)");
  app.add_option("--title", o->title, "The review's title, kept in litrev.json");
  return [o](Context& ctx) {
    const std::string dir = o->dir.empty() ? ctx.dir : o->dir;
    Review::init(dir, o->title);
    fmt::print("Created review in {}: litrev.json, sources/, ledger/; the first import makes index/\n", dir);
    return 0;
  };
}

} // namespace litrev::cli
