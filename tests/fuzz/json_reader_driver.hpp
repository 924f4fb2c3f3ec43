// The fuzz driver shared by the readers of JSON service answers (Europe PMC,
// ClinicalTrials.gov). A driver file defines LITREV_FUZZ_NAME and a namespace
// fuzz_config holding the format, JSON fragments to splice in and extra
// seeds, then includes this header.
//
// LLVMFuzzerTestOneInput sniffs the bytes (sniff_format_of), writes them to a
// scratch file (the readers read files) and reads it to the end with the
// format's reader, serialising every record to JSON (which throws on invalid
// UTF-8, so the text the reader produced is checked too). Acceptable
// outcomes: records, RecordErrors (a bad record, reading goes on), or a
// litrev::Error that ends the file. Anything else -- another exception, a
// crash, a sanitizer report, a hang, or more items than the input has bytes
// (a reader that does not move forward) -- is a bug.
//
// Built with libFuzzer (clang, LITREV_LIBFUZZER=ON) this is a real fuzzer.
// Built with g++ it gets the main() below: it replays the seeds, then runs a
// fixed number of deterministic mutations of the small ones (byte flips,
// truncations, JSON fragments and values of the wrong type spliced in,
// members copied elsewhere, deep nesting, invalid UTF-8 and \u escapes),
// under a watchdog alarm that turns a hang into a failure.
//
//   fuzz_<name> [--iterations N] [--seed S] DIR_OR_FILE...
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/formats.hpp>
#include <litrev/record.hpp>

