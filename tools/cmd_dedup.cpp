// litrev dedup [--format text|json]                 the review's reference clusters
// litrev dedup confirm KEY KEY... | split KEY KEY     a person's decision (ledger)
// litrev dedup --input FILE.csv --format csv [--explain [FILE]]
//
// Review mode lists the clusters of two or more records, why each was formed
// (the rule, the blocking key, or the person who confirmed it), the pairs
// left for a person to decide, and the links a person's split undid.
//
// Evaluation mode: deduplicates the references of one CSV file (no review
// directory needed) and prints `record_id,cluster_id` for every input row, in
// input order. cluster_id is the record_id of the cluster's first row, so a
// row that is its own cluster_id was kept and every other row of its cluster
// is a duplicate of it. --explain writes why each cluster was formed, the
// pairs left for a person to decide and the vetoed near-misses, as JSON
// Lines, to stderr or to FILE.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <litrev/dedup.hpp>
#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

namespace {

nlohmann::json pair_json(const char* type, const PairExplanation& e, const std::vector<std::string>& ids,
                         const DedupResult& r) {
  nlohmann::json j;
  j["type"] = type;
  j["cluster"] = ids[r.clusters[r.cluster_of[e.a]].members.front()];
  j["a"] = ids[e.a];
  j["b"] = ids[e.b];
  j["verdict"] = verdict_name(e.verdict);
  j["rule"] = e.rule;
  j["blocking_key"] = e.blocking_key;
  nlohmann::json fields = nlohmann::json::array();
  // (Empty when DedupOptions::field_scores is off; the CLI turns it on
  // with --explain.)
  for (const FieldComparison& f : e.fields) {
    nlohmann::json x;
    x["field"] = f.field;
    x["outcome"] = f.outcome;
    x["score"] = f.score;
    if (!f.detail.empty()) {
      x["detail"] = f.detail;
    }
    fields.push_back(std::move(x));
  }
  j["fields"] = std::move(fields);
  if (!e.note.empty()) {
    j["note"] = e.note;
  }
  return j;
}

void write_explanations(std::ostream& out, const std::vector<std::string>& ids, const DedupResult& r) {
  for (const DedupCluster& c : r.clusters) {
    for (const PairExplanation& e : c.links) {
      out << pair_json("merge", e, ids, r).dump() << '\n';
    }
  }
  for (const PairExplanation& e : r.maybe) {
    nlohmann::json j = pair_json("maybe", e, ids, r);
    j["cluster_b"] = ids[r.clusters[r.cluster_of[e.b]].members.front()];
    out << j.dump() << '\n';
  }
  for (const PairExplanation& e : r.vetoed) {
    out << pair_json("vetoed", e, ids, r).dump() << '\n';
  }
  const DedupStats& s = r.stats;
  nlohmann::json j;
  j["type"] = "summary";
  j["records"] = s.records;
  j["clusters"] = s.clusters;
  j["duplicate_clusters"] = s.duplicate_clusters;
  j["removed"] = s.records - s.clusters;
  j["duplicate_links"] = s.duplicate_links;
  j["maybe_pairs"] = s.maybe_pairs;
  j["vetoed_pairs"] = s.vetoed_pairs;
  j["chaining_rejected"] = s.chaining_rejected;
  j["compared_pairs"] = s.compared_pairs;
  j["blocks_windowed"] = s.blocks_windowed;
  out << j.dump() << '\n';
}

nlohmann::json link_json(const char* type, const ClusterLink& l) {
  nlohmann::json j = {{"type", type}, {"a", l.a}, {"b", l.b}, {"rule", l.rule}};
  if (!l.blocking_key.empty()) {
    j["blocking_key"] = l.blocking_key;
  }
  if (!l.decided_by.empty()) {
    j["decided_by"] = l.decided_by;
  }
  nlohmann::json fields = nlohmann::json::array();
  for (const FieldComparison& f : l.fields) {
    fields.push_back({{"field", f.field}, {"outcome", f.outcome}, {"score", f.score}, {"detail", f.detail}});
  }
  j["fields"] = std::move(fields);
  return j;
}

std::string describe(const ClusterLink& l) {
  std::string why = l.rule;
  if (!l.blocking_key.empty()) {
    why += " (found by " + l.blocking_key + ")";
  }
  if (!l.decided_by.empty()) {
    why += l.rule == "confirmed" ? " by " + l.decided_by : "; kept apart by " + l.decided_by;
  }
  std::string agreed;
  for (const FieldComparison& f : l.fields) {
    if (f.outcome == "agree") {
      agreed += (agreed.empty() ? "" : ", ") + f.field;
    }
  }
  if (!agreed.empty()) {
    why += "; agree: " + agreed;
  }
  return why;
}

int run_review_mode(Context& ctx, const std::string& format) {
  check_format(format, {"text", "json"});
  Review review(ctx.dir);
  DedupOptions options;
  options.field_scores = true;
  const ReviewDedup r = review.deduplicate(options);
  for (const auto& p : r.ledger_problems) {
    fmt::print(stderr, "warning: {}:{}: {}\n", p.file, p.line, p.problem);
  }
  if (format == "json") {
    for (const auto& c : r.clusters) {
      nlohmann::json links = nlohmann::json::array();
      for (const auto& l : c.links) {
        links.push_back(link_json("link", l));
      }
      fmt::print("{}\n", nlohmann::json{{"type", "cluster"}, {"id", c.keys.front()}, {"keys", c.keys}, {"links", links}}.dump());
    }
    for (const auto& l : r.maybe) {
      fmt::print("{}\n", link_json("maybe", l).dump());
    }
    for (const auto& l : r.kept_apart) {
      fmt::print("{}\n", link_json("kept_apart", l).dump());
    }
    std::size_t removed = 0;
    for (const auto& c : r.clusters) {
      removed += c.keys.size() - 1;
    }
    fmt::print("{}\n", nlohmann::json{{"type", "summary"}, {"records", r.records}, {"clusters", r.clusters.size()},
                                      {"removed", removed}, {"maybe", r.maybe.size()}, {"kept_apart", r.kept_apart.size()}}
                           .dump());
    return 0;
  }
  std::size_t removed = 0;
  for (const auto& c : r.clusters) {
    removed += c.keys.size() - 1;
    fmt::print("cluster {} ({} records)\n", c.keys.front(), c.keys.size());
    for (const auto& l : c.links) {
      fmt::print("  {} = {}: {}\n", l.a, l.b, describe(l));
    }
  }
  if (!r.maybe.empty()) {
    fmt::print("maybe (decide with `litrev dedup confirm KEY KEY` or `litrev dedup split KEY KEY`):\n");
    for (const auto& l : r.maybe) {
      fmt::print("  {} ? {}: {}\n", l.a, l.b, describe(l));
    }
  }
  for (const auto& l : r.kept_apart) {
    fmt::print("kept apart: {} / {}: {}\n", l.a, l.b, describe(l));
  }
  fmt::print("{} records, {} duplicate cluster{}, {} duplicate{} to remove, {} maybe pair{}\n", r.records,
             r.clusters.size(), r.clusters.size() == 1 ? "" : "s", removed, removed == 1 ? "" : "s", r.maybe.size(),
             r.maybe.size() == 1 ? "" : "s");
  return 0;
}

} // namespace

