// The fuzz driver shared by the tagged-text readers (RIS, MEDLINE, WoS), whose
// mutations are line-based. A driver file defines LITREV_FUZZ_NAME and a
// namespace fuzz_config holding the format, its mutation fragments, a filler
// line and extra seeds, then includes this header.
//
// LLVMFuzzerTestOneInput sniffs the bytes (sniff_format_of), writes them to a
// scratch file and reads it to the end with the format's reader (open_reader
// reads files only), serialising every record to JSON, which throws on
// invalid UTF-8, so the text the reader produced is checked too. The only
// acceptable outcomes are records, RecordErrors (a bad record, reading goes
// on) or a litrev::Error that ends the file; anything else (another
// exception, a crash, a sanitizer report, a hang) is a bug.
//
// Built with libFuzzer (clang, LITREV_LIBFUZZER=ON) this is a real fuzzer.
// Built with g++ it gets the main() below: it replays the seeds, then runs a
// fixed number of deterministic mutations of the small ones (byte flips,
// truncations, format fragments, line ends, BOMs and invalid UTF-8 inserted,
// lines duplicated and dropped), under a watchdog alarm that turns a hang
// into a failure.
//
//   fuzz_<name> [--iterations N] [--seed S] DIR_OR_FILE...
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/formats.hpp>
#include <litrev/record.hpp>

namespace {

unsigned long g_read_whole = 0;
unsigned long g_errors = 0;
unsigned long g_records = 0;
unsigned long g_bad_records = 0;

// A scratch file for the input, made once per process and removed at exit.
// A plain char array, so that it outlives the atexit handler.
char g_scratch[64] = "";

void remove_scratch() { std::remove(g_scratch); }

const char* scratch_path() {
  if (g_scratch[0] == '\0') {
    std::snprintf(g_scratch, sizeof g_scratch, "/tmp/litrev-fuzz-%s-XXXXXX", LITREV_FUZZ_NAME);
    const int fd = ::mkstemp(g_scratch);
    if (fd < 0) {
      std::perror("mkstemp");
      std::abort();
    }
    ::close(fd);
    std::atexit(remove_scratch);
  }
  return g_scratch;
}

void write_scratch(const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(scratch_path(), "wb");
  if (!f || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror("scratch file");
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)litrev::sniff_format_of(bytes);
  write_scratch(data, size);
  try {
    auto reader = litrev::open_reader(scratch_path(), fuzz_config::k_format);
    litrev::ReadItem item;
    for (int guard = 0; guard < 10000000; ++guard) {
      try {
        if (!reader->next(item)) {
          break;
        }
      } catch (const litrev::RecordError&) {
        ++g_bad_records;
        continue;
      }
      ++g_records;
      const nlohmann::json j = item.record;
      (void)j.dump();
    }
    (void)reader->notes();
    ++g_read_whole;
  } catch (const litrev::Error&) {
    ++g_errors;
  }
  return 0;
}

#ifndef LITREV_LIBFUZZER

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <vector>

namespace {

// Any one input must be read within this time (the run as a whole may
// take longer on a loaded machine).
constexpr unsigned k_watchdog_seconds = 120;
// Larger fixtures are replayed but not mutated, to keep a run short.
constexpr std::size_t k_max_mutated_bytes = 64 * 1024;


std::vector<char> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run(const std::vector<char>& input) {
  ::alarm(k_watchdog_seconds);
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  ::alarm(0);
}

// The [begin, end) offsets of a random line of `s`.
std::pair<std::size_t, std::size_t> some_line(const std::vector<char>& s, std::mt19937_64& rng) {
  if (s.empty()) {
    return {0, 0};
  }
  std::size_t at = static_cast<std::size_t>(rng() % s.size());
  std::size_t begin = at;
  while (begin > 0 && s[begin - 1] != '\n') {
    --begin;
  }
  std::size_t end = at;
  while (end < s.size() && s[end] != '\n') {
    ++end;
  }
  return {begin, std::min(s.size(), end + 1)};
}

void mutate(std::vector<char>& s, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
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
  case 3: {
    const char* f = fuzz_config::k_fragments[pick(std::size(fuzz_config::k_fragments))];
    const std::size_t len = f[0] == '\0' ? 1 : std::char_traits<char>::length(f);
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), f, f + len);
    break;
  }
  case 4: { // insert a fragment at a line start
    const auto [b, e] = some_line(s, rng);
    (void)e;
    const char* f = fuzz_config::k_fragments[pick(std::size(fuzz_config::k_fragments))];
    const std::size_t len = f[0] == '\0' ? 1 : std::char_traits<char>::length(f);
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(b), f, f + len);
    break;
  }
  case 5: { // duplicate a line somewhere
    const auto [b, e] = some_line(s, rng);
    const std::vector<char> line(s.begin() + static_cast<std::ptrdiff_t>(b), s.begin() + static_cast<std::ptrdiff_t>(e));
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), line.begin(), line.end());
    break;
  }
  case 6: { // drop a line
    const auto [b, e] = some_line(s, rng);
    s.erase(s.begin() + static_cast<std::ptrdiff_t>(b), s.begin() + static_cast<std::ptrdiff_t>(e));
    break;
  }
  case 7: // a random byte
    if (!s.empty()) {
      s[pick(s.size())] = static_cast<char>(rng());
    }
    break;
  case 8: { // delete a range
    const std::size_t at = pick(s.size() + 1);
    const std::size_t n = std::min(s.size() - at, pick(64) + 1);
    s.erase(s.begin() + static_cast<std::ptrdiff_t>(at), s.begin() + static_cast<std::ptrdiff_t>(at + n));
    break;
  }
  default: { // one very long line, or many tags in a row
    const std::size_t at = pick(s.size() + 1);
    std::string filler = (rng() & 1) ? std::string(static_cast<std::size_t>(rng() % 100000), 'x')
                                     : std::string();
    for (int i = 0, n = static_cast<int>(rng() % 1000); i < n; ++i) {
      filler += fuzz_config::k_filler_line;
    }
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), filler.begin(), filler.end());
    break;
  }
  }
}

