// Values built from parameters: nested dot paths, escapes, list indices, types kept, conflicts refused.

#include <catch2/catch.hpp>

#include "agent/runtime/helm/helm_values.hpp"

using namespace margo;
using nlohmann::json;

namespace {

json build(std::vector<ParameterValue> parameters) {
  auto values = build_helm_values(parameters);
  if (!values) FAIL(values.error().message);
  return *values;
}

Error build_error(std::vector<ParameterValue> parameters) {
  auto values = build_helm_values(parameters);
  REQUIRE_FALSE(values.ok());
  CHECK(values.error().code == "component.invalid_parameter");
  CHECK(values.error().error_class == ErrorClass::permanent);
  return values.error();
}

}  // namespace

TEST_CASE("dot paths become nested values, and parameters sharing a prefix merge") {
  const json values = build({{"storage.retention.days", "30"},
                             {"storage.retention.mode", "rolling"},
                             {"global.siteName", "Plant-7"},
                             {"replicas", 2}});
  CHECK(values == json::parse(R"({"storage": {"retention": {"days": "30", "mode": "rolling"}},
                                  "global": {"siteName": "Plant-7"}, "replicas": 2})"));
}

TEST_CASE("values keep the JSON type they arrived with") {
  const json values = build({{"asString", "4"},
                             {"asNumber", 4},
                             {"asDouble", 2.5},
                             {"asBool", true},
                             {"boolString", "true"},
                             {"list", json::array({"a", "b"})},
                             {"nothing", nullptr}});
  CHECK(values["asString"].is_string());
  CHECK(values["asNumber"].is_number_integer());
  CHECK(values["asDouble"] == 2.5);
  CHECK(values["asBool"].is_boolean());
  CHECK(values["boolString"] == "true");  // no guessing: "true" stays a string
  CHECK(values["list"] == json::array({"a", "b"}));
  CHECK(values["nothing"].is_null());
}

TEST_CASE("a backslash escapes dots, brackets and backslashes in keys") {
  const json values = build({{R"(podAnnotations.prometheus\.io/scrape)", "true"},
                             {R"(odd.back\\slash)", 1},
                             {R"(odd.\[bracket\])", 2}});
  CHECK(values["podAnnotations"]["prometheus.io/scrape"] == "true");
  CHECK(values["odd"]["back\\slash"] == 1);
  CHECK(values["odd"]["[bracket]"] == 2);
}

TEST_CASE("list indices write into lists, padding with null as helm --set does") {
  const json values =
      build({{"hosts[1].name", "b.example"}, {"hosts[0].name", "a.example"}, {"matrix[0][2]", 9}});
  CHECK(values["hosts"] == json::parse(R"([{"name": "a.example"}, {"name": "b.example"}])"));
  CHECK(values["matrix"] == json::parse("[[null, null, 9]]"));
}

TEST_CASE("a value and nested values at the same path conflict, whatever the order") {
  SECTION("value first") {
    const Error error = build_error({{"a", 1}, {"a.b", 2}});
    CHECK(error.message.find("\"a.b\"") != std::string::npos);
    CHECK(error.message.find("\"a\"") != std::string::npos);
  }
  SECTION("nested first") {
    const Error error = build_error({{"a.b", 2}, {"a", 1}});
    CHECK(error.message.find("\"a\"") != std::string::npos);
  }
  SECTION("deeper") {
    build_error({{"a.b.c", 1}, {"a.b.c.d", 2}});
  }
  SECTION("a list where a map is") {
    build_error({{"a.b", 1}, {"a[0]", 2}});
  }
  SECTION("a map where a list is") {
    build_error({{"a[0]", 1}, {"a.b", 2}});
  }
  SECTION("an object value is a value too") {
    build_error({{"a", json{{"x", 1}}}, {"a.y", 2}});
  }
}

TEST_CASE("the same path twice is fine with the same value and an error with another") {
  CHECK(build({{"a.b", "x"}, {"a.b", "x"}}) == json::parse(R"({"a": {"b": "x"}})"));
  const Error error = build_error({{"a.b", "x"}, {"a.b", "y"}});
  CHECK(error.message.find("\"x\"") != std::string::npos);
  CHECK(error.message.find("\"y\"") != std::string::npos);
}

TEST_CASE("malformed pointers are refused with the pointer named") {
  const char* bad[] = {"", ".a", "a.", "a..b", "[0]", "a[", "a[x]", "a[-1]", "a[1024]", "a[0]b", "a]", "a\\"};
  for (const char* pointer : bad) {
    INFO(pointer);
    const Error error = build_error({{pointer, 1}});
    CHECK(error.message.find(std::string("\"") + pointer + "\"") != std::string::npos);
  }
  CHECK(parse_values_path("a[1023]").ok());
}

TEST_CASE("no parameters give empty values, written as a JSON object") {
  const json values = build({});
  CHECK(values == json::object());
  auto text = values_file_text(values);
  REQUIRE(text.ok());
  CHECK(json::parse(*text) == json::object());
}

TEST_CASE("a string that is not UTF-8 is an error, not an exception") {
  const json values = build({{"bad", std::string("\xff\xfe")}});
  const auto text = values_file_text(values);
  REQUIRE_FALSE(text.ok());
  CHECK(text.error().code == "component.invalid_parameter");
}
