// Unit tests for the canonical identifier forms (litrev/record.hpp): the one
// DOI normaliser every reader and dedup use (%-escapes included), and the Web
// of Science accession number.
#include <catch2/catch.hpp>

#include <string>

#include <litrev/dedup.hpp>
#include <litrev/record.hpp>

namespace {

struct Case {
  const char* in;
  const char* out;
};

} // namespace

TEST_CASE("normalize: DOI prefixes, escapes and trailing text") {
  const Case cases[] = {
      {"10.1000/ABC.123", "10.1000/abc.123"},
      {"  10.1000/abc  ", "10.1000/abc"},
      {"https://doi.org/10.1000/abc", "10.1000/abc"},
      {"HTTPS://DOI.ORG/10.1000/ABC", "10.1000/abc"},
      {"http://dx.doi.org/10.1000/abc", "10.1000/abc"},
      {"https://www.doi.org/10.1000/abc", "10.1000/abc"},
      {"dx.doi.org/10.1000/abc", "10.1000/abc"},
      {"info:doi/10.1000/abc", "10.1000/abc"},
      {"doi:10.1000/abc", "10.1000/abc"},
      {"DOI: 10.1000/abc", "10.1000/abc"},
      {"DOI 10.1000/abc", "10.1000/abc"},
      {"doi/10.1000/abc", "10.1000/abc"},
      {"[doi] 10.1000/abc", "10.1000/abc"},
      {"doi: https://doi.org/10.1000/abc", "10.1000/abc"},
      {"10.1000/abc [doi]", "10.1000/abc"},
      {"10.1000/abc\t(print)", "10.1000/abc"},
      {"10.1000/abc.", "10.1000/abc"},
      {"10.1000/abc;,:", "10.1000/abc"},
      {"https://doi.org/10.1002%2F%28SICI%291097-0258", "10.1002/(sici)1097-0258"},
      {"10.1000/a%2", "10.1000/a%2"},
      {"10.1000.10/xyz", "10.1000.10/xyz"},
      {"10.1/x", "10.1/x"},
      {"10.1037//0022-3514.83.3.606", "10.1037//0022-3514.83.3.606"},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(litrev::normalize_doi(c.in) == c.out);
  }
}

TEST_CASE("normalize: what is not a DOI") {
  const char* const cases[] = {
      "",
      "   ",
      "not a doi",
      "10.1000",
      "10.1000/",
      "10.1000/.",
      "10./abc",
      "10.abc/x",
      "11.1000/abc",
      "see 10.1000/abc",
      "pmid:12345",
      "https://example.org/10.1000/abc",
  };
  for (const char* in : cases) {
    INFO(in);
    CHECK(litrev::normalize_doi(in).empty());
  }
  // An escape that would decode to NUL stays undecoded.
  CHECK(litrev::normalize_doi("10.1000/%00x") == "10.1000/%00x");
}

TEST_CASE("normalize: the dedup key is the canonical DOI with one slash after the prefix") {
  const char* const same[] = {
      "10.1000/ABC", "https://doi.org/10.1000/abc", "doi: 10.1000/abc.", "10.1000/abc [doi]", "not a doi", "",
  };
  for (const char* in : same) {
    INFO(in);
    CHECK(litrev::dedup_doi_key(in) == litrev::normalize_doi(in));
  }
  CHECK(litrev::dedup_doi_key("10.1037//0022-3514.83.3.606") == "10.1037/0022-3514.83.3.606");
  CHECK(litrev::dedup_doi_key("10.1000//") == "10.1000//");
}

TEST_CASE("normalize: Web of Science accession numbers") {
  const Case cases[] = {
      {"WOS:000123456700001", "WOS:000123456700001"},
      {"ISI:000123456700001", "WOS:000123456700001"},
      {"isi:000123456700001", "WOS:000123456700001"},
      {"wos:000123456700001", "WOS:000123456700001"},
      {" WOS: 000123456700001 ", "WOS:000123456700001"},
      {"000123456700001", "WOS:000123456700001"},
      {"", ""},
      {"  ", ""},
      {"WOS:", ""},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(litrev::normalize_wos_id(c.in) == c.out);
  }
}
