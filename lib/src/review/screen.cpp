// Screening a review: the protocol's checks before a vote is written, the
// queues screeners work through, progress, and the state terms in the index.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include <litrev/error.hpp>
#include <litrev/prioritise.hpp>
#include <litrev/review.hpp>

#include "formats/csv_table.hpp"
#include "review/runs.hpp"
#include "util/fs.hpp"
#include "util/normalize.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace litrev {

namespace {

// Keys as the index holds them: the scheme lower-case, a DOI lower-case.
std::string normal_key(const std::string& key) {
  auto colon = key.find(':');
  if (colon == std::string::npos) {
    return key;
  }
  std::string scheme = key.substr(0, colon);
  std::string rest = key.substr(colon + 1);
  for (char& c : scheme) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (scheme == "doi") {
    for (char& c : rest) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return scheme + ":" + rest;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    out += (out.empty() ? "" : sep) + s;
  }
  return out;
}

const StageRules& check_stage(const Protocol& p, Stage stage) {
  const StageRules* rules = p.stage(stage);
  if (!rules) {
    throw UsageError(std::string("the protocol (litrev.json) has no ") + stage_name(stage) + " stage");
  }
  return *rules;
}

// Needs needed for a stage's votes to settle a record.
std::size_t votes_needed(const StageRules* rules) { return rules && rules->dual ? 2 : 1; }

// The record named by `in.key` is in the review and the vote fits the
// stage's rules; `in.key` is normalised. `state` is needed at full text.
void check_input(const Protocol& p, const Index& index, const ScreeningState* state, DecisionInput& in,
                 const std::string& what) {
  in.key = normal_key(in.key);
  const StageRules& rules = check_stage(p, in.stage);
  if (in.key.empty() || !index.contains(in.key)) {
    throw UsageError(what + "no record " + in.key + " in this review");
  }
  if (in.decision == Decision::exclude) {
    if (in.reason.empty() && rules.reason_required) {
      throw UsageError(what + "an exclusion at " + stage_name(in.stage) +
                       " needs a reason (--reason): one of " + join(rules.exclusion_reasons, "; "));
    }
    if (!in.reason.empty() && !rules.exclusion_reasons.empty() &&
        std::find(rules.exclusion_reasons.begin(), rules.exclusion_reasons.end(), in.reason) ==
            rules.exclusion_reasons.end()) {
      throw UsageError(what + "\"" + in.reason + "\" is not an exclusion reason of the " + stage_name(in.stage) +
                       " stage in litrev.json: " + join(rules.exclusion_reasons, "; "));
    }
  } else if (!in.reason.empty()) {
    throw UsageError(what + "a reason goes with exclude only (use --note for anything else)");
  }
  if (in.stage == Stage::full_text) {
    const RecordState* rs = state->find(state->cluster_key(in.key));
    if (!rs || rs->ta.status != Status::included) {
      throw UsageError(what + in.key + " was not included at title-abstract, so it has no full-text stage" +
                       (rs ? std::string(" (it is ") + status_name(rs->ta.status) + ")" : std::string()));
    }
    if (rs->retrieval && !rs->retrieval->retrieved) {
      throw UsageError(what + in.key + ": its report is marked not retrieved (" + rs->retrieval->reason +
                       "); mark it retrieved first (litrev retrieval " + in.key + " retrieved)");
    }
  }
}

json decision_payload(const DecisionInput& in) {
  json p = {{"key", in.key}, {"stage", stage_name(in.stage)}, {"decision", decision_name(in.decision)}};
  if (!in.reason.empty()) {
    p["reason"] = in.reason;
  }
  if (!in.note.empty()) {
    p["note"] = in.note;
  }
  if (in.order) {
    json o = {{"kind", queue_order_name(*in.order)}, {"litrev", version()}};
    if (*in.order == QueueOrder::prioritised) {
      o["ranker"] = prioritised_ranker(in.order_seed);
    }
    p["order"] = std::move(o);
  }
  return p;
}

bool needs_state(const std::vector<DecisionInput>& inputs) {
  return std::any_of(inputs.begin(), inputs.end(),
                     [](const DecisionInput& in) { return in.stage == Stage::full_text; });
}

// A sort key that puts records in a random order fixed by the seed, and
// keeps each record's place when others are added.
std::string shuffle_key(std::uint64_t seed, const std::string& key) {
  Sha256 h;
  h.update(std::to_string(seed) + "\n" + key);
  return h.hex_digest();
}

// Scores the records `keys` of `stage` with a ranker trained on the stage's
// settled records (included = relevant, excluded = not). `out` gets the
// training counts and settings; the scores are all 0 until there is at least
// one of each.
// The TF-IDF features of the titles and abstracts of `keys` (in that order).
// The last ones computed in this process are kept: a screening session (the
// web page, the terminal screen) ranks the same records again after every
// vote, and features depend only on the records' text, which changes only
// with sources/ (runs::sources_fingerprint). Votes change the labels, not
// the features.
std::shared_ptr<const Features> stage_features(const Review& review, const std::vector<std::string>& keys) {
  struct Cached {
    std::string dir;
    std::string sources;
    std::vector<std::string> keys;
    std::shared_ptr<const Features> features;
  };
  static std::mutex mutex;
  static Cached cached;
  std::string sources = runs::sources_fingerprint(review.sources_path());
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (cached.features && cached.dir == review.dir() && cached.sources == sources && cached.keys == keys) {
      return cached.features;
    }
  }
  const Index index = review.open_index();
  std::vector<std::string> texts;
  std::vector<std::vector<std::string>> terms(keys.size());
  texts.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto r = index.get(keys[i]);
    texts.push_back(r ? r->title + "\n" + r->abstract_text() : std::string());
    if (r) {
      terms[i] = controlled_terms(*r);
    }
  }
  auto features = std::make_shared<const Features>(tfidf_features(texts, FeatureOptions{}, terms));
  std::lock_guard<std::mutex> lock(mutex);
  cached = {review.dir(), std::move(sources), keys, features};
  return features;
}

