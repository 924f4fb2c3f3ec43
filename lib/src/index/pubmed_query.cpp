// PubMed search syntax translated to a Xapian query over the index's terms
// (terms.hpp). schemas/index.md, "PubMed syntax", is the user's reference;
// this comment is the maintainer's.
//
// Three steps, one small piece of code each:
//   1. tokenize(): words, "quoted phrases" (straight or curly quotes), field
//      tags in square brackets, round brackets, the operators AND OR NOT
//      (upper case only: PubMed reads lower-case and/or/not as words), and
//      strategy references #n.
//   2. Parser: left-to-right evaluation as PubMed does, with no precedence
//      (`a OR b AND c` is `(a OR b) AND c`); round brackets group. The words
//      and phrases between two operators form one *term* whose parts are
//      ANDed: PubMed hands each stretch between operators to its term mapping
//      as a unit, so `a OR b c` is `a OR (b AND c)`. A field tag applies to
//      the quoted phrase right before it, or else to the run of unquoted words
//      before it back to the last operator, bracket, phrase or tag:
//      `randomized controlled trial[pt]`, `smith j[au]`.
//   3. The tag table (tag_table()): one row per tag, saying what it searches.
//      Text tags (tiab, ti, ab, tw, all, ot, and untagged words) search the
//      words as written, unstemmed, as PubMed does; words are cut into terms
//      by a TermGenerator like the indexer's, so a query word and an indexed
//      word give the same terms (a hyphenated word becomes a phrase). Exact
//      tags (au, 1au, lastau, mh, majr, sh, pt, la, pmid, doi) compare whole
//      values after exact_value(). Dates (dp, pdat) become value ranges.
//
// Truncation: a trailing '*' expands to at most k_max_expansion terms per
// field, the first ones in alphabetical order (PubMed uses its first 600
// variants). Inside a phrase the expansion is done here against the
// database, since Xapian 1.4 phrases take only plain terms or ORs of them.
#include "index/pubmed_query.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>

#include <litrev/error.hpp>
#include <litrev/record.hpp>

#include "index/terms.hpp"
#include "util/normalize.hpp"

