// litrev agreement [--stage ta|ft] [--maybe include|exclude|category] [--votes latest|first] [--format text|json]
//
// Agreement between screeners over the records both voted on, from their own
// votes in the ledgers (adjudications never count): the table, percent
// agreement, Cohen's kappa with its 95% CI (Fleiss-Cohen-Everitt variance),
// weighted kappa when maybe is a category, PABAK, Gwet's AC1; Fleiss' kappa
// for three or more screeners; at full text, agreement on exclusion reasons.
#include <cmath>

#include <fmt/core.h>

#include <litrev/agreement.hpp>
#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

namespace {

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(); }

nlohmann::json pair_json(const PairAgreement& p, bool weighted) {
  const KappaResult& k = p.stats;
  nlohmann::json j = {{"a", p.a},
                      {"b", p.b},
                      {"categories", p.categories},
                      {"table", p.table},
                      {"n", k.n},
                      {"p_observed", number(k.p_observed)},
                      {"p_expected", number(k.p_expected)},
                      {"kappa", number(k.kappa)},
                      {"var_kappa", number(k.var_kappa)},
                      {"ci_lb", number(k.ci_lb)},
                      {"ci_ub", number(k.ci_ub)},
                      {"pabak", number(k.pabak)},
                      {"ac1", number(k.ac1)},
                      {"undefined", k.undefined},
                      {"changed_votes", p.changed}};
  if (weighted) {
    j["weighted_kappa"] = number(k.weighted_kappa);
    j["var_weighted_kappa"] = number(k.var_weighted_kappa);
    j["weighted_ci_lb"] = number(k.weighted_ci_lb);
    j["weighted_ci_ub"] = number(k.weighted_ci_ub);
  }
  return j;
}

std::string fixed(double x, int digits) { return std::isfinite(x) ? fmt::format("{:.{}f}", x, digits) : "n/a"; }

void print_pair(const PairAgreement& p, bool weighted) {
  const KappaResult& k = p.stats;
  fmt::print("{} and {}: {} record{} both screened\n", p.a, p.b, k.n, k.n == 1 ? "" : "s");
  std::size_t width = 8;
  for (const auto& c : p.categories) {
    width = std::max(width, c.size() + 1);
  }
  fmt::print("  {:<{}}", p.a + " \\ " + p.b, width + 2);
  for (const auto& c : p.categories) {
    fmt::print("{:>{}}", c, width);
  }
  fmt::print("\n");
  for (std::size_t i = 0; i < p.categories.size(); ++i) {
    fmt::print("  {:<{}}", p.categories[i], width + 2);
    for (std::size_t j = 0; j < p.categories.size(); ++j) {
      fmt::print("{:>{}}", p.table[i][j], width);
    }
    fmt::print("\n");
  }
  fmt::print("  agreement {}%, kappa {} (95% CI {} to {}), PABAK {}, AC1 {}{}\n", fixed(100 * k.p_observed, 1),
             fixed(k.kappa, 3), fixed(k.ci_lb, 3), fixed(k.ci_ub, 3), fixed(k.pabak, 3), fixed(k.ac1, 3),
             k.undefined ? " (kappa undefined: both used one category only)" : "");
  if (weighted) {
    fmt::print("  weighted kappa (quadratic) {} (95% CI {} to {})\n", fixed(k.weighted_kappa, 3),
               fixed(k.weighted_ci_lb, 3), fixed(k.weighted_ci_ub, 3));
  }
  if (p.changed) {
    fmt::print("  {} of these votes were changed by their screener after the first vote\n", p.changed);
  }
}

} // namespace

Runner define_agreement(CLI::App& app) {
  struct Opts {
    std::string stage = "ta";
    std::string maybe = "category";
    std::string votes = "latest";
    std::string format = "text";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--stage", o->stage, "ta (the default) or ft");
  app.add_option("--maybe", o->maybe, "How a maybe vote counts: category (the default; a third category), include "
                                      "or exclude");
  app.add_option("--votes", o->votes, "latest (each screener's current vote, the default) or first (their vote "
                                      "before they changed it)");
  app.add_option("--format", o->format, "text or json");
  return [o](Context& ctx) {
    check_format(o->format, {"text", "json"});
    const Stage stage = stage_option(o->stage);
    MaybeAs maybe;
    if (o->maybe == "category") {
      maybe = MaybeAs::category;
    } else if (o->maybe == "include") {
      maybe = MaybeAs::include;
    } else if (o->maybe == "exclude") {
      maybe = MaybeAs::exclude;
    } else {
      throw UsageError("--maybe: '" + o->maybe + "' is not category, include or exclude");
    }
    if (o->votes != "latest" && o->votes != "first") {
      throw UsageError("--votes: '" + o->votes + "' is not latest or first");
    }
    Review review(ctx.dir);
    const ScreeningState state = review.screening();
    const ScreeningAgreement a = screening_agreement(state, stage, maybe,
                                                     o->votes == "first" ? VoteChoice::first : VoteChoice::latest);
    const bool weighted = maybe == MaybeAs::category;
    if (o->format == "json") {
      nlohmann::json j = {{"stage", stage_name(stage)}, {"maybe", maybe_as_name(maybe)}, {"votes", o->votes}};
      j["pairs"] = nlohmann::json::array();
      for (const auto& p : a.pairs) {
        j["pairs"].push_back(pair_json(p, weighted));
      }
      if (a.fleiss) {
        j["fleiss"] = {{"raters", a.fleiss_raters},
                       {"subjects", a.fleiss->subjects},
                       {"kappa", number(a.fleiss->kappa)},
                       {"se0", number(a.fleiss->se0)},
                       {"z", number(a.fleiss->z)},
                       {"p_value", number(a.fleiss->p_value)},
                       {"undefined", a.fleiss->undefined}};
      }
      if (stage == Stage::full_text) {
        j["reasons"] = nlohmann::json::array();
        for (const auto& p : a.reasons) {
          j["reasons"].push_back(pair_json(p, false));
        }
      }
      fmt::print("{}\n", j.dump(2));
      return 0;
    }
    fmt::print("Agreement at {} ({} votes; maybe counted {})\n\n", stage_name(stage), o->votes,
               maybe == MaybeAs::category ? "as a category of its own" : std::string("as ") + o->maybe);
    if (a.pairs.empty()) {
      fmt::print("No two screeners have voted on the same record yet.\n");
    }
    for (const auto& p : a.pairs) {
      print_pair(p, weighted);
      fmt::print("\n");
    }
    if (a.fleiss) {
      std::string raters;
      for (const auto& r : a.fleiss_raters) {
        raters += (raters.empty() ? "" : ", ") + r;
      }
      fmt::print("Fleiss' kappa ({}; {} records all screened): {} (z {}, p {})\n\n", raters, a.fleiss->subjects,
                 fixed(a.fleiss->kappa, 3), fixed(a.fleiss->z, 2), fixed(a.fleiss->p_value, 4));
    }
    for (const auto& p : a.reasons) {
      fmt::print("Exclusion reasons, ");
      print_pair(p, false);
      fmt::print("\n");
    }
    return 0;
  };
}

} // namespace litrev::cli
