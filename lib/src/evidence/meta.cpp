// Meta-analytic models (litrev/evidence.hpp): metafor's rma.uni (with a
// general design matrix, because Egger's test is a meta-regression),
// rma.mh, rma.peto, predict and confint, written step for step after
// metafor 3.8-1 so that iterative estimators stop where metafor's stop.
#include <litrev/evidence.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include <litrev/error.hpp>

#include "evidence/numeric.hpp"
#include "evidence/uni.hpp"

namespace litrev {

namespace evidence_detail {

namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

// metafor's rma.uni control defaults.
constexpr double k_threshold = 1e-5; // Fisher scoring: stop when |change| <= threshold
constexpr int k_maxiter = 100;

// Small dense matrices, row-major.
using Mat = std::vector<double>;

// The inverse of the p x p matrix `a` (Gauss-Jordan with partial
// pivoting), and its log determinant. Throws Error when `a` is singular.
Mat inverse(Mat a, std::size_t p, double* logdet = nullptr) {
  Mat inv(p * p, 0.0);
  for (std::size_t i = 0; i < p; ++i) {
    inv[i * p + i] = 1.0;
  }
  double ld = 0.0;
  for (std::size_t col = 0; col < p; ++col) {
    std::size_t piv = col;
    for (std::size_t r = col + 1; r < p; ++r) {
      if (std::fabs(a[r * p + col]) > std::fabs(a[piv * p + col])) {
        piv = r;
      }
    }
    if (a[piv * p + col] == 0.0) {
      throw Error("the model matrix is not of full rank; the model cannot be fitted");
    }
    if (piv != col) {
      for (std::size_t j = 0; j < p; ++j) {
        std::swap(a[piv * p + j], a[col * p + j]);
        std::swap(inv[piv * p + j], inv[col * p + j]);
      }
    }
    const double d = a[col * p + col];
    ld += std::log(std::fabs(d));
    for (std::size_t j = 0; j < p; ++j) {
      a[col * p + j] /= d;
      inv[col * p + j] /= d;
    }
    for (std::size_t r = 0; r < p; ++r) {
      if (r != col) {
        const double f = a[r * p + col];
        if (f != 0.0) {
          for (std::size_t j = 0; j < p; ++j) {
            a[r * p + j] -= f * a[col * p + j];
            inv[r * p + j] -= f * inv[col * p + j];
          }
        }
      }
    }
  }
  if (logdet) {
    *logdet = ld;
  }
  return inv;
}

// X'WX for weights w (p x p).
Mat xtwx(const Design& x, const std::vector<double>& w) {
  Mat m(x.p * x.p, 0.0);
  for (std::size_t i = 0; i < x.k; ++i) {
    for (std::size_t a = 0; a < x.p; ++a) {
      for (std::size_t b = 0; b < x.p; ++b) {
        m[a * x.p + b] += x.at(i, a) * w[i] * x.at(i, b);
      }
    }
  }
  return m;
}

// P = W − W X (X'WX)⁻¹ X' W (k x k).
Mat projection(const Design& x, const std::vector<double>& w) {
  const Mat inv = inverse(xtwx(x, w), x.p);
  Mat pm(x.k * x.k, 0.0);
  for (std::size_t i = 0; i < x.k; ++i) {
    for (std::size_t j = 0; j < x.k; ++j) {
      double h = 0.0;
      for (std::size_t a = 0; a < x.p; ++a) {
        for (std::size_t b = 0; b < x.p; ++b) {
          h += x.at(i, a) * inv[a * x.p + b] * x.at(j, b);
        }
      }
      pm[i * x.k + j] = (i == j ? w[i] : 0.0) - w[i] * h * w[j];
    }
  }
  return pm;
}

double trace(const Mat& m, std::size_t k) {
  double t = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    t += m[i * k + i];
  }
  return t;
}

// y' M y.
double quad(const Mat& m, const std::vector<double>& y) {
  const std::size_t k = y.size();
  double s = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    double r = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      r += m[i * k + j] * y[j];
    }
    s += y[i] * r;
  }
  return s;
}

