#include <litrev/error.hpp>

namespace litrev {

namespace {
std::string data_message(const std::string& file, unsigned long line, const std::string& problem) {
  std::string where = file;
  if (line > 0) {
    where += ":" + std::to_string(line);
  }
  return where.empty() ? problem : where + ": " + problem;
}
} // namespace

DataError::DataError(std::string file, unsigned long line, const std::string& problem)
  : Error(data_message(file, line, problem), k_exit_data),
    m_file(std::move(file)),
    m_line(line),
    m_problem(problem) {}

} // namespace litrev
