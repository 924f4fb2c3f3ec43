// The record model: keys, derived text, NCT detection and JSON (de)serialisation.
#include <litrev/record.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "util/normalize.hpp"

namespace litrev {

using nlohmann::json;

std::string Record::abstract_text() const {
  std::string out;
  for (const auto& s : abstract) {
    if (s.text.empty() && s.label.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += ' ';
    }
    if (!s.label.empty()) {
      out += s.label;
      out += ": ";
    }
    out += s.text;
  }
  return out;
}

std::string Record::abstract_plain() const {
  std::string out;
  for (const auto& s : abstract) {
    if (s.text.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += s.text;
  }
  return out;
}

std::string Record::first_author() const {
  if (authors.empty()) {
    return {};
  }
  const Author& a = authors.front();
  if (!a.collective.empty()) {
    return a.collective;
  }
  if (a.initials.empty()) {
    return a.family;
  }
  return a.family + " " + a.initials;
}

namespace {

// FNV-1a, 64 bit: stable across platforms and releases, which a key must be.
std::uint64_t fnv1a64(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

} // namespace

std::string record_key(const Record& r) {
  if (!r.ids.pmid.empty()) {
    return "pmid:" + r.ids.pmid;
  }
  if (!r.ids.doi.empty()) {
    return "doi:" + ascii_lower(r.ids.doi);
  }
  if (!r.ids.nct.empty()) {
    return "nct:" + r.ids.nct;
  }
  if (!r.ids.pmcid.empty()) {
    return "pmc:" + r.ids.pmcid;
  }
  for (const auto& o : r.ids.other) {
    if (!o.type.empty() && !o.value.empty()) {
      return ascii_lower(o.type) + ":" + o.value;
    }
  }
  std::string family;
  if (!r.authors.empty()) {
    family = r.authors.front().collective.empty() ? r.authors.front().family
                                                  : r.authors.front().collective;
  }
  const std::string basis = match_key(r.title) + "|" + std::to_string(r.pub_date.year) + "|" +
                            match_key(family);
  char buf[32];
  std::snprintf(buf, sizeof buf, "hash:%016llx", static_cast<unsigned long long>(fnv1a64(basis)));
  return buf;
}

std::string record_key_apart(const Record& r) {
  const std::string journal = !r.journal.title.empty()       ? r.journal.title
                              : !r.journal.iso_abbrev.empty() ? r.journal.iso_abbrev
                                                              : r.journal.medline_ta;
  std::string family;
  if (!r.authors.empty()) {
    family = r.authors.front().collective.empty() ? r.authors.front().family : r.authors.front().collective;
  }
  const std::string basis = match_key(r.title) + "|" + std::to_string(r.pub_date.year) + "|" + match_key(journal) +
                            "|" + match_key(r.volume) + "|" + match_key(r.issue) + "|" + match_key(r.pages) + "|" +
                            match_key(family);
  char buf[16];
  std::snprintf(buf, sizeof buf, "~%08llx", static_cast<unsigned long long>(fnv1a64(basis) >> 32));
  return record_key(r) + buf;
}

std::vector<std::string> find_nct_ids(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = text.find("NCT", pos)) != std::string::npos) {
    const bool word_start = pos == 0 || !std::isalnum(static_cast<unsigned char>(text[pos - 1]));
    std::size_t end = pos + 3;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) {
      ++end;
    }
    const bool word_end = end == text.size() || !std::isalnum(static_cast<unsigned char>(text[end]));
    if (word_start && word_end && end - pos == 11) {
      std::string id = text.substr(pos, 11);
      if (std::find(out.begin(), out.end(), id) == out.end()) {
        out.push_back(std::move(id));
      }
    }
    pos = end;
  }
  return out;
}

void add_registry_ids_from_text(Record& record) {
  const std::string text = record.title + " " + record.abstract_plain();
  for (auto& id : find_nct_ids(text)) {
    const bool known = std::any_of(record.registry_ids.begin(), record.registry_ids.end(),
                                   [&](const RegistryId& r) { return r.id == id; });
    if (!known) {
      record.registry_ids.push_back({"ClinicalTrials.gov", std::move(id), "abstract"});
    }
  }
}

