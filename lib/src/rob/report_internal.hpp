// What the parts of the risk-of-bias reports share (report_table.cpp,
// report_svg.cpp): how robvis names a tool's domain columns.
#pragma once

#include <string>

#include <litrev/rob.hpp>

namespace litrev::rob_report_detail {

// Whether robvis draws `tool` with its Generic template (RoB 1, ROBINS-I V2),
// whose domain captions are the column names.
bool generic_template(const RobTool& tool);

// The column name of `domain` in robvis's input layout for `tool`: "D1".."Dn"
// ("D1", "D1b" for RoB 2 cluster trials), or for a Generic template the
// domain's short name with dots for spaces, as R's read.csv makes it.
std::string robvis_column(const RobTool& tool, const RobDomain& domain);

} // namespace litrev::rob_report_detail
