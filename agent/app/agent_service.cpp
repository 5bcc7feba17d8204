#include "agent/app/agent_service.hpp"

#include <ctime>

#include <malloc.h>
#include <signal.h>

#include "agent/adapters/event_loop.hpp"
#include "agent/adapters/file_lock.hpp"
#include "agent/adapters/http/https_client.hpp"
#include "agent/adapters/os_random.hpp"
#include "agent/adapters/posix_filesystem.hpp"
#include "agent/adapters/stderr_log_sink.hpp"
#include "agent/adapters/termination_signals.hpp"
#include "agent/adapters/worker_pool.hpp"
#include "agent/app/device_identity.hpp"
#include "agent/app/trust_bundle.hpp"
#include "agent/app/workload_runtimes.hpp"
#include "agent/core/agent.hpp"
#include "agent/core/paths.hpp"
#include "agent/core/recurring_warning.hpp"
#include "agent/wfm/rfc9421_signer.hpp"
#include "agent/wfm/wfm_client.hpp"

namespace margo {
namespace {

constexpr std::size_t kWorkerThreads = 2;
constexpr Duration kStopGrace = std::chrono::seconds(10);
constexpr Duration kPlainHttpReminder = std::chrono::hours(1);

// The device's local time minus UTC at a moment, from the system time zone (TZ, /etc/localtime);
// daylight saving included.
Duration local_utc_offset(WallTime when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm local{};
  localtime_r(&seconds, &local);
  return std::chrono::seconds(local.tm_gmtoff);
}

AgentSettings agent_settings(const AgentConfig& config) {
  AgentSettings settings;
  settings.data_directory = config.data_dir;
  settings.capabilities_path = config.capabilities.path;
  settings.fetch_root_ca = config.wfm.tls_helper.fetch_root_ca;
  settings.polling.interval = config.state_seeking_interval;
  settings.monitor.interval = config.monitoring.interval;
  settings.monitor.redeploy.initial = config.monitoring.redeploy_delay;
  settings.monitor.redeploy.max = config.monitoring.max_redeploy_delay;
  settings.reconcile.retry.max = config.deployments.max_retry_delay;
  settings.communication.polling_hours = config.communication.polling_hours;
  settings.communication.downtimes = config.communication.downtimes;
  if (!config.communication.utc) settings.communication.utc_offset = local_utc_offset;
  return settings;
}

// Plain HTTP is allowed (the config switched tlsHelper off); the log says so at start and every hour,
// so nobody forgets that a device runs unencrypted.
void remind_plain_http(EventLoop& loop, const Logger& log, const std::string& sbi_url) {
  log.warn(
      "traffic to the WFM is unencrypted: plain HTTP, tlsHelper disabled (use only in a trusted network)",
      {{"sbiUrl", sbi_url}});
  loop.schedule_after(kPlainHttpReminder, [&loop, &log, sbi_url] { remind_plain_http(loop, log, sbi_url); });
}

}  // namespace

int run_agent_service(const AgentConfig& config) {
  // Before any thread starts, so every thread inherits the blocked signal mask.
  TerminationSignals signals;
  StderrLogSink sink(config.logging.format);
  EventLoop loop;
  const Logger log(sink, loop, config.logging.level, "main");
  PosixFileSystem fs;
  OsRandom random;

  if (auto made = fs.create_directories(config.data_dir, 0700); !made) {
    log.fatal("cannot create the data directory",
              {{"path", config.data_dir}, {"error", made.error().message}});
    return kExitFatal;
  }
  auto lock = FileLock::acquire(join_path(config.data_dir, "agent.lock"));
  if (!lock) {
    log.fatal("cannot start", {{"error", lock.error().message}});
    return kExitFatal;
  }
  auto identity = provision_identity(config, fs, loop.wall_now(), log);
  if (!identity) {
    log.fatal("device identity unusable",
              {{"code", identity.error().code}, {"error", identity.error().message}});
    return kExitUsage;
  }
  auto trust = prepare_trust_bundle(config, fs, Agent::root_ca_path(config.data_dir));
  if (!trust) {
    log.fatal("TLS trust unusable", {{"error", trust.error().message}});
    return kExitUsage;
  }

  WorkerPool workers(kWorkerThreads);
  HttpsClientOptions http_options;
  http_options.ca_file = *trust;
  http_options.min_tls_version =
      config.wfm.tls_helper.min_version == TlsMinimum::tls1_2 ? TlsVersion::tls1_2 : TlsVersion::tls1_3;
  if (http_options.min_tls_version == TlsVersion::tls1_2)
    log.warn("TLS 1.2 is allowed to the WFM (tlsHelper.minVersion: \"1.2\"); the specification asks for 1.3");
  http_options.connect_timeout = config.wfm.timeouts.connect;
  http_options.read_timeout = config.wfm.timeouts.read;
  http_options.user_agent = "margo-agent/" MARGO_VERSION;
  http_options.allow_plain_http = config.wfm.plain_http();
  auto http = HttpsClient::create(loop, workers, http_options);
  if (!http) {
    log.fatal("HTTPS client unusable", {{"error", http.error().message}});
    return kExitUsage;
  }

  std::unique_ptr<Rfc9421Signer> signer;
  if (config.wfm.request_signer.enabled) {
    auto algorithm =
        resolve_signature_algorithm(to_string(config.wfm.request_signer.algorithm), *identity->key);
    if (!algorithm) {
      log.fatal("request signing unusable", {{"error", algorithm.error().message}});
      return kExitUsage;
    }
    signer = std::make_unique<Rfc9421Signer>(*identity->key, *algorithm);
    log.info("request signing on", {{"algorithm", std::string(to_string(*algorithm))}});
  } else {
    log.warn("request signing is switched off (wfm.clientPlugins.requestSigner.enabled: false)");
  }
  std::unique_ptr<OAuthTokenProvider> tokens;
  if (config.wfm.auth_helper.enabled) {
    const auto& auth = config.wfm.auth_helper;
    tokens = std::make_unique<OAuthTokenProvider>(
        loop, **http,
        OAuthClientCredentials{auth.token_url, auth.client_id, auth.client_secret.reveal(), auth.scope},
        log.named("oauth"));
  }

  WfmClientOptions wfm_options;
  wfm_options.sbi_url = config.wfm.sbi_url;
  wfm_options.certificate_der = identity->certificate.der();
  wfm_options.onboarding_key_id = identity->key ? identity->key->key_id() : "";
  auto wfm = WfmClient::create(loop, **http, wfm_options, signer.get(), tokens.get(), log.named("wfm"));
  if (!wfm) {
    log.fatal("WFM client unusable", {{"error", wfm.error().message}});
    return kExitUsage;
  }

  auto runtimes = WorkloadRuntimes::create(config, loop, fs, log);
  if (!runtimes) {
    log.fatal("workload runtimes unusable", {{"error", runtimes.error().message}});
    return kExitUsage;
  }
  Agent agent(AgentPorts{loop, random, fs, **wfm, (*runtimes)->all(), sink, config.logging.level},
              agent_settings(config));

  int exit_code = kExitOk;
  bool stopping = false;
  auto stop = [&](const char* reason) {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", {{"reason", reason}});
    agent.stop([&loop] { loop.stop(); });
    loop.schedule_after(kStopGrace, [&loop, &log] {
      log.warn("in-flight work abandoned after the grace period");
      loop.stop();
    });
  };
  if (auto watching = signals.start([&loop, &stop](int signal) {
        loop.post([&stop, signal] { stop(signal == SIGINT ? "SIGINT" : "SIGTERM"); });
      });
      !watching) {
    log.fatal("cannot watch for SIGTERM/SIGINT", {{"error", watching.error().message}});
    return kExitFatal;
  }

  log.info("margo-agent starting", {{"version", MARGO_VERSION},
                                    {"config", config.source_file},
                                    {"sbiUrl", config.wfm.sbi_url},
                                    {"certificate", identity->certificate_path}});
  // Plain HTTP was chosen in the config (tlsHelper off): said at start and every hour, so nobody forgets
  // that this device talks to its WFM unencrypted.
  std::unique_ptr<RecurringWarning> plain_http_warning;
  if (config.wfm.plain_http()) {
    plain_http_warning = std::make_unique<RecurringWarning>(
        loop, log, kPlainHttpReminder,
        "traffic to the WFM is unencrypted: plain HTTP, tlsHelper disabled (use only in a trusted network)",
        std::vector<LogField>{{"sbiUrl", config.wfm.sbi_url}});
  }
  loop.post([&] {
    agent.start([&](const Error&) {
      exit_code = kExitFatal;
      stop("fatal error");
    });
  });
  // Start-up parsed YAML, PEM and JSON; hand those pages back before settling into the poll loop.
  malloc_trim(0);
  loop.run();
  (*runtimes)->shutdown();
  (*http)->shutdown();
  workers.shutdown();
  log.info("margo-agent stopped", {{"exitCode", std::to_string(exit_code)}});
  return exit_code;
}

}  // namespace margo
