#include <catch2/catch.hpp>

#include "agent/app/config/key_suggestion.hpp"
#include "agent/app/config/value_parsers.hpp"

using namespace margo;
using namespace std::chrono_literals;

TEST_CASE("booleans are true or false in any case, nothing else") {
  CHECK(parse_bool("true").value());
  CHECK(parse_bool("TRUE").value());
  CHECK_FALSE(parse_bool("False").value());
  const auto bad = parse_bool("yes please");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "expected a boolean (true or false), got 'yes please'");
  CHECK_FALSE(parse_bool("1").ok());
  CHECK_FALSE(parse_bool("").ok());
}

TEST_CASE("log levels accept any case and WARNING") {
  CHECK(parse_log_level("DEBUG").value() == LogLevel::debug);
  CHECK(parse_log_level("info").value() == LogLevel::info);
  CHECK(parse_log_level("Warn").value() == LogLevel::warn);
  CHECK(parse_log_level("WARNING").value() == LogLevel::warn);
  CHECK(parse_log_level("error").value() == LogLevel::error);
  CHECK(parse_log_level("FATAL").value() == LogLevel::fatal);
  const auto bad = parse_log_level("verbose");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "expected one of DEBUG, INFO, WARN, ERROR, FATAL, got 'verbose'");
}

TEST_CASE("enumerated values") {
  CHECK(parse_log_format("JSON").value() == LogFormat::json);
  CHECK(parse_log_format("logfmt").value() == LogFormat::logfmt);
  CHECK_FALSE(parse_log_format("text").ok());
  CHECK(parse_identity_type("pki").value() == IdentityType::pki);
  CHECK(parse_identity_type("Random").value() == IdentityType::random);
  CHECK_FALSE(parse_identity_type("TPM").ok());
  CHECK(parse_hash_algorithm("SHA256").value() == "sha256");
  CHECK_FALSE(parse_hash_algorithm("sha512").ok());
  CHECK(parse_signature_format("http-signature").value() == SignatureFormat::http_signature);
  CHECK(parse_signature_format("Structured").value() == SignatureFormat::structured);
  CHECK_FALSE(parse_signature_format("jws").ok());
  CHECK(parse_runtime_type("kubernetes").value() == RuntimeType::kubernetes);
  CHECK(parse_runtime_type("HELM").value() == RuntimeType::kubernetes);
  CHECK(parse_runtime_type("Docker").value() == RuntimeType::docker);
  CHECK(parse_runtime_type("COMPOSE").value() == RuntimeType::docker);
  CHECK_FALSE(parse_runtime_type("podman").ok());
}

TEST_CASE("signature algorithms: short names map to their RFC 9421 names") {
  CHECK(parse_signature_algorithm("rsa").value() == SignatureAlgorithmSetting::rsa_v1_5_sha256);
  CHECK(parse_signature_algorithm("RSA-V1_5-SHA256").value() == SignatureAlgorithmSetting::rsa_v1_5_sha256);
  CHECK(parse_signature_algorithm("rsa-pss").value() == SignatureAlgorithmSetting::rsa_pss_sha512);
  CHECK(parse_signature_algorithm("rsa-pss-sha512").value() == SignatureAlgorithmSetting::rsa_pss_sha512);
  CHECK(parse_signature_algorithm("ecdsa").value() == SignatureAlgorithmSetting::ecdsa_by_key_curve);
  CHECK(parse_signature_algorithm("ecdsa-p256-sha256").value() ==
        SignatureAlgorithmSetting::ecdsa_p256_sha256);
  CHECK(parse_signature_algorithm("ecdsa-p384-sha384").value() ==
        SignatureAlgorithmSetting::ecdsa_p384_sha384);
  CHECK(to_string(SignatureAlgorithmSetting::rsa_pss_sha512) == "rsa-pss-sha512");
  // Not in the RFC 9421 registry.
  CHECK_FALSE(parse_signature_algorithm("rsa-pss-sha256").ok());
  CHECK_FALSE(parse_signature_algorithm("ed25519").ok());
}

TEST_CASE("durations: seconds as numbers, or number-unit sequences") {
  CHECK(parse_duration("15").value() == 15s);
  CHECK(parse_duration("0.1").value() == 100ms);
  CHECK(parse_duration("1.5").value() == 1500ms);
  CHECK(parse_duration("100ms").value() == 100ms);
  CHECK(parse_duration("15s").value() == 15s);
  CHECK(parse_duration("2m").value() == 2min);
  CHECK(parse_duration("1h").value() == 1h);
  CHECK(parse_duration("1m30s").value() == 90s);
  CHECK(parse_duration("0.5s").value() == 500ms);
  for (const char* bad :
       {"", "s", "-5", "15 s", "1d", "1.", ".5", "1e3", "15sec", "ms", "nan", "inf", "1h-1m"}) {
    INFO(bad);
    const auto result = parse_duration(bad);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.find("expected seconds") != std::string::npos);
  }
  CHECK_FALSE(parse_duration("99999999999999999999").ok());
}

