// Each key's good values, defaults, and the warnings that do not stop a config from loading.

#include <catch2/catch.hpp>

#include "tests/unit/app_config/config_test_support.hpp"

using namespace margo;
using namespace margo::test;
using namespace std::chrono_literals;

namespace {

// The config after one edit; the test fails when it does not load.
AgentConfig loaded(const ConfigFixture& fixture, std::string_view from, std::string_view to) {
  const ConfigLoad load = fixture.load(replaced(valid_config(), from, to));
  INFO(describe(load));
  REQUIRE(load.config);
  return *load.config;
}

}  // namespace

TEST_CASE("logging: level and format in any case, with defaults") {
  const ConfigFixture fixture;
  CHECK(loaded(fixture, "level: INFO", "level: warning").logging.level == LogLevel::warn);
  CHECK(loaded(fixture, "level: INFO", "level: Error").logging.level == LogLevel::error);
  CHECK(loaded(fixture, "level: INFO", "level: INFO\n  format: JSON").logging.format == LogFormat::json);
  const AgentConfig defaults = loaded(fixture, "logging:\n  level: INFO\n", "");
  CHECK(defaults.logging.level == LogLevel::info);
  CHECK(defaults.logging.format == LogFormat::logfmt);
}

TEST_CASE("database.dataDir may not exist yet, and is made absolute") {
  const ConfigFixture fixture;
  CHECK(loaded(fixture, "dataDir: ./data", "dataDir: ./not/yet/there").data_dir ==
        fixture.dir().path() + "/not/yet/there");
  CHECK(loaded(fixture, "dataDir: ./data", "dataDir: /var/lib/margo").data_dir == "/var/lib/margo");
}

TEST_CASE("without database.dataDir the default data directory is used, and validate says so") {
  const ConfigFixture fixture;
  for (const char* without : {"", "database:\n", "database:\n  dataDir:\n"}) {
    INFO(without);
    const AgentConfig config = loaded(fixture, "database:\n  dataDir: ./data\n", without);
    CHECK(config.data_dir == fixture.dir().path() + "/default-data");
    CHECK(config.data_dir_is_default);
    CHECK(to_string(config).find("database.dataDir: " + config.data_dir + " (default)") != std::string::npos);
  }
  CHECK_FALSE(loaded(fixture, "dataDir: ./data", "dataDir: ./data").data_dir_is_default);
}

TEST_CASE("a file where the default data directory should be is a problem") {
  const ConfigFixture fixture;
  fixture.dir().write("default-data", "not a directory");
  const ConfigLoad load = fixture.load(replaced(valid_config(), "database:\n  dataDir: ./data\n", ""));
  CHECK(has_problem(load, "database", "not a directory"));
}

TEST_CASE("plain http:// to the WFM with tlsHelper disabled, as the Go client documents it") {
  const ConfigFixture fixture;
  const std::string plain =
      replaced(replaced(valid_config(), "sbiUrl: https://wfm.example.com:8443/margo",
                        "sbiUrl: http://wfm.example.com:8080/margo"),
               "    tlsHelper:\n      enabled: true", "    tlsHelper:\n      enabled: false");
  const ConfigLoad load = fixture.load(plain);
  INFO(describe(load));
  REQUIRE(load.config);
  CHECK(load.config->wfm.sbi_url == "http://wfm.example.com:8080/margo");
  CHECK(load.config->wfm.plain_http());
  CHECK(load.config->wfm.request_signer.enabled);  // signing stays on
  CHECK(has_warning(load, "wfm.sbiUrl", "traffic to the WFM is not encrypted"));
  CHECK(has_warning(load, "wfm.clientPlugins.tlsHelper.caKeyRef.path", "ignored: tlsHelper is disabled"));

  SECTION("the root CA cannot be fetched over plain HTTP") {
    const ConfigLoad fetching =
        fixture.load(replaced(plain, "      enabled: false\n      caKeyRef:",
                              "      enabled: false\n      fetchRootCa: true\n      caKeyRef:"));
    CHECK(has_problem(fetching, "wfm.clientPlugins.tlsHelper.fetchRootCa", "needs an https:// sbiUrl"));
  }
  SECTION("https:// with tlsHelper disabled stays TLS, verified against the system store") {
    const ConfigLoad system_store = fixture.load(replaced(
        valid_config(), "    tlsHelper:\n      enabled: true", "    tlsHelper:\n      enabled: false"));
    REQUIRE(system_store.config);
    CHECK_FALSE(system_store.config->wfm.plain_http());
  }
}

