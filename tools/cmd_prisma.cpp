// litrev prisma [--format json|csv|md|svg] [--output FILE] [--explain BOX]
//
// The PRISMA 2020 flow computed from the review (Review::prisma): the
// manifests, the duplicate clusters and the screening ledgers. --explain
// lists the records behind one box.
#include <set>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "atomic_output.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

Runner define_prisma(CLI::App& app) {
  struct Opts {
    std::string format = "md";
    std::string output;
    std::string explain;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--format", o->format,
                 "md (the default), json, csv (the PRISMA2020 R package's data layout) or svg (the diagram)");
  app.add_option("--output,-o", o->output, "Write to FILE instead of standard output")->option_text("FILE");
  app.add_option("--explain", o->explain,
                 "List the records behind BOX (identified, identified:NAME, duplicates, other-removed, screened, "
                 "screened-excluded, sought, not-retrieved, assessed, excluded, excluded:REASON, "
                 "included-studies, included-reports, pending-screening, pending-full-text)")
      ->option_text("BOX");
  return [o](Context& ctx) {
    check_format(o->format, {"md", "json", "csv", "svg"});
    Review review(ctx.dir);
    const ScreeningState state = review.screening();
    const PrismaFlow flow = review.prisma(state);
    if (!o->explain.empty()) {
      static const std::set<std::string> k_boxes = {
          "identified", "duplicates", "automation", "other-removed", "screened", "screened-excluded",
          "sought", "not-retrieved", "assessed", "excluded", "included-studies", "included-reports",
          "pending-screening", "pending-full-text"};
      const std::string& box = o->explain;
      const bool known = k_boxes.count(box) || box.rfind("identified:", 0) == 0 || box.rfind("excluded:", 0) == 0;
      auto it = flow.members.find(box);
      if (!known || (it == flow.members.end() && box.find(':') != std::string::npos)) {
        std::string boxes;
        for (const auto& [name, members] : flow.members) {
          boxes += (boxes.empty() ? "" : ", ") + name;
        }
        throw UsageError("--explain: no box '" + box + "' (boxes with records: " + boxes + ")");
      }
      if (it != flow.members.end()) {
        for (const std::string& m : it->second) {
          fmt::print("{}\n", m);
        }
      }
      return 0;
    }
    std::string text;
    if (o->format == "json") {
      text = prisma_json(flow).dump(2) + "\n";
    } else if (o->format == "csv") {
      text = prisma_csv(flow);
    } else if (o->format == "svg") {
      text = prisma_svg(flow);
    } else {
      text = prisma_markdown(flow);
    }
    if (o->output.empty()) {
      fmt::print("{}", text);
    } else {
      write_output_file(o->output, text);
      fmt::print("Wrote the PRISMA 2020 flow to {} ({})\n", o->output, o->format);
    }
    return 0;
  };
}

} // namespace litrev::cli
