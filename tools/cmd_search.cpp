// litrev search QUERY | --strategy FILE [--syntax native|pubmed] [--check-recall FILE]
//   [--snippets] [--facets year,pt,lang,journal] [--sort relevance|date|author]
//   [--expand] [--limit N] [--offset N] [--format text|json|csv]
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/utf8.hpp>
#include <litrev/review.hpp>
#include <litrev/strategy.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

namespace {

// A snippet with its matches marked by `open` and `close`.
std::string marked(const Snippet& s, const std::string& open, const std::string& close,
                   std::string (*escape)(const std::string&)) {
  std::string out;
  std::size_t at = 0;
  for (const auto& [b, e] : s.highlights) {
    out += escape(s.text.substr(at, b - at)) + open + escape(s.text.substr(b, e - b)) + close;
    at = e;
  }
  return out + escape(s.text.substr(at));
}

std::string as_is(const std::string& s) { return s; }
std::string html_text(const std::string& s) { return escape_xml(s); }

// PMIDs, one per line; '#' starts a comment (also after a PMID).
std::vector<std::string> read_pmids(const std::string& path) {
  std::vector<std::string> out;
  const std::string text = read_text_file(path);
  std::size_t line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    line = line.substr(0, line.find('#'));
    line.erase(0, line.find_first_not_of(" \t\r"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (line.empty()) {
      continue;
    }
    if (line.rfind("pmid:", 0) == 0) {
      line = line.substr(5);
    }
    if (line.find_first_not_of("0123456789") != std::string::npos) {
      throw DataError(path, line_no, "not a PMID: " + line);
    }
    out.push_back(line);
  }
  return out;
}

} // namespace

Runner define_search(CLI::App& app) {
  struct Opts {
    std::string query;
    std::string strategy;
    std::string syntax = "auto";
    std::string check_recall;
    bool snippets = false;
    std::string facets;
    std::string sort = "relevance";
    bool expand = false;
    std::size_t limit = 20;
    std::size_t offset = 0;
    std::string format = "text";
    std::string index;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("QUERY", o->query,
                 "Query: words (AND by default), OR, NOT, \"phrases\", NEAR, fields "
                 "(title: abstract: author: journal: mesh: pt: keyword: lang: pmid: doi: key: "
                 "year: status: conflict: has: is:), year:2010..2020, ~word for synonyms; "
                 "with --syntax pubmed, PubMed's tags ([tiab] [mh] [au] [dp] ...)");
  app.add_option("--strategy", o->strategy,
                 "Run a numbered search strategy (#1 ..., #2 ..., #3 #1 OR #2) and show each line's hits");
  app.add_option("--syntax", o->syntax,
                 "native, pubmed, or auto (the default: pubmed when the query has a [tag], else native)");
  app.add_option("--check-recall", o->check_recall,
                 "A file of known relevant PMIDs: say which ones the query or strategy misses");
  app.add_flag("--snippets", o->snippets, "Show the matching passage with the query's words highlighted");
  app.add_option("--facets", o->facets, "Count the matching records by year, pt, lang, journal (comma-separated)");
  app.add_option("--sort", o->sort, "relevance (default), date (newest first) or author (first author A-Z)");
  app.add_flag("--expand", o->expand, "Expand every word or phrase in the thesaurus to its synonyms");
  app.add_option("--limit", o->limit, "Number of hits to show (default 20)");
  app.add_option("--offset", o->offset, "Hits to skip first (default 0)");
  app.add_option("--format", o->format, "text, json (one object per line) or csv");
  app.add_option("--index", o->index,
                 "Search this index instead of the review's: a litrev index folder, a folder of shards "
                 "(litrev index --shards), or a Xapian stub file (e.g. remote HOST:PORT lines)");
  return [o](Context& ctx) {
    check_format(o->format, {"text", "json", "csv"});
    if (o->query.empty() == o->strategy.empty()) {
      throw UsageError("search: give a QUERY or --strategy FILE (one of the two)");
    }
    SearchOptions options;
    options.offset = o->offset;
    options.limit = o->limit;
    if (o->syntax == "pubmed") {
      options.syntax = QuerySyntax::pubmed;
    } else if (o->syntax != "native" && o->syntax != "auto") {
      throw UsageError("--syntax: native, pubmed or auto, not " + o->syntax);
    }
    if (o->sort == "date") {
      options.sort = SortOrder::date;
    } else if (o->sort == "author") {
      options.sort = SortOrder::author;
    } else if (o->sort != "relevance") {
      throw UsageError("--sort: relevance, date or author, not " + o->sort);
    }
    options.snippets = o->snippets;
    options.facets = split_list(o->facets);
    options.expand = o->expand;

    std::vector<StrategyLine> lines;
    if (!o->strategy.empty()) {
      lines = parse_strategy(read_text_file(o->strategy), o->strategy);
    } else {
      lines.push_back({1, o->query, 1});
    }
    // The native syntax has no square brackets: a [tag] means PubMed's.
    if (o->syntax == "auto" && std::any_of(lines.begin(), lines.end(), [](const StrategyLine& l) {
          return has_field_tag(l.query);
        })) {
      options.syntax = QuerySyntax::pubmed;
    }
    const std::vector<std::string> known =
        o->check_recall.empty() ? std::vector<std::string>{} : read_pmids(o->check_recall);

    std::optional<Index> opened;
    if (!o->index.empty()) {
      opened.emplace(o->index, Index::Mode::read);
    } else {
      Review review(ctx.dir);
      if (!review.sync_state()) {
        fmt::print(stderr, "litrev: warning: the index is busy; status: and conflict: terms may be out of date\n");
      }
      opened.emplace(review.open_index());
    }
    const Index& index = *opened;
    const StrategyResult sr = index.run_strategy(lines, options);
    const SearchResult& r = sr.last;

    // Recall: the known records the last line finds, by one more line.
    std::vector<std::string> found, missed, absent;
    if (!known.empty()) {
      std::string any;
      for (const std::string& p : known) {
        if (!index.contains("pmid:" + p) && index.search("pmid:" + p, {0, 1}).total == 0) {
          absent.push_back(p);
          continue;
        }
        any += (any.empty() ? "" : " OR ") +
               (options.syntax == QuerySyntax::pubmed ? p + "[pmid]" : "pmid:" + p);
      }
      if (!any.empty()) {
        std::vector<StrategyLine> with = lines;
        const int last = lines.back().number;
        with.push_back({last + 1, "#" + std::to_string(last) + " AND (" + any + ")", 0});
        SearchOptions plain;
        plain.syntax = options.syntax;
        plain.expand = options.expand;
        plain.limit = known.size();
        const StrategyResult check = index.run_strategy(with, plain);
        std::set<std::string> hit;
        for (const auto& h : check.last.hits) {
          hit.insert(h.record.ids.pmid);
        }
        for (const std::string& p : known) {
          if (std::find(absent.begin(), absent.end(), p) != absent.end()) {
            continue;
          }
          (hit.count(p) ? found : missed).push_back(p);
        }
      }
    }

    if (o->format == "json") {
      for (const auto& h : r.hits) {
        nlohmann::json j = record_summary(h.record);
        j["rank"] = h.rank;
        j["score"] = h.score;
        if (options.snippets) {
          nlohmann::json hl = nlohmann::json::array();
          for (const auto& [b, e] : h.snippet.highlights) {
            hl.push_back({b, e});
          }
          j["snippet"] = {{"text", h.snippet.text},
                          {"highlights", hl},
                          {"html", marked(h.snippet, "<b>", "</b>", &html_text)}};
        }
        fmt::print("{}\n", j.dump());
      }
      const bool summary = !options.facets.empty() || !r.suggestion.empty() || lines.size() > 1 || !known.empty();
      if (summary) {
        nlohmann::json s = {{"total", r.total}};
        if (!options.facets.empty()) {
          nlohmann::json f = nlohmann::json::object();
          for (const auto& facet : r.facets) {
            nlohmann::json counts = nlohmann::json::array();
            for (const auto& [value, n] : facet.counts) {
              counts.push_back({{"value", value}, {"count", n}});
            }
            f[facet.name] = counts;
          }
          s["facets"] = f;
        }
        if (!r.suggestion.empty()) {
          s["suggestion"] = r.suggestion;
        }
        if (lines.size() > 1) {
          nlohmann::json ls = nlohmann::json::array();
          for (const auto& l : sr.lines) {
            ls.push_back({{"number", l.number}, {"query", l.query}, {"hits", l.hits}});
          }
          s["strategy"] = ls;
        }
        if (!known.empty()) {
          s["recall"] = {{"known", known.size()}, {"found", found}, {"missed", missed}, {"not_in_review", absent}};
        }
        fmt::print("{}\n", nlohmann::json{{"summary", s}}.dump());
      }
      return 0;
    }
    if (o->format == "csv") {
      std::vector<std::string> header = {"rank", "key", "score", "year", "first_author", "title", "journal", "pmid", "doi"};
      if (options.snippets) {
        header.push_back("snippet");
      }
      fmt::print("{}", csv_row(header));
      for (const auto& h : r.hits) {
        const Record& rec = h.record;
        std::vector<std::string> row = {std::to_string(h.rank), rec.key, fmt::format("{:.4f}", h.score),
                                        rec.pub_date.year ? std::to_string(rec.pub_date.year) : "",
                                        rec.first_author(), rec.title, journal_short(rec),
                                        rec.ids.pmid, rec.ids.doi};
        if (options.snippets) {
          row.push_back(h.snippet.text);
        }
        fmt::print("{}", csv_row(row));
      }
      return 0;
    }

    const bool bold = ::isatty(STDOUT_FILENO) == 1;
    if (lines.size() > 1) {
      std::size_t width = 0;
      for (const auto& l : sr.lines) {
        width = std::max(width, l.query.size());
      }
      width = std::min<std::size_t>(width, 70);
      for (const auto& l : sr.lines) {
        std::string q = l.query.size() > width ? l.query.substr(0, width - 3) + "..." : l.query;
        fmt::print("#{:<3} {:<{}}  {:>8}\n", l.number, q, width, l.hits);
      }
      fmt::print("\n");
    }
    for (const auto& h : r.hits) {
      const Record& rec = h.record;
      fmt::print("{:>4}  {}  {}  {}\n      {}\n      {}\n", h.rank, rec.key,
                 rec.pub_date.year ? std::to_string(rec.pub_date.year) : "----",
                 rec.first_author().empty() ? "(no author)" : rec.first_author(), rec.title,
                 journal_short(rec));
      if (options.snippets && !h.snippet.text.empty()) {
        fmt::print("      {}\n", bold ? marked(h.snippet, "\x1b[1m", "\x1b[0m", &as_is)
                                      : marked(h.snippet, "**", "**", &as_is));
      }
    }
    if (r.total == 0) {
      fmt::print("No records match.\n");
    } else if (r.hits.empty()) {
      fmt::print("{} records match; none at offset {}.\n", r.total, o->offset);
    } else {
      fmt::print("{} record{} match; showing {}-{}.\n", r.total, r.total == 1 ? "" : "s",
                 r.hits.front().rank, r.hits.back().rank);
    }
    if (!r.suggestion.empty()) {
      fmt::print("Did you mean: {}\n", r.suggestion);
    }
    for (const auto& facet : r.facets) {
      std::string line;
      for (const auto& [value, n] : facet.counts) {
        line += (line.empty() ? "" : ", ") + value + " (" + std::to_string(n) + ")";
      }
      fmt::print("{}: {}\n", facet.name, line.empty() ? "(none)" : line);
    }
    if (!known.empty()) {
      fmt::print("Recall: {} of {} known relevant records found", found.size(), known.size());
      fmt::print("{}\n", absent.empty() ? "." : fmt::format(" ({} not in the review).", absent.size()));
      for (const std::string& p : missed) {
        fmt::print("  missed: pmid:{}\n", p);
      }
      for (const std::string& p : absent) {
        fmt::print("  not in the review: pmid:{}\n", p);
      }
    }
    return 0;
  };
}

} // namespace litrev::cli
