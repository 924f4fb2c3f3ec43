# More metafor reference fits for tests/unit/test_evidence.cpp (beyond
# ../shared/fixtures/metafor/metafor_ref.json): other datasets (zero cells,
# a double-zero study, counts given as ai/n1i/ci/n2i, precomputed yi/vi),
# every pooling method with and without Hartung-Knapp, Mantel-Haenszel and
# Peto, Q-profile CIs, prediction intervals, leave-one-out, subgroups with
# the test for subgroup differences, Egger (lm and rma) and Begg.
#
# Requires Debian packages: r-cran-metafor r-cran-metadat r-cran-jsonlite
# Usage (in this folder):  Rscript make_ref.R [ref_more.json]
# Numbers are written with 17 significant digits (round-trip doubles).
suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else "ref_more.json"

num <- function(x) { x <- as.numeric(x); if (length(x) == 0) return(NA_real_); x[is.nan(x)] <- NA; x }
arr <- function(x) as.list(num(x))           # always a JSON array
strs <- function(x) as.list(as.character(x))

# ---- datasets ------------------------------------------------------------------
bcg <- dat.bcg
nd <- dat.normand1999
niel <- dat.nielweise2007
yus <- subset(dat.yusuf1985, table == "6" & !is.na(ai))
mol <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = dat.molloy2014)

datasets <- list(
  bcg = list(kind = "binary", source = "metadat::dat.bcg (Colditz et al. 1994)",
             study = strs(paste(bcg$author, bcg$year)), ai = arr(bcg$tpos), bi = arr(bcg$tneg),
             ci = arr(bcg$cpos), di = arr(bcg$cneg), alloc = strs(bcg$alloc)),
  normand = list(kind = "continuous", source = "metadat::dat.normand1999",
             study = strs(nd$source), m1i = arr(nd$m1i), sd1i = arr(nd$sd1i), n1i = arr(nd$n1i),
             m2i = arr(nd$m2i), sd2i = arr(nd$sd2i), n2i = arr(nd$n2i)),
  nielweise = list(kind = "binary", source = "metadat::dat.nielweise2007 (zero cells; Yucel 2004 has no events in either arm)",
             study = strs(paste(niel$author, niel$year)), ai = arr(niel$ai), bi = arr(niel$n1i - niel$ai),
             ci = arr(niel$ci), di = arr(niel$n2i - niel$ci)),
  yusuf6 = list(kind = "binary", source = "metadat::dat.yusuf1985, table 6 (given as ai n1i ci n2i)",
             study = strs(yus$trial), ai = arr(yus$ai), bi = arr(yus$n1i - yus$ai),
             ci = arr(yus$ci), di = arr(yus$n2i - yus$ci)),
  molloy = list(kind = "generic", source = "metadat::dat.molloy2014, escalc(ZCOR): Fisher z of correlations",
             study = strs(paste(mol$authors, mol$year)), yi = arr(mol$yi), vi = arr(mol$vi),
             controls = strs(mol$controls))
)

tables <- list(
  bcg = data.frame(ai = bcg$tpos, bi = bcg$tneg, ci = bcg$cpos, di = bcg$cneg, g = bcg$alloc),
  nielweise = data.frame(ai = niel$ai, bi = niel$n1i - niel$ai, ci = niel$ci, di = niel$n2i - niel$ci),
  yusuf6 = data.frame(ai = yus$ai, bi = yus$n1i - yus$ai, ci = yus$ci, di = yus$n2i - yus$ci)
)

es_of <- function(ds, measure) {
  if (ds %in% names(tables)) {
    d <- tables[[ds]]
    return(escalc(measure = measure, ai = d$ai, bi = d$bi, ci = d$ci, di = d$di))
  }
  if (ds == "normand")
    return(escalc(measure = measure, m1i = nd$m1i, sd1i = nd$sd1i, n1i = nd$n1i,
                  m2i = nd$m2i, sd2i = nd$sd2i, n2i = nd$n2i))
  if (ds == "molloy") return(data.frame(yi = as.numeric(mol$yi), vi = as.numeric(mol$vi)))
  stop("unknown dataset")
}

group_of <- function(ds) {
  if (ds == "bcg") return(as.character(bcg$alloc))
  if (ds == "molloy") return(as.character(mol$controls))
  stop("no groups")
}

