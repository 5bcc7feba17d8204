// Each key's bad values: one edit of the valid config, and the problem it must produce.

#include <catch2/catch.hpp>

#include "tests/unit/app_config/config_test_support.hpp"

using namespace margo;
using namespace margo::test;

namespace {

struct BadValue {
  const char* from;  // a unique piece of valid_config()
  const char* to;
  const char* key;          // the problem's key
  const char* reason_part;  // part of its reason
};

const BadValue bad_values[] = {
    {"level: INFO", "level: verbose", "logging.level",
     "expected one of DEBUG, INFO, WARN, ERROR, FATAL, got 'verbose'"},
    {"level: INFO\n", "level: INFO\n  format: xml\n", "logging.format", "logfmt or json"},
    {"logging:\n  level: INFO", "logging: [INFO]", "logging", "expected a map, got a list"},
    {"dataDir: ./data", "dataDir: ''", "database.dataDir", "must not be empty"},
    {"dataDir: ./data", "dataDir: ./device.crt", "database.dataDir", "not a directory"},
    {"dataDir: ./data", "dataDir: {path: x}", "database.dataDir", "expected a single value, got a map"},
    {"identityType: PKI", "identityType: TPM", "deviceRootIdentity.identityType", "PKI or RANDOM"},
    {"identityType: PKI\n", "", "deviceRootIdentity.identityType", "is required"},
    {"pubCertPath: ./device.crt", "pubCertPath: ./missing.crt",
     "deviceRootIdentity.attestation.pki.pubCertPath", "file not found"},
    {"pubCertPath: ./device.crt", "pubCertPath: .", "deviceRootIdentity.attestation.pki.pubCertPath",
     "not a regular file"},
    {"    pki:\n      pubCertPath: ./device.crt\n", "    random:\n      value: x\n",
     "deviceRootIdentity.attestation.pki.pubCertPath", "is required when identityType is PKI"},
    {"  attestation:\n    pki:\n      pubCertPath: ./device.crt\n", "",
     "deviceRootIdentity.attestation.pki.pubCertPath", "is required when identityType is PKI"},
    {"sbiUrl: https://wfm.example.com:8443/margo", "sbiUrl: http://wfm.example.com:8443/margo", "wfm.sbiUrl",
     "use an https:// URL, or, for development in a trusted network only, set "
     "wfm.clientPlugins.tlsHelper.enabled: false to allow plain HTTP"},
    {"sbiUrl: https://wfm.example.com:8443/margo", "sbiUrl: http://127.0.0.1:8080", "wfm.sbiUrl",
     "while tlsHelper is enabled"},
    {"sbiUrl: https://wfm.example.com:8443/margo", "sbiUrl: ftp://wfm.example.com/margo", "wfm.sbiUrl",
     "must be an https:// or http:// URL"},
    {"sbiUrl: https://wfm.example.com:8443/margo", "sbiUrl: https://wfm.example.com/margo?x=1", "wfm.sbiUrl",
     "query or fragment"},
    {"sbiUrl: https://wfm.example.com:8443/margo", "sbiUrl: wfm.example.com", "wfm.sbiUrl",
     "not an absolute URL"},
    {"  sbiUrl: https://wfm.example.com:8443/margo\n", "", "wfm.sbiUrl", "is required"},
    {"    requestSigner:\n      enabled: true", "    requestSigner:\n      enabled: yes please",
     "wfm.clientPlugins.requestSigner.enabled", "expected a boolean (true or false), got 'yes please'"},
    {"hashAlgo: sha256", "hashAlgo: sha512", "wfm.clientPlugins.requestSigner.hashAlgo",
     "sha256 (the only one"},
    {"signatureAlgo: ecdsa", "signatureAlgo: rsa-pss-sha256", "wfm.clientPlugins.requestSigner.signatureAlgo",
     "expected one of rsa, ecdsa, rsa-pss"},
    {"      signatureAlgo: ecdsa\n", "", "wfm.clientPlugins.requestSigner.signatureAlgo",
     "is required when requestSigner is enabled"},
    {"signatureFormat: structured", "signatureFormat: jws", "wfm.clientPlugins.requestSigner.signatureFormat",
     "structured or http-signature"},
    {"path: ./device.key", "path: ./missing.key", "wfm.clientPlugins.requestSigner.keyRef.path",
     "file not found"},
    {"      keyRef:\n        path: ./device.key\n", "", "wfm.clientPlugins.requestSigner.keyRef.path",
     "is required when requestSigner is enabled"},
    {"keyRef:\n        path: ./device.key", "keyRef: ./device.key", "wfm.clientPlugins.requestSigner.keyRef",
     "expected a map, got a single value"},
    {"authHelper:\n      enabled: false", "authHelper:\n      enabled: nope",
     "wfm.clientPlugins.authHelper.enabled", "expected a boolean"},
    {"path: ./ca.crt", "path: ./missing-ca.crt", "wfm.clientPlugins.tlsHelper.caKeyRef.path",
     "file not found"},
    {"      caKeyRef:\n        path: ./ca.crt\n", "", "wfm.clientPlugins.tlsHelper.caKeyRef.path",
     "is required when tlsHelper is enabled"},
    {"    tlsHelper:\n      enabled: true\n",
     "    tlsHelper:\n      enabled: true\n      fetchRootCa: maybe\n",
     "wfm.clientPlugins.tlsHelper.fetchRootCa", "expected a boolean"},
    {"interval: 15", "interval: 0.05", "stateSeeking.interval", "must be between 100ms and 24h, got '0.05'"},
    {"interval: 15", "interval: 25h", "stateSeeking.interval", "must be between 100ms and 24h"},
    {"interval: 15", "interval: 99ms", "stateSeeking.interval", "must be between 100ms and 24h"},
    {"interval: 15", "interval: fast", "stateSeeking.interval", "expected seconds (15, 0.1) or a duration"},
    {"interval: 15", "interval: [15]", "stateSeeking.interval", "expected a single value, got a list"},
    {"runtimes:\n  - type: DOCKER\n    docker:\n      url: unix:///var/run/docker.sock\n", "runtimes: []\n",
     "runtimes", "at least one runtime is required"},
    {"runtimes:\n  - type: DOCKER\n    docker:\n      url: unix:///var/run/docker.sock\n", "", "runtimes",
     "is required"},
    {"runtimes:\n  - type: DOCKER\n    docker:\n      url: unix:///var/run/docker.sock\n",
     "runtimes: docker\n", "runtimes", "expected a list, got a single value"},
    {"type: DOCKER", "type: podman", "runtimes[0].type", "KUBERNETES (or HELM) or DOCKER (or COMPOSE)"},
    {"url: unix:///var/run/docker.sock", "url: /var/run/docker.sock", "runtimes[0].docker.url",
     "expected unix:///path, tcp://host:port or https://host:port"},
    {"url: unix:///var/run/docker.sock", "url: tcp://docker.local", "runtimes[0].docker.url", "needs a port"},
    {"      url: unix:///var/run/docker.sock\n", "      tlsSkipVerification: false\n",
     "runtimes[0].docker.url", "is required"},
    {"url: unix:///var/run/docker.sock\n",
     "url: unix:///var/run/docker.sock\n    kubernetes:\n      kubeconfigPath: /root/.kube/config\n",
     "runtimes[0].kubernetes", "does not belong to a runtime of type DOCKER"},
    {"url: unix:///var/run/docker.sock\n",
     "url: unix:///var/run/docker.sock\n  - type: COMPOSE\n    docker:\n"
     "      url: unix:///run/other.sock\n",
     "runtimes[1]", "a second DOCKER runtime (the first is runtimes[0])"},
    {"url: unix:///var/run/docker.sock\n",
     "url: unix:///var/run/docker.sock\n      tlsSkipVerification: maybe\n",
     "runtimes[0].docker.tlsSkipVerification", "expected a boolean"},
    {"url: unix:///var/run/docker.sock\n",
     "url: unix:///var/run/docker.sock\n      tls:\n        cacertPath: ./missing.pem\n",
     "runtimes[0].docker.tls.cacertPath", "file not found"},
    {"readFromFile: ./capabilities.json", "readFromFile: ./missing.json", "capabilities.readFromFile",
     "file not found"},
    {"readFromFile: ./capabilities.json", "readFromFile: ./device.crt", "capabilities.readFromFile",
     "invalid JSON (parse error at line 1, column 2"},
    {"  readFromFile: ./capabilities.json\n", "", "capabilities.readFromFile", "is required"},
    {"capabilities:\n  readFromFile: ./capabilities.json\n", "", "capabilities.readFromFile", "is required"},
    {"capabilities:", "monitoring:\n  interval: soon\ncapabilities:", "monitoring.interval", ""},
    {"interval: 15", "interval: 15\n  pollingHours: 6-22", "stateSeeking.pollingHours", "HH:MM-HH:MM"},
    {"interval: 15", "interval: 15\n  downtime: [\"01:00-01:00\"]", "stateSeeking.downtime[0]", "the same"},
    {"interval: 15", "interval: 15\n  timeZone: CET", "stateSeeking.timeZone", "local or UTC"},
    {"interval: 15", "interval: 15\n  pollingHours: \"08:00-10:00\"\n  downtime: \"07:00-11:00\"",
     "stateSeeking", "no minute of the day"},
    {"capabilities:", "deployments:\n  maxRetryDelay: 1s\ncapabilities:", "deployments.maxRetryDelay",
     "between 10s and 24h"},
    {"capabilities:", "deployments:\n  maxRetry: 1m\ncapabilities:", "deployments", "unknown key 'maxRetry'"},
    {"capabilities:", "monitoring:\n  interval: 200ms\ncapabilities:", "monitoring.interval", "between"},
    {"capabilities:", "monitoring:\n  redeployDelay: 5m\n  maxRedeployDelay: 1m\ncapabilities:",
     "monitoring.maxRedeployDelay", "shorter"},
    {"capabilities:", "monitoring:\n  intervall: 30s\ncapabilities:", "monitoring",
     "unknown key 'intervall'"},
    {"url: unix:///var/run/docker.sock\n",
     "url: tcp://127.0.0.1:2376\n      tls:\n        cacertPath: ./ca.crt\n        certPath: ./device.crt\n",
     "runtimes[0].docker.tls", "certPath and keyPath go together"},
    {"url: unix:///var/run/docker.sock", "url: https://127.0.0.1:2376", "runtimes[0].docker.url",
     "tls.cacertPath is needed to verify the engine's certificate"},
    {"url: unix:///var/run/docker.sock\n",
     "url: tcp://127.0.0.1:2376\n      tls:\n        certPath: ./device.crt\n        keyPath: ./device.key\n",
     "runtimes[0].docker.tls", "tls.cacertPath is needed"},
    {"url: unix:///var/run/docker.sock\n", "url: tcp://127.0.0.1:2376\n      tlsSkipVerification: true\n",
     "runtimes[0].docker.url", "loads it even when it does not verify"},
    {"url: unix:///var/run/docker.sock", "url: unix:///var/run/docker.sock\n      removeVolumes: maybe",
     "runtimes[0].docker.removeVolumes", ""},
    {"        path: ./ca.crt", "        path: ./ca.crt\n      minVersion: \"1.1\"",
     "wfm.clientPlugins.tlsHelper.minVersion", "must be \"1.3\" or \"1.2\""},
    {"sbiUrl: https://wfm.example.com:8443/margo",
     "sbiUrl: https://wfm.example.com:8443/margo\n  timeouts:\n    read: 50ms", "wfm.timeouts.read",
     "between 100ms and 10m"},
    {"sbiUrl: https://wfm.example.com:8443/margo",
     "sbiUrl: https://wfm.example.com:8443/margo\n  timeouts:\n    connect: soon", "wfm.timeouts.connect",
     ""},
    {"sbiUrl: https://wfm.example.com:8443/margo",
     "sbiUrl: https://wfm.example.com:8443/margo\n  timeouts:\n    reed: 5s", "wfm.timeouts",
     "unknown key 'reed'"},
};

}  // namespace

