// Release names: valid for helm whatever the input, readable, and unique per (deployment, component).

#include <catch2/catch.hpp>

#include <set>

#include "agent/runtime/helm/release_name.hpp"

using namespace margo;

namespace {

// Stricter than helm's rule: what we promise (starts with a letter, no dots).
bool is_our_kind_of_name(const std::string& name) {
  if (name.empty() || name.size() > 53 || !(name.front() >= 'a' && name.front() <= 'z')) return false;
  if (name.back() == '-') return false;
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return is_valid_release_name(name);
}

}  // namespace

TEST_CASE("a release name reads as deployment name, component name and a hash") {
  const std::string name =
      helm_release_name("5f0c2b7e-1d3a-4c9e-9b8a-0e6f4d2a7c31", "acme-line-monitor", "monitor-db");
  CHECK(name.rfind("acme-line-monitor-monitor-db-", 0) == 0);
  CHECK(name.size() == std::string("acme-line-monitor-monitor-db-").size() + 8);
  CHECK(is_our_kind_of_name(name));
  // Asked twice, the same answer: the engine may ask again after a restart.
  CHECK(name == helm_release_name("5f0c2b7e-1d3a-4c9e-9b8a-0e6f4d2a7c31", "acme-line-monitor", "monitor-db"));
}

TEST_CASE("two deployments with the same names get different releases") {
  const std::string first = helm_release_name("id-1", "shop", "web");
  const std::string second = helm_release_name("id-2", "shop", "web");
  CHECK(first != second);
  // Moving a character between id and component name changes the hash too.
  CHECK(helm_release_name("ab", "x", "c") != helm_release_name("a", "x", "bc"));
}

TEST_CASE("odd, empty and hostile names still give a valid release name") {
  const std::string ids[] = {"", "x", "5f0c2b7e-1d3a-4c9e-9b8a-0e6f4d2a7c31", std::string(500, 'z')};
  const std::string names[] = {"",
                               "-",
                               "123",
                               "UPPER_case.name",
                               "--leading-and-trailing--",
                               "ünïcödé",
                               std::string(200, 'a'),
                               "a",
                               "9lives",
                               std::string("nul\0byte", 8),
                               "../../etc/passwd"};
  for (const auto& deployment : names) {
    std::set<std::string> seen;
    for (const auto& id : ids)
      for (const auto& component : names) {
        const std::string name = helm_release_name(id, deployment, component);
        INFO("id=" << id << " deployment=" << deployment << " component=" << component << " -> " << name);
        CHECK(is_our_kind_of_name(name));
        seen.insert(name);
      }
    // Every (deployment id, component) pair has its own release (a 32-bit hash; no collisions here).
    CHECK(seen.size() == std::size(ids) * std::size(names));
  }
}

TEST_CASE("names with nothing usable fall back to margo-<hash>") {
  const std::string name = helm_release_name("id", "123-456", "---");
  CHECK(name.rfind("margo-", 0) == 0);
  CHECK(name.size() == 6 + 8);
}

TEST_CASE("long names are cut to 53 characters and keep the component visible") {
  const std::string name = helm_release_name("id", std::string(80, 'd'), "monitoring-database");
  CHECK(name.size() <= 53);
  CHECK(name.find("monitoring-database") != std::string::npos);
  CHECK(is_our_kind_of_name(name));
}

TEST_CASE("release and namespace names are checked against Kubernetes' rules") {
  CHECK(is_valid_release_name("web"));
  CHECK(is_valid_release_name("web.v2"));
  CHECK(is_valid_release_name(std::string(53, 'a')));
  CHECK_FALSE(is_valid_release_name(std::string(54, 'a')));
  CHECK_FALSE(is_valid_release_name(""));
  CHECK_FALSE(is_valid_release_name("Web"));
  CHECK_FALSE(is_valid_release_name("-web"));
  CHECK_FALSE(is_valid_release_name("web-"));
  CHECK_FALSE(is_valid_release_name("web..x"));
  CHECK_FALSE(is_valid_release_name("--kubeconfig"));
  CHECK(is_valid_namespace_name("line-monitoring"));
  CHECK(is_valid_namespace_name(std::string(63, 'n')));
  CHECK_FALSE(is_valid_namespace_name(std::string(64, 'n')));
  CHECK_FALSE(is_valid_namespace_name("a.b"));
  CHECK_FALSE(is_valid_namespace_name("-n"));
  CHECK_FALSE(is_valid_namespace_name(""));
}
