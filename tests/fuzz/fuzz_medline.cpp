// Fuzz driver for the MEDLINE/nbib reader: the shared driver in reader_driver.hpp
// with this format's mutation fragments and seeds.
#include <litrev/formats.hpp>

#define LITREV_FUZZ_NAME "medline"

namespace fuzz_config {

constexpr litrev::Format k_format = litrev::Format::medline;

// Inserted by the mutator: this format's syntax and the byte sequences that
// break readers (BOMs, invalid UTF-8, NUL).
const char* const k_fragments[] = {
    "PMID- ", "PMID-", "\nPMID- 1\n", "TI  - ", "TI-", "AB  - ", "FAU - ", "AU  - ", "AD  - ", "AUID- ORCID: ",
    "CN  - ", "DP  - ", "IS  - ", "(Electronic)", "(Print)", "(Linking)", "LID - ", "AID - ", " [doi]", " [pii]",
    "PMC - ", "MH  - ", "/*", "*", "OT  - ", "OTO - NOTNLM\n", "SI  - ClinicalTrials.gov/", "CIN - x. PMID: ",
    "RIN - ", "PT  - Retracted Publication\n", "OWN - ERIC\n", "OID - EJ", "\n      ", "      ", "\n\n", "\r",
    "\r\n", "\n", "-", "- ", "\xEF\xBB\xBF", "\xFF\xFE", "\xFE\xFF", "\xC3", "\xFF", "\xE9", "\xED\xA0\x80",
    "\xF4\x90\x80\x80", "\xC0\x80", "\0", "10.", "doi:", "https://doi.org/10.", "%28", "2006 Mar-Apr",
    "1999 Winter", "9999 Dec 99", "0000-000X", "TY  - JOUR\n"};

// Repeated by the mutator to make very long inputs.
const char* const k_filler_line = "MH  - k\n";

// Small inputs replayed and mutated besides the fixtures.
const char* const k_extra_seeds[] = {"", "PMID- 1\n", "PMID- 1\nTI  - x\n\n", "PMID-1\nTI-\nAU  - \nFAU - \n", "FAU - a\nAU  - b\nAD  - c\n      d\n",
                        "PMID- 1\nMH  - /*/\nDP  - -\nIS  - (Print)\n"};

} // namespace fuzz_config

#include "reader_driver.hpp"
