// litrev thesaurus [FILE]: load the review's synonyms, or show them.
#include <filesystem>

#include <fmt/core.h>

#include <litrev/review.hpp>
#include <litrev/thesaurus.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

Runner define_thesaurus(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  app.add_option("FILE", *file,
                 "A thesaurus: one concept per line, terms separated by commas "
                 "(ketamine, esketamine, \"special K\"); without FILE, show the review's");
  return [file](Context& ctx) {
    Review review(ctx.dir);
    if (file->empty()) {
      if (!std::filesystem::exists(review.thesaurus_path())) {
        fmt::print("No thesaurus; load one with `litrev thesaurus FILE`.\n");
        return 0;
      }
      const Thesaurus t = Thesaurus::parse(read_text_file(review.thesaurus_path()), review.thesaurus_path());
      fmt::print("{}", t.text());
      return 0;
    }
    const std::size_t n = review.set_thesaurus(*file);
    fmt::print("Thesaurus loaded: {} concept{} from {}; use ~word or search --expand.\n", n, n == 1 ? "" : "s",
               *file);
    return 0;
  };
}

} // namespace litrev::cli
