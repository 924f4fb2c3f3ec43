// Unit tests of the PRISMA 2020 renderings (lib/src/report/prisma_render.cpp):
// the JSON shape and its numbers; the PRISMA2020 R package's CSV (the
// template's variables in its order, our counts in n, the package's
// "Name, n; Name, n" lists read back the way PRISMA_data() reads them, RFC
// 4180 quoting); the Markdown table; the SVG diagram (well-formed XML, every
// count in the right box, user text escaped, boxes inside the drawing and not
// overlapping, also with many sources and exclusion reasons).
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <litrev/prisma.hpp>

using litrev::PrismaFlow;
using litrev::PrismaReason;
using litrev::PrismaSource;

namespace {

// A finished flow whose counts are all different, so that a count in the
// wrong place shows.
PrismaFlow small_flow() {
  PrismaFlow f;
  f.sources = {{"PubMed", false, 812}, {"Embase", false, 640}, {"ClinicalTrials.gov", true, 57}};
  f.identified = 1509;
  f.duplicates = 402;
  f.automation = 3;
  f.other_removed = 5;
  f.screened = 1099;
  f.screened_excluded = 1020;
  f.sought = 79;
  f.not_retrieved = 4;
  f.assessed = 75;
  f.excluded = 61;
  f.excluded_reasons = {{"Wrong population", 30}, {"Wrong design", 21}, {"wrong <population> & \"x\"", 10}};
  f.included_studies = 11;
  f.included_reports = 14;
  return f;
}

// Six databases, two registers, twelve reasons, some of them long.
PrismaFlow big_flow() {
  PrismaFlow f;
  f.sources = {{"MEDLINE (Ovid)", false, 4210}, {"Embase (Elsevier)", false, 5120}, {"CINAHL Plus", false, 980},
               {"PsycINFO", false, 1311}, {"Cochrane Central Register of Controlled Trials (CENTRAL)", false, 777},
               {"Web of Science Core Collection", false, 2602},
               {"ClinicalTrials.gov", true, 145}, {"WHO ICTRP", true, 88}};
  for (const auto& s : f.sources) {
    f.identified += s.records;
  }
  f.duplicates = 5400;
  f.automation = 0;
  f.other_removed = 12;
  f.screened = f.identified - f.duplicates - f.other_removed;
  f.screened_excluded = f.screened - 260;
  f.sought = 260;
  f.not_retrieved = 9;
  f.assessed = 251;
  const char* reasons[] = {
      "Wrong population (participants did not meet the DSM-5 criteria for a substance use disorder at baseline)",
      "Wrong intervention", "Wrong comparator", "Wrong outcome", "Wrong study design (not randomised)",
      "Conference abstract only, no full report available after contacting the authors",
      "Duplicate report of an included study", "Retracted", "Not in English, German, French or Spanish",
      "Follow-up shorter than four weeks", "Protocol only", "Pharmacokinetic study in healthy volunteers"};
  std::uint64_t n = 30;
  for (const char* r : reasons) {
    f.excluded_reasons.push_back({r, n});
    f.excluded += n;
    n -= 2;
  }
  f.included_studies = f.assessed - f.excluded;
  f.included_reports = f.included_studies + 6;
  return f;
}

// ---------------------------------------------------------------------------
// CSV

// RFC 4180 rows (LF or CRLF line ends).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\r') {
      continue;
    } else if (c == '\n') {
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// data -> n, as PRISMA_data() looks them up.
std::map<std::string, std::string> csv_n(const std::string& text) {
  std::map<std::string, std::string> out;
  const auto rows = parse_csv(text);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][0] != "NA") {
      out[rows[i][0]] = rows[i][7];
    }
  }
  return out;
}

// A "Name, n; Name, n" list read the way the package's PRISMA_parse_reasons_()
// reads it: split at ";" and an optional space, the name is what comes before
// the first ",", the count the digits after it.
std::vector<std::pair<std::string, std::string>> package_list(const std::string& s) {
  std::vector<std::pair<std::string, std::string>> out;
  static const std::regex split("; ?");
  for (std::sregex_token_iterator it(s.begin(), s.end(), split, -1), end; it != end; ++it) {
    const std::string item = *it;
    const auto comma = item.find(',');
    std::string digits;
    if (comma != std::string::npos) {
      for (char c : item.substr(comma + 1)) {
        if (c >= '0' && c <= '9') {
          digits += c;
        }
      }
    }
    out.emplace_back(item.substr(0, comma), digits);
  }
  return out;
}

