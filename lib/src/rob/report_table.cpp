// Risk-of-bias tables (litrev/rob_report.hpp): reading robvis's input layout
// and writing it, RevMan Web's long layout, plain CSV, Markdown and HTML.
#include <litrev/rob_report.hpp>

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <litrev/error.hpp>

#include "formats/csv_table.hpp"
#include "rob/internal.hpp"
#include "rob/report_internal.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

constexpr std::size_t k_max_row_bytes = std::size_t{1} << 20;

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

bool same_word(std::string_view a, std::string_view b) {
  return rob_detail::normalize_spelling(a) == rob_detail::normalize_spelling(b);
}

bool has_level(const RobTool& tool, std::string_view id) {
  for (const auto& l : tool.levels) {
    if (l.id == id) {
      return true;
    }
  }
  return false;
}

// A number written the way R's write.csv writes one (15 significant digits).
std::string r_number(double v) {
  return fmt::format("{:.15g}", v);
}

// A CSV field, quoted when `always` or when it needs quotes; quotes doubled.
std::string csv_field(std::string_view s, bool always = true) {
  std::string out;
  append_csv_field(out, s, always);
  return out;
}

std::string join_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) {
      out += ',';
    }
    out += fields[i];
  }
  out += '\n';
  return out;
}

std::string study_label(const RobTableRow& row) {
  return row.result.empty() ? row.study : row.study + " (" + row.result + ")";
}

// The tool's label of `level`, or the words of the two extra values.
std::string level_label(const RobTool& tool, std::string_view level) {
  if (level == k_rob_no_information && !has_level(tool, level)) {
    return "No information";
  }
  if (level == k_rob_not_applicable) {
    return "Not applicable";
  }
  return tool.level(level).label;
}

// The word robvis's template for `tool` recognises for `level`.
std::string robvis_word(const RobTool& tool, std::string_view level) {
  if (tool.family == "quadas-2") {
    if (level == "unclear") {
      return "Some concerns";
    }
    if (level == "at_risk") {
      return "High";
    }
  }
  return level_label(tool, level);
}

std::string md_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_[]<>|&~#").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

const RobTool& table_tool(const RobTable& table) { return rob_tool(table.tool); }

} // namespace

namespace rob_report_detail {

bool generic_template(const RobTool& tool) {
  return tool.family == "rob1" || tool.family == "robins-i-v2";
}

std::string robvis_column(const RobTool& tool, const RobDomain& domain) {
  if (generic_template(tool)) {
    std::string name = domain.short_name.empty() ? domain.name : domain.short_name;
    for (char& c : name) {
      if (c == ' ') {
        c = '.';
      }
    }
    return name;
  }
  if (tool.id == "rob2-cluster" && domain.id == "D1a") {
    return "D1";
  }
  return domain.id;
}

} // namespace rob_report_detail

bool RobTable::has_weights() const {
  if (rows.empty()) {
    return false;
  }
  for (const auto& r : rows) {
    if (!r.weight) {
      return false;
    }
  }
  return true;
}

bool RobTable::has_results() const {
  for (const auto& r : rows) {
    if (!r.result.empty()) {
      return true;
    }
  }
  return false;
}

RobTable make_rob_table(const RobTool& tool) {
  RobTable t;
  t.tool = tool.id;
  for (const auto& d : tool.domains) {
    if (d.kind == RobDomainKind::bias) {
      t.domains.push_back(d.id);
    }
  }
  return t;
}

const RobTool& rob_report_tool(std::string_view name) {
  const std::string n = rob_detail::normalize_spelling(name);
  if (n == "rob2" || n == "rob 2") {
    return rob_tool("rob2-parallel-itt");
  }
  if (n == "quadas2" || n == "quadas 2") {
    return rob_tool("quadas-2");
  }
  if (n == "robinsi" || n == "robins i") {
    return rob_tool("robins-i");
  }
  if (n == "robinse" || n == "robins e") {
    return rob_tool("robins-e");
  }
  if (n == "rob 1") {
    return rob_tool("rob1");
  }
  for (const auto& t : rob_tools()) {
    if (rob_detail::normalize_spelling(t.id) == n) {
      return t;
    }
  }
  std::vector<std::string> ids = {"rob2"};
  for (const auto& t : rob_tools()) {
    ids.push_back(t.id);
  }
  throw UsageError(fmt::format("no risk-of-bias tool \"{}\" (known: {})", name, fmt::join(ids, ", ")));
}