// The label a record of `stage` gives the ranker, if any: its settled status,
// else (with a reviewer) that reviewer's own include or exclude vote. Other
// screeners' votes on unsettled records never count: a blind screener's
// ranking must not reveal them.
std::optional<bool> training_label(const RecordState* rs, Stage stage, const std::string& reviewer,
                                   bool* own = nullptr) {
  if (!rs) {
    return std::nullopt;
  }
  const StageState& st = rs->stage(stage);
  if (st.status == Status::included || st.status == Status::excluded) {
    return st.status == Status::included;
  }
  if (reviewer.empty()) {
    return std::nullopt;
  }
  const auto mine = st.votes.find(reviewer);
  if (mine == st.votes.end() || mine->second.decision == Decision::maybe) {
    return std::nullopt;
  }
  if (own) {
    *own = true;
  }
  return mine->second.decision == Decision::include;
}

std::vector<double> stage_scores(const Review& review, const ScreeningState& state, Stage stage,
                                 std::uint64_t seed, const std::string& reviewer,
                                 const std::vector<std::string>& wanted, Ranking& out) {
  std::vector<std::string> keys;
  std::vector<std::size_t> labelled;
  std::vector<bool> labels;
  std::map<std::string, std::size_t> row_of;
  out.own = 0;
  for (const std::string& key : review.stage_records(stage, state)) {
    bool own = false;
    if (const auto label = training_label(state.find(key), stage, reviewer, &own)) {
      labelled.push_back(keys.size());
      labels.push_back(*label);
      out.own += own ? 1 : 0;
    }
    row_of[key] = keys.size();
    keys.push_back(key);
  }
  RankerSettings settings;
  settings.seed = seed;
  out.seed = seed;
  out.reviewer = reviewer;
  out.settings = prioritised_ranker(seed);
  out.included = static_cast<std::size_t>(std::count(labels.begin(), labels.end(), true));
  out.excluded = labels.size() - out.included;
  out.trained = out.included > 0 && out.excluded > 0;
  std::vector<double> scores(wanted.size(), 0.0);
  if (!out.trained || wanted.empty()) {
    return scores;
  }
  const std::shared_ptr<const Features> features = stage_features(review, keys);
  Ranker ranker(*features, settings);
  std::vector<std::size_t> candidates;
  for (const std::string& key : wanted) {
    candidates.push_back(row_of.at(key));
  }
  return ranker.score(labelled, labels, candidates);
}

