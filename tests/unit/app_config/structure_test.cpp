// Problems about the document's shape: unknown and duplicate keys with their positions, several
// problems in one pass, syntax errors, files that are not there, and how relative paths resolve.

#include <catch2/catch.hpp>

#include "tests/unit/app_config/config_test_support.hpp"

using namespace margo;
using namespace margo::test;

TEST_CASE("problem text: file, line, column, key, reason") {
  CHECK(ConfigProblem{"config.yaml", 12, 5, "wfm.sbiUrl", "must be an https:// URL"}.to_string() ==
        "config.yaml:12:5: wfm.sbiUrl: must be an https:// URL");
  CHECK(ConfigProblem{"config.yaml", 3, 1, "", "unknown key 'x'"}.to_string() ==
        "config.yaml:3:1: unknown key 'x'");
  CHECK(ConfigProblem{"/etc/margo/config.yaml", 0, 0, "", "file not found"}.to_string() ==
        "/etc/margo/config.yaml: file not found");
}

TEST_CASE("unknown keys are reported at their position, with a suggestion") {
  const ConfigFixture fixture;
  const ConfigLoad load = fixture.load(replaced(valid_config(), "  interval: 15\n", "  intervall: 15\n"));
  REQUIRE(load.problems.size() == 1);
  CHECK(load.problems[0].to_string() ==
        "config.yaml:27:3: stateSeeking: unknown key 'intervall' (did you mean 'interval'?)");

  const ConfigLoad root = fixture.load(valid_config() + "colour: blue\n");
  REQUIRE(root.problems.size() == 1);
  CHECK(root.problems[0].to_string() == "config.yaml:34:1: unknown key 'colour'");

  const ConfigLoad nested =
      fixture.load(replaced(valid_config(), "      hashAlgo: sha256\n", "      HashAlgo: sha256\n"));
  CHECK(has_problem(nested, "wfm.clientPlugins.requestSigner",
                    "unknown key 'HashAlgo' (did you mean 'hashAlgo'?)"));
}

TEST_CASE("duplicate keys are reported at the repeated key, naming the first") {
  const ConfigFixture fixture;
  const ConfigLoad load =
      fixture.load(replaced(valid_config(), "  level: INFO\n", "  level: INFO\n  level: DEBUG\n"));
  REQUIRE(load.problems.size() == 1);
  CHECK(load.problems[0].to_string() == "config.yaml:3:3: logging: duplicate key 'level' (first at line 2)");
  CHECK_FALSE(load.config);

  const ConfigLoad sections = fixture.load(valid_config() + "stateSeeking:\n  interval: 30\n");
  REQUIRE(sections.problems.size() == 1);
  CHECK(sections.problems[0].line == 34);
  CHECK(sections.problems[0].reason == "duplicate key 'stateSeeking' (first at line 26)");
}

TEST_CASE("every problem is reported in one pass, in line order") {
  const ConfigFixture fixture;
  const std::string yaml = fixture.dir().write(
      "several.yaml", read_file(std::string(MARGO_SOURCE_ROOT) + "/tests/data/config/several-problems.yaml"));
  const WorkingDirectory inside(fixture.dir().path());
  const ConfigLoad load = load_config_file(yaml);
  INFO(describe(load));
  CHECK_FALSE(load.config);
  std::vector<std::string> lines;
  for (const auto& problem : load.problems) lines.push_back(problem.to_string().substr(yaml.size() + 1));
  const std::vector<std::string> expected = {
      "2:10: logging.level: expected one of DEBUG, INFO, WARN, ERROR, FATAL, got 'LOUD'",
      "5:3: database: unknown key 'dataDri' (did you mean 'dataDir'?)",
      "7:17: deviceRootIdentity.identityType: expected PKI or RANDOM, got 'TPM'",
      "9:11: wfm.sbiUrl: http:// is plain, unencrypted HTTP while tlsHelper is enabled: use an https:// URL, "
      "or, for development in a trusted network only, set wfm.clientPlugins.tlsHelper.enabled: false to "
      "allow plain HTTP",
      "13:16: wfm.clientPlugins.requestSigner.enabled: expected a boolean (true or false), got 'yes please'",
      "14:7: wfm.clientPlugins.requestSigner: duplicate key 'enabled' (first at line 13)",
      "15:7: wfm.clientPlugins.requestSigner: unknown key 'signatureAlgorithm' (did you mean "
      "'signatureAlgo'?)",
      "18:15: wfm.clientPlugins.tlsHelper.caKeyRef.path: file not found: " + fixture.dir().path() +
          "/no-ca.pem",
      "20:13: stateSeeking.interval: must be between 100ms and 24h, got '0'",
      "22:11: runtimes[0].type: expected KUBERNETES (or HELM) or DOCKER (or COMPOSE), got 'PODMAN'",
      "23:5: runtimes[0]: unknown key 'podman'",
      "24:5: runtimes[1].docker.url: is required",
      "25:5: runtimes[1].kubernetes: does not belong to a runtime of type DOCKER",
      "27:17: capabilities.readFromFile: file not found: " + fixture.dir().path() + "/caps.json",
  };
  CHECK(lines == expected);
}