// M y.
std::vector<double> mul(const Mat& m, const std::vector<double>& y) {
  const std::size_t k = y.size();
  std::vector<double> out(k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      out[i] += m[i * k + j] * y[j];
    }
  }
  return out;
}

double sum_sq(const Mat& m) {
  double s = 0.0;
  for (double v : m) {
    s += v * v;
  }
  return s;
}

std::vector<double> weights_at(const std::vector<double>& vi, double tau2) {
  std::vector<double> w(vi.size());
  for (std::size_t i = 0; i < vi.size(); ++i) {
    w[i] = 1.0 / (vi[i] + tau2);
  }
  return w;
}

// metafor's .QE.func: the generalised Q statistic Y'P(tau2)Y.
double generalised_q(const Design& x, const std::vector<double>& y, const std::vector<double>& vi, double tau2) {
  return quad(projection(x, weights_at(vi, tau2)), y);
}

// Weighted least squares: beta = (X'WX)⁻¹ X'W y; returns beta and fills
// `vb` with (X'WX)⁻¹.
std::vector<double> wls(const Design& x, const std::vector<double>& w, const std::vector<double>& y, Mat& vb) {
  vb = inverse(xtwx(x, w), x.p);
  std::vector<double> xwy(x.p, 0.0);
  for (std::size_t i = 0; i < x.k; ++i) {
    for (std::size_t a = 0; a < x.p; ++a) {
      xwy[a] += x.at(i, a) * w[i] * y[i];
    }
  }
  std::vector<double> beta(x.p, 0.0);
  for (std::size_t a = 0; a < x.p; ++a) {
    for (std::size_t b = 0; b < x.p; ++b) {
      beta[a] += vb[a * x.p + b] * xwy[b];
    }
  }
  return beta;
}

double rss_at(const Design& x, const std::vector<double>& w, const std::vector<double>& y,
              const std::vector<double>& beta) {
  double s = 0.0;
  for (std::size_t i = 0; i < x.k; ++i) {
    double fit = 0.0;
    for (std::size_t a = 0; a < x.p; ++a) {
      fit += x.at(i, a) * beta[a];
    }
    s += w[i] * (y[i] - fit) * (y[i] - fit);
  }
  return s;
}

// Log likelihoods at tau2 (rma.uni's ll.ML and ll.REML with REMLf = TRUE).
void log_likelihoods(const Design& x, const std::vector<double>& y, const std::vector<double>& vi, double tau2,
                     double& ll_ml, double& ll_reml) {
  const auto w = weights_at(vi, tau2);
  Mat vb;
  const auto beta = wls(x, w, y, vb);
  const double rss = rss_at(x, w, y, beta);
  double sum_log = 0.0;
  for (double v : vi) {
    sum_log += std::log(v + tau2);
  }
  const double k = static_cast<double>(x.k);
  const double p = static_cast<double>(x.p);
  const double log2pi = std::log(2.0 * std::numbers::pi);
  double logdet_xx = 0.0;
  double logdet_xwx = 0.0;
  inverse(xtwx(x, std::vector<double>(x.k, 1.0)), x.p, &logdet_xx);
  inverse(xtwx(x, w), x.p, &logdet_xwx);
  ll_ml = -0.5 * k * log2pi - 0.5 * sum_log - 0.5 * rss;
  ll_reml = -0.5 * (k - p) * log2pi + 0.5 * logdet_xx - 0.5 * sum_log - 0.5 * logdet_xwx - 0.5 * rss;
}

} // namespace