// Orders `queue` by stage_scores(), best first (ties: key order). Leaves the
// order alone until the ranker is trained.
void prioritise_queue(const Review& review, const ScreeningState& state, Stage stage, std::uint64_t seed,
                      const std::string& reviewer, std::vector<QueueItem>& queue) {
  if (queue.size() < 2) {
    return;
  }
  std::vector<std::string> keys;
  for (const QueueItem& item : queue) {
    keys.push_back(item.key);
  }
  Ranking info;
  const std::vector<double> scores = stage_scores(review, state, stage, seed, reviewer, keys, info);
  if (!info.trained) {
    return;
  }
  std::vector<std::size_t> rows(queue.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = i;
  }
  const std::vector<std::size_t> order = order_by_score(rows, scores);
  std::vector<QueueItem> sorted;
  sorted.reserve(queue.size());
  for (std::size_t i : order) {
    sorted.push_back(std::move(queue[i]));
  }
  queue = std::move(sorted);
}

} // namespace

std::string prioritised_ranker(std::uint64_t seed) {
  RankerSettings settings;
  settings.seed = seed;
  return describe(settings, FeatureOptions{}) + "; MeSH headings and publication types as extra terms";
}

std::vector<std::string> controlled_terms(const Record& record) {
  std::vector<std::string> out;
  for (const MeshHeading& h : record.mesh) {
    if (!h.descriptor.empty()) {
      out.push_back("mesh:" + case_fold(h.descriptor));
    }
  }
  for (const PublicationType& t : record.publication_types) {
    if (!t.name.empty()) {
      out.push_back("pt:" + case_fold(t.name));
    }
  }
  return out;
}

const char* queue_order_name(QueueOrder order) {
  switch (order) {
  case QueueOrder::key:
    return "key";
  case QueueOrder::random:
    return "random";
  case QueueOrder::prioritised:
    return "prioritised";
  }
  return "key";
}

std::vector<DecisionInput> read_decisions_csv(const std::string& path, Stage stage) {
  csv_table::CsvFile in(path, std::size_t{1} << 20);
  std::vector<std::string> row;
  if (!in.next(row)) {
    throw DataError(path, 0, "empty file (expected a header row: key,decision,reason,note)");
  }
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < row.size(); ++i) {
    std::string name = row[i];
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    column.emplace(name, i);
  }
  for (const char* needed : {"key", "decision"}) {
    if (!column.count(needed)) {
      throw DataError(path, in.line(), std::string("no \"") + needed +
                                           "\" column (the header must name key and decision)");
    }
  }
  auto cell = [&](const char* name) -> std::string {
    auto it = column.find(name);
    return it == column.end() || it->second >= row.size() ? std::string() : row[it->second];
  };
  std::vector<DecisionInput> out;
  while (in.next(row)) {
    if (row.size() <= std::max(column["key"], column["decision"])) {
      throw DataError(path, in.line(), "too few fields: " + std::to_string(row.size()));
    }
    DecisionInput item;
    item.key = cell("key");
    if (item.key.empty()) {
      throw DataError(path, in.line(), "empty key");
    }
    const std::string d = cell("decision");
    const auto decision = decision_from_name(d);
    if (!decision) {
      throw DataError(path, in.line(), "\"" + d + "\" is not a decision (include, exclude, maybe)");
    }
    item.decision = *decision;
    item.reason = cell("reason");
    item.note = cell("note");
    item.stage = stage;
    const std::string st = cell("stage");
    if (!st.empty()) {
      const auto named = stage_from_name(st);
      if (!named) {
        throw DataError(path, in.line(), "\"" + st + "\" is not a stage (title-abstract, full-text)");
      }
      item.stage = *named;
    }
    out.push_back(std::move(item));
  }
  return out;
}

Protocol Review::protocol() const {
  const std::string path = (fs::path(m_dir) / runs::k_protocol).string();
  json doc;
  try {
    doc = json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw DataError(path, 0, std::string("not valid JSON: ") + e.what());
  }
  return parse_protocol(doc, path);
}

