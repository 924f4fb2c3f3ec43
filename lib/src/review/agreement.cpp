// Inter-rater agreement: Cohen's kappa (plain and quadratic-weighted) with the
// Fleiss-Cohen-Everitt variance, PABAK, Gwet's AC1, and Fleiss' kappa for m
// raters. Sources are named formula by formula.
#include <litrev/agreement.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace litrev {

namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
// qnorm(0.975), the 95% two-sided normal quantile, as R prints it to 16 digits.
constexpr double k_z975 = 1.959963984540054;

struct Kappa {
  double po = 0;
  double pe = 0;
  double kappa = 0;
  double var = 0;
};

// Kappa and its large-sample variance for agreement weights `w` (the identity
// for plain kappa) over proportions `p` with margins `row`, `col`.
Kappa weighted(const std::vector<std::vector<double>>& p, const std::vector<double>& row,
               const std::vector<double>& col, const std::vector<std::vector<double>>& w, double n,
               const AgreementTable& counts) {
  const std::size_t k = p.size();
  Kappa r;
  // Cohen (1968): po = sum w_ij p_ij, pe = sum w_ij p_i. p_.j, summed over
  // the counts and divided once, so that perfect agreement gives po = 1 and
  // kappa = 1 exactly (summing k rounded proportions need not).
  std::vector<double> row_n(k, 0.0), col_n(k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      row_n[i] += static_cast<double>(counts[i][j]);
      col_n[j] += static_cast<double>(counts[i][j]);
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      r.po += w[i][j] * static_cast<double>(counts[i][j]);
      r.pe += w[i][j] * row_n[i] * col_n[j];
    }
  }
  r.po /= n;
  r.pe /= n * n;
  r.kappa = (r.po - r.pe) / (1 - r.pe);
  // Fleiss, Cohen & Everitt (1969), large-sample (non-null) variance:
  // var = [sum p_ij (w_ij - (wbar_i. + wbar_.j)(1 - kappa))^2 - (kappa - pe (1 - kappa))^2]
  //       / (n (1 - pe)^2), with wbar_i. = sum_j p_.j w_ij and wbar_.j = sum_i p_i. w_ij.
  std::vector<double> wrow(k, 0.0);
  std::vector<double> wcol(k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      wrow[i] += col[j] * w[i][j];
      wcol[j] += row[i] * w[i][j];
    }
  }
  double sum = 0;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      const double d = w[i][j] - (wrow[i] + wcol[j]) * (1 - r.kappa);
      sum += p[i][j] * d * d;
    }
  }
  const double centre = r.kappa - r.pe * (1 - r.kappa);
  // The bracket is a variance (the mean of d is `centre`), so it is >= 0 but
  // can round to a hair below 0 at perfect agreement; clamp so sqrt is defined.
  r.var = std::max(0.0, (sum - centre * centre) / (n * (1 - r.pe) * (1 - r.pe)));
  return r;
}

} // namespace

KappaResult cohen_kappa(const AgreementTable& table) {
  const std::size_t k = table.size();
  if (k < 2) {
    throw std::invalid_argument("agreement table must be at least 2x2");
  }
  std::uint64_t n = 0;
  for (const auto& r : table) {
    if (r.size() != k) {
      throw std::invalid_argument("agreement table must be square");
    }
    for (const auto c : r) {
      n += c;
    }
  }
  KappaResult out;
  out.n = n;
  if (n == 0) {
    out.undefined = true;
    out.p_observed = out.p_expected = out.kappa = out.var_kappa = out.ci_lb = out.ci_ub = k_nan;
    out.weighted_kappa = out.var_weighted_kappa = out.weighted_ci_lb = out.weighted_ci_ub = k_nan;
    out.pabak = out.ac1 = k_nan;
    return out;
  }

  const double dn = static_cast<double>(n);
  const double dk = static_cast<double>(k);
  std::vector<std::vector<double>> p(k, std::vector<double>(k, 0.0));
  std::vector<double> row(k, 0.0);
  std::vector<double> col(k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      p[i][j] = static_cast<double>(table[i][j]) / dn;
      row[i] += p[i][j];
      col[j] += p[i][j];
    }
  }

  std::vector<std::vector<double>> identity(k, std::vector<double>(k, 0.0));
  std::vector<std::vector<double>> quadratic(k, std::vector<double>(k, 0.0));
  for (std::size_t i = 0; i < k; ++i) {
    identity[i][i] = 1;
    for (std::size_t j = 0; j < k; ++j) {
      // Quadratic agreement weights (Fleiss & Cohen 1973): 1 - (i-j)^2/(k-1)^2.
      const double d = static_cast<double>(i) - static_cast<double>(j);
      quadratic[i][j] = 1 - d * d / ((dk - 1) * (dk - 1));
    }
  }

  const Kappa plain = weighted(p, row, col, identity, dn, table);
  out.p_observed = plain.po;
  out.p_expected = plain.pe;

  // Byrt, Bishop & Carlin (1993): PABAK = (k po - 1) / (k - 1).
  out.pabak = (dk * plain.po - 1) / (dk - 1);

  // Gwet (2008): pe = sum_q pi_q (1 - pi_q) / (k - 1), pi_q = (p_q. + p_.q) / 2.
  double pe_gwet = 0;
  for (std::size_t q = 0; q < k; ++q) {
    const double pi = (row[q] + col[q]) / 2;
    pe_gwet += pi * (1 - pi);
  }
  pe_gwet /= dk - 1;
  out.ac1 = (plain.po - pe_gwet) / (1 - pe_gwet);

  // Kappa is 0/0 when both raters used the same single category (pe = 1).
  // With quadratic weights w_ij = 1 only on the diagonal, so the weighted pe is
  // 1 exactly when the plain one is. Compare with a tolerance: the margins are
  // sums of doubles.
  if (plain.pe >= 1 - 1e-12) {
    out.undefined = true;
    out.kappa = out.var_kappa = out.ci_lb = out.ci_ub = k_nan;
    out.weighted_kappa = out.var_weighted_kappa = out.weighted_ci_lb = out.weighted_ci_ub = k_nan;
    return out;
  }

  out.kappa = plain.kappa;
  out.var_kappa = plain.var;
  // Wald interval, as psych::cohen.kappa: kappa +/- qnorm(0.975) sqrt(var).
  out.ci_lb = plain.kappa - k_z975 * std::sqrt(plain.var);
  out.ci_ub = plain.kappa + k_z975 * std::sqrt(plain.var);

  const Kappa wq = weighted(p, row, col, quadratic, dn, table);
  out.weighted_kappa = wq.kappa;
  out.var_weighted_kappa = wq.var;
  out.weighted_ci_lb = wq.kappa - k_z975 * std::sqrt(wq.var);
  out.weighted_ci_ub = wq.kappa + k_z975 * std::sqrt(wq.var);
  return out;
}