// JSON. Empty strings, zero numbers, false flags and empty arrays are left
// out, so the output says only what the source said.
namespace {

void put(json& j, const char* name, const std::string& v) {
  if (!v.empty()) {
    j[name] = v;
  }
}
void put(json& j, const char* name, int v) {
  if (v != 0) {
    j[name] = v;
  }
}
void put_flag(json& j, const char* name, bool v) {
  if (v) {
    j[name] = true;
  }
}
template <typename T, typename F>
void put_array(json& j, const char* name, const std::vector<T>& items, F each) {
  if (items.empty()) {
    return;
  }
  json a = json::array();
  for (const auto& item : items) {
    a.push_back(each(item));
  }
  j[name] = std::move(a);
}

void get(const json& j, const char* name, std::string& v) {
  if (auto it = j.find(name); it != j.end()) {
    v = it->get<std::string>();
  }
}
void get(const json& j, const char* name, int& v) {
  if (auto it = j.find(name); it != j.end()) {
    v = it->get<int>();
  }
}
void get(const json& j, const char* name, bool& v) {
  if (auto it = j.find(name); it != j.end()) {
    v = it->get<bool>();
  }
}
template <typename T, typename F>
void get_array(const json& j, const char* name, std::vector<T>& items, F each) {
  if (auto it = j.find(name); it != j.end()) {
    for (const auto& e : it->get_ref<const json::array_t&>()) {
      items.push_back(each(e));
    }
  }
}

json registration_to_json(const Registration& g) {
  json o = json::object();
  put(o, "registry", g.registry);
  put(o, "brief_title", g.brief_title);
  put(o, "acronym", g.acronym);
  put(o, "org_study_id", g.org_study_id);
  put_array(o, "secondary_ids", g.secondary_ids, [](const StudyId& s) {
    json x = json::object();
    put(x, "type", s.type);
    put(x, "domain", s.domain);
    x["id"] = s.id;
    return x;
  });
  put(o, "overall_status", g.overall_status);
  put(o, "why_stopped", g.why_stopped);
  put_flag(o, "has_results", g.has_results);
  json d = json::object();
  put(d, "study_type", g.design.study_type);
  if (!g.design.phases.empty()) {
    d["phases"] = g.design.phases;
  }
  put(d, "allocation", g.design.allocation);
  put(d, "intervention_model", g.design.intervention_model);
  put(d, "masking", g.design.masking);
  if (!g.design.who_masked.empty()) {
    d["who_masked"] = g.design.who_masked;
  }
  put(d, "primary_purpose", g.design.primary_purpose);
  put(d, "observational_model", g.design.observational_model);
  put(d, "time_perspective", g.design.time_perspective);
  if (!d.empty()) {
    o["design"] = std::move(d);
  }
  if (!g.conditions.empty()) {
    o["conditions"] = g.conditions;
  }
  put_array(o, "interventions", g.interventions, [](const StudyIntervention& i) {
    json x = json::object();
    put(x, "type", i.type);
    x["name"] = i.name;
    if (!i.other_names.empty()) {
      x["other_names"] = i.other_names;
    }
    return x;
  });
  if (g.enrollment) {
    o["enrollment"] = *g.enrollment;
  }
  put(o, "enrollment_type", g.enrollment_type);
  const std::pair<const char*, const RegistryDate*> dates[] = {
      {"start", &g.start},
      {"primary_completion", &g.primary_completion},
      {"completion", &g.completion},
      {"first_posted", &g.first_posted},
      {"results_first_posted", &g.results_first_posted},
      {"last_update_posted", &g.last_update_posted},
  };
  for (const auto& [name, date] : dates) {
    if (!date->date.empty()) {
      json x = json{{"date", date->date}};
      put(x, "type", date->type);
      o[name] = std::move(x);
    }
  }
  put(o, "lead_sponsor", g.lead_sponsor);
  if (!g.collaborators.empty()) {
    o["collaborators"] = g.collaborators;
  }
  return o;
}

Registration registration_from_json(const json& o) {
  Registration g;
  get(o, "registry", g.registry);
  get(o, "brief_title", g.brief_title);
  get(o, "acronym", g.acronym);
  get(o, "org_study_id", g.org_study_id);
  get_array(o, "secondary_ids", g.secondary_ids, [](const json& e) {
    StudyId s;
    get(e, "type", s.type);
    get(e, "domain", s.domain);
    get(e, "id", s.id);
    return s;
  });
  get(o, "overall_status", g.overall_status);
  get(o, "why_stopped", g.why_stopped);
  get(o, "has_results", g.has_results);
  if (auto it = o.find("design"); it != o.end()) {
    const json& d = *it;
    get(d, "study_type", g.design.study_type);
    get_array(d, "phases", g.design.phases, [](const json& x) { return x.get<std::string>(); });
    get(d, "allocation", g.design.allocation);
    get(d, "intervention_model", g.design.intervention_model);
    get(d, "masking", g.design.masking);
    get_array(d, "who_masked", g.design.who_masked, [](const json& x) { return x.get<std::string>(); });
    get(d, "primary_purpose", g.design.primary_purpose);
    get(d, "observational_model", g.design.observational_model);
    get(d, "time_perspective", g.design.time_perspective);
  }
  get_array(o, "conditions", g.conditions, [](const json& x) { return x.get<std::string>(); });
  get_array(o, "interventions", g.interventions, [](const json& e) {
    StudyIntervention i;
    get(e, "type", i.type);
    get(e, "name", i.name);
    get_array(e, "other_names", i.other_names, [](const json& x) { return x.get<std::string>(); });
    return i;
  });
  if (auto it = o.find("enrollment"); it != o.end()) {
    g.enrollment = it->get<std::uint64_t>();
  }
  get(o, "enrollment_type", g.enrollment_type);
  const std::pair<const char*, RegistryDate*> dates[] = {
      {"start", &g.start},
      {"primary_completion", &g.primary_completion},
      {"completion", &g.completion},
      {"first_posted", &g.first_posted},
      {"results_first_posted", &g.results_first_posted},
      {"last_update_posted", &g.last_update_posted},
  };
  for (const auto& [name, date] : dates) {
    if (auto it = o.find(name); it != o.end()) {
      get(*it, "date", date->date);
      get(*it, "type", date->type);
    }
  }
  get(o, "lead_sponsor", g.lead_sponsor);
  get_array(o, "collaborators", g.collaborators, [](const json& x) { return x.get<std::string>(); });
  return g;
}

} // namespace

