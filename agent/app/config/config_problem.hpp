#pragma once
// What is wrong with a config file, and where: file, 1-based line and column, dotted key path.

#include <string>

namespace margo {

struct ConfigProblem {
  std::string file;
  int line = 0;     // 1-based; 0 when the problem is about the whole file
  int column = 0;   // 1-based; 0 when unknown
  std::string key;  // dotted path, "runtimes[1].docker.url"; empty for the document itself
  std::string reason;

  // "config.yaml:12:5: wfm.sbiUrl: must be an https:// URL"
  std::string to_string() const;
};

}  // namespace margo