namespace litrev::index_terms {

namespace {

constexpr Xapian::termcount k_max_expansion = 600;
// The longest run of query words looked up in the thesaurus as one term.
constexpr std::size_t k_max_synonym_words = 6;

enum class TagKind {
  text,       // words anywhere in the fields, each word on its own; phrases when quoted
  phrase,     // the whole value as one phrase (journal names)
  author,     // exact "family initials", longer initials included
  mesh,       // exact MeSH descriptor or "descriptor/qualifier"
  subheading, // every "descriptor/qualifier" with this qualifier
  pubtype,    // exact publication type
  language,   // language code, or an English language name
  date,       // publication date or range
  pmid,
  doi,
};

struct TagRow {
  std::vector<std::string_view> names; // lower-case spellings; the first is shown in messages
  TagKind kind;
  std::vector<const char*> prefixes;
  const char* what; // one line; schemas/index.md "PubMed syntax" says more
};

// The tag table.
const std::vector<TagRow>& tag_table() {
  using K = TagKind;
  static const std::vector<TagRow> k_tags = {
      {{"tiab", "title/abstract"}, K::text, {k_title, k_abstract}, "words in the title or abstract"},
      {{"ti", "title"}, K::text, {k_title}, "words in the title or vernacular title"},
      {{"ab", "abstract"}, K::text, {k_abstract}, "words in the abstract"},
      {{"tw", "text word", "text words"},
       K::text,
       {k_title, k_abstract, k_mesh, k_pubtype, k_keyword},
       "title, abstract, MeSH descriptor names, publication types, keywords"},
      {{"all", "all fields"},
       K::text,
       {k_title, k_abstract, k_author, k_journal, k_mesh, k_pubtype, k_keyword},
       "every text field; also what untagged words search"},
      {{"ot", "other term", "kw", "keyword"}, K::text, {k_keyword}, "keywords"},
      {{"ta", "journal", "jour"}, K::phrase, {k_journal}, "journal title or abbreviation, as one phrase"},
      {{"au", "author", "fau", "full author name"},
       K::author,
       {k_author_exact},
       "any author, \"family initials\", initials matched as a prefix"},
      {{"1au", "author - first", "first author"}, K::author, {k_first_author}, "the first author"},
      {{"lastau", "author - last", "last author"}, K::author, {k_last_author}, "the last author"},
      // No MeSH tree in the index, so no explosion: [mh] is [mh:noexp].
      {{"mh", "mh:noexp", "mesh terms", "mesh terms:noexp", "mesh", "mesh:noexp"},
       K::mesh,
       {k_mesh_exact},
       "an exact MeSH heading or \"heading/qualifier\""},
      {{"majr", "majr:noexp", "mesh major topic", "mesh major topic:noexp"},
       K::mesh,
       {k_mesh_major},
       "a MeSH heading (or heading/qualifier) that is a major topic"},
      {{"sh", "sh:noexp", "subheading", "mesh subheading"},
       K::subheading,
       {k_mesh_exact},
       "every heading with this qualifier"},
      {{"pt", "publication type"}, K::pubtype, {k_pubtype_exact}, "an exact publication type"},
      {{"la", "language", "lang"}, K::language, {k_lang}, "a language code or English name"},
      {{"dp", "pdat", "date - publication", "publication date"}, K::date, {}, "publication date or range"},
      {{"pmid", "uid"}, K::pmid, {k_pmid}, "a PubMed id"},
      {{"doi", "aid"}, K::doi, {k_doi}, "a DOI, any case"},
  };
  return k_tags;
}

// Untagged words search what [all] searches.
const TagRow& untagged_row() {
  static const TagRow& k_all = *std::find_if(tag_table().begin(), tag_table().end(),
                                             [](const TagRow& row) { return row.names.front() == "all"; });
  return k_all;
}

std::string supported_tags() {
  std::string out;
  for (const TagRow& row : tag_table()) {
    out += (out.empty() ? "[" : " [") + std::string(row.names.front()) + "]";
    if (row.names.front() == "tiab") {
      out += " [tiab:~N]";
    }
  }
  return out;
}

// English language names to the ISO 639-2 (bibliographic) codes PubMed uses.
std::optional<std::string> language_code(const std::string& name) {
  static const std::pair<const char*, const char*> k_names[] = {
      {"afrikaans", "afr"}, {"albanian", "alb"},   {"arabic", "ara"},     {"armenian", "arm"},
      {"bengali", "ben"},   {"bulgarian", "bul"},  {"catalan", "cat"},    {"chinese", "chi"},
      {"croatian", "hrv"},  {"czech", "cze"},      {"danish", "dan"},     {"dutch", "dut"},
      {"english", "eng"},   {"esperanto", "epo"},  {"estonian", "est"},   {"finnish", "fin"},
      {"french", "fre"},    {"georgian", "geo"},   {"german", "ger"},     {"greek", "gre"},
      {"hebrew", "heb"},    {"hindi", "hin"},      {"hungarian", "hun"},  {"icelandic", "ice"},
      {"indonesian", "ind"}, {"irish", "gle"},     {"italian", "ita"},    {"japanese", "jpn"},
      {"korean", "kor"},    {"latin", "lat"},      {"latvian", "lav"},    {"lithuanian", "lit"},
      {"malay", "may"},     {"norwegian", "nor"},  {"persian", "per"},    {"polish", "pol"},
      {"portuguese", "por"}, {"romanian", "rum"},  {"russian", "rus"},    {"serbian", "srp"},
      {"slovak", "slo"},    {"slovenian", "slv"},  {"spanish", "spa"},    {"swedish", "swe"},
      {"thai", "tha"},      {"turkish", "tur"},    {"ukrainian", "ukr"},  {"urdu", "urd"},
      {"vietnamese", "vie"}, {"welsh", "wel"},     {"multiple languages", "mul"},
      {"undetermined", "und"},
  };
  for (const auto& [n, code] : k_names) {
    if (name == n) {
      return std::string(code);
    }
  }
  if (name.size() == 3 && std::all_of(name.begin(), name.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return name;
  }
  return std::nullopt;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_space(s[b])) {
    ++b;
  }
  while (e > b && is_space(s[e - 1])) {
    --e;
  }
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) {
      ++i;
    }
    std::size_t j = i;
    while (j < s.size() && !is_space(s[j])) {
      ++j;
    }
    if (j > i) {
      out.emplace_back(s.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

std::string join(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    out += (i == from ? "" : " ") + words[i];
  }
  return out;
}

// Curly double quotes, as word processors write them around phrases.
constexpr std::string_view k_open_quote = "\xE2\x80\x9C";
constexpr std::string_view k_close_quote = "\xE2\x80\x9D";

struct Token {
  enum class Type { word, phrase, tag, open, close, op, ref };
  Type type;
  std::string text; // the word, phrase, tag (lower-case, spaces folded) or operator
  std::size_t col;  // 1-based column (code points) where it starts
  int number = 0;   // for ref
};

class Translator {
public:
  Translator(const std::string& query, const PubmedContext& ctx) : m_query(query), m_ctx(ctx) {}

  Xapian::Query run() {
    tokenize();
    if (m_tokens.empty()) {
      fail("empty query", 1);
    }
    Xapian::Query q = expression();
    if (m_pos < m_tokens.size()) {
      // Only a closing bracket stops an expression early.
      fail("unbalanced bracket: ')' has no matching '('", m_tokens[m_pos].col);
    }
    return q;
  }

private:
  [[noreturn]] void fail(const std::string& problem, std::size_t col) const {
    throw UsageError("PubMed query: " + problem + " at column " + std::to_string(col) + " in: " + m_query);
  }

  // The 1-based column (in code points) of byte `byte`. Tokens ask in
  // increasing order, so counting resumes where the last call stopped and a
  // long query costs linear time.
  std::size_t column(std::size_t byte) {
    if (byte < m_col_byte) {
      m_col_byte = 0;
      m_col = 1;
    }
    for (; m_col_byte < byte && m_col_byte < m_query.size(); ++m_col_byte) {
      if ((static_cast<unsigned char>(m_query[m_col_byte]) & 0xC0) != 0x80) {
        ++m_col;
      }
    }
    return m_col;
  }

  bool at(std::size_t i, std::string_view s) const { return m_query.compare(i, s.size(), s) == 0; }

  // ---- 1. Tokens ----------------------------------------------------------

  void tokenize() {
    const std::string& q = m_query;
    std::size_t i = 0;
    while (i < q.size()) {
      const char c = q[i];
      if (is_space(c)) {
        ++i;
      } else if (at(i, "\xC2\xA0")) { // no-break space
        i += 2;
      } else if (c == '"' || at(i, k_open_quote) || at(i, k_close_quote)) {
        const std::size_t start = i;
        i += c == '"' ? 1 : k_open_quote.size();
        std::size_t end = i;
        while (end < q.size() && q[end] != '"' && !at(end, k_close_quote) && !at(end, k_open_quote)) {
          ++end;
        }
        if (end >= q.size()) {
          fail("unbalanced quote: '\"' is not closed", column(start));
        }
        std::string text = trim(std::string_view(q).substr(i, end - i));
        if (text.empty()) {
          fail("empty phrase \"\"", column(start));
        }
        m_tokens.push_back({Token::Type::phrase, std::move(text), column(start)});
        i = end + (q[end] == '"' ? 1 : k_close_quote.size());
      } else if (c == '(' || c == ')') {
        m_tokens.push_back({c == '(' ? Token::Type::open : Token::Type::close, std::string(1, c), column(i)});
        ++i;
      } else if (c == '[') {
        const std::size_t close = q.find_first_of("[]", i + 1);
        if (close == std::string::npos || q[close] != ']') {
          fail("field tag '[' is not closed by ']'", column(i));
        }
        const std::vector<std::string> words = split_words(std::string_view(q).substr(i + 1, close - i - 1));
        std::string tag = ascii_lower(join(words, 0, words.size()));
        if (tag.empty()) {
          fail("empty field tag []", column(i));
        }
        m_tokens.push_back({Token::Type::tag, std::move(tag), column(i)});
        i = close + 1;
      } else if (c == ']') {
        fail("']' without '['", column(i));
      } else {
        const std::size_t start = i;
        while (i < q.size() && !is_space(q[i]) && q[i] != '"' && q[i] != '(' && q[i] != ')' && q[i] != '[' &&
               q[i] != ']' && !at(i, k_open_quote) && !at(i, k_close_quote) && !at(i, "\xC2\xA0")) {
          ++i;
        }
        std::string word = q.substr(start, i - start);
        if (word == "AND" || word == "OR" || word == "NOT") {
          m_tokens.push_back({Token::Type::op, std::move(word), column(start)});
        } else if (word.size() > 1 && word[0] == '#' && word.size() <= 10 &&
                   std::all_of(word.begin() + 1, word.end(), [](char d) { return d >= '0' && d <= '9'; })) {
          const int n = std::stoi(word.substr(1));
          m_tokens.push_back({Token::Type::ref, std::move(word), column(start), n});
        } else {
          m_tokens.push_back({Token::Type::word, std::move(word), column(start)});
        }
      }
    }
  }

  // ---- 2. Left-to-right evaluation ----------------------------------------

  bool more() const { return m_pos < m_tokens.size(); }
  const Token& peek() const { return m_tokens[m_pos]; }

  // unit (operator? unit)*, left to right; juxtaposed units are ANDed. A
  // run of one operator is one n-ary node (`a NOT b NOT c` is a AND_NOT
  // (b OR c), which is what left to right means), so the tree grows a level
  // only where the operator changes. Xapian recurses over the tree, so those
  // changes are bounded (k_max_switches), as brackets are (k_max_depth).
  Xapian::Query expression() {
    std::vector<Xapian::Query> operands{unit()};
    Xapian::Query::op current = Xapian::Query::OP_AND;
    while (more() && peek().type != Token::Type::close) {
      Xapian::Query::op op = Xapian::Query::OP_AND;
      const std::size_t col = peek().col;
      if (peek().type == Token::Type::op) {
        const Token& t = m_tokens[m_pos++];
        op = t.text == "OR" ? Xapian::Query::OP_OR : t.text == "NOT" ? Xapian::Query::OP_AND_NOT : Xapian::Query::OP_AND;
        if (!more() || peek().type == Token::Type::close) {
          fail("operator " + t.text + " has nothing after it", t.col);
        }
        if (peek().type == Token::Type::op) {
          fail("operator " + peek().text + " follows operator " + t.text, peek().col);
        }
      }
      if (operands.size() > 1 && op != current) {
        if (++m_switches > k_max_switches) {
          fail("the operator changes more than " + std::to_string(k_max_switches) + " times", col);
        }
        Xapian::Query done(current, operands.begin(), operands.end());
        operands = {std::move(done)};
      }
      current = op;
      operands.push_back(unit());
    }
    return operands.size() == 1 ? operands[0] : Xapian::Query(current, operands.begin(), operands.end());
  }

  Xapian::Query unit() {
    const Token& t = peek();
    switch (t.type) {
    case Token::Type::open: {
      ++m_pos;
      if (++m_depth > k_max_depth) {
        fail("brackets nested more than " + std::to_string(k_max_depth) + " deep", t.col);
      }
      if (!more()) {
        fail("unbalanced bracket: '(' is not closed", t.col);
      }
      if (peek().type == Token::Type::close) {
        fail("empty brackets ()", t.col);
      }
      Xapian::Query q = expression();
      if (!more()) {
        fail("unbalanced bracket: '(' is not closed", t.col);
      }
      ++m_pos; // ')'
      --m_depth;
      if (more() && peek().type == Token::Type::tag) {
        fail("field tag [" + peek().text + "] cannot follow a bracketed group; tag each term inside", peek().col);
      }
      return q;
    }
    case Token::Type::close:
      fail("unbalanced bracket: ')' has no matching '('", t.col);
    case Token::Type::op:
      fail("operator " + t.text + " has nothing before it", t.col);
    case Token::Type::tag:
      fail("field tag [" + t.text + "] follows no search term", t.col);
    case Token::Type::ref:
      ++m_pos;
      if (more() && peek().type == Token::Type::tag) {
        fail("field tag [" + peek().text + "] cannot follow a strategy reference " + t.text, peek().col);
      }
      return reference(t);
    case Token::Type::word:
    case Token::Type::phrase:
      break;
    }
    return term();
  }

  Xapian::Query reference(const Token& t) const {
    if (m_ctx.lines == nullptr) {
      fail(t.text + " refers to a strategy line, which works only inside a strategy", t.col);
    }
    const auto it = m_ctx.lines->find(t.number);
    if (it == m_ctx.lines->end()) {
      fail(t.text + " is not an earlier line of the strategy", t.col);
    }
    return it->second;
  }

  // One part of a term: a quoted phrase or a run of unquoted words, with the
  // tag that follows it (or none).
  struct Item {
    std::vector<std::string> words; // the run's words; one element for a phrase
    bool quoted = false;
    const TagRow* tag = nullptr;
    unsigned proximity = 0; // [tiab:~N]
    std::size_t col = 0;
    std::size_t tag_col = 0;
    std::string text() const { return join(words, 0, words.size()); }
  };

  // Words and phrases up to the next operator, bracket or reference.
  Xapian::Query term() {
    std::vector<Item> items;
    bool open_run = false; // items.back() is an untagged run of words still growing
    while (more()) {
      const Token& t = peek();
      if (t.type == Token::Type::word) {
        if (!open_run) {
          items.push_back({});
          items.back().col = t.col;
          open_run = true;
        }
        items.back().words.push_back(t.text);
      } else if (t.type == Token::Type::phrase) {
        items.push_back({{t.text}, true, nullptr, 0, t.col, 0});
        open_run = false;
      } else if (t.type == Token::Type::tag) {
        if (items.empty()) {
          fail("field tag [" + t.text + "] follows no search term", t.col);
        }
        if (items.back().tag != nullptr) {
          fail("field tag [" + t.text + "] follows another tag; a term takes one tag", t.col);
        }
        apply_tag(items.back(), t);
        open_run = false;
      } else {
        break;
      }
      ++m_pos;
    }
    join_date_ranges(items);
    std::vector<Xapian::Query> parts;
    for (const Item& item : items) {
      item_queries(item, parts);
    }
    if (parts.empty()) {
      fail("nothing to search for in '" + items.front().text() + "'", items.front().col);
    }
    return parts.size() == 1 ? parts.front() : Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
  }

  void apply_tag(Item& item, const Token& t) const {
    std::string name = t.text;
    unsigned proximity = 0;
    const std::size_t tilde = name.find(":~");
    if (tilde != std::string::npos) {
      const std::string n = name.substr(tilde + 2);
      if (n.empty() || n.size() > 4 || !std::all_of(n.begin(), n.end(), [](char d) { return d >= '0' && d <= '9'; })) {
        fail("bad proximity in field tag [" + t.text + "]: write [tiab:~N] with N a number of words", t.col);
      }
      proximity = static_cast<unsigned>(std::stoul(n));
      name = name.substr(0, tilde);
      if (name != "tiab" && name != "ti" && name != "ab" && name != "title/abstract" && name != "title" &&
          name != "abstract") {
        fail("proximity search [" + t.text + "] works only with [tiab], [ti] and [ab]", t.col);
      }
    }
    for (const TagRow& row : tag_table()) {
      if (std::find(row.names.begin(), row.names.end(), name) != row.names.end()) {
        item.tag = &row;
        item.proximity = proximity;
        item.tag_col = t.col;
        if (proximity > 0 && !item.quoted) {
          fail("proximity search [" + t.text + "] needs a quoted phrase before it", t.col);
        }
        return;
      }
    }
    fail("unsupported field tag [" + t.text + "] (supported: " + supported_tags() + ")", t.col);
  }

  // PubMed's Search Details write a date range as "2019/06/01"[dp] : "2020"[dp];
  // the ':' between two dates joins them into one range item.
  static void join_date_ranges(std::vector<Item>& items) {
    const auto is_date = [](const Item& item) { return item.tag != nullptr && item.tag->kind == TagKind::date; };
    for (std::size_t i = 1; i < items.size(); ++i) {
      Item& prev = items[i - 1];
      const Item& cur = items[i];
      if (!is_date(prev)) {
        continue;
      }
      if (!cur.quoted && cur.tag == nullptr && cur.words == std::vector<std::string>{":"} && i + 1 < items.size() &&
          is_date(items[i + 1])) {
        prev.words = {prev.text() + ":" + items[i + 1].text()};
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(i), items.begin() + static_cast<std::ptrdiff_t>(i + 2));
        --i;
      } else if (is_date(cur) && !cur.quoted && cur.words.front().front() == ':') {
        prev.words = {prev.text() + cur.text()}; // 2019[dp] :2020[dp]
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
        --i;
      }
    }
  }

  // ---- 3. One item to queries ---------------------------------------------

  void item_queries(const Item& item, std::vector<Xapian::Query>& parts) {
    const TagRow& row = item.tag != nullptr ? *item.tag : untagged_row();
    const std::size_t col = item.tag != nullptr ? item.tag_col : item.col;
    switch (row.kind) {
    case TagKind::text:
      if (item.quoted || item.proximity > 0) {
        add(parts, text_query(row, item.text(), item.proximity, item.col));
      } else {
        word_run_queries(row, item, parts);
      }
      return;
    case TagKind::phrase:
      add(parts, text_query(row, item.text(), 0, item.col));
      return;
    case TagKind::author:
      parts.push_back(author_query(row, item.text(), col));
      return;
    case TagKind::mesh:
    case TagKind::pubtype:
      parts.push_back(exact_query(row, item.text(), col));
      return;
    case TagKind::subheading:
      parts.push_back(subheading_query(item.text(), col));
      return;
    case TagKind::language:
      parts.push_back(language_query(item.text(), col));
      return;
    case TagKind::date:
      parts.push_back(date_query(item.text(), col));
      return;
    case TagKind::pmid:
      parts.push_back(pmid_query(item.text(), col));
      return;
    case TagKind::doi:
      parts.push_back(doi_query(item.text(), col));
      return;
    }
  }

  static void add(std::vector<Xapian::Query>& parts, std::optional<Xapian::Query> q) {
    if (q) {
      parts.push_back(std::move(*q));
    }
  }

  // Unquoted words: each one on its own (ANDed), except that with a
  // thesaurus the longest runs that name a concept are taken as phrases, so
  // `alcohol use disorder` finds "alcoholism" too.
  void word_run_queries(const TagRow& row, const Item& item, std::vector<Xapian::Query>& parts) {
    const std::vector<std::string>& words = item.words;
    std::size_t i = 0;
    while (i < words.size()) {
      std::size_t len = 1;
      if (m_ctx.synonyms) {
        for (std::size_t n = std::min(k_max_synonym_words, words.size() - i); n >= 2; --n) {
          const std::string phrase = join(words, i, i + n);
          if (phrase.find('*') == std::string::npos && !m_ctx.synonyms(phrase).empty()) {
            len = n;
            break;
          }
        }
      }
      add(parts, text_query(row, join(words, i, i + len), 0, item.col));
      i += len;
    }
  }

  // A term of a phrase; `prefix` when it ends with the truncation '*'.
  struct Piece {
    std::string term;
    bool prefix = false;
  };

  // The terms the indexer makes of `text` (lower-case, split as the
  // TermGenerator splits), in order.
  std::vector<std::string> index_terms_of(const std::string& text) {
    Xapian::Document doc;
    m_tg.set_document(doc);
    m_tg.index_text(text);
    std::vector<std::pair<Xapian::termpos, std::string>> at;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) {
        at.emplace_back(*p, *t);
      }
    }
    std::sort(at.begin(), at.end());
    std::vector<std::string> out;
    for (auto& [pos, term] : at) {
      out.push_back(std::move(term));
    }
    return out;
  }

