// litrev/record.hpp: the bibliographic record, the unit every module passes on.
//
// A Record is one report (an article, a book chapter, a registry entry) as one
// source described it. Parsers fill it; the index, screening and reports read
// it. Fields hold text as the source gave it, with markup flattened to plain
// UTF-8 and runs of white space folded to one space; nothing is invented: an
// unknown value is empty (strings), 0 (numbers) or absent (vectors).
//
// The JSON form (to_json / from_json) is described by schemas/record.schema.json
// and is part of the output contract in schemas/output.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace litrev {

// Identifiers of the report. `doi` is lower-cased; `pmcid` keeps its "PMC"
// prefix; `nct` is the trial registration the record *is* (a registry entry),
// not one it mentions (those are in Record::registry_ids).
struct RecordIds {
  std::string pmid;
  std::string pmid_version; // PMID@Version when not "1"
  std::string pmcid;
  std::string doi;
  std::string nct;
  std::string pii;
  // Anything else: {"type": "mid", "value": "NIHMS1234"} and the like.
  struct Other {
    std::string type;
    std::string value;
  };
  std::vector<Other> other;
};

// One section of an abstract. An unstructured abstract is one section with an
// empty label. `category` is the NLM category (BACKGROUND, OBJECTIVE, METHODS,
// RESULTS, CONCLUSIONS, UNASSIGNED) when the source gave one.
struct AbstractSection {
  std::string label;
  std::string category;
  std::string text;
};

// A person or a group. A group author has `collective` set and no names.
struct Author {
  std::string family;
  std::string given;
  std::string initials;
  std::string suffix;
  std::string collective;
  std::string orcid; // bare form, 0000-0002-1825-0097
  std::vector<std::string> affiliations;
  bool equal_contrib = false;
};

struct Journal {
  std::string title;
  std::string iso_abbrev;
  std::string medline_ta; // NLM title abbreviation
  std::string issn_print;
  std::string issn_electronic;
  std::string issn_linking;
  std::string nlm_id;
  std::string country;
};

// The publication date as given. `year` is 0 when no year could be read;
// `month` and `day` are 0 when not given. `season` holds a season ("Spring");
// `text` keeps a free-text date (PubMed's MedlineDate, "1998 Dec-1999 Jan"),
// whose leading year is also put in `year`.
struct PubDate {
  int year = 0;
  int month = 0;
  int day = 0;
  std::string season;
  std::string text;
};

struct PublicationType {
  std::string ui; // MeSH UI, D016449
  std::string name;
};

struct MeshQualifier {
  std::string ui;
  std::string name;
  bool major = false;
};

struct MeshHeading {
  std::string ui;
  std::string descriptor;
  bool major = false;       // major topic on the descriptor itself
  std::string type;         // "Geographic" when given
  std::vector<MeshQualifier> qualifiers;
};

struct Keyword {
  std::string text;
  std::string owner; // NOTNLM (author keywords), NLM, KIE, ...
  bool major = false;
};

// A trial registration or data-bank accession the record refers to.
// `origin` says where it was found: "databank" (PubMed DataBankList) or
// "abstract" (an NCT id found in the title or abstract text).
struct RegistryId {
  std::string registry; // ClinicalTrials.gov, ISRCTN, GENBANK, ...
  std::string id;
  std::string origin;
};

// A link to another report: a retraction, an erratum, a comment, an update.
// `type` is PubMed's RefType (RetractionIn, ErratumFor, CommentOn, ...).
// On a registration (kind "registration") the links are the publications the
// registry entry lists, and `type` is the registry's own reference type as
// given (ClinicalTrials.gov: RESULT, BACKGROUND, DERIVED), `ref_source` the
// citation text: what later links a study to its reports.
struct RecordLink {
  std::string type;
  std::string ref_source;
  std::string pmid;
};

