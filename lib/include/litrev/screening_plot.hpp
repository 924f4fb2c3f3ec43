// litrev/screening_plot.hpp: the recall curve of a screening simulation
// (litrev/prioritise.hpp) as a standalone SVG document.
#pragma once

#include <string>

#include <litrev/prioritise.hpp>

namespace litrev {

// The mean recall curve of `result` (SimulationResult::recall: the share of
// the relevant records found against the share of records screened past the
// priors, both in percent), the diagonal a random screening order would give
// on average, a dotted line at 95% recall, and WSS@95 and RRF@10 in the
// legend with the model (SimulationResult::model) and the number of runs.
// The SVG: an XML declaration, one <svg> with width, height, viewBox and
// class "recall-curve", DejaVu Sans; groups and classes for tools and tests:
// `polyline.recall` (one point per entry of result.recall, x then y in
// pixels), `line.random`, `line.target`, `g.x-axis`, `g.y-axis` (one
// `g.tick` each per 10%), `g.legend`. `title` (escaped) goes above the plot;
// empty: none. Throws UsageError when result.recall has fewer than 2 points.
std::string recall_curve_svg(const SimulationResult& result, const std::string& title = {});

} // namespace litrev
