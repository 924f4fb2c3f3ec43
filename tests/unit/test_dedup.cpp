// Unit tests of the deduplicator (lib/src/dedup): normalisation (DOI, title,
// authors, pages), each blocking key, each veto, the duplicate rules, the
// maybe band, the chaining check, determinism, explanations, and the
// evaluation CSV reader.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <litrev/dedup.hpp>
#include <litrev/error.hpp>
#include <litrev/record.hpp>

#include "testutil.hpp"

using litrev::DedupResult;
using litrev::PairExplanation;
using litrev::PairVerdict;
using litrev::Record;

namespace {

// A record built field by field: R().title("...").authors({"Smith J"})...
struct R {
  Record r;
  R() { r.kind = "article"; }
  explicit R(const Record& from) : r(from) {}
  R& title(const std::string& t) {
    r.title = t;
    return *this;
  }
  // "Family Initials" per author; a name without a space is a family name.
  R& authors(const std::vector<std::string>& names) {
    for (const std::string& n : names) {
      litrev::Author a;
      const auto sp = n.rfind(' ');
      if (sp == std::string::npos) {
        a.family = n;
      } else {
        a.family = n.substr(0, sp);
        a.initials = n.substr(sp + 1);
      }
      r.authors.push_back(a);
    }
    return *this;
  }
  R& author(const litrev::Author& a) {
    r.authors.push_back(a);
    return *this;
  }
  R& year(int y) {
    r.pub_date.year = y;
    return *this;
  }
  R& journal(const std::string& j) {
    r.journal.title = j;
    return *this;
  }
  R& volume(const std::string& v) {
    r.volume = v;
    return *this;
  }
  R& issue(const std::string& i) {
    r.issue = i;
    return *this;
  }
  R& pages(const std::string& p) {
    r.pages = p;
    return *this;
  }
  R& doi(const std::string& d) {
    r.ids.doi = d;
    return *this;
  }
  R& pmid(const std::string& p) {
    r.ids.pmid = p;
    return *this;
  }
  R& abstract(const std::string& a) {
    r.abstract.push_back(litrev::AbstractSection{"", "", a});
    return *this;
  }
  R& pubtype(const std::string& t) {
    r.publication_types.push_back(litrev::PublicationType{"", t});
    return *this;
  }
  operator Record() const { return r; }
};

// A typical journal article; tests vary one field at a time.
R article() {
  return R()
      .title("Complement dysfunction in hemolytic uremic syndrome after kidney transplantation")
      .authors({"Zipfel PF", "Skerka C", "Licht C"})
      .year(2006)
      .journal("Current Opinion in Rheumatology")
      .volume("18")
      .issue("5")
      .pages("548-555");
}

DedupResult run(const std::vector<Record>& records) { return litrev::deduplicate(records); }

bool together(const DedupResult& r, std::size_t a, std::size_t b) { return r.cluster_of[a] == r.cluster_of[b]; }

// The explanation of pair (a, b) among links, maybe and vetoed pairs.
const PairExplanation* find_pair(const DedupResult& r, std::size_t a, std::size_t b) {
  for (const auto& c : r.clusters) {
    for (const auto& l : c.links) {
      if (l.a == a && l.b == b) {
        return &l;
      }
    }
  }
  for (const auto* list : {&r.maybe, &r.vetoed}) {
    for (const auto& e : *list) {
      if (e.a == a && e.b == b) {
        return &e;
      }
    }
  }
  return nullptr;
}

std::string rule_of(const DedupResult& r, std::size_t a, std::size_t b) {
  const PairExplanation* e = find_pair(r, a, b);
  return e ? e->rule : std::string("(none)");
}

std::string key_of(const DedupResult& r, std::size_t a, std::size_t b) {
  const PairExplanation* e = find_pair(r, a, b);
  return e ? e->blocking_key : std::string("(none)");
}

} // namespace