TEST_CASE("stateSeeking.interval: seconds or durations from 100ms to 24h, 15s by default") {
  const ConfigFixture fixture;
  CHECK(loaded(fixture, "interval: 15", "interval: 0.1").state_seeking_interval == 100ms);
  CHECK(loaded(fixture, "interval: 15", "interval: 100ms").state_seeking_interval == 100ms);
  CHECK(loaded(fixture, "interval: 15", "interval: 2m").state_seeking_interval == 2min);
  CHECK(loaded(fixture, "interval: 15", "interval: \"1m30s\"").state_seeking_interval == 90s);
  CHECK(loaded(fixture, "interval: 15", "interval: 24h").state_seeking_interval == 24h);
  CHECK(loaded(fixture, "stateSeeking:\n  interval: 15\n", "").state_seeking_interval == 15s);
}

TEST_CASE("stateSeeking: polling hours, downtime windows (one or a list) and the time zone they are in") {
  const ConfigFixture fixture;
  const AgentConfig none = loaded(fixture, "interval: 15", "interval: 15");
  CHECK_FALSE(none.communication.polling_hours.has_value());
  CHECK(none.communication.downtimes.empty());
  CHECK_FALSE(none.communication.utc);
  const AgentConfig set =
      loaded(fixture, "interval: 15",
             "interval: 15\n  pollingHours: \"06:00-22:00\"\n  downtime: [\"12:00-12:30\", "
             "\"23:30-00:30\"]\n  timeZone: UTC");
  CHECK(set.communication.polling_hours == DailyWindow{360, 1320});
  CHECK(set.communication.downtimes == std::vector<DailyWindow>{{720, 750}, {1410, 30}});
  CHECK(set.communication.utc);
  CHECK(
      loaded(fixture, "interval: 15", "interval: 15\n  downtime: \"02:00-03:00\"").communication.downtimes ==
      std::vector<DailyWindow>{{120, 180}});
}

TEST_CASE("wfm.sbiUrl keeps its path prefix without a trailing slash") {
  const ConfigFixture fixture;
  const auto url = [&](std::string_view value) {
    return loaded(fixture, "sbiUrl: https://wfm.example.com:8443/margo", value).wfm.sbi_url;
  };
  CHECK(url("sbiUrl: https://wfm.example.com:8443/margo/") == "https://wfm.example.com:8443/margo");
  CHECK(url("sbiUrl: HTTPS://WFM.example.com") == "https://wfm.example.com");
  CHECK(url("sbiUrl: https://[::1]:8443/") == "https://[::1]:8443");
}

TEST_CASE("tlsHelper.minVersion: TLS 1.3 by default; 1.2 only when asked, with a warning") {
  const ConfigFixture fixture;
  const std::string_view anchor = "        path: ./ca.crt";
  CHECK(loaded(fixture, anchor, anchor).wfm.tls_helper.min_version == TlsMinimum::tls1_3);
  CHECK(loaded(fixture, anchor, std::string(anchor) + "\n      minVersion: \"1.3\"")
            .wfm.tls_helper.min_version == TlsMinimum::tls1_3);
  const ConfigLoad load =
      fixture.load(replaced(valid_config(), anchor, std::string(anchor) + "\n      minVersion: 1.2"));
  INFO(describe(load));
  REQUIRE(load.config);
  CHECK(load.config->wfm.tls_helper.min_version == TlsMinimum::tls1_2);
  CHECK(describe(load).find("TLS 1.2 allowed") != std::string::npos);
}