FleissResult fleiss_kappa(const std::vector<std::vector<std::uint64_t>>& counts) {
  FleissResult out;
  out.subjects = counts.size();
  if (counts.empty()) {
    out.undefined = true;
    out.p_observed = out.p_expected = out.kappa = out.se0 = out.z = out.p_value = k_nan;
    return out;
  }
  const std::size_t k = counts.front().size();
  if (k < 2) {
    throw std::invalid_argument("Fleiss' kappa needs at least two categories");
  }
  std::uint64_t m = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    if (counts[s].size() != k) {
      throw std::invalid_argument("Fleiss' kappa: subject " + std::to_string(s + 1) + " has " +
                                  std::to_string(counts[s].size()) + " categories, expected " +
                                  std::to_string(k));
    }
    std::uint64_t ratings = 0;
    for (const auto c : counts[s]) {
      ratings += c;
    }
    if (ratings < 2) {
      throw std::invalid_argument("Fleiss' kappa: subject " + std::to_string(s + 1) +
                                  " has fewer than two ratings");
    }
    if (s == 0) {
      m = ratings;
    } else if (ratings != m) {
      throw std::invalid_argument("Fleiss' kappa: subject " + std::to_string(s + 1) + " has " +
                                  std::to_string(ratings) + " ratings, expected " + std::to_string(m));
    }
  }
  out.raters = m;

  const double ns = static_cast<double>(counts.size());
  const double dm = static_cast<double>(m);
  std::vector<double> pj(k, 0.0);
  double p_bar = 0;
  for (const auto& r : counts) {
    // Fleiss (1971): P_i = (sum_j n_ij^2 - m) / (m (m - 1)).
    double sq = 0;
    for (std::size_t j = 0; j < k; ++j) {
      const double c = static_cast<double>(r[j]);
      sq += c * c;
      pj[j] += c;
    }
    p_bar += (sq - dm) / (dm * (dm - 1));
  }
  p_bar /= ns;
  // Fleiss (1971): p_j = sum_i n_ij / (N m), Pe = sum_j p_j^2.
  double p_e = 0;
  double pq = 0;
  double pq_qp = 0;
  for (std::size_t j = 0; j < k; ++j) {
    pj[j] /= ns * dm;
    const double q = 1 - pj[j];
    p_e += pj[j] * pj[j];
    pq += pj[j] * q;
    pq_qp += pj[j] * q * (q - pj[j]);
  }
  out.p_observed = p_bar;
  out.p_expected = p_e;

  // Every rating in one category: Pe = 1 and kappa is 0/0.
  if (pq <= 1e-12) {
    out.undefined = true;
    out.kappa = out.se0 = out.z = out.p_value = k_nan;
    return out;
  }
  // Fleiss (1971): kappa = (P-bar - Pe) / (1 - Pe).
  out.kappa = (p_bar - p_e) / (1 - p_e);
  // Fleiss, Levin & Paik (2003), ch. 18, as irr::kappam.fleiss computes it:
  // var0 = 2 / (N m (m - 1) (sum p q)^2) * [(sum p q)^2 - sum p q (q - p)].
  // The bracket is positive in exact arithmetic; clamp a rounding residue.
  const double var0 = std::max(0.0, 2 / (ns * dm * (dm - 1) * pq * pq) * (pq * pq - pq_qp));
  out.se0 = std::sqrt(var0);
  out.z = out.kappa / out.se0;
  // Two-sided normal p: 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2), without the
  // cancellation R's 2 * (1 - pnorm(|z|)) has for large |z|.
  out.p_value = std::erfc(std::fabs(out.z) / std::sqrt(2.0));
  return out;
}

} // namespace litrev