TEST_CASE("dedup: DOI normalisation") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"10.1000/ABC.123", "10.1000/abc.123"},
      {"https://doi.org/10.1000/abc.123", "10.1000/abc.123"},
      {"http://dx.doi.org/10.1000/abc.123", "10.1000/abc.123"},
      {"doi:10.1000/abc.123", "10.1000/abc.123"},
      {"DOI: 10.1000/ABC.123.", "10.1000/abc.123"},
      {"10.1000/abc.123;", "10.1000/abc.123"},
      {" 10.1000/abc.123 [doi]", "10.1000/abc.123"},
      {"https://doi.org/10.1002%2F%28SICI%291097-0258", "10.1002/(sici)1097-0258"},
      {"not a doi", ""},
      {"", ""},
      {"10.1000", ""},
      {"see 10.1000/abc", ""},
      {"10.1037//0022-3514.83.3.606", "10.1037/0022-3514.83.3.606"},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(litrev::dedup_doi_key(c.in) == c.out);
  }
}

TEST_CASE("dedup: title normalisation") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"<i>In vivo</i> effects &amp; outcomes", "in vivo effects and outcomes"},
      {"Ketamine–Assisted Thérapie!", "ketamine assisted therapie"},
      {"KETAMINE-ASSISTED THERAPY.", "ketamine assisted therapy"},
      {"Haemolytic uraemic syndrome in paediatric patients", "hemolytic uremic syndrome in pediatric patients"},
      {"Randomised trial of behaviour", "randomized trial of behavior"},
      {"[Clinical aspects of the complement system]. [Japanese]", "clinical aspects of the complement system"},
      {"Clinical aspects of the complement system. [Review] [16 refs]", "clinical aspects of the complement system"},
      {"Eculizumab for aHUS.[Erratum appears in N Engl J Med. 2009;360:2487]", "eculizumab for ahus"},
      {"Erratum: Severe deficiency of ADAMTS13", "severe deficiency of adamts13"},
      {"RETRACTED: Effects of X on Y", "effects of x on y"},
      {"TNF-α and IL-1β", "tnf alpha and il 1 beta"},
      {"Eculizumab for aHUS (vol 360, pg 542, 2009)", "eculizumab for ahus"},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(litrev::dedup_title_key(c.in) == c.out);
  }
}

TEST_CASE("dedup: page range expansion") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"123-9", "123-129"},         {"1844-59", "1844-1859"}, {"548-555", "548-555"},
      {"945", "945"},               {"945-945", "945"},       {"C219-C235", "c219-c235"},
      {"S12-4", "s12-s14"},         {"532, 534-536, 538-540", "532-540"},
      {"499\xE2\x80\x93" "711", "499-711"}, {"1--10", "1-10"}, {"pp. 12-19", "12-19"},
      {"e0123456", "e123456"},      {"", ""},                 {"n/a", ""},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(litrev::expand_page_range(c.in) == c.out);
  }
}

TEST_CASE("dedup: author keys and author forms") {
  litrev::Author a;
  a.family = "Nürnberger";
  a.given = "Jens";
  CHECK(litrev::dedup_author_key(a) == "nurnberger j");
  litrev::Author b;
  b.family = "Nuernberger";
  b.initials = "J";
  CHECK(litrev::dedup_author_key(b) == "nurnberger j");
  litrev::Author g;
  g.collective = "World Health Organization";
  CHECK(litrev::dedup_author_key(g) == "world health organization");

  // Full names vs initials, accents vs transliteration, mangled compound
  // names, "et al." cut lists: all the same authors.
  litrev::Author full;
  full.family = "Zipfel";
  full.given = "Peter F.";
  Record x = article();
  Record y = article();
  y.authors = {full};
  litrev::Author s;
  s.family = "Skerka";
  s.initials = "C";
  y.authors.push_back(s);
  Record z = article();
  z.authors.clear();
  z.authors.push_back(R().authors({"Zipfel P"}).r.authors[0]);
  litrev::Author etal;
  etal.family = "et al.";
  z.authors.push_back(etal);
  const DedupResult r = run({x, y, z});
  CHECK(together(r, 0, 1));
  CHECK(together(r, 0, 2));

  Record m1 = R(article()).authors({}).r;
  m1.authors.clear();
  litrev::Author lq;
  lq.family = "Le";
  lq.given = "Quintrec M.";
  m1.authors.push_back(lq);
  Record m2 = article();
  m2.authors.clear();
  litrev::Author lq2;
  lq2.family = "Le Quintrec";
  lq2.initials = "M";
  m2.authors.push_back(lq2);
  CHECK(together(run({m1, m2}), 0, 1));

  // A particle read as a given name: "P. Van Der Pol" parsed as Mr Pol.
  Record vdp1 = article();
  vdp1.authors = R().authors({"Van Der Pol P"}).r.authors;
  Record vdp2 = R(article()).year(2007);
  litrev::Author pol;
  pol.family = "Pol";
  pol.given = "P. Van Der";
  vdp2.authors = {pol};
  CHECK(together(run({vdp1, vdp2}), 0, 1));

  // Different people are not the same authors.
  Record other = article();
  other.authors.clear();
  other.authors.push_back(R().authors({"Brown K"}).r.authors[0]);
  Record no_pages = article();
  no_pages.pages.clear();
  other.pages.clear();
  CHECK_FALSE(together(run({no_pages, other}), 0, 1));
}

