// Unit tests for PubMed query syntax (Index::search with QuerySyntax::pubmed):
// every field tag, truncation, phrases, proximity, left-to-right evaluation,
// dates, author initials, and the errors. The index holds the real PubMed
// records of corpora/pubmed-efetch plus five records made here where exact
// control is needed (authors sharing a family name, MeSH major flags,
// languages, dates with and without month or day). Expected sets were worked
// out by reading those records.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <litrev/error.hpp>
#include <litrev/formats.hpp>
#include <litrev/index.hpp>

#include "testutil.hpp"

using litrev::Index;
using litrev::Record;

namespace {

// Hand-made records, keyed pmid:90000N; the comments say what each is for.
std::vector<Record> hand_made() {
  auto author = [](const char* family, const char* initials) {
    litrev::Author a;
    a.family = family;
    a.initials = initials;
    return a;
  };
  auto record = [](const char* pmid, const char* title, const char* abstract) {
    Record r;
    r.ids.pmid = pmid;
    r.key = std::string("pmid:") + pmid;
    r.title = title;
    r.abstract.push_back({"", "", abstract});
    return r;
  };
  std::vector<Record> out;

  // H1: first author "Dakwar E"; ketamine major; a major qualifier only.
  Record h1 = record("900001", "Ketamine for alcohol use disorder: a randomized trial",
                     "Ketamine infusions reduced heavy drinking days in alcoholism.");
  h1.authors = {author("Dakwar", "E"), author("Levin", "FR"), author("Nunes", "EV")};
  h1.mesh.push_back({"D007649", "Ketamine", true, "", {{"Q000627", "therapeutic use", false}}});
  h1.mesh.push_back({"D000437", "Alcoholism", false, "", {{"Q000188", "drug therapy", true}}});
  h1.mesh.push_back({"D006801", "Humans", false, "", {}});
  h1.publication_types = {{"D016449", "Randomized Controlled Trial"}, {"D016428", "Journal Article"}};
  h1.languages = {"eng"};
  h1.pub_date = {2019, 6, 15, "", ""};
  h1.ids.doi = "10.1000/ket.2019.1";
  h1.journal.title = "The American journal of psychiatry";
  h1.journal.iso_abbrev = "Am J Psychiatry";
  out.push_back(h1);

  // H2: last author "Dakwar EA" (longer initials); German; June 2019, no day.
  Record h2 = record("900002", "Infusions in cocaine dependence",
                     "A pilot study of ketamine therapies. Alcohol intake was recorded.");
  h2.authors = {author("Grabski", "M"), author("Dakwar", "EA")};
  h2.mesh.push_back({"D007649", "Ketamine", false, "", {{"Q000008", "administration & dosage", false}}});
  h2.mesh.push_back({"D019970", "Cocaine-Related Disorders", true, "", {}});
  h2.publication_types = {{"D017426", "Clinical Trial"}};
  h2.languages = {"ger"};
  h2.pub_date = {2019, 6, 0, "", ""};
  h2.journal.title = "Addiction";
  out.push_back(h2);

  // H3: "Dakwarson E", who must not match dakwar; "ketamines" in the title
  // (PubMed does not stem); a vernacular title; French; 2019 only.
  Record h3 = record("900003", "Opioid withdrawal treated with ketamines",
                     "Buprenorphine tapering in opioid use disorder.");
  h3.vernacular_title = "Sevrage des opioides";
  h3.authors = {author("Dakwarson", "E"), author("Krupitsky", "EM")};
  h3.mesh.push_back({"D007649", "Ketamine", false, "", {}});
  h3.mesh.push_back({"D009293", "Opioid-Related Disorders", false, "", {{"Q000628", "therapy", false}}});
  h3.publication_types = {{"D016454", "Review"}};
  h3.languages = {"fre"};
  h3.pub_date = {2019, 0, 0, "", ""};
  out.push_back(h3);

  // H4: ketamine only as a keyword; a hyphenated title word; Spanish.
  Record h4 = record("900004", "Esketamine and alcohol-related harms", "Alcoholic patients received esketamine.");
  h4.authors = {author("Nunes", "EV")};
  h4.mesh.push_back({"D000428", "Alcohol Drinking", false, "", {{"Q000517", "prevention & control", true}}});
  h4.publication_types = {{"D016428", "Journal Article"}};
  h4.keywords = {{"alcohol use", "NOTNLM", false}, {"ketamine", "NOTNLM", false}};
  h4.languages = {"spa"};
  h4.pub_date = {2020, 12, 31, "", ""};
  h4.ids.doi = "10.1000/ket.2020.4";
  out.push_back(h4);

  // H5: a multi-word family name and a group author; January 2021, no day.
  Record h5 = record("900005", "Cocaine use disorder and ketamine: an open-label study",
                     "Alcohol use was not measured. Ketamine reduced cocaine use.");
  h5.authors = {author("van der Berg", "JM"), {}};
  h5.authors.back().collective = "Ketamine Study Group";
  h5.publication_types = {{"D017427", "Clinical Trial, Phase II"}};
  h5.languages = {"eng"};
  h5.pub_date = {2021, 1, 0, "", ""};
  h5.journal.title = "Journal of addiction medicine";
  h5.journal.iso_abbrev = "J Addict Med";
  h5.journal.medline_ta = "J Addict Med";
  out.push_back(h5);
  return out;
}

// An index of the PubMed corpus (15 records) and the hand-made ones.
struct Corpus {
  litrev::test::TempDir tmp;
  Index index{tmp / "index", Index::Mode::write};
  Corpus() {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(litrev::test::corpus("pubmed-efetch"))) {
      if (e.path().extension() == ".xml") {
        files.push_back(e.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
      auto reader = litrev::open_reader(f, litrev::Format::pubmed_xml);
      litrev::ReadItem item;
      while (reader->next(item)) {
        if (item.kind == litrev::ReadItem::Kind::record) {
          index.upsert(item.record);
        }
      }
    }
    for (const Record& r : hand_made()) {
      index.upsert(r);
    }
    index.commit();
  }
};

litrev::SearchOptions pubmed(bool expand = false) {
  litrev::SearchOptions o;
  o.limit = 1000;
  o.syntax = litrev::QuerySyntax::pubmed;
  o.expand = expand;
  return o;
}

using V = std::vector<std::string>;

V keys_of(const litrev::SearchResult& result) {
  V out;
  for (const auto& h : result.hits) {
    out.push_back(h.record.key);
  }
  std::sort(out.begin(), out.end());
  return out;
}

V sorted(V v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Record keys, short: the hand-made ones and the corpus PMIDs used below.
const std::string H1 = "pmid:900001", H2 = "pmid:900002", H3 = "pmid:900003", H4 = "pmid:900004",
                  H5 = "pmid:900005";
const std::string depression = "pmid:38011560";  // ketamine review, 2023/12/05
const std::string asthma = "pmid:29768149";      // RCT, 2018/05/17, drug therapy
const std::string lung_cancer = "pmid:23435529"; // RCT, TAX 325 Study Group
const std::string burns = "pmid:36987902";       // Norwegian, Burns/therapy
const std::string aids = "pmid:12091962";        // review, 1990 (Spring)
const std::string telomere = "pmid:27797938";    // 2017/06
const std::string positivism = "pmid:31789841";  // 2020/05
const std::string cryo = "pmid:11748933";        // 2001/06, Canese S
const std::string mri = "pmid:11700088";         // 2001/11, Canese R
const std::string pesticide = "pmid:28775130";   // 2018/02, keywords
const std::string lactate = "pmid:30108519";     // 2018
const std::string lung_imaging = "pmid:29963580"; // 2018/04
const std::string book = "pmid:20301577";        // GeneReviews chapter, review
const std::string heme = "pmid:9997";            // 1976

} // namespace

TEST_CASE("pubmed syntax: every tag and operator against real and made records", "[pubmed]") {
  Corpus c;
  REQUIRE(c.index.size() == 20);
  const struct {
    const char* query;
    V expected;
  } cases[] = {
      // Text fields; words as written (no stemming), truncation.
      {"ketamine[tiab]", {depression, H1, H2, H5}},
      {"ketamine*[tiab]", {depression, H1, H2, H3, H5}}, // + "ketamines"
      {"ketamine[ti]", {depression, H1, H5}},
      {"KETAMINE[TI]", {depression, H1, H5}},
      {"ketamine [ti]", {depression, H1, H5}}, // a space before the tag
      {"ketamine[Title]", {depression, H1, H5}},
      {"cocaine[ab]", {H5}},
      {"cocaine[ti]", {H2, H5}},
      {"sevrage[ti]", {H3}}, // vernacular title
      {"ketamine[tw]", {depression, H1, H2, H3, H4, H5}}, // + MeSH (H3), keyword (H4)
      {"ketamine[tw] NOT ketamine[tiab]", {H3, H4}},
      {"dakwar[tw]", {}},      // authors are not text words
      {"dakwar", {H1, H2}},    // untagged: all fields, authors too
      {"dakwar[all]", {H1, H2}},
      {"esketamine", {H4}},
      {"pesticides[ot]", {pesticide}},
      // Phrases, hyphens, truncation inside phrases, proximity.
      {"\"alcohol use\"[tiab]", {H1, H5}},
      {"\xE2\x80\x9C" "alcohol use" "\xE2\x80\x9D[tiab]", {H1, H5}}, // curly quotes
      {"\"alcohol use\"[tw]", {H1, H4, H5}},
      {"\"alcohol use disorder\"[Title/Abstract]", {H1}},
      {"alcohol-related[tiab]", {H4}},
      {"\"open label\"[tiab]", {H5}},
      {"\"cocaine use*\"[tiab]", {H5}},
      {"\"cocaine dep*\"[ti]", {H2}},
      {"\"ketamine cocaine\"[tiab]", {}},
      {"\"ketamine cocaine\"[tiab:~3]", {H5}},
      {"\"study group\"", {lung_cancer, H5}}, // title, and H5's group author
      {"\"study group\"[tiab]", {lung_cancer}},
      {"\"J Addict Med\"[ta]", {H5}},
      {"psychiatry[ta]", {H1}},
      // Authors: "family initials", initials matched as a prefix.
      {"dakwar e[au]", {H1, H2}}, // not Dakwarson E
      {"\"dakwar ea\"[au]", {H2}},
      {"dakwar[au]", {H1, H2}},
      {"DAKWAR E[AU]", {H1, H2}},
      {"\"Dakwar, Elias\"[au]", {H1, H2}},
      {"dakwar[1au]", {H1}},
      {"dakwar[lastau]", {H2}},
      {"levin f[au]", {H1}},
      {"levin fa[au]", {}},
      {"nunes ev[lastau]", {H1, H4}},
      {"nunes ev[1au]", {H4}},
      {"canese[au]", {cryo, mri}},
      {"canese s[Author]", {cryo}},
      {"\"van der berg\"[au]", {H5}},
      {"van der berg j[au]", {H5}},
      {"TAX 325 Study Group[au]", {lung_cancer}},
      {"ketamine study group[lastau]", {H5}},
      // MeSH: exact headings, no explosion; major topics; subheadings.
      {"ketamine[mh]", {depression, H1, H2, H3}},
      {"\"Ketamine\"[MeSH Terms]", {depression, H1, H2, H3}},
      {"ketamine[mh:noexp]", {depression, H1, H2, H3}},
      {"\"Ketamine/therapeutic use\"[mh]", {depression, H1}},
      {"ketamine[majr]", {depression, H1}},
      {"alcoholism[majr]", {H1}}, // major through its qualifier
      {"\"alcoholism/drug therapy\"[majr]", {H1}},
      {"alcohol drinking[majr]", {H4}},
      {"cocaine-related disorders[mh]", {H2}},
      {"\"Microscopy, Electron\"[mh]", {cryo}}, // not "Microscopy, Electron, Scanning" alone
      {"microscopy*[mh]", {cryo}},
      {"humans[mh] NOT ketamine[mh]", {aids, telomere, positivism, burns, asthma, lung_cancer}},
      {"drug therapy[sh]", {asthma, lung_cancer, depression, H1}},
      {"therapy[sh]", {burns, H3}}, // not "drug therapy": no explosion
      {"administration & dosage[sh]", {asthma, H2}},
      // Publication types and languages.
      {"review[pt]", {aids, depression, book, H3}},
      {"randomized controlled trial[pt]", {lung_cancer, asthma, H1}},
      {"\"clinical trial\"[pt]", {H2}},
      {"clinical trial*[pt]", {asthma, H2, H5}},
      {"german[la]", {H2}},
      {"FRE[la]", {H3}},
      {"spanish[Language]", {H4}},
      {"norwegian[la]", {burns}},
      {"english[la] AND 2019[dp]", {H1}},
      // Dates: a month or day the record does not give counts as the 1st.
      {"2019[dp]", {H1, H2, H3}},
      {"1990[pdat]", {aids}},
      {"2018:2019[dp]", {pesticide, lactate, lung_imaging, asthma, H1, H2, H3}},
      {"2019/06[dp]", {H1, H2}},
      {"2019/06/01:2020/12/31[dp]", {H1, H2, H4, positivism}},
      {"2019/06/16:2020/12/30[dp]", {positivism}},
      {"2019/01/01:2019/12/31[dp]", {H1, H2, H3}},
      {"2021/01[dp]", {H5}},
      {"2023/12/05[dp]", {depression}},
      {"2017/06/15[dp]", {}}, // 2017/06 counts as 2017/06/01
      {"\"2001/06/01\"[Date - Publication] : \"2001/12/31\"[Date - Publication]", {cryo, mri}},
      // Identifiers.
      {"29768149[pmid]", {asthma}},
      {"29768149[uid] OR 9997[pmid]", {asthma, heme}},
      {"10.1056/NEJMoa1715274[doi]", {asthma}},
      {"\"https://doi.org/10.1136/gutjnl-2016-312510\"[doi]", {telomere}},
      // Operators: left to right, brackets, NOT, juxtaposition.
      {"cocaine[tiab] OR opioid[tiab] AND buprenorphine[tiab]", {H3}}, // (a OR b) AND c
      {"cocaine[tiab] OR (opioid[tiab] AND buprenorphine[tiab])", {H2, H3, H5}},
      {"opioid[tiab] OR cocaine infusions", {H2, H3}}, // a term's words bind first
      {"ketamine[tiab] NOT cocaine[tiab]", {depression, H1}},
      {"ketamine[ti] cocaine[ti]", {H5}},
      {"(cocaine[tiab] OR opioid[tiab]) ketamine*[ti]", {H3, H5}},
      {"ketamine[Title/Abstract] AND cocaine[Title]", {H2, H5}},
      {"ketamine[tiab] AND alcohol[tiab]", {H1, H2, H5}},
      {"ketamine[tiab] and alcohol[tiab]", {H5}}, // lower-case "and" is a word
  };
  for (const auto& row : cases) {
    INFO("query: " << row.query);
    CHECK(keys_of(c.index.search(row.query, pubmed())) == sorted(row.expected));
  }
}

TEST_CASE("pubmed syntax: errors name the problem and its column", "[pubmed]") {
  Corpus c;
  const struct {
    const char* query;
    std::vector<const char*> message; // every one must appear
  } cases[] = {
      {"ketamine[xyz]", {"unsupported field tag [xyz]", "column 9", "[tiab]"}},
      {"(ketamine OR cocaine", {"unbalanced bracket", "column 1"}},
      {"ketamine OR cocaine)", {"unbalanced bracket", "column 20"}},
      {"\"alcohol use", {"quote", "column 1"}},
      {"ketamine AND", {"AND", "nothing after it", "column 10"}},
      {"OR ketamine", {"OR", "nothing before it", "column 1"}},
      {"ketamine AND OR cocaine", {"OR", "column 14"}},
      {"#4 AND ketamine", {"#4", "strategy", "column 1"}},
      {"", {"empty query"}},
      {"   ", {"empty query"}},
      {"()", {"empty brackets", "column 1"}},
      {"2020:2010[dp]", {"bad date range", "2020:2010"}},
      {"2019/13[dp]", {"bad date", "2019/13"}},
      {"last 5 years[dp]", {"bad date"}},
      {"klingon[la]", {"unknown language", "klingon"}},
      {"alc*hol[tiab]", {"'*'", "alc*hol"}},
      {"ketamine[tiab][ti]", {"[ti]", "column 15"}},
      {"[tiab]", {"[tiab]", "follows no search term", "column 1"}},
      {"(ketamine)[tiab]", {"bracketed group", "column 11"}},
      {"ketamine[ti:~3]", {"quoted phrase", "column 9"}},
      {"\"a b\"[mh:~3]", {"proximity", "[mh:~3]"}},
      {"abc[pmid]", {"PMID", "abc"}},
      {"ketamine[tiab", {"not closed", "column 9"}},
      {"ketamine]", {"']'", "column 9"}},
      {"eng*[la]", {"truncation", "[la]"}},
  };
  for (const auto& row : cases) {
    INFO("query: " << row.query);
    try {
      c.index.search(row.query, pubmed());
      FAIL("no error for: " << row.query);
    } catch (const litrev::UsageError& e) {
      const std::string what = e.what();
      for (const char* part : row.message) {
        INFO("message: " << what);
        CHECK(what.find(part) != std::string::npos);
      }
    }
  }
}

TEST_CASE("pubmed syntax: thesaurus expansion of words and phrases", "[pubmed]") {
  Corpus c;
  c.index.set_thesaurus("cocaine dependence, cocaine use disorder\n", "thesaurus.txt");
  c.index.commit();
  // A quoted phrase, and an untagged run of words whose longest stretch
  // naming a concept is taken as that concept.
  CHECK(keys_of(c.index.search("\"cocaine use disorder\"[ti]", pubmed())) == V{H5});
  CHECK(keys_of(c.index.search("\"cocaine use disorder\"[ti]", pubmed(true))) == sorted({H2, H5}));
  CHECK(keys_of(c.index.search("cocaine use disorder", pubmed())) == V{H5});
  CHECK(keys_of(c.index.search("cocaine use disorder", pubmed(true))) == sorted({H2, H5}));
  // Tags that are not text (here [mh]) are never expanded.
  CHECK(keys_of(c.index.search("cocaine-related disorders[mh]", pubmed(true))) == V{H2});
}

TEST_CASE("pubmed syntax: relevance ranks text matches and counts are exact", "[pubmed]") {
  Corpus c;
  litrev::SearchOptions o = pubmed();
  o.limit = 2;
  const litrev::SearchResult r = c.index.search("ketamine[tiab] OR ketamine[mh]", o);
  CHECK(r.total == 5); // depression, H1, H2, H3, H5
  REQUIRE(r.hits.size() == 2);
  CHECK(r.hits[0].score >= r.hits[1].score);
  CHECK(r.hits[0].score > 0);
}
