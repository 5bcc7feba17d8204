// The default data directory: systemd's StateDirectory=, then root's /var/lib, then the XDG places.

#include <catch2/catch.hpp>

#include "agent/app/config/data_directory.hpp"

using namespace margo;

TEST_CASE("the default data directory follows systemd, then root's /var/lib, then XDG") {
  DataDirectoryEnvironment environment;
  environment.working_directory = "/srv/device";
  environment.home = "/home/edge";

  CHECK(default_data_directory(environment) == "/home/edge/.local/state/margo-agent");
  environment.xdg_state_home = "/home/edge/state";
  CHECK(default_data_directory(environment) == "/home/edge/state/margo-agent");
  environment.root = true;
  CHECK(default_data_directory(environment) == "/var/lib/margo-agent");
  environment.state_directory = "/var/lib/margo-agent-2:/var/lib/other";
  CHECK(default_data_directory(environment) == "/var/lib/margo-agent-2");
}

TEST_CASE("relative or empty variables do not count; with no HOME the Go client's ./data is used") {
  DataDirectoryEnvironment environment;
  environment.working_directory = "/srv/device";
  environment.state_directory = "relative/state";
  environment.xdg_state_home = "state";
  environment.home = "";
  CHECK(default_data_directory(environment) == "/srv/device/data");
  environment.working_directory = "/";
  CHECK(default_data_directory(environment) == "/data");
}