UniFit fit_uni(const Design& x, const std::vector<double>& yi, const std::vector<double>& vi, PoolMethod method,
               PoolTest test, double level) {
  const std::size_t k = x.k;
  const std::size_t p = x.p;
  const double kd = static_cast<double>(k);
  const double pd = static_cast<double>(p);
  if (method == PoolMethod::mh || method == PoolMethod::peto) {
    throw UsageError("Mantel-Haenszel and Peto pool 2x2 tables, not effect sizes");
  }
  const bool fe = method == PoolMethod::fe;
  if (k == 0 || (k < p + (fe ? 0 : 1) && !(p == 1 && k == 1))) {
    throw UsageError(std::string("too few studies (k = ") + std::to_string(k) + ") for a " +
                     pool_method_name(method) + " model with " + std::to_string(p) + " coefficient(s)");
  }
  for (std::size_t i = 0; i < k; ++i) {
    if (!std::isfinite(yi[i]) || !std::isfinite(vi[i]) || !(vi[i] > 0)) {
      throw DataError("", 0,
                      "study " + std::to_string(i + 1) + ": the effect size must be a finite number with a "
                      "positive sampling variance");
    }
  }
  UniFit r;
  r.method = method;
  r.test = test;
  // rma.uni: with k = 1 the model is fitted with tau2 = 0 and a z test.
  const bool k1 = k == 1;
  if (k1) {
    r.test = test = PoolTest::z;
  }
  // Ymc: yi centred at its mean (metafor estimates tau2 from it; it changes
  // nothing in exact arithmetic when X has an intercept).
  double mean = 0.0;
  for (double v : yi) {
    mean += v;
  }
  mean /= kd;
  std::vector<double> ymc(k);
  for (std::size_t i = 0; i < k; ++i) {
    ymc[i] = yi[i] - mean;
  }

  double tau2 = 0.0;
  double se_tau2 = k_nan;
  if (!fe && !k1) {
    std::vector<double> wfe(k);
    for (std::size_t i = 0; i < k; ++i) {
      wfe[i] = 1.0 / vi[i];
    }
    if (method == PoolMethod::dl) {
      const Mat pm = projection(x, wfe);
      const double rss = quad(pm, ymc);
      const double trp = trace(pm, k);
      tau2 = std::max(0.0, (rss - (kd - pd)) / trp);
      se_tau2 = std::sqrt(1.0 / (trp * trp) *
                          (2.0 * (kd - pd) + 4.0 * std::max(tau2, 0.0) * trp +
                           2.0 * std::max(tau2, 0.0) * std::max(tau2, 0.0) * sum_sq(pm)));
    } else if (method == PoolMethod::pm) {
      const double tau2_max = std::max(100.0, 10.0 * std::pow(mad(yi), 2.0));
      const double target = kd - pd;
      auto f = [&](double t) { return generalised_q(x, ymc, vi, t) - target; };
      const double f0 = f(0.0);
      if (f0 < 0.0) {
        tau2 = 0.0;
      } else {
        const double fmax = f(tau2_max);
        if (fmax > 0.0) {
          throw Error("Paule-Mandel: tau2 lies above " + std::to_string(tau2_max) +
                      " (metafor: \"Value of 'tau2.max' too low\"); use another method");
        }
        tau2 = uniroot(f, 0.0, tau2_max, f0, fmax, k_uniroot_tol, k_maxiter).root;
      }
      tau2 = std::max(0.0, tau2);
      double sw = 0.0;
      for (double w : weights_at(vi, tau2)) {
        sw += w;
      }
      se_tau2 = std::sqrt(2.0 * kd * kd / (kd - pd) / (sw * sw));
    } else {
      // REML and ML: Fisher scoring from the Hedges (HE) estimate.
      const Mat p0 = projection(x, std::vector<double>(k, 1.0));
      const double rss0 = quad(p0, ymc);
      double trpv = 0.0;
      for (std::size_t i = 0; i < k; ++i) {
        trpv += p0[i * k + i] * vi[i];
      }
      tau2 = std::max(0.0, (rss0 - trpv) / (kd - pd));
      double change = k_threshold + 1.0;
      int iter = 0;
      bool conv = true;
      while (change > k_threshold) {
        ++iter;
        const double old = tau2;
        const auto w = weights_at(vi, tau2);
        const Mat pm = projection(x, w);
        const auto py = mul(pm, ymc);
        double yppy = 0.0;
        for (double v : py) {
          yppy += v * v;
        }
        double adj;
        if (method == PoolMethod::ml) {
          double sw = 0.0;
          double sw2 = 0.0;
          for (double v : w) {
            sw += v;
            sw2 += v * v;
          }
          adj = (yppy - sw) / sw2;
        } else {
          adj = (yppy - trace(pm, k)) / sum_sq(pm); // tr(PP) = Σ P_ij² (P symmetric)
        }
        if (std::isnan(adj)) {
          adj = 0.0;
        }
        while (tau2 + adj < 0.0) {
          adj /= 2.0;
        }
        tau2 = tau2 + adj;
        change = std::fabs(old - tau2);
        if (iter > k_maxiter) {
          conv = false;
          break;
        }
      }
      if (!conv) {
        throw Error(std::string("the Fisher scoring algorithm for ") + pool_method_name(method) +
                    " did not converge in " + std::to_string(k_maxiter) + " iterations");
      }
      // metafor's ll0check: fall back to tau2 = 0 if the likelihood there is
      // higher (a local maximum).
      double ll0_ml, ll0_reml, ll_ml, ll_reml;
      log_likelihoods(x, ymc, vi, 0.0, ll0_ml, ll0_reml);
      log_likelihoods(x, ymc, vi, tau2, ll_ml, ll_reml);
      const double ll0 = method == PoolMethod::ml ? ll0_ml : ll0_reml;
      const double ll = method == PoolMethod::ml ? ll_ml : ll_reml;
      if (ll0 - ll > k_uniroot_tol && tau2 > k_threshold) {
        tau2 = 0.0;
        r.warnings.push_back("Fisher scoring may have stopped at a local maximum; tau2 set to 0");
      }
      tau2 = std::max(0.0, tau2);
      const auto w = weights_at(vi, tau2);
      if (method == PoolMethod::ml) {
        double sw2 = 0.0;
        for (double v : w) {
          sw2 += v * v;
        }
        se_tau2 = std::sqrt(2.0 / sw2);
      } else {
        se_tau2 = std::sqrt(2.0 / sum_sq(projection(x, w)));
      }
    }
  }
  r.tau2 = tau2;
  r.se_tau2 = se_tau2;

  // Model fitting.
  const auto w = weights_at(vi, tau2);
  Mat vb;
  r.beta = wls(x, w, yi, vb);
  const double rss_f = rss_at(x, w, yi, r.beta);
  double s2w = 1.0;
  if (test == PoolTest::knha) {
    s2w = rss_f <= std::numeric_limits<double>::epsilon() ? 0.0 : rss_f / (kd - pd);
  }
  for (double& v : vb) {
    v *= s2w;
  }
  r.vb = vb;
  double crit;
  if (test == PoolTest::knha) {
    r.df = kd - pd;
    crit = r.df > 0 ? stats::t_quantile(1.0 - (1.0 - level) / 2.0, r.df) : k_nan;
  } else {
    crit = stats::normal_quantile(1.0 - (1.0 - level) / 2.0);
  }
  r.crit = crit;
  for (std::size_t a = 0; a < p; ++a) {
    const double se = std::sqrt(vb[a * p + a]);
    const double z = r.beta[a] / se;
    r.se.push_back(se);
    r.zval.push_back(z);
    r.pval.push_back(test == PoolTest::knha ? (r.df > 0 ? 2.0 * stats::t_upper(std::fabs(z), r.df) : k_nan)
                                            : 2.0 * stats::normal_upper(std::fabs(z)));
    r.ci_lb.push_back(r.beta[a] - crit * se);
    r.ci_ub.push_back(r.beta[a] + crit * se);
  }

  // Heterogeneity.
  if (k > p) {
    std::vector<double> wfe(k);
    for (std::size_t i = 0; i < k; ++i) {
      wfe[i] = 1.0 / vi[i];
    }
    const Mat pm = projection(x, wfe);
    r.q = std::max(0.0, quad(pm, ymc));
    r.q_df = k - p;
    r.q_pval = stats::chisq_upper(r.q, kd - pd);
    r.vt = (kd - pd) / trace(pm, k);
    if (fe) {
      r.i2 = r.q > 0 ? std::max(0.0, 100.0 * (r.q - (kd - pd)) / r.q) : 0.0;
      r.h2 = r.q / (kd - pd);
    } else {
      r.i2 = 100.0 * tau2 / (r.vt + tau2);
      r.h2 = tau2 / r.vt + 1.0;
    }
  } else {
    r.q = 0.0;
    r.q_df = 0;
    r.q_pval = 1.0;
    r.i2 = 0.0;
    r.h2 = 1.0;
    r.vt = 0.0;
  }
  log_likelihoods(x, yi, vi, tau2, r.ll_ml, r.ll_reml);
  return r;
}

