// The renderings of a PrismaFlow (litrev/prisma.hpp): JSON, the PRISMA2020 R
// package's CSV, a Markdown table and the PRISMA 2020 flow diagram as SVG.
// Nothing here computes a count: the flow comes in whole, and every renderer
// shows exactly its numbers.
#include <litrev/prisma.hpp>
#include <litrev/utf8.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/text.hpp"

namespace litrev {

namespace {

// ---------------------------------------------------------------------------
// Text from users (database names, exclusion reasons)

// Decodes one UTF-8 character of `s` at `i` and advances `i`. An invalid
// sequence gives U+FFFD and advances one byte.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  char32_t cp = 0;
  const std::size_t n = decode_utf8(s, i, cp);
  i += n ? n : 1;
  return n ? cp : 0xFFFD;
}


// A label from a user made safe for every rendering: valid UTF-8 (invalid
// bytes become U+FFFD), no characters XML forbids, every run of white space
// or control characters folded to one space, trimmed.
std::string clean_label(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  std::size_t i = 0;
  while (i < s.size()) {
    const char32_t cp = next_code_point(s, i);
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || !is_xml_char(cp) || (cp >= 0x7F && cp <= 0x9F)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) {
      out += ' ';
    }
    space = false;
    append_utf8(out, cp);
  }
  return out;
}

// ---------------------------------------------------------------------------
// JSON