TEST_CASE("YAML syntax errors are one problem with their position") {
  const ConfigFixture fixture;
  const ConfigLoad flow = fixture.load("logging:\n  level: [INFO\ndatabase:\n  dataDir: x\n");
  REQUIRE(flow.problems.size() == 1);
  CHECK(flow.problems[0].line > 0);
  CHECK(flow.problems[0].reason.find("YAML syntax error") == 0);

  const ConfigLoad indentation = fixture.load("logging:\n  level: INFO\n    format: json\n");
  REQUIRE(indentation.problems.size() == 1);
  CHECK(indentation.problems[0].to_string() == "config.yaml:3:11: YAML syntax error: illegal map value");

  const ConfigLoad deep = fixture.load(std::string(5000, '['));
  REQUIRE(deep.problems.size() == 1);
  CHECK(deep.problems[0].reason == "YAML nested too deeply");
}

TEST_CASE("a stray comma at the top level is a syntax error, not an endless loop (yaml-cpp 0.7 LoadAll)") {
  const ConfigFixture fixture;
  const ConfigLoad alone = fixture.load(",\n");
  REQUIRE(alone.problems.size() == 1);
  CHECK(alone.problems[0].to_string() == "config.yaml:1:1: YAML syntax error: unexpected ','");
  const ConfigLoad after_list = fixture.load("- a\n,\n");
  REQUIRE(after_list.problems.size() == 1);
  CHECK(after_list.problems[0].to_string() == "config.yaml:2:1: YAML syntax error: unexpected ','");
  const ConfigLoad after_config = fixture.load(valid_config() + ",\n");
  REQUIRE(after_config.problems.size() == 1);
  CHECK(after_config.problems[0].line == 34);
}

TEST_CASE("the document must be one non-empty map") {
  const ConfigFixture fixture;
  CHECK(fixture.load("").problems.at(0).to_string() == "config.yaml: the config is empty");
  CHECK(fixture.load("# only a comment\n").problems.at(0).reason == "the config is empty");
  CHECK(fixture.load("- a\n- b\n").problems.at(0).to_string() ==
        "config.yaml:1:1: expected a map, got a list");
  const ConfigLoad two = fixture.load(valid_config() + "---\nlogging: {}\n");
  REQUIRE(two.problems.size() == 1);
  CHECK(two.problems[0].line == 34);  // the "---"
  CHECK(two.problems[0].reason == "only one YAML document is allowed in a config file");
  const ConfigLoad complex_key = fixture.load(valid_config() + "? [a, b]\n: c\n");
  REQUIRE(complex_key.problems.size() == 1);
  CHECK(complex_key.problems[0].reason == "a key must be a single value, got a list");
}

TEST_CASE("a config file that cannot be read is one problem naming it") {
  const ConfigLoad missing = load_config_file("/nonexistent/margo/config.yaml");
  CHECK_FALSE(missing.config);
  REQUIRE(missing.problems.size() == 1);
  CHECK(missing.problems[0].to_string() ==
        "/nonexistent/margo/config.yaml: file not found: /nonexistent/margo/config.yaml");

  const TempDir dir;
  const ConfigLoad directory = load_config_file(dir.path());
  REQUIRE(directory.problems.size() == 1);
  CHECK(directory.problems[0].reason.find("not a regular file") == 0);
}

TEST_CASE("relative paths resolve against the working directory, absolute ones stay as they are") {
  const ConfigFixture fixture;
  fixture.dir().write("sub/keep", "");
  const std::string yaml = replaced(replaced(valid_config(), "dataDir: ./data", "dataDir: sub/../state//db/"),
                                    "readFromFile: ./capabilities.json",
                                    "readFromFile: " + fixture.dir().path() + "/capabilities.json");
  SECTION("an explicit base directory") {
    const ConfigLoad load = fixture.load(yaml);
    INFO(describe(load));
    REQUIRE(load.config);
    CHECK(load.config->data_dir == fixture.dir().path() + "/state/db");
    CHECK(load.config->capabilities.path == fixture.dir().path() + "/capabilities.json");
  }
  SECTION("parse_config uses the process's working directory") {
    const WorkingDirectory inside(fixture.dir().path() + "/sub");
    const std::string from_sub =
        replaced(replaced(replaced(yaml, "./device.crt", "../device.crt"), "./device.key", "../device.key"),
                 "./ca.crt", "../ca.crt");
    const ConfigLoad load = parse_config(from_sub, "config.yaml");
    INFO(describe(load));
    REQUIRE(load.config);
    CHECK(load.config->identity.certificate_path == fixture.dir().path() + "/device.crt");
    CHECK(load.config->data_dir == fixture.dir().path() + "/sub/state/db");
  }
}