Interval qprofile(const Design& x, const std::vector<double>& yi, const std::vector<double>& vi, double tau2,
                  double level) {
  // confint.rma.uni, type "QP", default control.
  Interval ci;
  const std::size_t k = x.k;
  if (k <= x.p) {
    return ci;
  }
  const double df = static_cast<double>(k - x.p);
  const double tau2_min = std::min(0.0, tau2);
  const double tau2_max = std::max({100.0, tau2 * 10.0, tau2_min * 10.0});
  const double alpha = 1.0 - level;
  const double crit_u = stats::chisq_quantile(1.0 - alpha / 2.0, df);
  const double crit_l = stats::chisq_quantile(alpha / 2.0, df);
  auto qe = [&](double t) { return generalised_q(x, yi, vi, t); };
  const double qe_max = qe(tau2_max);
  const double qe_min = qe(tau2_min);
  constexpr int k_ci_maxiter = 1000;
  if (qe_min < crit_l) {
    ci.lb = tau2_min;
    ci.ub = tau2_min;
    ci.lb_sign = "<";
    ci.ub_sign = "<";
  } else if (qe_max > crit_l) {
    ci.ub = tau2_max;
    ci.ub_sign = ">";
  } else {
    ci.ub = uniroot([&](double t) { return qe(t) - crit_l; }, tau2_min, tau2_max, qe_min - crit_l,
                    qe_max - crit_l, k_uniroot_tol, k_ci_maxiter)
                .root;
  }
  if (qe_max > crit_u) {
    ci.lb = tau2_max;
    ci.ub = tau2_max;
    ci.lb_sign = ">";
    ci.ub_sign = ">";
  } else if (qe_min < crit_u) {
    ci.lb = tau2_min;
    if (tau2_min > 0) {
      ci.lb_sign = "<";
    }
  } else {
    ci.lb = uniroot([&](double t) { return qe(t) - crit_u; }, tau2_min, tau2_max, qe_min - crit_u,
                    qe_max - crit_u, k_uniroot_tol, k_ci_maxiter)
                .root;
  }
  return ci;
}