// A date a trial registry gives for a study milestone. `date` is as given,
// ISO 8601 to the precision known ("2016-07", "2019-12-20"); `type` says
// whether it has happened or is planned, in the registry's words
// (ClinicalTrials.gov: "ACTUAL", "ESTIMATED"), empty when not said.
struct RegistryDate {
  std::string date;
  std::string type;
};

// An intervention of a registered study: its type in the registry's words
// (DRUG, BEHAVIORAL, DEVICE, ...), its name, and other names it goes by.
struct StudyIntervention {
  std::string type;
  std::string name;
  std::vector<std::string> other_names;
};

// Another identifier of a registered study: the registry's type for it
// (ClinicalTrials.gov: NIH, FDA, EU_CT, REGISTRY, OTHER_GRANT, ...), the
// issuing body or registry when given ("EudraCT", "ISRCTN"), and the id.
struct StudyId {
  std::string type;
  std::string domain;
  std::string id;
};

// How a registered study is designed, as the registry codes it
// (ClinicalTrials.gov spellings: study_type INTERVENTIONAL / OBSERVATIONAL /
// EXPANDED_ACCESS, phases PHASE1..PHASE4, EARLY_PHASE1, NA; allocation
// RANDOMIZED / NON_RANDOMIZED / NA; masking NONE / SINGLE / DOUBLE /
// TRIPLE / QUADRUPLE; ...). Empty when the registry does not say.
struct StudyDesign {
  std::string study_type;
  std::vector<std::string> phases;
  std::string allocation;
  std::string intervention_model;
  std::string masking;
  std::vector<std::string> who_masked; // PARTICIPANT, INVESTIGATOR, ...
  std::string primary_purpose;
  std::string observational_model;
  std::string time_perspective;
};

// What a trial registry says about a study beyond the bibliographic
// fields. Present on registry entries (Record::kind "registration"), absent
// on every other record. Values are as the registry gives them, with markup
// flattened; the registry's own id is Record::ids.nct (or ids.other), the
// summary is Record::abstract, the publications it lists are Record::links.
struct Registration {
  std::string registry;     // "ClinicalTrials.gov"
  std::string brief_title;  // the short title when Record::title is the official one
  std::string acronym;
  std::string org_study_id; // the sponsor's own protocol number
  std::vector<StudyId> secondary_ids;
  std::string overall_status; // RECRUITING, COMPLETED, TERMINATED, ...
  std::string why_stopped;
  bool has_results = false;   // results are posted in the registry
  StudyDesign design;
  std::vector<std::string> conditions;
  std::vector<StudyIntervention> interventions;
  // Enrollment: the count (absent when not given; 0 is a real count, as in
  // a withdrawn study) and whether it is "ACTUAL" or "ESTIMATED".
  std::optional<std::uint64_t> enrollment;
  std::string enrollment_type;
  RegistryDate start;
  RegistryDate primary_completion;
  RegistryDate completion;
  RegistryDate first_posted;
  RegistryDate results_first_posted;
  RegistryDate last_update_posted;
  std::string lead_sponsor;
  std::vector<std::string> collaborators;
};

// Where a record came from: the run folder in sources/, the file within it,
// the 0-based position of the record in that file and the 1-based line where
// it starts (0 when unknown).
struct Provenance {
  std::string run;
  std::string file;
  std::uint64_t position = 0;
  std::uint64_t line = 0;
};

// A field of a tagged source file (RIS, MEDLINE, WoS, BibTeX, CSV) that litrev
// has no place for, kept as it was: the tag or column name and the value.
struct SourceField {
  std::string tag;
  std::string value;
};

// Which source tag or column a record field was read from: {"title", "T1"}.
// Lets a reviewer see why a value is what it is.
struct FieldSource {
  std::string field;
  std::string tag;
};