nlohmann::json sources_json(const PrismaFlow& flow, bool registers) {
  auto out = nlohmann::json::array();
  for (const auto& s : flow.sources) {
    if (s.is_register == registers) {
      out.push_back({{"name", s.name}, {"records", s.records}});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Sums the diagrams show

std::uint64_t database_records(const PrismaFlow& flow) {
  // A flow without a per-source breakdown still has its total: it is shown
  // as the databases' (the PRISMA 2020 template has no "unknown" source).
  if (flow.sources.empty()) {
    return flow.identified;
  }
  std::uint64_t n = 0;
  for (const auto& s : flow.sources) {
    if (!s.is_register) {
      n += s.records;
    }
  }
  return n;
}

std::uint64_t register_records(const PrismaFlow& flow) {
  std::uint64_t n = 0;
  for (const auto& s : flow.sources) {
    if (s.is_register) {
      n += s.records;
    }
  }
  return n;
}

bool is_final(const PrismaFlow& flow) {
  return flow.pending_screening == 0 && flow.pending_full_text == 0;
}

std::string pending_sentence(const PrismaFlow& flow) {
  std::vector<std::string> parts;
  if (flow.pending_screening > 0) {
    parts.push_back(fmt::format("{} {} still {} screening", flow.pending_screening,
                                flow.pending_screening == 1 ? "record" : "records",
                                flow.pending_screening == 1 ? "awaits" : "await"));
  }
  if (flow.pending_full_text > 0) {
    parts.push_back(fmt::format("{} {} still {} full-text assessment", flow.pending_full_text,
                                flow.pending_full_text == 1 ? "report" : "reports",
                                flow.pending_full_text == 1 ? "awaits" : "await"));
  }
  std::string out = "This flow is not final: ";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out += (i == 0 ? "" : " and ") + parts[i];
  }
  return out + ".";
}

// ---------------------------------------------------------------------------
// CSV for the PRISMA2020 R package
//
// The rows, variable names and the columns data..url are those of the
// package's template, prisma-flowdiagram/PRISMA2020, inst/extdata/PRISMA.csv
// (commit 696d35e688113ecb6b7f3ae57395de496252ed0a; the same file is
// nealhaddaway/PRISMA2020's, and ships in the CRAN package), in its order.
// PRISMA_data() (R/PRISMA_data.R) finds each variable with grep() on the
// `data` column and reads `n`: counts through PRISMA_format_number_() (digits
// kept), and database_specific_results, register_specific_results,
// dbr_excluded, other_excluded through PRISMA_parse_reasons_(), which splits
// on ";" plus an optional space and takes the name as everything before the
// first "," and the count as what follows it ("Name, n; Name, n"). A bare
// number there means "no breakdown, this total".

struct TemplateRow {
  std::string_view data, node, box, description, boxtext, tooltips, url;
};

// clang-format off
constexpr TemplateRow k_template[] = {
  {"NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies", "Grey title box; Previous studies", "prevstud.html"},
  {"previous_studies", "node5", "box1", "Studies included in previous version of review", "Studies included in previous version of review", "Studies included in previous version of review", "previous_studies.html"},
  {"previous_reports", "NA", "box1", "Reports of studies included in previous version of review", "Reports of studies included in previous version of review", "NA", "previous_reports.html"},
  {"NA", "node6", "newstud", "Yellow title box; Identification of new studies via databases and registers", "Identification of new studies via databases and registers", "Yellow title box; Identification of new studies via databases and registers", "newstud.html"},
  {"database_results", "node7", "box2", "Records identified from: Databases", "Databases", "Records identified from: Databases and Registers", "database_results.html"},
  {"database_specific_results", "NA", "box2", "Records identified from: specific databases", "Specific Databases", "NA", "database_results.html"},
  {"register_results", "NA", "box2", "Records identified from: Registers", "Registers", "NA", "NA"},
  {"register_specific_results", "NA", "box2", "Records identified from: specific registers", "Specific Registers", "NA", "database_results.html"},
  {"NA", "node16", "othstud", "Grey title box; Identification of new studies via other methods", "Identification of new studies via other methods", "Grey title box; Identification of new studies via other methods", "othstud.html"},
  {"website_results", "node17", "box11", "Records identified from: Websites", "Websites", "Records identified from: Websites, Organisations and Citation Searching", "website_results.html"},
  {"organisation_results", "", "box11", "Records identified from: Organisations", "Organisations", "NA", "NA"},
  {"citations_results", "NA", "box11", "Records identified from: Citation searching", "Citation searching", "NA", "NA"},
  {"duplicates", "node8", "box3", "Duplicate records", "Duplicate records", "Duplicate records", "duplicates.html"},
  {"excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools", "Records marked as ineligible by automation tools", "NA", "NA"},
  {"excluded_other", "NA", "box3", "Records removed for other reasons", "Records removed for other reasons", "NA", "NA"},
  {"records_screened", "node9", "box4", "Records screened (databases and registers)", "Records screened", "Records screened (databases and registers)", "records_screened.html"},
  {"records_excluded", "node10", "box5", "Records excluded (databases and registers)", "Records excluded", "Records excluded (databases and registers)", "records_excluded.html"},
  {"dbr_sought_reports", "node11", "box6", "Reports sought for retrieval (databases and registers)", "Reports sought for retrieval", "Reports sought for retrieval (databases and registers)", "dbr_sought_reports.html"},
  {"dbr_notretrieved_reports", "node12", "box7", "Reports not retrieved (databases and registers)", "Reports not retrieved", "Reports not retrieved (databases and registers)", "dbr_notretrieved_reports.html"},
  {"other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)", "Reports sought for retrieval", "Reports sought for retrieval (other)", "other_sought_reports.html"},
  {"other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)", "Reports not retrieved", "Reports not retrieved (other)", "other_notretrieved_reports.html"},
  {"dbr_assessed", "node13", "box8", "Reports assessed for eligibility (databases and registers)", "Reports assessed for eligibility", "Reports assessed for eligibility (databases and registers)", "dbr_assessed.html"},
  {"dbr_excluded", "node14", "box9", "Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]", "Reports excluded", "Reports excluded (databases and registers)", "dbrexcludedrecords.html"},
  {"other_assessed", "node20", "box14", "Reports assessed for eligibility (other)", "Reports assessed for eligibility", "Reports assessed for eligibility (other)", "other_assessed.html"},
  {"other_excluded", "node21", "box15", "Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]", "Reports excluded", "Reports excluded (other)", "other_excluded.html"},
  {"new_studies", "node15", "box10", "New studies included in review", "New studies included in review", "New studies included in review", "new_studies.html"},
  {"new_reports", "NA", "box10", "Reports of new included studies", "Reports of new included studies", "NA", "NA"},
  {"total_studies", "node22", "box16", "Total studies included in review", "Total studies included in review", "Total studies included in review", "total_studies.html"},
  {"total_reports", "NA", "box16", "Reports of total included studies", "Reports of total included studies", "NA", "NA"},
  {"identification", "node1", "identification", "Blue identification box", "Identification", "Blue identification box", "identification.html"},
  {"screening", "node2", "screening", "Blue screening box", "Screening", "Blue screening box", "screening.html"},
  {"included", "node3", "included", "Blue included box", "Included", "Blue included box", "included.html"},
};
// clang-format on

// A name inside the package's "Name, n; Name, n" form: its parser cuts the
// name at the first "," and the list at every ";", so those become " -".
std::string package_list_name(std::string_view name) {
  std::string out;
  for (char c : clean_label(name)) {
    if (c == ',' || c == ';') {
      while (!out.empty() && out.back() == ' ') {
        out.pop_back();
      }
      out += " - ";
    } else if (c == ' ' && !out.empty() && out.back() == ' ') {
      continue;
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

std::string package_sources(const PrismaFlow& flow, bool registers) {
  std::string out;
  for (const auto& s : flow.sources) {
    if (s.is_register == registers) {
      out += fmt::format("{}{}, {}", out.empty() ? "" : "; ", package_list_name(s.name), s.records);
    }
  }
  return out.empty() ? "0" : out;
}

std::string package_reasons(const PrismaFlow& flow) {
  std::string out;
  for (const auto& r : flow.excluded_reasons) {
    out += fmt::format("{}{}, {}", out.empty() ? "" : "; ", package_list_name(r.reason), r.reports);
  }
  return out.empty() ? std::to_string(flow.excluded) : out;
}

// The `n` of one template row. Rows of the other arms (previous studies,
// other methods) get 0, as in the template: litrev reviews are new reviews
// searching databases and registers. The totals equal the new studies and
// reports, there being no previous version.
std::string package_n(const PrismaFlow& flow, std::string_view var) {
  const auto num = [](std::uint64_t n) { return std::to_string(n); };
  if (var == "database_results") {
    return num(database_records(flow));
  }
  if (var == "database_specific_results") {
    return package_sources(flow, false);
  }
  if (var == "register_results") {
    return num(register_records(flow));
  }
  if (var == "register_specific_results") {
    return package_sources(flow, true);
  }
  if (var == "duplicates") {
    return num(flow.duplicates);
  }
  if (var == "excluded_automatic") {
    return num(flow.automation);
  }
  if (var == "excluded_other") {
    return num(flow.other_removed);
  }
  if (var == "records_screened") {
    return num(flow.screened);
  }
  if (var == "records_excluded") {
    return num(flow.screened_excluded);
  }
  if (var == "dbr_sought_reports") {
    return num(flow.sought);
  }
  if (var == "dbr_notretrieved_reports") {
    return num(flow.not_retrieved);
  }
  if (var == "dbr_assessed") {
    return num(flow.assessed);
  }
  if (var == "dbr_excluded") {
    return package_reasons(flow);
  }
  if (var == "new_studies" || var == "total_studies") {
    return num(flow.included_studies);
  }
  if (var == "new_reports" || var == "total_reports") {
    return num(flow.included_reports);
  }
  return "0";
}

// ---------------------------------------------------------------------------
// Markdown

std::string md_escape(std::string_view s) {
  std::string out;
  for (char c : clean_label(s)) {
    if (std::string_view("\\`*_[]<>|&~#").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------
// SVG

constexpr double k_font = 13;          // box text, px
constexpr double k_line = 17;          // box line height
constexpr double k_pad = 9;            // box padding
constexpr double k_indent = 14;        // sub-items in a list box
constexpr double k_hang = 12;          // continuation lines of a wrapped item
constexpr double k_margin = 12;        // around the drawing
constexpr double k_bar_w = 30;         // phase bars
constexpr double k_left_x = k_margin + k_bar_w + 14;
constexpr double k_left_w = 300;
constexpr double k_gap_x = 56;         // room for the arrows to the right
constexpr double k_right_x = k_left_x + k_left_w + k_gap_x;
constexpr double k_right_w = 340;
constexpr double k_width = k_right_x + k_right_w + k_margin;
constexpr double k_gap_y = 34;         // room for the arrows down
constexpr double k_min_box_h = 2 * k_pad + 2 * k_line;
constexpr double k_note_font = 10.5;
constexpr double k_note_line = 14;

// The advance of one character in em, for a generic sans-serif face
// (Helvetica / Arial / DejaVu Sans metrics, rounded up), so that an estimate
// of a line's width errs on the wide side and text stays inside its box.
double char_em(char32_t cp, bool bold) {
  double w;
  if (cp == ' ' || cp == 0x1F) {
    w = 0.32;
  } else if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if (std::string_view("iIjl.,;:'|!").find(c) != std::string_view::npos) {
      w = 0.32;
    } else if (std::string_view("ftr()[]{}-\"`/\\").find(c) != std::string_view::npos) {
      w = 0.42;
    } else if (c == 'm' || c == 'w' || c == 'M' || c == 'W' || c == '@' || c == '%') {
      w = 0.95;
    } else if (c >= 'A' && c <= 'Z') {
      w = 0.74;
    } else if (c == '<' || c == '>' || c == '=' || c == '+' || c == '~' || c == '#' || c == '&') {
      w = 0.78;
    } else {
      w = 0.6;
    }
  } else if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
             (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
             (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x20000 && cp <= 0x3FFFD)) {
    w = 1.05; // wide: CJK, Hangul, full-width forms, emoji
  } else if (cp >= 0x0300 && cp <= 0x036F) {
    w = 0; // combining marks
  } else {
    w = 0.72;
  }
  return bold ? w * 1.08 : w;
}

double text_width(std::string_view s, double font, bool bold = false) {
  double em = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    em += char_em(next_code_point(s, i), bold);
  }
  return em * font;
}

// Splits `word` into pieces no wider than `width` (a word wider than its
// box, such as a long URL, is broken between characters).
std::vector<std::string> break_word(std::string_view word, double width, double font, bool bold) {
  std::vector<std::string> out;
  std::string piece;
  double w = 0;
  std::size_t i = 0;
  while (i < word.size()) {
    const std::size_t start = i;
    const double cw = char_em(next_code_point(word, i), bold) * font;
    if (!piece.empty() && w + cw > width) {
      out.push_back(piece);
      piece.clear();
      w = 0;
    }
    piece.append(word.substr(start, i - start));
    w += cw;
  }
  if (!piece.empty()) {
    out.push_back(piece);
  }
  return out;
}

// Greedy word wrap of `text` into lines: the first no wider than `first`,
// the others no wider than `rest`.
std::vector<std::string> wrap(std::string_view text, double first, double rest, double font, bool bold = false) {
  std::vector<std::string> lines;
  std::string line;
  const auto limit = [&] { return lines.empty() ? first : rest; };
  for (auto word : split_on_spaces(text)) {
    const std::string candidate = line.empty() ? std::string(word) : line + " " + std::string(word);
    if (text_width(candidate, font, bold) <= limit()) {
      line = candidate;
      continue;
    }
    if (!line.empty()) {
      lines.push_back(line);
      line.clear();
    }
    if (text_width(word, font, bold) <= limit()) {
      line = std::string(word);
      continue;
    }
    auto pieces = break_word(word, rest, font, bold);
    for (std::size_t k = 0; k + 1 < pieces.size(); ++k) {
      lines.push_back(pieces[k]);
    }
    line = pieces.empty() ? std::string() : pieces.back();
  }
  if (!line.empty() || lines.empty()) {
    lines.push_back(line);
  }
  return lines;
}

std::string xml_escape(std::string_view s) { return escape_xml_text(s); }

// Coordinates with at most one decimal.
std::string num(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) {
    s.resize(s.size() - 2);
  }
  return s;
}

// Joins the words of "(n = 12)" so that wrapping never splits them; it
// becomes a space again when the line is stored. User text never holds it
// (clean_label folds control characters).
constexpr char k_glue = '\x1f';

std::string n_of(std::uint64_t n) {
  return fmt::format("(n{0}={0}{1})", k_glue, n);
}

struct Line {
  std::string text; // plain text, escaped when written
  double indent = 0;
};

struct Box {
  Box(std::string id_, double w_, bool centered_ = false) : id(std::move(id_)), centered(centered_), w(w_) {}

  std::string id;
  bool centered = false;
  double x = 0, y = 0, w = 0, h = 0;
  std::vector<Line> lines;

  double text_h() const { return static_cast<double>(lines.size()) * k_line; }
  double natural_h() const { return std::max(k_min_box_h, 2 * k_pad + text_h()); }
};

// Adds `text` to `box` as one item at `indent`, wrapped to the box's inner
// width, continuation lines hanging by k_hang.
void add_item(Box& box, const std::string& text, double indent = 0) {
  const double inner = box.w - 2 * k_pad;
  const double hang = box.centered ? 0 : k_hang;
  bool first = true;
  for (auto& l : wrap(text, inner - indent, inner - indent - hang, k_font)) {
    std::replace(l.begin(), l.end(), k_glue, ' ');
    box.lines.push_back({l, first ? indent : indent + hang});
    first = false;
  }
}



void draw_box(std::string& out, const Box& b) {
  out += fmt::format("<g id=\"box-{}\">\n", b.id);
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" stroke=\"#000000\" "
                     "stroke-width=\"1\"/>\n",
                     num(b.x), num(b.y), num(b.w), num(b.h));
  // The text block is centred vertically; the baseline sits at about 0.72 of
  // the line height.
  double y = b.y + (b.h - b.text_h()) / 2 + k_line * 0.74;
  for (const auto& l : b.lines) {
    if (b.centered) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(b.x + b.w / 2), num(y),
                         xml_escape(l.text));
    } else {
      out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", num(b.x + k_pad + l.indent), num(y),
                         xml_escape(l.text));
    }
    y += k_line;
  }
  out += "</g>\n";
}

void draw_arrow(std::string& out, double x1, double y1, double x2, double y2) {
  out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#000000\" stroke-width=\"1.3\" "
                     "marker-end=\"url(#arrowhead)\"/>\n",
                     num(x1), num(y1), num(x2), num(y2));
}

