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
#include <string>
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
struct RecordLink {
  std::string type;
  std::string ref_source;
  std::string pmid;
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
