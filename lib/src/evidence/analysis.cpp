// The whole analysis of one outcome table (analyse in litrev/evidence.hpp):
// effect sizes, the pooled model, subgroups with the test for subgroup
// differences, leave-one-out and the small-study tests.
#include <litrev/evidence.hpp>

#include <cmath>
#include <string>

#include <litrev/error.hpp>

namespace litrev {

namespace {

bool is_binary_measure(EffectMeasure m) {
  return m == EffectMeasure::risk_ratio || m == EffectMeasure::odds_ratio || m == EffectMeasure::risk_difference;
}

// Rethrows a DataError without a file as one naming the row.
[[noreturn]] void rethrow_for_row(const OutcomeTable& table, const OutcomeRow& row, const DataError& e) {
  throw DataError(table.path, row.line, "study " + row.study + ": " + e.problem());
}

void check_options(const OutcomeTable& table, const MetaOptions& o) {
  const char* measure = effect_measure_name(o.measure);
  if (table.kind == OutcomeKind::binary && !is_binary_measure(o.measure)) {
    throw UsageError(table.path + " holds 2x2 counts (ai bi ci di): --measure must be RR, OR or RD, not " +
                     measure);
  }
  if (table.kind == OutcomeKind::continuous && is_binary_measure(o.measure)) {
    throw UsageError(table.path + " holds means and SDs (m1i sd1i n1i m2i sd2i n2i): --measure must be MD or "
                     "SMD, not " + measure);
  }
  if (o.method == PoolMethod::mh || o.method == PoolMethod::peto) {
    if (table.kind != OutcomeKind::binary) {
      throw UsageError(std::string("--method ") + pool_method_name(o.method) +
                       " pools 2x2 tables: the data need the columns ai bi ci di");
    }
    if (o.method == PoolMethod::mh && !is_binary_measure(o.measure)) {
      throw UsageError("Mantel-Haenszel pools RR, OR or RD");
    }
    if (o.method == PoolMethod::peto && o.measure != EffectMeasure::odds_ratio) {
      throw UsageError("Peto's method gives an odds ratio: use --measure OR");
    }
    if (o.test == PoolTest::knha) {
      throw UsageError("--test knha adjusts inverse-variance models (FE, DL, REML, PM, ML), not " +
                       std::string(pool_method_name(o.method)));
    }
  }
  if (!(o.level > 0 && o.level < 1)) {
    throw UsageError("the confidence level must lie between 0 and 1");
  }
}

// One fit of the rows `idx` of `table`.
MetaFit fit_rows(const OutcomeTable& table, const std::vector<EffectSize>& es, const std::vector<std::size_t>& idx,
                 const MetaOptions& o) {
  std::vector<std::string> labels;
  for (std::size_t i : idx) {
    labels.push_back(table.rows[i].study);
  }
  MetaFit f;
  if (o.method == PoolMethod::mh || o.method == PoolMethod::peto) {
    std::vector<TwoByTwo> t;
    for (std::size_t i : idx) {
      t.push_back(table.rows[i].counts);
    }
    f = meta_tables(t, o.measure, o.method, o.level, labels);
  } else {
    std::vector<double> yi, vi;
    for (std::size_t i : idx) {
      yi.push_back(es[i].yi);
      vi.push_back(es[i].vi);
    }
    f = meta_uni(yi, vi, o.method, o.test, o.level, labels);
  }
  f.measure = o.measure;
  return f;
}

} // namespace

std::vector<EffectSize> effect_sizes(const OutcomeTable& table, const MetaOptions& options) {
  check_options(table, options);
  std::vector<EffectSize> out;
  for (const OutcomeRow& row : table.rows) {
    try {
      switch (table.kind) {
      case OutcomeKind::binary:
        out.push_back(binary_effect(options.measure, row.counts));
        break;
      case OutcomeKind::continuous:
        out.push_back(continuous_effect(options.measure, row.arms, options.smd));
        break;
      case OutcomeKind::generic:
        out.push_back(row.given);
        break;
      }
    } catch (const DataError& e) {
      rethrow_for_row(table, row, e);
    }
  }
  return out;
}

MetaAnalysis analyse(const OutcomeTable& table, const MetaOptions& options) {
  const std::vector<EffectSize> es = effect_sizes(table, options);
  if (table.rows.empty()) {
    throw DataError(table.path, 0, "no studies");
  }
  MetaAnalysis a;
  std::vector<std::size_t> all(table.rows.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    all[i] = i;
  }
  a.overall = fit_rows(table, es, all, options);

  if (!options.by.empty()) {
    const auto col = table.column(options.by);
    if (!col) {
      throw UsageError("--by " + options.by + ": " + table.path + " has no such column");
    }
    std::vector<std::string> names;
    std::vector<std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
      const std::string& v = table.rows[i].fields[*col];
      std::size_t g = 0;
      while (g < names.size() && names[g] != v) {
        ++g;
      }
      if (g == names.size()) {
        names.push_back(v);
        members.emplace_back();
      }
      members[g].push_back(i);
    }
    for (std::size_t g = 0; g < names.size(); ++g) {
      try {
        a.subgroups.push_back({names[g], fit_rows(table, es, members[g], options), members[g]});
      } catch (const UsageError& e) {
        throw UsageError("subgroup " + options.by + " = \"" + names[g] + "\": " + e.what());
      } catch (const DataError&) {
        throw;
      } catch (const Error& e) {
        throw Error("subgroup " + options.by + " = \"" + names[g] + "\": " + e.what());
      }
    }
    if (a.subgroups.size() >= 2) {
      std::vector<double> est, var;
      for (const Subgroup& s : a.subgroups) {
        est.push_back(s.fit.estimate);
        var.push_back(s.fit.se * s.fit.se);
      }
      const MetaFit between = meta_uni(est, var, PoolMethod::fe, PoolTest::z, options.level);
      a.subgroup_test = SubgroupTest{between.q, between.q_df, between.q_pval};
    }
  }

