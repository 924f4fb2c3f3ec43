# Reference values for tests/unit/test_agreement.cpp (litrev/agreement.hpp).
# Run from this folder:  Rscript agreement_ref.R   (writes agreement_ref.json)
# Needs Debian's r-base-core r-cran-psych r-cran-epir r-cran-jsonlite.
#
# Every figure is computed from raw rating lists (one entry per item and
# rater), never from the contingency table the C++ code takes, so the two
# sides share no arithmetic:
#   Cohen kappa, its variance and CI     psych::cohen.kappa (raw ratings)
#   weighted kappa + its variance        psych for k = 2; for k > 2 psych's
#                                        variance is wrong (it returns 0), so
#                                        the Fleiss-Cohen-Everitt variance is
#                                        computed here item by item
#   PABAK                                (k po - 1)/(k - 1) from the ratings;
#                                        epiR::epi.kappa must agree for k = 2
#   Gwet's AC1                           from the ratings' category shares
#   Fleiss kappa, se0, z, p              from each subject's agreeing rater
#                                        pairs (irr is not in Debian; the
#                                        formula is irr::kappam.fleiss's)
suppressPackageStartupMessages({
  library(psych)
  library(epiR)
  library(jsonlite)
})

z975 <- qnorm(0.975)

# Two rating vectors from a table (rows rater A, columns rater B).
expand2 <- function(tab) {
  k <- nrow(tab)
  a <- integer(0); b <- integer(0)
  for (i in 1:k) for (j in 1:k) {
    a <- c(a, rep(i, tab[i, j])); b <- c(b, rep(j, tab[i, j]))
  }
  list(a = a, b = b, k = k)
}

# Fleiss-Cohen-Everitt (1969) variance, written over items instead of cells:
# each item t contributes d_t = w(a_t, b_t) - (wbar_A(a_t) + wbar_B(b_t))(1 - kappa);
# var = (mean(d^2) - mean(d)^2) / (n (1 - pe)^2).
fce_items <- function(a, b, w) {
  n <- length(a); k <- nrow(w)
  pa <- tabulate(a, k) / n; pb <- tabulate(b, k) / n
  po <- mean(w[cbind(a, b)])
  pe <- sum(w * outer(pa, pb))
  kap <- (po - pe) / (1 - pe)
  wbar_a <- as.vector(w %*% pb)    # for A's category i: sum_j p_.j w_ij
  wbar_b <- as.vector(t(w) %*% pa) # for B's category j: sum_i p_i. w_ij
  d <- w[cbind(a, b)] - (wbar_a[a] + wbar_b[b]) * (1 - kap)
  v <- (mean(d^2) - mean(d)^2) / (n * (1 - pe)^2)
  list(kappa = kap, var = v)
}

cohen_case <- function(name, rows, source) {
  tab <- matrix(unlist(rows), nrow = length(rows), byrow = TRUE)
  r <- expand2(tab); a <- r$a; b <- r$b; k <- r$k; n <- length(a)
  ck <- cohen.kappa(data.frame(A = factor(a, levels = 1:k), B = factor(b, levels = 1:k)))
  po <- mean(a == b)
  pa <- tabulate(a, k) / n; pb <- tabulate(b, k) / n
  pe <- sum(pa * pb)
  wq <- outer(1:k, 1:k, function(i, j) 1 - (i - j)^2 / (k - 1)^2)
  plain <- fce_items(a, b, diag(k))
  quad <- fce_items(a, b, wq)
  stopifnot(abs(plain$kappa - ck$kappa) < 1e-12, abs(plain$var - ck$var.kappa) < 1e-12,
            abs(quad$kappa - ck$weighted.kappa) < 1e-12)
  if (k == 2) stopifnot(abs(quad$var - ck$var.weighted) < 1e-12)
  pabak <- (k * po - 1) / (k - 1)
  if (k == 2) {
    ek <- epi.kappa(as.table(tab), method = "cohen")
    stopifnot(abs(ek$pabak$est - pabak) < 1e-12, abs(ek$kappa$est - ck$kappa) < 1e-12)
  }
  pi_q <- (tabulate(a, k) + tabulate(b, k)) / (2 * n)
  pe_g <- sum(pi_q * (1 - pi_q)) / (k - 1)
  list(name = name, source = source, table = rows, n = n,
       p_observed = po, p_expected = pe,
       kappa = ck$kappa, var_kappa = ck$var.kappa,
       ci = c(ck$kappa - z975 * sqrt(ck$var.kappa), ck$kappa + z975 * sqrt(ck$var.kappa)),
       weighted_kappa = quad$kappa, var_weighted_kappa = quad$var,
       weighted_ci = c(quad$kappa - z975 * sqrt(quad$var), quad$kappa + z975 * sqrt(quad$var)),
       psych_var_weighted_kappa = ck$var.weighted,
       pabak = pabak, ac1 = (po - pe_g) / (1 - pe_g))
}

