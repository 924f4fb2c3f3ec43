// The protocol in litrev.json: reading it strictly enough that a typo in a
// stage, mode or role is an error naming the field, not a silent default.
#include <litrev/protocol.hpp>

#include <set>

#include <litrev/error.hpp>
#include <litrev/ledger.hpp>

namespace litrev {

using nlohmann::json;

const char* stage_name(Stage stage) {
  return stage == Stage::title_abstract ? "title-abstract" : "full-text";
}

const char* stage_short(Stage stage) { return stage == Stage::title_abstract ? "ta" : "ft"; }

std::optional<Stage> stage_from_name(std::string_view name) {
  if (name == "title-abstract" || name == "ta") {
    return Stage::title_abstract;
  }
  if (name == "full-text" || name == "ft") {
    return Stage::full_text;
  }
  return std::nullopt;
}

const char* role_name(Role role) { return role == Role::screener ? "screener" : "adjudicator"; }

const StageRules* Protocol::stage(Stage s) const {
  for (const StageRules& r : stages) {
    if (r.stage == s) {
      return &r;
    }
  }
  return nullptr;
}

const Reviewer* Protocol::reviewer(std::string_view name) const {
  for (const Reviewer& r : reviewers) {
    if (r.name == name) {
      return &r;
    }
  }
  return nullptr;
}

void Protocol::check_actor(const std::string& actor) const {
  if (!valid_actor(actor)) {
    throw UsageError("\"" + actor + "\" is not a valid reviewer name (1 to 64 of A-Z a-z 0-9 . _ -)");
  }
  if (!reviewers.empty() && !reviewer(actor)) {
    std::string names;
    for (const Reviewer& r : reviewers) {
      names += (names.empty() ? "" : ", ") + r.name;
    }
    throw UsageError("\"" + actor + "\" is not a reviewer in litrev.json (reviewers: " + names + ")");
  }
}

namespace {

struct Reader {
  const std::string& file;

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw DataError(file, 0, where + ": " + what);
  }

  std::vector<std::string> strings(const json& v, const std::string& where) const {
    std::vector<std::string> out;
    if (v.is_null()) {
      return out;
    }
    if (!v.is_array()) {
      fail(where, "expected a list of strings");
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string() || v[i].get_ref<const std::string&>().empty()) {
        fail(where + "[" + std::to_string(i) + "]", "expected a non-empty string");
      }
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }

  std::string string(const json& obj, const char* key, const std::string& where) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      return {};
    }
    if (!it->is_string()) {
      fail(where + "." + key, "expected a string");
    }
    return it->get<std::string>();
  }

  bool boolean(const json& obj, const char* key, bool fallback, const std::string& where) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      return fallback;
    }
    if (!it->is_boolean()) {
      fail(where + "." + key, "expected true or false");
    }
    return it->get<bool>();
  }

  void known_keys(const json& obj, std::initializer_list<const char*> keys, const std::string& where) const {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (!it.key().empty() && it.key()[0] == '$') {
        continue;
      }
      bool known = false;
      for (const char* k : keys) {
        known = known || it.key() == k;
      }
      if (!known) {
        fail(where, "unknown field \"" + it.key() + "\"");
      }
    }
  }
};

} // namespace

