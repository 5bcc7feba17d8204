#pragma once
// Errors are values: a stable code, a human message with context, and a class that tells the
// caller what to do next (retry later, give up, or treat as an attack).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace margo {

enum class ErrorClass {
  retryable,  // transient: network, 5xx, busy runtime; try again with backoff
  permanent,  // the request or input is wrong; retrying the same thing will not help
  security,   // signature, digest, TLS or rollback failure; never retried blindly, logged as such
};

struct Error {
  std::string code;     // stable, machine-readable, dotted: "http.timeout", "config.unknown_key"
  std::string message;  // what went wrong and where, for a human
  ErrorClass error_class = ErrorClass::permanent;
  int http_status = 0;                                   // the HTTP status that caused it, 0 when none
  std::optional<std::chrono::milliseconds> retry_after;  // server-requested wait, when given

  bool retryable() const { return error_class == ErrorClass::retryable; }

  // Returns a copy whose message is prefixed with the context ("onboarding: ...").
  Error with_context(std::string_view context) const {
    Error copy = *this;
    copy.message = std::string(context) + ": " + message;
    return copy;
  }
};

inline Error retryable_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message), ErrorClass::retryable, 0, std::nullopt};
}
inline Error permanent_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message), ErrorClass::permanent, 0, std::nullopt};
}
inline Error security_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message), ErrorClass::security, 0, std::nullopt};
}

inline std::string_view to_string(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::retryable:
      return "retryable";
    case ErrorClass::permanent:
      return "permanent";
    case ErrorClass::security:
      return "security";
  }
  return "unknown";
}

}  // namespace margo