fit_of <- function(ds, measure, method, test = "z", subset = NULL) {
  if (method %in% c("MH", "PETO")) {
    d <- tables[[ds]]
    if (!is.null(subset)) d <- d[subset, ]
    if (method == "MH") return(rma.mh(measure = measure, ai = d$ai, bi = d$bi, ci = d$ci, di = d$di))
    return(rma.peto(ai = d$ai, bi = d$bi, ci = d$ci, di = d$di))
  }
  es <- es_of(ds, measure)
  if (!is.null(subset)) es <- es[subset, ]
  rma(yi = es$yi, vi = es$vi, method = method, test = test)
}

summ <- function(res) {
  o <- list(k = res$k, estimate = num(res$b[1]), se = num(res$se), zval = num(res$zval),
            pval = num(res$pval), ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub),
            tau2 = num(res$tau2), I2 = num(res$I2), H2 = num(res$H2), Q = num(res$QE),
            Q_pval = num(res$QEp), yi = arr(res$yi), vi = arr(res$vi), weights = arr(weights(res)))
  if (inherits(res, "rma.uni")) {
    pr <- predict(res)
    o$se_tau2 <- num(res$se.tau2)
    o$Q_df <- res$k - res$p
    o$s2 <- num(res$vt)
    o$df <- if (res$test == "knha") num(res$ddf) else NA
    o$loglik <- num(logLik(res))
    if (!(res$method %in% c("FE", "EE", "CE"))) {
      o$pi_lb <- num(pr$pi.lb); o$pi_ub <- num(pr$pi.ub)
      ci <- confint(res)
      o$tau2_ci <- arr(ci$random["tau^2", c("ci.lb", "ci.ub")])
      o$I2_ci <- arr(ci$random["I^2(%)", c("ci.lb", "ci.ub")])
      o$H2_ci <- arr(ci$random["H^2", c("ci.lb", "ci.ub")])
      o$tau2_ci_sign <- strs(c(ci$lb.sign, ci$ub.sign))
    }
  } else {
    o$Q_df <- length(res$yi) - 1
  }
  o
}

fits <- list(); l1o <- list(); subgroups <- list(); regtests <- list(); ranktests <- list()
add_fit <- function(ds, measure, method, test = "z") {
  res <- tryCatch(fit_of(ds, measure, method, test), error = function(e) NULL)
  if (is.null(res)) { message("skipped ", ds, " ", measure, " ", method, " ", test); return(invisible()) }
  fits[[length(fits) + 1]] <<- c(list(dataset = ds, measure = measure, method = method, test = test), summ(res))
}
add_l1o <- function(ds, measure, method, test = "z") {
  l <- leave1out(fit_of(ds, measure, method, test))
  l1o[[length(l1o) + 1]] <<- list(dataset = ds, measure = measure, method = method, test = test,
    estimate = arr(l$estimate), se = arr(l$se), zval = arr(if (is.null(l$zval)) l$tval else l$zval), pval = arr(l$pval),
    ci_lb = arr(l$ci.lb), ci_ub = arr(l$ci.ub), Q = arr(l$Q), Q_pval = arr(l$Qp),
    tau2 = arr(if (is.null(l$tau2)) rep(0, length(l$estimate)) else l$tau2), I2 = arr(l$I2), H2 = arr(l$H2))
}
# Subgroups: one fit per group (rma(subset=), same method), then the test for
# subgroup differences as RevMan does it: an FE model on the subgroup
# estimates and their standard errors, Q_between on (groups - 1) df.
add_subgroups <- function(ds, measure, method, test = "z") {
  g <- group_of(ds)
  lev <- unique(g)
  gs <- lapply(lev, function(l) c(list(name = l), summ(fit_of(ds, measure, method, test, subset = which(g == l)))))
  est <- sapply(gs, function(x) x$estimate); se <- sapply(gs, function(x) x$se)
  btw <- rma(yi = est, sei = se, method = "FE")
  subgroups[[length(subgroups) + 1]] <<- list(dataset = ds, measure = measure, method = method, test = test,
    groups = gs, Q_between = num(btw$QE), df = length(lev) - 1, pval = num(btw$QEp))
}
add_bias <- function(ds, measure, method = "REML", test = "z") {
  res <- fit_of(ds, measure, method, test)
  rl <- regtest(res, model = "lm")
  rr <- regtest(res)
  rk <- suppressWarnings(ranktest(res))
  tie <- length(unique(res$vi)) < length(res$vi)
  regtests[[length(regtests) + 1]] <<- list(dataset = ds, measure = measure, method = method, test = test,
    lm = list(zval = num(rl$zval), pval = num(rl$pval), df = num(rl$dfs), est = num(rl$est),
              ci_lb = num(rl$ci.lb), ci_ub = num(rl$ci.ub)),
    rma = list(zval = num(rr$zval), pval = num(rr$pval), df = num(rr$dfs), est = num(rr$est),
               ci_lb = num(rr$ci.lb), ci_ub = num(rr$ci.ub)))
  ranktests[[length(ranktests) + 1]] <<- list(dataset = ds, measure = measure, tau = num(rk$tau),
    pval = num(rk$pval), ties = tie)
}

