// The fuzz driver shared by the BibTeX, EndNote XML and CSV readers, whose
// mutations work on bytes. A driver file defines LITREV_FUZZ_NAME and a
// namespace fuzz_config holding the format, the scratch file's name, its
// mutation fragments, the pieces of its long-run mutation and extra seeds,
// then includes this header.
//
// LLVMFuzzerTestOneInput sniffs the bytes (sniff_format_of), writes them to a
// scratch file (open_reader reads files only) and reads it to the end with
// the format's reader, turning every record into JSON; the JSON dump throws
// on invalid UTF-8, so the text the reader made is checked as well. A reader
// may hand back records, throw a RecordError for one bad record and go on,
// or throw a litrev::Error that ends the file. Whatever else happens is a
// bug: any other exception, a crash or sanitizer report, a hang, or a reader
// that yields more items than the input has bytes (it does not move forward).
//
// Built with libFuzzer (clang, LITREV_LIBFUZZER=ON) this is a real fuzzer.
// Built with g++ it gets the main() below: it replays the seeds, then runs a
// fixed number of deterministic mutations of them (byte flips, truncations,
// the format's fragments inserted, ranges dropped and copied elsewhere,
// random bytes, and a long run of the format's pieces: deep nesting or a
// long run of quotes and delimiters), under a watchdog alarm that turns a
// hang into a failure.
//
//   fuzz_<name> [--iterations N] [--seed S] DIR_OR_FILE...
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

// The scratch file, in a private temporary directory removed at exit. Its
// name (fuzz_config::k_scratch_file) keeps the format's file extension.
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
    return tmpl + "/" + fuzz_config::k_scratch_file;
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

// The whole run (replay and mutations) must end within this time.
constexpr unsigned k_watchdog_seconds = 120;
// The long-run mutation inserts up to this many pieces.
constexpr int k_max_run_pieces = 300;

std::vector<char> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run(const std::vector<char>& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

// A run of up to k_max_run_pieces of the format's pieces: one piece picked
// once and repeated (k_run_of_one_piece), or a piece picked anew each time
// (nesting of mixed openers).
std::string long_run(std::mt19937_64& rng) {
  const int n = static_cast<int>(rng() % k_max_run_pieces);
  const std::size_t n_pieces = std::size(fuzz_config::k_run_pieces);
  const char* const same = fuzz_config::k_run_of_one_piece ? fuzz_config::k_run_pieces[rng() % n_pieces] : nullptr;
  std::string text;
  for (int i = 0; i < n; ++i) {
    text += same != nullptr ? same : fuzz_config::k_run_pieces[rng() % n_pieces];
  }
  return text;
}

void mutate(std::vector<char>& s, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  switch (rng() % 9) {
  case 0: // flip bits of one byte
    if (!s.empty()) {
      s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
    }
    break;
  case 1: // truncate
    s.resize(pick(s.size() + 1));
    break;
  case 2: // insert a fragment
  case 3:
  case 4: {
    const char* f = fuzz_config::k_fragments[pick(std::size(fuzz_config::k_fragments))];
    // "\0" is the one fragment that is a single NUL byte.
    const std::size_t len = f[0] == '\0' ? 1 : std::char_traits<char>::length(f);
    const std::size_t at = pick(s.size() + 1);
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), f, f + len);
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
  case 7: { // copy a range elsewhere (splices records, duplicates keys)
    if (s.size() < 2) {
      break;
    }
    const std::size_t from = pick(s.size());
    const std::size_t n = std::min(s.size() - from, pick(512) + 1);
    const std::vector<char> piece(s.begin() + static_cast<std::ptrdiff_t>(from),
                                  s.begin() + static_cast<std::ptrdiff_t>(from + n));
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), piece.begin(), piece.end());
    break;
  }
  default: { // the format's long run: deep nesting, or quotes or delimiters
    const std::size_t at = pick(s.size() + 1);
    const std::string pieces = long_run(rng);
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), pieces.begin(), pieces.end());
    break;
  }
  }
}

void on_alarm(int) {
  static const char message[] = "fuzz_" LITREV_FUZZ_NAME ": watchdog: an input took too long (hang?)\n";
  (void)!::write(2, message, sizeof message - 1);
  std::_Exit(1);
}

} // namespace

int main(int argc, char** argv) {
  unsigned long iterations = 10000;
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
  ::alarm(k_watchdog_seconds);
  // An exception out of a seed is not caught: std::terminate aborts the run.
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
      std::cerr << "fuzz_" LITREV_FUZZ_NAME ": iteration " << i << " (seed " << seed
                << "): unexpected exception: " << e.what() << '\n';
      return 1;
    }
  }
  std::cout << "fuzz_" LITREV_FUZZ_NAME ": " << seeds.size() << " seeds replayed, " << iterations
            << " mutations run, no crash; " << g_read_whole << " inputs read to the end, " << g_data_errors
            << " stopped by a litrev::Error, " << g_record_errors << " record errors, " << g_items
            << " records read\n";
  return 0;
}

#endif // LITREV_LIBFUZZER