namespace {

unsigned long g_read_whole = 0;
unsigned long g_data_errors = 0;
unsigned long g_record_errors = 0;
unsigned long g_items = 0;

// The scratch file, in a private temporary directory removed at exit.
const std::string& scratch_path() {
  static const std::string path = [] {
    // A RAM disk when there is one: one small file is rewritten per input.
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    std::string tmpl = (base / ("litrev-fuzz-" LITREV_FUZZ_NAME "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    static std::string dir = tmpl;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    });
    return tmpl + "/input.json";
  }();
  return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)litrev::sniff_format_of(bytes);
  {
    std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  try {
    auto reader = litrev::open_reader(scratch_path(), fuzz_config::k_format);
    litrev::ReadItem item;
    std::size_t calls = 0;
    for (;;) {
      if (++calls > size + 16) {
        std::fprintf(stderr, "fuzz_" LITREV_FUZZ_NAME ": more items than input bytes: the reader does not move forward\n");
        std::abort();
      }
      try {
        if (!reader->next(item)) {
          break;
        }
        ++g_items;
        const nlohmann::json j = item.record;
        (void)j.dump();
      } catch (const litrev::RecordError&) {
        ++g_record_errors;
      }
    }
    (void)reader->notes();
    ++g_read_whole;
  } catch (const litrev::Error&) {
    ++g_data_errors;
  }
  return 0;
}

#ifndef LITREV_LIBFUZZER

#include <csignal>
#include <iostream>
#include <iterator>
#include <random>
#include <vector>

namespace {

// Any one input must be read within this time.
constexpr unsigned k_watchdog_seconds = 120;
// Larger seeds are replayed but not mutated, to keep a run short.
constexpr std::size_t k_max_mutated_bytes = 64 * 1024;

// Fragments every JSON reader should survive, before the format's own.
const char* const k_json_fragments[] = {
    "{", "}", "[", "]", "\"", ",", ":", "null", "true", "false", "0", "-1", "1e999", "-0.0",
    "18446744073709551616", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\\"", "\\", "\"\\u00e9\"",
    "\xC3", "\xFF", "\xED\xA0\x80", "\xEF\xBB\xBF", "\0", "\r\n", "{}", "[]", "\"\"", "[null]", "[1,2]",
    "{\"a\":{}}", "<h4>", "</h4>", "<i>", "&amp;", "\\[", "NCT01234567"};

std::vector<char> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run(const std::vector<char>& input) {
  ::alarm(k_watchdog_seconds);
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  ::alarm(0);
}

const char* some_fragment(std::mt19937_64& rng) {
  const std::size_t n_json = std::size(k_json_fragments);
  const std::size_t n_fmt = std::size(fuzz_config::k_fragments);
  const std::size_t i = static_cast<std::size_t>(rng() % (n_json + n_fmt));
  return i < n_json ? k_json_fragments[i] : fuzz_config::k_fragments[i - n_json];
}

// The position just after a random ':' (a member's value starts there), or
// a random position when there is none nearby.
std::size_t some_value_start(const std::vector<char>& s, std::mt19937_64& rng) {
  if (s.empty()) {
    return 0;
  }
  const std::size_t from = static_cast<std::size_t>(rng() % s.size());
  for (std::size_t i = from; i < s.size() && i < from + 4096; ++i) {
    if (s[i] == ':') {
      std::size_t j = i + 1;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\n')) {
        ++j;
      }
      return j;
    }
  }
  return from;
}

void mutate(std::vector<char>& s, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  auto insert = [&](std::size_t at, const char* f) {
    const std::size_t len = f[0] == '\0' ? 1 : std::char_traits<char>::length(f);
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(std::min(at, s.size())), f, f + len);
  };
  switch (rng() % 10) {
  case 0: // flip bits of one byte
    if (!s.empty()) {
      s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
    }
    break;
  case 1: // truncate
    s.resize(pick(s.size() + 1));
    break;
  case 2: // insert a fragment anywhere
  case 3:
    insert(pick(s.size() + 1), some_fragment(rng));
    break;
  case 4: { // replace a member's value by a value of another type: the
            // valid-JSON-wrong-shape case a reader must turn into RecordError
    const std::size_t at = some_value_start(s, rng);
    std::size_t end = at;
    int depth = 0;
    bool in_string = false;
    for (; end < s.size(); ++end) {
      const char c = s[end];
      if (in_string) {
        if (c == '\\') {
          ++end;
        } else if (c == '"') {
          in_string = false;
          if (depth == 0) {
            ++end;
            break;
          }
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          break;
        }
        if (--depth == 0) {
          ++end;
          break;
        }
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    static const char* const values[] = {"null", "7", "\"x\"", "[]", "{}", "[\"a\",{}]", "true", "{\"x\":[1]}", "\"\""};
    const char* v = values[pick(std::size(values))];
    s.erase(s.begin() + static_cast<std::ptrdiff_t>(std::min(at, s.size())),
            s.begin() + static_cast<std::ptrdiff_t>(std::min(end, s.size())));
    insert(at, v);
    break;
  }
  case 5: { // delete a range
    const std::size_t at = pick(s.size() + 1);
    const std::size_t n = std::min(s.size() - at, pick(64) + 1);
    s.erase(s.begin() + static_cast<std::ptrdiff_t>(at), s.begin() + static_cast<std::ptrdiff_t>(at + n));
    break;
  }
  case 6: // a random byte
    if (!s.empty()) {
      s[pick(s.size())] = static_cast<char>(rng());
    }
    break;
  case 7: { // copy a range elsewhere (splices members and records)
    if (s.size() < 2) {
      break;
    }
    const std::size_t from = pick(s.size());
    const std::size_t n = std::min(s.size() - from, pick(2048) + 1);
    const std::vector<char> piece(s.begin() + static_cast<std::ptrdiff_t>(from),
                                  s.begin() + static_cast<std::ptrdiff_t>(from + n));
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), piece.begin(), piece.end());
    break;
  }
  case 8: // a format fragment at a value start
    insert(some_value_start(s, rng), fuzz_config::k_fragments[pick(std::size(fuzz_config::k_fragments))]);
    break;
  default: { // deep nesting, closed or not
    const std::size_t at = some_value_start(s, rng);
    const int depth = static_cast<int>(rng() % 20000);
    std::string open;
    for (int i = 0; i < depth; ++i) {
      open += (rng() & 1) ? "[" : "{\"a\":";
    }
    if (rng() & 1) {
      std::string close;
      for (auto it = open.rbegin(); it != open.rend(); ++it) {
        if (*it == '[') {
          close += ']';
        } else if (*it == '{') {
          close += '}';
        }
      }
      open = open + "1" + close;
    }
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(std::min(at, s.size())), open.begin(), open.end());
    break;
  }
  }
}

// Structure-aware mutation: most byte mutations leave no valid JSON, which
// only tests the parser. This one parses a seed, changes its tree and
// writes it back, so the readers see valid JSON of the wrong shape: members
// of another type, missing or repeated, values copied from elsewhere. Seeds
// are shallow, so the recursive copy and dump of nlohmann::json are safe
// here. A large page first keeps only a few elements of each long array.
// Returns false when the seed is not JSON.
bool mutate_tree(const std::vector<char>& seed, std::vector<char>& out, std::mt19937_64& rng) {
  nlohmann::json doc = nlohmann::json::parse(seed.begin(), seed.end(), nullptr, false);
  if (doc.is_discarded()) {
    return false;
  }
  auto nodes_of = [](nlohmann::json& root) {
    std::vector<nlohmann::json*> nodes{&root};
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i]->is_structured()) {
        for (auto& child : *nodes[i]) {
          nodes.push_back(&child);
        }
      }
    }
    return nodes;
  };
  if (seed.size() > k_max_mutated_bytes) {
    // Children are visited after their parent is cut down.
    std::vector<nlohmann::json*> pending{&doc};
    while (!pending.empty()) {
      nlohmann::json* n = pending.back();
      pending.pop_back();
      if (n->is_array() && n->size() > 3) {
        const std::size_t keep = 1 + static_cast<std::size_t>(rng() % 3);
        const std::size_t from = static_cast<std::size_t>(rng() % (n->size() - keep + 1));
        nlohmann::json slice = nlohmann::json::array();
        for (std::size_t k = from; k < from + keep; ++k) {
          slice.push_back(std::move((*n)[k]));
        }
        *n = std::move(slice);
      }
      if (n->is_structured()) {
        for (auto& child : *n) {
          pending.push_back(&child);
        }
      }
    }
  }
  static const char* const values[] = {"null", "7", "-1", "0", "1.5", "1e308", "\"x\"", "\"\"", "[]", "{}",
                                       "true", "[\"a\",{}]", "{\"x\":[1]}", "\"NCT01234567\"", "\"\\u0000\"",
                                       "\"<h4>A</h4>\"", "\"2020-13\"", "\"PPR\"", "\"Y\"", "[null]"};
  const int rounds = 1 + static_cast<int>(rng() % 3);
  for (int r = 0; r < rounds; ++r) {
    std::vector<nlohmann::json*> nodes = nodes_of(doc);
    nlohmann::json& target = *nodes[static_cast<std::size_t>(rng() % nodes.size())];
    switch (rng() % 5) {
    case 0: // another value, of any type
    case 1:
      target = nlohmann::json::parse(values[rng() % std::size(values)]);
      break;
    case 2: // a copy of another node
      target = nlohmann::json(*nodes[static_cast<std::size_t>(rng() % nodes.size())]);
      break;
    case 3: // drop a member or an element
      if (target.is_object() && !target.empty()) {
        auto it = target.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(rng() % target.size()));
        target.erase(it);
      } else if (target.is_array() && !target.empty()) {
        target.erase(target.begin() + static_cast<std::ptrdiff_t>(rng() % target.size()));
      }
      break;
    default: // wrap it in a list, as services do with single values
      target = nlohmann::json::array({target});
      break;
    }
  }
  const std::string text = doc.dump(rng() % 2 ? 1 : -1);
  out.assign(text.begin(), text.end());
  return true;
}