ScreeningState Review::screening(std::vector<LedgerProblem>* problems) const {
  const LedgerRead ledger = Ledger(ledger_path()).read_all();
  if (problems) {
    *problems = ledger.problems;
  }
  const ReviewDedup dedup = deduplicate();
  std::map<std::string, std::string> cluster_of;
  for (const ReviewCluster& c : dedup.clusters) {
    for (const std::string& k : c.keys) {
      cluster_of[k] = c.keys.front();
    }
  }
  ScreeningState state = fold_screening(protocol(), ledger.events, cluster_of);
  for (const std::string& key : open_index().keys()) {
    auto it = cluster_of.find(key);
    const std::string& first = it == cluster_of.end() ? key : it->second;
    state.clusters[first].push_back(key);
  }
  state.cluster_of = std::move(cluster_of);
  return state;
}

std::vector<std::string> Review::stage_records(Stage stage, const ScreeningState& state) const {
  std::vector<std::string> out;
  for (const auto& [key, members] : state.clusters) {
    if (stage == Stage::title_abstract) {
      out.push_back(key);
      continue;
    }
    const RecordState* rs = state.find(key);
    if (rs && rs->ta.status == Status::included && !(rs->retrieval && !rs->retrieval->retrieved)) {
      out.push_back(key);
    }
  }
  return out;
}

std::vector<QueueItem> Review::queue(const std::string& reviewer, Stage stage, QueueOrder order,
                                     std::uint64_t seed, bool include_done) const {
  const Protocol p = protocol();
  const StageRules& rules = check_stage(p, stage);
  const ScreeningState state = screening();
  std::vector<QueueItem> out;
  for (const std::string& key : stage_records(stage, state)) {
    const RecordState* rs = state.find(key);
    const StageState* st = rs ? &rs->stage(stage) : nullptr;
    QueueItem item;
    item.key = key;
    item.members = state.clusters.at(key);
    if (st) {
      auto mine = st->votes.find(reviewer);
      if (mine != st->votes.end()) {
        if (!include_done) {
          continue;
        }
        item.mine = mine->second;
      } else if (st->resolution || st->votes.size() >= votes_needed(&rules)) {
        continue; // settled without this reviewer
      }
    }
    out.push_back(std::move(item));
  }
  if (order == QueueOrder::prioritised) {
    prioritise_queue(*this, state, stage, seed, reviewer, out);
  } else if (order == QueueOrder::random) {
    std::vector<std::pair<std::string, QueueItem>> keyed;
    for (auto& item : out) {
      keyed.emplace_back(shuffle_key(seed, item.key), std::move(item));
    }
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out.clear();
    for (auto& [k, item] : keyed) {
      out.push_back(std::move(item));
    }
  }
  return out;
}

Ranking Review::rank(Stage stage, std::uint64_t seed, const std::string& reviewer) const {
  const Protocol p = protocol();
  check_stage(p, stage);
  const ScreeningState state = screening();
  std::vector<std::string> open;
  for (const std::string& key : stage_records(stage, state)) {
    const RecordState* rs = state.find(key);
    const Status st = rs ? rs->stage(stage).status : Status::unscreened;
    const bool voted = rs && !reviewer.empty() && rs->stage(stage).votes.count(reviewer);
    if (st != Status::included && st != Status::excluded && !voted) {
      open.push_back(key);
    }
  }
  Ranking out;
  out.stage = stage;
  const std::vector<double> scores = stage_scores(*this, state, stage, seed, reviewer, open, out);
  std::vector<std::size_t> rows(open.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = i;
  }
  for (std::size_t i : order_by_score(rows, scores)) {
    out.records.push_back({open[i], scores[i]});
  }
  return out;
}

LedgerEvent Review::decide(const std::string& actor, const DecisionInput& input, const std::string& now) {
  return decide_all(actor, {input}, now).front();
}

std::vector<LedgerEvent> Review::decide_all(const std::string& actor, const std::vector<DecisionInput>& inputs,
                                            const std::string& now) {
  const Protocol p = protocol();
  p.check_actor(actor);
  std::optional<ScreeningState> state;
  if (needs_state(inputs)) {
    state = screening();
  }
  const Index index = open_index();
  std::vector<DecisionInput> checked = inputs;
  for (std::size_t i = 0; i < checked.size(); ++i) {
    const std::string what = inputs.size() > 1 ? "item " + std::to_string(i + 1) + ": " : "";
    check_input(p, index, state ? &*state : nullptr, checked[i], what);
  }
  Ledger ledger(ledger_path());
  std::vector<LedgerEvent> out;
  for (const DecisionInput& in : checked) {
    out.push_back(ledger.append(actor, "screen.decision", decision_payload(in), now));
  }
  return out;
}

