// Distribution functions (litrev/evidence.hpp, namespace stats) and the
// private numerical tools of numeric.hpp. No special-function library is
// used: each function names its method.
#include <litrev/evidence.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <numbers>

#include "evidence/numeric.hpp"

namespace litrev {

namespace {

constexpr double k_eps = std::numeric_limits<double>::epsilon();
constexpr double k_tiny = 1e-300; // Lentz's guard against a zero denominator
constexpr double k_inf = std::numeric_limits<double>::infinity();
constexpr int k_max_terms = 100000;

// log Γ(a): the C library's lgamma (glibc: accurate to a few ulp). Only
// positive arguments occur here, so the sign is never needed.
double log_gamma(double a) { return std::lgamma(a); }

// Series for P(a, x), converging for x < a + 1 (Numerical Recipes 6.2,
// gser): P = e^{-x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n)).
double gamma_p_series(double a, double x) {
  double ap = a;
  double del = 1.0 / a;
  double sum = del;
  for (int n = 0; n < k_max_terms; ++n) {
    ap += 1.0;
    del *= x / ap;
    sum += del;
    if (std::fabs(del) < std::fabs(sum) * k_eps) {
      break;
    }
  }
  return sum * std::exp(-x + a * std::log(x) - log_gamma(a));
}

// Continued fraction for Q(a, x), converging for x >= a + 1 (Numerical
// Recipes 6.2, gcf: Legendre's fraction evaluated with the modified Lentz
// method).
double gamma_q_fraction(double a, double x) {
  double b = x + 1.0 - a;
  double c = 1.0 / k_tiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < k_max_terms; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < k_tiny) {
      d = k_tiny;
    }
    c = b + an / c;
    if (std::fabs(c) < k_tiny) {
      c = k_tiny;
    }
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < k_eps) {
      break;
    }
  }
  return std::exp(-x + a * std::log(x) - log_gamma(a)) * h;
}

// Continued fraction for the incomplete beta function (Numerical Recipes
// 6.4, betacf, modified Lentz). `x` is the argument of the fraction.
double beta_fraction(double a, double b, double x) {
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < k_tiny) {
    d = k_tiny;
  }
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m < k_max_terms; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < k_tiny) {
      d = k_tiny;
    }
    c = 1.0 + aa / c;
    if (std::fabs(c) < k_tiny) {
      c = k_tiny;
    }
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < k_tiny) {
      d = k_tiny;
    }
    c = 1.0 + aa / c;
    if (std::fabs(c) < k_tiny) {
      c = k_tiny;
    }
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < k_eps) {
      break;
    }
  }
  return h;
}

// I_x(a, b) given both x and y = 1 − x (so that callers can pass a y
// computed without cancellation). Numerical Recipes 6.4 (betai): the
// fraction converges fast for x < (a+1)/(a+b+2); otherwise the symmetry
// I_x(a, b) = 1 − I_y(b, a) is used.
double beta_inc_xy(double a, double b, double x, double y) {
  if (x <= 0.0) {
    return 0.0;
  }
  if (y <= 0.0) {
    return 1.0;
  }
  const double log_front =
      log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * std::log(x) + b * std::log(y);
  if (x < (a + 1.0) / (a + b + 2.0)) {
    return std::exp(log_front) * beta_fraction(a, b, x) / a;
  }
  return 1.0 - std::exp(log_front) * beta_fraction(b, a, y) / b;
}

// Student t density.
double t_density(double t, double df) {
  return std::exp(log_gamma((df + 1.0) / 2.0) - log_gamma(df / 2.0) - 0.5 * std::log(df * std::numbers::pi) -
                  (df + 1.0) / 2.0 * std::log1p(t * t / df));
}

// The upper quantile u >= 0 with upper(u) = q (0 < q <= 1/2), by Newton's
// method on a bracket that is kept throughout (a step leaving the bracket
// is replaced by bisection), to full double precision. `upper` is
// decreasing; `density` is minus its derivative.
template <class Upper, class Density>
double upper_quantile(double q, double start, Upper upper, Density density) {
  double lo = 0.0;
  double hi = std::max(start, 1.0);
  while (upper(hi) > q) {
    lo = hi;
    hi *= 2.0;
    if (hi > 1e300) {
      return k_inf;
    }
  }
  double x = std::clamp(start, lo, hi);
  for (int i = 0; i < 500; ++i) {
    const double f = upper(x) - q;
    if (f == 0.0) {
      return x;
    }
    if (f > 0.0) {
      lo = x;
    } else {
      hi = x;
    }
    const double dens = density(x);
    double next = dens > 0.0 ? x + f / dens : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) {
      next = 0.5 * (lo + hi);
    }
    if (std::fabs(next - x) <= 4.0 * k_eps * std::fabs(x) || hi - lo <= 4.0 * k_eps * hi) {
      return next;
    }
    x = next;
  }
  return x;
}

} // namespace