// ---------------------------------------------------------------------------
// SVG

struct SvgBox {
  double x = 0, y = 0, w = 0, h = 0;
  std::vector<std::string> lines;
  std::vector<double> line_y;
  std::string text() const {
    std::string out;
    for (const auto& l : lines) {
      out += (out.empty() ? "" : " ") + l;
    }
    return out;
  }
};

// Every <g id="..."> with a rectangle: its rectangle and its text lines.
std::map<std::string, SvgBox> svg_groups(const pugi::xml_document& doc) {
  std::map<std::string, SvgBox> out;
  for (auto g : doc.select_nodes("//*[local-name()='g'][@id]")) {
    auto node = g.node();
    auto rect = node.child("rect");
    if (!rect) {
      continue;
    }
    SvgBox b;
    b.x = rect.attribute("x").as_double();
    b.y = rect.attribute("y").as_double();
    b.w = rect.attribute("width").as_double();
    b.h = rect.attribute("height").as_double();
    for (auto t : node.children("text")) {
      b.lines.push_back(t.child_value());
      b.line_y.push_back(t.attribute("y").as_double());
    }
    out[node.attribute("id").value()] = b;
  }
  return out;
}

bool overlap(const SvgBox& a, const SvgBox& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

void check_svg_layout(const std::string& svg) {
  pugi::xml_document doc;
  const auto parsed = doc.load_string(svg.c_str());
  INFO(parsed.description());
  REQUIRE(parsed);
  auto root = doc.document_element();
  CHECK(std::string(root.name()) == "svg");
  CHECK(std::string(root.attribute("xmlns").value()) == "http://www.w3.org/2000/svg");
  CHECK(std::string(root.attribute("version").value()) == "1.1");
  CHECK(std::string(root.attribute("font-family").value()) == "sans-serif");
  const double width = root.attribute("width").as_double();
  const double height = root.attribute("height").as_double();
  CHECK(width > 0);
  CHECK(height > 0);
  CHECK(std::string(root.attribute("viewBox").value()) ==
        "0 0 " + std::string(root.attribute("width").value()) + " " + root.attribute("height").value());
  CHECK(doc.select_node("//*[local-name()='marker']"));

  const auto groups = svg_groups(doc);
  std::vector<std::string> drawn;
  for (const auto& [id, b] : groups) {
    drawn.push_back(id);
    INFO(id);
    CHECK(b.x >= 0);
    CHECK(b.y >= 0);
    CHECK(b.x + b.w <= width);
    CHECK(b.y + b.h <= height);
    if (id.rfind("box-", 0) == 0 || id == "header") {
      for (std::size_t i = 0; i < b.lines.size(); ++i) {
        INFO(b.lines[i]);
        // Baselines inside the box, leaving room for ascenders and descenders.
        CHECK(b.line_y[i] > b.y + 10);
        CHECK(b.line_y[i] < b.y + b.h - 3);
        // No line near as wide as the box (0.45 em is below any sans-serif
        // face's average advance).
        CHECK(static_cast<double>(b.lines[i].size()) * 0.45 * 13 < b.w);
      }
    }
  }
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    for (std::size_t j = i + 1; j < drawn.size(); ++j) {
      INFO(drawn[i] << " and " << drawn[j]);
      CHECK_FALSE(overlap(groups.at(drawn[i]), groups.at(drawn[j])));
    }
  }
}

} // namespace

// ---------------------------------------------------------------------------