std::string parse_table_judgement(const RobTool& tool, std::string_view text, bool overall) {
  std::string level;
  try {
    level = parse_judgement(tool, text);
  } catch (const UsageError&) {
    const std::string n = rob_detail::normalize_spelling(text);
    if (!has_level(tool, k_rob_no_information) &&
        (n == "ni" || n == "no information" || n == "no info" || n == "no information risk")) {
      return k_rob_no_information;
    }
    if (n == "na" || n == "n a" || n == "not applicable") {
      return k_rob_not_applicable;
    }
    if (tool.family == "quadas-2" && (n == "some concerns" || n == "some concern")) {
      return "unclear";
    }
    throw;
  }
  if (!overall && tool.level(level).overall_only) {
    throw UsageError(fmt::format("\"{}\" ({}) is an overall judgement of {}, not a domain judgement", text,
                                 tool.level(level).label, tool.short_name));
  }
  return level;
}

RobTable read_robvis_csv(const std::string& path, const RobTool& tool) {
  RobTable table = make_rob_table(tool);
  const std::size_t n = table.domains.size();
  csv_table::CsvFile in(path, k_max_row_bytes);
  std::vector<std::string> header;
  if (!in.next(header)) {
    throw DataError(path, 0, fmt::format("the file is empty: expected a header row Study, {} domain columns, "
                                         "Overall and optionally Weight ({})",
                                         n, tool.short_name));
  }
  for (auto& h : header) {
    h = trimmed(h);
  }
  while (!header.empty() && header.back().empty()) {
    header.pop_back();
  }
  const unsigned long header_line = static_cast<unsigned long>(in.line());
  const bool has_result = header.size() > 1 && same_word(header[1], "result");
  const std::size_t first = has_result ? 2 : 1;
  const std::size_t base = first + n + 1;
  const bool has_weight = header.size() == base + 1 && same_word(header.back(), "weight");
  if (header.size() != base && !has_weight) {
    std::vector<std::string> expected = {"Study"};
    if (has_result) {
      expected.push_back("Result");
    }
    for (const auto& id : table.domains) {
      expected.push_back(rob_report_detail::robvis_column(tool, tool.domain(id)));
    }
    expected.push_back("Overall");
    throw DataError(path, header_line,
                    fmt::format("{} columns, but {} has {} risk-of-bias domains: expected {} [, Weight]",
                                header.size(), tool.short_name, n, fmt::join(expected, ", ")));
  }
  const auto column_name = [&](std::size_t i) {
    return fmt::format("column {} ({})", i + 1, i < header.size() && !header[i].empty() ? header[i] : "unnamed");
  };
  std::vector<std::string> fields;
  while (in.next(fields)) {
    const auto line = static_cast<unsigned long>(in.line());
    bool blank = true;
    for (auto& f : fields) {
      f = trimmed(f);
      blank = blank && f.empty();
    }
    if (blank) {
      continue;
    }
    while (fields.size() > header.size() && fields.back().empty()) {
      fields.pop_back();
    }
    if (fields.size() != header.size()) {
      throw DataError(path, line, fmt::format("{} fields, but the header has {} columns", fields.size(),
                                              header.size()));
    }
    RobTableRow row;
    row.study = fields[0];
    if (row.study.empty()) {
      throw DataError(path, line, column_name(0) + ": no study label");
    }
    if (has_result) {
      row.result = fields[1];
    }
    const auto judgement = [&](std::size_t i, bool overall) {
      try {
        return parse_table_judgement(tool, fields[i], overall);
      } catch (const UsageError& e) {
        throw DataError(path, line, column_name(i) + ": " + e.what());
      }
    };
    for (std::size_t d = 0; d < n; ++d) {
      row.domains.push_back(judgement(first + d, false));
    }
    row.overall = judgement(first + n, true);
    if (has_weight) {
      const std::string& w = fields[base];
      double v = 0;
      const char* begin = w.data();
      const char* end = w.data() + w.size();
      const auto [p, ec] = std::from_chars(begin, end, v);
      if (w.empty() || ec != std::errc() || p != end || !std::isfinite(v) || v < 0) {
        throw DataError(path, line,
                        fmt::format("{}: \"{}\" is not a weight (a number, 0 or more)", column_name(base), w));
      }
      row.weight = v;
    }
    table.rows.push_back(std::move(row));
  }
  if (table.rows.empty()) {
    throw DataError(path, header_line, "no studies: the file has a header row only");
  }
  return table;
}

