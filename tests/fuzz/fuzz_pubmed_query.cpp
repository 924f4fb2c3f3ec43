// Fuzz driver for the PubMed query translator and the strategy reader.
//
// LLVMFuzzerTestOneInput runs the input (1) as a PubMed query through
// Index::search on a small index made once per process, and (2) as a
// strategy file through parse_strategy and, when that accepts it,
// Index::run_strategy with PubMed syntax. The only acceptable outcomes are
// results, a UsageError (a bad query) or a DataError (a bad strategy);
// anything else (another exception, a crash, a sanitizer report, a hang) is a
// bug.
//
// Built with libFuzzer (clang, LITREV_LIBFUZZER=ON) this is a real fuzzer.
// Built with g++ it gets the main() below: it replays the built-in seeds
// (and any files given), then runs a fixed number of deterministic mutations
// of them (byte flips, truncations, query syntax fragments inserted, ranges
// dropped and duplicated, invalid UTF-8, long runs of brackets and
// operators), under a watchdog alarm that turns a hang into a failure.
//
//   fuzz_pubmed_query [--iterations N] [--seed S] [FILE...]
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

#include <litrev/error.hpp>
#include <litrev/index.hpp>
#include <litrev/record.hpp>
#include <litrev/strategy.hpp>

namespace {

unsigned long g_queries = 0;
unsigned long g_bad_queries = 0;
unsigned long g_strategies = 0;
unsigned long g_bad_strategies = 0;

// The index searched, made once in a scratch directory removed at exit.
// A plain char array for the path, so that it outlives the atexit handler.
char g_dir[64] = "";
std::unique_ptr<litrev::Index> g_index;

void remove_dir() {
  g_index.reset();
  std::error_code ec;
  std::filesystem::remove_all(g_dir, ec);
}

litrev::Record record(const char* pmid, const char* title, const char* abstract, const char* family,
                      const char* initials, const char* mesh, const char* qualifier, const char* type,
                      const char* lang, int year, int month, int day) {
  litrev::Record r;
  r.ids.pmid = pmid;
  r.key = std::string("pmid:") + pmid;
  r.title = title;
  r.abstract.push_back({"", "", abstract});
  r.authors.push_back({});
  r.authors.back().family = family;
  r.authors.back().initials = initials;
  r.mesh.push_back({"D1", mesh, true, "", {{"Q1", qualifier, true}}});
  r.publication_types.push_back({"D2", type});
  r.languages = {lang};
  r.pub_date.year = year;
  r.pub_date.month = month;
  r.pub_date.day = day;
  r.keywords.push_back({"alcohol use", "NOTNLM", false});
  return r;
}

litrev::Index& index() {
  if (!g_index) {
    std::snprintf(g_dir, sizeof g_dir, "/tmp/litrev-fuzz-pubmed-query-XXXXXX");
    if (::mkdtemp(g_dir) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::atexit(remove_dir);
    g_index = std::make_unique<litrev::Index>(std::string(g_dir) + "/index", litrev::Index::Mode::write);
    g_index->upsert(record("1", "Ketamine for alcohol use disorder", "Ketamine infusions reduced drinking.",
                           "Dakwar", "E", "Ketamine", "therapeutic use", "Randomized Controlled Trial", "eng", 2019,
                           6, 15));
    g_index->upsert(record("2", "Cocaine dependence and ketamines", "Budesonide-formoterol as needed.", "Dakwar",
                           "EA", "Cocaine-Related Disorders", "drug therapy", "Review", "ger", 2021, 1, 0));
    g_index->upsert(record("3", "Opioid withdrawal", "Buprenorphine tapering in opioid use disorder.", "van der Berg",
                           "JM", "Opioid-Related Disorders", "therapy", "Clinical Trial, Phase II", "fre", 1990, 0,
                           0));
    g_index->set_thesaurus("cocaine dependence, cocaine use disorder\nketamine, esketamine\n", "fuzz");
    g_index->commit();
  }
  return *g_index;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  litrev::Index& ix = index();
  litrev::SearchOptions options;
  options.limit = 5;
  options.syntax = litrev::QuerySyntax::pubmed;
  // Thesaurus expansion on every other input, decided by the input itself.
  options.expand = size % 2 == 1;
  try {
    (void)ix.search(input, options);
    ++g_queries;
  } catch (const litrev::UsageError&) {
    ++g_bad_queries;
  }
  try {
    const auto lines = litrev::parse_strategy(input, "fuzz.txt");
    try {
      (void)ix.run_strategy(lines, options);
      ++g_strategies;
    } catch (const litrev::UsageError&) {
      ++g_bad_strategies;
    }
  } catch (const litrev::DataError&) {
    ++g_bad_strategies;
  }
  return 0;
}

#ifndef LITREV_LIBFUZZER

#include <csignal>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <vector>

namespace {

constexpr unsigned k_watchdog_seconds = 60;

// Seeds: real search lines and strategies, and the corners of the syntax.
const char* const k_seeds[] = {
    "ketamine[tiab]",
    "\"alcohol use disorder\"[tiab] OR alcoholism[mh] OR \"Alcohol Drinking\"[majr]",
    "(ketamine[tiab] OR esketamine[tiab] OR ketamine[mh]) AND (alcohol*[tiab] OR cocaine[tiab]) NOT review[pt]",
    "randomized controlled trial[pt] OR controlled clinical trial[pt] OR randomized[tiab] OR placebo[tiab] OR "
    "drug therapy[sh] OR randomly[tiab] OR trial[tiab] OR groups[tiab] NOT (animals[mh] NOT humans[mh])",
    "dakwar e[au] OR \"Dakwar, Elias\"[1au] OR van der berg[lastau]",
    "2019/06/01:2020/12/31[dp] AND english[la]",
    "\"2001/06/01\"[Date - Publication] : \"2001/12/31\"[Date - Publication]",
    "2010:2024[pdat] 29768149[pmid] 10.1056/NEJMoa1715274[doi]",
    "\"ketamine cocaine\"[tiab:~3] OR \"cocaine use*\"[ti]",
    "\xE2\x80\x9C" "alcohol use" "\xE2\x80\x9D[tw] budesonide-formoterol",
    "a OR b AND c NOT d e f",
    "#1 ketamine[tiab]\n#2 cocaine[tiab] OR opioid[tiab]\n#3 #1 AND #2\n4. 1 or 2\n5 or/1-2,4\n",
    "// comment\n; comment\n\n1 ketamine\n2. (1 OR 1) and 1\n3 #2 NOT german[la]\n",
    "",
};

// Inserted by the mutator.
const char* const k_fragments[] = {
    "(", ")", "[", "]", "\"", "*", "#", "#1", "#99", ":", "/", ",", " ", "AND ", " OR ", " NOT ", "and", "or/1-3",
    "[tiab]", "[ti]", "[ab]", "[au]", "[1au]", "[lastau]", "[mh]", "[majr]", "[sh]", "[pt]", "[la]", "[dp]",
    "[pdat]", "[pmid]", "[doi]", "[tw]", "[all]", "[tiab:~", "[tiab:~2]", "[mh:noexp]", "[xyz]", "[]", "2019",
    "2019/06", "2019/06/31", "0000", ":2020", "9999/99/99", "\n", "\r\n", "\n#", "\n1. ", "\t", "\xE2\x80\x9C",
    "\xE2\x80\x9D", "\xC2\xA0", "\xEF\xBB\xBF", "\xC3", "\xFF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\0", "-",
    "&", "'", "ketamine", "dakwar e", "Dakwar, ", "alcohol use", "//", ";"};

std::vector<char> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run(const std::vector<char>& input) {
  ::alarm(k_watchdog_seconds);
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  ::alarm(0);
}

void mutate(std::vector<char>& s, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  switch (rng() % 8) {
  case 0: // flip bits of one byte
    if (!s.empty()) {
      s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
    }
    break;
  case 1: // truncate
    s.resize(pick(s.size() + 1));
    break;
  case 2: // insert a fragment
  case 3: {
    const char* f = k_fragments[pick(std::size(k_fragments))];
    const std::size_t len = f[0] == '\0' ? 1 : std::strlen(f);
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), f, f + len);
    break;
  }
  case 4: { // delete a range
    const std::size_t at = pick(s.size() + 1);
    const std::size_t n = std::min(s.size() - at, pick(16) + 1);
    s.erase(s.begin() + static_cast<std::ptrdiff_t>(at), s.begin() + static_cast<std::ptrdiff_t>(at + n));
    break;
  }
  case 5: { // duplicate a range somewhere
    const std::size_t at = pick(s.size() + 1);
    const std::size_t n = std::min(s.size() - at, pick(32) + 1);
    const std::vector<char> part(s.begin() + static_cast<std::ptrdiff_t>(at),
                                 s.begin() + static_cast<std::ptrdiff_t>(at + n));
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), part.begin(), part.end());
    break;
  }
  case 6: // a random byte
    if (!s.empty()) {
      s[pick(s.size())] = static_cast<char>(rng());
    }
    break;
  default: { // a long run of one fragment: deep brackets, many operators
    const char* f = k_fragments[pick(std::size(k_fragments))];
    const std::size_t len = f[0] == '\0' ? 1 : std::strlen(f);
    std::vector<char> run;
    for (std::size_t i = 0, n = pick(3000); i < n; ++i) {
      run.insert(run.end(), f, f + len);
    }
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), run.begin(), run.end());
    break;
  }
  }
}