  std::vector<Piece> pieces_of(const std::string& text, std::size_t col) {
    std::vector<Piece> pieces;
    for (const std::string& raw : split_words(text)) {
      const std::size_t star = raw.find('*');
      const bool truncated = star != std::string::npos;
      if (truncated && star + 1 != raw.size()) {
        fail("'*' truncates a word and must end it: '" + raw + "'", col);
      }
      const std::vector<std::string> terms = index_terms_of(truncated ? raw.substr(0, star) : raw);
      if (truncated && terms.empty()) {
        fail("'*' needs the start of a word before it: '" + raw + "'", col);
      }
      for (const std::string& t : terms) {
        pieces.push_back({t, false});
      }
      if (truncated) {
        pieces.back().prefix = true;
      }
    }
    return pieces;
  }

  static Xapian::Query wildcard(const std::string& pattern) {
    return Xapian::Query(Xapian::Query::OP_WILDCARD, pattern, k_max_expansion, Xapian::Query::WILDCARD_LIMIT_FIRST);
  }

  // `pieces` in the field with `prefix`: a term, a wildcard, or a phrase (or
  // NEAR window) of them; MatchNothing when a term it needs is not in the
  // index. Leaving such terms out matters: an untagged word names up to
  // seven prefixed terms, most absent, and Xapian 1.4's matcher slows down
  // more than linearly with the number of terms ORed together.
  Xapian::Query field_query(const std::string& prefix, const std::vector<Piece>& pieces, unsigned proximity) const {
    std::vector<Xapian::Query> subs;
    for (const Piece& p : pieces) {
      const std::string term = prefix + p.term;
      if (!p.prefix) {
        if (!m_ctx.db.term_exists(term)) {
          return Xapian::Query::MatchNothing;
        }
        subs.emplace_back(term);
      } else if (pieces.size() == 1) {
        subs.push_back(wildcard(term)); // expanded by the matcher
      } else {
        std::vector<Xapian::Query> expanded;
        for (auto t = m_ctx.db.allterms_begin(term); t != m_ctx.db.allterms_end(term) && expanded.size() < k_max_expansion;
             ++t) {
          expanded.emplace_back(*t);
        }
        if (expanded.empty()) {
          return Xapian::Query::MatchNothing;
        }
        subs.push_back(expanded.size() == 1 ? expanded[0]
                                            : Xapian::Query(Xapian::Query::OP_OR, expanded.begin(), expanded.end()));
      }
    }
    if (subs.size() == 1) {
      return subs[0];
    }
    const auto n = static_cast<Xapian::termcount>(pieces.size());
    return proximity > 0 ? Xapian::Query(Xapian::Query::OP_NEAR, subs.begin(), subs.end(), n + proximity)
                         : Xapian::Query(Xapian::Query::OP_PHRASE, subs.begin(), subs.end(), n);
  }

