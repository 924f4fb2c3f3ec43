// Fuzz driver for the BibTeX reader: the shared driver in byte_driver.hpp
// with BibTeX syntax out of place (braces, quotes, '@', '#', '=', crossref
// and xdata fields, LaTeX commands, invalid UTF-8) and deep nesting of
// braces. See byte_driver.hpp for what counts as a bug and how the g++ build
// runs.
//
//   fuzz_bibtex [--iterations N] [--seed S] DIR_OR_FILE...
#define LITREV_FUZZ_NAME "bibtex"

#include <litrev/formats.hpp>

namespace fuzz_config {

constexpr litrev::Format k_format = litrev::Format::bibtex;

const char* const k_scratch_file = "input.bib";

const char* const k_fragments[] = {
    "@", "{", "}", "(", ")", "\"", "#", ",", "=", "\\", "%", "\n", "\r\n", "\r", " ", "\t", "@article{",
    "@ARTICLE(", "@string{", "@comment{", "@preamble{", "@set{", "@xdata{", "@misc{k,", "crossref = {",
    "xdata = {", "author = {", "title = {", " and ", " AND ", "{\\\"o}", "\\'", "\\c{", "\\v", "$", "^", "_",
    "~", "--", "---", "\\url{", "\\href{", "\\begin{", "\\end{", "\\ElsevierGlyph{", "\\char\"", "&amp;",
    "&#", "<i>", "</i>", "month = jan", "date = {2020-01", "doi = {10.", "given=", "{{", "}}", "\xC3",
    "\xFF", "\xED\xA0\x80", "\xE2\x82", "\0", "%2", "eprinttype = {pubmed}, eprint = {", "\xEF\xBB\xBF",
    "\xFF\xFE"};

// Deep nesting: each opener picked anew.
const char* const k_run_pieces[] = {"\\'{", "{"};
constexpr bool k_run_of_one_piece = false;

// Besides the fixtures: a crossref cycle, a @string macro and xdata.
const char* const k_extra_seeds[] = {"@article{a, title={T}, crossref={b}}\n@book{b, title={B}, crossref={a}}\n",
                                     "@string{x = \"y\"}@misc{k, title = x # {z}}",
                                     "@xdata{x, a={b}}@book{k, xdata={x,x}}"};

} // namespace fuzz_config

#include "byte_driver.hpp"
