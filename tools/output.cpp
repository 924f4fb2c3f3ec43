#include "output.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <litrev/error.hpp>

namespace litrev::cli {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) {
    return s;
  }
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) {
      out += ',';
    }
    out += csv_field(fields[i]);
  }
  out += "\r\n";
  return out;
}

std::string journal_short(const Record& r) {
  if (!r.journal.iso_abbrev.empty()) {
    return r.journal.iso_abbrev;
  }
  if (!r.journal.medline_ta.empty()) {
    return r.journal.medline_ta;
  }
  if (!r.journal.title.empty()) {
    return r.journal.title;
  }
  return r.book_title;
}

nlohmann::json record_summary(const Record& r) {
  nlohmann::json authors = nlohmann::json::array();
  for (const auto& a : r.authors) {
    if (!a.collective.empty()) {
      authors.push_back(a.collective);
    } else {
      authors.push_back(a.initials.empty() ? a.family : a.family + " " + a.initials);
    }
  }
  nlohmann::json types = nlohmann::json::array();
  for (const auto& p : r.publication_types) {
    types.push_back(p.name);
  }
  nlohmann::json j = {
      {"key", r.key},
      {"pmid", r.ids.pmid.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.ids.pmid)},
      {"doi", r.ids.doi.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.ids.doi)},
      {"title", r.title},
      {"year", r.pub_date.year ? nlohmann::json(r.pub_date.year) : nlohmann::json(nullptr)},
      {"authors", authors},
      {"journal", journal_short(r)},
      {"publication_types", types},
      {"abstract", r.abstract_text()},
  };
  return j;
}

std::vector<ToResolve> records_to_resolve(const Review& review, const ScreeningState& state, Stage stage) {
  std::vector<ToResolve> out;
  for (const std::string& key : review.stage_records(stage, state)) {
    const RecordState* rs = state.find(key);
    if (!rs) {
      continue;
    }
    const StageState& st = rs->stage(stage);
    if (st.status == Status::conflict || st.status == Status::maybe) {
      out.push_back({key, &st, st.status == Status::maybe ? "all maybe" : st.conflict});
    }
  }
  return out;
}

nlohmann::json vote_json(const Vote& v) {
  nlohmann::json j = {{"reviewer", v.reviewer}, {"decision", decision_name(v.decision)}, {"ts", v.ts}};
  if (!v.reason.empty()) {
    j["reason"] = v.reason;
  }
  if (!v.note.empty()) {
    j["note"] = v.note;
  }
  return j;
}

void check_format(const std::string& format, const std::vector<std::string>& allowed) {
  for (const auto& a : allowed) {
    if (a == format) {
      return;
    }
  }
  std::string list;
  for (const auto& a : allowed) {
    list += (list.empty() ? "" : ", ") + a;
  }
  throw UsageError("--format " + format + ": expected one of " + list);
}

std::string reviewer_or_env(const std::string& given, const std::string& command) {
  if (!given.empty()) {
    return given;
  }
  const char* env = std::getenv("LITREV_REVIEWER");
  if (env && *env) {
    return env;
  }
  throw UsageError(command + ": who decides? give --reviewer NAME or set LITREV_REVIEWER");
}

std::uint64_t reviewer_seed(const std::string& reviewer) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : reviewer) {
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  return h;
}

Stage stage_option(const std::string& value) {
  const auto stage = stage_from_name(value);
  if (!stage) {
    throw UsageError("--stage: '" + value + "' is not a stage (ta, ft, title-abstract, full-text)");
  }
  return *stage;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(path + ": cannot read: " + std::strerror(errno));
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) {
    throw IoError(path + ": read error");
  }
  return out.str();
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(',', start);
    if (end == std::string::npos) {
      end = s.size();
    }
    if (end > start) {
      out.push_back(s.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

// Whether `q` holds a PubMed field tag: "[" and letters up to "]", outside quotes.
bool has_field_tag(const std::string& q) {
  bool quoted = false;
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q[i] == '"') {
      quoted = !quoted;
    } else if (q[i] == '[' && !quoted) {
      const std::size_t close = q.find(']', i);
      if (close != std::string::npos && close > i + 1 &&
          std::all_of(q.begin() + i + 1, q.begin() + close,
                      [](unsigned char c) { return std::isalnum(c) || c == ':' || c == ' '; })) {
        return true;
      }
    }
  }
  return false;
}

} // namespace litrev::cli
