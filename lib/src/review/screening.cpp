// Screening state as a fold over the ledgers: each reviewer's latest vote per
// record and stage, the latest resolution, the latest retrieval mark, and
// from those the status the protocol's rules give.
#include <litrev/screening.hpp>

#include <set>
#include <tuple>

namespace litrev {

using nlohmann::json;

const char* decision_name(Decision decision) {
  switch (decision) {
  case Decision::include:
    return "include";
  case Decision::exclude:
    return "exclude";
  case Decision::maybe:
    return "maybe";
  }
  return "maybe";
}

std::optional<Decision> decision_from_name(std::string_view name) {
  if (name == "include") {
    return Decision::include;
  }
  if (name == "exclude") {
    return Decision::exclude;
  }
  if (name == "maybe") {
    return Decision::maybe;
  }
  return std::nullopt;
}

const char* status_name(Status status) {
  switch (status) {
  case Status::unscreened:
    return "unscreened";
  case Status::awaiting:
    return "awaiting";
  case Status::included:
    return "included";
  case Status::excluded:
    return "excluded";
  case Status::maybe:
    return "maybe";
  case Status::conflict:
    return "conflict";
  }
  return "unscreened";
}

const RecordState* ScreeningState::find(const std::string& key) const {
  auto it = records.find(key);
  return it == records.end() ? nullptr : &it->second;
}

std::string ScreeningState::cluster_key(const std::string& key) const {
  auto it = cluster_of.find(key);
  return it == cluster_of.end() ? key : it->second;
}

namespace {

// Orders events from different actors: by time, then actor, then seq.
using When = std::tuple<std::string, std::string, std::uint64_t>;

When when_of(const LedgerEvent& e) { return {e.ts, e.actor, e.seq}; }

std::string payload_string(const json& payload, const char* name) {
  auto it = payload.find(name);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void settle(const StageRules* rules, StageState& s) {
  s.conflict.clear();
  s.reason.clear();
  if (s.resolution) {
    s.status = s.resolution->decision == Decision::exclude ? Status::excluded : Status::included;
    s.reason = s.resolution->reason;
    return;
  }
  if (s.votes.empty()) {
    s.status = Status::unscreened;
    return;
  }
  std::set<Decision> decisions;
  std::set<std::string> reasons;
  for (const auto& [who, vote] : s.votes) {
    decisions.insert(vote.decision);
    if (vote.decision == Decision::exclude) {
      reasons.insert(vote.reason);
    }
  }
  if (decisions.size() > 1) {
    s.status = Status::conflict;
    const bool both = decisions.count(Decision::include) && decisions.count(Decision::exclude);
    s.conflict = both ? "include/exclude" : "maybe";
    return;
  }
  const bool dual = rules && rules->dual;
  if (dual && s.votes.size() < 2) {
    s.status = Status::awaiting;
    return;
  }
  switch (*decisions.begin()) {
  case Decision::include:
    s.status = Status::included;
    return;
  case Decision::maybe:
    s.status = Status::maybe;
    return;
  case Decision::exclude:
    if (reasons.size() > 1 && rules && rules->reason_required) {
      s.status = Status::conflict;
      s.conflict = "reasons differ";
      return;
    }
    s.status = Status::excluded;
    if (reasons.size() == 1) {
      s.reason = *reasons.begin();
    }
    return;
  }
}

} // namespace

ScreeningState fold_screening(const Protocol& protocol, const std::vector<LedgerEvent>& events,
                              const std::map<std::string, std::string>& cluster_of) {
  ScreeningState out;
  std::map<std::pair<std::string, int>, When> resolved_at;
  std::map<std::string, When> retrieved_at;

  auto problem = [&](const LedgerEvent& e, const std::string& what) {
    out.problems.push_back({e.file, e.line, e.type + ": " + what, false});
  };

  for (const LedgerEvent& e : events) {
    const bool decision = e.type == "screen.decision";
    const bool resolve = e.type == "screen.resolve";
    const bool retrieval = e.type == "screen.retrieval";
    if (!decision && !resolve && !retrieval && e.type != "screen.note") {
      continue;
    }
    ++out.events;
    const std::string key = payload_string(e.payload, "key");
    if (key.empty()) {
      problem(e, "no key");
      continue;
    }
    auto c = cluster_of.find(key);
    const std::string& cluster = c == cluster_of.end() ? key : c->second;

    if (retrieval) {
      auto r = e.payload.find("retrieved");
      if (r == e.payload.end() || !r->is_boolean()) {
        problem(e, "no \"retrieved\" true or false");
        continue;
      }
      RecordState& rs = out.records[cluster];
      rs.key = cluster;
      const When w = when_of(e);
      auto [it, fresh] = retrieved_at.try_emplace(cluster, w);
      if (fresh || it->second <= w) {
        it->second = w;
        rs.retrieval = Retrieval{r->get<bool>(), payload_string(e.payload, "reason"), e.actor, e.ts};
      }
      continue;
    }
    const auto stage = stage_from_name(payload_string(e.payload, "stage"));
    if (!stage) {
      problem(e, "no valid \"stage\"");
      continue;
    }
    if (e.type == "screen.note") {
      continue; // notes are history (export decisions), not state
    }
    const auto d = decision_from_name(payload_string(e.payload, "decision"));
    if (!d || (resolve && *d == Decision::maybe)) {
      problem(e, "no valid \"decision\"");
      continue;
    }
    RecordState& rs = out.records[cluster];
    rs.key = cluster;
    StageState& st = rs.stage(*stage);
    if (decision) {
      auto [it, fresh] = st.votes.try_emplace(e.actor);
      Vote& v = it->second;
      if (fresh) {
        v.first = *d;
      } else {
        ++v.revisions;
      }
      v.reviewer = e.actor;
      v.key = key;
      v.decision = *d;
      v.reason = payload_string(e.payload, "reason");
      v.note = payload_string(e.payload, "note");
      v.order.clear();
      v.ranker.clear();
      if (const auto o = e.payload.find("order"); o != e.payload.end() && o->is_object()) {
        v.order = payload_string(*o, "kind");
        v.ranker = payload_string(*o, "ranker");
        if (!v.ranker.empty()) {
          v.ranker += ", litrev " + payload_string(*o, "litrev");
        }
      }
      v.ts = e.ts;
    } else {
      const When w = when_of(e);
      auto [it, fresh] = resolved_at.try_emplace({cluster, static_cast<int>(*stage)}, w);
      if (fresh || it->second <= w) {
        it->second = w;
        st.resolution = Resolution{e.actor, *d, payload_string(e.payload, "reason"),
                                   payload_string(e.payload, "note"), e.ts};
      }
    }
  }
  for (auto& [key, rs] : out.records) {
    settle(protocol.stage(Stage::title_abstract), rs.ta);
    settle(protocol.stage(Stage::full_text), rs.ft);
  }
  return out;
}

StateTerms state_terms(const RecordState* state) {
  StateTerms t;
  const std::string ta = "ta-";
  if (!state || state->ta.status == Status::unscreened) {
    return t; // status:ta-unscreened is the absence of a ta- term
  }
  t.status.push_back(ta + status_name(state->ta.status));
  if (state->ta.status == Status::conflict) {
    t.conflict.push_back("ta");
  }
  if (state->ta.status == Status::included) {
    if (state->retrieval && !state->retrieval->retrieved) {
      t.status.push_back("ft-not-retrieved");
    } else {
      t.status.push_back(std::string("ft-") + status_name(state->ft.status));
      if (state->ft.status == Status::conflict) {
        t.conflict.push_back("ft");
      }
    }
  }
  return t;
}

} // namespace litrev
