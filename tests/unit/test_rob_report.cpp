// Risk-of-bias tables and plots (litrev/rob_report.hpp), on robvis's own
// example data (../shared/fixtures/robvis). The expected colours, glyphs and
// proportions are computed here from the raw CSV words and the spec's tables
// (rob_grade_meta.md §3), not from the library.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include <litrev/error.hpp>
#include <litrev/rob.hpp>
#include <litrev/rob_report.hpp>

#include "testutil.hpp"

using namespace litrev;

namespace {

struct Dataset {
  const char* file;
  const char* tool;
};

// Every robvis example dataset with a template that litrev has a tool for.
// data_quips.csv (QUIPS: no litrev tool) and data_bias_direction.csv (a
// different layout: judgement, type and direction per domain) are not
// robvis input tables of these tools.
const std::vector<Dataset> k_datasets = {
    {"data_rob2.csv", "rob2"},         {"data_rob2_cluster.csv", "rob2-cluster"},
    {"data_robins_i.csv", "robins-i"}, {"data_robins_e.csv", "robins-e"},
    {"data_quadas.csv", "quadas-2"},   {"data_rob1.csv", "rob1"},
    {"data_rob2_weighted_bcg9.csv", "rob2"},
};

std::string robvis_path(const std::string& name) { return test::fixture("robvis/" + name); }

// The fixture's cells, split naively (robvis's example files have no commas
// or quotes inside fields).
std::vector<std::vector<std::string>> raw_rows(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  const std::string text = test::read_text(path);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.empty()) {
      continue;
    }
    std::vector<std::string> fields;
    std::size_t s = 0;
    while (true) {
      const std::size_t c = line.find(',', s);
      std::string f = line.substr(s, c == std::string::npos ? std::string::npos : c - s);
      if (f.size() >= 2 && f.front() == '"' && f.back() == '"') {
        f = f.substr(1, f.size() - 2);
      }
      fields.push_back(f);
      if (c == std::string::npos) {
        break;
      }
      s = c + 1;
    }
    rows.push_back(fields);
  }
  return rows;
}

struct Look {
  std::string fill;
  std::string glyph;
};

// The spec's colours and glyphs for a judgement word as robvis's data spell it.
Look expected_look(const std::string& word, bool colourblind) {
  const char* const cochrane[] = {"#02C100", "#E2DF07", "#BF0000", "#820000", "#4EA1F7", "#cccccc"};
  const char* const blind[] = {"#fed98e", "#fe9929", "#d95f0e", "#993404", "#ffffff", "#cccccc"};
  const char* const* c = colourblind ? blind : cochrane;
  if (word == "Low") {
    return {c[0], "+"};
  }
  if (word == "Some concerns" || word == "Moderate" || word == "Unclear") {
    return {c[1], "-"};
  }
  if (word == "High" || word == "Serious") {
    return {c[2], "x"};
  }
  if (word == "Critical" || word == "Very high") {
    return {c[3], "!"};
  }
  if (word == "No information") {
    return {c[4], "?"};
  }
  if (word == "Not applicable") {
    return {c[5], ""};
  }
  FAIL("unexpected word in a fixture: " << word);
  return {};
}

pugi::xml_document parse_svg(const std::string& svg) {
  pugi::xml_document doc;
  const auto r = doc.load_string(svg.c_str());
  INFO(r.description());
  REQUIRE(r);
  REQUIRE(std::string(doc.document_element().name()) == "svg");
  return doc;
}

std::string text_of(const pugi::xml_node& n) { return n.child_value(); }

} // namespace

