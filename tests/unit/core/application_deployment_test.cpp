#include <catch2/catch.hpp>

#include "agent/core/application_deployment.hpp"
#include "agent/core/yaml_to_json.hpp"

using namespace margo;

namespace {

const char* const kHelmDeployment = R"(apiVersion: application.margo.org/v1alpha1
kind: ApplicationDeployment
id: 5f0c2b7e-1d3a-4c9e-9b8a-0e6f4d2a7c31
metadata:
  name: acme-line-monitor-deploy
  namespace: line-monitoring
spec:
  applicationId: acme-line-monitor
  deploymentProfile:
    type: helm
    components:
      - name: monitor-db
        properties:
          repository: oci://registry.acme.example/charts/monitor-db
          revision: 4.1.0
          timeout: 5m0s
          wait: true
      - name: monitor-ui
        properties:
          repository: oci://registry.acme.example/charts/monitor-ui
          revision: 2.0.3
    x-acme-extensions: {tier: gold}
  parameters:
    retentionDays:
      value: "30"
      targets:
        - pointer: storage.retention.days
          components: [monitor-db]
    siteName:
      value: Plant-7
      targets:
        - pointer: global.siteName
          components: [monitor-db, monitor-ui]
)";

const char* const kId = "5f0c2b7e-1d3a-4c9e-9b8a-0e6f4d2a7c31";

std::string error_of(const std::string& yaml, const std::string& id = "d1") {
  auto parsed = parse_application_deployment(yaml, id);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error().message;
}

}  // namespace

TEST_CASE("the spec's helm example: components in order, properties typed, parameters per component") {
  auto parsed = parse_application_deployment(kHelmDeployment, kId);
  REQUIRE(parsed.ok());
  CHECK(parsed->id == kId);
  CHECK(parsed->name == "acme-line-monitor-deploy");
  CHECK(parsed->namespace_name == "line-monitoring");
  CHECK(parsed->profile_type == "helm");
  REQUIRE(parsed->components.size() == 2);
  CHECK(parsed->components[0].name == "monitor-db");
  CHECK(parsed->components[1].name == "monitor-ui");
  CHECK(parsed->components[0].properties["revision"] == "4.1.0");
  CHECK(parsed->components[0].properties["wait"] == true);

  const auto db = component_parameters(*parsed, "monitor-db");
  REQUIRE(db.size() == 2);
  CHECK(db[0].pointer == "storage.retention.days");
  CHECK(db[0].value == "30");  // quoted in the YAML: stays a string
  CHECK(db[1].pointer == "global.siteName");
  const auto ui = component_parameters(*parsed, "monitor-ui");
  REQUIRE(ui.size() == 1);
  CHECK(ui[0].value == "Plant-7");
}

TEST_CASE("the older shape: id in metadata.annotations, type helm.v3, no parameters, a short id") {
  auto parsed = parse_application_deployment(R"(apiVersion: application.margo.org/v1alpha1
kind: ApplicationDeployment
metadata:
  name: n
  annotations:
    id: a1
    applicationId: app
spec:
  deploymentProfile:
    type: helm.v3
    components:
      - name: c
        properties: {repository: oci://r/c}
)",
                                             "a1");
  REQUIRE(parsed.ok());
  CHECK(parsed->profile_type == "helm");
  CHECK(parsed->parameters.empty());
  CHECK(component_parameters(*parsed, "c").empty());
}

TEST_CASE("a compose deployment without apiVersion and kind (rc.3 shape) and with unknown keys") {
  auto parsed = parse_application_deployment(R"(id: d1
metadata: {name: stack}
spec:
  x-vendor-extensions: {anything: [1, 2]}
  deploymentProfile:
    type: compose
    x-other-extensions: {}
    components:
      - name: web
        x-c-extensions: {a: b}
        properties: {packageLocation: "https://example.test/stack.tar.gz", wait: "true"}
  parameters:
    port: {value: 8080, targets: [{pointer: WEB_PORT, components: [web]}]}
futureField: whatever
)",
                                             "d1");
  REQUIRE(parsed.ok());
  CHECK(parsed->profile_type == "compose");
  CHECK(parsed->namespace_name.empty());
  const auto values = component_parameters(*parsed, "web");
  REQUIRE(values.size() == 1);
  CHECK(values[0].pointer == "WEB_PORT");
  CHECK(values[0].value == 8080);
}

