#include "agent/app/config/yaml_document.hpp"

#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "agent/app/config/value_parsers.hpp"

namespace margo {
namespace {

// Records where each document starts and ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  const std::vector<YAML::Mark>& starts() const { return starts_; }

  void OnDocumentStart(const YAML::Mark& mark) override { starts_.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}

 private:
  std::vector<YAML::Mark> starts_;
};

// Reads at most three documents: enough to tell a second document from the parser being stuck.
std::vector<YAML::Mark> document_starts(std::string_view yaml) {
  constexpr std::size_t enough = 3;
  std::istringstream stream{std::string(yaml)};
  YAML::Parser parser(stream);
  DocumentStarts documents;
  while (documents.starts().size() < enough && parser.HandleNextDocument(documents)) {
  }
  return documents.starts();
}

}  // namespace

std::optional<YAML::Node> load_single_document(std::string_view yaml, ProblemCollector& sink) {
  YAML::Node document;
  try {
    const std::vector<YAML::Mark> starts = document_starts(yaml);
    if (starts.size() >= 2) {
      const YAML::Mark& last = starts.back();
      const YAML::Mark& previous = starts[starts.size() - 2];
      if (last.pos == previous.pos) {
        const auto at = static_cast<std::size_t>(last.pos);
        const std::string_view character = at < yaml.size() ? yaml.substr(at, 1) : std::string_view();
        sink.problem(position_of(last), "", "YAML syntax error: unexpected " + quote_value(character));
      } else {
        sink.problem(position_of(starts[1]), "", "only one YAML document is allowed in a config file");
      }
      return std::nullopt;
    }
    document = YAML::Load(std::string(yaml));
  } catch (const YAML::DeepRecursion& error) {
    // yaml-cpp's own message for this is "bad file".
    sink.problem(position_of(error.mark), "", "YAML nested too deeply");
    return std::nullopt;
  } catch (const YAML::Exception& error) {
    sink.problem(position_of(error.mark), "", "YAML syntax error: " + error.msg);
    return std::nullopt;
  }
  if (!document.IsDefined() || document.IsNull()) {
    sink.problem(Position{}, "", "the config is empty");
    return std::nullopt;
  }
  return document;
}

}  // namespace margo
