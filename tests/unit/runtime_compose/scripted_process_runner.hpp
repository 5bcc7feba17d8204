#pragma once
// A ProcessRunner test double: answers each command from a script of rules and records every spec it
// was given (argv, exact environment, working directory, timeout). Completes through the executor.

#include <functional>
#include <string>
#include <vector>

#include "agent/ports/process_runner.hpp"

namespace margo::test {

inline ProcessResult exited(int code, std::string out = "", std::string err = "") {
  ProcessResult result;
  result.exit_code = code;
  result.stdout_data = std::move(out);
  result.stderr_data = std::move(err);
  return result;
}

// Whether `words` appear in argv in this order (not necessarily next to each other).
inline bool has_words(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  std::size_t next = 0;
  for (const auto& argument : argv)
    if (next < words.size() && argument == words[next]) ++next;
  return next == words.size();
}

inline std::string joined(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& argument : argv) text += (text.empty() ? "" : " ") + argument;
  return text;
}

class ScriptedProcessRunner final : public ProcessRunner {
 public:
  explicit ScriptedProcessRunner(Executor& executor) : executor_(executor) {}

  // Commands whose argv has `words` get `response`, `times` times (forever when negative). Rules
  // added later win, so a test can override a fixture's defaults.
  void on(std::vector<std::string> words, Result<ProcessResult> response, int times = -1) {
    rules_.insert(rules_.begin(), Rule{std::move(words), std::move(response), times, {}});
  }
  // Like on(), with the answer computed from the spec (for commands whose output changes).
  void on_call(std::vector<std::string> words,
               std::function<Result<ProcessResult>(const ProcessSpec&)> answer) {
    rules_.insert(rules_.begin(), Rule{std::move(words), exited(0), -1, std::move(answer)});
  }

  void run(ProcessSpec spec, Callback<ProcessResult> done) override {
    runs.push_back(spec);
    Result<ProcessResult> response = permanent_error("process.start_failed", "unscripted command");
    bool matched = false;
    for (Rule& rule : rules_) {
      if (rule.times == 0 || !has_words(spec.argv, rule.words)) continue;
      response = rule.answer ? rule.answer(spec) : rule.response;
      if (rule.times > 0) --rule.times;
      matched = true;
      break;
    }
    if (!matched) unexpected.push_back(joined(spec.argv));
    executor_.post(
        [response = std::move(response), done = std::move(done)]() mutable { done(std::move(response)); });
  }

  // Every command run whose argv has `words`.
  std::vector<ProcessSpec> runs_with(const std::vector<std::string>& words) const {
    std::vector<ProcessSpec> found;
    for (const auto& spec : runs)
      if (has_words(spec.argv, words)) found.push_back(spec);
    return found;
  }

  std::vector<ProcessSpec> runs;
  std::vector<std::string> unexpected;

 private:
  struct Rule {
    std::vector<std::string> words;
    Result<ProcessResult> response;
    int times;
    std::function<Result<ProcessResult>(const ProcessSpec&)> answer;
  };

  Executor& executor_;
  std::vector<Rule> rules_;
};

}  // namespace margo::test
