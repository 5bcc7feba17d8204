#include "fakes/wfm/signature_base.hpp"

#include <set>
#include <vector>

#include "fakes/wfm/http_fields.hpp"
#include "fakes/wfm/target_uri.hpp"

namespace margo::fake {
namespace {

Error component_error(const std::string& component, const std::string& what) {
  return security_error("signature.components", "covered component " + component + ": " + what);
}

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded parsing of one name or value (WHATWG URL 5.1): "+" is a space,
// valid %XX escapes are decoded, anything else stays as it is.
std::string form_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit_value(text[i + 1]) >= 0 &&
               hex_digit_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Percent-encoding with the application/x-www-form-urlencoded percent-encode set, spaces as %20,
// as RFC 9421 2.2.8 requires for @query-param names and values.
std::string form_encode(std::string_view bytes) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : bytes) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '*' || c == '-' || c == '.' || c == '_';
    if (safe) {
      out.push_back(c);
    } else {
      const auto value = static_cast<unsigned char>(c);
      out += {'%', digits[value >> 4], digits[value & 0x0f]};
    }
  }
  return out;
}

// Values of every query parameter whose encoded name equals `name`, in order.
std::vector<std::string> query_param_values(const std::optional<std::string>& query,
                                            const std::string& name) {
  std::vector<std::string> values;
  if (!query) return values;
  std::string_view rest = *query;
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    const std::string_view raw_name = pair.substr(0, equals);
    const std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    if (form_encode(form_decode(raw_name)) == name) values.push_back(form_encode(form_decode(raw_value)));
  }
  return values;
}

bool has_uppercase(std::string_view text) {
  for (const char c : text)
    if (c >= 'A' && c <= 'Z') return true;
  return false;
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

class BaseBuilder {
 public:
  explicit BaseBuilder(const SignedMessage& message) : message_(message) {}

  // The value lines of one covered component (several only for a repeated @query-param).
  Result<std::vector<std::string>> values_of(const std::string& name, const sf::Parameters& parameters) {
    const std::string shown = "\"" + name + "\"";
    if (name.empty()) return component_error(shown, "empty name");
    if (name == "@query-param") return query_param(shown, parameters);
    if (!parameters.empty()) return component_error(shown, "parameters are not supported");
    if (name == "@status") {
      if (!message_.status) return component_error(shown, "only a response has a status");
      return std::vector<std::string>{std::to_string(*message_.status)};
    }
    if (name[0] == '@') return derived(shown, name);
    if (has_uppercase(name)) return component_error(shown, "field names must be lowercase");
    const auto value = combined_field_value(message_.headers, name);
    if (!value) return component_error(shown, "the message has no such header field");
    return std::vector<std::string>{*value};
  }

 private:
  Result<const TargetUri*> uri(const std::string& shown) {
    if (!message_.target_uri || !message_.method) return component_error(shown, "only a request has it");
    if (!uri_) {
      auto parsed = parse_target_uri(*message_.target_uri);
      if (!parsed) return component_error(shown, parsed.error().message);
      uri_ = std::move(*parsed);
    }
    return &*uri_;
  }

  Result<std::vector<std::string>> derived(const std::string& shown, const std::string& name) {
    auto target = uri(shown);
    if (!target) return target.error();
    const TargetUri& parts = **target;
    const std::string query = "?" + parts.query.value_or("");
    if (name == "@method") return std::vector<std::string>{*message_.method};
    if (name == "@target-uri") return std::vector<std::string>{*message_.target_uri};
    if (name == "@authority") return std::vector<std::string>{parts.normalized_authority()};
    if (name == "@scheme") return std::vector<std::string>{parts.scheme};
    if (name == "@path") return std::vector<std::string>{parts.path};
    if (name == "@query") return std::vector<std::string>{query};
    if (name == "@request-target")
      return std::vector<std::string>{parts.query ? parts.path + query : parts.path};
    return component_error(shown, "unknown derived component");
  }

  Result<std::vector<std::string>> query_param(const std::string& shown, const sf::Parameters& parameters) {
    if (parameters.size() != 1 || parameters[0].first != "name")
      return component_error(shown, "needs exactly the parameter 'name'");
    const auto* name = std::get_if<std::string>(&parameters[0].second);
    if (name == nullptr) return component_error(shown, "'name' must be a string");
    auto target = uri(shown);
    if (!target) return target.error();
    auto values = query_param_values((*target)->query, *name);
    if (values.empty()) return component_error(shown, "the query has no parameter '" + *name + "'");
    return values;
  }

  const SignedMessage& message_;
  std::optional<TargetUri> uri_;
};

}  // namespace

SignedMessage SignedMessage::of_request(const HttpRequest& request) {
  return SignedMessage{request.headers, request.method, request.url, std::nullopt};
}

SignedMessage SignedMessage::of_response(int status, HttpHeaders headers) {
  return SignedMessage{std::move(headers), std::nullopt, std::nullopt, status};
}

Result<std::string> build_signature_base(const SignedMessage& message,
                                         const sf::InnerList& signature_params) {
  BaseBuilder builder(message);
  std::set<std::string> seen;
  std::string base;
  for (const auto& component : signature_params.items) {
    const auto* name = std::get_if<std::string>(&component.value);
    if (name == nullptr) return component_error(sf::serialize_item(component), "identifier must be a string");
    const std::string identifier = sf::serialize_item(component);
    if (!seen.insert(identifier).second) return component_error(identifier, "listed twice");
    auto values = builder.values_of(*name, component.parameters);
    if (!values) return values.error();
    for (const auto& value : *values) {
      if (has_line_break(value)) return component_error(identifier, "value contains a line break");
      base += identifier + ": " + value + "\n";
    }
  }
  base += "\"@signature-params\": " + sf::serialize_inner_list(signature_params);
  return base;
}

}  // namespace margo::fake