TEST_CASE("every robvis example dataset reads and writes back equal", "[rob-report]") {
  test::TempDir dir;
  for (const auto& ds : k_datasets) {
    INFO(ds.file);
    const RobTool& tool = rob_report_tool(ds.tool);
    const RobTable t = read_robvis_csv(robvis_path(ds.file), tool);
    const auto raw = raw_rows(robvis_path(ds.file));
    REQUIRE(t.rows.size() == raw.size() - 1);
    REQUIRE(t.domains.size() + 2 + (t.has_weights() ? 1 : 0) == raw[0].size());
    const std::string out = robvis_csv(t);
    test::write_text(dir / "out.csv", out);
    const RobTable back = read_robvis_csv(dir / "out.csv", tool);
    REQUIRE(back.rows.size() == t.rows.size());
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      CHECK(back.rows[i].study == t.rows[i].study);
      CHECK(back.rows[i].domains == t.rows[i].domains);
      CHECK(back.rows[i].overall == t.rows[i].overall);
      REQUIRE(back.rows[i].weight.has_value() == t.rows[i].weight.has_value());
      if (t.rows[i].weight) {
        CHECK(*back.rows[i].weight == Approx(*t.rows[i].weight).epsilon(1e-14));
      }
    }
    // robvis's own file, byte for byte, where the column names are robvis's
    // D1..Dn (RoB 1's Generic captions are the tool's own domain names).
    if (std::string(ds.tool) != "rob1") {
      CHECK(out == test::read_text(robvis_path(ds.file)));
    } else {
      const std::string fixture = test::read_text(robvis_path(ds.file));
      CHECK(out.substr(out.find('\n')) == fixture.substr(fixture.find('\n')));
      CHECK(out.substr(0, out.find('\n')) ==
            "\"Study\",\"Random.sequence.generation\",\"Allocation.concealment\",\"Blinding.of.participants.and."
            "personnel\",\"Blinding.of.outcome.assessment\",\"Incomplete.outcome.data\",\"Selective.reporting\","
            "\"Other.bias\",\"Overall\"");
    }
  }
}

TEST_CASE("robvis data: judgements as the tool's levels", "[rob-report]") {
  const RobTable rob2 = read_robvis_csv(robvis_path("data_rob2.csv"), rob_report_tool("rob2"));
  CHECK(rob2.tool == "rob2-parallel-itt");
  CHECK(rob2.rows[2].domains[0] == k_rob_no_information);
  CHECK(rob2.rows[1].domains[0] == "some_concerns");
  const RobTable cluster = read_robvis_csv(robvis_path("data_rob2_cluster.csv"), rob_tool("rob2-cluster"));
  CHECK(cluster.domains == std::vector<std::string>{"D1a", "D1b", "D2", "D3", "D4", "D5"});
  CHECK(cluster.rows[0].domains[1] == k_rob_not_applicable);
  const RobTable quadas = read_robvis_csv(robvis_path("data_quadas.csv"), rob_tool("quadas-2"));
  CHECK(quadas.rows[1].domains[0] == "unclear"); // robvis's "Some concerns" slot
  const RobTable robins = read_robvis_csv(robvis_path("data_robins_i.csv"), rob_tool("robins-i"));
  CHECK(robins.rows[0].domains[1] == "critical");
  CHECK(robins.rows[1].domains[1] == "no_information");
  const RobTable w = read_robvis_csv(robvis_path("data_rob2_weighted_bcg9.csv"), rob_report_tool("rob2"));
  REQUIRE(w.has_weights());
  CHECK(w.rows[0].study == "Aronson 1948");
  CHECK(*w.rows[0].weight == Approx(7.31382784193868));
}

TEST_CASE("every spelling a person writes, tool-aware, and ambiguity refused", "[rob-report]") {
  const RobTool& rob2 = rob_report_tool("rob2");
  const RobTool& robins = rob_tool("robins-i");
  for (const char* s : {"L", "low", "Low risk", "LOW", "low risk of bias"}) {
    CHECK(parse_table_judgement(rob2, s, false) == "low");
  }
  CHECK(parse_table_judgement(rob2, "S", false) == "some_concerns");
  CHECK(parse_table_judgement(robins, "S", false) == "serious");
  CHECK(parse_table_judgement(rob2, "NI", false) == k_rob_no_information);
  CHECK(parse_table_judgement(robins, "No information", false) == "no_information");
  CHECK(parse_table_judgement(rob2, "N/A", false) == k_rob_not_applicable);
  CHECK_THROWS_AS(parse_table_judgement(rob2, "N", false), UsageError);
  CHECK_THROWS_AS(parse_table_judgement(rob2, "Moderate", false), UsageError);
  CHECK_THROWS_AS(parse_table_judgement(rob_tool("quadas-2"), "At risk of bias", false), UsageError);
  CHECK(parse_table_judgement(rob_tool("quadas-2"), "At risk of bias", true) == "at_risk");

  test::TempDir dir;
  test::write_text(dir / "bad.csv", "Study,D1,D2,D3,D4,D5,Overall\n"
                                    "Trial A,L,L,L,L,L,L\n"
                                    "Trial B,L,N,L,L,L,High\n");
  try {
    read_robvis_csv(dir / "bad.csv", rob2);
    FAIL("no error");
  } catch (const DataError& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(e.line() == 3);
    CHECK(what.find(dir / "bad.csv" + ":3: column 3 (D2)") != std::string::npos);
    CHECK(what.find("ambiguous") != std::string::npos);
    CHECK(e.exit_code() == 65);
  }
  test::write_text(dir / "short.csv", "Study,D1,D2,D3,D4,D5,Overall\nTrial A,L,L,L,L,Low\n");
  try {
    read_robvis_csv(dir / "short.csv", rob2);
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(e.line() == 2);
  }
  test::write_text(dir / "cols.csv", "Study,D1,D2,D3,Overall\nTrial A,L,L,L,L\n");
  CHECK_THROWS_WITH(read_robvis_csv(dir / "cols.csv", rob2), Catch::Contains(":1: 5 columns"));
  test::write_text(dir / "weight.csv", "Study,D1,D2,D3,D4,D5,Overall,Weight\nTrial A,L,L,L,L,L,L,-3\n");
  CHECK_THROWS_WITH(read_robvis_csv(dir / "weight.csv", rob2), Catch::Contains(":2: column 8 (Weight)"));
  test::write_text(dir / "overall.csv", "Study,D1,D2,D3,D4,Overall\nT,At risk of bias,L,L,L,At risk\n");
  CHECK_THROWS_WITH(read_robvis_csv(dir / "overall.csv", rob_tool("quadas-2")), Catch::Contains("column 2 (D1)"));
}