void draw_phase(std::string& out, const std::string& id, const std::string& label, double top, double bottom) {
  const double cx = k_margin + k_bar_w / 2;
  const double cy = (top + bottom) / 2;
  out += fmt::format("<g id=\"phase-{}\">\n", id);
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" ry=\"6\" fill=\"#a8c8ec\" "
                     "stroke=\"#5b87b8\" stroke-width=\"1\"/>\n",
                     num(k_margin), num(top), num(k_bar_w), num(bottom - top));
  out += fmt::format("<text transform=\"translate({},{}) rotate(-90)\" x=\"0\" y=\"{}\" text-anchor=\"middle\" "
                     "font-weight=\"bold\" font-size=\"14\">{}</text>\n",
                     num(cx), num(cy), num(14 * 0.36), xml_escape(label));
  out += "</g>\n";
}

} // namespace

// ---------------------------------------------------------------------------

nlohmann::json prisma_json(const PrismaFlow& flow) {
  auto reasons = nlohmann::json::array();
  for (const auto& r : flow.excluded_reasons) {
    reasons.push_back({{"reason", r.reason}, {"reports", r.reports}});
  }
  return {
      {"identified",
       {{"total", flow.identified}, {"databases", sources_json(flow, false)}, {"registers", sources_json(flow, true)}}},
      {"duplicates", flow.duplicates},
      {"automation", flow.automation},
      {"other_removed", flow.other_removed},
      {"screened", flow.screened},
      {"screened_excluded", flow.screened_excluded},
      {"sought", flow.sought},
      {"not_retrieved", flow.not_retrieved},
      {"assessed", flow.assessed},
      {"excluded", {{"total", flow.excluded}, {"reasons", reasons}}},
      {"included", {{"studies", flow.included_studies}, {"reports", flow.included_reports}}},
      {"pending", {{"screening", flow.pending_screening}, {"full_text", flow.pending_full_text}}},
      {"final", is_final(flow)},
  };
}

