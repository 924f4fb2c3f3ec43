// Prioritised screening: the labelled-CSV reader, TF-IDF features and the
// ranker (liblinear SVM / logistic regression, multinomial Naive Bayes).
// The simulation is in prioritise_simulate.cpp.
#include <litrev/prioritise.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

#include <fmt/core.h>
#include <linear.h>
#include <utf8proc.h>

#include <litrev/error.hpp>

#include "formats/csv_table.hpp"

namespace litrev {

// ------------------------------------------------------------ labelled CSV

namespace {

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

std::optional<bool> parse_label(std::string s) {
  s = lower_ascii(s);
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  if (s == "1" || s == "true" || s == "yes" || s == "1.0") {
    return true;
  }
  if (s == "0" || s == "false" || s == "no" || s == "0.0") {
    return false;
  }
  return std::nullopt;
}

} // namespace

std::vector<LabelledRecord> read_labelled_csv(const std::string& path) {
  csv_table::CsvFile in(path, std::size_t{1} << 22);
  std::vector<std::string> row;
  if (!in.next(row)) {
    throw DataError(path, 0, "empty file (expected a header row: id,title,abstract,label_included)");
  }
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < row.size(); ++i) {
    column.emplace(lower_ascii(row[i]), i);
  }
  for (const char* needed : {"id", "title", "abstract", "label_included"}) {
    if (!column.count(needed)) {
      throw DataError(path, in.line(), std::string("no \"") + needed +
                                           "\" column (the header must name id, title, abstract, label_included)");
    }
  }
  auto cell = [&](const char* name) -> std::string {
    const std::size_t i = column.at(name);
    return i < row.size() ? row[i] : std::string();
  };
  std::vector<LabelledRecord> out;
  while (in.next(row)) {
    LabelledRecord r;
    r.id = cell("id");
    r.title = cell("title");
    r.abstract = cell("abstract");
    const std::string label = cell("label_included");
    const auto included = parse_label(label);
    if (!included) {
      throw DataError(path, in.line(),
                      label.empty() ? std::string("record without a label (label_included must be 0 or 1)")
                                    : "label_included \"" + label + "\" is not 0 or 1");
    }
    r.included = *included;
    out.push_back(std::move(r));
  }
  return out;
}

// ---------------------------------------------------------------- features

std::vector<std::string> tokenize(std::string_view text, std::size_t min_length) {
  std::vector<std::string> out;
  std::string token;
  std::size_t length = 0; // code points in token
  auto flush = [&] {
    if (length >= min_length && length > 0) {
      out.push_back(token);
    }
    token.clear();
    length = 0;
  };
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) { // invalid byte: a separator
      flush();
      ++p;
      --left;
      continue;
    }
    p += n;
    left -= n;
    const utf8proc_category_t cat = utf8proc_category(cp);
    const bool word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                      (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
    if (!word) {
      flush();
      continue;
    }
    utf8proc_uint8_t buf[4];
    const utf8proc_ssize_t w = utf8proc_encode_char(utf8proc_tolower(cp), buf);
    token.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(w));
    ++length;
  }
  flush();
  return out;
}

std::string record_text(const LabelledRecord& r) { return r.title + " " + r.abstract; }

