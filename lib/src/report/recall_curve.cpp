// The recall curve of a screening simulation (litrev/screening_plot.hpp).
#include <litrev/screening_plot.hpp>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <litrev/error.hpp>
#include <litrev/evidence_plot.hpp>

#include "evidence/plot_svg.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

using plot_detail::num;
using plot_detail::svg_text;

constexpr double k_font = 13;
constexpr double k_small = 11;
constexpr double k_plot = 360; // the square plot area's side, px
constexpr double k_margin = 12;

} // namespace

std::string recall_curve_svg(const SimulationResult& r, const std::string& title) {
  if (r.recall.size() < 2) {
    throw UsageError("recall curve: the simulation has no records past the priors");
  }
  const std::string y_title = "Relevant records found (%)";
  const std::string x_title = "Records screened after the priors (%)";
  const double left = k_margin + k_font * 1.4 + plot_text_width("100", k_small) + 10;
  const double top = k_margin + (title.empty() ? 0 : k_font * 1.8) + 8;
  const double x0 = left, x1 = left + k_plot, y0 = top + k_plot, y1 = top; // y0: 0%, y1: 100%
  const auto px = [&](double pct) { return x0 + pct / 100 * (x1 - x0); };
  const auto py = [&](double pct) { return y0 + pct / 100 * (y1 - y0); };

  std::string body;
  if (!title.empty()) {
    body += svg_text(x0, k_margin + k_font, title, k_font, "start", "title", true) + "\n";
  }
  body += fmt::format(R"(<rect class="panel" x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#000000"/>)",
                      num(x0), num(y1), num(x1 - x0), num(y0 - y1)) +
          "\n";
  // Axes with a tick and a label every 10%.
  body += "<g class=\"x-axis\">";
  for (int t = 0; t <= 100; t += 10) {
    body += fmt::format(R"(<g class="tick"><line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#000000"/>)", num(px(t)),
                        num(y0), num(y0 + 5));
    body += svg_text(px(t), y0 + 6 + k_small, std::to_string(t), k_small, "middle") + "</g>";
  }
  body += svg_text((x0 + x1) / 2, y0 + 10 + k_small + k_font * 1.3, x_title, k_font, "middle") + "</g>\n";
  body += "<g class=\"y-axis\">";
  for (int t = 0; t <= 100; t += 10) {
    body += fmt::format(R"(<g class="tick"><line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#000000"/>)", num(x0),
                        num(py(t)), num(x0 - 5));
    body += svg_text(x0 - 7, plot_detail::baseline(py(t), k_small), std::to_string(t), k_small, "end") + "</g>";
  }
  const double yt_x = k_margin + k_font;
  body += fmt::format(R"svg(<text x="{0}" y="{1}" font-size="{2}" text-anchor="middle" )svg"
                      R"svg(transform="rotate(-90 {0} {1})">{3}</text>)svg",
                      num(yt_x), num((y0 + y1) / 2), num(k_font), escape_xml_text(y_title));
  body += "</g>\n";
  // The random order's expected recall, the 95% target, then the curve.
  body += fmt::format(R"(<line class="random" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#888888" )"
                      R"(stroke-dasharray="6 4"/>)",
                      num(px(0)), num(py(0)), num(px(100)), num(py(100))) +
          "\n";
  body += fmt::format(R"(<line class="target" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b22222" )"
                      R"(stroke-dasharray="2 3"/>)",
                      num(px(0)), num(py(95)), num(px(100)), num(py(95))) +
          "\n";
  const double n = static_cast<double>(r.recall.size() - 1);
  std::string points;
  for (std::size_t i = 0; i < r.recall.size(); ++i) {
    points += (i ? " " : "") + num(px(100 * static_cast<double>(i) / n)) + "," + num(py(100 * r.recall[i]));
  }
  body += R"(<polyline class="recall" fill="none" stroke="#1f4e99" stroke-width="2" points=")" + points + "\"/>\n";
  // The legend under the x axis title.
  double ly = y0 + 10 + k_small + k_font * 1.3 + 10;
  double width = x1 + k_margin + 20;
  std::vector<std::string> lines = {
      fmt::format("Prioritised order: mean of {} run{}; WSS@95 {:.1f}% (sd {:.1f}), RRF@10 {:.1f}% (sd {:.1f})",
                  r.runs.size(), r.runs.size() == 1 ? "" : "s", r.wss95.mean, r.wss95.sd, r.rrf10.mean, r.rrf10.sd),
      "Random order (expected)", "95% recall", fmt::format("{} records, {} relevant. Model:", r.records, r.included)};
  // The model's description, one clause ("; ") per line.
  for (std::size_t at = 0; at < r.model.size();) {
    const std::size_t semi = r.model.find("; ", at);
    lines.push_back("  " + r.model.substr(at, semi == std::string::npos ? std::string::npos : semi - at));
    at = semi == std::string::npos ? r.model.size() : semi + 2;
  }
  std::vector<const char*> swatch = {"#1f4e99", "#888888", "#b22222"};
  std::vector<const char*> dash = {nullptr, "6 4", "2 3"};
  swatch.resize(lines.size(), nullptr);
  dash.resize(lines.size(), nullptr);
  body += "<g class=\"legend\">";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ly += k_small * 1.6;
    double tx = x0;
    if (swatch[i]) {
      body += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"{}/>)", num(x0),
                          num(ly - k_small * 0.35), num(x0 + 24), num(ly - k_small * 0.35), swatch[i],
                          dash[i] ? fmt::format(" stroke-dasharray=\"{}\"", dash[i]) : std::string());
      tx = x0 + 30;
    }
    body += svg_text(tx, ly, lines[i], k_small, "start");
    width = std::max(width, tx + plot_text_width(lines[i], k_small) + k_margin);
  }
  body += "</g>\n";
  width = std::ceil(width);
  const double height = std::ceil(ly + 6 + k_margin);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  out += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" height=\"{1}\" "
                     "viewBox=\"0 0 {0} {1}\" font-family=\"{2}\" class=\"recall-curve\">\n",
                     num(width), num(height), k_plot_font_family);
  out += "<title>" + escape_xml_text(title.empty() ? std::string("Recall curve") : title) + "</title>\n";
  out += fmt::format(R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)", num(width), num(height)) + "\n";
  out += body + "</svg>\n";
  return out;
}

} // namespace litrev
