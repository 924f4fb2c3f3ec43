// Private: metafor's rma.uni with a general design matrix (meta.cpp), used
// by the intercept-only models of meta_uni and by Egger's meta-regression
// (bias_tests.cpp).
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <litrev/evidence.hpp>

namespace litrev::evidence_detail {

// k x p model matrix, row-major.
struct Design {
  std::size_t k = 0;
  std::size_t p = 0;
  std::vector<double> x;
  double at(std::size_t i, std::size_t j) const { return x[i * p + j]; }
};

Design intercept_only(std::size_t k);

// The fitted model, one entry per coefficient where a vector.
struct UniFit {
  PoolMethod method = PoolMethod::reml;
  PoolTest test = PoolTest::z; // z when k = 1, whatever was asked
  std::vector<double> beta, se, zval, pval, ci_lb, ci_ub;
  std::vector<double> vb; // p x p variance of beta (knha-scaled)
  double crit = 0;        // the normal or t critical value of the CIs
  double df = std::numeric_limits<double>::quiet_NaN();
  double tau2 = 0;
  double se_tau2 = std::numeric_limits<double>::quiet_NaN();
  double q = 0, q_pval = 1, i2 = 0, h2 = 1, vt = 0;
  std::size_t q_df = 0;
  double ll_ml = 0, ll_reml = 0;
  std::vector<std::string> warnings;
};

// rma.uni(yi, vi, mods = X, intercept = FALSE, method, test, level) with
// metafor's default control. Throws as meta_uni (litrev/evidence.hpp).
UniFit fit_uni(const Design& x, const std::vector<double>& yi, const std::vector<double>& vi, PoolMethod method,
               PoolTest test, double level);

// confint.rma.uni(type = "QP") for tau2 of the model `x`.
Interval qprofile(const Design& x, const std::vector<double>& yi, const std::vector<double>& vi, double tau2,
                  double level);

} // namespace litrev::evidence_detail