TEST_CASE("dedup: variants of one report are merged") {
  std::vector<Record> v;
  v.push_back(article());
  v.push_back(R(article()).title("COMPLEMENT DYSFUNCTION IN HEMOLYTIC-UREMIC SYNDROME AFTER KIDNEY TRANSPLANTATION."));
  v.push_back(R(article()).title("Complement dysfunction in haemolytic uraemic syndrome after kidney transplantation"));
  v.push_back(R(article()).pages("548-55"));
  v.push_back(R(article()).journal("Curr Opin Rheumatol"));
  v.push_back(R(article()).issue("").pages(""));
  v.push_back(R(article()).title("Complement dysfunction in hemolytic uremic syndrome after kidney transplantation: "
                                 "a review of recent findings"));
  v.push_back(R(article()).title("[Complement dysfunction in hemolytic uremic syndrome after kidney "
                                 "transplantation]. [German]"));
  v.push_back(R(article()).year(2007)); // print year after the online year
  // Cut inside a word whose spelling is folded later ("ha|emolytic").
  v.push_back(R(article()).title("COMPLEMENT DYSFUNCTION IN HA"));
  const DedupResult r = run(v);
  for (std::size_t i = 1; i < v.size(); ++i) {
    INFO(i);
    CHECK(together(r, 0, i));
  }
  CHECK(r.stats.duplicate_clusters == 1);
  CHECK(r.stats.clusters == 1);
}

TEST_CASE("dedup: each blocking key finds its pairs") {
  SECTION("doi") {
    const DedupResult r = run({R(article()).doi("10.1000/x1"), R(article()).doi("https://doi.org/10.1000/X1")});
    CHECK(together(r, 0, 1));
    CHECK(key_of(r, 0, 1) == "doi");
    CHECK(rule_of(r, 0, 1) == "same-doi");
  }
  SECTION("pmid") {
    const DedupResult r = run({R(article()).pmid("123456"), R(article()).pmid("123456")});
    CHECK(key_of(r, 0, 1) == "pmid");
    CHECK(rule_of(r, 0, 1) == "same-pmid");
  }
  SECTION("title prefix") {
    const DedupResult r = run({article(), R(article()).volume("").pages("")});
    CHECK(key_of(r, 0, 1) == "title-prefix");
    CHECK(rule_of(r, 0, 1) == "title+authors+journal");
  }
  SECTION("journal + volume + page") {
    // A translated title shares neither end of the other.
    const DedupResult r = run({article(), R(article()).title("[Komplementdysfunktion beim haemolytisch-uraemischen "
                                                             "Syndrom nach Nierentransplantation]. [German]")});
    CHECK(together(r, 0, 1));
    CHECK(key_of(r, 0, 1) == "journal+volume+page");
    CHECK(rule_of(r, 0, 1) == "translated-title");
  }
  SECTION("volume + page") {
    const DedupResult r =
        run({R(article()).title("Medical progress: complement dysfunction in hemolytic uremic syndrome"),
             R(article()).title("Complement dysfunction in hemolytic uremic syndrome").journal("Nephron")});
    CHECK(together(r, 0, 1));
    CHECK(key_of(r, 0, 1) == "volume+page");
  }
  SECTION("author + year + page") {
    const DedupResult r = run(
        {R(article()).title("Long-term outcome: severe combined immunodeficiency in children treated with gene "
                            "therapy and their follow up")
             .volume(""),
         R(article()).title("Severe combined immunodeficiency in children treated with gene therapy")});
    CHECK(together(r, 0, 1));
    CHECK(key_of(r, 0, 1) == "author+year+page");
    CHECK(rule_of(r, 0, 1) == "contained-title");
  }
  SECTION("title suffix") {
    const DedupResult r =
        run({R(article()).title("MEDICAL PROGRESS: Atypical hemolytic uremic syndrome in adults and children")
                 .volume("")
                 .pages(""),
             R(article()).title("Atypical hemolytic uremic syndrome in adults and children").volume("").pages("")});
    CHECK(together(r, 0, 1));
    CHECK(key_of(r, 0, 1) == "title-suffix");
  }
  SECTION("author + year") {
    const DedupResult r = run(
        {R(article()).title("Eculizumab for atypical hemolytic uremic syndrome in a child: case report").pages(""),
         R(article()).title("Case report: eculizumab for atypical haemolytic uraemic syndrome in a child").pages("")});
    CHECK(key_of(r, 0, 1) == "author+year");
  }
}