LedgerEvent Review::resolve(const std::string& actor, const DecisionInput& input, const std::string& now) {
  return resolve_all(actor, {input}, now).front();
}

std::vector<LedgerEvent> Review::resolve_all(const std::string& actor, const std::vector<DecisionInput>& inputs,
                                             const std::string& now) {
  const Protocol p = protocol();
  p.check_actor(actor);
  const Reviewer* r = p.reviewer(actor);
  if (!r || r->role != Role::adjudicator) {
    throw UsageError("\"" + actor + "\" is not an adjudicator in litrev.json; only adjudicators resolve");
  }
  std::optional<ScreeningState> state;
  if (needs_state(inputs)) {
    state = screening();
  }
  const Index index = open_index();
  std::vector<DecisionInput> checked = inputs;
  for (std::size_t i = 0; i < checked.size(); ++i) {
    const std::string what = inputs.size() > 1 ? "item " + std::to_string(i + 1) + ": " : "";
    if (checked[i].decision == Decision::maybe) {
      throw UsageError(what + "a resolution is include or exclude, not maybe");
    }
    check_input(p, index, state ? &*state : nullptr, checked[i], what);
  }
  Ledger ledger(ledger_path());
  std::vector<LedgerEvent> out;
  for (const DecisionInput& in : checked) {
    out.push_back(ledger.append(actor, "screen.resolve", decision_payload(in), now));
  }
  return out;
}

LedgerEvent Review::set_retrieval(const std::string& actor, const std::string& key, bool retrieved,
                                  const std::string& reason, const std::string& now) {
  const Protocol p = protocol();
  p.check_actor(actor);
  check_stage(p, Stage::full_text);
  if (!retrieved && reason.empty()) {
    throw UsageError("a report not retrieved needs a reason (--reason)");
  }
  const std::string k = normal_key(key);
  const ScreeningState state = screening();
  if (!state.cluster_of.count(k) && !state.clusters.count(k)) {
    throw UsageError("no record " + k + " in this review");
  }
  const RecordState* rs = state.find(state.cluster_key(k));
  if (!rs || rs->ta.status != Status::included) {
    throw UsageError(k + " was not included at title-abstract: its full text is not sought");
  }
  json payload = {{"key", k}, {"retrieved", retrieved}};
  if (!reason.empty()) {
    payload["reason"] = reason;
  }
  return Ledger(ledger_path()).append(actor, "screen.retrieval", payload, now);
}

LedgerEvent Review::add_note(const std::string& actor, const std::string& key, Stage stage,
                             const std::string& note, const std::string& now) {
  const Protocol p = protocol();
  p.check_actor(actor);
  check_stage(p, stage);
  const std::string k = normal_key(key);
  if (!open_index().contains(k)) {
    throw UsageError("no record " + k + " in this review");
  }
  if (note.empty()) {
    throw UsageError("an empty note");
  }
  return Ledger(ledger_path()).append(actor, "screen.note", {{"key", k}, {"stage", stage_name(stage)}, {"note", note}},
                                      now);
}

