#pragma once
// The Margo southbound API as the agent core sees it: typed calls, typed results. The protocol
// client in agent/wfm implements it per profile (paths, authentication, error decoding); the core
// never sees URLs or headers.

#include <optional>
#include <string>

#include "agent/ports/result.hpp"

namespace margo {

struct ManifestFetch {
  bool not_modified = false;  // 304: nothing changed
  std::string etag;           // as received, quotes included
  std::string content_type;
  std::string body;  // the exact bytes of the 200 body
};

// Errors carry http_status and retry_after when the WFM answered. Classes: 5xx, 429, 408 and
// transport failures are retryable; 401, 403 and verification failures are security; other 4xx are
// permanent.
class WfmApi {
 public:
  virtual ~WfmApi() = default;

  // Every call after onboarding is made on behalf of this client.
  virtual void set_client_id(const std::string& client_id) = 0;

  // GET the WFM root CA (PEM text) over the already-trusted channel.
  virtual void fetch_root_ca(Callback<std::string> done) = 0;
  // Onboards with the device certificate; returns the clientId.
  virtual void onboard(Callback<std::string> done) = 0;
  // POST (first report) or PUT (update) the DeviceCapabilitiesManifest, sent byte for byte.
  virtual void report_capabilities(bool first_report, const std::string& manifest_json,
                                   Callback<void> done) = 0;
  // GET the desired-state manifest, with If-None-Match when an ETag is given.
  virtual void fetch_manifest(const std::optional<std::string>& etag, Callback<ManifestFetch> done) = 0;
  // GET a content-addressed resource by the `url` the manifest gave (bundle or one deployment YAML).
  virtual void fetch_artifact(const std::string& url, std::size_t max_bytes, Callback<std::string> done) = 0;
  // POST a DeploymentStatusManifest for one deployment.
  virtual void post_status(const std::string& deployment_id, const std::string& status_json,
                           Callback<void> done) = 0;
};

}  // namespace margo