Protocol parse_protocol(const json& doc, const std::string& file) {
  Reader r{file};
  if (!doc.is_object()) {
    r.fail("litrev.json", "expected a JSON object");
  }
  Protocol p;
  p.raw = doc;
  p.title = r.string(doc, "title", "title");

  if (auto it = doc.find("eligibility"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) {
      r.fail("eligibility", "expected an object with \"include\" and \"exclude\" lists");
    }
    p.include_criteria = r.strings(it->value("include", json()), "eligibility.include");
    p.exclude_criteria = r.strings(it->value("exclude", json()), "eligibility.exclude");
  }

  std::vector<std::string> common_reasons = r.strings(doc.value("exclusion_reasons", json()), "exclusion_reasons");

  const json stages = doc.value("stages", json::array({"title-abstract", "full-text"}));
  if (!stages.is_array() || stages.empty()) {
    r.fail("stages", "expected a non-empty list of stages");
  }
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const std::string where = "stages[" + std::to_string(i) + "]";
    const json& s = stages[i];
    StageRules rules;
    std::string name;
    if (s.is_string()) {
      name = s.get<std::string>();
    } else if (s.is_object()) {
      r.known_keys(s, {"stage", "mode", "blind", "exclusion_reasons", "reason_required"}, where);
      name = r.string(s, "stage", where);
      const std::string mode = r.string(s, "mode", where);
      if (mode == "dual") {
        rules.dual = true;
      } else if (!mode.empty() && mode != "single") {
        r.fail(where + ".mode", "\"" + mode + "\" is not a mode (single, dual)");
      }
      rules.blind = r.boolean(s, "blind", true, where);
      rules.exclusion_reasons = r.strings(s.value("exclusion_reasons", json()), where + ".exclusion_reasons");
      rules.reason_required = r.boolean(s, "reason_required", false, where);
    } else {
      r.fail(where, "expected a stage name or an object");
    }
    auto stage = stage_from_name(name);
    if (!stage) {
      r.fail(where, "\"" + name + "\" is not a stage (title-abstract, full-text)");
    }
    rules.stage = *stage;
    if (p.stage(rules.stage)) {
      r.fail(where, std::string("stage ") + stage_name(rules.stage) + " listed twice");
    }
    if (rules.exclusion_reasons.empty()) {
      rules.exclusion_reasons = common_reasons;
    }
    // PRISMA 2020 reports full-text exclusions by reason: they always need one.
    if (rules.stage == Stage::full_text) {
      rules.reason_required = true;
    }
    p.stages.push_back(std::move(rules));
  }

  if (auto it = doc.find("reviewers"); it != doc.end() && !it->is_null()) {
    if (!it->is_array()) {
      r.fail("reviewers", "expected a list of reviewers");
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string where = "reviewers[" + std::to_string(i) + "]";
      const json& v = (*it)[i];
      Reviewer rev;
      if (v.is_string()) {
        rev.name = v.get<std::string>();
      } else if (v.is_object()) {
        r.known_keys(v, {"name", "role"}, where);
        rev.name = r.string(v, "name", where);
        const std::string role = r.string(v, "role", where);
        if (role == "adjudicator") {
          rev.role = Role::adjudicator;
        } else if (!role.empty() && role != "screener") {
          r.fail(where + ".role", "\"" + role + "\" is not a role (screener, adjudicator)");
        }
      } else {
        r.fail(where, "expected a name or an object {\"name\", \"role\"}");
      }
      if (!valid_actor(rev.name)) {
        r.fail(where + ".name",
               "\"" + rev.name + "\" cannot name a ledger (1 to 64 of A-Z a-z 0-9 . _ -, not starting with a dot)");
      }
      if (p.reviewer(rev.name)) {
        r.fail(where, "reviewer \"" + rev.name + "\" listed twice");
      }
      p.reviewers.push_back(std::move(rev));
    }
  }

  if (auto it = doc.find("highlight"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) {
      r.fail("highlight", "expected an object with \"include\" and \"exclude\" lists");
    }
    p.highlight_include = r.strings(it->value("include", json()), "highlight.include");
    p.highlight_exclude = r.strings(it->value("exclude", json()), "highlight.exclude");
  }
  return p;
}

json example_protocol(const std::string& title, const std::string& litrev_version) {
  json stage_ta = {
      {"$comment", "mode: single (one vote decides) or dual (two screeners vote; disagreements go to an "
                   "adjudicator). blind: screeners never see each other's votes."},
      {"stage", "title-abstract"},
      {"mode", "single"},
      {"blind", true},
      {"reason_required", false},
  };
  json stage_ft = {
      {"$comment", "Full text: only records included at title-abstract; every exclusion needs one of the "
                   "exclusion_reasons (PRISMA 2020 counts them per reason)."},
      {"stage", "full-text"},
      {"mode", "single"},
      {"blind", true},
  };
  return json{
      {"$comment", "The review protocol (schemas/litrev.schema.json). Keys starting with $ are comments."},
      {"litrev_version", litrev_version},
      {"title", title},
      {"question",
       {{"$comment", "The review question (PICO)."},
        {"population", ""},
        {"intervention", ""},
        {"comparison", ""},
        {"outcomes", ""}}},
      {"eligibility",
       {{"$comment", "Criteria shown to screeners (key c in `litrev screen`)."},
        {"include", json::array()},
        {"exclude", json::array()}}},
      {"stages", json::array({stage_ta, stage_ft})},
      {"$reviewers", "One entry per person, e.g. {\"name\": \"ana\", \"role\": \"screener\"} or "
                     "{\"name\": \"ben\", \"role\": \"adjudicator\"}: the name is their ledger "
                     "(ledger/NAME.jsonl) and their --reviewer NAME. While the list is empty anyone may screen "
                     "and nobody may adjudicate."},
      {"reviewers", json::array()},
      {"exclusion_reasons",
       json::array({"wrong population", "wrong intervention", "wrong comparator", "wrong outcomes",
                    "wrong study design", "wrong publication type", "duplicate report"})},
      {"highlight",
       {{"$comment", "Words (or prefixes ending in *) highlighted while screening: include cues in green, "
                     "exclude cues in red."},
        {"include", json::array()},
        {"exclude", json::array()}}},
      {"outcomes", json::array()},
      {"rob_tools", {{"randomised", "rob2"}, {"non-randomised", "robins-i"}}},
  };
}

} // namespace litrev