TEST_CASE("prisma: JSON carries every count in its place", "[prisma]") {
  const auto j = litrev::prisma_json(small_flow());
  const auto expected = nlohmann::json::parse(R"({
    "identified": {"total": 1509,
                   "databases": [{"name": "PubMed", "records": 812}, {"name": "Embase", "records": 640}],
                   "registers": [{"name": "ClinicalTrials.gov", "records": 57}]},
    "duplicates": 402, "automation": 3, "other_removed": 5,
    "screened": 1099, "screened_excluded": 1020,
    "sought": 79, "not_retrieved": 4, "assessed": 75,
    "excluded": {"total": 61, "reasons": [{"reason": "Wrong population", "reports": 30},
                                          {"reason": "Wrong design", "reports": 21},
                                          {"reason": "wrong <population> & \"x\"", "reports": 10}]},
    "included": {"studies": 11, "reports": 14},
    "pending": {"screening": 0, "full_text": 0},
    "final": true})");
  CHECK(j == expected);
  CHECK_FALSE(j.contains("members"));
  // Counts are JSON integers, not strings or floats.
  CHECK(j["screened"].is_number_unsigned());
  CHECK(j.dump().find("1099") != std::string::npos);
}

TEST_CASE("prisma: JSON of a flow with records waiting is not final", "[prisma]") {
  auto f = small_flow();
  f.pending_screening = 7;
  auto j = litrev::prisma_json(f);
  CHECK(j["pending"] == nlohmann::json({{"screening", 7}, {"full_text", 0}}));
  CHECK(j["final"] == false);
  f.pending_screening = 0;
  f.pending_full_text = 2;
  j = litrev::prisma_json(f);
  CHECK(j["pending"]["full_text"] == 2);
  CHECK(j["final"] == false);
}

TEST_CASE("prisma: JSON of an empty flow", "[prisma]") {
  const auto j = litrev::prisma_json(PrismaFlow{});
  CHECK(j["identified"]["total"] == 0);
  CHECK(j["identified"]["databases"].is_array());
  CHECK(j["identified"]["databases"].empty());
  CHECK(j["excluded"]["reasons"].is_array());
  CHECK(j["final"] == true);
}

TEST_CASE("prisma: CSV has the PRISMA2020 template's rows with our counts in n", "[prisma]") {
  const auto csv = litrev::prisma_csv(small_flow());
  const auto rows = parse_csv(csv);
  REQUIRE(rows.size() == 33);
  CHECK(rows[0] == std::vector<std::string>{"data", "node", "box", "description", "boxtext", "tooltips", "url", "n"});
  // The template's data column, in its order (inst/extdata/PRISMA.csv).
  const std::vector<std::string> data = {
      "NA", "previous_studies", "previous_reports", "NA", "database_results", "database_specific_results",
      "register_results", "register_specific_results", "NA", "website_results", "organisation_results",
      "citations_results", "duplicates", "excluded_automatic", "excluded_other", "records_screened",
      "records_excluded", "dbr_sought_reports", "dbr_notretrieved_reports", "other_sought_reports",
      "other_notretrieved_reports", "dbr_assessed", "dbr_excluded", "other_assessed", "other_excluded",
      "new_studies", "new_reports", "total_studies", "total_reports", "identification", "screening", "included"};
  for (std::size_t i = 1; i < rows.size(); ++i) {
    INFO("row " << i);
    REQUIRE(rows[i].size() == 8);
    CHECK(rows[i][0] == data[i - 1]);
  }
  // Some template cells, verbatim (quoted fields included).
  CHECK(rows[5] == std::vector<std::string>{"database_results", "node7", "box2", "Records identified from: Databases",
                                            "Databases", "Records identified from: Databases and Registers",
                                            "database_results.html", "1452"});
  CHECK(rows[11][1].empty()); // organisation_results has an empty node
  CHECK(rows[23][3] == "Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. "
                       "Reason1, xxx; Reason2, xxx; Reason3, xxx]");
  CHECK(rows[30][4] == "Identification");

  const auto n = csv_n(csv);
  CHECK(n.at("previous_studies") == "0");
  CHECK(n.at("previous_reports") == "0");
  CHECK(n.at("database_results") == "1452");
  CHECK(n.at("database_specific_results") == "PubMed, 812; Embase, 640");
  CHECK(n.at("register_results") == "57");
  CHECK(n.at("register_specific_results") == "ClinicalTrials.gov, 57");
  CHECK(n.at("website_results") == "0");
  CHECK(n.at("organisation_results") == "0");
  CHECK(n.at("citations_results") == "0");
  CHECK(n.at("duplicates") == "402");
  CHECK(n.at("excluded_automatic") == "3");
  CHECK(n.at("excluded_other") == "5");
  CHECK(n.at("records_screened") == "1099");
  CHECK(n.at("records_excluded") == "1020");
  CHECK(n.at("dbr_sought_reports") == "79");
  CHECK(n.at("dbr_notretrieved_reports") == "4");
  CHECK(n.at("other_sought_reports") == "0");
  CHECK(n.at("other_notretrieved_reports") == "0");
  CHECK(n.at("dbr_assessed") == "75");
  CHECK(n.at("dbr_excluded") == "Wrong population, 30; Wrong design, 21; wrong <population> & \"x\", 10");
  CHECK(n.at("other_assessed") == "0");
  CHECK(n.at("other_excluded") == "0");
  CHECK(n.at("new_studies") == "11");
  CHECK(n.at("new_reports") == "14");
  CHECK(n.at("total_studies") == "11");
  CHECK(n.at("total_reports") == "14");

  // Quoting: the field with quotes is quoted and its quotes doubled.
  CHECK(csv.find("\"Wrong population, 30; Wrong design, 21; wrong <population> & \"\"x\"\", 10\"") !=
        std::string::npos);
  CHECK(csv.rfind("data,node,box,description,boxtext,tooltips,url,n\n", 0) == 0);
}

