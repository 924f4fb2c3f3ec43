// What the forest and funnel plots share (plot_svg.hpp), and
// plot_text_width (litrev/evidence_plot.hpp).
#include "evidence/plot_svg.hpp"

#include <litrev/evidence_plot.hpp>
#include <litrev/utf8.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "util/text.hpp"

namespace litrev {

namespace {

// DejaVu Sans 2.37 advance widths in thousandths of an em, read from
// DejaVuSans.ttf and DejaVuSans-Bold.ttf (hmtx through the Unicode cmap):
// U+0020..U+007E, then U+00A0..U+00FF.
constexpr std::array<std::uint16_t, 95> k_ascii_regular = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775,
    752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390,
    337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838};
constexpr std::array<std::uint16_t, 95> k_ascii_bold = {
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821,
    837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457,
    365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838};
constexpr std::array<std::uint16_t, 96> k_latin1_regular = {
    318, 401, 636, 636, 636, 636, 337, 500, 500, 1000, 471, 612, 838, 361, 1000, 500, 500, 838, 401, 401,
    500, 636, 636, 318, 500, 401, 471, 612, 969, 969, 969, 531, 684, 684, 684, 684, 684, 684, 974, 698,
    632, 632, 632, 632, 295, 295, 295, 295, 775, 748, 787, 787, 787, 787, 787, 838, 787, 732, 732, 732,
    732, 611, 605, 630, 613, 613, 613, 613, 613, 613, 982, 550, 615, 615, 615, 615, 278, 278, 278, 278,
    612, 634, 612, 612, 612, 612, 612, 838, 612, 634, 634, 634, 634, 592, 635, 592};
constexpr std::array<std::uint16_t, 96> k_latin1_bold = {
    348, 456, 696, 696, 636, 696, 365, 500, 500, 1000, 564, 646, 838, 415, 1000, 500, 500, 838, 438, 438,
    500, 736, 636, 380, 500, 438, 564, 646, 1035, 1035, 1035, 580, 774, 774, 774, 774, 774, 774, 1085, 734,
    683, 683, 683, 683, 372, 372, 372, 372, 838, 837, 850, 850, 850, 850, 850, 838, 850, 812, 812, 812,
    812, 724, 738, 719, 675, 675, 675, 675, 675, 675, 1048, 593, 678, 678, 678, 678, 343, 343, 343, 343,
    687, 712, 687, 687, 687, 687, 687, 838, 687, 712, 712, 712, 712, 652, 716, 652};

// The symbols the plots write (dashes, quotes, arrows, minus, ≤ ≥, Greek
// letters of the statistics), regular and bold.
struct SymbolWidth {
  char32_t cp;
  std::uint16_t regular, bold;
};
constexpr std::array<SymbolWidth, 22> k_symbols = {{
    {0x0394, 684, 774}, {0x03B1, 659, 687}, {0x03B2, 638, 716}, {0x03BC, 636, 736}, {0x03C3, 634, 779},
    {0x03C4, 602, 638}, {0x03C7, 578, 645}, {0x2013, 500, 500}, {0x2014, 1000, 1000}, {0x2018, 318, 380},
    {0x2019, 318, 380}, {0x201C, 518, 657}, {0x201D, 518, 657}, {0x2022, 590, 639}, {0x2026, 1000, 1000},
    {0x2190, 838, 838}, {0x2192, 838, 838}, {0x2212, 838, 838}, {0x2264, 838, 838}, {0x2265, 838, 838},
    {0x2295, 838, 838}, {0x25EF, 1119, 1119},
}};

bool is_wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

// Thousandths of an em.
double advance(char32_t cp, bool bold) {
  if (cp >= 0x20 && cp <= 0x7E) {
    return bold ? k_ascii_bold[cp - 0x20] : k_ascii_regular[cp - 0x20];
  }
  if (cp >= 0xA0 && cp <= 0xFF) {
    return bold ? k_latin1_bold[cp - 0xA0] : k_latin1_regular[cp - 0xA0];
  }
  for (const SymbolWidth& s : k_symbols) {
    if (s.cp == cp) {
      return bold ? s.bold : s.regular;
    }
  }
  if ((cp >= 0x0300 && cp <= 0x036F) || cp == 0x200B || cp == 0x200D) {
    return 0; // combining marks, zero-width space and joiner
  }
  if (cp == 0xFFFD) {
    return bold ? 1113 : 1025;
  }
  return is_wide(cp) ? 1000 : 750;
}

} // namespace

