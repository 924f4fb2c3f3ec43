// Fuzz driver for the EndNote XML reader: the shared driver in
// byte_driver.hpp with XML and EndNote elements out of place, character
// references, DOCTYPEs and invalid UTF-8, and deep nesting of elements. See
// byte_driver.hpp for what counts as a bug and how the g++ build runs.
//
//   fuzz_endnote_xml [--iterations N] [--seed S] DIR_OR_FILE...
#define LITREV_FUZZ_NAME "endnote_xml"

#include <litrev/formats.hpp>

namespace fuzz_config {

constexpr litrev::Format k_format = litrev::Format::endnote_xml;

const char* const k_scratch_file = "input.xml";

const char* const k_fragments[] = {
    "<", ">", "&", "&#", "&#0;", "&#xD;", "&#x110000;", "&#xD800;", "&lt;", "&xxe;", "<!--", "-->", "<?",
    "?>", "<![CDATA[", "]]>", "\"", "'", "/>", "</", "<record>", "</record>", "<record/>", "<records>",
    "</records>", "<xml>", "</xml>", "<style face=\"normal\">", "</style>", "<titles><title>",
    "</title></titles>", "<contributors><authors><author>", "</author></authors></contributors>",
    "<ref-type name=\"Book Section\">5</ref-type>", "<accession-num>123</accession-num>",
    "<remote-database-name>PubMed</remote-database-name>", "<isbn>1234-5678 (Print)&#xD;x</isbn>",
    "<electronic-resource-num>10.1/x</electronic-resource-num>", "<dates><year>2020</year><pub-dates><date>Jan 1",
    "<custom2>PMC123</custom2>", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "\xC3", "\xFF",
    "\xED\xA0\x80", "\xE2\x82", "\0", "\r\n", "\n", "\xEF\xBB\xBF", "\xFF\xFE"};

// Deep nesting: each opening tag picked anew.
const char* const k_run_pieces[] = {"<x>", "<style>"};
constexpr bool k_run_of_one_piece = false;

// A minimal file, and one in ISO-8859-1.
const char* const k_extra_seeds[] = {
    "<xml><records><record><titles><title>T</title></titles></record></records></xml>",
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><xml><records><record><titles><title>\xE9"
    "</title></titles></record></records></xml>"};

} // namespace fuzz_config

#include "byte_driver.hpp"
