#include "agent/app/config/config_problem.hpp"

namespace margo {

std::string ConfigProblem::to_string() const {
  std::string text = file;
  if (line > 0) {
    text += ":" + std::to_string(line);
    if (column > 0) text += ":" + std::to_string(column);
  }
  text += ": ";
  if (!key.empty()) text += key + ": ";
  text += reason;
  return text;
}

}  // namespace margo