TEST_CASE("prisma: CSV lists survive the package's parser", "[prisma]") {
  auto f = small_flow();
  f.sources = {{"Embase, via Ovid", false, 10}, {"A;B  database", false, 20}, {"ICTRP", true, 3}};
  f.excluded_reasons = {{"Wrong population; adults, not adolescents", 5}, {"Line\nbreak", 2}};
  const auto n = csv_n(litrev::prisma_csv(f));
  CHECK(package_list(n.at("database_specific_results")) ==
        std::vector<std::pair<std::string, std::string>>{{"Embase - via Ovid", "10"}, {"A - B database", "20"}});
  CHECK(package_list(n.at("register_specific_results")) ==
        std::vector<std::pair<std::string, std::string>>{{"ICTRP", "3"}});
  CHECK(package_list(n.at("dbr_excluded")) ==
        std::vector<std::pair<std::string, std::string>>{{"Wrong population - adults - not adolescents", "5"},
                                                         {"Line break", "2"}});
}

TEST_CASE("prisma: CSV without sources or reasons gives bare totals", "[prisma]") {
  PrismaFlow f;
  f.identified = 90;
  f.excluded = 6;
  const auto n = csv_n(litrev::prisma_csv(f));
  // No breakdown known: the total is the databases', the lists are bare
  // numbers (the package's "no reasons" form).
  CHECK(n.at("database_results") == "90");
  CHECK(n.at("database_specific_results") == "0");
  CHECK(n.at("register_results") == "0");
  CHECK(n.at("register_specific_results") == "0");
  CHECK(n.at("dbr_excluded") == "6");
}