Features tfidf_features(const std::vector<std::string>& texts, const FeatureOptions& options,
                        const std::vector<std::vector<std::string>>& extra_terms) {
  if (!extra_terms.empty() && extra_terms.size() != texts.size()) {
    throw std::invalid_argument("tfidf_features: extra_terms and texts differ in size");
  }
  // Term ids in first-seen order, then renumbered in sorted order.
  std::unordered_map<std::string, std::uint32_t> ids;
  std::vector<std::string> names;
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> counts(texts.size());
  std::vector<std::uint32_t> df;
  for (std::size_t d = 0; d < texts.size(); ++d) {
    const std::vector<std::string> tokens = tokenize(texts[d], options.min_token);
    std::unordered_map<std::uint32_t, std::uint32_t> tf;
    auto add = [&](const std::string& term) {
      auto [it, fresh] = ids.emplace(term, static_cast<std::uint32_t>(names.size()));
      if (fresh) {
        names.push_back(term);
        df.push_back(0);
      }
      ++tf[it->second];
    };
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      add(tokens[i]);
      if (options.bigrams && i + 1 < tokens.size()) {
        add(tokens[i] + " " + tokens[i + 1]);
      }
    }
    if (!extra_terms.empty()) {
      for (const std::string& term : extra_terms[d]) {
        add(term);
      }
    }
    counts[d].assign(tf.begin(), tf.end());
    for (const auto& [t, c] : counts[d]) {
      ++df[t];
    }
  }
  // Sorted vocabulary of the terms that pass min_df.
  std::vector<std::uint32_t> kept;
  for (std::uint32_t t = 0; t < names.size(); ++t) {
    if (df[t] >= options.min_df) {
      kept.push_back(t);
    }
  }
  std::sort(kept.begin(), kept.end(), [&](std::uint32_t a, std::uint32_t b) { return names[a] < names[b]; });
  constexpr std::uint32_t k_dropped = UINT32_MAX;
  std::vector<std::uint32_t> column(names.size(), k_dropped);
  Features f;
  f.terms.reserve(kept.size());
  std::vector<double> idf(kept.size());
  const double n = static_cast<double>(texts.size());
  for (std::uint32_t c = 0; c < kept.size(); ++c) {
    column[kept[c]] = c;
    f.terms.push_back(names[kept[c]]);
    idf[c] = std::log((1 + n) / (1 + df[kept[c]])) + 1;
  }
  f.rows.resize(texts.size());
  for (std::size_t d = 0; d < texts.size(); ++d) {
    SparseRow& row = f.rows[d];
    for (const auto& [t, c] : counts[d]) {
      if (column[t] == k_dropped) {
        continue;
      }
      const double tf = options.sublinear_tf ? 1 + std::log(static_cast<double>(c)) : static_cast<double>(c);
      row.emplace_back(column[t], tf * idf[column[t]]);
    }
    std::sort(row.begin(), row.end());
    double norm = 0;
    for (const auto& [c, v] : row) {
      norm += v * v;
    }
    norm = std::sqrt(norm);
    if (norm > 0) {
      for (auto& cv : row) {
        cv.second /= norm;
      }
    }
  }
  return f;
}

// ------------------------------------------------------------------ ranker

const char* rank_model_name(RankModel m) {
  switch (m) {
  case RankModel::svm:
    return "svm";
  case RankModel::logistic:
    return "logistic";
  case RankModel::naive_bayes:
    return "nb";
  }
  return "svm";
}

std::optional<RankModel> rank_model_from_name(std::string_view name) {
  if (name == "svm") {
    return RankModel::svm;
  }
  if (name == "logistic") {
    return RankModel::logistic;
  }
  if (name == "nb" || name == "naive_bayes") {
    return RankModel::naive_bayes;
  }
  return std::nullopt;
}

std::string describe(const RankerSettings& s, const FeatureOptions& f) {
  std::string model;
  switch (s.model) {
  case RankModel::svm:
  case RankModel::logistic:
    model = fmt::format("{} (liblinear {}.{} {}, C {}, {})", rank_model_name(s.model), liblinear_version / 100,
                        liblinear_version % 100,
                        s.model == RankModel::svm ? "L2R_L2LOSS_SVC_DUAL" : "L2R_LR", s.c,
                        s.balance ? "balanced class weights" : "unweighted");
    break;
  case RankModel::naive_bayes:
    model = fmt::format("nb (multinomial Naive Bayes, alpha {}, {})", s.nb_alpha,
                        s.balance ? "ASReview v1 double balancing" : "unbalanced");
    break;
  }
  return fmt::format("{}; TF-IDF {}, {} tf, tokens >= {} chars, min df {}; seed {}", model,
                     f.bigrams ? "1-2-grams" : "unigrams", f.sublinear_tf ? "sublinear" : "raw", f.min_token,
                     f.min_df, s.seed);
}

std::vector<std::size_t> order_by_score(const std::vector<std::size_t>& candidates,
                                        const std::vector<double>& scores) {
  if (candidates.size() != scores.size()) {
    throw std::invalid_argument("order_by_score: sizes differ");
  }
  std::vector<std::size_t> pos(candidates.size());
  std::iota(pos.begin(), pos.end(), std::size_t{0});
  std::sort(pos.begin(), pos.end(), [&](std::size_t a, std::size_t b) {
    if (scores[a] != scores[b]) {
      return scores[a] > scores[b];
    }
    return candidates[a] < candidates[b];
  });
  std::vector<std::size_t> out;
  out.reserve(pos.size());
  for (std::size_t p : pos) {
    out.push_back(candidates[p]);
  }
  return out;
}

