// bench_search: query latency of litrev's search over an index, by query class.
//
//   bench_search INDEX QUERIES.tsv [ROUNDS]
//
// QUERIES.tsv holds one query per line: CLASS <tab> SYNTAX (native|pubmed)
// <tab> QUERY; a line `CLASS <tab> SYNTAX <tab> QUERY <tab> facets` also
// counts the year, pt, lang and journal facets. Lines starting with '#' are
// comments. Each query runs once to warm the cache, then ROUNDS times (default
// 20) through litrev::Index::search with limit 20 and exact totals (the way
// `litrev search` runs it); every run is timed. One JSON line per class gives
// the number of queries, runs, the median, p99 and maximum latency in
// milliseconds, and the mean number of matching records; a last line gives
// the same over all queries.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/index.hpp>

namespace {

struct Query {
  std::string cls;
  litrev::SearchOptions options;
  std::string text;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) {
      return out;
    }
    start = tab + 1;
  }
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

nlohmann::json summary(const std::string& cls, std::size_t queries, const std::vector<double>& ms, double hits) {
  return {{"class", cls},
          {"queries", queries},
          {"runs", ms.size()},
          {"median_ms", percentile(ms, 0.5)},
          {"p99_ms", percentile(ms, 0.99)},
          {"max_ms", *std::max_element(ms.begin(), ms.end())},
          {"mean_total", hits}};
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_search INDEX QUERIES.tsv [ROUNDS]\n";
    return 2;
  }
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 20;
  std::ifstream in(argv[2]);
  if (!in) {
    std::cerr << "bench_search: cannot read " << argv[2] << "\n";
    return 2;
  }
  std::vector<Query> queries;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const auto f = split_tabs(line);
    if (f.size() < 3) {
      std::cerr << "bench_search: " << argv[2] << ": expected CLASS<tab>SYNTAX<tab>QUERY: " << line << "\n";
      return 2;
    }
    Query q;
    q.cls = f[0];
    q.options.limit = 20;
    q.options.syntax = f[1] == "pubmed" ? litrev::QuerySyntax::pubmed : litrev::QuerySyntax::native;
    if (f.size() > 3 && f[3] == "facets") {
      q.options.facets = {"year", "pt", "lang", "journal"};
    }
    q.text = f[2];
    queries.push_back(std::move(q));
  }
  try {
    const litrev::Index index(argv[1], litrev::Index::Mode::read);
    std::map<std::string, std::vector<double>> times;
    std::map<std::string, std::pair<std::size_t, double>> totals; // queries, sum of totals
    std::vector<double> all;
    double all_totals = 0;
    for (const Query& q : queries) {
      const auto warm = index.search(q.text, q.options);
      totals[q.cls].first += 1;
      totals[q.cls].second += static_cast<double>(warm.total);
      all_totals += static_cast<double>(warm.total);
      for (int r = 0; r < rounds; ++r) {
        const auto start = std::chrono::steady_clock::now();
        const auto result = index.search(q.text, q.options);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (result.total != warm.total) {
          std::cerr << "bench_search: totals differ between runs of " << q.text << "\n";
          return 1;
        }
        times[q.cls].push_back(ms);
        all.push_back(ms);
      }
    }
    std::cout << nlohmann::json{{"index", argv[1]}, {"records", index.size()}, {"rounds", rounds}}.dump() << "\n";
    for (const auto& [cls, ms] : times) {
      std::cout << summary(cls, totals[cls].first, ms, totals[cls].second / static_cast<double>(totals[cls].first))
                       .dump()
                << "\n";
    }
    std::cout << summary("all", queries.size(), all, all_totals / static_cast<double>(queries.size())).dump() << "\n";
  } catch (const litrev::Error& e) {
    std::cerr << "bench_search: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
