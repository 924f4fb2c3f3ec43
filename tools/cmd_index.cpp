// litrev index --shards N --output DIR: the review's index split into shards
// for serving (xapian-tcpsrv) and searching together (search --index).
#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"

namespace litrev::cli {

Runner define_index(CLI::App& app) {
  struct Opts {
    unsigned shards = 0;
    std::string output;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--shards", o->shards, "Number of shards to split the index into")->required();
  app.add_option("--output", o->output, "A new folder for shard-1 ... shard-N and the stub XAPIANDB")->required();
  return [o](Context& ctx) {
    Review review(ctx.dir);
    review.sync_state();
    const Index index = review.open_index();
    index.write_shards(o->output, o->shards);
    fmt::print("{} records in {} shard{} under {}.\n", index.size(), o->shards, o->shards == 1 ? "" : "s",
               o->output);
    fmt::print("Search them together with `litrev search --index {} QUERY`, or serve each shard with\n"
               "`xapian-tcpsrv --port P {}/shard-K` and list them as `remote HOST:P` lines in a stub file.\n",
               o->output, o->output);
    return 0;
  };
}

} // namespace litrev::cli
