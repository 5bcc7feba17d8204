#include "agent/wfm/signature_base.hpp"

#include <algorithm>
#include <array>

#include "agent/wfm/structured_fields.hpp"
#include "agent/wfm/target_uri.hpp"

namespace margo {
namespace {

constexpr std::array<std::string_view, 4> kStringParameters = {"nonce", "alg", "keyid", "tag"};
constexpr std::array<std::string_view, 2> kIntegerParameters = {"created", "expires"};

bool is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_lowercase_field_name(std::string_view name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](char c) { return is_tchar(c) && !(c >= 'A' && c <= 'Z'); });
}

std::string_view trim(std::string_view value) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
  return value;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Serialises the identifier as an sf-string with its parameters: "@query-param";name="Pet".
Result<std::string> serialize_identifier(const ComponentIdentifier& component) {
  auto name = serialize_sf_string(component.name, "component name");
  if (!name) return permanent_error("signing.bad_component", name.error().message);
  if (!component.query_parameter) return std::move(*name);
  auto parameter = serialize_sf_string(*component.query_parameter, "query parameter name");
  if (!parameter) return permanent_error("signing.bad_component", parameter.error().message);
  return *name + ";name=" + *parameter;
}

Result<std::string> serialize_parameter_value(const SignatureParameter& parameter, bool wants_integer) {
  const std::string what = "signature parameter '" + parameter.name + "'";
  if (!wants_integer) return serialize_sf_string(std::get<std::string>(parameter.value), what);
  const std::int64_t number = std::get<std::int64_t>(parameter.value);
  if (number < 0) return permanent_error("sf.bad_integer", what + " must not be negative");
  return serialize_sf_integer(number, what);
}

Result<std::string> serialize_parameter(const SignatureParameter& parameter) {
  const bool wants_integer = contains(kIntegerParameters, parameter.name);
  if (!wants_integer && !contains(kStringParameters, parameter.name)) {
    return permanent_error("signing.bad_parameter",
                           "unknown signature parameter '" + parameter.name +
                               "' (expected created, expires, nonce, alg, keyid, tag)");
  }
  if (wants_integer != std::holds_alternative<std::int64_t>(parameter.value)) {
    return permanent_error("signing.bad_parameter", "signature parameter '" + parameter.name + "' must be " +
                                                        (wants_integer ? "an integer" : "a string"));
  }
  auto value = serialize_parameter_value(parameter, wants_integer);
  if (!value) return permanent_error("signing.bad_parameter", value.error().message);
  return ';' + parameter.name + '=' + *value;
}

Result<std::string> serialize_signature_params(const SignatureInput& input,
                                               const std::vector<std::string>& identifiers) {
  std::string out = "(";
  for (std::size_t i = 0; i < identifiers.size(); ++i) {
    if (i > 0) out += ' ';
    out += identifiers[i];
  }
  out += ')';
  for (std::size_t i = 0; i < input.parameters.size(); ++i) {
    const std::string& name = input.parameters[i].name;
    for (std::size_t j = 0; j < i; ++j) {
      if (input.parameters[j].name == name) {
        return permanent_error("signing.bad_parameter", "signature parameter '" + name + "' given twice");
      }
    }
    auto serialized = serialize_parameter(input.parameters[i]);
    if (!serialized) return serialized.error();
    out += *serialized;
  }
  return out;
}

// Computes component values; the target URI is parsed only when a component needs its parts.
class ComponentValues {
 public:
  explicit ComponentValues(const RequestView& request) : request_(request) {}

  Result<std::string> value_of(const ComponentIdentifier& component) {
    if (component.query_parameter && component.name != "@query-param") {
      return bad_component(component.name, "only @query-param takes a name parameter");
    }
    if (component.name.empty() || component.name.front() != '@') return field_value(component.name);
    if (component.name == "@method") return method();
    if (component.name == "@target-uri") return target_uri();
    if (component.name == "@query-param") return query_param(component);

    auto uri = parsed_uri();
    if (!uri) return uri.error();
    const TargetUri& target = **uri;
    if (component.name == "@authority") return target.authority;
    if (component.name == "@scheme") return target.scheme;
    if (component.name == "@path") return target.path;
    if (component.name == "@query") return '?' + target.query.value_or("");
    if (component.name == "@request-target") return target.path + (target.query ? '?' + *target.query : "");
    if (component.name == "@status") {
      return bad_component(component.name, "applies to responses, not requests");
    }
    if (component.name == "@signature-params") {
      return bad_component(component.name, "is never a covered component");
    }
    return bad_component(component.name, "is not a derived component this signer knows");
  }