void on_alarm(int) {
  // The scratch file still holds the input (_Exit skips its removal).
  static const char message[] = "fuzz_" LITREV_FUZZ_NAME ": watchdog: one input took too long (hang?); it is kept in ";
  (void)!::write(2, message, sizeof message - 1);
  (void)!::write(2, g_scratch, std::strlen(g_scratch));
  (void)!::write(2, "\n", 1);
  std::_Exit(1);
}

} // namespace

int main(int argc, char** argv) {
  unsigned long iterations = 2000;
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
    std::vector<const std::vector<char>*> small;
    for (const auto& s : seeds) {
      if (s.size() <= k_max_mutated_bytes) {
        small.push_back(&s);
      }
    }
    std::mt19937_64 rng(seed);
    std::vector<char> input;
    for (unsigned long i = 0; i < iterations && !small.empty(); ++i) {
      input = *small[rng() % small.size()];
      const int rounds = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < rounds; ++k) {
        mutate(input, rng);
      }
      try {
        run(input);
      } catch (const std::exception& e) {
        std::cerr << "fuzz_" LITREV_FUZZ_NAME ": iteration " << i << " (seed " << seed << "): unexpected exception: " << e.what()
                  << '\n';
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "fuzz_" LITREV_FUZZ_NAME ": replaying a seed: unexpected exception: " << e.what() << '\n';
    return 1;
  }
  std::cout << "fuzz_" LITREV_FUZZ_NAME ": " << seeds.size() << " seeds replayed, " << iterations << " mutations run, no crash; "
            << g_read_whole << " inputs read to the end, " << g_errors << " rejected with a litrev::Error, "
            << g_records << " records read, " << g_bad_records << " bad records skipped\n";
  return 0;
}

#endif // LITREV_LIBFUZZER