Design intercept_only(std::size_t k) {
  Design d;
  d.k = k;
  d.p = 1;
  d.x.assign(k, 1.0);
  return d;
}

} // namespace evidence_detail

using namespace evidence_detail;

namespace {

std::vector<std::string> labels_or_numbers(std::vector<std::string> labels, std::size_t k) {
  if (labels.size() != k) {
    labels.clear();
    for (std::size_t i = 0; i < k; ++i) {
      labels.push_back(std::to_string(i + 1));
    }
  }
  return labels;
}

} // namespace

MetaFit meta_uni(const std::vector<double>& yi, const std::vector<double>& vi, PoolMethod method, PoolTest test,
                 double level, std::vector<std::string> labels) {
  if (yi.size() != vi.size()) {
    throw UsageError("meta_uni: yi and vi differ in length");
  }
  const std::size_t k = yi.size();
  if (k == 0) {
    throw UsageError("no studies to pool");
  }
  const Design x = intercept_only(k);
  const UniFit u = fit_uni(x, yi, vi, method, test, level);
  MetaFit f;
  f.method = method;
  f.test = u.test;
  f.level = level;
  f.k = k;
  f.estimate = u.beta[0];
  f.se = u.se[0];
  f.zval = u.zval[0];
  f.pval = u.pval[0];
  f.ci_lb = u.ci_lb[0];
  f.ci_ub = u.ci_ub[0];
  f.df = u.df;
  f.tau2 = u.tau2;
  f.se_tau2 = u.se_tau2;
  f.i2 = u.i2;
  f.h2 = u.h2;
  f.q = u.q;
  f.q_df = u.q_df;
  f.q_pval = u.q_pval;
  f.s2 = u.vt;
  f.loglik = method == PoolMethod::reml ? u.ll_reml : u.ll_ml;
  if (method != PoolMethod::fe) {
    // predict.rma: pred ± crit·√(se² + tau2), crit from the model's test.
    const double half = u.crit * std::sqrt(u.vb[0] + u.tau2);
    f.pi_lb = f.estimate - half;
    f.pi_ub = f.estimate + half;
    if (k > 1) {
      const Interval ci = qprofile(x, yi, vi, u.tau2, level);
      f.tau2_ci_lb = ci.lb;
      f.tau2_ci_ub = ci.ub;
      f.tau2_ci_lb_sign = ci.lb_sign;
      f.tau2_ci_ub_sign = ci.ub_sign;
      f.i2_ci_lb = 100.0 * ci.lb / (u.vt + ci.lb);
      f.i2_ci_ub = 100.0 * ci.ub / (u.vt + ci.ub);
      f.h2_ci_lb = ci.lb / u.vt + 1.0;
      f.h2_ci_ub = ci.ub / u.vt + 1.0;
    }
  }
  labels = labels_or_numbers(std::move(labels), k);
  double sw = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    sw += 1.0 / (vi[i] + u.tau2);
  }
  for (std::size_t i = 0; i < k; ++i) {
    f.studies.push_back({labels[i], yi[i], vi[i], 1.0 / (vi[i] + u.tau2) / sw * 100.0});
  }
  return f;
}

