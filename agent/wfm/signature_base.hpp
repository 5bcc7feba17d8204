#pragma once
// The RFC 9421 signature base of a request: one line per covered component, then the
// "@signature-params" line, which is also the value that goes into Signature-Input.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/ports/http_client.hpp"
#include "agent/ports/result.hpp"

namespace margo {

// A covered component: a derived component ("@method", "@target-uri", "@authority", "@scheme",
// "@path", "@query", "@query-param", "@request-target") or a lowercase header field name.
struct ComponentIdentifier {
  std::string name;
  std::optional<std::string> query_parameter;  // the `name` parameter; only for "@query-param"

  static ComponentIdentifier query_param(std::string parameter_name) {
    return {"@query-param", std::move(parameter_name)};
  }
  bool operator==(const ComponentIdentifier&) const = default;
};

// One signature parameter: created and expires take integers; nonce, alg, keyid and tag strings.
struct SignatureParameter {
  std::string name;
  std::variant<std::int64_t, std::string> value;
};

struct SignatureInput {
  std::vector<ComponentIdentifier> components;  // in signing order
  std::vector<SignatureParameter> parameters;   // serialised in this order
};

// What a signature is computed over. The views must outlive the call.
struct RequestView {
  std::string_view method;
  std::string_view target_uri;  // absolute, exactly as sent
  const HttpHeaders& headers;
};

struct SignatureBase {
  std::string base;              // the bytes to sign
  std::string signature_params;  // ("@method" ...);created=...: the Signature-Input member value
};

// Errors (all permanent): signing.component_missing (a covered header field or query parameter is
// absent), signing.bad_component (unknown, duplicate or malformed identifier), signing.bad_value (a
// value that cannot go into the base, such as a line break), signing.bad_parameter, signing.bad_uri.
// Each message names the component or parameter.
Result<SignatureBase> build_signature_base(const RequestView& request, const SignatureInput& input);

}  // namespace margo
