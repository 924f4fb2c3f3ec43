// Fuzz driver for the Web of Science plain text reader: the shared driver in reader_driver.hpp
// with this format's mutation fragments and seeds.
#include <litrev/formats.hpp>

#define LITREV_FUZZ_NAME "wos"

namespace fuzz_config {

constexpr litrev::Format k_format = litrev::Format::wos;

// Inserted by the mutator: this format's syntax and the byte sequences that
// break readers (BOMs, invalid UTF-8, NUL).
const char* const k_fragments[] = {
    "FN Clarivate Analytics Web of Science\n", "VR 1.0\n", "PT J\n", "ER\n", "EF\n", "\nER\n\n", "AU ",
    "AF ", "TI ", "SO ", "AB ", "DE ", "ID ", "C1 [", "] ", "OI ", "/0000-0002-1825-0097", "CA ", "DI ", "PM ",
    "UT WOS:", "UT MEDLINE:", "UT INSPEC:", "PY ", "PD ", "NOV-DEC", "SPR", "VL ", "IS ", "BP ", "EP ", "AR UNSP ",
    "SN ", "EI ", "LA ", "DT ", "CR ", "\n   ", "   ", "\n\n", "\r", "\r\n", "\n", "; ", ";", "\xEF\xBB\xBF",
    "\xFF\xFE", "\xFE\xFF", "\xC3", "\xFF", "\xE9", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC0\x80", "\0",
    "10.", "doi:", "&amp;", "&#x", "TY  - JOUR\n"};

// Repeated by the mutator to make very long inputs.
const char* const k_filler_line = "   k\n";

// Small inputs replayed and mutated besides the fixtures.
const char* const k_extra_seeds[] = {"", "FN x\nVR 1.0\nEF\n", "PT J\nAU a\nTI b\nER\n", "FN x\nPT J\nAF a, b\n   c, d\nC1 [a, b; c, d] e\nER\n",
                        "FN x\nPT J\nTI t\nPD NOV-DEC\nPY 2000\nUT MEDLINE:1\n"};

} // namespace fuzz_config

#include "reader_driver.hpp"
