#include <catch2/catch.hpp>

#include <set>

#include "agent/runtime/compose/project_name.hpp"

using namespace margo;

TEST_CASE("project names read like the deployment and component and carry a hash", "[compose][name]") {
  const std::string name =
      make_project_name("5f0c2b7e-1d3a-4c9e-9b8a-0e6f4d2a7c31", "acme-line-monitor", "monitor-db");
  CHECK_THAT(name, Catch::StartsWith("acme-line-monitor-monitor-db-"));
  CHECK(name.size() == std::string("acme-line-monitor-monitor-db-").size() + 10);
  CHECK(is_valid_project_name(name));
  // The same inputs always give the same name.
  CHECK(make_project_name("5f0c2b7e-1d3a-4c9e-9b8a-0e6f4d2a7c31", "acme-line-monitor", "monitor-db") == name);
}

TEST_CASE("two deployments with the same names get different projects", "[compose][name]") {
  const auto a = make_project_name("id-a", "shop", "web");
  const auto b = make_project_name("id-b", "shop", "web");
  CHECK(a != b);
  // The separator between id and component matters: ("ab","c") is not ("a","bc").
  CHECK(make_project_name("ab", "", "c") != make_project_name("a", "", "bc"));
  std::set<std::string> names;
  for (int i = 0; i < 1000; ++i)
    names.insert(make_project_name("deployment-" + std::to_string(i), "same", "same"));
  CHECK(names.size() == 1000);
}

TEST_CASE("odd, empty and hostile names still give a valid project name", "[compose][name]") {
  const std::vector<std::array<std::string, 3>> inputs = {
      {"", "", ""},
      {"x", "", ""},
      {"", "___", "---"},
      {"id", "My App!", "Web Server (v2)"},
      {"id", "../../etc", "$(rm -rf /)"},
      {"id", std::string(500, 'A'), std::string(500, 'b')},
      {std::string("\0\xff\n", 3), "\xc3\xa9t\xc3\xa9", "_leading"},
      {"id", "-dash", "UPPER_case"},
  };
  for (const auto& [id, deployment, component] : inputs) {
    const std::string name = make_project_name(id, deployment, component);
    INFO(name);
    CHECK(is_valid_project_name(name));
    CHECK(name.size() <= 63);
  }
  CHECK_THAT(make_project_name("id", "My App!", "Web Server (v2)"),
             Catch::StartsWith("my-app-web-server-v2-"));
  CHECK_THAT(make_project_name("id", "-dash", "UPPER_case"), Catch::StartsWith("dash-upper_case-"));
}

TEST_CASE("only names the runtime could have made are accepted back", "[compose][name]") {
  CHECK(is_valid_project_name("shop-web-0123456789"));
  CHECK(is_valid_project_name("0abc"));
  CHECK_FALSE(is_valid_project_name(""));
  CHECK_FALSE(is_valid_project_name("-abc"));
  CHECK_FALSE(is_valid_project_name("_abc"));
  CHECK_FALSE(is_valid_project_name("Abc"));
  CHECK_FALSE(is_valid_project_name("a/b"));
  CHECK_FALSE(is_valid_project_name(".."));
  CHECK_FALSE(is_valid_project_name("a b"));
  CHECK_FALSE(is_valid_project_name(std::string(64, 'a')));
}