TEST_CASE("wfm.timeouts: connect and read, 10s and 30s by default") {
  const ConfigFixture fixture;
  const std::string_view url = "sbiUrl: https://wfm.example.com:8443/margo";
  const AgentConfig defaults = loaded(fixture, url, url);
  CHECK(defaults.wfm.timeouts.connect == 10s);
  CHECK(defaults.wfm.timeouts.read == 30s);
  const AgentConfig set =
      loaded(fixture, url, std::string(url) + "\n  timeouts:\n    connect: 2s\n    read: 1m");
  CHECK(set.wfm.timeouts.connect == 2s);
  CHECK(set.wfm.timeouts.read == 1min);
}

TEST_CASE("requestSigner: algorithms normalised, format kept, disabling it only warns") {
  const ConfigFixture fixture;
  CHECK(loaded(fixture, "signatureAlgo: ecdsa", "signatureAlgo: rsa-pss").wfm.request_signer.algorithm ==
        SignatureAlgorithmSetting::rsa_pss_sha512);
  CHECK(loaded(fixture, "signatureAlgo: ecdsa", "signatureAlgo: ECDSA-P384-SHA384")
            .wfm.request_signer.algorithm == SignatureAlgorithmSetting::ecdsa_p384_sha384);
  CHECK(loaded(fixture, "signatureFormat: structured", "signatureFormat: http-signature")
            .wfm.request_signer.format == SignatureFormat::http_signature);

  const ConfigLoad disabled = fixture.load(
      replaced(replaced(valid_config(), "      keyRef:\n        path: ./device.key\n", ""),
               "    requestSigner:\n      enabled: true", "    requestSigner:\n      enabled: false"));
  INFO(describe(disabled));
  REQUIRE(disabled.config);
  CHECK_FALSE(disabled.config->wfm.request_signer.enabled);
  CHECK(has_warning(disabled, "wfm.clientPlugins.requestSigner", "not signed"));
}

TEST_CASE("a private key readable by others is a warning") {
  const ConfigFixture fixture;
  fixture.dir().write("open.key", "-----BEGIN PRIVATE KEY-----\n", 0644);
  const ConfigLoad load = fixture.load(replaced(valid_config(), "path: ./device.key", "path: ./open.key"));
  CHECK(load.config);
  CHECK(has_warning(load, "wfm.clientPlugins.requestSigner.keyRef.path", "readable by group or others"));
}

TEST_CASE("RANDOM identity: the key path is where the generated key goes") {
  const ConfigFixture fixture;
  const std::string random = R"(  identityType: random
  attestation:
    random:
      value: my-device-42
)";
  const std::string pki = "  identityType: PKI\n  attestation:\n    pki:\n      pubCertPath: ./device.crt\n";

  const AgentConfig config = loaded(fixture, pki, random);
  CHECK(config.identity.type == IdentityType::random);
  CHECK(config.identity.random_common_name == "my-device-42");

  SECTION("a key that does not exist yet, in an existing directory") {
    const ConfigLoad load = fixture.load(
        replaced(replaced(valid_config(), pki, random), "path: ./device.key", "path: ./new.key"));
    INFO(describe(load));
    REQUIRE(load.config);
    CHECK(load.config->wfm.request_signer.key_path == fixture.dir().path() + "/new.key");
  }
  SECTION("a key whose directory does not exist") {
    const ConfigLoad load = fixture.load(
        replaced(replaced(valid_config(), pki, random), "path: ./device.key", "path: ./keys/new.key"));
    CHECK(has_problem(load, "wfm.clientPlugins.requestSigner.keyRef.path", "directory not found"));
  }
  SECTION("no key path at all") {
    const ConfigLoad load = fixture.load(
        replaced(replaced(valid_config(), pki, random), "      keyRef:\n        path: ./device.key\n", ""));
    INFO(describe(load));
    REQUIRE(load.config);
    CHECK(load.config->wfm.request_signer.key_path.empty());
  }
  SECTION("a pki section under a RANDOM identity is ignored with a warning") {
    const ConfigLoad load =
        fixture.load(replaced(valid_config(), "identityType: PKI", "identityType: RANDOM"));
    REQUIRE(load.config);
    CHECK(has_warning(load, "deviceRootIdentity.attestation.pki", "ignored: identityType is RANDOM"));
  }
}