# ratings: subjects x raters matrix of category numbers 1..k.
fleiss_case <- function(name, ratings, k, source) {
  ns <- nrow(ratings); m <- ncol(ratings)
  # P_i: share of ordered pairs of distinct raters that agree on subject i.
  p_i <- apply(ratings, 1, function(r) {
    agree <- 0
    for (x in 1:m) for (y in 1:m) if (x != y && r[x] == r[y]) agree <- agree + 1
    agree / (m * (m - 1))
  })
  pj <- tabulate(as.vector(ratings), k) / (ns * m)
  qj <- 1 - pj
  pbar <- mean(p_i); pe <- sum(pj^2)
  kap <- (pbar - pe) / (1 - pe)
  # Fleiss, Levin & Paik (2003) se under H0, as irr::kappam.fleiss.
  var0 <- 2 / (sum(pj * qj)^2 * (ns * m * (m - 1))) * (sum(pj * qj)^2 - sum(pj * qj * (qj - pj)))
  z <- kap / sqrt(var0)
  counts <- t(apply(ratings, 1, function(r) tabulate(r, k)))
  list(name = name, source = source, counts = counts, subjects = ns, raters = m,
       p_observed = pbar, p_expected = pe, kappa = kap, se0 = sqrt(var0), z = z,
       p_value = 2 * pnorm(-abs(z)))
}

from_counts <- function(rows) {
  t(sapply(rows, function(r) rep(seq_along(r), r)))
}

cohen <- list(
  cohen_case("screening_2x2", list(c(20, 5), c(10, 65)),
             "shared/fixtures/metafor/metafor_ref.json cohen_kappa_screening (made-up screening)"),
  cohen_case("three_category", list(c(15, 3, 1), c(4, 8, 5), c(1, 6, 57)),
             "shared/fixtures/metafor/metafor_ref.json cohen_kappa_3cat"),
  cohen_case("sas_3x3", list(c(0, 4, 1), c(0, 8, 0), c(0, 1, 5)),
             "SAS PROC FREQ example as recorded in statsmodels' test_inter_rater.py (kappa 0.4842, ASE 0.1380)"),
  cohen_case("paradox_balanced", list(c(40, 9), c(6, 45)),
             "Feinstein & Cicchetti (1990) table A: po 0.85, kappa 0.70"),
  cohen_case("paradox_skewed", list(c(80, 10), c(5, 5)),
             "Feinstein & Cicchetti (1990) table B: po 0.85, kappa 0.32"),
  cohen_case("ordinal_4x4", list(c(22, 5, 2, 0), c(4, 17, 6, 1), c(1, 5, 14, 3), c(0, 1, 4, 11)),
             "made up: four ordered categories"))

diagnoses <- matrix(c(
  4, 4, 4, 4, 4, 4,  2, 2, 2, 5, 5, 5,  2, 3, 3, 3, 3, 5,  5, 5, 5, 5, 5, 5,
  2, 2, 2, 4, 4, 4,  1, 1, 3, 3, 3, 3,  3, 3, 3, 3, 5, 5,  1, 1, 3, 3, 3, 4,
  1, 1, 4, 4, 4, 4,  5, 5, 5, 5, 5, 5,  1, 4, 4, 4, 4, 4,  1, 2, 4, 4, 4, 4,
  2, 2, 2, 3, 3, 3,  1, 4, 4, 4, 4, 4,  2, 2, 4, 4, 4, 5,  3, 3, 3, 3, 3, 5,
  1, 1, 1, 4, 5, 5,  1, 1, 1, 1, 1, 2,  2, 2, 4, 4, 4, 4,  1, 3, 3, 5, 5, 5,
  5, 5, 5, 5, 5, 5,  2, 4, 4, 4, 4, 4,  2, 2, 4, 5, 5, 5,  1, 1, 4, 4, 4, 4,
  1, 4, 4, 4, 4, 5,  2, 2, 2, 2, 2, 4,  1, 1, 1, 1, 5, 5,  2, 2, 4, 4, 4, 4,
  1, 3, 3, 3, 3, 3,  5, 5, 5, 5, 5, 5), ncol = 6, byrow = TRUE)

fleiss <- list(
  fleiss_case("diagnoses", diagnoses, 5,
              "Fleiss (1971) psychiatric diagnoses, 30 patients x 6 raters (irr's `diagnoses`); irr: kappa 0.4302445, z 17.65183"),
  fleiss_case("wikipedia_10x14", from_counts(list(
    c(0, 0, 0, 0, 14), c(0, 2, 6, 4, 2), c(0, 0, 3, 5, 6), c(0, 3, 9, 2, 0), c(2, 2, 8, 1, 1),
    c(7, 7, 0, 0, 0), c(3, 2, 6, 3, 0), c(2, 5, 3, 2, 2), c(6, 5, 2, 1, 0), c(0, 2, 2, 3, 7))), 5,
    "Wikipedia 'Fleiss' kappa' worked example: P-bar 0.378, Pe 0.213, kappa 0.210"),
  fleiss_case("screening_3_raters", from_counts(list(
    c(3, 0), c(2, 1), c(0, 3), c(0, 3), c(1, 2), c(3, 0), c(0, 3), c(0, 3), c(2, 1), c(0, 3),
    c(0, 3), c(1, 2))), 2,
    "made up: 12 records, 3 screeners, include/exclude"))

out <- list(
  generated_by = "Rscript agreement_ref.R",
  r_version = R.version.string,
  psych_version = as.character(packageVersion("psych")),
  epiR_version = as.character(packageVersion("epiR")),
  z975 = z975,
  cohen = cohen,
  fleiss = fleiss)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "agreement_ref.json")
