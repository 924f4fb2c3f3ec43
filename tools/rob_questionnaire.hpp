// The interactive risk-of-bias questionnaire of `litrev rob assess` (without
// --answers): one assessor, one tool, one study and result, asked line by
// line on a terminal or from a pipe.
//
// It asks the signalling questions that apply given the answers so far
// (litrev/rob.hpp applicable_questions), shows each domain's judgement by the
// tool's algorithm with the rule that produced it, lets the assessor override
// it with a justification, asks the assessor's own level where the tool has
// no algorithm, and ends with the overall judgement. Every answer, note,
// override and undo is recorded at once as a whole snapshot (record_rob), so
// quitting, end of input or a crash loses nothing, and running it again
// resumes from the assessor's standing assessment.
#pragma once

#include <iosfwd>
#include <string>

#include <litrev/review.hpp>

namespace litrev::cli {

struct QuestionnaireTarget {
  std::string tool;   // as given on the command line ("rob2" or a tool id)
  std::string study;  // the study's label
  std::string result; // the result assessed (RoB 2); may be empty
  std::string record; // the key of the study's main report; may be empty
};

// Runs the questionnaire for `reviewer` on `in`/`out` (line-based: works on a
// terminal and on a pipe; when `in` is not a terminal the lines read are
// echoed, so a transcript reads as a dialogue). Resumes from the reviewer's
// standing assessment of the same tool, study and result. Saves a snapshot
// (record_rob) after every answer, note, override or undo. End of input
// behaves like `quit`. Returns the exit code (0). Throws UsageError before
// asking anything when the reviewer, tool, study or record is not valid for
// the review; IoError when the ledger cannot be written.
int run_rob_questionnaire(const Review& review, const std::string& reviewer, const QuestionnaireTarget& target,
                          std::istream& in, std::ostream& out);

} // namespace litrev::cli