TEST_CASE("traffic-light plot: every cell, the Overall shading, the legend", "[rob-report]") {
  for (const bool blind : {false, true}) {
    for (const auto& ds : k_datasets) {
      INFO(ds.file << (blind ? " colourblind" : " cochrane"));
      const RobTool& tool = rob_report_tool(ds.tool);
      const RobTable t = read_robvis_csv(robvis_path(ds.file), tool);
      const auto raw = raw_rows(robvis_path(ds.file));
      const std::string svg = traffic_light_svg(t, blind ? RobPalette::colourblind : RobPalette::cochrane);
      const auto doc = parse_svg(svg);
      const auto cells = doc.select_nodes("//g[@class='cell']");
      REQUIRE(cells.size() == t.rows.size() * (t.domains.size() + 1));
      std::set<std::pair<std::size_t, std::string>> seen;
      for (const auto& x : cells) {
        const pugi::xml_node g = x.node();
        const std::size_t row = g.attribute("data-row").as_uint();
        const std::string domain = g.attribute("data-domain").value();
        REQUIRE(row < t.rows.size());
        std::size_t col = t.domains.size(); // Overall
        if (domain != "Overall") {
          col = 0;
          while (col < t.domains.size() && t.domains[col] != domain) {
            ++col;
          }
          REQUIRE(col < t.domains.size());
        }
        seen.insert({row, domain});
        const std::string word = raw[row + 1][col + 1];
        const Look look = expected_look(word, blind);
        INFO("row " << row << " " << domain << " " << word);
        CHECK(g.child("circle").attribute("fill").value() == look.fill);
        CHECK(g.child("circle").attribute("stroke").value() == std::string(look.glyph.empty() ? "none" : "#000000"));
        CHECK(text_of(g.child("text")) == look.glyph);
        CHECK(g.child("rect").attribute("fill").value() ==
              std::string(domain == "Overall" ? "#d3d3d3" : "#ffffff"));
      }
      CHECK(seen.size() == cells.size());
      const auto shade = doc.select_node("//rect[@class='overall-column']").node();
      REQUIRE(shade);
      CHECK(shade.attribute("fill").value() == std::string("#d3d3d3"));
      // Column strips: D1..Dn and Overall.
      const auto strips = doc.select_nodes("//g[@class='column-strip']/text");
      REQUIRE(strips.size() == t.domains.size() + 1);
      CHECK(text_of(strips[0].node()) == std::string("D1"));
      if (std::string(ds.tool) == "rob2-cluster") {
        CHECK(text_of(strips[1].node()) == std::string("D1b"));
        CHECK(text_of(strips[2].node()) == std::string("D2"));
      }
      CHECK(text_of(strips[strips.size() - 1].node()) == std::string("Overall"));
      // The domains are listed under the grid.
      std::string caption;
      for (const auto& c : doc.select_nodes("//g[@class='caption']/text")) {
        caption += text_of(c.node()) + "\n";
      }
      for (std::size_t d = 0; d < t.domains.size(); ++d) {
        const RobDomain& dom = tool.domain(t.domains[d]);
        CHECK(caption.find(text_of(strips[d].node()) + ": ") != std::string::npos);
        CHECK((caption.find(dom.name) != std::string::npos || caption.find(dom.short_name) != std::string::npos));
      }
      // Legend: every level of the tool, most severe first, No information;
      // each with its colour and glyph.
      std::vector<std::string> legend;
      for (const auto& e : doc.select_nodes("//g[@class='legend-entry']")) {
        const pugi::xml_node n = e.node();
        legend.push_back(n.attribute("data-level").value());
        const std::string label = text_of(n.child("text").next_sibling("text"));
        const Look look = expected_look(label == "Unclear" ? "Unclear" : label, blind);
        CHECK(n.child("circle").attribute("fill").value() == look.fill);
        CHECK(text_of(n.child("text")) == look.glyph);
      }
      const std::string family = tool.family;
      if (family == "rob2") {
        std::vector<std::string> want = {"high", "some_concerns", "low", "no_information"};
        if (std::string(ds.tool) == "rob2-cluster") {
          want.push_back("not_applicable");
        }
        CHECK(legend == want);
      } else if (family == "robins-i") {
        CHECK(legend == std::vector<std::string>{"critical", "serious", "moderate", "low", "no_information"});
      } else if (family == "robins-e") {
        CHECK(legend == std::vector<std::string>{"very_high", "high", "some_concerns", "low", "no_information"});
      } else if (family == "rob1" || family == "quadas-2") {
        CHECK(legend == std::vector<std::string>{"high", "unclear", "low", "no_information"});
      }
    }
  }
}