TEST_CASE("every key's bad values are problems naming the key") {
  const ConfigFixture fixture;
  for (const BadValue& bad : bad_values) {
    const ConfigLoad load = fixture.load(replaced(valid_config(), bad.from, bad.to));
    INFO("edit: " << bad.to << "\n" << describe(load));
    CHECK_FALSE(load.config);
    CHECK(has_problem(load, bad.key, bad.reason_part));
  }
}

TEST_CASE("the valid config loads as it is") {
  const ConfigFixture fixture;
  const ConfigLoad load = fixture.load(valid_config());
  INFO(describe(load));
  CHECK(load.config);
  CHECK(load.problems.empty());
  CHECK(load.warnings.empty());
}

TEST_CASE("capabilities must be a JSON object") {
  const ConfigFixture fixture;
  fixture.dir().write("list.json", "[1, 2]");
  const ConfigLoad load = fixture.load(
      replaced(valid_config(), "readFromFile: ./capabilities.json", "readFromFile: ./list.json"));
  CHECK(has_problem(load, "capabilities.readFromFile", "must hold a JSON object, not array"));
}

TEST_CASE("a problem in a plug-in's sub-map is placed at the line of its parent key when the map is absent") {
  const ConfigFixture fixture;
  const ConfigLoad load =
      fixture.load(replaced(valid_config(), "      keyRef:\n        path: ./device.key\n", ""));
  const ConfigProblem problem = problem_at(load, "wfm.clientPlugins.requestSigner.keyRef.path");
  CHECK(problem.line == 13);  // requestSigner:
  CHECK(problem.column == 5);
}
