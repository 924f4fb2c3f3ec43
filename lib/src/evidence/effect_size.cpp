// Effect sizes (metafor's escalc) and the names of measures, methods and
// tests (litrev/evidence.hpp).
#include <litrev/evidence.hpp>

#include <cmath>
#include <cstdio>
#include <string>

#include <litrev/error.hpp>

namespace litrev {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

} // namespace

const char* effect_measure_name(EffectMeasure m) {
  switch (m) {
  case EffectMeasure::risk_ratio:
    return "RR";
  case EffectMeasure::odds_ratio:
    return "OR";
  case EffectMeasure::risk_difference:
    return "RD";
  case EffectMeasure::mean_difference:
    return "MD";
  case EffectMeasure::smd:
    return "SMD";
  }
  return "?";
}

std::optional<EffectMeasure> effect_measure_from_name(std::string_view name) {
  const std::string n = upper(name);
  for (EffectMeasure m : {EffectMeasure::risk_ratio, EffectMeasure::odds_ratio, EffectMeasure::risk_difference,
                          EffectMeasure::mean_difference, EffectMeasure::smd}) {
    if (n == effect_measure_name(m)) {
      return m;
    }
  }
  return std::nullopt;
}

const char* pool_method_name(PoolMethod m) {
  switch (m) {
  case PoolMethod::fe:
    return "FE";
  case PoolMethod::mh:
    return "MH";
  case PoolMethod::peto:
    return "PETO";
  case PoolMethod::dl:
    return "DL";
  case PoolMethod::reml:
    return "REML";
  case PoolMethod::pm:
    return "PM";
  case PoolMethod::ml:
    return "ML";
  }
  return "?";
}

std::optional<PoolMethod> pool_method_from_name(std::string_view name) {
  const std::string n = upper(name);
  for (PoolMethod m : {PoolMethod::fe, PoolMethod::mh, PoolMethod::peto, PoolMethod::dl, PoolMethod::reml,
                       PoolMethod::pm, PoolMethod::ml}) {
    if (n == pool_method_name(m)) {
      return m;
    }
  }
  return std::nullopt;
}

const char* pool_test_name(PoolTest t) { return t == PoolTest::z ? "z" : "knha"; }

std::optional<PoolTest> pool_test_from_name(std::string_view name) {
  const std::string n = upper(name);
  if (n == "Z") {
    return PoolTest::z;
  }
  if (n == "KNHA" || n == "HK" || n == "HKSJ") {
    return PoolTest::knha;
  }
  return std::nullopt;
}

bool is_ratio_measure(EffectMeasure m) {
  return m == EffectMeasure::risk_ratio || m == EffectMeasure::odds_ratio;
}

EffectSize binary_effect(EffectMeasure measure, const TwoByTwo& t, double add) {
  if (measure == EffectMeasure::mean_difference || measure == EffectMeasure::smd) {
    throw UsageError(std::string("measure ") + effect_measure_name(measure) +
                     " needs means and SDs (m1i sd1i n1i m2i sd2i n2i), not counts");
  }
  double ai = t.ai, bi = t.bi, ci = t.ci, di = t.di;
  for (double v : {ai, bi, ci, di}) {
    if (!std::isfinite(v) || v < 0) {
      throw DataError("", 0, "a count is negative or not a number: " + num(v));
    }
  }
  if (ai + bi <= 0 || ci + di <= 0) {
    throw DataError("", 0, "an arm has no participants (ai+bi or ci+di is 0)");
  }
  // escalc(add = 1/2, to = "only0"): a table with a zero cell gets `add`
  // in all four cells.
  if (ai == 0 || bi == 0 || ci == 0 || di == 0) {
    ai += add;
    bi += add;
    ci += add;
    di += add;
  }
  const double n1 = ai + bi;
  const double n2 = ci + di;
  const double p1 = ai / n1;
  const double p2 = ci / n2;
  EffectSize e;
  switch (measure) {
  case EffectMeasure::risk_ratio:
    e.yi = std::log(p1) - std::log(p2);
    e.vi = 1.0 / ai - 1.0 / n1 + 1.0 / ci - 1.0 / n2;
    break;
  case EffectMeasure::odds_ratio:
    e.yi = std::log(p1 / (1.0 - p1)) - std::log(p2 / (1.0 - p2));
    e.vi = 1.0 / ai + 1.0 / bi + 1.0 / ci + 1.0 / di;
    break;
  default: // risk difference, vtype "LS"
    e.yi = p1 - p2;
    e.vi = p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2;
    break;
  }
  return e;
}

EffectSize continuous_effect(EffectMeasure measure, const ContinuousArms& a, SmdCorrection correction) {
  if (measure != EffectMeasure::mean_difference && measure != EffectMeasure::smd) {
    throw UsageError(std::string("measure ") + effect_measure_name(measure) +
                     " needs counts (ai bi ci di), not means and SDs");
  }
  for (double v : {a.m1i, a.sd1i, a.n1i, a.m2i, a.sd2i, a.n2i}) {
    if (!std::isfinite(v)) {
      throw DataError("", 0, "a value is not a finite number");
    }
  }
  if (a.sd1i < 0 || a.sd2i < 0) {
    throw DataError("", 0, "a standard deviation is negative");
  }
  if (a.n1i <= 0 || a.n2i <= 0) {
    throw DataError("", 0, "an arm size is 0 or negative");
  }
  EffectSize e;
  if (measure == EffectMeasure::mean_difference) {
    e.yi = a.m1i - a.m2i;
    e.vi = a.sd1i * a.sd1i / a.n1i + a.sd2i * a.sd2i / a.n2i;
    return e;
  }
  const double n = a.n1i + a.n2i;
  const double m = n - 2.0;
  if (m <= 1.0) {
    throw DataError("", 0, "the SMD needs more than 3 participants in all (n1i + n2i > 3)");
  }
  const double sdp = std::sqrt(((a.n1i - 1.0) * a.sd1i * a.sd1i + (a.n2i - 1.0) * a.sd2i * a.sd2i) / m);
  if (!(sdp > 0)) {
    throw DataError("", 0, "the pooled standard deviation is 0, so the SMD is undefined");
  }
  const double d = (a.m1i - a.m2i) / sdp;
  if (correction == SmdCorrection::exact) {
    // metafor's .cmicalc: J(m) = Γ(m/2) / (√(m/2) Γ((m−1)/2)), vtype "LS".
    const double j = std::exp(std::lgamma(m / 2.0) - std::log(std::sqrt(m / 2.0)) - std::lgamma((m - 1.0) / 2.0));
    e.yi = j * d;
    e.vi = 1.0 / a.n1i + 1.0 / a.n2i + e.yi * e.yi / (2.0 * n);
  } else {
    // RevMan 5: J ≈ 1 − 3/(4N − 9), v = N/(n1 n2) + g²/(2(N − 3.94)).
    const double j = 1.0 - 3.0 / (4.0 * n - 9.0);
    e.yi = j * d;
    e.vi = n / (a.n1i * a.n2i) + e.yi * e.yi / (2.0 * (n - 3.94));
  }
  return e;
}

} // namespace litrev
