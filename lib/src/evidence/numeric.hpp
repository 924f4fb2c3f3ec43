// Private: the numerical tools of the evidence module that are not part of
// the public API: R's uniroot() root finder, the exact null distribution of
// Kendall's statistic, and a few order statistics, each written to give the
// same numbers as the R function it stands in for.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace litrev::evidence_detail {

// The outcome of root finding, as R's uniroot() reports it.
struct Root {
  double root = 0;
  int iterations = 0;
  bool converged = false;
};

// R's uniroot(f, c(lower, upper), tol, maxiter) with f(lower) and f(upper)
// already known: Brent's method as published by Forsythe, Malcolm and Moler
// (1977, "zeroin"), in the variant R uses (R_zeroin2): bisection combined
// with linear or inverse quadratic interpolation, stopping when the bracket
// is below 2·DBL_EPSILON·|b| + tol/2. Following the same steps as R matters:
// metafor calls uniroot with tol = 1.22e-4, so its answers are those of this
// iteration, not the exact root. Requires f_lower and f_upper of opposite
// signs (or one of them 0).
Root uniroot(const std::function<double(double)>& f, double lower, double upper, double f_lower,
             double f_upper, double tol, int maxiter);

// .Machine$double.eps^0.25, uniroot's and metafor's default tolerance.
inline constexpr double k_uniroot_tol = 1.220703125e-04;

// P(T <= q) for Kendall's statistic T (the number of concordant pairs) of n
// untied observations under independence: R's pkendall (ckendall counts the
// permutations of n with a given number of inversions; here the counts are
// kept as probabilities, level by level, so that n! never overflows).
double pkendall(double q, std::size_t n);

// R's median() and mad() (constant 1.4826).
double median(std::vector<double> x);
double mad(const std::vector<double>& x);

} // namespace litrev::evidence_detail
