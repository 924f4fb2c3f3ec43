// The recall curve of a screening simulation (litrev/screening_plot.hpp):
// read back with pugixml, every point where the axes say it must be.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include <litrev/error.hpp>
#include <litrev/screening_plot.hpp>

using namespace litrev;

namespace {

// Pixel position of each axis tick label ("0".."100") along the axis.
std::map<int, double> ticks(const pugi::xml_document& doc, const char* axis, bool x) {
  std::map<int, double> out;
  const std::string q = std::string("//g[@class='") + axis + "']/g[@class='tick']/line";
  for (const auto& n : doc.select_nodes(q.c_str())) {
    const pugi::xml_node line = n.node();
    const int label = std::atoi(line.next_sibling("text").child_value());
    out[label] = line.attribute(x ? "x1" : "y1").as_double();
  }
  return out;
}

std::vector<std::pair<double, double>> points(const pugi::xml_node& polyline) {
  std::vector<std::pair<double, double>> out;
  std::istringstream in(polyline.attribute("points").value());
  std::string pair;
  while (in >> pair) {
    const auto comma = pair.find(',');
    out.emplace_back(std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1)));
  }
  return out;
}

} // namespace

TEST_CASE("the recall curve puts every point where the axes say", "[screening-plot]") {
  SimulationResult r;
  r.records = 6;
  r.included = 2;
  r.recall = {0, 0.5, 0.5, 1, 1};
  r.runs.resize(3);
  r.wss95 = {41.5, 2.25};
  r.rrf10 = {50, 0};
  r.model = "svm (liblinear); TF-IDF 1-2-grams; seed 1";
  const std::string svg = recall_curve_svg(r, "Set <A> & \"B\"");
  pugi::xml_document doc;
  REQUIRE(doc.load_string(svg.c_str()));
  const pugi::xml_node root = doc.child("svg");
  CHECK(std::string(root.attribute("class").value()) == "recall-curve");
  const auto xs = ticks(doc, "x-axis", true);
  const auto ys = ticks(doc, "y-axis", false);
  REQUIRE(xs.size() == 11);
  REQUIRE(ys.size() == 11);
  const auto px = [&](double pct) { return xs.at(0) + pct / 100 * (xs.at(100) - xs.at(0)); };
  const auto py = [&](double pct) { return ys.at(0) + pct / 100 * (ys.at(100) - ys.at(0)); };
  CHECK(ys.at(100) < ys.at(0)); // 100% at the top
  const auto pts = points(root.select_node("//polyline[@class='recall']").node());
  REQUIRE(pts.size() == r.recall.size());
  for (std::size_t i = 0; i < pts.size(); ++i) {
    CHECK(pts[i].first == Approx(px(25.0 * static_cast<double>(i))).margin(0.002));
    CHECK(pts[i].second == Approx(py(100 * r.recall[i])).margin(0.002));
  }
  const pugi::xml_node random = root.select_node("//line[@class='random']").node();
  CHECK(random.attribute("x1").as_double() == Approx(px(0)));
  CHECK(random.attribute("y1").as_double() == Approx(py(0)));
  CHECK(random.attribute("x2").as_double() == Approx(px(100)));
  CHECK(random.attribute("y2").as_double() == Approx(py(100)));
  const pugi::xml_node target = root.select_node("//line[@class='target']").node();
  CHECK(target.attribute("y1").as_double() == Approx(py(95)).margin(0.002));
  // The legend reports the figures; the title is escaped (it parsed) and kept.
  std::string legend;
  for (const auto& t : root.select_nodes("//g[@class='legend']/text")) {
    legend += std::string(t.node().child_value()) + "\n";
  }
  CHECK_THAT(legend, Catch::Contains("mean of 3 runs; WSS@95 41.5% (sd 2.2), RRF@10 50.0% (sd 0.0)"));
  CHECK_THAT(legend, Catch::Contains("6 records, 2 relevant. Model:"));
  CHECK_THAT(legend, Catch::Contains("TF-IDF 1-2-grams"));
  CHECK(std::string(root.child("title").child_value()) == "Set <A> & \"B\"");
  CHECK(svg.find("Set <A>") == std::string::npos);

  SimulationResult empty;
  empty.recall = {0};
  CHECK_THROWS_AS(recall_curve_svg(empty), UsageError);
}
