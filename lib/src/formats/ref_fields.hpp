// Private: field-level helpers shared by the BibTeX, EndNote XML and CSV
// readers (bibtex.cpp, endnote_xml.cpp, csv.cpp): person names, identifiers
// (DOI, ISSN, ids in URLs), loose dates, keywords, pages, HTML entities and
// inline HTML tags, and the last steps every record goes through.
//
// Everything here works on text that is already UTF-8; nothing throws except
// std::bad_alloc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <litrev/record.hpp>

#include "util/normalize.hpp"

namespace litrev::ref_fields {

// ---------------------------------------------------------------------------
// Person names

// One word of a name, and whether it starts with a lower-case letter (a
// "von" particle in BibTeX's rules). A word that was protected by braces in
// BibTeX counts as not lower-case.
struct NameWord {
  std::string text;
  bool lower = false;
};

// Splits plain text into name words at white space.
std::vector<NameWord> name_words(std::string_view text);

// Builds an author from the comma-separated parts of one name, each a list
// of words, following BibTeX's rules:
//   1 part:  "First von Last"      (von = the lower-case words before the last word)
//   2 parts: "von Last, First"
//   3 parts: "von Last, Jr, First"
// The von particle is part of the family name ("von Helmholtz"). With
// `family_initials` (PubMed style, not BibTeX), a one-part name whose last
// word is upper-case initials ("Smith JA", "Lau Y") is family + initials.
// Returns an author with no family, given or collective name when every part
// is empty.
Author author_from_parts(const std::vector<std::vector<NameWord>>& parts, bool family_initials);

// Parses one plain-text name ("Smith, John A.", "Smith JA", "John Smith",
// "von Last, Jr, First"), marking names of organisations ("World Health
// Organization", see looks_corporate) as collective.
Author parse_name(std::string_view text, bool family_initials);

// "Smith JA" / "Abd-Alrazaq AA" (PubMed's "Family Initials"); a name whose
// last word is not initials is taken as a collective name.
Author parse_family_initials(std::string_view text);

// Initials of a given name: "John Andrew" -> "JA", "J.A." -> "JA",
// "Jean-Pierre" -> "JP", "CWC" -> "CWC".
std::string initials_of(std::string_view given);

// True for names of organisations: no comma, and a word such as
// "Organization", "Group", "Committee", "Consortium", "Institute".
bool looks_corporate(std::string_view name);

// Splits a list of names in one cell (CSV): on ';' when there is one, else
// on " and ", else on ',' -- where a comma list of one-word parts is read as
// "Family, Given" pairs ("Smith, J., Jones, K.") and a single "Family, Given"
// stays one name.
std::vector<std::string> split_name_list(std::string_view text);

// ---------------------------------------------------------------------------
// Identifiers

// percent_decode and normalize_doi (util/normalize.hpp) are the ones every
// reader uses; they are named here too so that rf::normalize_doi reads as
// before.
using litrev::normalize_doi;
using litrev::percent_decode;

// "1234-567X" for an ISSN given as "1234-567x", "1234567X" or with a
// qualifier ("(Electronic)"); empty when `raw` is not an ISSN.
std::string normalize_issn(std::string_view raw);

// What an ISSN value's qualifier says: "electronic", "print", "linking" or "".
std::string issn_qualifier(std::string_view raw);

// Places an ISSN by its qualifier (electronic, linking, else print; a value
// already present is kept). Returns false when `raw` is not an ISSN.
bool add_issn(Journal& journal, std::string_view raw);

// Identifiers a URL carries: a DOI (doi.org URLs, "doi=" query parameter),
// a PMID (pubmed.ncbi.nlm.nih.gov/N, ncbi.nlm.nih.gov/pubmed/N), a PMCID
// (/pmc/articles/PMCn, europepmc.org/articles/PMCn) and a Scopus EID
// ("eid=" parameter). Fills only what `record` does not have yet and adds a
// field source {"doi", tag} etc. for each.
void ids_from_url(std::string_view url, Record& record, const std::string& tag);

// Reads a list of identifiers written as "id [type]" items separated by
// ';' (litrev's export writes the ids a format has no field for this way,
// after PubMed's "10.1/x [doi]"): type nct -> ids.nct, pii -> ids.pii, pmid,
// pmcid and doi -> those ids, any other type (letters, digits, '.', '_',
// '-') -> ids.other {type, id}. Fills only what `record` does not have yet
// and skips an other id it already has. Returns false, adding nothing, when
// any item is not of that form.
bool add_listed_ids(std::string_view list, Record& record, const std::string& tag);

// True for "PMC" followed by digits.
bool is_pmcid(std::string_view s);

// True when `s` is 1 to 9 ASCII digits (a plausible PMID).
bool is_pmid(std::string_view s);

// ---------------------------------------------------------------------------
// Dates

// 1..12 for a month name or abbreviation (English, any case: "jan",
// "January", "Sept"), a number "8" / "08", or the first month of a range
// ("NOV-DEC"); 0 otherwise.
int month_from_text(std::string_view s);

// The first four-digit year (1000..2999) in `s` that is not part of a longer
// number, or 0.
int first_year(std::string_view s);

// Reads a loose date: ISO "2016-12-13" / "2016/12/13", "2022 Mar",
// "2021 Nov 29", "Mar 3", "MAR 1", "Jun 01", "NOV-DEC", "27 February 2011",
// "Spring 2001". Sets year, month, day and season where found (a field
// already set is not overwritten). When the text holds more than a plain
// date (a range "2016/2017", "13th Century", "Jan-Feb"), it is also kept
// in `date.text`. Returns true when anything was found.
bool parse_loose_date(std::string_view s, PubDate& date);

// ---------------------------------------------------------------------------
// Text

// Decodes &amp; &lt; &gt; &quot; &apos; &nbsp; the typographic named
// entities and numeric references (&#39; &#x27;). Unknown names stay as
// they are ("R&D;" is left alone).
void decode_html_entities(std::string& s);

// Removes inline HTML tags of a fixed list (<i>, <b>, <sub>, <sup>, <em>,
// <p>, <br/>, <h1>..<h6>, ...), block-level ones becoming a space. Other
// '<' text ("p < 0.05") is left alone.
void strip_html_tags(std::string& s);

// Entities decoded, known tags removed, white space folded and trimmed.
std::string clean_text(std::string_view s);

// Replaces every invalid UTF-8 sequence with U+FFFD and drops NUL bytes.
std::string valid_utf8(std::string_view s);

// Splits a keyword list on ';' when it has one, else on ','; trims and
// drops empty items.
std::vector<std::string> split_keywords(std::string_view s);

// Splits on `sep` (a byte), trimming white space and dropping empty items.
std::vector<std::string> split_trimmed(std::string_view s, char sep);

// Pages as given but with "--", en and em dashes turned into "-", spaces
// around the dash removed ("1 - 10" -> "1-10") and a dangling dash dropped
// ("123--" -> "123").
std::string normalize_pages(std::string_view s);

// ASCII-lower-cased copy.
std::string lower(std::string_view s);

// True when `a` equals `b` ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

// `s` without leading and trailing ASCII white space.
std::string_view trim(std::string_view s);

// ---------------------------------------------------------------------------
// Records

// True when the record has a title or an identifier (DOI, PMID, PMCID or
// another id): a record with neither cannot be screened or deduplicated.
bool has_title_or_id(const Record& record);

// The last steps of every record: DOI lower-cased, the stable key, NCT ids
// from the title and abstract.
void finish_record(Record& record);

// Appends {field, tag} to record.field_sources unless `field` is there.
void note_source(Record& record, const std::string& field, const std::string& tag);

// The record kind for a publication type name as the source gave it
// ("Journal Article", "JOUR", "inproceedings", "Book Section", "Report"):
// "book-chapter" for books and their parts, "article" for every other known
// type (journal articles, conference papers, theses, reports, web pages,
// ...: the closest of the kinds schemas/record.schema.json allows), or ""
// when the name is not known.
std::string kind_of_type(std::string_view type_name);

} // namespace litrev::ref_fields