TEST_CASE("dedup: vetoes keep distinct works apart") {
  struct Case {
    const char* name;
    Record other;
    const char* veto;
  };
  const Case cases[] = {
      {"first page", R(article()).pages("556-563"), "veto:first-page"},
      {"volume", R(article()).volume("19"), "veto:volume"},
      {"year gap", R(article()).year(2009).volume("").pages(""), "veto:year"},
      {"issue without a page", R(article()).issue("7").pages(""), "veto:issue"},
      {"erratum", R(article()).title("Erratum: Complement dysfunction in hemolytic uremic syndrome after kidney "
                                     "transplantation")
                      .pages("1012"),
       "veto:notice"},
      {"erratum, WoS style", R(article()).title("Complement dysfunction in hemolytic uremic syndrome after kidney "
                                                "transplantation (vol 18, pg 548, 2006)")
                                 .issue("")
                                 .pages(""),
       "veto:notice"},
      {"reply", R(article()).title("Complement dysfunction in hemolytic uremic syndrome after kidney "
                                   "transplantation - Reply"),
       "veto:notice"},
      {"comment", R(article()).title("Comment on: Complement dysfunction in hemolytic uremic syndrome after kidney "
                                     "transplantation")
                      .issue("")
                      .pages(""),
       "veto:notice"},
      {"retraction notice", R(article()).title("Retraction: Complement dysfunction in hemolytic uremic syndrome "
                                               "after kidney transplantation")
                                .issue("")
                                .pages(""),
       "veto:notice"},
      {"published erratum type", R(article()).pubtype("Published Erratum").issue("").pages(""), "veto:notice"},
      {"conference abstract", R(article()).journal("Current Opinion in Rheumatology. Conference: 12th Congress")
                                  .issue("")
                                  .pages(""),
       "veto:abstract-vs-article"},
      {"title number", R(article()).title("Complement dysfunction in hemolytic uremic syndrome after kidney "
                                          "transplantation: part 2")
                           .issue("")
                           .pages(""),
       "(none)"},
      {"doi", R(article()).doi("10.1000/other").volume("").pages(""), "veto:doi"},
      {"pmid", R(article()).pmid("2").volume("").pages(""), "veto:pmid"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Record base = article();
    if (std::string(c.name) == "title number") {
      base = R(article()).title("Complement dysfunction in hemolytic uremic syndrome after kidney transplantation: "
                                "part 1")
                 .issue("")
                 .pages("");
    }
    if (std::string(c.name) == "doi") {
      base = R(article()).doi("10.1000/one");
    }
    if (std::string(c.name) == "pmid") {
      base = R(article()).pmid("1");
    }
    const DedupResult r = run({base, c.other});
    CHECK_FALSE(together(r, 0, 1));
    if (std::string(c.name) == "title number") {
      CHECK(rule_of(r, 0, 1) == "veto:title-number");
    } else {
      CHECK(rule_of(r, 0, 1) == c.veto);
    }
    CHECK(r.stats.vetoed_pairs == 1);
  }
  // Versions of a Cochrane review share the article number.
  const Record v1 = R().title("Interventions for haemolytic uraemic syndrome and thrombotic thrombocytopenic purpura")
                        .authors({"Michael M", "Elliott EJ", "Craig JC"}).year(2009)
                        .journal("Cochrane Database of Systematic Reviews").volume("2009").issue("1").pages("CD003595");
  const Record v2 = R(v1).year(2010).volume("2010").issue("4");
  CHECK(rule_of(run({v1, v2}), 0, 1) == "veto:issue");
  // An article number against a page count starting at 1 is no veto.
  CHECK(together(run({R(article()).pages("1-12"), R(article()).pages("e0123456")}), 0, 1));
  CHECK(together(run({R(article()).pages("1-12"), R(article()).pages("123")}), 0, 1));
  // A year apart is allowed (online and print years).
  CHECK(together(run({article(), R(article()).year(2007)}), 0, 1));
  // Two records of one erratum are merged with each other, and the one whose
  // title lacks "Erratum:" but has the erratum's citation too.
  const Record e1 = R(article()).title("Erratum: Complement dysfunction in hemolytic uremic syndrome after kidney "
                                       "transplantation")
                        .pages("1012");
  const Record e2 = R(article()).title("Complement dysfunction in hemolytic uremic syndrome after kidney "
                                       "transplantation")
                        .pages("1012");
  const DedupResult r = run({article(), e1, e2});
  CHECK(together(r, 1, 2));
  CHECK_FALSE(together(r, 0, 1));
}

TEST_CASE("dedup: a conference abstract and the article are not duplicates") {
  const Record abstract = R(article()).journal("Current Opinion in Rheumatology").issue("Suppl 1").pages("S12");
  // "Conf." and "Congr." abbreviate the signal; no pages to compare.
  const Record conf = R(article()).journal("Curr Opin Rheumatol Conf 12th Congr").issue("").pages("");
  CHECK(rule_of(run({article(), conf}), 0, 1) == "veto:abstract-vs-article");
  const Record abstract2 = R(article()).journal("Curr Opin Rheumatol").issue("Suppl. 1").pages("S12");
  const DedupResult r = run({article(), abstract, abstract2});
  CHECK_FALSE(together(r, 0, 1));
  CHECK(together(r, 1, 2)); // the same abstract from two databases
}

TEST_CASE("dedup: supplement abstracts sharing a DOI stay apart") {
  const std::vector<Record> v = {
      R().title("Eculizumab in adults with atypical HUS: two-year outcomes").authors({"Licht C", "Muus P"}).year(2011)
          .journal("J Thromb Haemost").volume("9").issue("s2").doi("10.1111/j.1538-7836.2011.04380_2.x"),
      R().title("Genetic screening of complement genes in 300 patients with thrombotic microangiopathy")
          .authors({"Noris M", "Remuzzi G"}).year(2011).journal("J Thromb Haemost").volume("9").issue("s2")
          .doi("10.1111/j.1538-7836.2011.04380_2.x"),
  };
  const DedupResult r = run(v);
  CHECK_FALSE(together(r, 0, 1));
}

TEST_CASE("dedup: generic titles need more than the title") {
  const std::vector<Record> v = {
      R().title("Editorial").authors({"Smith J"}).year(2010).journal("Kidney International").volume("77").pages("1"),
      R().title("Editorial").authors({"Smith J"}).year(2010).journal("Kidney International").volume("78").pages("5"),
      R().title("Editorial").authors({"Smith J"}).year(2010).journal("Kidney International"),
      R().title("Editorial").authors({"Smith J"}).year(2010).journal("Kidney Int").volume("77").pages("1"),
  };
  const DedupResult r = run(v);
  CHECK_FALSE(together(r, 0, 1));
  CHECK_FALSE(together(r, 0, 2));
  CHECK_FALSE(together(r, 1, 2));
  CHECK(together(r, 0, 3));
}

TEST_CASE("dedup: the maybe band") {
  // Same authors, year and journal, titles alike but a word differs, no
  // volume or pages to decide: for a person.
  const std::vector<Record> v = {
      R(article()).title("Eculizumab in adult patients with plasma therapy-resistant atypical hemolytic uremic "
                         "syndrome").volume("").issue("").pages(""),
      R(article()).title("Eculizumab in adolescent patients with plasma therapy-resistant atypical hemolytic uremic "
                         "syndrome").volume("").issue("").pages(""),
  };
  const DedupResult r = run(v);
  CHECK_FALSE(together(r, 0, 1));
  REQUIRE(r.maybe.size() == 1);
  CHECK(r.maybe[0].verdict == PairVerdict::maybe);
  CHECK(r.maybe[0].rule == "maybe:similar-title");
  CHECK_FALSE(r.maybe[0].fields.empty());
  CHECK(r.stats.maybe_pairs == 1);

  // Abstracts that disagree turn a title match into a question.
  const std::string abs1 =
      "Background: eculizumab blocks terminal complement. Methods: we treated forty adults with atypical "
      "haemolytic uraemic syndrome for two years and measured platelet counts, renal function and dialysis "
      "need. Results: platelets normalised in most patients and dialysis stopped in many. Conclusions: "
      "long-term eculizumab is effective.";
  const std::string abs2 =
      "We describe a child with diarrhoea-associated disease caused by Shiga toxin producing Escherichia "
      "coli O104 who recovered after plasma exchange; neurological involvement resolved within weeks and "
      "kidney function returned to normal without sequelae during follow-up of three years in our centre.";
  const DedupResult a = run({R(article()).abstract(abs1).volume("").pages(""),
                             R(article()).abstract(abs2).volume("").pages("")});
  CHECK_FALSE(together(a, 0, 1));
  CHECK(rule_of(a, 0, 1) == "maybe:abstracts-differ");
  const DedupResult b = run({R(article()).abstract(abs1).volume("").pages(""),
                             R(article()).abstract(abs1 + " Copyright 2011 Elsevier.").volume("").pages("")});
  CHECK(together(b, 0, 1));
}

TEST_CASE("dedup: clusters are checked against chaining") {
  // B (no volume or pages) matches A and C; A and C differ in volume and
  // pages, so they are distinct works and must not end in one cluster.
  const std::vector<Record> v = {
      R(article()),
      R(article()).volume("").issue("").pages(""),
      R(article()).volume("24").issue("").pages("100-110"),
  };
  const DedupResult r = run(v);
  CHECK_FALSE(together(r, 0, 2));
  CHECK((together(r, 0, 1) != together(r, 1, 2)));
  CHECK(r.stats.chaining_rejected == 1);
  bool found = false;
  for (const PairExplanation& m : r.maybe) {
    if (m.rule == "maybe:chaining") {
      found = true;
      CHECK(m.note.find("veto:volume") != std::string::npos);
    }
  }
  CHECK(found);
  // No cluster holds a vetoed pair.
  for (const PairExplanation& e : r.vetoed) {
    CHECK_FALSE(together(r, e.a, e.b));
  }
}

TEST_CASE("dedup: output is deterministic and explained") {
  std::vector<Record> v;
  for (int k = 0; k < 30; ++k) {
    const std::string t = "Study number " + std::to_string(k) + " of complement factor H in renal disease";
    v.push_back(R().title(t).authors({"Author" + std::to_string(k % 7) + " A", "Second B"}).year(2000 + k % 5)
                    .journal("Kidney International").volume(std::to_string(50 + k)).pages(std::to_string(100 + k)));
    if (k % 3 == 0) {
      v.push_back(R().title(t + ".").authors({"Author" + std::to_string(k % 7) + " A"}).year(2000 + k % 5)
                      .journal("Kidney Int").volume(std::to_string(50 + k)).pages(std::to_string(100 + k) + "-" +
                                                                                  std::to_string(100 + k)));
    }
  }
  const DedupResult a = run(v);
  const DedupResult b = run(v);
  REQUIRE(a.clusters.size() == b.clusters.size());
  CHECK(a.cluster_of == b.cluster_of);
  CHECK(a.stats.duplicate_clusters == 10);
  for (std::size_t c = 0; c < a.clusters.size(); ++c) {
    CHECK(a.clusters[c].members == b.clusters[c].members);
    REQUIRE(a.clusters[c].links.size() == a.clusters[c].members.size() - 1);
    for (std::size_t l = 0; l < a.clusters[c].links.size(); ++l) {
      const PairExplanation& x = a.clusters[c].links[l];
      const PairExplanation& y = b.clusters[c].links[l];
      CHECK(x.a == y.a);
      CHECK(x.b == y.b);
      CHECK(x.rule == y.rule);
      CHECK(x.verdict == PairVerdict::duplicate);
      CHECK_FALSE(x.rule.empty());
      CHECK_FALSE(x.blocking_key.empty());
      REQUIRE(x.fields.size() >= 10);
      CHECK(x.fields[0].field == "title");
      CHECK(x.fields.size() == y.fields.size());
    }
  }
  // Clusters are ordered by their first member; members ascend.
  for (std::size_t c = 1; c < a.clusters.size(); ++c) {
    CHECK(a.clusters[c - 1].members.front() < a.clusters[c].members.front());
  }
  // Without field scores the links still say which rule fired.
  litrev::DedupOptions quiet;
  quiet.field_scores = false;
  const DedupResult q = litrev::deduplicate(v, quiet);
  CHECK(q.cluster_of == a.cluster_of);
  for (const auto& c : q.clusters) {
    for (const auto& l : c.links) {
      CHECK(l.fields.empty());
      CHECK_FALSE(l.rule.empty());
    }
  }
}

TEST_CASE("dedup: large blocks are compared by sorted neighbourhood") {
  // 300 records share one volume + page key; their duplicates are still found.
  std::vector<Record> v;
  for (int k = 0; k < 150; ++k) {
    const std::string t = "Distinct topic " + std::to_string(k * 7919 % 1000) + " in the kidney transplant cohort";
    v.push_back(R().title(t).authors({"Name" + std::to_string(k) + " A"}).year(2010).volume("1").pages("1"));
    v.push_back(R().title(t).authors({"Name" + std::to_string(k) + " A"}).year(2010).volume("1").pages("1-1"));
  }
  litrev::DedupOptions o;
  o.max_block = 50;
  o.window = 5;
  const DedupResult r = litrev::deduplicate(v, o);
  CHECK(r.stats.blocks_windowed >= 1);
  CHECK(r.stats.duplicate_clusters == 150);
  for (std::size_t k = 0; k < v.size(); k += 2) {
    CHECK(together(r, k, k + 1));
  }
}

TEST_CASE("dedup: Deduplicator streams records") {
  litrev::Deduplicator d;
  CHECK(d.size() == 0);
  CHECK(d.add(article()) == 0);
  CHECK(d.add(R(article()).pages("548-55")) == 1);
  CHECK(d.size() == 2);
  const DedupResult r = d.run();
  CHECK(together(r, 0, 1));
  CHECK(r.stats.records == 2);
  const DedupResult empty = litrev::Deduplicator().run();
  CHECK(empty.clusters.empty());
  CHECK(empty.stats.records == 0);
}

TEST_CASE("dedup: reading the evaluation CSV") {
  litrev::test::TempDir tmp;
  const std::string path = tmp / "refs.csv";
  litrev::test::write_text(
      path,
      "\xEF\xBB\xBFrecord_id,author,title,year,journal,volume,number,pages,doi,abstract,isbn,label\n"
      "r1,\"Smith, J. and Doe, A. B.\",\"A title, with a comma\",2010,J Test,12,3,45-9,https://doi.org/10.1000/X,"
      "\"An abstract\nover two lines\",978-3-16-148410-0,ignored\n"
      "r2,Smith J; Doe AB,\"Quoted \"\"word\"\" title\",2011,,,,,,,,\n"
      "\n"
      "r3,\"Smith J, Doe AB\",Third,n.d.,,,,,,,,\n");
  std::vector<std::string> ids;
  std::vector<Record> recs;
  litrev::read_dedup_csv(path, [&](std::string id, const Record& r) {
    ids.push_back(std::move(id));
    recs.push_back(r);
  });
  REQUIRE(ids == std::vector<std::string>{"r1", "r2", "r3"});
  CHECK(recs[0].title == "A title, with a comma");
  REQUIRE(recs[0].authors.size() == 2);
  CHECK(recs[0].authors[0].family == "Smith");
  CHECK(recs[0].authors[1].family == "Doe");
  CHECK(recs[0].pub_date.year == 2010);
  CHECK(recs[0].journal.title == "J Test");
  CHECK(recs[0].volume == "12");
  CHECK(recs[0].issue == "3");
  CHECK(recs[0].pages == "45-9");
  CHECK(recs[0].ids.doi == "10.1000/x");
  CHECK(recs[0].abstract_plain() == "An abstract\nover two lines");
  REQUIRE(recs[0].ids.other.size() == 1);
  CHECK(recs[0].ids.other[0].type == "isbn");
  CHECK(recs[1].title == "Quoted \"word\" title");
  REQUIRE(recs[1].authors.size() == 2);
  CHECK(recs[1].authors[1].family == "Doe");
  CHECK(recs[1].authors[1].initials == "AB");
  CHECK(recs[2].authors.size() == 2);
  CHECK(recs[2].pub_date.year == 0);

  // Without a record_id column rows are numbered.
  const std::string no_id = tmp / "noid.csv";
  litrev::test::write_text(no_id, "title,year\nOne,2001\nTwo,2002\n");
  ids.clear();
  litrev::read_dedup_csv(no_id, [&](std::string id, const Record&) { ids.push_back(std::move(id)); });
  CHECK(ids == std::vector<std::string>{"1", "2"});
}

TEST_CASE("dedup: bad evaluation CSV input") {
  litrev::test::TempDir tmp;
  auto sink = [](std::string, const Record&) {};
  CHECK_THROWS_AS(litrev::read_dedup_csv(tmp / "missing.csv", sink), litrev::DataError);
  CHECK_THROWS_AS(litrev::read_dedup_csv(tmp.path().string(), sink), litrev::DataError);

  struct Case {
    const char* name;
    const char* text;
    unsigned long line;
    const char* says;
  };
  const Case cases[] = {
      {"no known column", "foo,bar\n1,2\n", 1, "no known column"},
      {"unclosed quote", "record_id,title\nr1,\"open\nr2,x\n", 2, "ends inside a quoted field"},
      {"too many fields", "record_id,title\nr1,a,b\n", 2, "fields"},
      {"too few fields", "record_id,title,year\nr1,a\n", 2, "fields"},
      {"repeated id", "record_id,title\nr1,a\nr1,b\n", 3, "appears twice"},
      {"empty id", "record_id,title\n,a\n", 2, "empty record_id"},
      {"empty file", "", 0, "empty"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string p = tmp / (std::string(c.name) + ".csv");
    litrev::test::write_text(p, c.text);
    try {
      litrev::read_dedup_csv(p, sink);
      FAIL("no error");
    } catch (const litrev::DataError& e) {
      CHECK(e.file() == p);
      CHECK(e.line() == c.line);
      CHECK(std::string(e.what()).find(c.says) != std::string::npos);
      CHECK(e.exit_code() == litrev::k_exit_data);
    }
  }
}

TEST_CASE("dedup: Roman and Arabic numerals are the same number") {
  const std::vector<Record> v = {
      R(article()).title("Complement factor H in type II membranoproliferative glomerulonephritis: a review"),
      R(article()).title("Complement factor H in type 2 membranoproliferative glomerulonephritis - a review"),
      R(article()).title("Complement factor H in type 3 membranoproliferative glomerulonephritis - a review")
          .volume("").pages(""),
  };
  const DedupResult r = run(v);
  CHECK(together(r, 0, 1));
  CHECK_FALSE(together(r, 0, 2));
  CHECK(rule_of(r, 0, 2) == "veto:title-number");
}
