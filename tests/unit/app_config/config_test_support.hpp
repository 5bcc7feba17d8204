#pragma once
// Helpers for the config tests: a temporary directory holding the files a config names, a valid config
// to edit, and lookups in a ConfigLoad.

#include <string>
#include <string_view>

#include "agent/app/config/config_loader.hpp"

namespace margo::test {

// A fresh directory under /tmp, removed with everything in it at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `relative` (creating parent directories) and returns its absolute path.
  std::string write(const std::string& relative, std::string_view content, unsigned mode = 0644) const;

 private:
  std::string path_;
};

// Changes the working directory for the lifetime of the object.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const std::string& path);
  ~WorkingDirectory();
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  std::string previous_;
};

// A directory with the files valid_config() names: device.crt, device.key (0600), ca.crt and
// capabilities.json. Their content is placeholder PEM: the config module does not parse keys.
class ConfigFixture {
 public:
  ConfigFixture();
  const TempDir& dir() const { return dir_; }
  // Parses yaml as "config.yaml" with relative paths resolved against dir(); the default data
  // directory is dir()/default-data.
  ConfigLoad load(std::string_view yaml, bool readable_by_others = false) const;

 private:
  TempDir dir_;
};

// A config that loads without problems in a ConfigFixture; its lines are numbered in the .cpp.
std::string valid_config();

// `text` with the one occurrence of `from` replaced by `to` (a test fails when it is not exactly once).
std::string replaced(std::string text, std::string_view from, std::string_view to);

// Every problem and warning, one per line, for failure messages.
std::string describe(const ConfigLoad& load);

// A problem whose key is `key` and whose reason contains `reason_part`.
bool has_problem(const ConfigLoad& load, std::string_view key, std::string_view reason_part);
bool has_warning(const ConfigLoad& load, std::string_view key, std::string_view reason_part);
// The problem with this key; a test fails when there is none.
ConfigProblem problem_at(const ConfigLoad& load, std::string_view key);

std::string read_file(const std::string& path);

}  // namespace margo::test