  // A word or phrase in every field of `row`, ORed with its synonyms;
  // MatchNothing when none of that is in the index; nothing at all (the
  // caller drops it, as PubMed drops stray punctuation) when `text` holds no
  // indexable word.
  std::optional<Xapian::Query> text_query(const TagRow& row, const std::string& text, unsigned proximity,
                                          std::size_t col) {
    std::vector<std::vector<Piece>> variants;
    variants.push_back(pieces_of(text, col));
    if (variants[0].empty()) {
      return std::nullopt;
    }
    if (m_ctx.synonyms && text.find('*') == std::string::npos) {
      for (const std::string& s : m_ctx.synonyms(text)) {
        std::vector<Piece> p = pieces_of(s, col);
        if (!p.empty()) {
          variants.push_back(std::move(p));
        }
      }
    }
    std::vector<Xapian::Query> alternatives;
    for (const auto& pieces : variants) {
      for (const char* prefix : row.prefixes) {
        Xapian::Query q = field_query(prefix, pieces, proximity);
        if (!q.empty()) {
          alternatives.push_back(std::move(q));
        }
      }
    }
    if (alternatives.empty()) {
      return Xapian::Query::MatchNothing; // searchable, but not in the index
    }
    return alternatives.size() == 1 ? alternatives[0]
                                    : Xapian::Query(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end());
  }