void to_json(json& j, const Record& r) {
  j = json::object();
  put(j, "key", r.key);
  put(j, "kind", r.kind);
  put(j, "source", r.source);
  put(j, "status", r.status);
  json ids = json::object();
  put(ids, "pmid", r.ids.pmid);
  put(ids, "pmid_version", r.ids.pmid_version);
  put(ids, "pmcid", r.ids.pmcid);
  put(ids, "doi", r.ids.doi);
  put(ids, "nct", r.ids.nct);
  put(ids, "pii", r.ids.pii);
  put_array(ids, "other", r.ids.other, [](const RecordIds::Other& o) {
    return json{{"type", o.type}, {"value", o.value}};
  });
  j["ids"] = std::move(ids);
  put(j, "title", r.title);
  put(j, "vernacular_title", r.vernacular_title);
  put_array(j, "abstract", r.abstract, [](const AbstractSection& s) {
    json o = json::object();
    put(o, "label", s.label);
    put(o, "category", s.category);
    o["text"] = s.text;
    return o;
  });
  put(j, "copyright", r.copyright);
  put_array(j, "authors", r.authors, [](const Author& a) {
    json o = json::object();
    put(o, "family", a.family);
    put(o, "given", a.given);
    put(o, "initials", a.initials);
    put(o, "suffix", a.suffix);
    put(o, "collective", a.collective);
    put(o, "orcid", a.orcid);
    if (!a.affiliations.empty()) {
      o["affiliations"] = a.affiliations;
    }
    put_flag(o, "equal_contrib", a.equal_contrib);
    return o;
  });
  json journal = json::object();
  put(journal, "title", r.journal.title);
  put(journal, "iso_abbrev", r.journal.iso_abbrev);
  put(journal, "medline_ta", r.journal.medline_ta);
  put(journal, "issn_print", r.journal.issn_print);
  put(journal, "issn_electronic", r.journal.issn_electronic);
  put(journal, "issn_linking", r.journal.issn_linking);
  put(journal, "nlm_id", r.journal.nlm_id);
  put(journal, "country", r.journal.country);
  if (!journal.empty()) {
    j["journal"] = std::move(journal);
  }
  put(j, "book_title", r.book_title);
  put(j, "publisher", r.publisher);
  put(j, "volume", r.volume);
  put(j, "issue", r.issue);
  put(j, "pages", r.pages);
  json date = json::object();
  put(date, "year", r.pub_date.year);
  put(date, "month", r.pub_date.month);
  put(date, "day", r.pub_date.day);
  put(date, "season", r.pub_date.season);
  put(date, "text", r.pub_date.text);
  if (!date.empty()) {
    j["pub_date"] = std::move(date);
  }
  if (!r.languages.empty()) {
    j["languages"] = r.languages;
  }
  put_array(j, "publication_types", r.publication_types, [](const PublicationType& p) {
    json o = json::object();
    put(o, "ui", p.ui);
    o["name"] = p.name;
    return o;
  });
  put_array(j, "mesh", r.mesh, [](const MeshHeading& m) {
    json o = json::object();
    put(o, "ui", m.ui);
    o["descriptor"] = m.descriptor;
    put_flag(o, "major", m.major);
    put(o, "type", m.type);
    put_array(o, "qualifiers", m.qualifiers, [](const MeshQualifier& q) {
      json qo = json::object();
      put(qo, "ui", q.ui);
      qo["name"] = q.name;
      put_flag(qo, "major", q.major);
      return qo;
    });
    return o;
  });
  put_array(j, "keywords", r.keywords, [](const Keyword& k) {
    json o = json::object();
    o["text"] = k.text;
    put(o, "owner", k.owner);
    put_flag(o, "major", k.major);
    return o;
  });
  put_array(j, "registry_ids", r.registry_ids, [](const RegistryId& g) {
    return json{{"registry", g.registry}, {"id", g.id}, {"origin", g.origin}};
  });
  put_array(j, "links", r.links, [](const RecordLink& l) {
    json o = json::object();
    o["type"] = l.type;
    put(o, "ref_source", l.ref_source);
    put(o, "pmid", l.pmid);
    return o;
  });
  put_flag(j, "retracted", r.retracted);
  put(j, "database", r.database);
  if (r.registration) {
    j["registration"] = registration_to_json(*r.registration);
  }
  put_array(j, "extra_fields", r.extra_fields, [](const SourceField& f) {
    return json{{"tag", f.tag}, {"value", f.value}};
  });
  put_array(j, "field_sources", r.field_sources, [](const FieldSource& f) {
    return json{{"field", f.field}, {"tag", f.tag}};
  });
  if (!r.provenance.run.empty() || !r.provenance.file.empty()) {
    j["provenance"] = json{{"run", r.provenance.run},
                           {"file", r.provenance.file},
                           {"position", r.provenance.position}};
    if (r.provenance.line > 0) {
      j["provenance"]["line"] = r.provenance.line;
    }
  }
}

