// Fuzz driver for the PubMed XML reader.
//
// LLVMFuzzerTestOneInput feeds the bytes through PubmedXmlReader::from_memory,
// through parse_pubmed_article and looks_like_pubmed_xml, and serialises every
// record to JSON (which throws on invalid UTF-8, so text the reader produced
// is checked too). The only acceptable outcomes are records or a
// litrev::Error; anything else (another exception, a crash, a sanitizer
// report, a hang) is a bug.
//
// Built with libFuzzer (clang, LITREV_LIBFUZZER=ON in tests/fuzz) this is a
// real fuzzer. Built with g++ it gets the main() below: it replays the
// fixtures, then runs a fixed number of deterministic random mutations of
// them (byte flips, truncations, insertions of '<', '&', character
// references, invalid UTF-8, duplicated and dropped tags, PubMed and MathML
// tags out of place), under a watchdog alarm that turns a hang into a failure.
//
//   fuzz_pubmed_xml [--iterations N] [--seed S] DIR_OR_FILE...
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/pubmed_xml.hpp>
#include <litrev/record.hpp>

namespace {
// Outcomes, for the summary of the built-in driver.
unsigned long g_read_whole = 0;
unsigned long g_data_errors = 0;
unsigned long g_items = 0;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)litrev::looks_like_pubmed_xml(bytes);
  try {
    litrev::PubmedXmlReader reader = litrev::PubmedXmlReader::from_memory(bytes, "fuzz");
    litrev::PubmedItem item;
    while (reader.next(item)) {
      ++g_items;
      if (item.kind == litrev::PubmedItem::Kind::record) {
        const nlohmann::json j = item.record;
        (void)j.dump();
      }
    }
    ++g_read_whole;
  } catch (const litrev::Error&) {
    // Bad input, reported as such: fine.
    ++g_data_errors;
  }
  try {
    litrev::Record record;
    litrev::parse_pubmed_article(bytes, "fuzz", record);
    const nlohmann::json j = record;
    (void)j.dump();
  } catch (const litrev::Error&) {
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

#include <unistd.h>

namespace {

constexpr unsigned k_watchdog_seconds = 120;

// Fragments inserted by the mutator: structure the reader must cope with when
// it turns up in the wrong place.
const char* const k_fragments[] = {
    "<", ">", "&", "&#", "&#0;", "&#xD800;", "&#x110000;", "&#65;", "&lt;", "&xxe;", "<!--", "-->", "<?", "?>",
    "<![CDATA[", "]]>", "\"", "'", "/>", "</", "<PubmedArticle>", "</PubmedArticle>", "<PubmedBookArticle>",
    "</PubmedBookArticle>", "<DeleteCitation>", "</DeleteCitation>", "<PMID Version=\"1\">1</PMID>",
    "<PubmedArticleSet>", "</PubmedArticleSet>", "<!DOCTYPE x [", "<!ENTITY e SYSTEM \"file:///etc/passwd\">",
    "<i>", "</i>", "<sub>", "</sub>", "<mml:math>", "</mml:math>", "<mml:mmultiscripts>", "<mml:mprescripts/>",
    "<mml:mover>", "<mml:mfenced separators=\"\">", "<mml:mfenced open=\"\xE2\x9F\xA8\">", "<mml:mo>.</mml:mo>",
    "\xC3", "\xFF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC0\x80", "\xE2\x82", "\r\n", "\t", "\0",
    "<AbstractText Label=\"", "<MedlineDate>", "<Month>", "<Year>99999999999</Year>", "<ELocationID EIdType=\"doi\">"};

// Well-formed fragments for text content: the input stays well-formed, so
// the mutation reaches the record extraction and the markup flattening.
const char* const k_text_fragments[] = {
    "<i>a</i>", "<b>B</b>", "<u>&lt;</u>", "<sub>2</sub>", "<sup>-1</sup>", "x", "\xC3\xA9", "\xC2\xA0", " ",
    "\n\t\t", "&amp;", "&#x3b2;", "&#946;", "NCT01234567", "<i><b><sub>n</sub></b></i>",
    "<mml:math><mml:mi>x</mml:mi></mml:math>",
    "<mml:math><mml:mmultiscripts><mml:mi>He</mml:mi><mml:mprescripts/><mml:none/><mml:mn>3</mml:mn>"
    "</mml:mmultiscripts></mml:math>",
    "<mml:math><mml:mover><mml:mi>V</mml:mi><mml:mo>.</mml:mo></mml:mover></mml:math>",
    "<mml:math><mml:mfenced separators=\"\"><mml:mi>a</mml:mi><mml:mi>b</mml:mi></mml:mfenced></mml:math>",
    "<mml:math><mml:mfrac/><mml:mover/><mml:mmultiscripts><mml:mprescripts/></mml:mmultiscripts></mml:math>",
    "<![CDATA[c < d]]>"};

std::vector<char> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run(const std::vector<char>& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

// Applies one random mutation to `s`; a `gentle` one keeps it well-formed.
void mutate(std::vector<char>& s, std::mt19937_64& rng, bool gentle) {
  auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  switch (gentle ? 9 : rng() % 12) {
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
    // "\0" is the one fragment that is a single NUL byte.
    const std::size_t len = f[0] == '\0' ? 1 : std::char_traits<char>::length(f);
    const std::size_t at = pick(s.size() + 1);
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), f, f + len);
    break;
  }
  case 4: { // duplicate a tag somewhere else
    if (s.empty()) {
      break;
    }
    const std::size_t lt = std::string_view(s.data(), s.size()).find('<', pick(s.size()));
    if (lt == std::string_view::npos) {
      break;
    }
    const std::size_t gt = std::string_view(s.data(), s.size()).find('>', lt);
    if (gt == std::string_view::npos) {
      break;
    }
    const std::vector<char> tag(s.begin() + static_cast<std::ptrdiff_t>(lt), s.begin() + static_cast<std::ptrdiff_t>(gt + 1));
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), tag.begin(), tag.end());
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
  case 7: { // copy a range over another place (splices structure)
    if (s.size() < 2) {
      break;
    }
    const std::size_t from = pick(s.size());
    const std::size_t n = std::min(s.size() - from, pick(256) + 1);
    const std::vector<char> piece(s.begin() + static_cast<std::ptrdiff_t>(from),
                                  s.begin() + static_cast<std::ptrdiff_t>(from + n));
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), piece.begin(), piece.end());
    break;
  }
  case 9: // a well-formed fragment right after some tag
  case 10:
  case 11: {
    const char* f = k_text_fragments[pick(std::size(k_text_fragments))];
    const std::size_t gt = std::string_view(s.data(), s.size()).find('>', pick(s.size()));
    const std::size_t at = gt == std::string_view::npos ? s.size() : gt + 1;
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), f, f + std::char_traits<char>::length(f));
    break;
  }
  default: { // nest a run of inline tags
    const std::size_t at = pick(s.size() + 1);
    const int depth = static_cast<int>(rng() % 400);
    std::string open;
    for (int i = 0; i < depth; ++i) {
      open += (rng() & 1) ? "<i>" : "<mml:mrow>";
    }
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), open.begin(), open.end());
    break;
  }
  }
}

