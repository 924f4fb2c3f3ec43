// Agreement tables from the screening state: one per pair of screeners over
// the records both voted on, a Fleiss table over the records all voted on,
// and at full text the exclusion reasons of records both excluded.
#include <litrev/agreement.hpp>

#include <algorithm>
#include <set>

namespace litrev {

const char* maybe_as_name(MaybeAs m) {
  switch (m) {
  case MaybeAs::include:
    return "include";
  case MaybeAs::exclude:
    return "exclude";
  case MaybeAs::category:
    return "category";
  }
  return "category";
}

namespace {

// The category index of a vote.
std::size_t category(Decision d, MaybeAs maybe) {
  if (maybe == MaybeAs::category) {
    return d == Decision::include ? 0 : d == Decision::maybe ? 1 : 2;
  }
  if (d == Decision::maybe) {
    d = maybe == MaybeAs::include ? Decision::include : Decision::exclude;
  }
  return d == Decision::include ? 0 : 1;
}

std::vector<std::string> categories(MaybeAs maybe) {
  if (maybe == MaybeAs::category) {
    return {"include", "maybe", "exclude"};
  }
  return {"include", "exclude"};
}

Decision counted(const Vote& v, VoteChoice choice) { return choice == VoteChoice::first ? v.first : v.decision; }

} // namespace

ScreeningAgreement screening_agreement(const ScreeningState& state, Stage stage, MaybeAs maybe, VoteChoice votes) {
  ScreeningAgreement out;
  out.stage = stage;
  out.maybe = maybe;
  out.votes = votes;
  std::set<std::string> raters;
  for (const auto& [key, rs] : state.records) {
    for (const auto& [who, v] : rs.stage(stage).votes) {
      raters.insert(who);
    }
  }
  const std::vector<std::string> names(raters.begin(), raters.end());
  const std::vector<std::string> cats = categories(maybe);
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = i + 1; j < names.size(); ++j) {
      PairAgreement pair;
      pair.a = names[i];
      pair.b = names[j];
      pair.categories = cats;
      pair.table.assign(cats.size(), std::vector<std::uint64_t>(cats.size(), 0));
      std::set<std::string> reason_names;
      std::vector<std::pair<std::string, std::string>> reason_pairs;
      std::uint64_t n = 0;
      for (const auto& [key, rs] : state.records) {
        const auto& v = rs.stage(stage).votes;
        auto va = v.find(pair.a);
        auto vb = v.find(pair.b);
        if (va == v.end() || vb == v.end()) {
          continue;
        }
        ++n;
        pair.changed += (va->second.revisions > 0) + (vb->second.revisions > 0);
        const Decision da = counted(va->second, votes);
        const Decision db = counted(vb->second, votes);
        ++pair.table[category(da, maybe)][category(db, maybe)];
        // Reasons go with the latest votes (a first vote's reason is not kept).
        if (stage == Stage::full_text && va->second.decision == Decision::exclude &&
            vb->second.decision == Decision::exclude) {
          reason_names.insert(va->second.reason);
          reason_names.insert(vb->second.reason);
          reason_pairs.emplace_back(va->second.reason, vb->second.reason);
        }
      }
      if (n == 0) {
        continue;
      }
      pair.stats = cohen_kappa(pair.table);
      if (stage == Stage::full_text && !reason_pairs.empty()) {
        PairAgreement r;
        r.a = pair.a;
        r.b = pair.b;
        r.categories.assign(reason_names.begin(), reason_names.end());
        if (r.categories.size() < 2) {
          r.categories.push_back("(any other reason)");
        }
        r.table.assign(r.categories.size(), std::vector<std::uint64_t>(r.categories.size(), 0));
        auto index = [&](const std::string& reason) {
          return static_cast<std::size_t>(
              std::find(r.categories.begin(), r.categories.end(), reason) - r.categories.begin());
        };
        for (const auto& [ra, rb] : reason_pairs) {
          ++r.table[index(ra)][index(rb)];
        }
        r.stats = cohen_kappa(r.table);
        out.reasons.push_back(std::move(r));
      }
      out.pairs.push_back(std::move(pair));
    }
  }
  if (names.size() >= 3) {
    std::vector<std::vector<std::uint64_t>> counts;
    for (const auto& [key, rs] : state.records) {
      const auto& v = rs.stage(stage).votes;
      std::vector<std::uint64_t> row(cats.size(), 0);
      std::size_t raters_here = 0;
      for (const std::string& who : names) {
        auto it = v.find(who);
        if (it != v.end()) {
          ++row[category(counted(it->second, votes), maybe)];
          ++raters_here;
        }
      }
      if (raters_here == names.size()) {
        counts.push_back(std::move(row));
      }
    }
    out.fleiss_raters = names;
    out.fleiss = fleiss_kappa(counts);
  }
  return out;
}

} // namespace litrev