TEST_CASE("summary plot: bar proportions, unweighted and weighted", "[rob-report]") {
  for (const auto& ds : k_datasets) {
    INFO(ds.file);
    const RobTool& tool = rob_report_tool(ds.tool);
    const RobTable t = read_robvis_csv(robvis_path(ds.file), tool);
    const auto raw = raw_rows(robvis_path(ds.file));
    for (const bool weighted : {false, true}) {
      if (weighted && !t.has_weights()) {
        CHECK_THROWS_AS(summary_svg(t, RobPalette::cochrane, true), UsageError);
        continue;
      }
      const auto doc = parse_svg(summary_svg(t, RobPalette::cochrane, weighted));
      for (std::size_t col = 0; col <= t.domains.size(); ++col) {
        const std::string domain = col < t.domains.size() ? t.domains[col] : "Overall";
        // Expected share of each colour, from the raw words.
        std::map<std::string, double> want;
        double total = 0;
        for (std::size_t r = 1; r < raw.size(); ++r) {
          const double w = weighted ? std::stod(raw[r].back()) : 1.0;
          want[expected_look(raw[r][col + 1], false).fill] += w;
          total += w;
        }
        std::map<std::string, double> got;
        double width = 0;
        double p_sum = 0;
        const auto segs = doc.select_nodes(("//rect[@class='segment'][@data-domain='" + domain + "']").c_str());
        for (const auto& s : segs) {
          const pugi::xml_node n = s.node();
          got[n.attribute("fill").value()] += n.attribute("data-proportion").as_double();
          width += n.attribute("width").as_double();
          p_sum += n.attribute("data-proportion").as_double();
        }
        INFO(domain << (weighted ? " weighted" : ""));
        CHECK(got.size() == want.size());
        for (const auto& [fill, w] : want) {
          CHECK(got[fill] == Approx(w / total).margin(1e-6));
        }
        CHECK(p_sum == Approx(1.0).margin(1e-5));
        // Segment widths are proportional to the shares.
        for (const auto& s : segs) {
          const pugi::xml_node n = s.node();
          CHECK(n.attribute("width").as_double() / width ==
                Approx(n.attribute("data-proportion").as_double()).margin(1e-3));
        }
      }
      const auto overall = doc.select_nodes("//g[@class='bar'][@data-domain='Overall']/text");
      REQUIRE(overall.size() == 1);
      CHECK(text_of(overall[0].node()) == std::string("Overall risk of bias"));
      CHECK(overall[0].node().attribute("font-weight").value() == std::string("bold"));
    }
  }
}