void on_alarm(int) {
  static const char message[] = "fuzz_" LITREV_FUZZ_NAME ": watchdog: an input took too long (hang?)\n";
  (void)!::write(2, message, sizeof message - 1);
  std::_Exit(1);
}

} // namespace

int main(int argc, char** argv) {
  unsigned long iterations = 5000;
  unsigned long long seed = 20250101;
  std::vector<std::vector<char>> seeds;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--iterations" && i + 1 < argc) {
      iterations = std::stoul(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::stoull(argv[++i]);
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) {
          seeds.push_back(read_file(entry.path()));
        }
      }
    } else {
      seeds.push_back(read_file(arg));
    }
  }
  if (seeds.empty()) {
    std::cerr << "usage: fuzz_" LITREV_FUZZ_NAME " [--iterations N] [--seed S] DIR_OR_FILE...\n";
    return 2;
  }
  for (const char* s : fuzz_config::k_extra_seeds) {
    seeds.emplace_back(s, s + std::char_traits<char>::length(s));
  }
  std::signal(SIGALRM, on_alarm);
  try {
    for (const auto& s : seeds) {
      run(s);
    }
  } catch (const std::exception& e) {
    std::cerr << "fuzz_" LITREV_FUZZ_NAME ": replaying a seed: unexpected exception: " << e.what() << '\n';
    return 1;
  }
  std::vector<const std::vector<char>*> small;
  for (const auto& s : seeds) {
    if (s.size() <= k_max_mutated_bytes) {
      small.push_back(&s);
    }
  }
  std::mt19937_64 rng(seed);
  std::vector<char> input;
  unsigned long tree_mutations = 0;
  for (unsigned long i = 0; i < iterations; ++i) {
    // Half the time valid JSON of a changed shape (from any seed), half the
    // time bytes mutated (small seeds only).
    const bool tree = rng() % 2 == 0;
    const std::vector<char>& from = tree || small.empty() ? seeds[rng() % seeds.size()] : *small[rng() % small.size()];
    if (tree && mutate_tree(from, input, rng)) {
      ++tree_mutations;
    } else if (from.size() <= k_max_mutated_bytes) {
      input = from;
      const int rounds = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < rounds; ++k) {
        mutate(input, rng);
      }
    } else {
      continue;
    }
    try {
      run(input);
    } catch (const std::exception& e) {
      std::cerr << "fuzz_" LITREV_FUZZ_NAME ": iteration " << i << " (seed " << seed
                << "): unexpected exception: " << e.what() << '\n';
      return 1;
    }
  }
  std::cout << "fuzz_" LITREV_FUZZ_NAME ": " << seeds.size() << " seeds replayed, " << iterations
            << " mutations run (" << tree_mutations << " of the JSON tree), no crash; " << g_read_whole << " inputs read to the end, " << g_data_errors
            << " stopped by a litrev::Error, " << g_record_errors << " record errors, " << g_items
            << " records read\n";
  return 0;
}

#endif // LITREV_LIBFUZZER
