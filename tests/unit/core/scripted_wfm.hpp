#pragma once
// A WfmApi test double: each call is recorded and answered by a script (a function per call kind),
// delivered through the executor after a configurable delay, like a real network round trip.

#include <functional>
#include <string>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/ports/wfm_api.hpp"

namespace margo::test {

struct WfmCall {
  std::string kind;  // onboard, root_ca, capabilities_post, capabilities_put, manifest, artifact, status
  MonoTime at{};
  std::string detail;  // If-None-Match, body, url...
};

class ScriptedWfm final : public WfmApi {
 public:
  explicit ScriptedWfm(Executor& executor) : executor_(executor) {}

  std::function<Result<std::string>()> on_onboard = [] { return Result<std::string>("client-1"); };
  std::function<Result<std::string>()> on_root_ca = [] {
    return Result<std::string>("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  };
  std::function<Status(bool first, const std::string& body)> on_capabilities = [](bool, const std::string&) {
    return Status();
  };
  std::function<Result<ManifestFetch>(const std::optional<std::string>& etag)> on_manifest =
      [](const std::optional<std::string>&) {
        ManifestFetch fetch;
        fetch.not_modified = true;
        return Result<ManifestFetch>(fetch);
      };
  Duration latency = std::chrono::milliseconds(10);

  std::vector<WfmCall> calls;
  std::string client_id;

  std::size_t count(std::string_view kind) const {
    std::size_t n = 0;
    for (const auto& call : calls) n += call.kind == kind ? 1 : 0;
    return n;
  }

  void set_client_id(const std::string& id) override { client_id = id; }
  void fetch_root_ca(Callback<std::string> done) override {
    answer("root_ca", "", on_root_ca(), std::move(done));
  }
  void onboard(Callback<std::string> done) override { answer("onboard", "", on_onboard(), std::move(done)); }
  void report_capabilities(bool first, const std::string& body, Callback<void> done) override {
    answer(first ? "capabilities_post" : "capabilities_put", body, on_capabilities(first, body),
           std::move(done));
  }
  void fetch_manifest(const std::optional<std::string>& etag, Callback<ManifestFetch> done) override {
    answer("manifest", etag.value_or(""), on_manifest(etag), std::move(done));
  }
  void fetch_artifact(const std::string& url, std::size_t, Callback<std::string> done) override {
    answer("artifact", url, Result<std::string>(permanent_error("test.unscripted", "no artifacts")),
           std::move(done));
  }
  void post_status(const std::string& id, const std::string&, Callback<void> done) override {
    answer("status", id, Status(), std::move(done));
  }

 private:
  template <typename T>
  void answer(std::string kind, std::string detail, Result<T> result, Callback<T> done) {
    calls.push_back({std::move(kind), executor_.now(), std::move(detail)});
    executor_.schedule_after(
        latency, [result = std::move(result), done = std::move(done)]() mutable { done(std::move(result)); });
  }

  Executor& executor_;
};

inline Error http_error(int status, std::optional<Duration> retry_after = std::nullopt) {
  Error error{"wfm.http_" + std::to_string(status), "HTTP " + std::to_string(status),
              status >= 500 ? ErrorClass::retryable
                            : (status == 401 || status == 403 ? ErrorClass::security : ErrorClass::permanent),
              status, retry_after};
  return error;
}

inline ManifestFetch manifest_response(std::string body, std::string etag,
                                       std::string content_type = "application/vnd.margo.manifest.v1+json") {
  ManifestFetch fetch;
  fetch.body = std::move(body);
  fetch.etag = std::move(etag);
  fetch.content_type = std::move(content_type);
  return fetch;
}

}  // namespace margo::test