struct Record {
  std::string key;    // stable key, see record_key()
  std::string kind;   // "article", "book-chapter", "registration"
  std::string source; // format or service: "pubmed-xml", "ris", ...
  std::string status; // PubMed citation status (MEDLINE, In-Process, ...)
  RecordIds ids;
  std::string title;
  std::string vernacular_title;
  std::vector<AbstractSection> abstract;
  std::string copyright;
  std::vector<Author> authors;
  Journal journal;
  std::string book_title; // for book chapters: the book
  std::string publisher;
  std::string volume;
  std::string issue;
  std::string pages;
  PubDate pub_date;
  std::vector<std::string> languages; // ISO 639-2 codes as given (eng, nor)
  std::vector<PublicationType> publication_types;
  std::vector<MeshHeading> mesh;
  std::vector<Keyword> keywords;
  std::vector<RegistryId> registry_ids;
  std::vector<RecordLink> links;
  bool retracted = false;
  // The bibliographic database the record came from (Embase, Scopus, ...),
  // as named by the user or the file; empty when unknown.
  std::string database;
  // Registry fields of a registry entry; absent on other records.
  std::optional<Registration> registration;
  std::vector<SourceField> extra_fields;
  std::vector<FieldSource> field_sources;
  Provenance provenance;

  // The abstract as one text: sections joined by a space, each labelled
  // section prefixed with "LABEL: ". Empty when there is no abstract.
  std::string abstract_text() const;
  // The abstract's text only, sections joined by a space, without labels.
  std::string abstract_plain() const;
  // "Family Initials" of the first author, the collective name, or "".
  std::string first_author() const;
};

// Computes the stable key of DESIGN.md "Records": `pmid:<n>`, else
// `doi:<lower-cased doi>`, else `nct:<id>`, else `<source>:<id>` when the
// record has an id of another kind, else `hash:<16 hex>` of the normalised
// title, year and first author's family name. Never throws.
std::string record_key(const Record& record);

// The key of a record whose record_key() a different work holds already
// (two supplement abstracts under one DOI; two "Editorial"s by J Smith in
// 2010 in two journals): record_key() + "~" + 8 hex digits of a hash of the
// normalised title, year, journal, volume, issue, pages and first author.
// Which records get it is the import's decision (see apply_file in
// lib/src/review/runs.hpp). Never throws.
std::string record_key_apart(const Record& record);

// Identifiers in the one form every reader stores, so one report gets one key
// whatever format it came in.
//
// The DOI in `raw`, which should be a DOI field's value, in canonical form, or
// "" when it holds none. Accepted: a bare DOI ("10.1000/xyz"); a resolver URL
// or host ("https://doi.org/...", "http://dx.doi.org/...", "www.doi.org/..."
// -- the text after the first "doi.org/"); "info:doi/..."; "doi:", "DOI ",
// "doi/" or "[doi]" before it; %XX escapes anywhere. The result is cut at
// white space ("10.1000/xyz [doi]"), loses trailing ".,;:" and is
// lower-cased; it must have the form "10.<digits>[.<digits>...]/<suffix>".
// Free text with a DOI somewhere inside ("see 10.1000/xyz") gives "" (the
// tagged readers search such text with find_doi). Never throws except
// std::bad_alloc.
std::string normalize_doi(std::string_view raw);

// A Web of Science accession number (the UT field; "Unique-ID" in BibTeX,
// AN in RIS) in the one form litrev stores: "WOS:" and the number, for
// "WOS:000123456700001", "ISI:000123456700001" (older exports, any case) and
// the bare number. "" when `raw` is empty after trimming.
std::string normalize_wos_id(std::string_view raw);

// Finds NCT registry ids (NCT followed by 8 digits) in `text`, in order of
// first appearance, without repeats.
std::vector<std::string> find_nct_ids(const std::string& text);

// Adds to `record.registry_ids` every NCT id in its title and abstract not
// already listed, with origin "abstract".
void add_registry_ids_from_text(Record& record);

// JSON (de)serialisation. to_json writes every non-empty field; from_json
// accepts what to_json writes and throws nlohmann::json::exception on a wrong
// type.
void to_json(nlohmann::json& j, const Record& record);
void from_json(const nlohmann::json& j, Record& record);

} // namespace litrev