  const std::size_t k = table.rows.size();
  if (k >= 3) {
    for (std::size_t out = 0; out < k; ++out) {
      std::vector<std::size_t> idx;
      for (std::size_t i = 0; i < k; ++i) {
        if (i != out) {
          idx.push_back(i);
        }
      }
      const MetaFit f = fit_rows(table, es, idx, options);
      LeaveOneOut l;
      l.omitted = table.rows[out].study;
      l.estimate = f.estimate;
      l.se = f.se;
      l.zval = f.zval;
      l.pval = f.pval;
      l.ci_lb = f.ci_lb;
      l.ci_ub = f.ci_ub;
      l.q = f.q;
      l.q_pval = f.q_pval;
      l.tau2 = f.tau2;
      l.i2 = f.i2;
      l.h2 = f.h2;
      a.leave_one_out.push_back(l);
    }
  }

  // Small-study tests on the studies that have an effect size (MH/Peto:
  // escalc's yi/vi; metafor's regtest uses an FE meta-regression there).
  std::vector<double> yi, vi;
  for (const StudyResult& s : a.overall.studies) {
    if (std::isfinite(s.yi) && std::isfinite(s.vi)) {
      yi.push_back(s.yi);
      vi.push_back(s.vi);
    }
  }
  if (yi.size() >= 3) {
    const bool tables = options.method == PoolMethod::mh || options.method == PoolMethod::peto;
    a.egger = egger_rma(yi, vi, tables ? PoolMethod::fe : options.method, tables ? PoolTest::z : options.test,
                        options.level);
    a.egger_classic = egger_lm(yi, vi, options.level);
    a.begg = rank_test(yi, vi);
    if (yi.size() < 10) {
      a.warnings.push_back("Egger's and Begg's tests with fewer than 10 studies (k = " + std::to_string(yi.size()) +
                           ") have too little power to rule out small-study effects (Cochrane Handbook "
                           "13.3.5.4); do not rely on them");
    }
  } else {
    a.warnings.push_back("Egger's and Begg's tests need at least 3 studies; not run");
  }
  return a;
}

} // namespace litrev