double plot_text_width(std::string_view text, double font_size, bool bold) {
  double em = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const std::size_t n = decode_utf8(text, i, cp);
    i += n ? n : 1;
    if (n == 0) {
      cp = 0xFFFD;
    }
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      cp = ' '; // escape_xml_text draws them as spaces
    }
    em += advance(cp, bold);
  }
  return em / 1000.0 * font_size;
}

namespace plot_detail {

std::string num(double v) {
  std::string s = fmt::format("{:.3f}", v);
  while (s.back() == '0') {
    s.pop_back();
  }
  if (s.back() == '.') {
    s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string fixed(double v, int digits) {
  std::string s = fmt::format("{:.{}f}", v, digits);
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) {
    s.erase(0, 1);
  }
  return s;
}

std::string p_text(double p) {
  if (!std::isfinite(p)) {
    return "p = NA";
  }
  return p < 0.001 ? "p < 0.001" : fmt::format("p = {:.3f}", p);
}

std::string measure_title(EffectMeasure m) {
  switch (m) {
  case EffectMeasure::risk_ratio:
    return "Risk ratio (log scale)";
  case EffectMeasure::odds_ratio:
    return "Odds ratio (log scale)";
  case EffectMeasure::risk_difference:
    return "Risk difference";
  case EffectMeasure::mean_difference:
    return "Mean difference";
  case EffectMeasure::smd:
    return "Standardised mean difference (Hedges' g)";
  }
  return "Effect";
}

double pretty_step(double& lo, double& hi, int n) {
  double span = hi - lo;
  if (!(span > 0)) {
    span = std::max(std::fabs(lo), 1.0) * 0.1;
    lo -= span / 2;
    hi += span / 2;
  }
  const double raw = span / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * mag;
  for (double f : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (f * mag >= raw * (1 - 1e-9)) {
      step = f * mag;
      break;
    }
  }
  lo = std::floor(lo / step + 1e-9) * step;
  hi = std::ceil(hi / step - 1e-9) * step;
  return step;
}

int step_decimals(double step) {
  for (int d = 0; d < 6; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) {
      return d;
    }
  }
  return 6;
}

namespace {

// The values of a ratio ladder between lo and hi (natural scale): mantissas
// times powers of `base`.
std::vector<double> ladder(double base, std::initializer_list<double> mantissas, double lo, double hi) {
  std::vector<double> out;
  const int first = static_cast<int>(std::floor(std::log(lo) / std::log(base))) - 1;
  const int last = static_cast<int>(std::ceil(std::log(hi) / std::log(base))) + 1;
  for (int e = first; e <= last; ++e) {
    for (double m : mantissas) {
      // Rounded to 12 significant digits, so that 10^-1 prints as 0.1.
      const double v = std::stod(fmt::format("{:.12g}", m * std::pow(base, e)));
      out.push_back(v);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Ticks (pooled scale) of `values` (ascending, natural scale) on [lo, hi]
// (pooled scale), after moving each end out to the next value when that
// costs at most `slack` of the span.
std::vector<double> ladder_ticks(const std::vector<double>& values, double& lo, double& hi, bool extend) {
  const double span = hi - lo;
  const double eps = 1e-9 * std::max(1.0, span);
  if (extend) {
    double below = lo;
    for (double v : values) {
      if (std::log(v) <= lo + eps) {
        below = std::log(v);
      }
    }
    double above = hi;
    for (auto it = values.rbegin(); it != values.rend(); ++it) {
      if (std::log(*it) >= hi - eps) {
        above = std::log(*it);
      }
    }
    if (lo - below <= 0.35 * span) {
      lo = below;
    }
    if (above - hi <= 0.35 * span) {
      hi = above;
    }
  }
  std::vector<double> ticks;
  for (double v : values) {
    const double l = std::log(v);
    if (l >= lo - eps && l <= hi + eps) {
      ticks.push_back(l);
    }
  }
  return ticks;
}

} // namespace

EffectAxis make_effect_axis(double lo, double hi, bool log, bool extend) {
  EffectAxis a;
  a.log = log;
  if (!(hi > lo)) {
    const double pad = std::max(std::fabs(lo), 1.0) * 0.1;
    lo -= pad;
    hi += pad;
  }
  if (!log) {
    double l = lo, h = hi;
    const double step = pretty_step(l, h, 5);
    if (extend) {
      lo = l;
      hi = h;
    }
    for (double t = l; t <= h + step * 1e-6; t += step) {
      const double v = std::round(t / step) * step;
      if (v >= lo - step * 1e-6 && v <= hi + step * 1e-6) {
        a.ticks.push_back(v == 0 ? 0.0 : v);
      }
    }
    a.lo = lo;
    a.hi = hi;
    return a;
  }
  const double nlo = std::exp(lo), nhi = std::exp(hi);
  std::vector<std::vector<double>> ladders;
  // Over many orders of magnitude, a power of ten per tick that keeps them
  // to about 7.
  const int per_tick = static_cast<int>(std::ceil((hi - lo) / std::log(10.0) / 7.0));
  if (per_tick > 2) {
    ladders.push_back(ladder(std::pow(10.0, per_tick), {1}, nlo, nhi));
  }
  ladders.push_back(ladder(100, {1}, nlo, nhi));
  ladders.push_back(ladder(10, {1}, nlo, nhi));
  ladders.push_back(ladder(10, {1, 2, 5}, nlo, nhi));
  ladders.push_back(ladder(2, {1}, nlo, nhi));
  for (std::size_t want = 4; want >= 3; --want) {
    for (const auto& values : ladders) {
      double l = lo, h = hi;
      std::vector<double> ticks = ladder_ticks(values, l, h, extend);
      if (ticks.size() >= want && ticks.size() <= 8) {
        a.lo = l;
        a.hi = h;
        a.ticks = std::move(ticks);
        return a;
      }
    }
  }
  // A narrow range (no ladder gives 3 ticks, so less than a factor of 8):
  // pretty() on the ratio scale.
  double l = nlo, h = nhi;
  const double step = pretty_step(l, h, 4);
  if (extend && l > 0) {
    lo = std::log(l);
    hi = std::log(h);
  }
  for (double t = l; t <= h + step * 1e-6; t += step) {
    const double v = std::round(t / step) * step;
    if (v > 0 && std::log(v) >= lo - 1e-9 && std::log(v) <= hi + 1e-9) {
      a.ticks.push_back(std::log(v));
    }
  }
  a.lo = lo;
  a.hi = hi;
  return a;
}

std::string EffectAxis::label(double tick) const {
  if (!log) {
    // Ticks are multiples of one step: print them with its decimals.
    const double step = ticks.size() >= 2 ? ticks[1] - ticks[0] : 1.0;
    return fixed(tick, step_decimals(step));
  }
  // Ratios from 0.0001 to 100000 in full, others as 1e-5, 2e6.
  const double v = std::exp(tick);
  if (v >= 1e-4 && v < 1e5) {
    return fmt::format("{:.6g}", v);
  }
  const int e = static_cast<int>(std::floor(std::log10(v) + 1e-9));
  return fmt::format("{:.6g}e{}", v / std::pow(10.0, e), e);
}

std::string svg_text(double x, double y, std::string_view text, double size, const char* anchor, const char* cls,
                     bool bold, const char* fill) {
  std::string out = "<text";
  if (cls) {
    out += fmt::format(" class=\"{}\"", cls);
  }
  out += fmt::format(" x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\"", num(x), num(y), num(size), anchor);
  if (bold) {
    out += " font-weight=\"bold\"";
  }
  if (fill) {
    out += fmt::format(" fill=\"{}\"", fill);
  }
  out += ">" + escape_xml_text(text) + "</text>";
  return out;
}

} // namespace plot_detail

} // namespace litrev