  // Splits a trailing '*' off `text`; fails on a '*' anywhere else.
  std::string untruncated(const std::string& text, bool& truncated, std::size_t col) const {
    const std::size_t star = text.find('*');
    truncated = star != std::string::npos;
    if (truncated && star + 1 != text.size()) {
      fail("'*' truncates a term and must end it: '" + text + "'", col);
    }
    return truncated ? text.substr(0, star) : text;
  }

  std::string no_truncation(const std::string& text, const char* tag, std::size_t col) const {
    if (text.find('*') != std::string::npos) {
      fail(std::string("truncation '*' is not supported with [") + tag + "]", col);
    }
    return trim(text);
  }

  // "family initials" as indexed (XAU and friends). "dakwar e" matches every
  // author whose initials start with e; "dakwar" (no initials) every
  // initial; "Dakwar, Elias" is turned into "dakwar e".
  Xapian::Query author_query(const TagRow& row, const std::string& text, std::size_t col) const {
    bool truncated = false;
    std::string name = untruncated(text, truncated, col);
    bool initials = false;
    const std::size_t comma = name.find(',');
    if (comma != std::string::npos) {
      std::string given;
      for (const std::string& w : split_words(name.substr(comma + 1))) {
        const bool all_caps = w.size() <= 3 && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
        if (all_caps) {
          given += w;
        } else {
          // The first character, whole (it may be several UTF-8 bytes).
          std::size_t n = 1;
          while (n < w.size() && (static_cast<unsigned char>(w[n]) & 0xC0) == 0x80) {
            ++n;
          }
          given += w.substr(0, n);
        }
      }
      name = trim(name.substr(0, comma)) + (given.empty() ? "" : " " + given);
      initials = !given.empty();
    }
    const std::string value = exact_value(name);
    if (value.empty()) {
      fail("empty author name", col);
    }
    const std::string prefix = row.prefixes[0];
    if (truncated) {
      return wildcard(prefix + value);
    }
    if (!initials) {
      const std::size_t space = value.rfind(' ');
      if (space != std::string::npos) {
        const std::string last = value.substr(space + 1);
        initials = last.size() <= 3 && std::all_of(last.begin(), last.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      }
    }
    if (initials) {
      return wildcard(prefix + value); // "dakwar e" and "dakwar ea", not "dakwarson e"
    }
    return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(bounded_term(prefix, value)),
                         wildcard(prefix + value + " "));
  }