TEST_CASE("https URLs: absolute, with a host, no query, fragment or user information") {
  CHECK(parse_https_url("https://symphony.machine:8082/v1alpha2/margo").value() ==
        "https://symphony.machine:8082/v1alpha2/margo");
  CHECK(parse_https_url("HTTPS://WFM.Example.com").value() == "https://wfm.example.com");
  CHECK(parse_https_url("https://[::1]:8443/").value() == "https://[::1]:8443/");
  CHECK(parse_https_url("https://127.0.0.1:8443").value() == "https://127.0.0.1:8443");

  const auto reason = [](const char* url) { return parse_https_url(url).error().message; };
  CHECK(reason("http://wfm.example.com").find("http:// is refused") != std::string::npos);
  CHECK(reason("ftp://wfm.example.com").find("must be an https:// URL") != std::string::npos);
  CHECK(reason("wfm.example.com").find("not an absolute URL") != std::string::npos);
  CHECK(reason("https://").find("with a host") != std::string::npos);
  CHECK(reason("https:///path").find("with a host") != std::string::npos);
  CHECK(reason("https://wfm.example.com/a?b=c").find("query or fragment") != std::string::npos);
  CHECK(reason("https://wfm.example.com/#top").find("query or fragment") != std::string::npos);
  CHECK(reason("https://user:pw@wfm.example.com").find("user information") != std::string::npos);
  CHECK(reason("https://wfm.example.com:0").find("invalid port") != std::string::npos);
  CHECK(reason("https://wfm.example.com:70000").find("invalid port") != std::string::npos);
  CHECK(reason("https://wfm.example.com:").find("empty port") != std::string::npos);
  CHECK(reason("https://wfm example.com").find("spaces") != std::string::npos);
  CHECK(reason("https://[::1").find("IPv6") != std::string::npos);
  CHECK(reason("").find("must not be empty") != std::string::npos);
}

TEST_CASE("Docker engine URLs") {
  CHECK(parse_docker_url("unix:///var/run/docker.sock").value() == "unix:///var/run/docker.sock");
  CHECK(parse_docker_url("tcp://10.0.0.5:2375").value() == "tcp://10.0.0.5:2375");
  CHECK(parse_docker_url("https://docker.example.com:2376").value() == "https://docker.example.com:2376");
  CHECK(parse_docker_url("tcp://docker.example.com").error().message.find("needs a port") !=
        std::string::npos);
  for (const char* bad : {"unix://", "unix://relative.sock", "http://docker:2375", "docker.sock",
                          "ssh://host:22", "tcp://host:2375/path"}) {
    INFO(bad);
    CHECK_FALSE(parse_docker_url(bad).ok());
  }
}

TEST_CASE("quoted values are cut and escaped") {
  CHECK(quote_value("abc") == "'abc'");
  CHECK(quote_value("a\nb") == "'a\\x0ab'");
  const std::string long_value(100, 'x');
  CHECK(quote_value(long_value) == "'" + std::string(60, 'x') + "...'");
}

TEST_CASE("key suggestions for likely typos only") {
  const std::vector<std::string_view> keys = {"interval", "level", "format", "dataDir"};
  CHECK(edit_distance("intervall", "interval") == 1);
  CHECK(edit_distance("DATADIR", "dataDir") == 0);
  CHECK(suggest_key("intervall", keys) == std::optional<std::string_view>("interval"));
  CHECK(suggest_key("datadir", keys) == std::optional<std::string_view>("dataDir"));
  CHECK(suggest_key("lvel", keys) == std::optional<std::string_view>("level"));
  CHECK_FALSE(suggest_key("colour", keys).has_value());
  CHECK_FALSE(suggest_key("", keys).has_value());
  CHECK_FALSE(suggest_key(std::string(1000, 'a'), keys).has_value());
}

TEST_CASE("key suggestions for a known key with a longer or shorter ending") {
  const std::vector<std::string_view> keys = {"signatureAlgo", "signatureFormat", "keyRef"};
  CHECK(suggest_key("signatureAlgorithm", keys) == std::optional<std::string_view>("signatureAlgo"));
  CHECK(suggest_key("keyReference", keys) == std::optional<std::string_view>("keyRef"));
  CHECK_FALSE(suggest_key("key", keys).has_value());
}