namespace stats {

double normal_upper(double z) { return 0.5 * std::erfc(z * (1.0 / std::numbers::sqrt2)); }

double normal_quantile(double p) {
  if (std::isnan(p) || p < 0.0 || p > 1.0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (p == 0.0) {
    return -k_inf;
  }
  if (p == 1.0) {
    return k_inf;
  }
  if (p == 0.5) {
    return 0.0;
  }
  const double q = p < 0.5 ? p : 1.0 - p;
  // Start: Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4), then Halley's
  // iteration on Φ̄(x) − q, which converges cubically.
  const double t = std::sqrt(-2.0 * std::log(q));
  double x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                     (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  for (int i = 0; i < 20; ++i) {
    const double phi = std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi);
    const double u = (normal_upper(x) - q) / phi;
    const double step = u / (1.0 - 0.5 * x * u);
    x += step;
    if (std::fabs(step) <= k_eps * std::fabs(x)) {
      break;
    }
  }
  return p < 0.5 ? -x : x;
}

double gamma_p(double a, double x) {
  if (!(a > 0.0) || std::isnan(x)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (x <= 0.0) {
    return 0.0;
  }
  if (std::isinf(x)) {
    return 1.0;
  }
  return x < a + 1.0 ? gamma_p_series(a, x) : 1.0 - gamma_q_fraction(a, x);
}

double gamma_q(double a, double x) {
  if (!(a > 0.0) || std::isnan(x)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (x <= 0.0) {
    return 1.0;
  }
  if (std::isinf(x)) {
    return 0.0;
  }
  return x < a + 1.0 ? 1.0 - gamma_p_series(a, x) : gamma_q_fraction(a, x);
}

double chisq_upper(double x, double df) { return gamma_q(df / 2.0, x / 2.0); }

double chisq_quantile(double p, double df) {
  if (std::isnan(p) || p < 0.0 || p > 1.0 || !(df > 0.0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (p == 0.0) {
    return 0.0;
  }
  if (p == 1.0) {
    return k_inf;
  }
  const double a = df / 2.0;
  auto lower = [a](double x) { return gamma_p(a, x / 2.0); };
  auto density = [a](double x) {
    return x <= 0.0 ? 0.0 : 0.5 * std::exp((a - 1.0) * std::log(x / 2.0) - x / 2.0 - log_gamma(a));
  };
  // Start: Wilson & Hilferty's cube-root normal approximation.
  const double z = normal_quantile(p);
  const double c = 2.0 / (9.0 * df);
  double x = df * std::pow(std::max(1.0 - c + z * std::sqrt(c), 0.05), 3.0);
  // Newton's method on P(a, x/2) − p inside a bracket kept throughout.
  double lo = 0.0;
  double hi = std::max(x, 1.0);
  while (lower(hi) < p) {
    lo = hi;
    hi *= 2.0;
    if (hi > 1e300) {
      return k_inf;
    }
  }
  x = std::clamp(x, lo, hi);
  for (int i = 0; i < 500; ++i) {
    const double f = lower(x) - p;
    if (f == 0.0) {
      return x;
    }
    if (f < 0.0) {
      lo = x;
    } else {
      hi = x;
    }
    const double dens = density(x);
    double next = dens > 0.0 ? x - f / dens : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) {
      next = 0.5 * (lo + hi);
    }
    if (std::fabs(next - x) <= 4.0 * k_eps * std::fabs(x) || hi - lo <= 4.0 * k_eps * hi) {
      return next;
    }
    x = next;
  }
  return x;
}

double beta_inc(double a, double b, double x) {
  if (!(a > 0.0) || !(b > 0.0) || std::isnan(x)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return beta_inc_xy(a, b, x, 1.0 - x);
}

double t_upper(double t, double df) {
  if (std::isnan(t) || !(df > 0.0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (std::isinf(t)) {
    return t > 0 ? 0.0 : 1.0;
  }
  // P(|T| > |t|) = I_x(df/2, 1/2) with x = df/(df + t²); 1 − x = t²/(df + t²)
  // is computed directly, so that small |t| loses nothing.
  const double t2 = t * t;
  const double x = df / (df + t2);
  const double y = t2 / (df + t2);
  const double two_sided = beta_inc_xy(df / 2.0, 0.5, x, y);
  return t >= 0.0 ? 0.5 * two_sided : 1.0 - 0.5 * two_sided;
}

double t_cdf(double t, double df) { return t_upper(-t, df); }

double t_quantile(double p, double df) {
  if (std::isnan(p) || p < 0.0 || p > 1.0 || !(df > 0.0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (p == 0.0) {
    return -k_inf;
  }
  if (p == 1.0) {
    return k_inf;
  }
  if (p == 0.5) {
    return 0.0;
  }
  const double q = p < 0.5 ? p : 1.0 - p;
  // Start: the normal quantile with the first Cornish-Fisher term.
  const double z = -normal_quantile(q);
  const double start = z + (z * z * z + z) / (4.0 * df);
  const double u = upper_quantile(
      q, start, [df](double t) { return t_upper(t, df); }, [df](double t) { return t_density(t, df); });
  return p < 0.5 ? -u : u;
}

} // namespace stats

namespace evidence_detail {

Root uniroot(const std::function<double(double)>& f, double lower, double upper, double f_lower,
             double f_upper, double tol, int maxiter) {
  // Variable names follow Forsythe, Malcolm & Moler: b is the best
  // approximation, a the previous one, c the point bracketing the root
  // with b.
  Root r;
  double a = lower;
  double b = upper;
  double fa = f_lower;
  double fb = f_upper;
  double c = a;
  double fc = fa;
  if (fa == 0.0) {
    r.root = a;
    r.converged = true;
    return r;
  }
  if (fb == 0.0) {
    r.root = b;
    r.converged = true;
    return r;
  }
  int left = maxiter + 1;
  while (left-- > 0) {
    const double prev_step = b - a;
    if (std::fabs(fc) < std::fabs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tol_act = 2.0 * DBL_EPSILON * std::fabs(b) + tol / 2.0;
    double new_step = (c - b) / 2.0;
    if (std::fabs(new_step) <= tol_act || fb == 0.0) {
      r.root = b;
      r.iterations = maxiter + 1 - (left + 1);
      r.converged = true;
      return r;
    }
    if (std::fabs(prev_step) >= tol_act && std::fabs(fa) > std::fabs(fb)) {
      // Interpolation: linear with two distinct points, inverse quadratic
      // with three; the step is p/q.
      double p;
      double q;
      const double cb = c - b;
      if (a == c) {
        const double t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        const double qa = fa / fc;
        const double t1 = fb / fc;
        const double t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1.0));
        q = (qa - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0.0) {
        q = -q;
      } else {
        p = -p;
      }
      if (p < (0.75 * cb * q - std::fabs(tol_act * q) / 2.0) && p < std::fabs(prev_step * q / 2.0)) {
        new_step = p / q;
      }
    }
    if (std::fabs(new_step) < tol_act) {
      new_step = new_step > 0.0 ? tol_act : -tol_act;
    }
    a = b;
    fa = fb;
    b += new_step;
    fb = f(b);
    if ((fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0)) {
      c = a;
      fc = fa;
    }
  }
  r.root = b;
  r.iterations = maxiter;
  r.converged = false;
  return r;
}

double pkendall(double q, std::size_t n) {
  // R: q = floor(q + 1e-7); 0 below the support, 1 above it; otherwise the
  // sum of the exact probabilities of 0..q inversions.
  q = std::floor(q + 1e-7);
  const double pairs = static_cast<double>(n) * static_cast<double>(n - 1) / 2.0;
  if (q < 0) {
    return 0.0;
  }
  if (q > pairs) {
    return 1.0;
  }
  // prob[j] = P(j inversions) among permutations of m elements; adding the
  // (m+1)-th element adds 0..m inversions, each with probability 1/(m+1).
  std::vector<double> prob{1.0};
  for (std::size_t m = 1; m < n; ++m) {
    std::vector<double> next(prob.size() + m, 0.0);
    double window = 0.0;
    for (std::size_t j = 0; j < next.size(); ++j) {
      if (j < prob.size()) {
        window += prob[j];
      }
      if (j >= m + 1 && j - (m + 1) < prob.size()) {
        window -= prob[j - (m + 1)];
      }
      next[j] = window / static_cast<double>(m + 1);
    }
    prob.swap(next);
  }
  double p = 0.0;
  const auto upto = static_cast<std::size_t>(q);
  for (std::size_t j = 0; j <= upto && j < prob.size(); ++j) {
    p += prob[j];
  }
  return std::min(p, 1.0);
}

double median(std::vector<double> x) {
  if (x.empty()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2.0;
}

double mad(const std::vector<double>& x) {
  const double m = median(x);
  std::vector<double> dev;
  dev.reserve(x.size());
  for (double v : x) {
    dev.push_back(std::fabs(v - m));
  }
  return 1.4826 * median(std::move(dev));
}

} // namespace evidence_detail

} // namespace litrev
