// The review's reference clusters: the deduplicator's links, corrected by the
// people's decisions in the ledger.
#include <litrev/review.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <tuple>

#include "review/runs.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace litrev {

namespace {

const char* const k_confirm = "dedup.confirm";
const char* const k_split = "dedup.split";

using KeyPair = std::pair<std::string, std::string>;

KeyPair ordered(const std::string& a, const std::string& b) { return a < b ? KeyPair{a, b} : KeyPair{b, a}; }

struct Decision {
  bool same = false;
  std::string actor;
};

// The latest decision about each pair, from every ledger (ordered by time,
// then actor, then seq, so the fold does not depend on file order).
std::map<KeyPair, Decision> fold_decisions(const LedgerRead& read) {
  std::vector<const LedgerEvent*> events;
  for (const auto& e : read.events) {
    if (e.type == k_confirm || e.type == k_split) {
      events.push_back(&e);
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const LedgerEvent* x, const LedgerEvent* y) {
    return std::tie(x->ts, x->actor, x->seq) < std::tie(y->ts, y->actor, y->seq);
  });
  std::map<KeyPair, Decision> out;
  for (const LedgerEvent* e : events) {
    const json keys = e->payload.value("keys", json::array());
    if (!keys.is_array() || keys.size() < 2) {
      continue;
    }
    std::vector<std::string> k;
    for (const auto& x : keys) {
      if (x.is_string()) {
        k.push_back(x.get<std::string>());
      }
    }
    // A confirmation of n records is n - 1 pairs with the first; a split
    // names exactly two.
    for (std::size_t i = 1; i < k.size(); ++i) {
      if (k[0] != k[i]) {
        out[ordered(k[0], k[i])] = Decision{e->type == k_confirm, e->actor};
      }
    }
  }
  return out;
}

class UnionFind {
public:
  explicit UnionFind(std::size_t n) : m_parent(n) { std::iota(m_parent.begin(), m_parent.end(), 0); }
  std::size_t find(std::size_t x) {
    while (m_parent[x] != x) {
      m_parent[x] = m_parent[m_parent[x]];
      x = m_parent[x];
    }
    return x;
  }
  void join(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) {
      m_parent[std::max(a, b)] = std::min(a, b);
    }
  }

private:
  std::vector<std::size_t> m_parent;
};

ClusterLink link_of(const PairExplanation& p, const std::vector<std::string>& keys) {
  ClusterLink l;
  l.a = std::min(keys[p.a], keys[p.b]);
  l.b = std::max(keys[p.a], keys[p.b]);
  l.rule = p.rule;
  l.blocking_key = p.blocking_key;
  l.fields = p.fields;
  return l;
}

} // namespace

std::string Review::ledger_path() const { return (fs::path(m_dir) / "ledger").string(); }

namespace {

// The machine's duplicate clusters of the review's records (in key order).
struct MachineDedup {
  std::vector<std::string> keys;
  DedupResult result;
};

// machine_dedup() for `review`, kept for the next call in this process:
// long-lived callers (litrev serve, the terminal screen) fold the screening
// state after every vote, and the machine's clusters change only with the
// records, that is with sources/ (runs::sources_fingerprint). People's
// decisions are applied afresh each time.
std::shared_ptr<const MachineDedup> machine_dedup(const Review& review, const DedupOptions& options) {
  struct Cached {
    std::string dir;
    std::string sources;
    std::tuple<std::size_t, std::size_t, bool> options;
    std::shared_ptr<const MachineDedup> value;
  };
  static std::mutex mutex;
  static Cached cached;
  std::string sources = runs::sources_fingerprint(review.sources_path());
  const auto opts = std::make_tuple(options.max_block, options.window, options.field_scores);
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (cached.value && cached.dir == review.dir() && cached.sources == sources && cached.options == opts) {
      return cached.value;
    }
  }
  auto m = std::make_shared<MachineDedup>();
  const Index index = review.open_index();
  m->keys = index.keys();
  std::sort(m->keys.begin(), m->keys.end());
  Deduplicator dedup(options);
  for (const auto& key : m->keys) {
    dedup.add(*index.get(key));
  }
  m->result = dedup.run();
  std::lock_guard<std::mutex> lock(mutex);
  cached = {review.dir(), std::move(sources), opts, m};
  return m;
}

} // namespace

