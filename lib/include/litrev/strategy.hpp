// litrev/strategy.hpp: numbered search strategies, as searchers write them.
//
// A strategy is a text file with one numbered search per line; later lines
// combine earlier ones by number:
//
//   // ketamine for alcohol use disorder
//   #1 ketamine[tiab] OR esketamine[tiab] OR ketamine[mh]
//   #2 "alcohol use disorder"[tiab] OR alcoholism[mh]
//   #3 #1 AND #2
//   4. #3 NOT review[pt]
//   5 1 or 2
//
// A line starts with its number in one of three forms, `#1`, `1.` or `1`,
// then white space, then the query (in the syntax the strategy is run with,
// Index::run_strategy). Numbers must increase down the file; they need not be
// consecutive. Blank lines are skipped, and so are comment lines, whose first
// non-blank characters are `//` or `;`.
//
// A query refers to an earlier line as `#n`. A line made only of line
// numbers, operators and brackets is read the Ovid way: `1 or 2`,
// `(1 OR 2) and 3`, `3 not 4`, and `or/1-3,5` (`and/...` likewise, the list
// joined by the operator) become `#1 OR #2`, `(#1 OR #2) AND #3`, `#3 NOT #4`
// and `(#1 OR #2 OR #3 OR #5)`. Operators there may be in any case; such a
// line needs at least one operator, so a line whose query is a bare number
// (`6 2019`) searches for that number, and a line with anything else in it is
// left as written (`3 NOT review[pt]` searches for the word 3; write `#3`).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace litrev {

struct StrategyLine {
  int number = 0;        // the line's number as written (#3 -> 3)
  std::string query;     // the query text, references as "#n" (Ovid forms rewritten)
  std::size_t line = 0;  // 1-based line in the file
};

// Reads a strategy (`text`, UTF-8; LF or CRLF line ends), returning its
// numbered lines in file order. Throws DataError naming `file_name` and the
// 1-based line for: a line that does not start with a number, a number with
// no query after it, a number that does not increase on the one above it
// (repeated or going down), a reference (`#n`, or a bare number in an Ovid
// line) to a line that is not above it, and a strategy with no numbered
// lines at all (line 0). Checks only the numbering: the queries themselves
// are checked when run.
std::vector<StrategyLine> parse_strategy(const std::string& text, const std::string& file_name);

} // namespace litrev
