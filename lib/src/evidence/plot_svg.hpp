// Private: what the forest and funnel plots share (plot_forest.cpp,
// plot_funnel.cpp): number formats, an effect axis with its ticks, and
// small SVG writers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <litrev/evidence.hpp>

namespace litrev::plot_detail {

// A coordinate: at most 3 decimals, trailing zeros dropped, never "-0".
std::string num(double v);

// `v` with `digits` decimals, never "-0.00".
std::string fixed(double v, int digits);

// "p < 0.001" or "p = 0.123".
std::string p_text(double p);

// The measure as people name it on an axis: "Risk ratio (log scale)".
std::string measure_title(EffectMeasure m);

// The linear map from effect values (the pooled scale: log for ratios) to
// pixels, with the ticks chosen for it.
struct EffectAxis {
  bool log = false;     // ratio measure: values are logs, ticks labelled exp(value)
  double lo = 0, hi = 1; // ends of the axis, pooled scale
  double x0 = 0, x1 = 1; // their pixels
  std::vector<double> ticks; // pooled scale, ascending

  double px(double v) const { return x0 + (v - lo) / (hi - lo) * (x1 - x0); }
  // The tick's label on the scale people read.
  std::string label(double tick) const;
};

// An axis over [lo, hi] (pooled scale; lo < hi): for ratios, ticks from the
// first of the ladders 100^k, 10^k, {1, 2, 5}·10^k, 2^k that puts 4 to 8
// ticks on the axis (else 3, else R's pretty() on the ratio scale); for
// other measures R's pretty() steps (1, 2, 2.5, 5 times a power of ten).
// With `extend`, each end moves out to the next tick when that lengthens
// the axis by at most 35% (ratios) or one step (linear), so the axis ends
// on round numbers. x0, x1 are left 0, 1 for the caller to place.
EffectAxis make_effect_axis(double lo, double hi, bool log, bool extend);

// R's pretty(): about `n` intervals of 1, 2, 2.5 or 5 times a power of ten
// covering [lo, hi]; returns the step and widens lo and hi to multiples of it.
double pretty_step(double& lo, double& hi, int n);

// Decimals needed to print multiples of `step` exactly (at most 6).
int step_decimals(double step);

// <text> with explicit size, anchor and optional class and weight; `text` is
// escaped here.
std::string svg_text(double x, double y, std::string_view text, double size, const char* anchor,
                     const char* cls = nullptr, bool bold = false, const char* fill = nullptr);

// The baseline that centres text of `size` px on the line y = `mid`.
inline double baseline(double mid, double size) { return mid + 0.36 * size; }

} // namespace litrev::plot_detail
