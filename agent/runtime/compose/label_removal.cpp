#include "agent/runtime/compose/label_removal.hpp"

#include <memory>
#include <vector>

namespace margo {
namespace {

constexpr Duration kCommandTimeout = std::chrono::minutes(2);

struct Removal : std::enable_shared_from_this<Removal> {
  Removal(ComposeEngine& engine_in, std::string project_in, bool remove_volumes_in, Callback<void> done_in)
      : engine(engine_in),
        project(std::move(project_in)),
        remove_volumes(remove_volumes_in),
        done(std::move(done_in)) {
    kinds = {"container", "network"};
    if (remove_volumes) kinds.push_back("volume");
  }

  Error failed(const std::string& what, const ProcessResult& result) const {
    return retryable_error("compose.remove_failed", "removing the " + what + "s of project " + project +
                                                        " failed: " + trimmed_output(result.stderr_data));
  }

  void next() {
    if (index == kinds.size()) return done(Status());
    const std::string kind = kinds[index];
    engine.run(
        CommandRequest{list_ids_argv(engine.docker_path(), kind, project), std::nullopt, "", kCommandTimeout},
        [self = shared_from_this(), kind](Result<ProcessResult> listed) {
          if (!listed) return self->done(listed.error());
          if (listed->exit_code != 0) return self->done(self->failed(kind, *listed));
          self->remove(kind, split_ids(listed->stdout_data));
        });
  }

  void remove(const std::string& kind, const std::vector<std::string>& ids) {
    ++index;
    if (ids.empty()) return next();
    engine.run(CommandRequest{remove_ids_argv(engine.docker_path(), kind, ids, remove_volumes), std::nullopt,
                              "", kCommandTimeout},
               [self = shared_from_this(), kind](Result<ProcessResult> removed) {
                 if (!removed) return self->done(removed.error());
                 if (removed->exit_code != 0) return self->done(self->failed(kind, *removed));
                 self->next();
               });
  }

  ComposeEngine& engine;
  std::string project;
  bool remove_volumes;
  Callback<void> done;
  std::vector<std::string> kinds;
  std::size_t index = 0;
};

}  // namespace

void remove_by_label(ComposeEngine& engine, const std::string& project, bool remove_volumes,
                     Callback<void> done) {
  std::make_shared<Removal>(engine, project, remove_volumes, std::move(done))->next();
}

}  // namespace margo