TEST_CASE("tlsHelper disabled: the system trust store, and caKeyRef ignored with a warning") {
  const ConfigFixture fixture;
  const ConfigLoad load =
      fixture.load(replaced(valid_config(), "    tlsHelper:\n      enabled: true\n",
                            "    tlsHelper:\n      enabled: false\n      fetchRootCa: true\n"));
  INFO(describe(load));
  REQUIRE(load.config);
  CHECK_FALSE(load.config->wfm.tls_helper.enabled);
  CHECK(load.config->wfm.tls_helper.ca_path.empty());
  CHECK(load.config->wfm.tls_helper.fetch_root_ca);
  CHECK(has_warning(load, "wfm.clientPlugins.tlsHelper.caKeyRef.path", "system trust store"));
}

TEST_CASE("runtimes: KUBERNETES and HELM, DOCKER and COMPOSE, with their settings") {
  const ConfigFixture fixture;
  const std::string docker = "  - type: DOCKER\n    docker:\n      url: unix:///var/run/docker.sock\n";

  SECTION("a kubeconfig that exists") {
    fixture.dir().write("kube/config", "apiVersion: v1\n");
    const ConfigLoad load = fixture.load(replaced(
        valid_config(), docker, "  - type: helm\n    kubernetes:\n      kubeconfigPath: kube/config\n"));
    INFO(describe(load));
    REQUIRE(load.config);
    CHECK(load.warnings.empty());
    REQUIRE(load.config->runtimes.size() == 1);
    CHECK(load.config->runtimes[0].type == RuntimeType::kubernetes);
    CHECK(load.config->runtimes[0].kubernetes.kubeconfig_path == fixture.dir().path() + "/kube/config");
  }
  SECTION("a kubeconfig that is not there yet only warns") {
    const ConfigLoad load = fixture.load(replaced(
        valid_config(), docker, "  - type: KUBERNETES\n    kubernetes:\n      kubeconfigPath: ./absent\n"));
    REQUIRE(load.config);
    CHECK(has_warning(load, "runtimes[0].kubernetes.kubeconfigPath", "kubeconfig not found (yet)"));
  }
  SECTION("one of each type, a TLS engine with its files, and skipped verification warned about") {
    fixture.dir().write("docker/ca.pem", "ca");
    fixture.dir().write("docker/cert.pem", "cert");
    fixture.dir().write("docker/key.pem", "key", 0600);
    const std::string both = R"(  - type: compose
    docker:
      url: tcp://Docker.local:2376
      tlsSkipVerification: true
      tls:
        cacertPath: ./docker/ca.pem
        certPath: ./docker/cert.pem
        keyPath: ./docker/key.pem
  - type: KUBERNETES
    kubernetes:
      kubeconfigPath: /etc/rancher/k3s/k3s.yaml
)";
    const ConfigLoad load = fixture.load(replaced(valid_config(), docker, both));
    INFO(describe(load));
    REQUIRE(load.config);
    REQUIRE(load.config->runtimes.size() == 2);
    const DockerRuntimeConfig& engine = load.config->runtimes[0].docker;
    CHECK(engine.url == "tcp://docker.local:2376");
    CHECK(engine.tls_skip_verification);
    CHECK(engine.tls.ca_cert_path == fixture.dir().path() + "/docker/ca.pem");
    CHECK(engine.tls.key_path == fixture.dir().path() + "/docker/key.pem");
    CHECK(has_warning(load, "runtimes[0].docker.tlsSkipVerification", "not verified"));
  }
  SECTION("TLS settings on a unix socket, and a plain tcp:// engine, are warned about") {
    const ConfigLoad unix_socket =
        fixture.load(replaced(valid_config(), "url: unix:///var/run/docker.sock\n",
                              "url: unix:///var/run/docker.sock\n      tlsSkipVerification: true\n"));
    REQUIRE(unix_socket.config);
    CHECK(
        has_warning(unix_socket, "runtimes[0].docker.tlsSkipVerification", "a unix:// socket takes no TLS"));
    const ConfigLoad plain = fixture.load(
        replaced(valid_config(), "url: unix:///var/run/docker.sock", "url: tcp://127.0.0.1:2375"));
    REQUIRE(plain.config);
    CHECK(has_warning(plain, "runtimes[0].docker.url", "not encrypted"));
  }
  SECTION("https:// with a CA loads without a warning") {
    fixture.dir().write("docker/ca.pem", "ca");
    const ConfigLoad load =
        fixture.load(replaced(valid_config(), "url: unix:///var/run/docker.sock\n",
                              "url: https://127.0.0.1:2376\n      tls:\n        cacertPath: "
                              "./docker/ca.pem\n"));
    INFO(describe(load));
    REQUIRE(load.config);
    CHECK(load.warnings.empty());
    CHECK(load.config->runtimes[0].docker.url == "https://127.0.0.1:2376");
  }
  SECTION("null TLS paths are unset") {
    const ConfigLoad load =
        fixture.load(replaced(valid_config(), "url: unix:///var/run/docker.sock\n",
                              "url: unix:///var/run/docker.sock\n      tls:\n        cacertPath: null\n      "
                              "  certPath: ~\n        keyPath:\n"));
    INFO(describe(load));
    REQUIRE(load.config);
    CHECK(load.config->runtimes[0].docker.tls.ca_cert_path.empty());
  }
}

