// Fuzz driver for the CSV reader: the shared driver in byte_driver.hpp with
// quotes, delimiters and line ends out of place, export headers, PubMed
// citations and invalid UTF-8, and long runs of one quote or delimiter. See
// byte_driver.hpp for what counts as a bug and how the g++ build runs.
//
//   fuzz_csv [--iterations N] [--seed S] DIR_OR_FILE...
#define LITREV_FUZZ_NAME "csv"

#include <litrev/formats.hpp>

namespace fuzz_config {

constexpr litrev::Format k_format = litrev::Format::csv;

const char* const k_scratch_file = "input.csv";

const char* const k_fragments[] = {
    ",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", " ", "Title", "Authors", "PMID", "Citation",
    "Journal/Book", "EID", "Source title", "Author full names", "Page start", "Page end", "DOI", "Year",
    "Item Title", "Item DOI", "10.1000/x", "doi: 10.1/x. ", "(", ")", ":", "2020 Jan-Feb;", "12(3):4-5. ",
    "Smith J, ", "Smith, J. (123); ", " and ", "AndySmith", "https://doi.org/10.1/", "&#x27;", "<i>", "\xC3",
    "\xFF", "\xED\xA0\x80", "\xE2\x82", "\0", "\xEF\xBB\xBF", "\xFF\xFE"};

// A long run of one quote or delimiter.
const char* const k_run_pieces[] = {"\"", ",", ";", "\t", "\n"};
constexpr bool k_run_of_one_piece = true;

// A quoted line break, a PubMed export and a tab-separated file.
const char* const k_extra_seeds[] = {
    "Title,Authors\n\"A\nB\",\"Smith J\"\n",
    "PMID,Title,Authors,Citation,Journal/Book\n1,T,Smith J,\"J. 2020;1(2):3-4.\",J\n", "Title\tYear\n\"x\"\t2000\n"};

} // namespace fuzz_config

#include "byte_driver.hpp"