TEST_CASE("summary plot: the spec's reference proportions", "[rob-report]") {
  const RobTable w = read_robvis_csv(robvis_path("data_rob2_weighted_bcg9.csv"), rob_report_tool("rob2"));
  const auto share = [](const pugi::xml_document& doc, const std::string& domain, const std::string& level) {
    const auto n = doc.select_node(
        ("//rect[@class='segment'][@data-domain='" + domain + "'][@data-level='" + level + "']").c_str());
    return n ? 100 * n.node().attribute("data-proportion").as_double() : 0.0;
  };
  const auto weighted = parse_svg(summary_svg(w, RobPalette::cochrane, true));
  CHECK(share(weighted, "Overall", "low") == Approx(7.3138).margin(1e-3));
  CHECK(share(weighted, "Overall", "some_concerns") == Approx(30.2294).margin(1e-3));
  CHECK(share(weighted, "Overall", "high") == Approx(62.4568).margin(1e-3));
  CHECK(share(weighted, "D1", "low") == Approx(71.6441).margin(1e-3));
  CHECK(share(weighted, "D1", "no_information") == Approx(6.4180).margin(1e-3));
  const auto plain = parse_svg(summary_svg(w, RobPalette::cochrane, false));
  CHECK(share(plain, "Overall", "low") == Approx(100.0 / 9).margin(1e-3));
  CHECK(share(plain, "Overall", "high") == Approx(500.0 / 9).margin(1e-3));
  CHECK(share(plain, "D4", "some_concerns") == 0.0);
  // The boxed legend lists robvis's summary labels.
  std::vector<std::string> labels;
  for (const auto& e : plain.select_nodes("//g[@class='legend-entry']/text")) {
    labels.push_back(e.node().child_value());
  }
  CHECK(labels == std::vector<std::string>{"Low risk", "Some concerns", "High risk", "No information"});
}

TEST_CASE("RevMan, CSV, Markdown and HTML tables", "[rob-report]") {
  const RobTable rob1 = read_robvis_csv(robvis_path("data_rob1.csv"), rob_tool("rob1"));
  const std::string revman = revman_csv(rob1);
  CHECK(revman.rfind("Study,Domain,Judgement,Support for judgement\n", 0) == 0);
  CHECK(revman.find("Study 1,Random sequence generation (selection bias),Low risk,\n") != std::string::npos);
  CHECK(revman.find("Study 2,Overall,Unclear risk,\n") != std::string::npos);
  std::size_t lines = 0;
  for (char c : revman) {
    lines += c == '\n';
  }
  CHECK(lines == 1 + rob1.rows.size() * 8);
  CHECK_THROWS_AS(revman_csv(read_robvis_csv(robvis_path("data_robins_i.csv"), rob_tool("robins-i"))), UsageError);

  RobTable t = make_rob_table(rob_report_tool("rob2"));
  RobTableRow row;
  row.study = "Smith & <Jones> | 2001";
  row.result = "Abstinence, 12 weeks";
  row.domains = {"low", "some_concerns", "high", "low", k_rob_no_information};
  row.support = {"Random \"sequence\"", "", "", "", ""};
  row.overall = "high";
  t.rows.push_back(row);
  const std::string rm = revman_csv(t);
  CHECK(rm.find("Study,Result,Domain,Judgement,Support for judgement\n") == 0);
  CHECK(rm.find("Smith & <Jones> | 2001,\"Abstinence, 12 weeks\",Bias arising from the randomization process,"
                "Low risk,\"Random \"\"sequence\"\"\"\n") != std::string::npos);
  const std::string html = rob_html(t);
  CHECK(html.find("Smith &amp; &lt;Jones&gt; | 2001") != std::string::npos);
  CHECK(html.find("<Jones>") == std::string::npos);
  const std::string md = rob_markdown(t);
  CHECK(md.find("Smith \\& \\<Jones\\> \\| 2001") != std::string::npos);
  CHECK(md.find("| Study | Result | D1 | D2 | D3 | D4 | D5 | Overall |") == 0);
  const std::string csv = rob_csv(t);
  CHECK(csv == "Study,Result,D1,D2,D3,D4,D5,Overall\n"
               "Smith & <Jones> | 2001,\"Abstinence, 12 weeks\",Low,Some concerns,High,Low,No information,High\n");
  CHECK(robvis_csv(t).find("\"Smith & <Jones> | 2001 (Abstinence, 12 weeks)\",\"Low\",\"Some concerns\"") !=
        std::string::npos);
  // The study label is escaped in the plots too.
  const auto doc = parse_svg(traffic_light_svg(t, RobPalette::cochrane));
  CHECK(doc.select_nodes("//g[@class='cell']").size() == 6);
}
