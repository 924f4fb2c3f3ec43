// Blocking, pair decisions and clustering (litrev/dedup.hpp).
#include <litrev/dedup.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <numeric>
#include <unordered_map>

#include "dedup/compare.hpp"
#include "dedup/fields.hpp"

namespace litrev {

namespace {

using dedup::Comparison;
using dedup::Prepared;

// Blocking key types, in the order their blocks are processed. A pair is
// compared once, under the first key type whose (fully compared) block
// holds both records.
enum KeyType : std::size_t {
  k_doi,
  k_pmid,
  k_title_prefix,
  k_journal_volume_page,
  k_volume_page,
  k_author_year_page,
  k_title_suffix,
  k_author_year,
  k_key_types
};

const char* const k_key_names[k_key_types] = {
    "doi",         "pmid", "title-prefix", "journal+volume+page", "volume+page", "author+year+page",
    "title-suffix", "author+year",
};

constexpr std::size_t k_title_key_chars = 25;
// Above this many members a cluster is not grown further: checking a merge
// against chaining costs |A| x |B| comparisons.
constexpr std::size_t k_max_cross_checks = 250000;

std::uint64_t hash_key(std::size_t type, std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL ^ (type * 0x9E3779B97F4A7C15ULL);
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  // 0 means "no key".
  return h == 0 ? 1 : h;
}

std::string first_author_key(const Prepared& p) {
  if (p.authors.empty()) {
    return {};
  }
  std::string out;
  for (char c : p.authors.front().family) {
    if (c != ' ') {
      out += c;
    }
  }
  return out;
}

std::array<std::uint64_t, k_key_types> keys_of(const Prepared& p) {
  std::array<std::uint64_t, k_key_types> k{};
  if (!p.doi.empty()) {
    k[k_doi] = hash_key(k_doi, p.doi);
  }
  if (!p.pmid.empty()) {
    k[k_pmid] = hash_key(k_pmid, p.pmid);
  }
  const std::string& t = p.title_compact;
  if (t.size() >= 10) {
    k[k_title_prefix] = hash_key(k_title_prefix, std::string_view(t).substr(0, k_title_key_chars));
  }
  if (t.size() >= k_title_key_chars) {
    k[k_title_suffix] = hash_key(k_title_suffix, std::string_view(t).substr(t.size() - k_title_key_chars));
  }
  const std::string& first_page = p.pages.first;
  if (!p.journal_acronym.empty() && !p.volume.empty() && !first_page.empty()) {
    k[k_journal_volume_page] =
        hash_key(k_journal_volume_page, p.journal_acronym + "|" + p.volume + "|" + first_page);
  }
  if (!p.volume.empty() && !first_page.empty()) {
    k[k_volume_page] = hash_key(k_volume_page, p.volume + "|" + first_page);
  }
  const std::string fa = first_author_key(p);
  if (!fa.empty() && p.year != 0) {
    const std::string ay = fa + "|" + std::to_string(p.year);
    if (!first_page.empty()) {
      k[k_author_year_page] = hash_key(k_author_year_page, ay + "|" + first_page);
    }
    k[k_author_year] = hash_key(k_author_year, ay);
  }
  return k;
}

// A decided pair, kept small: explanations are rebuilt at the end for the
// few pairs that are reported.
struct PairHit {
  std::uint32_t a;
  std::uint32_t b;
  PairVerdict verdict;
  std::uint8_t key;
  double strength;
  const char* rule; // static string from compare()
};

struct UnionFind {
  std::vector<std::uint32_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0U); }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
};

} // namespace

const char* verdict_name(PairVerdict verdict) {
  switch (verdict) {
  case PairVerdict::duplicate:
    return "duplicate";
  case PairVerdict::maybe:
    return "maybe";
  case PairVerdict::vetoed:
    return "vetoed";
  }
  return "maybe";
}

struct Deduplicator::Impl {
  DedupOptions options;
  // A deque: growing it never copies (a vector's doubling would briefly
  // hold 1.5 times the records).
  std::deque<Prepared> records;
};

Deduplicator::Deduplicator(DedupOptions options) : m_impl(std::make_unique<Impl>()) {
  m_impl->options = options;
  if (m_impl->options.max_block < 2) {
    m_impl->options.max_block = 2;
  }
  if (m_impl->options.window < 1) {
    m_impl->options.window = 1;
  }
}

Deduplicator::~Deduplicator() = default;

std::size_t Deduplicator::add(const Record& record) {
  m_impl->records.push_back(dedup::prepare(record));
  return m_impl->records.size() - 1;
}

std::size_t Deduplicator::size() const noexcept { return m_impl->records.size(); }