std::string robvis_csv(const RobTable& table) {
  const RobTool& tool = table_tool(table);
  std::vector<std::string> head = {csv_field("Study")};
  for (const auto& id : table.domains) {
    head.push_back(csv_field(rob_report_detail::robvis_column(tool, tool.domain(id))));
  }
  head.push_back(csv_field("Overall"));
  const bool weights = table.has_weights();
  if (weights) {
    head.push_back(csv_field("Weight"));
  }
  std::string out = join_line(head);
  for (const auto& r : table.rows) {
    std::vector<std::string> f = {csv_field(study_label(r))};
    for (const auto& level : r.domains) {
      f.push_back(csv_field(robvis_word(tool, level)));
    }
    f.push_back(csv_field(robvis_word(tool, r.overall)));
    if (weights) {
      f.push_back(r_number(*r.weight));
    }
    out += join_line(f);
  }
  return out;
}

std::string revman_csv(const RobTable& table) {
  const RobTool& tool = table_tool(table);
  const bool rob2 = tool.family == "rob2";
  if (!rob2 && tool.family != "rob1") {
    throw UsageError(fmt::format("RevMan Web records RoB 1 and RoB 2 assessments only, not {}; use --format "
                                 "robvis or csv",
                                 tool.short_name));
  }
  const auto word = [&](const std::string& level) -> std::string {
    if (level == "low") {
      return "Low risk";
    }
    if (level == "high") {
      return "High risk";
    }
    if (level == "unclear") {
      return "Unclear risk";
    }
    if (level == "some_concerns") {
      return "Some concerns";
    }
    return level_label(tool, level);
  };
  std::vector<std::string> head = {"Study"};
  if (rob2) {
    head.push_back("Result");
  }
  for (const char* h : {"Domain", "Judgement", "Support for judgement"}) {
    head.push_back(h);
  }
  std::string out = join_line(head);
  for (const auto& r : table.rows) {
    const auto line = [&](const std::string& domain, const std::string& level, const std::string& support) {
      std::vector<std::string> f = {csv_field(r.study, false)};
      if (rob2) {
        f.push_back(csv_field(r.result, false));
      }
      f.push_back(csv_field(domain, false));
      f.push_back(csv_field(word(level), false));
      f.push_back(csv_field(support, false));
      out += join_line(f);
    };
    for (std::size_t d = 0; d < table.domains.size(); ++d) {
      line(tool.domain(table.domains[d]).name, r.domains[d], d < r.support.size() ? r.support[d] : "");
    }
    line("Overall", r.overall, "");
  }
  return out;
}

std::string rob_csv(const RobTable& table) {
  const RobTool& tool = table_tool(table);
  const bool results = table.has_results();
  const bool weights = table.has_weights();
  std::vector<std::string> head = {"Study"};
  if (results) {
    head.push_back("Result");
  }
  head.insert(head.end(), table.domains.begin(), table.domains.end());
  head.push_back("Overall");
  if (weights) {
    head.push_back("Weight");
  }
  std::string out = join_line(head);
  for (const auto& r : table.rows) {
    std::vector<std::string> f = {csv_field(r.study, false)};
    if (results) {
      f.push_back(csv_field(r.result, false));
    }
    for (const auto& level : r.domains) {
      f.push_back(csv_field(level_label(tool, level), false));
    }
    f.push_back(csv_field(level_label(tool, r.overall), false));
    if (weights) {
      f.push_back(r_number(*r.weight));
    }
    out += join_line(f);
  }
  return out;
}