TEST_CASE("monitoring: interval, re-deploy delays, 0 switches it off; defaults 30s, 30s, 30m") {
  const ConfigFixture fixture;
  const std::string_view anchor = "capabilities:";
  const AgentConfig defaults = loaded(fixture, anchor, anchor);
  CHECK(defaults.monitoring.interval == 30s);
  CHECK(defaults.monitoring.redeploy_delay == 30s);
  CHECK(defaults.monitoring.max_redeploy_delay == 30min);
  const AgentConfig set =
      loaded(fixture, anchor,
             "monitoring:\n  interval: 1m\n  redeployDelay: 10s\n  maxRedeployDelay: 1h\ncapabilities:");
  CHECK(set.monitoring.interval == 1min);
  CHECK(set.monitoring.redeploy_delay == 10s);
  CHECK(set.monitoring.max_redeploy_delay == 1h);
  CHECK(loaded(fixture, anchor, "monitoring:\n  interval: 0\ncapabilities:").monitoring.interval == 0s);
}

TEST_CASE("deployments.maxRetryDelay: the longest wait between two attempts, 15m by default") {
  const ConfigFixture fixture;
  const std::string_view anchor = "capabilities:";
  CHECK(loaded(fixture, anchor, anchor).deployments.max_retry_delay == 15min);
  CHECK(loaded(fixture, anchor, "deployments:\n  maxRetryDelay: 1h\ncapabilities:")
            .deployments.max_retry_delay == 1h);
}

TEST_CASE("runtimes: docker.removeVolumes and kubernetes.helmPath, new keys with safe defaults") {
  const ConfigFixture fixture;
  const std::string_view url = "url: unix:///var/run/docker.sock";
  CHECK_FALSE(loaded(fixture, url, url).runtimes.at(0).docker.remove_volumes);
  CHECK(loaded(fixture, url, std::string(url) + "\n      removeVolumes: true")
            .runtimes.at(0)
            .docker.remove_volumes);
  const std::string kubernetes =
      "  - type: KUBERNETES\n    kubernetes:\n      kubeconfigPath: /nowhere/kubeconfig\n";
  const std::string_view anchor = "capabilities:";
  const AgentConfig plain = loaded(fixture, anchor, kubernetes + "capabilities:");
  CHECK(plain.runtimes.at(1).kubernetes.helm_path == "helm");
  const AgentConfig named = loaded(fixture, anchor, kubernetes + "      helmPath: helm3\ncapabilities:");
  CHECK(named.runtimes.at(1).kubernetes.helm_path == "helm3");
  const AgentConfig path = loaded(fixture, anchor, kubernetes + "      helmPath: ./bin/helm\ncapabilities:");
  CHECK(path.runtimes.at(1).kubernetes.helm_path == fixture.dir().path() + "/bin/helm");
}
