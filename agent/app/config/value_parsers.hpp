#pragma once
// Parsers for the config's scalar values. Each takes the scalar's text and returns the value, or an
// error (code config.invalid_value) whose message is the reason, ready to be placed after the key.

#include <string>
#include <string_view>

#include "agent/app/config/agent_config.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/log_sink.hpp"
#include "agent/ports/result.hpp"

namespace margo {

// "true" or "false", any case.
Result<bool> parse_bool(std::string_view text);
// DEBUG, INFO, WARN (or WARNING), ERROR, FATAL; any case.
Result<LogLevel> parse_log_level(std::string_view text);
Result<LogFormat> parse_log_format(std::string_view text);
Result<IdentityType> parse_identity_type(std::string_view text);
// Only "sha256" (any case); returns it lowercased.
Result<std::string> parse_hash_algorithm(std::string_view text);
// rsa, ecdsa, rsa-pss, or a full RFC 9421 name; any case.
Result<SignatureAlgorithmSetting> parse_signature_algorithm(std::string_view text);
Result<SignatureFormat> parse_signature_format(std::string_view text);
// KUBERNETES (or HELM), DOCKER (or COMPOSE); any case.
Result<RuntimeType> parse_runtime_type(std::string_view text);

// Seconds as a number ("15", "0.1") or a duration ("100ms", "15s", "2m", "1h", "1m30s"), rounded to
// milliseconds. No range check.
Result<Duration> parse_duration(std::string_view text);

// An absolute https:// URL with a host, an optional port and path, and no user information, query or
// fragment. Returns it with scheme and host lowercased.
Result<std::string> parse_https_url(std::string_view text);
// The same, http:// allowed too.
Result<std::string> parse_web_url(std::string_view text);
// unix:///absolute/path, tcp://host:port or https://host:port.
Result<std::string> parse_docker_url(std::string_view text);

// The text as it may appear in a message: quoted, cut to a readable length, control characters escaped.
std::string quote_value(std::string_view text);

}  // namespace margo
