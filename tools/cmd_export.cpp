// litrev export records --format ris|bibtex|csv|json [--where QUERY] [--output FILE]
// litrev export decisions --format csv|json [--state] [--output FILE]
#include <algorithm>
#include <map>
#include <iostream>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/export.hpp>
#include <litrev/review.hpp>

#include "atomic_output.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

namespace {

// The keys of the records matching `query`, sorted. Searched a page at a
// time so that only keys are kept.
std::vector<std::string> matching_keys(const Index& index, const std::string& query) {
  std::vector<std::string> keys;
  constexpr std::size_t k_page = 1000;
  for (std::size_t offset = 0;;) {
    const SearchResult r = index.search(query, {offset, k_page});
    for (const auto& h : r.hits) {
      keys.push_back(h.record.key);
    }
    offset += r.hits.size();
    if (r.hits.empty() || offset >= r.total) {
      break;
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

struct DecisionsOpts {
  std::string format;
  bool state = false;
  std::string output;
};

const char* const k_event_columns[] = {"actor", "seq", "ts", "type", "key", "stage", "decision", "reason",
                                       "note", "retrieved"};

std::vector<std::string> event_row(const LedgerEvent& e) {
  auto str = [&](const char* name) {
    auto it = e.payload.find(name);
    return it != e.payload.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto retrieved = e.payload.find("retrieved");
  return {e.actor,
          std::to_string(e.seq),
          e.ts,
          e.type,
          str("key"),
          str("stage"),
          str("decision"),
          str("reason"),
          str("note"),
          retrieved != e.payload.end() && retrieved->is_boolean() ? (retrieved->get<bool>() ? "true" : "false") : ""};
}

nlohmann::json stage_json(const StageState& st) {
  nlohmann::json votes = nlohmann::json::array();
  for (const auto& [who, v] : st.votes) {
    nlohmann::json j = {{"reviewer", who}, {"key", v.key}, {"decision", decision_name(v.decision)},
                        {"ts", v.ts},       {"first", decision_name(v.first)}, {"revisions", v.revisions}};
    if (!v.reason.empty()) {
      j["reason"] = v.reason;
    }
    if (!v.note.empty()) {
      j["note"] = v.note;
    }
    votes.push_back(std::move(j));
  }
  nlohmann::json j = {{"status", status_name(st.status)}, {"votes", votes}};
  if (!st.reason.empty()) {
    j["reason"] = st.reason;
  }
  if (!st.conflict.empty()) {
    j["conflict"] = st.conflict;
  }
  if (st.resolution) {
    j["resolution"] = {{"adjudicator", st.resolution->adjudicator},
                       {"decision", decision_name(st.resolution->decision)},
                       {"reason", st.resolution->reason},
                       {"note", st.resolution->note},
                       {"ts", st.resolution->ts}};
  }
  return j;
}

std::string votes_cell(const StageState& st) {
  std::string out;
  for (const auto& [who, v] : st.votes) {
    out += (out.empty() ? "" : "; ") + who + ": " + decision_name(v.decision) +
           (v.reason.empty() ? "" : " (" + v.reason + ")");
  }
  return out;
}

std::string resolution_cell(const StageState& st) {
  if (!st.resolution) {
    return {};
  }
  return st.resolution->adjudicator + ": " + decision_name(st.resolution->decision) +
         (st.resolution->reason.empty() ? "" : " (" + st.resolution->reason + ")");
}

int export_decisions(Context& ctx, const DecisionsOpts& o) {
  if (o.format != "csv" && o.format != "json") {
    throw UsageError("--format " + o.format + ": expected csv or json");
  }
  Review review(ctx.dir);
  std::vector<LedgerProblem> problems;
  std::unique_ptr<AtomicOutput> file;
  if (!o.output.empty()) {
    file = std::make_unique<AtomicOutput>(o.output);
  }
  std::ostream& out = file ? file->stream() : std::cout;
  std::uint64_t rows = 0;
  if (!o.state) {
    const LedgerRead ledger = Ledger(review.ledger_path()).read_all();
    problems = ledger.problems;
    if (o.format == "csv") {
      out << csv_row(std::vector<std::string>(std::begin(k_event_columns), std::end(k_event_columns)));
    }
    for (const LedgerEvent& e : ledger.events) {
      if (e.type.rfind("screen.", 0) != 0) {
        continue;
      }
      ++rows;
      if (o.format == "csv") {
        out << csv_row(event_row(e));
      } else {
        out << nlohmann::json{{"actor", e.actor}, {"seq", e.seq},         {"ts", e.ts},
                              {"type", e.type},   {"payload", e.payload}}
                   .dump()
            << "\n";
      }
    }
  } else {
    const ScreeningState state = review.screening(&problems);
    if (o.format == "csv") {
      out << csv_row({"key", "members", "ta_status", "ta_reason", "ta_votes", "ta_resolution", "retrieval",
                      "ft_status", "ft_reason", "ft_votes", "ft_resolution"});
    }
    for (const auto& [key, members] : state.clusters) {
      const RecordState* rs = state.find(key);
      const RecordState empty;
      const RecordState& r = rs ? *rs : empty;
      const bool ft = r.ta.status == Status::included;
      std::string retrieval;
      if (r.retrieval) {
        retrieval = r.retrieval->retrieved ? "retrieved" : "not retrieved (" + r.retrieval->reason + ")";
      }
      ++rows;
      if (o.format == "csv") {
        std::string all;
        for (const auto& m : members) {
          all += (all.empty() ? "" : " ") + m;
        }
        out << csv_row({key, all, status_name(r.ta.status), r.ta.reason, votes_cell(r.ta), resolution_cell(r.ta),
                        retrieval, ft ? status_name(r.ft.status) : "", ft ? r.ft.reason : "",
                        ft ? votes_cell(r.ft) : "", ft ? resolution_cell(r.ft) : ""});
        continue;
      }
      nlohmann::json j = {{"key", key}, {"members", members}, {"title_abstract", stage_json(r.ta)}};
      if (r.retrieval) {
        j["retrieval"] = {{"retrieved", r.retrieval->retrieved}, {"reason", r.retrieval->reason},
                          {"actor", r.retrieval->actor}, {"ts", r.retrieval->ts}};
      }
      if (ft) {
        j["full_text"] = stage_json(r.ft);
      }
      out << j.dump() << "\n";
    }
  }
  out.flush();
  if (file) {
    file->commit();
    fmt::print("Wrote {} {} to {}\n", rows, o.state ? "records" : "events", o.output);
  }
  for (const LedgerProblem& p : problems) {
    fmt::print(stderr, "litrev: warning: {}:{}: {} (run `litrev verify`)\n", p.file, p.line, p.problem);
  }
  return problems.empty() ? 0 : k_exit_data;
}

// The review's decisions and notes on each record, as the record writers
// carry them (export.hpp ScreeningLines), by record key; every record of a
// duplicate cluster gets its cluster's lines. Empty when nobody screened.
std::map<std::string, ScreeningLines> screening_lines(const Review& review) {
  std::map<std::string, ScreeningLines> out;
  const LedgerRead ledger = Ledger(review.ledger_path()).read_all();
  const bool any = std::any_of(ledger.events.begin(), ledger.events.end(),
                               [](const LedgerEvent& e) { return e.type.rfind("screen.", 0) == 0; });
  if (!any) {
    return out;
  }
  const ScreeningState state = review.screening();
  std::map<std::string, ScreeningLines> by_cluster;
  for (const auto& [cluster, rs] : state.records) {
    ScreeningLines& lines = by_cluster[cluster];
    for (Stage stage : {Stage::title_abstract, Stage::full_text}) {
      const StageState& st = rs.stage(stage);
      if (st.votes.empty() && !st.resolution) {
        continue;
      }
      std::string votes;
      for (const auto& [who, v] : st.votes) {
        votes += (votes.empty() ? "" : "; ") + who + ": " + decision_name(v.decision) +
                 (v.reason.empty() ? "" : ", " + v.reason);
      }
      if (st.resolution) {
        votes += (votes.empty() ? "" : "; ") + std::string("resolved by ") + st.resolution->adjudicator + ": " +
                 decision_name(st.resolution->decision);
      }
      lines.push_back(std::string(stage_name(stage)) + ": " + status_name(st.status) +
                      (st.reason.empty() ? "" : " (" + st.reason + ")") + " [" + votes + "]");
    }
    if (rs.retrieval && !rs.retrieval->retrieved) {
      lines.push_back("full text not retrieved: " + rs.retrieval->reason);
    }
  }
  for (const LedgerEvent& e : ledger.events) {
    if (e.type != "screen.decision" && e.type != "screen.note" && e.type != "screen.resolve") {
      continue;
    }
    const std::string note = e.payload.value("note", "");
    if (note.empty()) {
      continue;
    }
    const std::string key = e.payload.value("key", "");
    by_cluster[state.cluster_key(key)].push_back("note by " + e.actor + " (" + e.payload.value("stage", "") +
                                                 "): " + note);
  }
  for (const auto& [cluster, lines] : by_cluster) {
    auto members = state.clusters.find(cluster);
    if (members == state.clusters.end()) {
      continue;
    }
    for (const std::string& key : members->second) {
      out[key] = lines;
    }
  }
  return out;
}

} // namespace

Runner define_export(CLI::App& app) {
  struct Opts {
    std::string format;
    std::string where;
    std::string output;
  };
  auto o = std::make_shared<Opts>();
  app.require_subcommand(1);
  CLI::App* records = app.add_subcommand(
      "records", "Write the review's records, in key order, as RIS, BibTeX, CSV or JSON Lines");
  records->add_option("--format", o->format,
                      "ris, bibtex, csv (header in schemas/output.md) or json (JSON Lines, one "
                      "record per line, as `litrev show --format json`)")
      ->required();
  records->add_option("--where", o->where,
                      "Only the records matching this query, in the syntax of `litrev search` "
                      "(fields, AND OR NOT, year:2010..2020). Screening states (status:...) become "
                      "searchable once screening is recorded");
  records->add_option("--output,-o", o->output,
                      "Write to FILE (complete or not at all: written aside, then renamed) "
                      "instead of standard output")
      ->option_text("FILE");
  records->footer("Each record carries the review's decisions and notes on it, when there are any (RIS N1, "
                  "BibTeX annote, the CSV Screening column, \"screening\" in JSON). Every event: "
                  "`litrev export decisions`.");
  CLI::App* decisions = app.add_subcommand(
      "decisions", "Write every screening event, or (--state) the current screening state of every record");
  auto d = std::make_shared<DecisionsOpts>();
  decisions->add_option("--format", d->format, "csv or json (JSON Lines); columns in schemas/output.md")
      ->required();
  decisions->add_flag("--state", d->state,
                      "The current state per record (statuses, votes, resolutions, retrieval) instead of the "
                      "events");
  decisions->add_option("--output,-o", d->output, "Write to FILE (complete or not at all) instead of standard output")
      ->option_text("FILE");
  return [o, d, decisions](Context& ctx) {
    if (decisions->parsed()) {
      return export_decisions(ctx, *d);
    }
    const auto format = export_format_from_name(o->format);
    if (!format) {
      throw UsageError("--format " + o->format + ": expected one of ris, bibtex, csv, json");
    }
    Review review(ctx.dir);
    if (!o->where.empty() && !review.sync_state()) {
      fmt::print(stderr, "litrev: warning: the index is busy; status: and conflict: terms may be out of date\n");
    }
    const Index index = review.open_index();
    if (index.size() == 0) {
      throw Error("the review has no records to export; import some first (litrev import FILE)");
    }
    const std::vector<std::string> keys = o->where.empty() ? index.keys() : matching_keys(index, o->where);

    const std::map<std::string, ScreeningLines> screening = screening_lines(review);

    std::unique_ptr<AtomicOutput> file;
    if (!o->output.empty()) {
      file = std::make_unique<AtomicOutput>(o->output);
    }
    std::ostream& out = file ? file->stream() : std::cout;
    std::uint64_t written = 0;
    try {
      const auto writer = make_record_writer(*format, out);
      static const ScreeningLines k_none;
      for (const auto& key : keys) {
        if (const auto record = index.get(key)) {
          auto lines = screening.find(key);
          writer->write(*record, lines == screening.end() ? k_none : lines->second);
          ++written;
        }
      }
      writer->finish();
    } catch (const IoError& e) {
      throw IoError((o->output.empty() ? std::string("standard output") : o->output) + ": " + e.what());
    }
    if (file) {
      file->commit();
      fmt::print("Wrote {} record{} to {} ({})\n", written, written == 1 ? "" : "s", o->output,
                 export_format_name(*format));
    }
    if (written == 0) {
      fmt::print(stderr, "litrev: no records match --where {}\n", o->where);
    }
    return 0;
  };
}

} // namespace litrev::cli