void on_alarm(int) {
  static const char message[] = "fuzz_pubmed_xml: watchdog: an input took too long (hang?)\n";
  (void)!::write(2, message, sizeof message - 1);
  std::_Exit(1);
}

} // namespace

int main(int argc, char** argv) {
  unsigned long iterations = 20000;
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
        const std::string name = entry.path().filename().string();
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".xml") == 0) {
          seeds.push_back(read_file(entry.path()));
        }
      }
    } else {
      seeds.push_back(read_file(arg));
    }
  }
  if (seeds.empty()) {
    std::cerr << "usage: fuzz_pubmed_xml [--iterations N] [--seed S] DIR_OR_FILE...\n";
    return 2;
  }
  // Small hand-made seeds reach the top-level states quickly.
  for (const char* s : {"<PubmedArticleSet></PubmedArticleSet>",
                        "<PubmedArticleSet><DeleteCitation><PMID Version=\"1\">1</PMID></DeleteCitation>"
                        "</PubmedArticleSet>",
                        "<?xml version=\"1.0\"?><!DOCTYPE PubmedArticleSet [<!ENTITY a \"]>\">]><PubmedArticleSet>"
                        "<PubmedArticle><MedlineCitation><PMID Version=\"1\">1</PMID><Article><ArticleTitle>a<i>b"
                        "</i>c<mml:math><mml:mi>x</mml:mi></mml:math></ArticleTitle></Article></MedlineCitation>"
                        "</PubmedArticle></PubmedArticleSet>"}) {
    seeds.emplace_back(s, s + std::char_traits<char>::length(s));
  }
  std::signal(SIGALRM, on_alarm);
  ::alarm(k_watchdog_seconds);

  for (const auto& s : seeds) {
    run(s);
  }
  // Mutate the PubMed documents only; the others (other E-utilities answers)
  // were replayed above.
  std::vector<const std::vector<char>*> pubmed;
  for (const auto& s : seeds) {
    if (litrev::looks_like_pubmed_xml(std::string_view(s.data(), s.size()))) {
      pubmed.push_back(&s);
    }
  }
  std::mt19937_64 rng(seed);
  std::vector<char> input;
  for (unsigned long i = 0; i < iterations && !pubmed.empty(); ++i) {
    input = *pubmed[rng() % pubmed.size()];
    const int rounds = 1 + static_cast<int>(rng() % 4);
    const bool gentle = (rng() % 3) == 0;
    for (int k = 0; k < rounds; ++k) {
      mutate(input, rng, gentle);
    }
    try {
      run(input);
    } catch (const std::exception& e) {
      std::cerr << "fuzz_pubmed_xml: iteration " << i << " (seed " << seed << "): unexpected exception: "
                << e.what() << '\n';
      return 1;
    }
  }
  std::cout << "fuzz_pubmed_xml: " << seeds.size() << " seeds replayed, " << iterations
            << " mutations run, no crash; " << g_read_whole << " inputs read to the end, " << g_data_errors
            << " rejected with a litrev::Error, " << g_items << " items read\n";
  return 0;
}

#endif // LITREV_LIBFUZZER
