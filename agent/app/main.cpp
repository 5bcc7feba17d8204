// margo-agent: the Margo device agent.

#include <malloc.h>

#include <string>
#include <vector>

#include "agent/app/command_line.hpp"

int main(int argc, char** argv) {
  // One malloc arena: the agent's few threads allocate little, and every extra arena costs resident memory.
  mallopt(M_ARENA_MAX, 1);
  std::vector<std::string> arguments(argv + 1, argv + argc);
  return margo::run_command_line(arguments);
}