  // MeSH headings ([mh], [majr]) and publication types: the whole value.
  Xapian::Query exact_query(const TagRow& row, const std::string& text, std::size_t col) const {
    bool truncated = false;
    const std::string value = exact_value(untruncated(text, truncated, col));
    if (value.empty()) {
      fail("nothing to search for before [" + std::string(row.names.front()) + "]", col);
    }
    return truncated ? wildcard(row.prefixes[0] + value) : Xapian::Query(bounded_term(row.prefixes[0], value));
  }

  // [sh]: every heading with this qualifier. Xapian 1.4 has no suffix
  // wildcards, so the "descriptor/qualifier" terms are scanned here.
  Xapian::Query subheading_query(const std::string& text, std::size_t col) const {
    bool truncated = false;
    const std::string qualifier = exact_value(untruncated(text, truncated, col));
    if (qualifier.empty()) {
      fail("nothing to search for before [sh]", col);
    }
    std::vector<Xapian::Query> terms;
    const std::string prefix = k_mesh_exact;
    for (auto t = m_ctx.db.allterms_begin(prefix); t != m_ctx.db.allterms_end(prefix); ++t) {
      const std::string term = *t;
      const std::size_t slash = term.rfind('/');
      if (slash == std::string::npos || slash < prefix.size()) {
        continue;
      }
      const std::string_view q = std::string_view(term).substr(slash + 1);
      if (truncated ? q.substr(0, qualifier.size()) == qualifier : q == qualifier) {
        terms.emplace_back(term);
      }
    }
    if (terms.empty()) {
      return Xapian::Query::MatchNothing;
    }
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }

