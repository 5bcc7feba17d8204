#pragma once
// Shape checks of the JSON bodies devices send (Margo profile A, spec digest section 5).

#include <string>
#include <string_view>

#include "agent/ports/result.hpp"

namespace margo::fake {

// {"apiVersion", "kind": "OnboardingRequest", "certificate": "<base64>"}: returns the certificate text.
// Errors: payload.invalid.
Result<std::string> onboarding_certificate_field(std::string_view body);

// A JSON object with a non-empty apiVersion and kind "DeviceCapabilitiesManifest".
// Errors: payload.invalid.
Status check_capabilities_manifest(std::string_view body);

// apiVersion, kind "DeploymentStatusManifest", deploymentId equal to the path's, status.state and
// components[] {name, state} with states pending|installing|installed|failed|removing|removed.
// Returns the overall state. Errors: payload.invalid.
Result<std::string> check_status_manifest(std::string_view body, const std::string& deployment_id);

}  // namespace margo::fake