TEST_CASE("prisma: Markdown has every box in flow order", "[prisma]") {
  const auto md = litrev::prisma_markdown(small_flow());
  const std::vector<std::string> rows = {
      "| Identification | Records identified from databases and registers | `identified` | 1509 |",
      "| Identification | ↳ Database: PubMed | `identified:PubMed` | 812 |",
      "| Identification | ↳ Database: Embase | `identified:Embase` | 640 |",
      "| Identification | ↳ Register: ClinicalTrials.gov | `identified:ClinicalTrials.gov` | 57 |",
      "| Identification | Duplicate records removed | `duplicates` | 402 |",
      "| Identification | Records marked as ineligible by automation tools | `automation` | 3 |",
      "| Identification | Records removed for other reasons | `other-removed` | 5 |",
      "| Screening | Records screened | `screened` | 1099 |",
      "| Screening | Records excluded | `screened-excluded` | 1020 |",
      "| Screening | Reports sought for retrieval | `sought` | 79 |",
      "| Screening | Reports not retrieved | `not-retrieved` | 4 |",
      "| Screening | Reports assessed for eligibility | `assessed` | 75 |",
      "| Screening | Reports excluded | `excluded` | 61 |",
      "| Screening | ↳ Wrong population | `excluded:Wrong population` | 30 |",
      "| Screening | ↳ Wrong design | `excluded:Wrong design` | 21 |",
      "| Screening | ↳ wrong \\<population\\> \\& \"x\" | `excluded:wrong <population> & \"x\"` | 10 |",
      "| Included | Studies included in review | `included-studies` | 11 |",
      "| Included | Reports of included studies | `included-reports` | 14 |",
  };
  std::size_t at = 0;
  for (const auto& row : rows) {
    INFO(row);
    const auto found = md.find(row + "\n", at);
    REQUIRE(found != std::string::npos);
    at = found + row.size();
  }
  CHECK(md.find("| Phase | Box | Id | n |\n|---|---|---|---:|\n") != std::string::npos);
  CHECK(md.find("not final") == std::string::npos);
}

TEST_CASE("prisma: Markdown says when the flow is not final", "[prisma]") {
  auto f = small_flow();
  f.pending_screening = 12;
  f.pending_full_text = 1;
  const auto md = litrev::prisma_markdown(f);
  CHECK(md.find("This flow is not final: 12 records still await screening and 1 report still awaits full-text "
                "assessment.") != std::string::npos);
  f.pending_screening = 0;
  CHECK(litrev::prisma_markdown(f).find("not final: 1 report still awaits full-text assessment.") !=
        std::string::npos);
}

TEST_CASE("prisma: Markdown keeps a table cell in its cell", "[prisma]") {
  auto f = small_flow();
  f.excluded_reasons = {{"a | b\nc", 3}};
  const auto md = litrev::prisma_markdown(f);
  CHECK(md.find("| Screening | ↳ a \\| b c | `excluded:a / b c` | 3 |\n") != std::string::npos);
}

TEST_CASE("prisma: SVG puts every count in its box", "[prisma]") {
  const auto svg = litrev::prisma_svg(small_flow());
  pugi::xml_document doc;
  REQUIRE(doc.load_string(svg.c_str()));
  const auto g = svg_groups(doc);
  REQUIRE(g.count("header"));
  CHECK(g.at("header").text() == "Identification of studies via databases and registers");
  CHECK(g.at("phase-identification").text() == "Identification");
  CHECK(g.at("phase-screening").text() == "Screening");
  CHECK(g.at("phase-included").text() == "Included");
  CHECK(g.at("box-identified").text() == "Records identified from*: Databases (n = 1452) PubMed (n = 812) "
                                         "Embase (n = 640) Registers (n = 57) ClinicalTrials.gov (n = 57)");
  CHECK(g.at("box-removed").text() == "Records removed before screening: Duplicate records removed (n = 402) "
                                      "Records marked as ineligible by automation tools (n = 3) "
                                      "Records removed for other reasons (n = 5)");
  CHECK(g.at("box-screened").text() == "Records screened (n = 1099)");
  CHECK(g.at("box-screened-excluded").text() == "Records excluded** (n = 1020)");
  CHECK(g.at("box-sought").text() == "Reports sought for retrieval (n = 79)");
  CHECK(g.at("box-not-retrieved").text() == "Reports not retrieved (n = 4)");
  CHECK(g.at("box-assessed").text() == "Reports assessed for eligibility (n = 75)");
  CHECK(g.at("box-excluded").text() == "Reports excluded (n = 61): Wrong population (n = 30) Wrong design (n = 21) "
                                       "wrong <population> & \"x\" (n = 10)");
  CHECK(g.at("box-included").text() == "Studies included in review (n = 11) Reports of included studies (n = 14)");
  CHECK(g.count("pending") == 0);
  // The reason is escaped in the document, not only well-formed by luck.
  CHECK(svg.find("wrong &lt;population&gt; &amp; &quot;x&quot; (n = 10)") != std::string::npos);
  // Five arrows down and four to the right, all with the marker.
  CHECK(doc.select_nodes("//*[local-name()='line'][@marker-end='url(#arrowhead)']").size() == 8);
  check_svg_layout(svg);
}