Runner define_dedup(CLI::App& app) {
  struct Opts {
    std::string input;
    std::string format = "csv";
    std::string explain;
    CLI::Option* explain_opt = nullptr;
    CLI::Option* format_opt = nullptr;
    std::vector<std::string> action;
    std::string reviewer;
    std::string note;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--input", o->input,
                 "Evaluation mode: a CSV file with columns among record_id, author, title, year, journal, "
                 "volume, number, pages, doi, abstract, isbn")
      ->option_text("FILE");
  app.add_option("ACTION", o->action,
                 "Nothing: list the review's duplicate clusters and maybe pairs. `confirm KEY KEY...`: these "
                 "records are one report. `split KEY KEY`: these two are not.");
  o->format_opt = app.add_option("--format", o->format,
                                 "Review mode: text or json (JSON Lines). With --input: csv (the input's format; "
                                 "prints record_id,cluster_id)");
  app.add_option("--reviewer", o->reviewer, "Who decides (confirm, split); default: $LITREV_REVIEWER");
  app.add_option("--note", o->note, "A note kept with the decision");
  o->explain_opt = app.add_option("--explain", o->explain,
                                  "Write merge explanations, maybe pairs and vetoed near-misses as JSON Lines "
                                  "to FILE (default: stderr)")
                       ->expected(0, 1)
                       ->option_text("[FILE]");
  return [o](Context& ctx) {
    if (o->input.empty()) {
      if (o->action.empty()) {
        return run_review_mode(ctx, o->format_opt->count() ? o->format : "text");
      }
      const std::string verb = o->action.front();
      if (verb != "confirm" && verb != "split") {
        throw UsageError("dedup: unknown action '" + verb + "' (expected confirm or split)");
      }
      const std::string reviewer = reviewer_or_env(o->reviewer, "dedup " + verb);
      Review review(ctx.dir);
      const std::vector<std::string> keys(o->action.begin() + 1, o->action.end());
      const LedgerEvent e = review.decide_duplicates(reviewer, verb == "confirm", keys, o->note);
      fmt::print("{} recorded ({} #{}).\n", verb == "confirm" ? "Duplicates confirmed" : "Kept apart", reviewer, e.seq);
      return 0;
    }
    if (!o->action.empty()) {
      throw UsageError("dedup: --input takes no action");
    }
    check_format(o->format, {"csv"});
    std::vector<std::string> ids;
    DedupOptions options;
    options.field_scores = o->explain_opt->count() > 0;
    Deduplicator dedup(options);
    read_dedup_csv(o->input, [&](std::string id, const Record& record) {
      ids.push_back(std::move(id));
      dedup.add(record);
    });
    const DedupResult result = dedup.run();

    std::string buf = csv_row({"record_id", "cluster_id"});
    for (std::size_t i = 0; i < ids.size(); ++i) {
      buf += csv_row({ids[i], ids[result.clusters[result.cluster_of[i]].members.front()]});
      if (buf.size() > (1U << 20)) {
        std::fwrite(buf.data(), 1, buf.size(), stdout);
        buf.clear();
      }
    }
    std::fwrite(buf.data(), 1, buf.size(), stdout);
    if (std::fflush(stdout) != 0) {
      throw IoError("cannot write the output");
    }

    if (o->explain_opt->count() > 0) {
      if (o->explain.empty() || o->explain == "-") {
        write_explanations(std::cerr, ids, result);
        std::cerr.flush();
      } else {
        std::ofstream out(o->explain, std::ios::binary | std::ios::trunc);
        if (!out) {
          throw IoError("cannot write " + o->explain);
        }
        write_explanations(out, ids, result);
        out.close();
        if (!out) {
          throw IoError("cannot write " + o->explain);
        }
      }
    }
    return 0;
  };
}

} // namespace litrev::cli
