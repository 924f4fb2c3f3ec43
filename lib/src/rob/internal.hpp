// What the parts of the rob module share: the built-in domain algorithms
// (flowcharts.cpp), called by the loader (tools.cpp) to check a definition
// and by domain_judgement (judgement.cpp) to judge.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <litrev/rob.hpp>

namespace litrev::rob_detail {

// The question ids (as the algorithm names them) that `algorithm` reads, or
// null when no algorithm has that name.
const std::vector<std::string>* algorithm_questions(std::string_view algorithm);

// The answer to the algorithm's question `id`: NA when it is not asked.
using AnswerOf = std::function<RobAnswer(std::string_view id)>;

// Runs `algorithm` (known to algorithm_questions) on complete answers. The
// result is judged, with level "low", "some_concerns" or "high", the rule and
// the path read. `rename` maps the algorithm's question ids to the domain's,
// for the path.
RobJudgement run_algorithm(std::string_view algorithm, const AnswerOf& answer,
                           const std::function<std::string(std::string_view)>& rename);

// Lowercase ASCII, every other character that is not a letter or digit a
// single space, trimmed: how spellings of answers and levels are compared.
std::string normalize_spelling(std::string_view text);

} // namespace litrev::rob_detail