DedupResult Deduplicator::run() const {
  const std::deque<Prepared>& recs = m_impl->records;
  const DedupOptions& opt = m_impl->options;
  const std::size_t n = recs.size();
  DedupResult result;
  result.stats.records = n;

  std::vector<std::array<std::uint64_t, k_key_types>> keys(n);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = keys_of(recs[i]);
  }
  // Bit t set: record i's block of key type t was compared all against all.
  std::vector<std::uint8_t> exhaustive(n, 0);
  std::vector<PairHit> hits;

  auto consider = [&](std::uint32_t i, std::uint32_t j, std::size_t type) {
    if (i > j) {
      std::swap(i, j);
    }
    for (std::size_t t = 0; t < type; ++t) {
      if (keys[i][t] != 0 && keys[i][t] == keys[j][t] && (exhaustive[i] & (1U << t)) != 0) {
        return; // compared already under an earlier key
      }
    }
    ++result.stats.compared_pairs;
    const Comparison c = dedup::compare(recs[i], recs[j]);
    if (c.decided) {
      hits.push_back({i, j, c.verdict, static_cast<std::uint8_t>(type), c.strength, c.rule});
    }
  };

  std::vector<std::pair<std::uint64_t, std::uint32_t>> entries;
  std::vector<std::uint32_t> block;
  for (std::size_t t = 0; t < k_key_types; ++t) {
    entries.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (keys[i][t] != 0) {
        entries.emplace_back(keys[i][t], static_cast<std::uint32_t>(i));
      }
    }
    std::sort(entries.begin(), entries.end());
    std::size_t s = 0;
    while (s < entries.size()) {
      std::size_t e = s + 1;
      while (e < entries.size() && entries[e].first == entries[s].first) {
        ++e;
      }
      block.clear();
      for (std::size_t k = s; k < e; ++k) {
        block.push_back(entries[k].second);
      }
      if (block.size() <= opt.max_block) {
        for (std::uint32_t m : block) {
          exhaustive[m] |= static_cast<std::uint8_t>(1U << t);
        }
        for (std::size_t x = 0; x < block.size(); ++x) {
          for (std::size_t y = x + 1; y < block.size(); ++y) {
            consider(block[x], block[y], t);
          }
        }
      } else {
        // Sorted neighbourhood inside the block: near-identical titles end
        // up next to each other.
        ++result.stats.blocks_windowed;
        std::sort(block.begin(), block.end(), [&](std::uint32_t x, std::uint32_t y) {
          const int cmp = recs[x].title_compact.compare(recs[y].title_compact);
          return cmp != 0 ? cmp < 0 : x < y;
        });
        for (std::size_t x = 0; x < block.size(); ++x) {
          for (std::size_t y = x + 1; y < block.size() && y <= x + opt.window; ++y) {
            consider(block[x], block[y], t);
          }
        }
      }
      s = e;
    }
  }
  entries.clear();
  entries.shrink_to_fit();
  keys.clear();
  keys.shrink_to_fit();

  // A pair may have been compared twice (two windowed blocks); keep the first.
  std::sort(hits.begin(), hits.end(), [](const PairHit& x, const PairHit& y) {
    return x.a != y.a ? x.a < y.a : x.b != y.b ? x.b < y.b : x.key < y.key;
  });
  hits.erase(std::unique(hits.begin(), hits.end(),
                         [](const PairHit& x, const PairHit& y) { return x.a == y.a && x.b == y.b; }),
             hits.end());

  // Clusters: duplicate links strongest first; a link joins two clusters
  // only if no pair across them is vetoed (the chaining check).
  std::vector<const PairHit*> links;
  for (const PairHit& h : hits) {
    if (h.verdict == PairVerdict::duplicate) {
      links.push_back(&h);
    }
  }
  result.stats.duplicate_links = links.size();
  std::stable_sort(links.begin(), links.end(), [](const PairHit* x, const PairHit* y) {
    if (x->strength != y->strength) {
      return x->strength > y->strength;
    }
    return x->a != y->a ? x->a < y->a : x->b < y->b;
  });
  UnionFind uf(n);
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> members; // root -> members, for clusters > 1
  std::vector<const PairHit*> accepted;
  struct Rejected {
    const PairHit* link;
    std::uint32_t x;
    std::uint32_t y;
    std::string why;
  };
  std::vector<Rejected> rejected;
  auto members_of = [&](std::uint32_t root) {
    auto it = members.find(root);
    if (it == members.end()) {
      return std::vector<std::uint32_t>{root};
    }
    return it->second;
  };
  for (const PairHit* l : links) {
    const std::uint32_t ra = uf.find(l->a);
    const std::uint32_t rb = uf.find(l->b);
    if (ra == rb) {
      continue;
    }
    const std::vector<std::uint32_t> ma = members_of(ra);
    const std::vector<std::uint32_t> mb = members_of(rb);
    bool ok = true;
    std::uint32_t bad_x = 0;
    std::uint32_t bad_y = 0;
    std::string why;
    if (ma.size() * mb.size() > k_max_cross_checks) {
      ok = false;
      bad_x = l->a;
      bad_y = l->b;
      why = "cluster too large to check against chaining";
    } else if (ma.size() > 1 || mb.size() > 1) {
      for (std::uint32_t x : ma) {
        for (std::uint32_t y : mb) {
          if ((x == l->a && y == l->b) || (x == l->b && y == l->a)) {
            continue;
          }
          const Comparison c = dedup::compare(recs[std::min(x, y)], recs[std::max(x, y)]);
          if (c.veto != nullptr) {
            ok = false;
            bad_x = std::min(x, y);
            bad_y = std::max(x, y);
            why = c.veto;
            break;
          }
        }
        if (!ok) {
          break;
        }
      }
    }
    if (!ok) {
      rejected.push_back({l, bad_x, bad_y, why});
      continue;
    }
    std::vector<std::uint32_t> merged = ma;
    merged.insert(merged.end(), mb.begin(), mb.end());
    members.erase(ra);
    members.erase(rb);
    uf.parent[rb] = ra;
    members[ra] = std::move(merged);
    accepted.push_back(l);
  }
  result.stats.chaining_rejected = rejected.size();

  // Number the clusters by first member.
  result.cluster_of.assign(n, 0);
  std::vector<std::int64_t> cluster_of_root(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t r = uf.find(static_cast<std::uint32_t>(i));
    if (cluster_of_root[r] < 0) {
      cluster_of_root[r] = static_cast<std::int64_t>(result.clusters.size());
      result.clusters.emplace_back();
    }
    const auto c = static_cast<std::size_t>(cluster_of_root[r]);
    result.clusters[c].members.push_back(i);
    result.cluster_of[i] = c;
  }
  members.clear();

  // The verdict and rule are the ones decided during blocking; the field
  // scores are recomputed in full (with the character-level title score a
  // vetoed pair skipped).
  auto explanation = [&](const PairHit& h) {
    const std::uint32_t a = h.a;
    const std::uint32_t b = h.b;
    PairExplanation e;
    e.a = a;
    e.b = b;
    e.verdict = h.verdict;
    e.rule = h.rule;
    e.blocking_key = k_key_names[h.key];
    if (opt.field_scores) {
      e.fields = dedup::explain(recs[a], recs[b], dedup::compare(recs[a], recs[b], true));
    }
    return e;
  };
  std::sort(accepted.begin(), accepted.end(), [](const PairHit* x, const PairHit* y) {
    return x->a != y->a ? x->a < y->a : x->b < y->b;
  });
  for (const PairHit* l : accepted) {
    result.clusters[result.cluster_of[l->a]].links.push_back(explanation(*l));
  }
  for (const DedupCluster& c : result.clusters) {
    result.stats.duplicate_clusters += c.members.size() > 1 ? 1 : 0;
  }
  result.stats.clusters = result.clusters.size();

  for (const PairHit& h : hits) {
    if (h.verdict == PairVerdict::maybe && result.cluster_of[h.a] != result.cluster_of[h.b]) {
      result.maybe.push_back(explanation(h));
    } else if (h.verdict == PairVerdict::vetoed) {
      result.vetoed.push_back(explanation(h));
    }
  }
  for (const Rejected& r : rejected) {
    if (result.cluster_of[r.link->a] == result.cluster_of[r.link->b]) {
      continue; // joined through other links after all
    }
    PairExplanation e = explanation(*r.link);
    e.note = "duplicate by rule " + e.rule + ", but joining would put records " + std::to_string(r.x) + " and " +
             std::to_string(r.y) + " in one cluster (" + r.why + ")";
    e.verdict = PairVerdict::maybe;
    e.rule = "maybe:chaining";
    result.maybe.push_back(std::move(e));
  }
  std::sort(result.maybe.begin(), result.maybe.end(), [](const PairExplanation& x, const PairExplanation& y) {
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  });
  result.stats.maybe_pairs = result.maybe.size();
  result.stats.vetoed_pairs = result.vetoed.size();
  return result;
}

DedupResult deduplicate(const std::vector<Record>& records, const DedupOptions& options) {
  Deduplicator d(options);
  for (const Record& r : records) {
    d.add(r);
  }
  return d.run();
}

} // namespace litrev