void on_alarm(int) {
  static const char message[] = "fuzz_pubmed_query: watchdog: one input took too long (hang?)\n";
  (void)!::write(2, message, sizeof message - 1);
  std::_Exit(1);
}

} // namespace

int main(int argc, char** argv) {
  unsigned long iterations = 2000;
  unsigned long long seed = 20250101;
  std::vector<std::vector<char>> seeds;
  for (const char* s : k_seeds) {
    seeds.emplace_back(s, s + std::strlen(s));
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--iterations" && i + 1 < argc) {
      iterations = std::stoul(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::stoull(argv[++i]);
    } else if (std::filesystem::is_regular_file(arg)) {
      seeds.push_back(read_file(arg));
    } else {
      std::cerr << "usage: fuzz_pubmed_query [--iterations N] [--seed S] [FILE...]\n";
      return 2;
    }
  }
  std::signal(SIGALRM, on_alarm);
  try {
    for (const auto& s : seeds) {
      run(s);
    }
    std::mt19937_64 rng(seed);
    std::vector<char> input;
    for (unsigned long i = 0; i < iterations; ++i) {
      input = seeds[rng() % seeds.size()];
      const int rounds = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < rounds; ++k) {
        mutate(input, rng);
      }
      try {
        run(input);
      } catch (const std::exception& e) {
        std::cerr << "fuzz_pubmed_query: iteration " << i << " (seed " << seed << "): unexpected exception: "
                  << e.what() << "\ninput: " << std::string(input.begin(), input.end()) << '\n';
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "fuzz_pubmed_query: replaying a seed: unexpected exception: " << e.what() << '\n';
    return 1;
  }
  std::cout << "fuzz_pubmed_query: " << seeds.size() << " seeds replayed, " << iterations
            << " mutations run, no crash; " << g_queries << " queries run, " << g_bad_queries
            << " refused with a UsageError, " << g_strategies << " strategies run, " << g_bad_strategies
            << " refused\n";
  return 0;
}

#endif // LITREV_LIBFUZZER