std::string prisma_csv(const PrismaFlow& flow) {
  std::string out = "data,node,box,description,boxtext,tooltips,url,n\n";
  for (const auto& row : k_template) {
    for (auto field : {row.data, row.node, row.box, row.description, row.boxtext, row.tooltips, row.url}) {
      append_csv_field(out, field);
      out += ',';
    }
    append_csv_field(out, package_n(flow, row.data));
    out += '\n';
  }
  return out;
}

std::string prisma_markdown(const PrismaFlow& flow) {
  std::string out = "# PRISMA 2020 flow diagram\n\n";
  if (!is_final(flow)) {
    out += "**" + pending_sentence(flow) + "**\n\n";
  }
  out += "| Phase | Box | Id | n |\n|---|---|---|---:|\n";
  const auto row = [&](std::string_view phase, const std::string& box, const std::string& id, std::uint64_t n) {
    out += fmt::format("| {} | {} | `{}` | {} |\n", phase, box, id, n);
  };
  row("Identification", "Records identified from databases and registers", "identified", flow.identified);
  for (const auto& s : flow.sources) {
    // The id is code, so only a backtick would break it; user text is folded
    // to one line and its backticks dropped there.
    std::string id = "identified:" + clean_label(s.name);
    std::erase(id, '`');
    std::replace(id.begin(), id.end(), '|', '/');
    row("Identification", fmt::format("↳ {}: {}", s.is_register ? "Register" : "Database", md_escape(s.name)), id,
        s.records);
  }
  row("Identification", "Duplicate records removed", "duplicates", flow.duplicates);
  row("Identification", "Records marked as ineligible by automation tools", "automation", flow.automation);
  row("Identification", "Records removed for other reasons", "other-removed", flow.other_removed);
  row("Screening", "Records screened", "screened", flow.screened);
  row("Screening", "Records excluded", "screened-excluded", flow.screened_excluded);
  row("Screening", "Reports sought for retrieval", "sought", flow.sought);
  row("Screening", "Reports not retrieved", "not-retrieved", flow.not_retrieved);
  row("Screening", "Reports assessed for eligibility", "assessed", flow.assessed);
  row("Screening", "Reports excluded", "excluded", flow.excluded);
  for (const auto& r : flow.excluded_reasons) {
    std::string id = "excluded:" + clean_label(r.reason);
    std::erase(id, '`');
    std::replace(id.begin(), id.end(), '|', '/');
    row("Screening", "↳ " + md_escape(r.reason), id, r.reports);
  }
  row("Included", "Studies included in review", "included-studies", flow.included_studies);
  row("Included", "Reports of included studies", "included-reports", flow.included_reports);
  return out;
}

