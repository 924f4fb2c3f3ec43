// litrev/prisma.hpp: the PRISMA 2020 flow diagram for new reviews
// (databases and registers), computed from what happened in a review, and
// its renderings (JSON, the PRISMA2020 R package's CSV, Markdown, SVG).
//
// Boxes and their ids (for --explain and the JSON):
//   identified                records identified, all sources
//   identified:<source>       per database or register
//   duplicates                duplicate records removed before screening
//   automation                records marked ineligible by automation tools
//   other-removed             records removed for other reasons
//   screened                  records screened (title and abstract)
//   screened-excluded         records excluded at screening
//   sought                    reports sought for retrieval
//   not-retrieved             reports not retrieved
//   assessed                  reports assessed for eligibility (full text)
//   excluded                  reports excluded at full text
//   excluded:<reason>         ... per reason
//   included-studies          studies included in the review
//   included-reports          reports of included studies
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace litrev {

struct PrismaSource {
  std::string name;          // "PubMed", "Embase", "ClinicalTrials.gov"
  bool is_register = false; // a trial register rather than a bibliographic database
  std::uint64_t records = 0;
};

struct PrismaReason {
  std::string reason;
  std::uint64_t reports = 0;
};

struct PrismaFlow {
  std::vector<PrismaSource> sources; // databases first, then registers, each by name
  std::uint64_t identified = 0;      // sum of sources' records
  std::uint64_t duplicates = 0;
  std::uint64_t automation = 0;
  std::uint64_t other_removed = 0;
  std::uint64_t screened = 0;
  std::uint64_t screened_excluded = 0;
  std::uint64_t sought = 0;
  std::uint64_t not_retrieved = 0;
  std::uint64_t assessed = 0;
  std::uint64_t excluded = 0;
  std::vector<PrismaReason> excluded_reasons; // by count, largest first, then by name
  std::uint64_t included_studies = 0;
  std::uint64_t included_reports = 0;
  // Records still waiting at each stage (not a PRISMA box; a flow with
  // pending records is not final, and the renderings say so).
  std::uint64_t pending_screening = 0;
  std::uint64_t pending_full_text = 0;
  // The records behind every box, by box id (see above; also
  // "pending-screening" and "pending-full-text"). Identification boxes
  // (identified, duplicates, other-removed) list what each run brought in,
  // "<key> (<run>/<file>#<n>)", since one record can arrive many times; the
  // other boxes list reference clusters by their first key.
  std::map<std::string, std::vector<std::string>> members;
};

// {"identified": {"total": n, "databases": [{"name","records"}], "registers": [...]},
//  "duplicates", "automation", "other_removed", "screened", "screened_excluded",
//  "sought", "not_retrieved", "assessed": n,
//  "excluded": {"total": n, "reasons": [{"reason","reports"}]},
//  "included": {"studies": n, "reports": n},
//  "pending": {"screening": n, "full_text": n}, "final": bool}
// (schemas/output.md). `final` is false while anything is pending. `members`
// is not part of it (it is what --explain shows).
nlohmann::json prisma_json(const PrismaFlow& flow);

// The CSV the PRISMA2020 R package (Haddaway et al. 2022) reads with
// PRISMA_data(): its template's columns (data, node, box, description,
// boxtext, tooltips, url, n) with our counts in n, using its variable names
// (database_results, register_results, duplicates, excluded_automatic,
// excluded_other, records_screened, records_excluded, dbr_sought_reports,
// dbr_notretrieved_reports, dbr_assessed, dbr_excluded, new_studies,
// new_reports, ...). Per-database and per-reason counts go in the
// "<name>, <n>; ..." form the package expects; as its parser cuts a name at
// "," and a list at ";", those characters in names become " - ". The rows of
// the other arms (previous studies, other methods) hold 0; total_* equal
// new_*. LF line ends, like the package's template.
std::string prisma_csv(const PrismaFlow& flow);

// A Markdown table of every box, in flow order (phase, box, box id, n),
// after a bold line saying the flow is not final when anything is pending.
std::string prisma_markdown(const PrismaFlow& flow);

// The PRISMA 2020 flow diagram for new reviews (databases and registers
// only), drawn in the standard layout: Identification, Screening, Included
// phases down the left, boxes with the counts, arrows, the exclusion boxes to
// the right. A standalone SVG 1.1 document; all text escaped. Boxes grow and
// wrap their text (widths estimated from the font size) so that nothing
// overflows. Each box is a <g id="box-..."> (identified, removed, screened,
// screened-excluded, sought, not-retrieved, assessed, excluded, included).
std::string prisma_svg(const PrismaFlow& flow);

} // namespace litrev