TEST_CASE("prisma: SVG of many sources and reasons grows without overlap", "[prisma]") {
  const auto f = big_flow();
  const auto svg = litrev::prisma_svg(f);
  check_svg_layout(svg);
  pugi::xml_document doc;
  REQUIRE(doc.load_string(svg.c_str()));
  const auto g = svg_groups(doc);
  for (const auto& s : f.sources) {
    CHECK(g.at("box-identified").text().find(s.name + " (n = " + std::to_string(s.records) + ")") !=
          std::string::npos);
  }
  for (const auto& r : f.excluded_reasons) {
    INFO(r.reason);
    CHECK(g.at("box-excluded").text().find(r.reason + " (n = " + std::to_string(r.reports) + ")") !=
          std::string::npos);
  }
  // The long reasons wrapped: more lines than reasons.
  CHECK(g.at("box-excluded").lines.size() > f.excluded_reasons.size() + 1);
  CHECK(g.at("box-included").text() == "Studies included in review (n = 23) Reports of included studies (n = 29)");
  // "(n = 12)" is never split across lines.
  for (const auto& [id, b] : g) {
    for (const auto& l : b.lines) {
      INFO(l);
      CHECK_FALSE(std::regex_search(l, std::regex(R"(\(n =?$|^=? ?[0-9]+\))")));
    }
  }
  // The included box is below the exclusion box, however tall that grew.
  CHECK(g.at("box-included").y > g.at("box-excluded").y + g.at("box-excluded").h);
}

TEST_CASE("prisma: SVG says when the flow is not final", "[prisma]") {
  auto f = small_flow();
  f.pending_full_text = 3;
  const auto svg = litrev::prisma_svg(f);
  check_svg_layout(svg);
  pugi::xml_document doc;
  REQUIRE(doc.load_string(svg.c_str()));
  const auto g = svg_groups(doc);
  REQUIRE(g.count("pending"));
  CHECK(g.at("pending").text() == "This flow is not final: 3 reports still await full-text assessment.");
}

TEST_CASE("prisma: SVG survives hostile labels", "[prisma]") {
  auto f = small_flow();
  f.sources = {{"]]></text><script>alert('x')</script>", false, 1},
               {std::string("ctl\x01\x1f" "char\xff" "s"), false, 2},
               {std::string(300, 'W'), true, 3},
               {"", false, 4}};
  f.excluded_reasons = {{"<!-- comment -->", 1}, {"'single' & \"double\"", 2}};
  const auto svg = litrev::prisma_svg(f);
  check_svg_layout(svg);
  pugi::xml_document doc;
  REQUIRE(doc.load_string(svg.c_str()));
  CHECK_FALSE(doc.select_node("//*[local-name()='script']"));
  const auto g = svg_groups(doc);
  const auto ident = g.at("box-identified").text();
  // That name is one word too wide for its box, so it is broken across
  // lines (which text() joins with spaces).
  std::string squeezed = ident;
  std::erase(squeezed, ' ');
  CHECK(squeezed.find("]]></text><script>alert('x')</script>(n=1)") != std::string::npos);
  CHECK(ident.find("ctl char\xEF\xBF\xBDs (n = 2)") != std::string::npos);
  CHECK(g.at("box-excluded").text().find("'single' & \"double\" (n = 2)") != std::string::npos);
  CHECK(g.at("box-excluded").text().find("<!-- comment --> (n = 1)") != std::string::npos);
}

TEST_CASE("prisma: SVG of an empty flow", "[prisma]") {
  const auto svg = litrev::prisma_svg(PrismaFlow{});
  check_svg_layout(svg);
  pugi::xml_document doc;
  REQUIRE(doc.load_string(svg.c_str()));
  const auto g = svg_groups(doc);
  CHECK(g.at("box-identified").text() == "Records identified from*: Databases (n = 0) Registers (n = 0)");
  CHECK(g.at("box-excluded").text() == "Reports excluded (n = 0)");
}