std::vector<StageProgress> Review::progress(const ScreeningState& state) const {
  const Protocol p = protocol();
  std::vector<StageProgress> out;
  for (const StageRules& rules : p.stages) {
    StageProgress sp;
    sp.stage = rules.stage;
    const std::vector<std::string> records = stage_records(rules.stage, state);
    sp.records = records.size();
    std::set<std::string> people;
    for (const Reviewer& r : p.reviewers) {
      if (r.role == Role::screener) {
        people.insert(r.name);
      }
    }
    for (const auto& [key, rs] : state.records) {
      for (const auto& [who, vote] : rs.stage(rules.stage).votes) {
        people.insert(who);
      }
      if (rules.stage == Stage::full_text && rs.ta.status == Status::included && rs.retrieval &&
          !rs.retrieval->retrieved) {
        ++sp.not_retrieved;
      }
    }
    std::map<std::string, ReviewerProgress> per;
    for (const std::string& who : people) {
      per[who] = ReviewerProgress{who, rules.stage, 0, 0, 0};
    }
    for (const std::string& key : records) {
      const RecordState* rs = state.find(key);
      const StageState* st = rs ? &rs->stage(rules.stage) : nullptr;
      ++sp.by_status[st ? st->status : Status::unscreened];
      if (st) {
        for (const auto& [who, vote] : st->votes) {
          ++sp.orders[vote.order.empty() ? "" : vote.order + (vote.ranker.empty() ? "" : ": " + vote.ranker)];
        }
      }
      for (auto& [who, rp] : per) {
        const bool voted = st && st->votes.count(who);
        if (voted) {
          ++rp.done;
          if (st->status == Status::conflict) {
            ++rp.conflicts;
          }
        } else if (!st || (!st->resolution && st->votes.size() < votes_needed(&rules))) {
          ++rp.remaining;
        }
      }
    }
    for (auto& [who, rp] : per) {
      sp.reviewers.push_back(rp);
    }
    out.push_back(std::move(sp));
  }
  return out;
}

bool Review::sync_state() const {
  // What the terms are derived from: the ledgers as files, and the index.
  std::string ledgers;
  if (fs::exists(ledger_path())) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(ledger_path())) {
      if (e.path().extension() == ".jsonl") {
        files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      std::error_code ec;
      const auto size = fs::file_size(f, ec);
      const auto mtime = fs::last_write_time(f, ec).time_since_epoch().count();
      ledgers += f.filename().string() + ":" + std::to_string(size) + ":" + std::to_string(mtime) + ";";
    }
  }
  {
    const Index reader = open_index();
    const std::string stamp = reader.metadata("litrev.state_stamp");
    if (stamp == ledgers + "@" + std::to_string(reader.revision())) {
      return true;
    }
    // Before anyone screens, no record carries a state term (status:ta-unscreened
    // is the absence of one): nothing to write, however large the index.
    if (ledgers.empty() && reader.keys_with_field("status").empty() &&
        reader.keys_with_field("conflict").empty()) {
      return true;
    }
  }
  const ScreeningState state = screening();
  std::optional<Index> index;
  try {
    index.emplace(index_path(), Index::Mode::write);
  } catch (const IndexError& e) {
    if (std::string(e.what()).find("index busy") != std::string::npos) {
      return false;
    }
    throw;
  }
  // Only records someone screened carry terms; compare with what the index
  // holds now and write the differences.
  std::map<std::string, StateTerms> wanted;
  for (const auto& [cluster, rs] : state.records) {
    auto members = state.clusters.find(cluster);
    if (members == state.clusters.end()) {
      continue; // a record no longer in the review
    }
    StateTerms terms = state_terms(&rs);
    std::sort(terms.status.begin(), terms.status.end());
    std::sort(terms.conflict.begin(), terms.conflict.end());
    for (const std::string& key : members->second) {
      wanted[key] = terms;
    }
  }
  const auto status_now = index->keys_with_field("status");
  const auto conflict_now = index->keys_with_field("conflict");
  std::set<std::string> keys;
  for (const auto* m : {&status_now, &conflict_now}) {
    for (const auto& [key, values] : *m) {
      keys.insert(key);
    }
  }
  for (const auto& [key, terms] : wanted) {
    keys.insert(key);
  }
  static const std::vector<std::string> k_none;
  auto now_of = [](const std::map<std::string, std::vector<std::string>>& m, const std::string& key)
      -> const std::vector<std::string>& {
    auto it = m.find(key);
    return it == m.end() ? k_none : it->second;
  };
  for (const std::string& key : keys) {
    auto w = wanted.find(key);
    const StateTerms none;
    const StateTerms& want = w == wanted.end() ? none : w->second;
    if (now_of(status_now, key) != want.status) {
      index->set_field_terms(key, "status", want.status);
    }
    if (now_of(conflict_now, key) != want.conflict) {
      index->set_field_terms(key, "conflict", want.conflict);
    }
  }
  // The commit below makes the next revision; the stamp names it.
  index->set_metadata("litrev.state_stamp", ledgers + "@" + std::to_string(index->revision() + 1));
  index->commit();
  return true;
}

} // namespace litrev