uni <- c("FE", "DL", "REML", "PM", "ML")
for (m in c("RR", "OR", "RD")) for (ds in c("bcg", "nielweise", "yusuf6")) {
  for (me in uni) add_fit(ds, m, me)
  for (me in c("DL", "REML", "PM", "ML")) add_fit(ds, m, me, "knha")
  add_fit(ds, m, "MH")
}
for (ds in c("bcg", "nielweise", "yusuf6")) add_fit(ds, "OR", "PETO")
for (m in c("MD", "SMD")) {
  for (me in uni) add_fit("normand", m, me)
  for (me in c("DL", "REML", "PM", "ML")) add_fit("normand", m, me, "knha")
}
for (me in uni) add_fit("molloy", "GEN", me)
for (me in c("DL", "REML")) add_fit("molloy", "GEN", me, "knha")

add_l1o("bcg", "RR", "DL"); add_l1o("bcg", "RR", "REML", "knha"); add_l1o("bcg", "OR", "MH")
add_l1o("bcg", "OR", "PETO"); add_l1o("normand", "SMD", "REML"); add_l1o("nielweise", "RR", "MH")
add_l1o("molloy", "GEN", "FE"); add_l1o("molloy", "GEN", "PM")

add_subgroups("bcg", "RR", "DL"); add_subgroups("bcg", "RR", "REML"); add_subgroups("bcg", "RR", "FE")
add_subgroups("bcg", "RR", "MH"); add_subgroups("bcg", "OR", "REML", "knha"); add_subgroups("molloy", "GEN", "REML")

add_bias("bcg", "RR", "DL", "knha"); add_bias("bcg", "OR", "FE"); add_bias("normand", "SMD", "REML")
add_bias("nielweise", "OR", "REML"); add_bias("yusuf6", "RR", "DL"); add_bias("molloy", "GEN", "ML")

ref <- list(
  meta = list(generated_by = "tests/unit/data/evidence/make_ref.R", R_version = R.version.string,
              metafor_version = as.character(packageVersion("metafor")),
              metadat_version = as.character(packageVersion("metadat"))),
  datasets = datasets, fits = fits, leave1out = l1o, subgroups = subgroups,
  regtest = regtests, ranktest = ranktests)

to_json <- function(x, indent = 0) {
  pad <- strrep("  ", indent); pad1 <- strrep("  ", indent + 1)
  scal <- function(v) {
    if (is.null(v) || (length(v) == 1 && is.na(v))) return("null")
    if (is.logical(v)) return(if (v) "true" else "false")
    if (is.numeric(v)) return(if (is.finite(v)) sprintf("%.17g", v) else "null")
    jsonlite::toJSON(as.character(v), auto_unbox = TRUE)
  }
  if (is.list(x)) {
    nm <- names(x)
    if (length(x) == 0) return(if (is.null(nm)) "[]" else "{}")
    items <- vapply(seq_along(x), function(i) {
      val <- to_json(x[[i]], indent + 1)
      if (is.null(nm) || nm[i] == "") paste0(pad1, val) else paste0(pad1, jsonlite::toJSON(nm[i], auto_unbox = TRUE), ": ", val)
    }, "")
    open <- if (is.null(nm)) "[" else "{"; close <- if (is.null(nm)) "]" else "}"
    return(paste0(open, "\n", paste(items, collapse = ",\n"), "\n", pad, close))
  }
  if (length(x) == 1 && is.null(names(x))) return(scal(x))
  paste0("[", paste(vapply(as.list(unname(x)), scal, ""), collapse = ", "), "]")
}
writeLines(to_json(ref), out_file)
cat("wrote", out_file, "\n")
