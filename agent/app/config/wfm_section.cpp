// The section wfm: sbiUrl and the client plug-ins requestSigner, authHelper and tlsHelper.
// A disabled plug-in's values are still type-checked, but nothing is required of it and its files are
// not looked at.

#include "agent/app/config/config_sections.hpp"
#include "agent/app/config/file_checks.hpp"
#include "agent/app/config/value_parsers.hpp"

namespace margo {
namespace {

bool read_enabled(ConfigWalker& walker, const MapFields& plugin, bool default_value) {
  const auto field = plugin.find("enabled");
  if (!field) return default_value;
  return walker.parsed<bool>(*field, parse_bool).value_or(default_value);
}

// The `path` under `parent.<key>` (keyRef, caKeyRef, clientSecretRef), when given.
std::optional<Field> reference_path(ConfigWalker& walker, const MapFields& parent, std::string_view key) {
  const auto reference = walker.child_map(parent, key, {"path"});
  if (!reference) return std::nullopt;
  return reference->find("path");
}

void warn_if_readable_by_others(ConfigWalker& walker, const Field& field, const std::string& path) {
  if (const auto readable = readable_by_group_or_others(path); readable && *readable) {
    walker.sink().warning(field, "private key is readable by group or others (chmod 600 " + path + ")");
  }
}

void read_request_signer(ConfigWalker& walker, const MapFields& plugins,
                         std::optional<IdentityType> identity_type, RequestSignerConfig& signer) {
  const auto section = walker.child_map(
      plugins, "requestSigner", {"enabled", "hashAlgo", "signatureAlgo", "signatureFormat", "keyRef"});
  if (!section) return;
  signer.enabled = read_enabled(walker, *section, true);
  if (!signer.enabled) {
    walker.sink().warning(section->self(), "requests to the WFM are not signed (requestSigner is disabled)");
  }
  if (const auto hash = section->find("hashAlgo")) {
    if (auto value = walker.parsed<std::string>(*hash, parse_hash_algorithm)) signer.hash_algorithm = *value;
  }
  const auto algorithm =
      signer.enabled ? walker.required(*section, "signatureAlgo", "is required when requestSigner is enabled")
                     : section->find("signatureAlgo");
  if (algorithm) {
    if (auto value = walker.parsed<SignatureAlgorithmSetting>(*algorithm, parse_signature_algorithm)) {
      signer.algorithm = *value;
    }
  }
  if (const auto format = section->find("signatureFormat")) {
    if (auto value = walker.parsed<SignatureFormat>(*format, parse_signature_format)) signer.format = *value;
  }

  const auto key_field = reference_path(walker, *section, "keyRef");
  if (!key_field) {
    // A RANDOM identity needs no key path: the agent chooses where its generated key is kept.
    if (signer.enabled && identity_type == IdentityType::pki) {
      walker.sink().problem(section->self().key_position, section->path_of("keyRef.path"),
                            "is required when requestSigner is enabled");
    }
    return;
  }
  const auto path = walker.path(*key_field);
  if (!path) return;
  signer.key_path = *path;
  if (!signer.enabled || !identity_type) return;
  if (*identity_type == IdentityType::random) {
    // The generated key is stored there: it need not exist yet, but its directory must.
    const Status where = path_exists(*path) ? check_readable_file(*path) : check_parent_directory(*path);
    walker.sink().check(*key_field, where);
    return;
  }
  if (walker.sink().check(*key_field, check_readable_file(*path))) {
    warn_if_readable_by_others(walker, *key_field, *path);
  }
}

void read_client_secret(ConfigWalker& walker, const MapFields& section, bool config_readable_by_others,
                        AuthHelperConfig& auth) {
  const auto inline_secret = section.find("clientSecret");
  const auto secret_file = reference_path(walker, section, "clientSecretRef");
  if (inline_secret && secret_file) {
    walker.sink().problem(*inline_secret, "give clientSecret or clientSecretRef.path, not both");
    return;
  }
  if (inline_secret) {
    const auto value = walker.non_empty_text(*inline_secret);
    if (!value || !auth.enabled) return;
    if (config_readable_by_others) {
      walker.sink().problem(
          *inline_secret,
          "an inline secret needs a config file that group and others cannot read (chmod 600 it, "
          "or use clientSecretRef.path)");
      return;
    }
    auth.client_secret = Secret(*value);
    return;
  }
  if (!secret_file) {
    if (auth.enabled) {
      walker.sink().problem(section.self().key_position, section.path_of("clientSecret"),
                            "clientSecret or clientSecretRef.path is required when authHelper is enabled");
    }
    return;
  }
  const auto path = walker.path(*secret_file);
  if (!path) return;
  auth.client_secret_path = *path;
  if (!auth.enabled) return;
  auto content = read_text_file(*path, max_secret_bytes);
  if (!content) {
    walker.sink().problem(*secret_file, content.error().message);
    return;
  }
  const auto readable = readable_by_group_or_others(*path);
  if (!readable || *readable) {
    walker.sink().problem(
        *secret_file, "the secret file must not be readable by group or others (chmod 600 " + *path + ")");
    return;
  }
  std::string secret = std::move(content).value();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) {
    walker.sink().problem(*secret_file, "the secret file is empty: " + *path);
    return;
  }
  auth.client_secret = Secret(std::move(secret));
}

void read_auth_helper(ConfigWalker& walker, const MapFields& plugins, bool config_readable_by_others,
                      AuthHelperConfig& auth) {
  const auto section = walker.child_map(
      plugins, "authHelper", {"enabled", "tokenUrl", "clientId", "clientSecret", "clientSecretRef", "scope"});
  if (!section) return;
  auth.enabled = read_enabled(walker, *section, false);
  constexpr std::string_view required = "is required when authHelper is enabled";
  const auto token_url =
      auth.enabled ? walker.required(*section, "tokenUrl", required) : section->find("tokenUrl");
  if (token_url) {
    if (auto value = walker.parsed<std::string>(*token_url, parse_https_url)) auth.token_url = *value;
  }
  const auto client_id =
      auth.enabled ? walker.required(*section, "clientId", required) : section->find("clientId");
  if (client_id) {
    if (auto value = walker.non_empty_text(*client_id)) auth.client_id = *value;
  }
  if (const auto scope = section->find("scope")) {
    if (auto value = walker.text(*scope)) auth.scope = *value;
  }
  read_client_secret(walker, *section, config_readable_by_others, auth);
}

void read_tls_helper(ConfigWalker& walker, const MapFields& plugins, bool plain_http, TlsHelperConfig& tls) {
  const auto section =
      walker.child_map(plugins, "tlsHelper", {"enabled", "caKeyRef", "fetchRootCa", "minVersion"});
  if (!section) return;
  tls.enabled = read_enabled(walker, *section, true);
  if (const auto fetch = section->find("fetchRootCa")) {
    if (auto value = walker.parsed<bool>(*fetch, parse_bool)) tls.fetch_root_ca = *value;
    if (tls.fetch_root_ca && plain_http)
      walker.sink().problem(*fetch,
                            "needs an https:// sbiUrl: the root CA is fetched over the verified channel");
  }
  // Profile A asks for TLS 1.3 at least; 1.2 is an opt-in for WFMs behind older terminators.
  if (const auto minimum = section->find("minVersion")) {
    const std::string text = minimum->node.IsScalar() ? minimum->node.Scalar() : "";
    if (text == "1.3") {
      tls.min_version = TlsMinimum::tls1_3;
    } else if (text == "1.2") {
      tls.min_version = TlsMinimum::tls1_2;
      walker.sink().warning(*minimum, "TLS 1.2 allowed: the Margo specification asks for TLS 1.3 at least");
    } else {
      walker.sink().problem(*minimum, "must be \"1.3\" or \"1.2\", got '" + text.substr(0, 40) + "'");
    }
  }
  const auto ca_field = reference_path(walker, *section, "caKeyRef");
  if (!tls.enabled) {
    if (ca_field) {
      walker.sink().warning(*ca_field,
                            plain_http ? "ignored: tlsHelper is disabled (plain HTTP)"
                                       : "ignored: tlsHelper is disabled, the system trust store is used");
    }
    return;
  }
  if (!ca_field) {
    walker.sink().problem(section->self().key_position, section->path_of("caKeyRef.path"),
                          "is required when tlsHelper is enabled");
    return;
  }
  if (auto path = walker.existing_file(*ca_field)) tls.ca_path = *path;
}

void read_timeouts(ConfigWalker& walker, const MapFields& wfm_section, WfmTimeoutsConfig& timeouts) {
  const auto section = walker.child_map(wfm_section, "timeouts", {"connect", "read"});
  if (!section) return;
  const auto read = [&](std::string_view key, Duration& out) {
    const auto field = section->find(key);
    if (!field) return;
    const auto value = walker.parsed<Duration>(*field, parse_duration);
    if (!value) return;
    if (*value < std::chrono::milliseconds(100) || *value > std::chrono::minutes(10)) {
      walker.sink().problem(*field, "must be between 100ms and 10m, got " + field->node.Scalar());
      return;
    }
    out = *value;
  };
  read("connect", timeouts.connect);
  read("read", timeouts.read);
}

// Plain HTTP as the Go client documents it: only with tlsHelper switched off, which says the operator
// chose it; the rule is the config's, whatever the address.
void check_plain_http(ConfigWalker& walker, const Field& url, const TlsHelperConfig& tls) {
  if (tls.enabled) {
    walker.sink().problem(url,
                          "http:// is plain, unencrypted HTTP while tlsHelper is enabled: use an https:// "
                          "URL, or, for development in a trusted network only, set "
                          "wfm.clientPlugins.tlsHelper.enabled: false to allow plain HTTP");
    return;
  }
  walker.sink().warning(url,
                        "plain HTTP: traffic to the WFM is not encrypted and the WFM is not "
                        "authenticated (use only in a trusted network)");
}

}  // namespace

void read_wfm(ConfigWalker& walker, const MapFields& root, const WfmSectionContext& context, WfmConfig& wfm) {
  const auto section = walker.child_map(root, "wfm", {"sbiUrl", "clientPlugins", "timeouts"});
  if (!section) return;
  const auto url_field = walker.required(*section, "sbiUrl");
  if (url_field) {
    if (auto url = walker.parsed<std::string>(*url_field, parse_web_url)) {
      while (url->back() == '/') url->pop_back();
      wfm.sbi_url = *url;
    }
  }
  read_timeouts(walker, *section, wfm.timeouts);
  const auto plugins =
      walker.child_map(*section, "clientPlugins", {"requestSigner", "authHelper", "tlsHelper"});
  if (!plugins) return;
  read_request_signer(walker, *plugins, context.identity_type, wfm.request_signer);
  read_auth_helper(walker, *plugins, context.config_readable_by_others, wfm.auth_helper);
  read_tls_helper(walker, *plugins, wfm.plain_http(), wfm.tls_helper);
  if (url_field && wfm.plain_http()) check_plain_http(walker, *url_field, wfm.tls_helper);
}

}  // namespace margo
