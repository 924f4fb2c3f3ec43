// The index's term layout, shared by the indexer (index.cpp) and the query
// translators (pubmed_query.cpp). schemas/index.md says the same in prose;
// change both together and bump k_index_schema_version.
#pragma once

#include <string>

#include <xapian.h>

namespace litrev::index_terms {

// Free text, indexed with positions (STEM_SOME_FULL_POS: stems have
// positions too, so phrases match inflected forms).
inline constexpr const char* k_title = "S";    // title, vernacular title
inline constexpr const char* k_abstract = "B"; // every abstract section
inline constexpr const char* k_author = "A";   // family, initials, given; collective names
inline constexpr const char* k_journal = "XJ"; // title, ISO and NLM abbreviations, book title
inline constexpr const char* k_mesh = "XM";    // descriptor names
inline constexpr const char* k_pubtype = "XPT";
inline constexpr const char* k_keyword = "K";

// Boolean (exact) terms; the value after the prefix is lower-case unless said.
inline constexpr const char* k_key = "Q";            // record key, as stored
inline constexpr const char* k_lang = "L";           // language code as given ("eng")
inline constexpr const char* k_pmid = "XPMID";
inline constexpr const char* k_doi = "XDOI";
inline constexpr const char* k_year = "XY";
// Authors as "family initials" ("dakwar e", "van der berg jm"), or the
// collective name; every author, the first, and the last.
inline constexpr const char* k_author_exact = "XAU";
inline constexpr const char* k_first_author = "XFAU";
inline constexpr const char* k_last_author = "XLAU";
// MeSH: "descriptor" and "descriptor/qualifier" for every heading; the major
// topics (descriptor starred, or one of its qualifiers starred) again as XMJ.
inline constexpr const char* k_mesh_exact = "XMH";
inline constexpr const char* k_mesh_major = "XMJ";
inline constexpr const char* k_pubtype_exact = "XTYPE"; // "randomized controlled trial"
inline constexpr const char* k_has = "XHAS";  // abstract, doi, pmid, pmcid, mesh
inline constexpr const char* k_is = "XIS";    // retracted, retraction, erratum, preprint
inline constexpr const char* k_status = "XST";
inline constexpr const char* k_conflict = "XCF";

// Value slots.
inline constexpr Xapian::valueno k_slot_year = 0;   // sortable_serialise(year)
inline constexpr Xapian::valueno k_slot_date = 1;   // "YYYYMMDD", 00 for unknown month/day
inline constexpr Xapian::valueno k_slot_author = 2; // first author "family initials", lower-case
inline constexpr Xapian::valueno k_slot_pubtypes = 3; // lower-case names joined by '\n'
inline constexpr Xapian::valueno k_slot_langs = 4;    // lower-case codes joined by '\n'
inline constexpr Xapian::valueno k_slot_journal = 5;  // NLM abbreviation, else ISO, else title

// prefix + value, cut to fit Glass's term limit: a value making the term
// longer than 240 bytes keeps 220 bytes and gains a hash, so it stays unique.
std::string bounded_term(const std::string& prefix, const std::string& value);

// An author as the XAU/XFAU/XLAU value: "family initials" lower-cased, or the
// collective name lower-cased; "" when there is neither.
struct AuthorName {
  const std::string& family;
  const std::string& initials;
  const std::string& collective;
};
std::string author_value(const AuthorName& a);

// Folds case (Unicode: "Ø" -> "ø") and runs of white space to one space,
// trimming the ends:
// what every exact-phrase value (MeSH, publication type, author) goes through
// on both sides.
std::string exact_value(const std::string& text);

} // namespace litrev::index_terms
