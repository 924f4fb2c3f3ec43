// litrev search QUERY [--limit N] [--offset N] [--format text|json|csv]
#include <fmt/core.h>

#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

Runner define_search(CLI::App& app) {
  struct Opts {
    std::string query;
    std::size_t limit = 20;
    std::size_t offset = 0;
    std::string format = "text";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("QUERY", o->query,
                 "Query: words (AND by default), OR, NOT, \"phrases\", NEAR, fields "
                 "(title: abstract: author: journal: mesh: pt: keyword: lang: pmid: doi: key: "
                 "year:), year:2010..2020")
      ->required();
  app.add_option("--limit", o->limit, "Number of hits to show (default 20)");
  app.add_option("--offset", o->offset, "Hits to skip first (default 0)");
  app.add_option("--format", o->format, "text, json (one object per line) or csv");
  return [o](Context& ctx) {
    check_format(o->format, {"text", "json", "csv"});
    Review review(ctx.dir);
    if (!review.sync_state()) {
      fmt::print(stderr, "litrev: warning: the index is busy; status: and conflict: terms may be out of date\n");
    }
    const Index index = review.open_index();
    const SearchResult r = index.search(o->query, {o->offset, o->limit});
    if (o->format == "json") {
      for (const auto& h : r.hits) {
        nlohmann::json j = record_summary(h.record);
        j["rank"] = h.rank;
        j["score"] = h.score;
        fmt::print("{}\n", j.dump());
      }
    } else if (o->format == "csv") {
      fmt::print("{}", csv_row({"rank", "key", "score", "year", "first_author", "title", "journal",
                                "pmid", "doi"}));
      for (const auto& h : r.hits) {
        const Record& rec = h.record;
        fmt::print("{}", csv_row({std::to_string(h.rank), rec.key, fmt::format("{:.4f}", h.score),
                                  rec.pub_date.year ? std::to_string(rec.pub_date.year) : "",
                                  rec.first_author(), rec.title, journal_short(rec),
                                  rec.ids.pmid, rec.ids.doi}));
      }
    } else {
      for (const auto& h : r.hits) {
        const Record& rec = h.record;
        fmt::print("{:>4}  {}  {}  {}\n      {}\n      {}\n", h.rank, rec.key,
                   rec.pub_date.year ? std::to_string(rec.pub_date.year) : "----",
                   rec.first_author().empty() ? "(no author)" : rec.first_author(), rec.title,
                   journal_short(rec));
      }
      if (r.total == 0) {
        fmt::print("No records match.\n");
      } else if (r.hits.empty()) {
        fmt::print("{} records match; none at offset {}.\n", r.total, o->offset);
      } else {
        fmt::print("{} record{} match; showing {}-{}.\n", r.total, r.total == 1 ? "" : "s",
                   r.hits.front().rank, r.hits.back().rank);
      }
    }
    return 0;
  };
}

} // namespace litrev::cli