namespace {

void quiet(const char*) {}

double dot(const SparseRow& row, const std::vector<double>& w) {
  double s = 0;
  for (const auto& [c, v] : row) {
    s += w[c] * v;
  }
  return s;
}

// ASReview v1's "double" balance strategy (asreview/balance_strategies/
// double.py, defaults a 2.155, alpha 0.94, b 0.789, beta 1.0): the relevant
// records are resampled up to a share set by one_weight, the irrelevant ones
// to the rest, each by whole copies plus a sample without replacement.
std::vector<std::size_t> double_balance(const std::vector<std::size_t>& ones, const std::vector<std::size_t>& zeros,
                                        std::mt19937_64& rng) {
  const double a = 2.155, alpha = 0.94, b = 0.789, beta = 1.0;
  const double n_one = static_cast<double>(ones.size());
  const double n_zero = static_cast<double>(zeros.size());
  const double n_train = n_one + n_zero;
  const double one_weight = a * std::pow(n_one / n_zero, -alpha);
  const double zero_weight = 1 - (1 - b) * std::pow(1 + std::log(n_train), -beta);
  const double tot = one_weight * n_one + zero_weight * n_zero;
  const double want = one_weight * n_one * n_train / tot;
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  double base = std::floor(want);
  if (unif(rng) < want - base) {
    base += 1;
  }
  const std::size_t total = ones.size() + zeros.size();
  std::size_t n_one_train = static_cast<std::size_t>(std::max(1.0, std::min(n_train - 2, base)));
  n_one_train = std::min(n_one_train, total - 1);
  const std::size_t n_zero_train = total - n_one_train;
  std::vector<std::size_t> out;
  auto fill = [&](const std::vector<std::size_t>& src, std::size_t n) {
    const std::size_t copies = n / src.size();
    for (std::size_t k = 0; k < copies; ++k) {
      out.insert(out.end(), src.begin(), src.end());
    }
    std::vector<std::size_t> pool = src;
    std::shuffle(pool.begin(), pool.end(), rng);
    out.insert(out.end(), pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(n - copies * src.size()));
  };
  fill(ones, n_one_train);
  fill(zeros, n_zero_train);
  return out;
}

} // namespace

struct Ranker::Impl {
  std::uint32_t n_features = 0;
  // liblinear rows: features 1-based, then the bias feature, then -1.
  std::vector<std::vector<feature_node>> nodes;
};

Ranker::Ranker(const Features& features, RankerSettings settings)
  : m_features(features), m_settings(settings), m_rng(settings.seed), m_impl(new Impl) {
  m_impl->n_features = static_cast<std::uint32_t>(features.terms.size());
  if (m_settings.model != RankModel::naive_bayes) {
    m_impl->nodes.resize(features.rows.size());
    for (std::size_t r = 0; r < features.rows.size(); ++r) {
      auto& v = m_impl->nodes[r];
      v.reserve(features.rows[r].size() + 2);
      for (const auto& [c, x] : features.rows[r]) {
        v.push_back({static_cast<int>(c) + 1, x});
      }
      v.push_back({static_cast<int>(m_impl->n_features) + 1, 1.0});
      v.push_back({-1, 0.0});
    }
  }
}

Ranker::~Ranker() { delete m_impl; }

