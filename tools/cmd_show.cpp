// litrev show KEY [--format text|json]
#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

namespace {

void print_text(const Record& r) {
  fmt::print("{}\n", r.key);
  fmt::print("Title:     {}\n", r.title);
  if (!r.vernacular_title.empty()) {
    fmt::print("Original:  {}\n", r.vernacular_title);
  }
  std::string authors;
  for (const auto& a : r.authors) {
    authors += authors.empty() ? "" : ", ";
    authors += a.collective.empty() ? (a.initials.empty() ? a.family : a.family + " " + a.initials)
                                    : a.collective;
  }
  if (!authors.empty()) {
    fmt::print("Authors:   {}\n", authors);
  }
  std::string source = journal_short(r);
  if (r.pub_date.year) {
    source += fmt::format(". {}", r.pub_date.text.empty() ? std::to_string(r.pub_date.year)
                                                          : r.pub_date.text);
  }
  if (!r.volume.empty()) {
    source += ";" + r.volume;
  }
  if (!r.issue.empty()) {
    source += "(" + r.issue + ")";
  }
  if (!r.pages.empty()) {
    source += ":" + r.pages;
  }
  fmt::print("Source:    {}\n", source);
  std::string ids;
  if (!r.ids.pmid.empty()) {
    ids += "PMID " + r.ids.pmid;
  }
  if (!r.ids.pmcid.empty()) {
    ids += (ids.empty() ? "" : "  ") + r.ids.pmcid;
  }
  if (!r.ids.doi.empty()) {
    ids += (ids.empty() ? "" : "  ") + std::string("doi:") + r.ids.doi;
  }
  if (!ids.empty()) {
    fmt::print("Ids:       {}\n", ids);
  }
  if (r.retracted) {
    fmt::print("RETRACTED\n");
  }
  auto list = [](const char* label, const std::vector<std::string>& items) {
    if (items.empty()) {
      return;
    }
    std::string s;
    for (const auto& i : items) {
      s += (s.empty() ? "" : "; ") + i;
    }
    fmt::print("{:<11}{}\n", label, s);
  };
  std::vector<std::string> pts, mesh, kws, regs, langs = r.languages;
  for (const auto& p : r.publication_types) {
    pts.push_back(p.name);
  }
  for (const auto& m : r.mesh) {
    mesh.push_back(m.major ? m.descriptor + "*" : m.descriptor);
  }
  for (const auto& k : r.keywords) {
    kws.push_back(k.text);
  }
  for (const auto& g : r.registry_ids) {
    regs.push_back(g.id);
  }
  list("Language:", langs);
  list("Types:", pts);
  list("MeSH:", mesh);
  list("Keywords:", kws);
  list("Registry:", regs);
  if (!r.abstract.empty()) {
    fmt::print("\n");
    for (const auto& s : r.abstract) {
      if (!s.label.empty()) {
        fmt::print("{}: ", s.label);
      }
      fmt::print("{}\n", s.text);
    }
  }
  if (!r.provenance.run.empty()) {
    fmt::print("\nFrom:      sources/{}/{} (record {})\n", r.provenance.run, r.provenance.file,
               r.provenance.position + 1);
  }
}

} // namespace

Runner define_show(CLI::App& app) {
  struct Opts {
    std::string key;
    std::string format = "text";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("KEY", o->key, "Record key: pmid:N, doi:10..., nct:NCT..., hash:...")->required();
  app.add_option("--format", o->format, "text or json");
  return [o](Context& ctx) {
    check_format(o->format, {"text", "json"});
    Review review(ctx.dir);
    const Index index = review.open_index();
    std::string key = o->key;
    // A bare number is a PMID: `litrev show 31230464` is what people type.
    if (!key.empty() && key.find(':') == std::string::npos &&
        key.find_first_not_of("0123456789") == std::string::npos) {
      key = "pmid:" + key;
    }
    const auto record = index.get(key);
    if (!record) {
      throw Error("no record with key " + key + " in this review");
    }
    if (o->format == "json") {
      fmt::print("{}\n", nlohmann::json(*record).dump());
    } else {
      print_text(*record);
    }
    return 0;
  };
}

} // namespace litrev::cli
