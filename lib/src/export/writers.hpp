// Private: the writers behind export.hpp, and what they share.
//
// Every writer follows one rule: write a value in its plainest spelling, and
// only when litrev's reader of that format would read that spelling back as
// something else (an "&amp;" it would decode, a "<i>" it would strip, a
// "--" BibTeX turns into a dash), fall back to an escaped spelling that
// reads back exactly. Each writer checks this with the reader's own decoding
// functions (lib/src/formats), so a writer and its reader cannot drift
// apart unnoticed. A value no spelling can carry is written plainly: it
// then reads back as the reader normalises it.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <litrev/export.hpp>
#include <litrev/record.hpp>

namespace litrev::export_detail {

std::unique_ptr<RecordWriter> make_ris_writer(std::ostream& out);
std::unique_ptr<RecordWriter> make_bibtex_writer(std::ostream& out);
std::unique_ptr<RecordWriter> make_csv_writer(std::ostream& out);
std::unique_ptr<RecordWriter> make_json_writer(std::ostream& out);

// Writes `text` and throws IoError when the stream has failed.
void put(std::ostream& out, std::string_view text);
// Flushes and throws IoError when the stream has failed.
void flush(std::ostream& out);

// `s` with line ends and tabs turned into spaces: every format here keeps a
// value on one line (records hold folded text, so this changes nothing in
// practice; it keeps a stray line end from breaking the file's structure).
std::string one_line(std::string_view s);

// `s` with '&' and '<' written as HTML entities, for readers that decode
// entities and strip markup after reading a value.
std::string html_escape(std::string_view s);

// True when `id` can be written as one item of an identifier list
// ("id [type]"): no white space, no ';', no brackets.
bool listable_id(std::string_view id);

// The identifiers no format has its own field for, as "id [type]" items in
// the record's order: the NCT id the record is, the PII, then every other
// id (RecordIds::other). Ids that are not listable are left out.
std::vector<std::string> listed_ids(const Record& r);

// True when the two authors have the same name parts (family, given,
// initials, suffix, collective).
bool same_name(const Author& a, const Author& b);

// How much of `want` `got` keeps: family and group names weigh most, then
// given names and initials, then the suffix. For choosing, among spellings
// of a name none of which reads back exactly, the one that loses least.
int name_score(const Author& want, const Author& got);

// Initials as they are written out: "JA" -> "J. A." (one character, of
// any script, per initial).
std::string dotted_initials(std::string_view initials);

// The publication date as an ISO 8601 date ("2019", "2019-03",
// "2019-03-28"); empty when the year is not known.
std::string iso_date(const PubDate& d);

} // namespace litrev::export_detail