ReviewDedup Review::deduplicate(const DedupOptions& options) const {
  ReviewDedup out;
  const std::shared_ptr<const MachineDedup> cached = machine_dedup(*this, options);
  const std::vector<std::string>& keys = cached->keys;
  const DedupResult& machine = cached->result;
  out.records = keys.size();

  const LedgerRead ledger = Ledger(ledger_path()).read_all();
  out.ledger_problems = ledger.problems;
  const auto decisions = fold_decisions(ledger);
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    index_of[keys[i]] = i;
  }

  // People's confirmations first, then the machine's links; a link that
  // would join two records a person split is not used.
  std::vector<ClusterLink> candidates;
  std::vector<KeyPair> splits;
  for (const auto& [pair, d] : decisions) {
    if (!index_of.count(pair.first) || !index_of.count(pair.second)) {
      continue; // a record no longer in the review
    }
    if (d.same) {
      ClusterLink l;
      l.a = pair.first;
      l.b = pair.second;
      l.rule = "confirmed";
      l.decided_by = d.actor;
      candidates.push_back(std::move(l));
    } else {
      splits.push_back(pair);
    }
  }
  for (const auto& c : machine.clusters) {
    for (const auto& p : c.links) {
      candidates.push_back(link_of(p, keys));
    }
  }
  UnionFind uf(keys.size());
  std::vector<ClusterLink> used;
  for (auto& l : candidates) {
    const std::size_t ra = uf.find(index_of[l.a]);
    const std::size_t rb = uf.find(index_of[l.b]);
    if (ra == rb) {
      continue;
    }
    const KeyPair* blocking = nullptr;
    for (const auto& s : splits) {
      const std::size_t p = uf.find(index_of[s.first]);
      const std::size_t q = uf.find(index_of[s.second]);
      if ((p == ra && q == rb) || (p == rb && q == ra)) {
        blocking = &s;
        break;
      }
    }
    if (blocking) {
      l.decided_by = decisions.at(*blocking).actor;
      out.kept_apart.push_back(std::move(l));
      continue;
    }
    uf.join(ra, rb);
    used.push_back(std::move(l));
  }

  std::map<std::size_t, ReviewCluster> by_root;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    by_root[uf.find(i)].keys.push_back(keys[i]);
  }
  for (auto& l : used) {
    by_root[uf.find(index_of[l.a])].links.push_back(std::move(l));
  }
  for (auto& [root, cluster] : by_root) {
    if (cluster.keys.size() > 1) {
      out.clusters.push_back(std::move(cluster));
    }
  }
  for (const auto& p : machine.maybe) {
    ClusterLink l = link_of(p, keys);
    if (decisions.count(ordered(l.a, l.b)) || uf.find(index_of[l.a]) == uf.find(index_of[l.b])) {
      continue;
    }
    out.maybe.push_back(std::move(l));
  }
  return out;
}

LedgerEvent Review::decide_duplicates(const std::string& actor, bool same, const std::vector<std::string>& keys,
                                      const std::string& note, const std::string& now) {
  if (keys.size() < 2 || (!same && keys.size() != 2)) {
    throw UsageError(same ? "dedup confirm: name at least two records" : "dedup split: name exactly two records");
  }
  if (std::set<std::string>(keys.begin(), keys.end()).size() != keys.size()) {
    throw UsageError("dedup: a record is named twice");
  }
  if (!valid_actor(actor)) {
    throw UsageError("'" + actor + "' cannot name a reviewer (use letters, digits, '.', '_' or '-')");
  }
  const Index index = open_index();
  for (const auto& k : keys) {
    if (!index.contains(k)) {
      throw Error("no record " + k + " in this review");
    }
  }
  json payload = {{"keys", keys}};
  if (!note.empty()) {
    payload["note"] = note;
  }
  return Ledger(ledger_path()).append(actor, same ? k_confirm : k_split, std::move(payload), now);
}

} // namespace litrev
