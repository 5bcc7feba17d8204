// authHelper (OAuth2 client credentials): required keys, where the secret may come from, and that the
// secret never shows in a message or in the config's text form.

#include <catch2/catch.hpp>

#include "tests/unit/app_config/config_test_support.hpp"

using namespace margo;
using namespace margo::test;

namespace {

constexpr std::string_view disabled = "    authHelper:\n      enabled: false\n";
constexpr std::string_view secret_value = "s3cr3t-VALUE-do-not-print";

std::string with_auth(std::string_view block) {
  return replaced(valid_config(), disabled, block);
}

std::string inline_secret_block() {
  return "    authHelper:\n      enabled: true\n      tokenUrl: https://auth.example.com/token\n"
         "      clientId: device-7\n      scope: margo\n      clientSecret: \"" +
         std::string(secret_value) + "\"\n";
}

void require_secret_not_shown(const ConfigLoad& load) {
  for (const auto& list : {load.problems, load.warnings}) {
    for (const auto& problem : list) CHECK(problem.to_string().find(secret_value) == std::string::npos);
  }
  if (load.config) CHECK(to_string(*load.config).find(secret_value) == std::string::npos);
}

}  // namespace

TEST_CASE("authHelper with an inline secret in a private config file") {
  const ConfigFixture fixture;
  const ConfigLoad load = fixture.load(with_auth(inline_secret_block()), false);
  INFO(describe(load));
  REQUIRE(load.config);
  const AuthHelperConfig& auth = load.config->wfm.auth_helper;
  CHECK(auth.enabled);
  CHECK(auth.token_url == "https://auth.example.com/token");
  CHECK(auth.client_id == "device-7");
  CHECK(auth.scope == "margo");
  CHECK(auth.client_secret.reveal() == secret_value);
  CHECK(auth.client_secret_path.empty());
  const std::string text = to_string(*load.config);
  CHECK(text.find("clientSecret: <redacted>") != std::string::npos);
  require_secret_not_shown(load);
}

TEST_CASE("an inline secret in a config file that others can read is refused") {
  const ConfigFixture fixture;
  const ConfigLoad load = fixture.load(with_auth(inline_secret_block()), true);
  CHECK_FALSE(load.config);
  CHECK(has_problem(load, "wfm.clientPlugins.authHelper.clientSecret", "group and others cannot read"));
  require_secret_not_shown(load);
}

TEST_CASE("load_config_file checks the config file's own permissions for an inline secret") {
  const ConfigFixture fixture;
  const std::string yaml = with_auth(inline_secret_block());
  const WorkingDirectory inside(fixture.dir().path());
  const ConfigLoad open_file = load_config_file(fixture.dir().write("open.yaml", yaml, 0644));
  CHECK(has_problem(open_file, "wfm.clientPlugins.authHelper.clientSecret", "group and others cannot read"));
  require_secret_not_shown(open_file);
  const ConfigLoad private_file = load_config_file(fixture.dir().write("private.yaml", yaml, 0600));
  INFO(describe(private_file));
  CHECK(private_file.config);
}

TEST_CASE("authHelper with a secret file") {
  const ConfigFixture fixture;
  const std::string block = R"(    authHelper:
      enabled: true
      tokenUrl: https://auth.example.com/token
      clientId: device-7
      clientSecretRef:
        path: ./client-secret
)";
  SECTION("private: the secret is read, without its final newline") {
    fixture.dir().write("client-secret", std::string(secret_value) + "\n", 0600);
    const ConfigLoad load = fixture.load(with_auth(block), true);
    INFO(describe(load));
    REQUIRE(load.config);
    CHECK(load.config->wfm.auth_helper.client_secret.reveal() == secret_value);
    CHECK(load.config->wfm.auth_helper.client_secret_path == fixture.dir().path() + "/client-secret");
    require_secret_not_shown(load);
  }
  SECTION("readable by others: refused") {
    fixture.dir().write("client-secret", secret_value, 0640);
    const ConfigLoad load = fixture.load(with_auth(block));
    CHECK(has_problem(load, "wfm.clientPlugins.authHelper.clientSecretRef.path",
                      "must not be readable by group or others"));
    require_secret_not_shown(load);
  }
  SECTION("missing") {
    const ConfigLoad load = fixture.load(with_auth(block));
    CHECK(has_problem(load, "wfm.clientPlugins.authHelper.clientSecretRef.path", "file not found"));
  }
  SECTION("empty") {
    fixture.dir().write("client-secret", "\n", 0600);
    const ConfigLoad load = fixture.load(with_auth(block));
    CHECK(has_problem(load, "wfm.clientPlugins.authHelper.clientSecretRef.path", "the secret file is empty"));
  }
}

TEST_CASE("authHelper enabled: missing and conflicting keys") {
  const ConfigFixture fixture;
  SECTION("nothing but enabled") {
    const ConfigLoad load = fixture.load(with_auth("    authHelper:\n      enabled: true\n"));
    CHECK(
        has_problem(load, "wfm.clientPlugins.authHelper.tokenUrl", "is required when authHelper is enabled"));
    CHECK(
        has_problem(load, "wfm.clientPlugins.authHelper.clientId", "is required when authHelper is enabled"));
    CHECK(has_problem(load, "wfm.clientPlugins.authHelper.clientSecret",
                      "clientSecret or clientSecretRef.path"));
  }
  SECTION("both an inline secret and a secret file") {
    fixture.dir().write("client-secret", "x", 0600);
    const ConfigLoad load = fixture.load(
        with_auth(inline_secret_block() + "      clientSecretRef:\n        path: ./client-secret\n"));
    CHECK(has_problem(load, "wfm.clientPlugins.authHelper.clientSecret", "not both"));
    require_secret_not_shown(load);
  }
  SECTION("an http token URL") {
    const ConfigLoad load =
        fixture.load(with_auth(replaced(inline_secret_block(), "https://auth", "http://auth")));
    CHECK(has_problem(load, "wfm.clientPlugins.authHelper.tokenUrl", "http:// is refused"));
    require_secret_not_shown(load);
  }
}

TEST_CASE("a secret under a wrong or misspelt key is not echoed") {
  const ConfigFixture fixture;
  const std::string base =
      "    authHelper:\n      enabled: true\n      tokenUrl: https://auth.example.com/token\n"
      "      clientId: device-7\n";
  for (const std::string& secret_line : {"      clientSecretRef: " + std::string(secret_value) + "\n",
                                         "      clientSecrett: " + std::string(secret_value) + "\n",
                                         "      clientSecret: [" + std::string(secret_value) + "]\n",
                                         "      clientSecret: {" + std::string(secret_value) + ": x}\n"}) {
    const ConfigLoad load = fixture.load(with_auth(base + secret_line));
    INFO(secret_line << describe(load));
    CHECK_FALSE(load.config);
    require_secret_not_shown(load);
  }
}

TEST_CASE("a disabled authHelper keeps no secret") {
  const ConfigFixture fixture;
  const ConfigLoad load =
      fixture.load(with_auth(replaced(inline_secret_block(), "enabled: true", "enabled: false")));
  INFO(describe(load));
  REQUIRE(load.config);
  CHECK(load.config->wfm.auth_helper.client_secret.empty());
}
