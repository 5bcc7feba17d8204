// margo-agent: the Margo device agent.

#include <malloc.h>
#include <signal.h>

#include <string>
#include <vector>

#include "agent/app/command_line.hpp"

int main(int argc, char** argv) {
  // One malloc arena: the agent's few threads allocate little, and every extra arena costs resident memory.
  mallopt(M_ARENA_MAX, 1);
  // A closed stderr pipe or a peer that hung up must give EPIPE, not kill the agent.
  signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> arguments(argv + 1, argv + argc);
  return margo::run_command_line(arguments);
}