  Xapian::Query language_query(const std::string& text, std::size_t col) const {
    const std::string name = exact_value(no_truncation(text, "la", col));
    const std::optional<std::string> code = language_code(name);
    if (!code) {
      fail("unknown language '" + name + "': give an ISO 639-2 code (eng, ger) or an English name (english, german)",
           col);
    }
    return Xapian::Query(bounded_term(k_lang, *code));
  }

  Xapian::Query pmid_query(const std::string& text, std::size_t col) const {
    const std::string pmid = no_truncation(text, "pmid", col);
    if (pmid.empty() || pmid.size() > 12 || !std::all_of(pmid.begin(), pmid.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      fail("a PMID is a number: '" + pmid + "'", col);
    }
    return Xapian::Query(bounded_term(k_pmid, pmid));
  }

  Xapian::Query doi_query(const std::string& text, std::size_t col) const {
    const std::string raw = no_truncation(text, "doi", col);
    std::string doi = normalize_doi(raw);
    if (doi.empty()) {
      doi = ascii_lower(raw);
    }
    if (doi.empty()) {
      fail("nothing to search for before [doi]", col);
    }
    return Xapian::Query(bounded_term(k_doi, doi));
  }

  // ---- Dates --------------------------------------------------------------

  struct Date {
    int year = 0;
    int month = 0; // 0: not given
    int day = 0;
  };

  Date parse_date(const std::string& s, const std::string& whole, std::size_t col) const {
    std::vector<std::string> parts;
    std::size_t from = 0;
    while (true) {
      const std::size_t slash = s.find_first_of("/-", from);
      parts.push_back(s.substr(from, slash == std::string::npos ? std::string::npos : slash - from));
      if (slash == std::string::npos) {
        break;
      }
      from = slash + 1;
    }
    const auto number = [](const std::string& p, std::size_t min_digits, std::size_t max_digits) {
      if (p.size() < min_digits || p.size() > max_digits ||
          !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return -1;
      }
      return std::stoi(p);
    };
    Date d;
    bool ok = parts.size() <= 3;
    if (ok) {
      d.year = number(parts[0], 4, 4);
      d.month = parts.size() > 1 ? number(parts[1], 1, 2) : 0;
      d.day = parts.size() > 2 ? number(parts[2], 1, 2) : 0;
      ok = d.year >= 1000 && (parts.size() < 2 || (d.month >= 1 && d.month <= 12)) &&
           (parts.size() < 3 || (d.day >= 1 && d.day <= 31));
    }
    if (!ok) {
      fail("bad date '" + whole + "': write YYYY, YYYY/MM, YYYY/MM/DD or a range such as 2010:2024 or "
           "2019/06/01:2020/12/31",
           col);
    }
    return d;
  }

  // The slot-1 value ("YYYYMMDD", 00 for an unknown month or day) of the
  // first or last day a date covers. PubMed counts a record with an unknown
  // month or day as published on the 1st, so a lower bound on the 1st of a
  // month takes in that month's day-less records (and 1 January the year's
  // month-less ones): 2019/06/01 is "20190600", 2019/01/01 is "20190000".
  static std::string bound(const Date& d, bool lower) {
    char buf[40]; // room for any int year, month and day: -Wformat-truncation at -O2
    if (lower) {
      const int month = d.month == 0 || (d.month == 1 && d.day <= 1) ? 0 : d.month;
      const int day = month == 0 || d.day <= 1 ? 0 : d.day;
      std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year, month, day);
    } else {
      std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year, d.month == 0 ? 99 : d.month, d.day == 0 ? 99 : d.day);
    }
    return buf;
  }

  Xapian::Query date_query(const std::string& text, std::size_t col) const {
    std::string s;
    for (char c : no_truncation(text, "dp", col)) {
      if (!is_space(c)) {
        s += c;
      }
    }
    const std::size_t colon = s.find(':');
    const Date from = parse_date(s.substr(0, colon), text, col);
    const Date to = colon == std::string::npos ? from : parse_date(s.substr(colon + 1), text, col);
    if (from.month == 0 && to.month == 0) {
      if (from.year > to.year) {
        fail("bad date range '" + text + "': it starts after it ends", col);
      }
      if (from.year == to.year) {
        return Xapian::Query(k_year + std::to_string(from.year));
      }
      return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, k_slot_year, Xapian::sortable_serialise(from.year),
                           Xapian::sortable_serialise(to.year));
    }
    const std::string lo = bound(from, true);
    const std::string hi = bound(to, false);
    if (lo > hi) {
      fail("bad date range '" + text + "': it starts after it ends", col);
    }
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, k_slot_date, lo, hi);
  }

  const std::string& m_query;
  const PubmedContext& m_ctx;
  std::vector<Token> m_tokens;
  std::size_t m_col_byte = 0; // column(): where counting stopped
  std::size_t m_col = 1;
  std::size_t m_pos = 0;
  // Bracket nesting, bounded so that the recursion cannot exhaust the stack.
  static constexpr int k_max_depth = 100;
  int m_depth = 0;
  // Changes of operator, which nest the query one level each.
  static constexpr int k_max_switches = 500;
  int m_switches = 0;
  // Splits query text exactly as the indexer splits record text; no
  // stemmer, since PubMed matches words as written.
  Xapian::TermGenerator m_tg;
};

} // namespace

Xapian::Query pubmed_query(const std::string& query, const PubmedContext& context) {
  return Translator(query, context).run();
}

} // namespace litrev::index_terms