std::vector<double> Ranker::score(const std::vector<std::size_t>& labelled, const std::vector<bool>& labels,
                                  const std::vector<std::size_t>& candidates) {
  if (labelled.size() != labels.size()) {
    throw std::invalid_argument("Ranker::score: labelled and labels differ in size");
  }
  const std::size_t rows = m_features.rows.size();
  for (std::size_t i : labelled) {
    if (i >= rows) {
      throw std::invalid_argument("Ranker::score: labelled row out of range");
    }
  }
  for (std::size_t i : candidates) {
    if (i >= rows) {
      throw std::invalid_argument("Ranker::score: candidate row out of range");
    }
  }
  std::vector<std::size_t> ones, zeros;
  for (std::size_t i = 0; i < labelled.size(); ++i) {
    (labels[i] ? ones : zeros).push_back(labelled[i]);
  }
  std::vector<double> out(candidates.size(), 0.0);
  if (ones.empty() || zeros.empty()) {
    return out;
  }
  const std::uint32_t nf = m_impl->n_features;

  if (m_settings.model == RankModel::naive_bayes) {
    // Multinomial NB on the (balanced) training sample; the score is the
    // log-odds of relevance, which orders as predict_proba does.
    std::vector<std::size_t> sample;
    if (m_settings.balance) {
      sample = double_balance(ones, zeros, m_rng);
    } else {
      sample = labelled;
    }
    std::vector<double> sum1(nf, 0.0), sum0(nf, 0.0);
    double n1 = 0, n0 = 0;
    std::vector<bool> is_one(rows, false);
    for (std::size_t i : ones) {
      is_one[i] = true;
    }
    for (std::size_t i : sample) {
      std::vector<double>& s = is_one[i] ? sum1 : sum0;
      (is_one[i] ? n1 : n0) += 1;
      for (const auto& [c, v] : m_features.rows[i]) {
        s[c] += v;
      }
    }
    const double alpha = m_settings.nb_alpha;
    double tot1 = 0, tot0 = 0;
    for (std::uint32_t c = 0; c < nf; ++c) {
      tot1 += sum1[c];
      tot0 += sum0[c];
    }
    const double den1 = std::log(tot1 + alpha * nf);
    const double den0 = std::log(tot0 + alpha * nf);
    std::vector<double> w(nf);
    for (std::uint32_t c = 0; c < nf; ++c) {
      w[c] = (std::log(sum1[c] + alpha) - den1) - (std::log(sum0[c] + alpha) - den0);
    }
    const double prior = std::log(n1) - std::log(n0);
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      out[k] = prior + dot(m_features.rows[candidates[k]], w);
    }
    return out;
  }

  // liblinear, relevant = +1 first so that w points towards relevance.
  std::vector<feature_node*> x;
  std::vector<double> y;
  x.reserve(labelled.size());
  y.reserve(labelled.size());
  for (std::size_t i : ones) {
    x.push_back(m_impl->nodes[i].data());
    y.push_back(1);
  }
  for (std::size_t i : zeros) {
    x.push_back(m_impl->nodes[i].data());
    y.push_back(-1);
  }
  problem prob{};
  prob.l = static_cast<int>(x.size());
  prob.n = static_cast<int>(nf) + 1;
  prob.y = y.data();
  prob.x = x.data();
  prob.bias = 1.0;
  int weight_label[2] = {1, -1};
  const double n = static_cast<double>(labelled.size());
  double weight[2] = {n / (2.0 * static_cast<double>(ones.size())), n / (2.0 * static_cast<double>(zeros.size()))};
  parameter param{};
  param.solver_type = m_settings.model == RankModel::svm ? L2R_L2LOSS_SVC_DUAL : L2R_LR;
  param.eps = m_settings.model == RankModel::svm ? 0.1 : 0.01;
  param.C = m_settings.c;
  param.nr_weight = m_settings.balance ? 2 : 0;
  param.weight_label = m_settings.balance ? weight_label : nullptr;
  param.weight = m_settings.balance ? weight : nullptr;
  param.p = 0.1;
  param.init_sol = nullptr;
  if (const char* problem_text = check_parameter(&prob, &param)) {
    throw Error(std::string("liblinear: ") + problem_text);
  }
  set_print_string_function(&quiet);
  // The dual solver shuffles with rand(): seed it from our generator so a
  // run is reproducible whatever else used rand().
  std::srand(static_cast<unsigned>(m_rng() & 0x7fffffffu));
  model* m = train(&prob, &param);
  // w has nf + 1 entries (the last is the bias); its sign is towards
  // label[0].
  const double* w = m->w;
  const double bias = w[nf];
  const double sign = m->label[0] == 1 ? 1.0 : -1.0;
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    double s = bias;
    for (const auto& [c, v] : m_features.rows[candidates[k]]) {
      s += w[c] * v;
    }
    out[k] = sign * s;
  }
  free_and_destroy_model(&m);
  return out;
}

} // namespace litrev