TEST_CASE("what the agent needs is checked, naming the field") {
  const std::string good_profile =
      "spec:\n  deploymentProfile:\n    type: compose\n    components: [{name: a}]\n";
  CHECK_THAT(error_of("metadata: {name: n}\n" + good_profile), Catch::Contains("id: missing"));
  CHECK_THAT(error_of("id: other\nmetadata: {name: n}\n" + good_profile),
             Catch::Contains("not the deploymentId 'd1'"));
  CHECK_THAT(error_of("id: d1\nmetadata: {name: n, annotations: {id: d2}}\n" + good_profile),
             Catch::Contains("disagree"));
  CHECK_THAT(error_of("id: d1\n" + good_profile), Catch::Contains("metadata.name"));
  CHECK_THAT(error_of("id: d1\nkind: Pod\nmetadata: {name: n}\n" + good_profile), Catch::Contains("kind"));
  CHECK_THAT(error_of("id: d1\nmetadata: {name: n}\nspec:\n  deploymentProfile:\n    type: wasm\n    "
                      "components: [{name: a}]\n"),
             Catch::Contains("not helm, helm.v3 or compose"));
  CHECK_THAT(
      error_of(
          "id: d1\nmetadata: {name: n}\nspec:\n  deploymentProfile:\n    type: helm\n    components: []\n"),
      Catch::Contains("components: missing or empty"));
  CHECK_THAT(error_of("id: d1\nmetadata: {name: n}\nspec:\n  deploymentProfile:\n    type: helm\n    "
                      "components: [{name: a}, {name: a}]\n"),
             Catch::Contains("listed twice"));
  CHECK_THAT(error_of("id: d1\nmetadata: {name: n}\nspec:\n  deploymentProfile:\n    type: helm\n    "
                      "components: [{name: ../x}]\n"),
             Catch::Contains("components[0].name"));
  CHECK_THAT(error_of("id: d1\nmetadata: {name: n}\n" + good_profile +
                      "  parameters:\n    p: {value: 1, targets: [{pointer: X, components: [ghost]}]}\n"),
             Catch::Contains("'ghost', which the deployment profile does not have"));
  CHECK_THAT(
      error_of("id: d1\nmetadata: {name: n}\n" + good_profile + "  parameters:\n    p: {targets: []}\n"),
      Catch::Contains("p.value: missing"));
  CHECK_THAT(error_of("id: [unclosed\n"), Catch::Contains("syntax error at line"));
  CHECK_THAT(error_of("- a list\n"), Catch::Contains("not a mapping"));
}

TEST_CASE("YAML bombs are refused: alias expansion and deep nesting") {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'j'; ++level) {
    const char previous = static_cast<char>(level - 1);
    bomb += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + previous;
    bomb += "]\n";
  }
  auto expanded = parse_yaml_as_json(bomb);
  REQUIRE_FALSE(expanded.ok());
  CHECK_THAT(expanded.error().message, Catch::Contains("nodes"));

  auto deep = parse_yaml_as_json(std::string(10000, '[') + std::string(10000, ']'));
  REQUIRE_FALSE(deep.ok());
}

TEST_CASE("plain scalars are typed as YAML 1.2 core schema; quoted ones stay strings") {
  auto parsed = parse_yaml_as_json(
      "a: 1\nb: '1'\nc: true\nd: 'true'\ne: 1.5\nf: ~\ng: text\nh: -3\ni: \"\"\nj: 0x10\nk: .inf\n");
  REQUIRE(parsed.ok());
  CHECK((*parsed)["a"] == 1);
  CHECK((*parsed)["b"] == "1");
  CHECK((*parsed)["c"] == true);
  CHECK((*parsed)["d"] == "true");
  CHECK((*parsed)["e"] == 1.5);
  CHECK((*parsed)["f"].is_null());
  CHECK((*parsed)["g"] == "text");
  CHECK((*parsed)["h"] == -3);
  CHECK((*parsed)["i"] == "");
  CHECK((*parsed)["j"] == "0x10");
  CHECK((*parsed)["k"] == ".inf");
}