std::string rob_markdown(const RobTable& table) {
  const RobTool& tool = table_tool(table);
  const bool results = table.has_results();
  const bool weights = table.has_weights();
  std::string out = "| Study |";
  std::string rule = "|---|";
  if (results) {
    out += " Result |";
    rule += "---|";
  }
  for (const auto& id : table.domains) {
    out += " " + md_escape(id) + " |";
    rule += "---|";
  }
  out += " Overall |";
  rule += "---|";
  if (weights) {
    out += " Weight (%) |";
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (const auto& r : table.rows) {
    out += "| " + md_escape(r.study) + " |";
    if (results) {
      out += " " + md_escape(r.result) + " |";
    }
    for (std::size_t d = 0; d < r.domains.size(); ++d) {
      out += " " + md_escape(level_label(tool, r.domains[d]));
      if (d < r.support.size() && !r.support[d].empty()) {
        out += ": " + md_escape(r.support[d]);
      }
      out += " |";
    }
    out += " " + md_escape(level_label(tool, r.overall)) + " |";
    if (weights) {
      out += fmt::format(" {:.1f} |", *r.weight);
    }
    out += "\n";
  }
  out += "\n" + md_escape(tool.name) + " domains:\n\n";
  for (const auto& id : table.domains) {
    out += "- " + md_escape(id) + ": " + md_escape(tool.domain(id).name) + "\n";
  }
  return out;
}

std::string rob_html(const RobTable& table) {
  const RobTool& tool = table_tool(table);
  const bool results = table.has_results();
  const bool weights = table.has_weights();
  std::string out = "<table class=\"rob\">\n<caption>" + escape_xml_text(tool.name) + "</caption>\n<thead><tr><th>Study</th>";
  if (results) {
    out += "<th>Result</th>";
  }
  for (const auto& id : table.domains) {
    out += "<th title=\"" + escape_xml_text(tool.domain(id).name) + "\">" + escape_xml_text(id) + "</th>";
  }
  out += "<th>Overall</th>";
  if (weights) {
    out += "<th>Weight (%)</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  const auto cell = [&](const std::string& level, const std::string& support) {
    std::string c = "<td class=\"" + escape_xml_text(level) + "\">" + escape_xml_text(level_label(tool, level));
    if (!support.empty()) {
      c += "<br><small>" + escape_xml_text(support) + "</small>";
    }
    return c + "</td>";
  };
  for (const auto& r : table.rows) {
    out += "<tr><th scope=\"row\">" + escape_xml_text(r.study) + "</th>";
    if (results) {
      out += "<td>" + escape_xml_text(r.result) + "</td>";
    }
    for (std::size_t d = 0; d < r.domains.size(); ++d) {
      out += cell(r.domains[d], d < r.support.size() ? r.support[d] : "");
    }
    out += cell(r.overall, "");
    if (weights) {
      out += fmt::format("<td>{:.1f}</td>", *r.weight);
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n<ul class=\"rob-domains\">\n";
  for (const auto& id : table.domains) {
    out += "<li>" + escape_xml_text(id) + ": " + escape_xml_text(tool.domain(id).name) + "</li>\n";
  }
  out += "</ul>\n";
  return out;
}

namespace {

std::string latex_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '\\':
      out += "\\textbackslash{}";
      break;
    case '{':
    case '}':
    case '$':
    case '&':
    case '#':
    case '_':
    case '%':
      out += '\\';
      out += c;
      break;
    case '^':
      out += "\\textasciicircum{}";
      break;
    case '~':
      out += "\\textasciitilde{}";
      break;
    case '\n':
    case '\r':
    case '\t':
      out += ' ';
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace

std::string rob_latex(const RobTable& table) {
  const RobTool& tool = table_tool(table);
  const bool results = table.has_results();
  const bool weights = table.has_weights();
  std::string cols = results ? "ll" : "l";
  std::string head = "Study";
  if (results) {
    head += " & Result";
  }
  for (const auto& id : table.domains) {
    cols += "c";
    head += " & " + latex_escape(id);
  }
  cols += "c";
  head += " & Overall";
  if (weights) {
    cols += "r";
    head += " & Weight (\\%)";
  }
  std::string caption = "Risk of bias (" + latex_escape(tool.name) + "). ";
  for (std::size_t i = 0; i < table.domains.size(); ++i) {
    const std::string& id = table.domains[i];
    caption += (i ? "; " : "") + latex_escape(id) + ": " + latex_escape(tool.domain(id).name);
  }
  std::string out = "% litrev risk-of-bias table; needs \\usepackage{booktabs}\n\\begin{table}[ht]\n\\centering\n"
                    "\\caption{" + caption + ".}\n\\begin{tabular}{" + cols + "}\n\\toprule\n" + head +
                    " \\\\\n\\midrule\n";
  for (const auto& r : table.rows) {
    out += latex_escape(r.study);
    if (results) {
      out += " & " + latex_escape(r.result);
    }
    for (const auto& level : r.domains) {
      out += " & " + latex_escape(level_label(tool, level));
    }
    out += " & " + latex_escape(level_label(tool, r.overall));
    if (weights) {
      out += fmt::format(" & {:.1f}", *r.weight);
    }
    out += " \\\\\n";
  }
  out += "\\bottomrule\n\\end{tabular}\n\\end{table}\n";
  return out;
}

} // namespace litrev
