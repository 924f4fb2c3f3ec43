// Fuzz driver for the ClinicalTrials.gov reader (Format::ctgov_json): the
// recorded API v2 answers (single studies and /studies pages) mutated with
// JSON and study-module fragments. See json_reader_driver.hpp for what
// counts as a bug and how the g++ build runs.
//
//   fuzz_ctgov_json [--iterations N] [--seed S] DIR_OR_FILE...
#define LITREV_FUZZ_NAME "ctgov_json"

#include <litrev/formats.hpp>

namespace fuzz_config {

constexpr litrev::Format k_format = litrev::Format::ctgov_json;

const char* const k_fragments[] = {
    "\"studies\":[", "\"protocolSection\":{", "\"identificationModule\":{\"nctId\":\"NCT01234567\"}",
    "\"nctId\":\"NCT1\"", "\"officialTitle\":", "\"briefTitle\":\"\\\\[x\\\\]\"", "\"nctIdAliases\":[",
    "\"secondaryIdInfos\":[{\"id\":", "\"statusModule\":{\"startDateStruct\":{\"date\":",
    "\"studyFirstPostDateStruct\":{\"date\":\"2020-13-45\"}", "\"designModule\":{\"designInfo\":{\"maskingInfo\":{",
    "\"phases\":[", "\"enrollmentInfo\":{\"count\":", "\"count\":-1", "\"count\":\"12\"", "\"count\":1.5",
    "\"interventions\":[{\"name\":", "\"otherNames\":", "\"referencesModule\":{\"references\":[{\"pmid\":",
    "\"type\":\"RESULT\"", "\"derivedSection\":{\"conditionBrowseModule\":{\"meshes\":[{\"id\":\"D1\",\"term\":",
    "\"eligibilityModule\":{\"eligibilityCriteria\":", "\"hasResults\":", "\"outcomesModule\":{\"primaryOutcomes\":[",
    "\"totalCount\":", "\"nextPageToken\":"};

const char* const k_extra_seeds[] = {
    "{\"studies\":[]}",
    "{\"protocolSection\":{\"identificationModule\":{\"nctId\":\"NCT01234567\",\"officialTitle\":\"o\","
    "\"briefTitle\":\"b\"},\"designModule\":{\"designInfo\":{\"maskingInfo\":{\"whoMasked\":[\"P\"]}},"
    "\"enrollmentInfo\":{\"count\":0}},\"referencesModule\":{\"references\":[{\"pmid\":\"1\",\"type\":\"RESULT\"}]}},"
    "\"derivedSection\":{\"interventionBrowseModule\":{\"meshes\":[{\"id\":\"D1\",\"term\":\"t\"}]}},"
    "\"hasResults\":true}",
};

} // namespace fuzz_config

#include "json_reader_driver.hpp"
