// Fuzz driver for the Europe PMC reader (Format::europepmc_json): the
// recorded search pages (core, lite, idlist, zero hits) mutated with JSON
// and Europe PMC fragments. See json_reader_driver.hpp for what counts as a
// bug and how the g++ build runs.
//
//   fuzz_europepmc_json [--iterations N] [--seed S] DIR_OR_FILE...
#define LITREV_FUZZ_NAME "europepmc_json"

#include <litrev/formats.hpp>

namespace fuzz_config {

constexpr litrev::Format k_format = litrev::Format::europepmc_json;

const char* const k_fragments[] = {
    "\"resultList\":{\"result\":[", "\"result\":[]", "\"hitCount\":", "{\"version\":\"6.9\"}", "\"source\":\"PPR\"",
    "\"id\":\"PPR1\"", "\"pmid\":\"12\"", "\"pmid\":12", "\"pmcid\":\"PMC1\"", "\"doi\":\"10.1/X\"", "\"title\":",
    "\"abstractText\":\"<h4>A</h4>b<h4>\"", "\"authorList\":{\"author\":[", "\"authorString\":\"Smith J, \"",
    "{\"collectiveName\":\"G\"}", "\"authorId\":{\"type\":\"ORCID\",\"value\":", "\"journalInfo\":{\"journal\":{",
    "\"dateOfPublication\":\"2025 Spring\"", "\"yearOfPublication\":", "\"monthOfPublication\":\"99\"",
    "\"journalIssn\":\";;\"", "\"pubTypeList\":{\"pubType\":", "\"pubType\":\"a; ; b\"",
    "\"meshHeadingList\":{\"meshHeading\":[{", "\"meshQualifierList\":{\"meshQualifier\":[",
    "\"keywordList\":{\"keyword\":", "\"commentCorrectionList\":{\"commentCorrection\":[{\"type\":",
    "\"bookOrReportDetails\":{", "\"language\":[\"eng\",\"eng\"]", "\"request\":{\"resultType\":\"idlist\"}"};

const char* const k_extra_seeds[] = {
    "{\"version\":\"6.9\"}",
    "{\"hitCount\":1,\"resultList\":{\"result\":[{\"id\":\"PPR1\",\"source\":\"PPR\",\"title\":\"t\","
    "\"authorList\":{\"author\":[{\"collectiveName\":\"G\"},{\"fullName\":\"Smith J\",\"authorId\":"
    "{\"type\":\"ORCID\",\"value\":\"0000-0002-1825-0097\"}}]},\"abstractText\":\"<h4>A</h4>x NCT01234567\","
    "\"commentCorrectionList\":{\"commentCorrection\":[{\"id\":\"1\",\"source\":\"MED\",\"type\":\"Retraction in\"}]}}]}}",
};

} // namespace fuzz_config

#include "json_reader_driver.hpp"