Interval qprofile_tau2_ci(const std::vector<double>& yi, const std::vector<double>& vi, double tau2,
                          double level) {
  if (yi.size() != vi.size()) {
    throw UsageError("qprofile_tau2_ci: yi and vi differ in length");
  }
  return qprofile(intercept_only(yi.size()), yi, vi, tau2, level);
}

MetaFit meta_tables(const std::vector<TwoByTwo>& tables, EffectMeasure measure, PoolMethod method, double level,
                    std::vector<std::string> labels) {
  if (method != PoolMethod::mh && method != PoolMethod::peto) {
    throw UsageError("meta_tables pools with MH or PETO only");
  }
  if (method == PoolMethod::mh && measure != EffectMeasure::odds_ratio && measure != EffectMeasure::risk_ratio &&
      measure != EffectMeasure::risk_difference) {
    throw UsageError("Mantel-Haenszel pools RR, OR or RD, not " + std::string(effect_measure_name(measure)));
  }
  if (method == PoolMethod::peto && measure != EffectMeasure::odds_ratio) {
    throw UsageError("Peto's method gives an odds ratio; use --measure OR");
  }
  const std::size_t k = tables.size();
  if (k == 0) {
    throw UsageError("no studies to pool");
  }
  for (const TwoByTwo& t : tables) {
    for (double v : {t.ai, t.bi, t.ci, t.di}) {
      if (!std::isfinite(v) || v < 0) {
        throw DataError("", 0, "a count is negative or not a number");
      }
    }
    if (t.ai + t.bi <= 0 || t.ci + t.di <= 0) {
      throw DataError("", 0, "an arm has no participants (ai+bi or ci+di is 0)");
    }
  }
  labels = labels_or_numbers(std::move(labels), k);
  MetaFit f;
  f.measure = measure;
  f.method = method;
  f.test = PoolTest::z;
  f.level = level;
  f.k = k;
  const double crit = stats::normal_quantile(1.0 - (1.0 - level) / 2.0);

  // Per-study yi/vi: escalc with 1/2 added to tables with a zero cell, and
  // none for tables with no events in either arm or only events
  // (drop00 = TRUE).
  std::vector<double> yi(k, k_nan), vi(k, k_nan);
  std::vector<double> weight(k, 0.0);
  std::size_t k_yi = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const TwoByTwo& t = tables[i];
    const bool double_zero = (t.ai == 0 && t.ci == 0) || (t.bi == 0 && t.di == 0);
    if (double_zero) {
      continue;
    }
    EffectSize e;
    if (method == PoolMethod::peto) {
      double ai = t.ai, bi = t.bi, ci = t.ci, di = t.di;
      if (ai == 0 || bi == 0 || ci == 0 || di == 0) {
        ai += 0.5;
        bi += 0.5;
        ci += 0.5;
        di += 0.5;
      }
      const double n1 = ai + bi, n2 = ci + di, n = n1 + n2;
      const double xt = ai + ci, yt = bi + di;
      const double ei = xt * n1 / n;
      const double v = xt * yt * (n1 / n) * (n2 / n) / (n - 1.0);
      e.yi = (ai - ei) / v;
      e.vi = 1.0 / v;
    } else {
      e = binary_effect(measure, t, 0.5);
    }
    yi[i] = e.yi;
    vi[i] = e.vi;
    ++k_yi;
  }

  double q = 0.0;
  if (method == PoolMethod::peto) {
    double sum_o_e = 0.0, sum_v = 0.0, sum_sq_ratio = 0.0;
    std::size_t k_pos = 0;
    for (std::size_t i = 0; i < k; ++i) {
      const TwoByTwo& t = tables[i];
      const double n1 = t.ai + t.bi, n2 = t.ci + t.di, n = n1 + n2;
      const double xt = t.ai + t.ci, yt = t.bi + t.di;
      const double ei = xt * n1 / n;
      const double v = xt * yt * (n1 / n) * (n2 / n) / (n - 1.0);
      weight[i] = v;
      sum_o_e += t.ai - ei;
      if (v > 0) {
        sum_v += v;
        sum_sq_ratio += (t.ai - ei) * (t.ai - ei) / v;
        ++k_pos;
      }
    }
    if (sum_v == 0.0) {
      throw Error("one of the two outcomes never occurred in any table; Peto's method cannot be used");
    }
    f.estimate = sum_o_e / sum_v;
    f.se = std::sqrt(1.0 / sum_v);
    q = std::max(0.0, sum_sq_ratio - sum_o_e * sum_o_e / sum_v);
    f.q = q;
    if (k_pos > 1) {
      const double dfq = static_cast<double>(k_yi) - 1.0;
      f.q_pval = stats::chisq_upper(q, dfq);
      f.i2 = q > 0 ? std::max(0.0, 100.0 * (q - dfq) / q) : 0.0;
      f.h2 = q / dfq;
    } else {
      f.q_pval = 1.0;
      f.i2 = 0.0;
      f.h2 = 1.0;
    }
  } else {
    double sum_r = 0, sum_s = 0, sum_pr = 0, sum_ps_qr = 0, sum_qs = 0, sum_ai = 0, sum_ci = 0;
    double rr_var = 0, rd_num = 0, rd_den = 0, rd_v1 = 0, rd_v2 = 0;
    for (std::size_t i = 0; i < k; ++i) {
      const TwoByTwo& t = tables[i];
      const double n1 = t.ai + t.bi, n2 = t.ci + t.di, n = n1 + n2;
      switch (measure) {
      case EffectMeasure::odds_ratio: {
        const double pi = t.ai / n + t.di / n;
        const double qi = t.bi / n + t.ci / n;
        const double ri = (t.ai / n) * t.di;
        const double si = (t.bi / n) * t.ci;
        sum_r += ri;
        sum_s += si;
        sum_pr += pi * ri;
        sum_ps_qr += pi * si + qi * ri;
        sum_qs += qi * si;
        weight[i] = (t.bi / n) * t.ci;
        break;
      }
      case EffectMeasure::risk_ratio:
        sum_r += t.ai * (n2 / n);
        sum_s += t.ci * (n1 / n);
        sum_ai += t.ai;
        sum_ci += t.ci;
        rr_var += (n1 / n) * (n2 / n) * (t.ai + t.ci) - (t.ai / n) * t.ci;
        weight[i] = (t.ci / n) * (t.ai + t.bi);
        break;
      default:
        rd_num += t.ai * (n2 / n) - t.ci * (n1 / n);
        rd_den += n1 * (n2 / n);
        rd_v1 += t.ci * (n1 / n) * (n1 / n) - t.ai * (n2 / n) * (n2 / n) + (n1 / n) * (n2 / n) * (n2 - n1) / 2.0;
        rd_v2 += t.ai * (n2 - t.ci) / n + t.ci * (n1 - t.ai) / n;
        weight[i] = (n1 / n) * (t.ci + t.di);
        break;
      }
    }
    if (measure == EffectMeasure::odds_ratio) {
      if (sum_r == 0 || sum_s == 0) {
        throw Error("the Mantel-Haenszel odds ratio does not exist: no table has events and non-events in "
                    "the needed cells (sum of ai·di or bi·ci is 0)");
      }
      f.estimate = std::log(sum_r / sum_s);
      f.se = std::sqrt(0.5 * (sum_pr / (sum_r * sum_r) + sum_ps_qr / (sum_r * sum_s) + sum_qs / (sum_s * sum_s)));
    } else if (measure == EffectMeasure::risk_ratio) {
      if (sum_ai == 0 || sum_ci == 0) {
        throw Error("the Mantel-Haenszel risk ratio does not exist: an arm has no events in any study");
      }
      f.estimate = std::log(sum_r / sum_s);
      f.se = std::sqrt(rr_var / (sum_r * sum_s));
    } else {
      f.estimate = rd_num / rd_den;
      f.se = std::sqrt((f.estimate * rd_v1 + rd_v2 / 2.0) / (rd_den * rd_den));
    }
    if (k_yi > 1) {
      for (std::size_t i = 0; i < k; ++i) {
        if (!std::isnan(yi[i])) {
          q += (yi[i] - f.estimate) * (yi[i] - f.estimate) / vi[i];
        }
      }
      q = std::max(0.0, q);
      const double dfq = static_cast<double>(k_yi) - 1.0;
      f.q = q;
      f.q_pval = stats::chisq_upper(q, dfq);
      f.i2 = q > 0 ? std::max(0.0, 100.0 * (q - dfq) / q) : 0.0;
      f.h2 = q / dfq;
    } else {
      f.q = 0.0;
      f.q_pval = 1.0;
      f.i2 = 0.0;
      f.h2 = 1.0;
    }
  }
  f.q_df = k_yi > 0 ? k_yi - 1 : 0;
  f.zval = f.estimate / f.se;
  f.pval = 2.0 * stats::normal_upper(std::fabs(f.zval));
  f.ci_lb = f.estimate - crit * f.se;
  f.ci_ub = f.estimate + crit * f.se;
  f.tau2 = 0.0;
  double sw = 0.0;
  for (double w : weight) {
    sw += w;
  }
  for (std::size_t i = 0; i < k; ++i) {
    f.studies.push_back({labels[i], yi[i], vi[i], sw > 0 ? weight[i] / sw * 100.0 : k_nan});
  }
  return f;
}

} // namespace litrev
