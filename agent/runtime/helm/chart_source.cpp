#include "agent/runtime/helm/chart_source.hpp"

namespace margo {
namespace {

Error invalid_chart(const std::string& property, const std::string& why) {
  return permanent_error("component.invalid_property", "property " + property + ": " + why);
}

std::string shown_property(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Arguments go to helm as argv entries (no shell), but a leading '-' would still read as a flag, and
// whitespace or control characters are never part of a reference or a version.
bool is_plain(const std::string& text) {
  if (text.empty() || text.front() == '-') return false;
  for (const unsigned char c : text)
    if (c <= 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

Result<ChartSource> read_chart_source(const nlohmann::json& properties, const std::string& component_name) {
  if (!properties.is_object()) return invalid_chart("repository", "the component has no properties");
  const auto repository = properties.find("repository");
  if (repository == properties.end() || repository->is_null())
    return invalid_chart("repository", "is required");
  if (!repository->is_string())
    return invalid_chart("repository", "expected a string like \"oci://registry/charts/name\", got " +
                                           shown_property(*repository));
  const std::string reference = repository->get<std::string>();
  if (!is_plain(reference))
    return invalid_chart("repository", "\"" + reference + "\" is empty or has spaces or control characters");

  ChartSource source;
  if (reference.starts_with("oci://")) {
    std::string path = reference.substr(6);
    while (!path.empty() && path.back() == '/') path.pop_back();
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos || slash + 1 == path.size())
      return invalid_chart("repository",
                           "\"" + reference + "\" names no chart (expected oci://registry/path/chart)");
    source.chart = "oci://" + path;
    source.chart_name = path.substr(slash + 1);
  } else if (reference.starts_with("https://") || reference.starts_with("http://")) {
    if (!is_plain(component_name))
      return invalid_chart("repository",
                           "a chart repository URL needs a component name to use as the chart name");
    source.repo_url = reference;
    source.chart = component_name;
    source.chart_name = component_name;
  } else {
    return invalid_chart("repository",
                         "\"" + reference + "\" is neither an oci:// reference nor an http(s):// URL");
  }

  if (const auto revision = properties.find("revision");
      revision != properties.end() && !revision->is_null()) {
    if (!revision->is_string())
      return invalid_chart(
          "revision", "expected a chart version string like \"1.2.3\", got " + shown_property(*revision));
    source.version = revision->get<std::string>();
    if (!is_plain(source.version) || source.version.size() > 128)
      return invalid_chart("revision", "\"" + source.version + "\" is not a chart version");
    // Profile B writes SemVer build metadata with '_' (OCI tags cannot hold '+'); helm wants the '+'
    // back, and no other '_' is valid SemVer.
    for (char& c : source.version)
      if (c == '_') c = '+';
  }
  return source;
}

}  // namespace margo
