// Fuzz driver for the reader of litrev's own JSON Lines (Format::litrev_jsonl,
// what `litrev export records --format json` writes): real records exported
// from corpora/pubmed-efetch (tests/fuzz/seeds), mutated with record members
// of the wrong type and broken lines. See json_reader_driver.hpp for what
// counts as a bug and how the g++ build runs.
//
//   fuzz_litrev_jsonl [--iterations N] [--seed S] DIR_OR_FILE...
#define LITREV_FUZZ_NAME "litrev_jsonl"

#include <litrev/formats.hpp>

namespace fuzz_config {

constexpr litrev::Format k_format = litrev::Format::litrev_jsonl;

const char* const k_fragments[] = {
    "\"key\":", "\"key\":\"pmid:1\"", "\"title\":", "\"title\":5", "\"ids\":{\"pmid\":", "\"ids\":[]",
    "\"authors\":[{\"family\":", "\"authors\":\"x\"", "\"pub_date\":{\"year\":\"2020\"}", "\"pub_date\":{\"year\":-1}",
    "\"abstract\":[{\"label\":", "\"abstract\":\"text\"", "\"mesh\":[{\"descriptor\":", "\"journal\":{\"title\":",
    "\"provenance\":{\"line\":-5}", "\"field_sources\":[{", "\n", "\n\n{", "}\n{\"key\":\"doi:10.1/x\"",
    "\"registration\":{\"conditions\":", "\"publication_types\":[{\"name\":"};

const char* const k_extra_seeds[] = {
    "{\"key\":\"pmid:1\",\"title\":\"t\"}\n",
    "{\"key\":\"\",\"ids\":{\"doi\":\"10.1/x\"}}\n\n{\"title\":\"only a title\",\"source\":\"ris\"}\n",
};

} // namespace fuzz_config

#include "json_reader_driver.hpp"
