#include "tests/contract/runtime/docker_shell.hpp"

#include <stdio.h>

namespace margo::test {

std::pair<bool, std::string> shell(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return {false, ""};
  char buffer[4096];
  for (std::size_t count; (count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    output.append(buffer, count);
  return {::pclose(pipe) == 0, output};
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
  while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.erase(text.begin());
  return text;
}

std::string label_filter(const std::string& project) {
  return "--filter label=com.docker.compose.project=" + project;
}

void remove_project_leftovers(const std::string& project) {
  const std::string filter = label_filter(project);
  shell("ids=$(docker ps -aq " + filter + "); [ -z \"$ids\" ] || docker rm -f -v $ids >/dev/null");
  shell("ids=$(docker network ls -q " + filter + "); [ -z \"$ids\" ] || docker network rm $ids >/dev/null");
  shell("ids=$(docker volume ls -q " + filter + "); [ -z \"$ids\" ] || docker volume rm $ids >/dev/null");
}

}  // namespace margo::test