std::string prisma_svg(const PrismaFlow& flow) {
  // Boxes, in the words of the PRISMA 2020 flow diagram template for new
  // systematic reviews which included searches of databases and registers
  // only (Page et al., BMJ 2021;372:n71).
  Box identified("identified", k_left_w);
  add_item(identified, "Records identified from*:");
  add_item(identified, "Databases " + n_of(database_records(flow)), k_indent);
  for (const auto& s : flow.sources) {
    if (!s.is_register) {
      add_item(identified, clean_label(s.name) + " " + n_of(s.records), 2 * k_indent);
    }
  }
  add_item(identified, "Registers " + n_of(register_records(flow)), k_indent);
  for (const auto& s : flow.sources) {
    if (s.is_register) {
      add_item(identified, clean_label(s.name) + " " + n_of(s.records), 2 * k_indent);
    }
  }

  Box removed("removed", k_right_w);
  add_item(removed, "Records removed before screening:");
  add_item(removed, "Duplicate records removed " + n_of(flow.duplicates), k_indent);
  add_item(removed, "Records marked as ineligible by automation tools " + n_of(flow.automation), k_indent);
  add_item(removed, "Records removed for other reasons " + n_of(flow.other_removed), k_indent);

  const auto simple = [](const std::string& id, double w, const std::string& text) {
    Box b(id, w, true);
    add_item(b, text);
    return b;
  };
  Box screened = simple("screened", k_left_w, "Records screened " + n_of(flow.screened));
  Box screened_excluded = simple("screened-excluded", k_right_w, "Records excluded** " + n_of(flow.screened_excluded));
  Box sought = simple("sought", k_left_w, "Reports sought for retrieval " + n_of(flow.sought));
  Box not_retrieved = simple("not-retrieved", k_right_w, "Reports not retrieved " + n_of(flow.not_retrieved));
  Box assessed = simple("assessed", k_left_w, "Reports assessed for eligibility " + n_of(flow.assessed));

  Box excluded("excluded", k_right_w);
  if (flow.excluded_reasons.empty()) {
    add_item(excluded, "Reports excluded " + n_of(flow.excluded));
  } else {
    add_item(excluded, "Reports excluded " + n_of(flow.excluded) + ":");
    for (const auto& r : flow.excluded_reasons) {
      add_item(excluded, clean_label(r.reason) + " " + n_of(r.reports), k_indent);
    }
  }

  Box included("included", k_left_w);
  add_item(included, "Studies included in review " + n_of(flow.included_studies));
  add_item(included, "Reports of included studies " + n_of(flow.included_reports));

  // The header over both columns.
  const std::string header = "Identification of studies via databases and registers";
  const auto header_lines = wrap(header, k_right_x + k_right_w - k_left_x - 2 * k_pad,
                                 k_right_x + k_right_w - k_left_x - 2 * k_pad, 14, true);
  const double header_y = k_margin;
  const double header_h = 2 * 8 + static_cast<double>(header_lines.size()) * 18;

  // Rows: a box on the left, maybe one on the right, both from the row's
  // top; a row is as tall as its taller box.
  struct Row {
    Box* left;
    Box* right;
  };
  std::vector<Row> rows = {{&identified, &removed},
                           {&screened, &screened_excluded},
                           {&sought, &not_retrieved},
                           {&assessed, &excluded},
                           {&included, nullptr}};
  for (auto& r : rows) {
    r.left->x = k_left_x;
    r.left->h = r.left->natural_h();
    if (r.right) {
      r.right->x = k_right_x;
      r.right->h = r.right->natural_h();
    }
  }
  // A phase bar spans its rows and must be tall enough for its label; a
  // one-row phase grows its boxes when it is not.
  const double label_room = 24; // padding around a label
  const auto label_h = [&](const std::string& label) { return text_width(label, 14, true) + label_room; };
  const auto grow_row = [&](Row& r, double need) {
    if (r.left->h < need) {
      r.left->h = need;
    }
  };
  grow_row(rows[0], label_h("Identification"));
  grow_row(rows[4], label_h("Included"));

  double y = header_y + header_h + 18;
  std::vector<double> row_top, row_bottom;
  for (auto& r : rows) {
    r.left->y = y;
    double h = r.left->h;
    if (r.right) {
      r.right->y = y;
      h = std::max(h, r.right->h);
    }
    row_top.push_back(y);
    row_bottom.push_back(y + h);
    y += h + k_gap_y;
  }
  // (Screening spans three rows of at least k_min_box_h: always room.)
  y -= k_gap_y;

  // Notes under the drawing.
  std::vector<std::string> notes;
  const double note_w = k_width - 2 * k_margin;
  std::vector<std::string> pending_lines;
  if (!is_final(flow)) {
    pending_lines = wrap(pending_sentence(flow), note_w - 2 * k_pad, note_w - 2 * k_pad, 12, true);
  }
  for (const char* note :
       {"*Consider, if feasible to do so, reporting the number of records identified from each database or register "
        "searched (rather than the total number across all databases/registers).",
        "**If automation tools were used, indicate how many records were excluded by a human and how many were "
        "excluded by automation tools.",
        "From: Page MJ, McKenzie JE, Bossuyt PM, Boutron I, Hoffmann TC, Mulrow CD, et al. The PRISMA 2020 "
        "statement: an updated guideline for reporting systematic reviews. BMJ 2021;372:n71. "
        "doi: 10.1136/bmj.n71"}) {
    for (auto& l : wrap(note, note_w, note_w, k_note_font)) {
      notes.push_back(l);
    }
  }
  double pending_y = y + 20;
  double pending_h = pending_lines.empty() ? 0 : 2 * 8 + static_cast<double>(pending_lines.size()) * 16;
  double notes_y = pending_y + (pending_lines.empty() ? 0 : pending_h + 14);
  const double height = notes_y + static_cast<double>(notes.size()) * k_note_line + k_margin;

  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  out += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" height=\"{1}\" "
                     "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"{2}\">\n",
                     num(k_width), num(height), num(k_font));
  out += "<title>PRISMA 2020 flow diagram</title>\n";
  out += "<defs>\n<marker id=\"arrowhead\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" "
         "markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">\n"
         "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#000000\"/>\n</marker>\n</defs>\n";
  out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", num(k_width),
                     num(height));

  // Header.
  out += "<g id=\"header\">\n";
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" ry=\"6\" fill=\"#ffd966\" "
                     "stroke=\"#b8860b\" stroke-width=\"1\"/>\n",
                     num(k_left_x), num(header_y), num(k_right_x + k_right_w - k_left_x), num(header_h));
  {
    double ty = header_y + 8 + 18 * 0.74;
    for (const auto& l : header_lines) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" "
                         "font-size=\"14\">{}</text>\n",
                         num((k_left_x + k_right_x + k_right_w) / 2), num(ty), xml_escape(l));
      ty += 18;
    }
  }
  out += "</g>\n";

  draw_phase(out, "identification", "Identification", row_top[0], row_bottom[0]);
  draw_phase(out, "screening", "Screening", row_top[1], row_bottom[3]);
  draw_phase(out, "included", "Included", row_top[4], row_bottom[4]);

  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    draw_box(out, *r.left);
    if (r.right) {
      draw_box(out, *r.right);
      const double ay = r.left->y + std::min(r.left->h, r.right->h) / 2;
      draw_arrow(out, r.left->x + r.left->w, ay, r.right->x, ay);
    }
    if (i + 1 < rows.size()) {
      const double ax = r.left->x + r.left->w / 2;
      draw_arrow(out, ax, r.left->y + r.left->h, ax, rows[i + 1].left->y);
    }
  }

  if (!pending_lines.empty()) {
    out += "<g id=\"pending\">\n";
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff2cc\" stroke=\"#c00000\" "
                       "stroke-width=\"1.2\" stroke-dasharray=\"6 3\"/>\n",
                       num(k_margin), num(pending_y), num(note_w), num(pending_h));
    double ty = pending_y + 8 + 16 * 0.74;
    for (const auto& l : pending_lines) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\" fill=\"#c00000\">{}</text>\n",
                         num(k_margin + k_pad), num(ty), xml_escape(l));
      ty += 16;
    }
    out += "</g>\n";
  }

  out += "<g id=\"notes\" font-size=\"" + num(k_note_font) + "\" fill=\"#333333\">\n";
  double ny = notes_y + k_note_line * 0.74;
  for (const auto& l : notes) {
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", num(k_margin), num(ny), xml_escape(l));
    ny += k_note_line;
  }
  out += "</g>\n</svg>\n";
  return out;
}

} // namespace litrev
