#pragma once
// Test-control endpoints under /_fake/, outside the Margo API: read what the fake WFM saw and turn
// its knobs over HTTP. margo-wfm serves them only when it listens on a loopback address.
//
//   GET  /_fake/exchanges          the exchange log (JSON array)
//   GET  /_fake/stats              counters per route class
//   GET  /_fake/status-reports     every status report received: clientId, deploymentId, state, body
//   POST /_fake/fail-next          {"route": "manifest"|...|"any", "count": n, "status": s, "retryAfter":
//   sec} POST /_fake/down               {"down": true|false} POST /_fake/onboarding-policy  {"policy":
//   "accept"|"reject_invalid_certificate"|"reject_client"|"reject_duplicate"} POST /_fake/deployments
//   [{"deploymentId": .., "yaml": ..}] for every client, or
//                                  {"clientId": .., "deployments": [...]} for one
//   POST /_fake/manifest-version   {"version": n} for every client, or {"version": n, "clientId": ..}

#include <string_view>

#include "agent/ports/http_client.hpp"
#include "fakes/wfm/fake_wfm.hpp"

namespace margo::fake {

// True for the path of a request (absolute URL) that names an admin endpoint.
bool is_admin_request(const HttpRequest& request);

// 200 with JSON for reads, 204 for a change applied, 400 for a bad body, 404/405 otherwise.
HttpResponse handle_admin_request(FakeWfm& wfm, const HttpRequest& request);

}  // namespace margo::fake
