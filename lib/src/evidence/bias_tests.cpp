// Small-study (funnel asymmetry) tests: Egger's regression (metafor's
// regtest, models "lm" and "rma") and Begg's rank correlation (ranktest).
#include <litrev/evidence.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include <litrev/error.hpp>

#include "evidence/numeric.hpp"
#include "evidence/uni.hpp"

namespace litrev {

using namespace evidence_detail;

namespace {

void check_inputs(const std::vector<double>& yi, const std::vector<double>& vi, const char* what) {
  if (yi.size() != vi.size()) {
    throw UsageError(std::string(what) + ": yi and vi differ in length");
  }
  if (yi.size() < 3) {
    throw UsageError(std::string(what) + " needs at least 3 studies (k = " + std::to_string(yi.size()) + ")");
  }
  for (std::size_t i = 0; i < yi.size(); ++i) {
    if (!std::isfinite(yi[i]) || !std::isfinite(vi[i]) || !(vi[i] > 0)) {
      throw DataError("", 0,
                      std::string(what) + ": study " + std::to_string(i + 1) +
                          " has no finite effect size with a positive variance");
    }
  }
}

Design intercept_and_sei(const std::vector<double>& vi) {
  Design d;
  d.k = vi.size();
  d.p = 2;
  for (double v : vi) {
    d.x.push_back(1.0);
    d.x.push_back(std::sqrt(v));
  }
  return d;
}

} // namespace

EggerTest egger_lm(const std::vector<double>& yi, const std::vector<double>& vi, double level) {
  check_inputs(yi, vi, "Egger's test");
  // lm(yi ~ 1 + sei, weights = 1/vi): WLS estimates, residual variance
  // σ² = Σ w r² / (k − 2), coefficient variances σ² (X'WX)⁻¹.
  const std::size_t k = yi.size();
  double sw = 0, swx = 0, swy = 0, swxx = 0, swxy = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double w = 1.0 / vi[i];
    const double x = std::sqrt(vi[i]);
    sw += w;
    swx += w * x;
    swy += w * yi[i];
    swxx += w * x * x;
    swxy += w * x * yi[i];
  }
  const double det = sw * swxx - swx * swx;
  const double slope = (sw * swxy - swx * swy) / det;
  const double intercept = (swy - slope * swx) / sw;
  double rss = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double r = yi[i] - intercept - slope * std::sqrt(vi[i]);
    rss += r * r / vi[i];
  }
  const double df = static_cast<double>(k) - 2.0;
  const double sigma2 = rss / df;
  const double se_slope = std::sqrt(sigma2 * sw / det);
  const double se_intercept = std::sqrt(sigma2 * swxx / det);
  EggerTest t;
  t.zval = slope / se_slope;
  t.pval = 2.0 * stats::t_upper(std::fabs(t.zval), df);
  t.df = df;
  const double crit = stats::t_quantile(1.0 - (1.0 - level) / 2.0, df);
  t.limit_estimate = intercept;
  t.limit_ci_lb = intercept - crit * se_intercept;
  t.limit_ci_ub = intercept + crit * se_intercept;
  t.slope = slope;
  return t;
}

EggerTest egger_rma(const std::vector<double>& yi, const std::vector<double>& vi, PoolMethod method, PoolTest test,
                    double level) {
  check_inputs(yi, vi, "Egger's test");
  if (method == PoolMethod::mh || method == PoolMethod::peto) {
    throw UsageError("Egger's meta-regression is fitted with FE, DL, REML, PM or ML (metafor uses FE for "
                     "Mantel-Haenszel and Peto fits)");
  }
  const UniFit f = fit_uni(intercept_and_sei(vi), yi, vi, method, test, level);
  EggerTest t;
  t.zval = f.zval[1];
  t.pval = f.pval[1];
  t.df = f.df;
  t.limit_estimate = f.beta[0];
  t.limit_ci_lb = f.ci_lb[0];
  t.limit_ci_ub = f.ci_ub[0];
  t.slope = f.beta[1];
  return t;
}

RankTest rank_test(const std::vector<double>& yi, const std::vector<double>& vi) {
  check_inputs(yi, vi, "the rank correlation test");
  const std::size_t n = yi.size();
  // Standardised deviates from the fixed-effect estimate.
  double sw = 0, swy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sw += 1.0 / vi[i];
    swy += yi[i] / vi[i];
  }
  const double theta = swy / sw;
  const double vb = 1.0 / sw;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = (yi[i] - theta) / std::sqrt(vi[i] - vb);
  }
  const std::vector<double>& y = vi;
  // Kendall's tau-b (R's cor(method = "kendall")).
  double s = 0, pairs_x = 0, pairs_y = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double sx = (x[i] > x[j]) - (x[i] < x[j]);
      const double sy = (y[i] > y[j]) - (y[i] < y[j]);
      s += sx * sy;
      pairs_x += sx != 0;
      pairs_y += sy != 0;
    }
  }
  RankTest r;
  r.tau = s / std::sqrt(pairs_x * pairs_y);
  const double nd = static_cast<double>(n);
  const double all_pairs = nd * (nd - 1.0) / 2.0;
  const bool ties = pairs_x < all_pairs || pairs_y < all_pairs;
  if (!std::isfinite(r.tau)) {
    return r;
  }
  if (!ties) {
    // R's cor.test(exact = TRUE) without ties: the exact permutation
    // distribution of T, the number of concordant pairs.
    r.exact = true;
    const double q = std::round((r.tau + 1.0) * nd * (nd - 1.0) / 4.0);
    double p;
    if (q > nd * (nd - 1.0) / 4.0) {
      p = 1.0 - pkendall(q - 1.0, n);
    } else {
      p = pkendall(q, n);
    }
    r.pval = std::min(2.0 * p, 1.0);
    return r;
  }
  // With ties: the normal approximation with the tie-corrected variance of
  // S (R's cor.test, continuity = FALSE).
  auto tie_sums = [](std::vector<double> v, double& t1, double& t2, double& t3) {
    std::sort(v.begin(), v.end());
    t1 = t2 = t3 = 0;
    for (std::size_t i = 0; i < v.size();) {
      std::size_t j = i;
      while (j < v.size() && v[j] == v[i]) {
        ++j;
      }
      const double t = static_cast<double>(j - i);
      if (t > 1) {
        t1 += t * (t - 1);
        t2 += t * (t - 1) * (2 * t + 5);
        t3 += t * (t - 1) * (t - 2);
      }
      i = j;
    }
  };
  double xt1, xt2, xt3, yt1, yt2, yt3;
  tie_sums(x, xt1, xt2, xt3);
  tie_sums(y, yt1, yt2, yt3);
  const double t0 = all_pairs;
  const double big_s = r.tau * std::sqrt((t0 - xt1 / 2.0) * (t0 - yt1 / 2.0));
  const double v0 = nd * (nd - 1) * (2 * nd + 5);
  const double var_s = (v0 - xt2 - yt2) / 18.0 + xt1 * yt1 / (2 * nd * (nd - 1)) +
                       xt3 * yt3 / (9 * nd * (nd - 1) * (nd - 2));
  const double z = big_s / std::sqrt(var_s);
  r.pval = 2.0 * std::min(stats::normal_upper(-z), stats::normal_upper(z));
  return r;
}

} // namespace litrev
