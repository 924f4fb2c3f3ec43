// Fuzz driver for the RIS reader: the shared driver in reader_driver.hpp
// with this format's mutation fragments and seeds.
#include <litrev/formats.hpp>

#define LITREV_FUZZ_NAME "ris"

namespace fuzz_config {

constexpr litrev::Format k_format = litrev::Format::ris;

// Inserted by the mutator: this format's syntax and the byte sequences that
// break readers (BOMs, invalid UTF-8, NUL).
const char* const k_fragments[] = {
    "TY  - JOUR\n", "ER  - \n", "ER  -\n", "ER\n", "TY  - ", "\nER  - ", "TI  - ", "T1  - ", "AU  - ", "A1  - ",
    "KW  - ", "DO  - ", "PY  - ", "Y1  - ", "DA  - ", "SP  - ", "EP  - ", "SN  - ", "UR  - ", "AB  - ", "N2  - ",
    "JF  - ", "JO  - ", "T2  - ", "DB  - ", "DP  - EBSCOhost\n", "AN  - WOS:", "PMID  - ", "NL  - ", "L2  - ",
    "\n      ", "\n   ", "\n\n", "\r", "\r\n", "\n", "-", "  -", " - ", "3001. \n", "\xEF\xBB\xBF", "\xFF\xFE",
    "\xFE\xFF", "\xC3", "\xFF", "\xE9", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC0\x80", "\0", "<p>", "</p>",
    "<AbstractText Label=\"", "<jats:title>", "</jats:title>", "<jats:sec>", "&#x", "&#0;", "&#xD800;", "&amp;",
    "&#1114112;", "%2", "%28", "%FF", "doi:", "10.", "10.1000/", "https://doi.org/10.", "/", "//", "///",
    "9999/99/99/", "0000-000X", "(Print)", "[pmid]", "[pmcid]", "[pii]", "PMC", "*", ";", ",", "%0 Journal\n"};

// Repeated by the mutator to make very long inputs.
const char* const k_filler_line = "KW  - k\n";

// Small inputs replayed and mutated besides the fixtures.
const char* const k_extra_seeds[] = {"", "TY  - JOUR\nER  - \n", "TY  - JOUR\nTI  - x\n", "ER  -\nTY  -\nER\n",
                        "JF  - x\nT1  - y\nER  -\n", "TY  - JOUR\nKW  - a\nb\n      c\n\nd\nER  - \n"};

} // namespace fuzz_config

#include "reader_driver.hpp"