 private:
  static Error bad_component(std::string_view name, std::string_view reason) {
    return permanent_error("signing.bad_component",
                           "component '" + std::string(name) + "' " + std::string(reason));
  }

  Result<std::string> method() const {
    if (request_.method.empty() || !std::all_of(request_.method.begin(), request_.method.end(), is_tchar)) {
      return permanent_error("signing.bad_value",
                             "@method: '" + std::string(request_.method) + "' is not a method token");
    }
    return std::string(request_.method);
  }

  Result<std::string> target_uri() {
    auto uri = parsed_uri();
    if (!uri) return uri.error();
    return std::string(request_.target_uri);
  }

  Result<std::string> query_param(const ComponentIdentifier& component) {
    if (!component.query_parameter) return bad_component(component.name, "needs a name parameter");
    auto uri = parsed_uri();
    if (!uri) return uri.error();
    const std::string& wanted = *component.query_parameter;
    std::optional<std::string> found;
    for (auto& parameter : parse_query_parameters((*uri)->query.value_or(""))) {
      if (parameter.name != wanted) continue;
      // RFC 9421 2.2.8: a repeated parameter must not be signed by name; sign @query instead.
      if (found) {
        return bad_component("@query-param;name=\"" + wanted + "\"", "occurs more than once in the query");
      }
      found = std::move(parameter.value);
    }
    if (!found) {
      return permanent_error(
          "signing.component_missing",
          "query parameter '" + wanted + "' (@query-param) is not in " + std::string(request_.target_uri));
    }
    return std::move(*found);
  }

  Result<std::string> field_value(const std::string& name) const {
    if (!is_lowercase_field_name(name)) {
      return bad_component(name, "is not a lowercase header field name");
    }
    std::string joined;
    bool present = false;
    for (const HttpHeader& field : request_.headers) {
      if (!iequals(field.name, name)) continue;
      const std::string_view value = trim(field.value);
      if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
        return permanent_error("signing.bad_value",
                               "header field '" + name + "' contains a line break or NUL");
      }
      if (present) joined += ", ";
      joined += value;
      present = true;
    }
    if (!present) {
      return permanent_error("signing.component_missing",
                             "covered header field '" + name + "' is not in the request");
    }
    return joined;
  }

  Result<const TargetUri*> parsed_uri() {
    if (!uri_) uri_.emplace(parse_target_uri(request_.target_uri));
    if (!*uri_) return uri_->error();
    return &uri_->value();
  }

  const RequestView& request_;
  std::optional<Result<TargetUri>> uri_;
};

}  // namespace

Result<SignatureBase> build_signature_base(const RequestView& request, const SignatureInput& input) {
  std::vector<std::string> identifiers;
  identifiers.reserve(input.components.size());
  ComponentValues values(request);
  SignatureBase out;
  for (std::size_t i = 0; i < input.components.size(); ++i) {
    const ComponentIdentifier& component = input.components[i];
    if (std::find(input.components.begin(), input.components.begin() + static_cast<std::ptrdiff_t>(i),
                  component) != input.components.begin() + static_cast<std::ptrdiff_t>(i)) {
      return permanent_error("signing.bad_component", "component '" + component.name + "' is covered twice");
    }
    auto identifier = serialize_identifier(component);
    if (!identifier) return identifier.error();
    auto value = values.value_of(component);
    if (!value) return value.error();
    out.base += *identifier;
    out.base += ": ";
    out.base += *value;
    out.base += '\n';
    identifiers.push_back(std::move(*identifier));
  }
  auto params = serialize_signature_params(input, identifiers);
  if (!params) return params.error();
  out.signature_params = std::move(*params);
  out.base += "\"@signature-params\": ";
  out.base += out.signature_params;
  return out;
}

}  // namespace margo
