#include "agent/runtime/compose/compose_runtime.hpp"

#include <exception>

#include "agent/runtime/component_options.hpp"
#include "agent/runtime/compose/compose_file.hpp"
#include "agent/runtime/compose/compose_wait.hpp"
#include "agent/runtime/compose/container_status.hpp"
#include "agent/runtime/compose/label_removal.hpp"
#include "agent/runtime/compose/package_source.hpp"
#include "agent/runtime/compose/project_name.hpp"

namespace margo {
namespace {

constexpr Duration kConfigCheckTimeout = std::chrono::minutes(1);
constexpr Duration kInspectTimeout = std::chrono::minutes(1);
constexpr Duration kDownTimeout = std::chrono::minutes(5);
// With v2's --wait, compose stops waiting by itself at the component timeout; the process limit comes
// a little later so that compose's own message is the one reported.
constexpr Duration kWaitGrace = std::chrono::seconds(30);
constexpr std::size_t kMaxComposeFileBytes = 4 * 1024 * 1024;

// Exceptions (from a JSON or YAML library, or bad_alloc) never leave the adapter.
// `fail` takes an Error (a Callback<T> does).
template <typename Fail, typename Function>
void at_boundary(const Fail& fail, Function&& function) {
  try {
    function();
  } catch (const std::exception& error) {
    fail(permanent_error("compose.internal_error", std::string("unexpected failure: ") + error.what()));
  }
}

std::string seconds_text(Duration duration) {
  return std::to_string(duration.count() / 1000) + "s";
}

}  // namespace

struct ComposeRuntime::ApplyJob {
  std::string project;
  ComponentOptions options;
  PackageReference reference;
  ChildEnvironment environment;
  Callback<void> done;
  MonoTime started{};
  ComposeCli cli;
  StoredPackage package;
  bool package_was_active = false;
};

ComposeRuntime::ComposeRuntime(Executor& executor, ProcessRunner& processes, HttpClient& downloads,
                               FileSystem& fs, ComposeSettings settings, Logger logger)
    : executor_(executor),
      downloads_(downloads),
      fs_(fs),
      settings_(std::move(settings)),
      logger_(std::move(logger)),
      store_(fs, settings_.work_directory),
      engine_(executor, processes,
              EngineSettings{settings_.docker_host, settings_.docker_path, settings_.docker_compose_path,
                             base_environment(settings_.docker_host, store_.home_directory()),
                             engine_options({settings_.docker_host, settings_.tls})},
              logger_) {}

ComposeRuntime::~ComposeRuntime() = default;

std::string ComposeRuntime::runtime_name(const std::string& deployment_id, const std::string& deployment_name,
                                         const std::string& component_name) const {
  return make_project_name(deployment_id, deployment_name, component_name);
}

Status ComposeRuntime::check_usable(const std::string& project) {
  if (settings_.work_directory.empty() || settings_.work_directory.front() != '/')
    return permanent_error("compose.misconfigured", "the compose runtime needs an absolute work directory");
  if (!is_valid_project_name(project))
    return permanent_error("compose.invalid_project_name",
                           "'" + project.substr(0, 80) + "' is not a compose project name this runtime made");
  // Every child, the CLI probes included, gets HOME and DOCKER_CONFIG there.
  if (!home_ready_) {
    if (auto home = store_.prepare_home(); !home) return home.error();
    home_ready_ = true;
  }
  return {};
}

// --- apply

void ComposeRuntime::apply(const ComponentSpec& spec, Callback<void> done) {
  const auto fail_later = failing_later(done);
  at_boundary(fail_later, [&] {
    auto job = std::make_shared<ApplyJob>();
    job->project = spec.ref.runtime_name;
    job->done = done;
    job->started = executor_.now();
    if (auto usable = check_usable(job->project); !usable) return fail_later(usable.error());
    auto options = read_component_options(spec.properties);
    if (!options) return fail_later(options.error());
    auto reference = read_package_reference(spec.properties);
    if (!reference) return fail_later(reference.error());
    auto environment = project_environment(base_environment(settings_.docker_host, store_.home_directory()),
                                           spec.parameters);
    if (!environment) return fail_later(environment.error());
    job->options = *options;
    job->reference = std::move(reference).value();
    job->environment = std::move(environment).value();
    logger_.info("compose apply", {{"project", job->project}, {"package", job->reference.package.display}});
    engine_.ensure_cli(lifetime_.guard([this, job](Result<ComposeCli> cli) {
      if (!cli) return finish_apply(job, cli.error());
      job->cli = *cli;
      fetch(job);
    }));
  });
}

void ComposeRuntime::fetch(std::shared_ptr<ApplyJob> job) {
  const PackageFetchLimits limits{settings_.max_package_bytes, job->options.timeout};
  fetch_verified_package(downloads_, fs_, executor_, job->reference, limits,
                         lifetime_.guard([this, job](Result<VerifiedPackage> package) {
                           at_boundary(job->done, [&] {
                             if (!package) return finish_apply(job, package.error());
                             auto contents = unpack_package(package->bytes, settings_.max_package_bytes);
                             if (!contents) return finish_apply(job, contents.error());
                             auto stored = store_.store(job->project, package->sha256_hex, *contents);
                             if (!stored) return finish_apply(job, stored.error());
                             job->package = std::move(stored).value();
                             auto active = store_.active(job->project);
                             job->package_was_active =
                                 active && *active && (*active)->name == job->package.name;
                             validate(job);
                           });
                         }));
}

void ComposeRuntime::validate(std::shared_ptr<ApplyJob> job) {
  CommandRequest check{config_check_argv(job->cli, job->project, job->package.compose_file), job->environment,
                       job->package.directory, kConfigCheckTimeout};
  engine_.run(std::move(check), lifetime_.guard([this, job](Result<ProcessResult> result) {
    if (!result) return finish_apply(job, result.error());
    if (result->timed_out)
      return finish_apply(job, retryable_error("compose.timeout", "`config -q` did not finish in time"));
    if (result->exit_code != 0) {
      // A refused package is never deployed; the one in force stays.
      if (!job->package_was_active) (void)store_.discard(job->package);
      return finish_apply(
          job, permanent_error("compose.invalid_file", "compose refused the package's compose file: " +
                                                           trimmed_output(result->stderr_data)));
    }
    if (auto activated = store_.activate(job->project, job->package); !activated)
      return finish_apply(job, activated.error());
    bring_up(job);
  }));
}

void ComposeRuntime::bring_up(std::shared_ptr<ApplyJob> job) {
  const bool plugin = job->cli.flavor == ComposeFlavor::plugin_v2;
  const Duration timeout = job->options.timeout;
  CommandRequest up{up_argv(job->cli, job->project, job->package.compose_file,
                            job->options.wait ? std::optional<Duration>(timeout) : std::nullopt),
                    job->environment, job->package.directory,
                    (plugin && job->options.wait) ? timeout + kWaitGrace : timeout};
  engine_.run(std::move(up), lifetime_.guard([this, job, plugin, timeout](Result<ProcessResult> result) {
    if (!result) return finish_apply(job, result.error());
    if (result->timed_out) {
      return finish_apply(
          job, retryable_error("compose.timeout", "`up` of project " + job->project +
                                                      " did not finish within " + seconds_text(timeout)));
    }
    if (result->exit_code != 0) {
      return finish_apply(
          job, retryable_error("compose.up_failed", "`up` of project " + job->project +
                                                        " failed: " + trimmed_output(result->stderr_data)));
    }
    if (!job->options.wait || plugin) return finish_apply(job, Status());
    ObserveProject observe = [this, project = job->project](Callback<ComponentObservation> seen) {
      this->observe(project, std::move(seen));
    };
    wait_until_running(executor_, std::move(observe),
                       WaitPlan{job->started + timeout, settings_.wait_poll_interval, job->project},
                       lifetime_.guard([this, job](Status outcome) { finish_apply(job, outcome); }));
  }));
}

void ComposeRuntime::finish_apply(std::shared_ptr<ApplyJob> job, Status outcome) {
  if (outcome) {
    // Older packages go only once the new one is in force and up.
    if (auto discarded = store_.discard_inactive(job->project); !discarded)
      logger_.warn("old compose packages not deleted",
                   {{"project", job->project}, {"reason", discarded.error().message}});
    logger_.info("compose applied", {{"project", job->project}});
  } else {
    logger_.warn(
        "compose apply failed",
        {{"project", job->project}, {"code", outcome.error().code}, {"reason", outcome.error().message}});
  }
  job->done(outcome);
}

// --- remove

void ComposeRuntime::remove(const ComponentRef& ref, Callback<void> done) {
  const auto fail_later = failing_later(done);
  at_boundary(fail_later, [&] {
    const std::string project = ref.runtime_name;
    if (auto usable = check_usable(project); !usable) return fail_later(usable.error());
    engine_.ensure_cli(lifetime_.guard([this, project, done](Result<ComposeCli> cli) {
      if (!cli) return done(cli.error());
      take_down(project, *cli, lifetime_.guard([this, project, done](Status removed) {
        if (!removed) {
          logger_.warn(
              "compose remove failed",
              {{"project", project}, {"code", removed.error().code}, {"reason", removed.error().message}});
          return done(removed);
        }
        if (auto deleted = store_.remove_project(project); !deleted) return done(deleted);
        logger_.info("compose removed", {{"project", project}});
        done(Status());
      }));
    }));
  });
}

void ComposeRuntime::take_down(const std::string& project, const ComposeCli& cli, Callback<void> done) {
  auto active = store_.active(project);
  if (!active || !*active) {
    if (!active) logger_.warn("compose project state unreadable; removing by label", {{"project", project}});
    return remove_leftovers(project, std::move(done));
  }
  const StoredPackage package = **active;
  CommandRequest down{down_argv(cli, project, package.compose_file, settings_.remove_volumes), std::nullopt,
                      package.directory, kDownTimeout};
  engine_.run(std::move(down), lifetime_.guard([this, project, done](Result<ProcessResult> result) {
    if (!result) return done(result.error());
    if (result->exit_code == 0 && !result->timed_out) return done(Status());
    // The stored file may no longer be usable (a variable it requires is not set at removal): the
    // labels still find everything the project made.
    logger_.warn("compose down failed; removing by label",
                 {{"project", project}, {"reason", trimmed_output(result->stderr_data, 500)}});
    remove_leftovers(project, done);
  }));
}

void ComposeRuntime::remove_leftovers(const std::string& project, Callback<void> done) {
  remove_by_label(engine_, project, settings_.remove_volumes, std::move(done));
}

// --- inspect

void ComposeRuntime::inspect(const ComponentRef& ref, Callback<ComponentObservation> done) {
  const auto fail_later = failing_later(done);
  at_boundary(fail_later, [&] {
    const std::string project = ref.runtime_name;
    if (auto usable = check_usable(project); !usable) return fail_later(usable.error());
    engine_.ensure_cli(lifetime_.guard([this, project, done](Result<ComposeCli> cli) {
      if (!cli) return done(cli.error());
      observe(project, done);
    }));
  });
}

void ComposeRuntime::observe(const std::string& project, Callback<ComponentObservation> done) {
  CommandRequest list{container_list_argv(engine_.docker_path(), project), std::nullopt, "", kInspectTimeout};
  engine_.run(std::move(list), lifetime_.guard([this, project, done](Result<ProcessResult> result) {
    at_boundary(done, [&] {
      if (!result) return done(result.error());
      if (result->exit_code != 0 || result->timed_out) {
        return done(
            retryable_error("compose.inspect_failed", "listing the containers of project " + project +
                                                          " failed: " + trimmed_output(result->stderr_data)));
      }
      auto containers = parse_container_lines(result->stdout_data);
      if (!containers) return done(containers.error());
      std::vector<std::string> expected;
      if (auto active = store_.active(project); active && *active) {
        if (auto text = fs_.read_file((*active)->compose_file, kMaxComposeFileBytes); text) {
          if (auto services = started_services(*text); services) expected = std::move(services).value();
        }
      }
      done(summarize_containers(*containers, expected));
    });
  }));
}

}  // namespace margo
