#include "agent/runtime/compose/package_reference.hpp"

namespace margo {
namespace {

Error invalid_reference(std::string_view property, const std::string& why) {
  return permanent_error("component.invalid_property", "property " + std::string(property) + ": " + why);
}

std::string without_query(std::string_view url) {
  return std::string(url.substr(0, url.find_first_of("?#")));
}

Result<PackageLocation> parse_url_location(std::string_view text, std::string_view property,
                                           LocationKind kind, std::size_t scheme_length) {
  const std::string display = without_query(text);
  const std::string_view rest = text.substr(scheme_length);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty()) return invalid_reference(property, "URL '" + display + "' has no host");
  // Credentials in the URL would end up in logs and status reports.
  if (authority.find('@') != std::string_view::npos)
    return invalid_reference(property, "URL must not carry credentials");
  if (text.find('#') != std::string_view::npos)
    return invalid_reference(property, "URL '" + display + "' has a fragment");
  return PackageLocation{kind, std::string(text), display};
}

Result<PackageLocation> parse_path_location(std::string_view path, std::string_view property) {
  if (path.empty() || path.front() != '/')
    return invalid_reference(property, "a local package path must be absolute");
  if (path.find('%') != std::string_view::npos)
    return invalid_reference(property,
                             "percent-encoded file URLs are not supported; give the plain absolute path");
  return PackageLocation{LocationKind::file, std::string(path), std::string(path)};
}

Result<std::string> read_digest(const nlohmann::json& value) {
  constexpr std::string_view kPrefix = "sha256:";
  if (!value.is_string())
    return invalid_reference("packageDigest", "expected \"sha256:<64 lowercase hex digits>\"");
  const auto& text = value.get_ref<const std::string&>();
  bool ok = text.starts_with(kPrefix) && text.size() == kPrefix.size() + 64;
  for (std::size_t i = kPrefix.size(); ok && i < text.size(); ++i)
    ok = (text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f');
  if (!ok) return invalid_reference("packageDigest", "expected \"sha256:<64 lowercase hex digits>\"");
  return text.substr(kPrefix.size());
}

PackageLocation signature_of(const PackageLocation& package) {
  PackageLocation signature = package;
  if (package.kind == LocationKind::file) {
    signature.target += ".sig";
  } else {
    const auto query = signature.target.find('?');
    signature.target.insert(query == std::string::npos ? signature.target.size() : query, ".sig");
  }
  signature.display += ".sig";
  return signature;
}

Status require_digest_for_http(const PackageLocation& location, std::string_view property, bool has_digest) {
  if (location.kind != LocationKind::http || has_digest) return {};
  return permanent_error("compose.insecure_location",
                         "property " + std::string(property) + ": plain http:// (" + location.display +
                             ") is accepted only with a packageDigest; use https:// or add the digest");
}

}  // namespace

Result<PackageLocation> parse_location(std::string_view text, std::string_view property) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f)
      return invalid_reference(property, "contains spaces or control characters");
  }
  if (text.starts_with("https://")) return parse_url_location(text, property, LocationKind::https, 8);
  if (text.starts_with("http://")) return parse_url_location(text, property, LocationKind::http, 7);
  if (text.starts_with("file://localhost/")) return parse_path_location(text.substr(16), property);
  if (text.starts_with("file:///")) return parse_path_location(text.substr(7), property);
  if (text.starts_with("file:"))
    return invalid_reference(property, "file URLs must look like file:///absolute/path");
  if (text.starts_with("/")) return parse_path_location(text, property);
  return invalid_reference(property, "expected an https:// URL or an absolute path, got '" +
                                         without_query(text.substr(0, 100)) + "'");
}

Result<PackageReference> read_package_reference(const nlohmann::json& properties) {
  if (!properties.is_object()) return invalid_reference("properties", "expected an object");
  const auto location = properties.find("packageLocation");
  if (location == properties.end() || location->is_null()) {
    if (properties.contains("repository"))
      return invalid_reference(
          "repository", "OCI compose packages (profile B) are not supported yet; give packageLocation");
    return invalid_reference("packageLocation", "required for a compose component");
  }
  if (!location->is_string()) return invalid_reference("packageLocation", "expected a string");

  PackageReference reference;
  auto package = parse_location(location->get_ref<const std::string&>(), "packageLocation");
  if (!package) return package.error();
  reference.package = std::move(package).value();
  reference.signature = signature_of(reference.package);

  if (const auto digest = properties.find("packageDigest");
      digest != properties.end() && !digest->is_null()) {
    auto parsed = read_digest(*digest);
    if (!parsed) return parsed.error();
    reference.digest = std::move(parsed).value();
  }
  if (const auto key = properties.find("keyLocation"); key != properties.end() && !key->is_null()) {
    if (!key->is_string()) return invalid_reference("keyLocation", "expected a string");
    auto parsed = parse_location(key->get_ref<const std::string&>(), "keyLocation");
    if (!parsed) return parsed.error();
    reference.key = std::move(parsed).value();
  }
  const bool has_digest = reference.digest.has_value();
  if (auto ok = require_digest_for_http(reference.package, "packageLocation", has_digest); !ok)
    return ok.error();
  if (reference.key) {
    if (auto ok = require_digest_for_http(*reference.key, "keyLocation", has_digest); !ok) return ok.error();
  }
  return reference;
}

}  // namespace margo