void from_json(const json& j, Record& r) {
  r = Record{};
  get(j, "key", r.key);
  get(j, "kind", r.kind);
  get(j, "source", r.source);
  get(j, "status", r.status);
  if (auto it = j.find("ids"); it != j.end()) {
    const json& ids = *it;
    get(ids, "pmid", r.ids.pmid);
    get(ids, "pmid_version", r.ids.pmid_version);
    get(ids, "pmcid", r.ids.pmcid);
    get(ids, "doi", r.ids.doi);
    get(ids, "nct", r.ids.nct);
    get(ids, "pii", r.ids.pii);
    get_array(ids, "other", r.ids.other, [](const json& e) {
      return RecordIds::Other{e.at("type").get<std::string>(), e.at("value").get<std::string>()};
    });
  }
  get(j, "title", r.title);
  get(j, "vernacular_title", r.vernacular_title);
  get_array(j, "abstract", r.abstract, [](const json& e) {
    AbstractSection s;
    get(e, "label", s.label);
    get(e, "category", s.category);
    get(e, "text", s.text);
    return s;
  });
  get(j, "copyright", r.copyright);
  get_array(j, "authors", r.authors, [](const json& e) {
    Author a;
    get(e, "family", a.family);
    get(e, "given", a.given);
    get(e, "initials", a.initials);
    get(e, "suffix", a.suffix);
    get(e, "collective", a.collective);
    get(e, "orcid", a.orcid);
    get_array(e, "affiliations", a.affiliations, [](const json& x) { return x.get<std::string>(); });
    get(e, "equal_contrib", a.equal_contrib);
    return a;
  });
  if (auto it = j.find("journal"); it != j.end()) {
    const json& jj = *it;
    get(jj, "title", r.journal.title);
    get(jj, "iso_abbrev", r.journal.iso_abbrev);
    get(jj, "medline_ta", r.journal.medline_ta);
    get(jj, "issn_print", r.journal.issn_print);
    get(jj, "issn_electronic", r.journal.issn_electronic);
    get(jj, "issn_linking", r.journal.issn_linking);
    get(jj, "nlm_id", r.journal.nlm_id);
    get(jj, "country", r.journal.country);
  }
  get(j, "book_title", r.book_title);
  get(j, "publisher", r.publisher);
  get(j, "volume", r.volume);
  get(j, "issue", r.issue);
  get(j, "pages", r.pages);
  if (auto it = j.find("pub_date"); it != j.end()) {
    get(*it, "year", r.pub_date.year);
    get(*it, "month", r.pub_date.month);
    get(*it, "day", r.pub_date.day);
    get(*it, "season", r.pub_date.season);
    get(*it, "text", r.pub_date.text);
  }
  get_array(j, "languages", r.languages, [](const json& x) { return x.get<std::string>(); });
  get_array(j, "publication_types", r.publication_types, [](const json& e) {
    PublicationType p;
    get(e, "ui", p.ui);
    get(e, "name", p.name);
    return p;
  });
  get_array(j, "mesh", r.mesh, [](const json& e) {
    MeshHeading m;
    get(e, "ui", m.ui);
    get(e, "descriptor", m.descriptor);
    get(e, "major", m.major);
    get(e, "type", m.type);
    get_array(e, "qualifiers", m.qualifiers, [](const json& q) {
      MeshQualifier mq;
      get(q, "ui", mq.ui);
      get(q, "name", mq.name);
      get(q, "major", mq.major);
      return mq;
    });
    return m;
  });
  get_array(j, "keywords", r.keywords, [](const json& e) {
    Keyword k;
    get(e, "text", k.text);
    get(e, "owner", k.owner);
    get(e, "major", k.major);
    return k;
  });
  get_array(j, "registry_ids", r.registry_ids, [](const json& e) {
    RegistryId g;
    get(e, "registry", g.registry);
    get(e, "id", g.id);
    get(e, "origin", g.origin);
    return g;
  });
  get_array(j, "links", r.links, [](const json& e) {
    RecordLink l;
    get(e, "type", l.type);
    get(e, "ref_source", l.ref_source);
    get(e, "pmid", l.pmid);
    return l;
  });
  get(j, "retracted", r.retracted);
  get(j, "database", r.database);
  if (auto it = j.find("registration"); it != j.end()) {
    r.registration = registration_from_json(*it);
  }
  get_array(j, "extra_fields", r.extra_fields, [](const json& e) {
    return SourceField{e.at("tag").get<std::string>(), e.at("value").get<std::string>()};
  });
  get_array(j, "field_sources", r.field_sources, [](const json& e) {
    return FieldSource{e.at("field").get<std::string>(), e.at("tag").get<std::string>()};
  });
  if (auto it = j.find("provenance"); it != j.end()) {
    get(*it, "run", r.provenance.run);
    get(*it, "file", r.provenance.file);
    r.provenance.position = it->value("position", std::uint64_t{0});
    r.provenance.line = it->value("line", std::uint64_t{0});
  }
}

} // namespace litrev
