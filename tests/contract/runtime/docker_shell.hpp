#pragma once
// Shell helpers for the tests that run on the real Docker engine: the runtime contract's ComposeDriver
// and the compose integration tests. They look at and clean up behind the runtime, by project label.

#include <string>
#include <utility>

namespace margo::test {

// A shell command with the test's environment: whether it exited 0, and its stdout (stderr dropped).
std::pair<bool, std::string> shell(const std::string& command);
// Without leading and trailing blanks and line ends.
std::string trim(std::string text);
// The docker CLI filter for what a compose project made.
std::string label_filter(const std::string& project);
// Removes the containers (with their anonymous volumes), networks and named volumes of a project.
void remove_project_leftovers(const std::string& project);

}  // namespace margo::test
