// litrev progress [--format text|json]
//
// Per stage: records and their statuses; per reviewer: done, remaining,
// and how many of their records are in conflict; the standing votes by how
// their records were presented (a queue's order, with the ranker for
// prioritised screening: what a methods section reports).
#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

Runner define_progress(CLI::App& app) {
  auto format = std::make_shared<std::string>("text");
  app.add_option("--format", *format, "text or json");
  return [format](Context& ctx) {
    check_format(*format, {"text", "json"});
    Review review(ctx.dir);
    const ScreeningState state = review.screening();
    const std::vector<StageProgress> stages = review.progress(state);
    if (*format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const StageProgress& sp : stages) {
        nlohmann::json statuses = nlohmann::json::object();
        for (const auto& [status, n] : sp.by_status) {
          statuses[status_name(status)] = n;
        }
        nlohmann::json people = nlohmann::json::array();
        for (const ReviewerProgress& rp : sp.reviewers) {
          people.push_back({{"reviewer", rp.reviewer}, {"done", rp.done}, {"remaining", rp.remaining},
                            {"conflicts", rp.conflicts}});
        }
        nlohmann::json j = {{"stage", stage_name(sp.stage)}, {"records", sp.records}, {"status", statuses},
                            {"reviewers", people}};
        if (sp.stage == Stage::full_text) {
          j["not_retrieved"] = sp.not_retrieved;
        }
        nlohmann::json orders = nlohmann::json::array();
        for (const auto& [order, n] : sp.orders) {
          orders.push_back({{"order", order.empty() ? nlohmann::json(nullptr) : nlohmann::json(order)}, {"votes", n}});
        }
        j["votes_by_order"] = std::move(orders);
        out.push_back(std::move(j));
      }
      fmt::print("{}\n", out.dump());
      return 0;
    }
    for (const StageProgress& sp : stages) {
      std::string counts;
      for (const auto& [status, n] : sp.by_status) {
        counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, status_name(status));
      }
      fmt::print("{}: {} record{}{}{}\n", stage_name(sp.stage), sp.records, sp.records == 1 ? "" : "s",
                 counts.empty() ? "" : " (" + counts + ")",
                 sp.stage == Stage::full_text && sp.not_retrieved
                     ? fmt::format("; {} not retrieved", sp.not_retrieved)
                     : "");
      for (const ReviewerProgress& rp : sp.reviewers) {
        fmt::print("  {:<16} {:>6} done {:>6} remaining {:>6} in conflict\n", rp.reviewer, rp.done, rp.remaining,
                   rp.conflicts);
      }
      for (const auto& [order, n] : sp.orders) {
        const std::size_t colon = order.find(": ");
        fmt::print("  {:>6} vote{} {}\n", n, n == 1 ? "" : "s",
                   order.empty()                 ? "by command or from a file"
                   : colon == std::string::npos ? "screened in " + order + " order"
                                                 : "screened in " + order.substr(0, colon) + " order (" +
                                                       order.substr(colon + 2) + ")");
      }
    }
    return 0;
  };
}

} // namespace litrev::cli
